//! Signed webhooks to a real HTTP receiver on loopback: retries, signatures, 410 Gone, and the
//! guard on where subscriptions may point.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{TestApp, TestUser, spawn_app};

async fn subscribe(app: &TestApp, admin: &TestUser, url: String, types: &[&str]) -> Value {
    let (status, sub) = app
        .post(
            "/api/v1/admin/webhooks",
            Some(&admin.token),
            json!({"url": url, "event_types": types}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    sub
}

/// Checks a delivery's signature the way a receiver would, from the Standard Webhooks recipe.
fn signature_is_valid(request: &Request, secret: &str) -> bool {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let body = String::from_utf8(request.body.clone()).unwrap();
    mac.update(
        format!(
            "{}.{}.{}",
            header("webhook-id"),
            header("webhook-timestamp"),
            body
        )
        .as_bytes(),
    );
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header("webhook-signature") == expected
}

async fn requests_to(server: &MockServer, route: &str, count: usize) -> Vec<Request> {
    for _ in 0..500 {
        let received: Vec<Request> = server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.url.path() == route)
            .collect();
        if received.len() >= count {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {count} deliveries to {route}");
}

#[tokio::test]
async fn partner_systems_receive_signed_events_retried_until_they_answer() {
    let app = spawn_app().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let admin = app.user(Role::Admin, None).await;
    let sub = subscribe(
        &app,
        &admin,
        format!("{}/hook", server.uri()),
        &["project.published"],
    )
    .await;
    let secret = sub["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let (_, listed) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Market solar", "3510", "9000000000"),
        )
        .await;
    let received = requests_to(&server, "/hook", 2).await;
    let (first, second) = (&received[0], &received[1]);
    assert_eq!(
        first.headers["webhook-id"], second.headers["webhook-id"],
        "a retry keeps its id"
    );
    for delivery in [first, second] {
        assert!(
            signature_is_valid(delivery, secret),
            "signed with the subscription's secret"
        );
        assert_eq!(delivery.headers["content-type"], "application/json");
    }
    let body: Value = serde_json::from_slice(&second.body).unwrap();
    assert_eq!(body["type"], "project.published");
    assert_eq!(body["data"]["project"]["id"], project);
    assert!(body["timestamp"].as_str().is_some());
}

#[tokio::test]
async fn a_receiver_that_answers_410_gone_is_unsubscribed() {
    let app = spawn_app().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(410))
        .mount(&server)
        .await;
    let admin = app.user(Role::Admin, None).await;
    let sub = subscribe(
        &app,
        &admin,
        format!("{}/gone", server.uri()),
        &["investor.verified"],
    )
    .await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let id = investor.investor_id.clone().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/investors/{id}/verify"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    requests_to(&server, "/gone", 1).await;
    let mut listed = Value::Null;
    for _ in 0..500 {
        let (_, list) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
        if list[0]["active"] == false {
            listed = list;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(listed[0]["id"], sub["id"]);
    assert!(
        listed[0]["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410"),
        "{listed}"
    );
    let (_, dead) = app
        .get("/api/v1/admin/outbox?state=dead", Some(&staff.token))
        .await;
    assert_eq!(dead["items"][0]["channel"], "webhook", "{dead}");
    // The investor heard of it in the app too.
    let (_, inbox) = app
        .get("/api/v1/me/notifications", Some(&investor.token))
        .await;
    assert_eq!(inbox["items"][0]["kind"], "investor_verified");
}

#[tokio::test]
async fn subscriptions_to_internal_addresses_or_unknown_events_are_refused() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin, None).await;
    for (url, types) in [
        ("http://10.0.0.7/hook", json!(["project.published"])),
        (
            "http://169.254.169.254/latest/meta-data",
            json!(["project.published"]),
        ),
        (
            "http://[::ffff:192.168.0.1]/hook",
            json!(["project.published"]),
        ),
        ("ftp://partner.example/hook", json!(["project.published"])),
        ("https://partner.example/hook", json!(["project.deleted"])),
        ("https://partner.example/hook", json!([])),
    ] {
        let (status, error) = app
            .post(
                "/api/v1/admin/webhooks",
                Some(&admin.token),
                json!({"url": url, "event_types": types}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {error}");
    }
    let staff = app.user(Role::Staff, None).await;
    let (status, _) = app
        .post(
            "/api/v1/admin/webhooks",
            Some(&staff.token),
            json!({"url": "https://partner.example/h", "event_types": ["project.published"]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "administrators only");
    let (_, listed) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert_eq!(listed, json!([]));
    let sub = subscribe(
        &app,
        &admin,
        "https://partner.example/hook".into(),
        &["meeting.scheduled"],
    )
    .await;
    let path = format!("/api/v1/admin/webhooks/{}", sub["id"].as_str().unwrap());
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&admin.token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call(Method::DELETE, &path, Some(&admin.token), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
