use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, code, spawn_app};

async fn project_count(app: &TestApp, token: &str) -> i64 {
    let (_, drafts) = app.get("/api/v1/projects?status=draft", Some(token)).await;
    drafts["total"].as_i64().unwrap()
}

#[tokio::test]
async fn malformed_json_gets_400_and_writes_nothing() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&staff.token)
        .header("content-type", "application/json")
        .body("{\"region\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(code(&body), "malformed_json");
    assert_eq!(project_count(&app, &staff.token).await, 0);
}

#[tokio::test]
async fn a_wrong_type_names_the_field() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
    body["sectors"] = json!("3510");
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&answer), "invalid_body");
    assert!(answer["error"]["fields"]["sectors"].is_string(), "{answer}");
}

#[tokio::test]
async fn unknown_and_privileged_fields_are_rejected_not_ignored() {
    let app = spawn_app().await;
    let (status, answer) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "x@example.com", "password": "long enough password", "name": "X", "role": "admin",
                   "organisation": {"name": "X", "kind": "fund", "country": "JP"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("role")
    );
    let (status, _) = app.login("x@example.com", "long enough password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nothing was registered");
}

#[tokio::test]
async fn out_of_range_values_get_422_with_field_messages() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    for (field, value) in [
        ("sectors", json!(["9999"])),
        ("stage", json!("idea")),
        ("elements", json!(["ENV-9"])),
    ] {
        let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
        body[field] = value;
        let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
        if field == "stage" {
            assert_eq!(status, StatusCode::CREATED);
            continue;
        }
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert_eq!(code(&answer), "validation_failed");
        assert!(answer["error"]["fields"][field].is_string(), "{answer}");
    }
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "-5");
    let (status, answer) = app
        .post("/api/v1/projects", Some(&staff.token), body.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    body["value"] = json!({"amount": "10", "currency": "XYZ"});
    let (status, _) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        project_count(&app, &staff.token).await,
        1,
        "only the valid project was stored"
    );
    let (status, answer) = app.get("/api/v1/projects?per_page=101", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&answer), "validation_failed");
    let (status, answer) = app.get("/api/v1/projects?stage=someday", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&answer), "invalid_query");
}

#[tokio::test]
async fn an_oversized_body_gets_413() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
    body["description"]["en"] = json!("x".repeat(2 << 20));
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&answer), "payload_too_large");
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(code(&body), "unsupported_media_type");
}

#[tokio::test]
async fn unknown_ids_and_routes_get_json_404() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (status, body) = app.get("/api/v1/projects/no-such-project", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
    let (status, _) = app
        .get("/api/v1/investors/no-such-investor", Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
}

#[tokio::test]
async fn nul_characters_are_refused_in_bodies_and_addresses() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar\u{0}", "3510", "1000");
    let (status, answer) = app
        .post("/api/v1/projects", Some(&staff.token), body.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    body["title"] = json!({"id": "Surya", "en": "A backslash \\u0000 written out is fine"});
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    for path in [
        "/api/v1/projects/%00",
        "/api/v1/projects?region=%00",
        "/api/v1/regions?province=%00",
    ] {
        let (status, answer) = app.get(path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(code(&answer), "invalid_request");
    }
    let (status, _) = app.login("x\u{0}@example.com", "whatever password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
