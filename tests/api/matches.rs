use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_app, spawn_with, test_settings};

pub fn solar_mandate(discoverable: bool) -> Value {
    json!({"sectors": ["35"], "dimensions": ["ENV"], "elements": ["ENV-3"], "regions": ["73.73"],
           "ticket": {"min": "5000000", "max": "20000000", "currency": "USD"},
           "stages": ["feasibility_study"], "instruments": ["ppp"],
           "thesis": "Rooftop solar and clean power for eastern Indonesian cities", "discoverable": discoverable})
}

pub async fn investor_with_mandate(app: &TestApp, mandate: Value) -> TestUser {
    let investor = app.user(Role::Investor, None).await;
    let path = format!(
        "/api/v1/investors/{}/mandate",
        investor.investor_id.clone().unwrap()
    );
    let (status, body) = app
        .call(Method::PUT, &path, Some(&investor.token), Some(mandate))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    investor
}

/// Publishes a rooftop-solar project in Palopo and a construction project in Balikpapan.
pub async fn two_projects(app: &TestApp) -> (String, String) {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    let mut solar =
        TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    solar["description"]["en"] = json!("Rooftop solar panels on city buildings.");
    let solar = app.published_project(&palopo, &staff, solar).await;
    let mut housing = TestApp::project_body("64.71", "Housing estate", "4100", "50000000000");
    housing["dimensions"] = json!(["LIV"]);
    housing["elements"] = json!(["LIV-1"]);
    housing["stage"] = json!("idea");
    let housing = app.published_project(&balikpapan, &staff, housing).await;
    (solar, housing)
}

fn matches_path(investor: &TestUser) -> String {
    format!(
        "/api/v1/investors/{}/matches",
        investor.investor_id.clone().unwrap()
    )
}

#[tokio::test]
async fn an_investor_gets_its_matches_ranked_with_reasons_in_two_languages() {
    let app = spawn_app().await;
    let (solar, housing) = two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let (status, page) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["project"]["id"], solar.as_str());
    assert_eq!(items[1]["project"]["id"], housing.as_str());
    assert!(items[0]["score"].as_f64().unwrap() > items[1]["score"].as_f64().unwrap());
    let components = items[0]["components"].as_object().unwrap();
    for key in ["sector", "dimension", "ticket", "region", "stage", "text"] {
        assert!(components[key].is_number(), "{key}");
    }
    assert_eq!(components["sector"], 1.0);
    let reasons: Vec<&str> = items[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["en"].as_str().unwrap())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("Sector: 3510 (Electric power generation")),
        "{reasons:?}"
    );
    assert!(
        items[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"]
                .as_str()
                .unwrap()
                .contains("(Pembangkitan, transmisi dan distribusi tenaga listrik)")),
        "the Indonesian reason names the sector in Indonesian"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("IDR 180 bn ≈ USD 10.8 m, inside the USD 5–20 m range")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("Kota Palopo is a preferred region")),
        "{reasons:?}"
    );
    assert!(
        items[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !r["id"].as_str().unwrap().is_empty())
    );
    assert!(page["next_cursor"].is_null());
}

#[tokio::test]
async fn a_ranking_pages_with_a_cursor_and_filters_like_the_project_list() {
    let app = spawn_app().await;
    let (solar, housing) = two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let (_, first) = app
        .get(
            &format!("{}?limit=1", matches_path(&investor)),
            Some(&investor.token),
        )
        .await;
    assert_eq!(first["items"][0]["project"]["id"], solar.as_str());
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("{}?limit=1&cursor={cursor}", matches_path(&investor)),
            Some(&investor.token),
        )
        .await;
    assert_eq!(second["items"][0]["project"]["id"], housing.as_str());
    let (_, only_liv) = app
        .get(
            &format!("{}?dimension=LIV", matches_path(&investor)),
            Some(&investor.token),
        )
        .await;
    assert_eq!(only_liv["items"].as_array().unwrap().len(), 1);
    assert_eq!(only_liv["items"][0]["project"]["id"], housing.as_str());
    let (status, body) = app
        .get(
            &format!("{}?sector=99x", matches_path(&investor)),
            Some(&investor.token),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn not_interested_hides_a_project_and_must_meet_is_kept() {
    let app = spawn_app().await;
    let (solar, housing) = two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let id = investor.investor_id.clone().unwrap();
    let put = |project: &str, interest: &str| {
        (
            format!("/api/v1/investors/{id}/feedback/{project}"),
            json!({ "interest": interest }),
        )
    };
    let (path, body) = put(&housing, "not_interested");
    assert_eq!(
        app.call(Method::PUT, &path, Some(&investor.token), Some(body))
            .await
            .0,
        StatusCode::OK
    );
    let (path, body) = put(&solar, "must_meet");
    assert_eq!(
        app.call(Method::PUT, &path, Some(&investor.token), Some(body))
            .await
            .0,
        StatusCode::OK
    );
    let (_, page) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["project"]["id"], solar.as_str());
    assert_eq!(items[0]["feedback"], "must_meet");
    let (_, feedback) = app
        .get(
            &format!("/api/v1/investors/{id}/feedback"),
            Some(&investor.token),
        )
        .await;
    assert_eq!(feedback.as_array().unwrap().len(), 2);
    let (path, _) = put(&housing, "");
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&investor.token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (_, page) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        2,
        "withdrawn feedback shows the project again"
    );
    let (path, body) = put(&housing, "adore");
    assert_eq!(
        app.call(Method::PUT, &path, Some(&investor.token), Some(body))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (path, body) = put("no-such-project", "interested");
    assert_eq!(
        app.call(Method::PUT, &path, Some(&investor.token), Some(body))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_the_investor_itself_and_staff_see_its_matches() {
    let app = spawn_app().await;
    two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let other = app.user(Role::Investor, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    assert_eq!(
        app.get(&matches_path(&investor), Some(&other.token))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&matches_path(&investor), Some(&official.token))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&matches_path(&investor), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&matches_path(&investor), Some(&staff.token))
            .await
            .0,
        StatusCode::OK
    );
    let (status, body) = app.get(&matches_path(&other), Some(&other.token)).await;
    assert_eq!(status, StatusCode::CONFLICT, "no mandate yet");
    assert_eq!(code(&body), "mandate_required");
}

#[tokio::test]
async fn a_region_sees_verified_discoverable_investors_for_its_project_without_contacts() {
    let app = spawn_app().await;
    let (solar, _) = two_projects(&app).await;
    let staff = app.user(Role::Staff, None).await;
    let verified = investor_with_mandate(&app, solar_mandate(true)).await;
    let hidden = investor_with_mandate(&app, solar_mandate(false)).await;
    let unverified = investor_with_mandate(&app, solar_mandate(true)).await;
    for investor in [&verified, &hidden] {
        let path = format!(
            "/api/v1/investors/{}/verify",
            investor.investor_id.clone().unwrap()
        );
        assert_eq!(
            app.post(&path, Some(&staff.token), json!({})).await.0,
            StatusCode::OK
        );
    }
    let official = app.user(Role::Official, Some("73.73")).await;
    let path = format!("/api/v1/projects/{solar}/matches");
    let (status, page) = app.get(&path, Some(&official.token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(
        items[0]["investor"]["id"],
        verified.investor_id.clone().unwrap()
    );
    assert!(items[0]["investor"].get("contact").is_none());
    assert!(!items[0]["reasons"].as_array().unwrap().is_empty());
    let _ = unverified;
    let elsewhere = app.user(Role::Official, Some("73.09")).await;
    assert_eq!(
        app.get(&path, Some(&elsewhere.token)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&path, Some(&staff.token)).await.0, StatusCode::OK);
    let (_, draft) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Draft", "3510", "1000"),
        )
        .await;
    let (status, body) = app
        .get(
            &format!("/api/v1/projects/{}/matches", draft["id"].as_str().unwrap()),
            Some(&official.token),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(code(&body), "project_not_published");
}

#[tokio::test]
async fn staff_see_the_strongest_pairs_overall() {
    let app = spawn_app().await;
    let (solar, _) = two_projects(&app).await;
    let staff = app.user(Role::Staff, None).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let path = format!(
        "/api/v1/investors/{}/verify",
        investor.investor_id.clone().unwrap()
    );
    app.post(&path, Some(&staff.token), json!({})).await;
    let (status, page) = app
        .get("/api/v1/matches/top?limit=10", Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["project"]["id"], solar.as_str());
    assert_eq!(
        items[0]["investor"]["id"],
        investor.investor_id.clone().unwrap()
    );
    let (_, env_only) = app
        .get(
            "/api/v1/matches/top?dimension=ENV&province=73",
            Some(&staff.token),
        )
        .await;
    assert_eq!(env_only["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/v1/matches/top", Some(&investor.token))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_mandate_is_previewed_without_signing_in_or_storing_it() {
    let app = spawn_app().await;
    let (solar, _) = two_projects(&app).await;
    let (status, page) = app
        .post("/api/v1/matches/preview?limit=1", None, solar_mandate(true))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["project"]["id"], solar.as_str());
    let mut bad = solar_mandate(true);
    bad["sectors"] = json!(["Z9"]);
    let (status, body) = app.post("/api/v1/matches/preview", None, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&body), "validation_failed");
}

#[tokio::test]
async fn a_newly_published_project_is_matched_at_once_and_a_closed_one_leaves() {
    let app = spawn_app().await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let (_, empty) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(empty["items"].as_array().unwrap().len(), 0);
    let (solar, _) = two_projects(&app).await;
    let (_, page) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(page["items"][0]["project"]["id"], solar.as_str());
    let staff = app.user(Role::Staff, None).await;
    app.post(
        &format!("/api/v1/projects/{solar}/close"),
        Some(&staff.token),
        json!({}),
    )
    .await;
    let (_, page) = app
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["project"]["id"] != solar.as_str())
    );
}

#[tokio::test]
async fn a_second_instance_on_the_same_database_notices_changes() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(&dir);
    let first = spawn_with(settings.clone(), dir).await;
    let second = spawn_with(settings, tempfile::tempdir().unwrap()).await;
    let investor = investor_with_mandate(&first, solar_mandate(true)).await;
    let (_, before) = second
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(before["items"].as_array().unwrap().len(), 0);
    let (solar, _) = two_projects(&first).await;
    let (_, after) = second
        .get(&matches_path(&investor), Some(&investor.token))
        .await;
    assert_eq!(
        after["items"][0]["project"]["id"],
        solar.as_str(),
        "{after}"
    );
}
