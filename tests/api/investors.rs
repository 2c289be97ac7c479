use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{code, refused_fields, spawn_app};

fn mandate() -> serde_json::Value {
    json!({"sectors": ["35"], "excluded_sectors": ["0510"], "dimensions": ["ENV"], "elements": ["ENV-3"],
           "regions": ["73.73"], "provinces": ["64"], "ikn_related": true,
           "ticket": {"min": "5000000", "max": "20000000", "currency": "USD"},
           "stages": ["feasibility_study"], "instruments": ["equity", "ppp"],
           "thesis": "Renewable power for eastern Indonesia.", "discoverable": true})
}

#[tokio::test]
async fn an_investor_sets_its_mandate_and_reads_it_back() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let id = investor.investor_id.clone().unwrap();
    let (status, stored) = app
        .call(
            Method::PUT,
            &format!("/api/v1/investors/{id}/mandate"),
            Some(&investor.token),
            Some(mandate()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    let (_, read) = app
        .get(&format!("/api/v1/investors/{id}"), Some(&investor.token))
        .await;
    assert_eq!(read["mandate"], mandate());
    assert_eq!(read["contact"]["email"], "deals@testcapital.example");
}

#[tokio::test]
async fn a_mandate_with_unknown_codes_or_an_inverted_ticket_is_refused() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let path = format!(
        "/api/v1/investors/{}/mandate",
        investor.investor_id.clone().unwrap()
    );
    for (field, value) in [
        ("sectors", json!(["Z9"])),
        ("regions", json!(["73"])),
        ("provinces", json!(["73.73"])),
        (
            "ticket",
            json!({"min": "20", "max": "5", "currency": "USD"}),
        ),
    ] {
        let mut body = mandate();
        body[field] = value;
        let (status, answer) = app
            .call(Method::PUT, &path, Some(&investor.token), Some(body))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(code(&answer), "validation_failed");
    }
}

#[tokio::test]
async fn an_investor_cannot_read_or_change_another_investor() {
    let app = spawn_app().await;
    let mine = app.user(Role::Investor, None).await;
    let theirs = app.user(Role::Investor, None).await;
    let theirs_id = theirs.investor_id.clone().unwrap();
    let path = format!("/api/v1/investors/{theirs_id}");
    assert_eq!(
        app.get(&path, Some(&mine.token)).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = app
        .call(
            Method::PATCH,
            &path,
            Some(&mine.token),
            Some(json!({"name": "Taken over"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("{path}/mandate"),
            Some(&mine.token),
            Some(mandate()),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app.get("/api/v1/investors", Some(&mine.token)).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine.investor_id.clone().unwrap());
}

#[tokio::test]
async fn officials_see_verified_discoverable_investors_without_contacts() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let id = investor.investor_id.clone().unwrap();
    app.call(
        Method::PUT,
        &format!("/api/v1/investors/{id}/mandate"),
        Some(&investor.token),
        Some(mandate()),
    )
    .await;
    let path = format!("/api/v1/investors/{id}");
    assert_eq!(
        app.get(&path, Some(&official.token)).await.0,
        StatusCode::NOT_FOUND,
        "not verified yet"
    );
    assert_eq!(
        app.post(&format!("{path}/verify"), Some(&investor.token), json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, verified) = app
        .post(&format!("{path}/verify"), Some(&staff.token), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verified["verified"], true);
    let (status, seen) = app.get(&path, Some(&official.token)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen.get("contact").is_none(), "{seen}");
    let (_, list) = app.get("/api/v1/investors", Some(&official.token)).await;
    assert_eq!(list["total"], 1);
    assert!(list["items"][0].get("contact").is_none());
    let (_, staff_view) = app.get(&path, Some(&staff.token)).await;
    assert_eq!(staff_view["contact"]["phone"], "+65 6123 4567");
}

#[tokio::test]
async fn an_investor_cannot_verify_itself_through_its_profile() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let path = format!(
        "/api/v1/investors/{}",
        investor.investor_id.clone().unwrap()
    );
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&investor.token),
            Some(json!({"verified": true})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "invalid_body");
    let (status, changed) = app
        .call(
            Method::PATCH,
            &path,
            Some(&investor.token),
            Some(json!({"description": "Impact fund", "website": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["verified"], false);
    assert_eq!(changed["description"], "Impact fund");
}

#[tokio::test]
async fn a_profile_with_three_mistakes_is_refused_naming_all_three_and_nothing_changes() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let path = format!(
        "/api/v1/investors/{}",
        investor.investor_id.clone().unwrap()
    );
    let (_, before) = app.get(&path, Some(&investor.token)).await;
    let change = json!({"name": "Renamed Capital", "country": "XX", "website": "ftp://files.example",
                        "contact_phone": "call us"});
    let (status, refused) = app
        .call(Method::PATCH, &path, Some(&investor.token), Some(change))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        ["contact_phone", "country", "website"]
    );
    let (_, after) = app.get(&path, Some(&investor.token)).await;
    assert_eq!(after, before, "nothing changed, the valid name neither");
}

#[tokio::test]
async fn a_mandate_with_three_mistakes_is_refused_naming_all_three_and_nothing_is_stored() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let id = investor.investor_id.clone().unwrap();
    let mut body = mandate();
    body["sectors"] = json!(["Z9"]);
    body["thesis"] = json!("x".repeat(5001));
    body["ticket"] = json!({"min": "a lot", "max": "5", "currency": "USD"});
    let (status, refused) = app
        .call(
            Method::PUT,
            &format!("/api/v1/investors/{id}/mandate"),
            Some(&investor.token),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        ["sectors", "thesis", "ticket.min"],
        "min and max are compared only once both are amounts"
    );
    let (_, stored) = app
        .get(&format!("/api/v1/investors/{id}"), Some(&investor.token))
        .await;
    assert_eq!(
        stored["mandate"],
        serde_json::Value::Null,
        "nothing was stored"
    );
}
