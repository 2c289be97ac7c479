//! Enquiries: an investor asks a region about a project, its officials answer; unread counts,
//! one email per conversation and person within the gap, staff reading without writing.

use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};

/// How many message notifications the person has had.
async fn message_notices(app: &TestApp, who: &TestUser) -> usize {
    let (_, inbox) = app
        .get("/api/v1/me/notifications?per_page=50", Some(&who.token))
        .await;
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "message_received")
        .count()
}

#[tokio::test]
async fn an_investor_asks_the_region_answers_and_each_side_sees_what_it_has_not_read() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo fish market", "4630", "30000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    let (status, started) = app
        .post(
            "/api/v1/conversations",
            Some(&investor.token),
            json!({"project_id": project, "subject": "Land title",
                   "message": "Is the market land certified?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{started}");
    assert_eq!(started["region"], "73.73", "the project's region");
    let id = started["id"].as_str().unwrap().to_owned();
    let messages = format!("/api/v1/conversations/{id}/messages");
    let (status, _) = app
        .post(
            &messages,
            Some(&investor.token),
            json!({"body": "And the area?"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        message_notices(&app, &official).await,
        1,
        "one notice (and email) within the gap"
    );

    let (_, listed) = app
        .get("/api/v1/conversations", Some(&official.token))
        .await;
    assert_eq!(listed[0]["unread"], 2, "{listed}");
    let (_, opened) = app
        .get(
            &format!("/api/v1/conversations/{id}"),
            Some(&official.token),
        )
        .await;
    assert_eq!(opened["messages"].as_array().unwrap().len(), 2);
    assert_eq!(opened["messages"][0]["side"], "investor");
    let (_, listed) = app
        .get("/api/v1/conversations", Some(&official.token))
        .await;
    assert_eq!(listed[0]["unread"], 0, "read once opened");

    let (status, answered) = app
        .post(
            &messages,
            Some(&official.token),
            json!({"body": "Yes, 2 ha with title."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["messages"][2]["side"], "region");
    let (_, mine) = app
        .get("/api/v1/conversations", Some(&investor.token))
        .await;
    assert_eq!(mine[0]["unread"], 1);
    assert_eq!(message_notices(&app, &investor).await, 1);

    let (status, read) = app
        .get(&format!("/api/v1/conversations/{id}"), Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "staff read: {read}");
    let (status, _) = app
        .post(
            &messages,
            Some(&staff.token),
            json!({"body": "Staff here."}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff do not write");
    let stranger = app.user(Role::Investor, None).await;
    let other_region = app.user(Role::Official, Some("64.71")).await;
    for who in [&stranger, &other_region] {
        let (status, _) = app
            .get(&format!("/api/v1/conversations/{id}"), Some(&who.token))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = app.get("/api/v1/conversations", Some(&who.token)).await;
        assert_eq!(list, json!([]));
    }
}

#[tokio::test]
async fn questions_the_rules_refuse_start_nothing() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let long = "x".repeat(2001);
    for (body, status) in [
        (
            json!({"region": "73.73", "subject": "", "message": "Hello"}),
            422,
        ),
        (
            json!({"region": "73.73", "subject": "Hi", "message": long}),
            422,
        ),
        (
            json!({"region": "99.99", "subject": "Hi", "message": "Hello"}),
            422,
        ),
        (
            json!({"project_id": "nothing", "subject": "Hi", "message": "Hello"}),
            422,
        ),
        (
            json!({"region": "73.73", "subject": "Hi\u{0}", "message": "Hello"}),
            422,
        ),
    ] {
        let (got, answer) = app
            .post("/api/v1/conversations", Some(&investor.token), body.clone())
            .await;
        assert_eq!(got.as_u16(), status, "{body} → {answer}");
    }
    let (status, _) = app
        .post(
            "/api/v1/conversations",
            Some(&official.token),
            json!({"region": "73.73", "subject": "Hi", "message": "Hello"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "regions answer, investors ask"
    );
    let (_, none) = app
        .get("/api/v1/conversations", Some(&investor.token))
        .await;
    assert_eq!(none, Value::Array(Vec::new()));
    let (status, about_region) = app
        .post(
            "/api/v1/conversations",
            Some(&investor.token),
            json!({"region": "73.73", "subject": "Incentives", "message": "Which local levies are waived?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{about_region}");
    assert_eq!(about_region["project_id"], Value::Null);
}

#[tokio::test]
async fn an_investor_asks_from_the_opportunity_page_and_the_official_answers_on_the_page() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo bus depot", "4921", "20000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let (_, page) = app
        .page_as(&format!("/opportunities/{project}"), Some(&session), "en")
        .await;
    assert!(page.contains(r#"action="/conversations""#), "{page}");
    let asked = app
        .submit(
            "/conversations",
            &session,
            &[
                ("project_id", project.as_str()),
                ("subject", "Depot size"),
                ("message", "How many buses fit?"),
            ],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let at = asked.headers()["location"].to_str().unwrap().to_owned();
    let official_session = app.page_session(&official.email).await;
    let (_, inbox) = app
        .page_as("/conversations", Some(&official_session), "id")
        .await;
    assert!(
        inbox.contains("Depot size") && inbox.contains("1 belum dibaca"),
        "{inbox}"
    );
    let answered = app
        .submit(
            &format!("{at}/messages"),
            &official_session,
            &[("body", "Forty <b>buses</b>.")],
        )
        .await;
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    let (_, seen) = app.page_as(&at, Some(&session), "en").await;
    assert!(
        seen.contains("How many buses fit?")
            && seen.contains("Forty &#60;b&#62;buses&#60;/b&#62;."),
        "escaped: {seen}"
    );
}

#[tokio::test]
async fn the_officials_project_page_lists_the_questions_about_that_project_only() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let market = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo fish market", "4630", "30000000000"),
        )
        .await;
    let lights = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo street lights", "4220", "9000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    for (project, subject) in [(&market, "Cold chain"), (&lights, "LED supplier")] {
        let (status, _) = app
            .post(
                "/api/v1/conversations",
                Some(&investor.token),
                json!({"project_id": project, "subject": subject, "message": "Tell us more."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, about) = app
        .get(
            &format!("/api/v1/conversations?project_id={market}"),
            Some(&official.token),
        )
        .await;
    let subjects: Vec<&str> = about
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["Cold chain"]);

    let session = app.page_session(&official.email).await;
    let (_, page) = app
        .page_as(&format!("/my-projects/{market}"), Some(&session), "en")
        .await;
    let section = &page[page.find(r#"id="conversations""#).expect("the section")..];
    assert!(section.contains("Cold chain"), "{section}");
    assert!(section.contains("1 unread"), "{section}");
    assert!(!page.contains("LED supplier"), "another project's question");
}
