use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::spawn_app;

fn profile() -> serde_json::Value {
    json!({"summary": {"id": "Kota jasa dan perdagangan di Teluk Bone.", "en": "A trade and services city on the Gulf of Bone."},
           "leading_sectors": ["A", "35"], "maturity": {"GOV": 3, "ENV": 2},
           "contacts": [{"name": "Andi Baso", "position": "Head of DPMPTSP", "email": "dpmptsp@palopokota.go.id", "phone": null}],
           "incentives": {"id": "Keringanan retribusi.", "en": "Reduced levies."},
           "documents": [{"title": "Masterplan Smart City", "url": "https://palopokota.go.id/masterplan.pdf"}]})
}

#[tokio::test]
async fn an_official_writes_the_regions_profile_and_everyone_reads_it() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (status, written) = app
        .call(
            Method::PUT,
            "/api/v1/regions/73.73/profile",
            Some(&official.token),
            Some(profile()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{written}");
    let (_, read) = app.get("/api/v1/regions/73.73", None).await;
    assert_eq!(read["profile"]["maturity"]["GOV"], 3);
    assert_eq!(
        read["profile"]["summary"]["en"],
        "A trade and services city on the Gulf of Bone."
    );
    assert_eq!(read["profile"]["demo"], false);
}

#[tokio::test]
async fn an_official_cannot_write_another_regions_profile() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.09")).await;
    let investor = app.user(Role::Investor, None).await;
    for token in [&official.token, &investor.token] {
        let (status, _) = app
            .call(
                Method::PUT,
                "/api/v1/regions/73.73/profile",
                Some(token),
                Some(profile()),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (_, read) = app.get("/api/v1/regions/73.73", None).await;
    assert!(read["profile"].is_null());
    let mut bad = profile();
    bad["maturity"] = json!({"GOV": 9});
    let staff = app.user(Role::Staff, None).await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/regions/73.73/profile",
            Some(&staff.token),
            Some(bad),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
