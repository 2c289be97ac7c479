//! The deal pages: the NDA click-through on an opportunity, the region's NDA and grants, and the
//! deals with the form that records a stage.

use reqwest::StatusCode;
use sepadan::auth::Role;

use crate::helpers::{TestApp, spawn_app};

#[tokio::test]
async fn an_investor_accepts_the_nda_on_the_opportunity_and_follows_its_deal_to_an_mou() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo cold storage", "5210", "40000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    app.verify_investor(&staff, &investor).await;
    let investor_session = app.page_session(&investor.email).await;
    let official_session = app.page_session(&official.email).await;
    let opportunity = format!("/opportunities/{project}");

    let (_, page) = app
        .page_as(&opportunity, Some(&investor_session), "en")
        .await;
    assert!(
        page.contains("has not published its NDA yet"),
        "no NDA, nothing to accept: {page}"
    );
    let saved = app
        .submit(
            "/my-region/nda",
            &official_session,
            &[
                ("text_id", "Investor menjaga kerahasiaan ruang data."),
                ("text_en", "The investor keeps the data room confidential."),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, form) = app
        .page_as("/my-region/nda", Some(&official_session), "en")
        .await;
    assert!(form.contains("In force: version 1"), "{form}");

    let (_, page) = app
        .page_as(&opportunity, Some(&investor_session), "en")
        .await;
    assert!(
        page.contains("The investor keeps the data room confidential.")
            && page.contains(r#"action="/opportunities/"#),
        "the NDA to read and accept: {page}"
    );
    let path = format!("{opportunity}/nda");
    let unticked = app
        .submit(&path, &investor_session, &[("version", "1")])
        .await;
    assert_eq!(unticked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = app
        .submit(
            &path,
            &investor_session,
            &[("version", "1"), ("agree", "on")],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .page_as(&opportunity, Some(&investor_session), "en")
        .await;
    assert!(
        page.contains("The data room is open to you.") && page.contains("(version 1)"),
        "{page}"
    );

    let (_, deals) = app.page_as("/deals", Some(&investor_session), "en").await;
    assert!(
        deals.contains("Palopo cold storage") && deals.contains("NDA accepted"),
        "{deals}"
    );
    let (_, api) = app.get("/api/v1/deals", Some(&investor.token)).await;
    let deal = api[0]["id"].as_str().unwrap().to_owned();
    let steps = format!("/deals/{deal}/steps");
    let refused = app
        .submit(
            &steps,
            &official_session,
            &[
                ("stage", "site_visit"),
                ("amount", "5.000"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().await.unwrap().contains(
            "Only a letter of intent, an MoU or the realised investment carries an amount"
        ),
        "the refusal says why"
    );
    let recorded = app
        .submit(
            &steps,
            &official_session,
            &[
                ("stage", "mou"),
                ("amount", "2.500.000"),
                ("currency", "USD"),
                ("note", "Signed in Makassar"),
            ],
        )
        .await;
    assert_eq!(recorded.status(), StatusCode::SEE_OTHER);
    let (_, seen) = app
        .page_as(&format!("/deals/{deal}"), Some(&investor_session), "id")
        .await;
    assert!(
        seen.contains("MoU")
            && seen.contains("Signed in Makassar")
            && seen.contains("NDA disetujui"),
        "the history in Indonesian: {seen}"
    );
    let (_, project_page) = app
        .page_as(
            &format!("/my-projects/{project}"),
            Some(&official_session),
            "en",
        )
        .await;
    assert!(
        project_page.contains(&format!(r#"href="/deals/{deal}""#)),
        "the region sees the project's deals: {project_page}"
    );
    let stranger = app.user(Role::Investor, None).await;
    let stranger_session = app.page_session(&stranger.email).await;
    let (status, _) = app
        .page_as(&format!("/deals/{deal}"), Some(&stranger_session), "en")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_investor_asks_for_a_meeting_about_the_project_at_an_event_where_the_region_takes_part()
{
    use crate::meetings::{create_event, forum_body, in_days, register, register_investor};
    use serde_json::json;
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo cold storage", "5210", "40000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let opportunity = format!("/opportunities/{project}");
    let (_, page) = app.page_as(&opportunity, Some(&session), "en").await;
    assert!(
        page.contains("No upcoming event where you and this region both take part"),
        "{page}"
    );

    let event = create_event(&app, &staff, forum_body(in_days(14))).await;
    let host = register(
        &app,
        &official,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    // An event whose requests closed yesterday.
    let mut closed = forum_body(in_days(10));
    closed["name"] = json!("Closed forum");
    closed["request_deadline"] = json!(format!("{}T08:00:00+07:00", in_days(-1)));
    let past = create_event(&app, &staff, closed).await;
    register(
        &app,
        &official,
        &past,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    register_investor(&app, &investor, &event, "Asia/Tokyo").await;
    register_investor(&app, &investor, &past, "Asia/Tokyo").await;
    let (_, page) = app.page_as(&opportunity, Some(&session), "en").await;
    assert_eq!(
        page.matches(r#"action="/agenda/request""#).count(),
        1,
        "only the event still taking requests: {page}"
    );
    assert!(page.contains(&format!(r#"name="with" value="{host}""#)));
    assert!(!page.contains("Closed forum"), "requests there are closed");

    let asked = app
        .submit(
            "/agenda/request",
            &session,
            &[
                ("event_id", event.as_str()),
                ("with", host.as_str()),
                ("project_id", project.as_str()),
                ("message", "We would like to see the cold storage site."),
            ],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        asked.headers()["location"],
        format!("/opportunities/{project}#meet").as_str()
    );
    let (_, page) = app.page_as(&opportunity, Some(&session), "en").await;
    assert!(
        page.contains("You have an open meeting request with them"),
        "{page}"
    );
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&official.token),
        )
        .await;
    assert_eq!(requests[0]["project_id"], project.as_str(), "{requests}");
    assert_eq!(
        requests[0]["message"],
        "We would like to see the cold storage site."
    );
}
