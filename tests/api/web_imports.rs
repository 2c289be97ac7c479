//! Closing a project from the official's project page.

use reqwest::StatusCode;
use sepadan::auth::Role;

use crate::helpers::{TestApp, TestUser, spawn_app};

/// The project's status as the API reports it to `user`.
async fn status_of(app: &TestApp, user: &TestUser, id: &str) -> String {
    let (status, body) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&user.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_official_closes_a_published_project_of_their_region_once_the_box_is_ticked() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let body = TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    let id = app.published_project(&palopo, &staff, body).await;
    let session = app.page_session(&palopo.email).await;
    let path = format!("/my-projects/{id}");
    let action = format!(r#"action="/my-projects/{id}/close""#);

    let (status, page) = app.page_as(&path, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&action), "the close form: {page}");
    assert!(page.contains("Close the project") && page.contains(r#"name="sure""#));
    let (status, page) = app.page_as(&path, Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tutup proyek"), "{page}");

    // Without the tick the page comes back saying so, and nothing changes.
    let close = format!("/my-projects/{id}/close");
    let refused = app.submit(&close, &session, &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Centang kotak untuk menegaskan"),
        "the reason in the page's language: {page}"
    );
    assert_eq!(status_of(&app, &palopo, &id).await, "published");

    let done = app.submit(&close, &session, &[("sure", "on")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], path.as_str());
    assert_eq!(status_of(&app, &palopo, &id).await, "closed");

    let (status, page) = app.page_as(&path, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<dd class="status">Closed</dd>"#), "{page}");
    assert!(
        !page.contains(&action),
        "a closed project cannot be closed again"
    );
    let (_, page) = app.page_as(&path, Some(&session), "id").await;
    assert!(
        page.contains(r#"<dd class="status">Ditutup</dd>"#),
        "{page}"
    );

    // Closing it again is refused by the API's rules.
    let again = app.submit(&close, &session, &[("sure", "on")]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&app, &palopo, &id).await, "closed");
}

#[tokio::test]
async fn another_regions_project_and_a_draft_are_not_closed() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    let body = TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    let published = app.published_project(&palopo, &staff, body).await;

    // Another region's official gets neither the page nor the close.
    let session = app.page_session(&balikpapan.email).await;
    let (status, page) = app
        .page_as(&format!("/my-projects/{published}"), Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains("/close\""), "no close form: {page}");
    let refused = app
        .submit(
            &format!("/my-projects/{published}/close"),
            &session,
            &[("sure", "on")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &palopo, &published).await, "published");

    // A draft cannot be closed: no form, and the post is refused with nothing changed.
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&palopo.token),
            TestApp::project_body("73.73", "Palopo bus depot", "4921", "90000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let draft = created["id"].as_str().unwrap().to_owned();
    let session = app.page_session(&palopo.email).await;
    for lang in ["en", "id"] {
        let (status, page) = app
            .page_as(&format!("/my-projects/{draft}"), Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !page.contains("/close\""),
            "no close form on a draft: {page}"
        );
    }
    let refused = app
        .submit(
            &format!("/my-projects/{draft}/close"),
            &session,
            &[("sure", "on")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.unwrap();
    assert!(page.contains("invalid_transition"), "{page}");
    assert_eq!(status_of(&app, &palopo, &draft).await, "draft");
}
