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
