//! Saved searches: an investor keeps the opportunities list's filters, hears of new projects
//! they find at once or in its digest, and no one else reads or changes them.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_app, spawn_with_smtp};

/// The kinds of the person's notifications, the newest first.
async fn notices(app: &TestApp, who: &TestUser) -> Vec<Value> {
    let (_, inbox) = app
        .get("/api/v1/me/notifications?per_page=50", Some(&who.token))
        .await;
    inbox["items"].as_array().unwrap().clone()
}

async fn save(app: &TestApp, who: &TestUser, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/me/saved-searches", Some(&who.token), body)
        .await
}

#[tokio::test]
async fn an_instant_search_tells_its_investor_once_of_a_project_it_finds_when_published() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let quiet = app.user(Role::Investor, None).await;
    let fish = json!({"q": "fish", "province": "73", "dimension": "ENV"});
    let (status, saved) = save(
        &app,
        &investor,
        json!({"name": "Fish in Sulawesi Selatan", "filters": fish, "alert": "instant"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(
        saved["link"], "/opportunities?q=fish&province=73&dimension=ENV",
        "{saved}"
    );
    // A second instant search that finds the same project tells no second time.
    let (status, _) = save(
        &app,
        &investor,
        json!({"name": "Markets", "filters": {"q": "market"}, "alert": "instant"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = save(
        &app,
        &quiet,
        json!({"name": "Fish", "filters": {"q": "fish"}, "alert": "off"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let other = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo street lights", "4220", "9000000000"),
        )
        .await;
    let found = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo fish market", "4630", "30000000000"),
        )
        .await;
    let told: Vec<Value> = notices(&app, &investor)
        .await
        .into_iter()
        .filter(|n| n["kind"] == "saved_search_matched")
        .collect();
    assert_eq!(told.len(), 1, "once, for the project found: {told:?}");
    assert_eq!(told[0]["payload"]["project"]["id"], found.as_str());
    assert_ne!(told[0]["payload"]["project"]["id"], other.as_str());
    assert!(
        notices(&app, &quiet)
            .await
            .iter()
            .all(|n| n["kind"] != "saved_search_matched"),
        "a search told not to tell stays silent"
    );
}

#[tokio::test]
async fn saved_searches_are_checked_limited_and_kept_by_their_owner_alone() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let other = app.user(Role::Investor, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;

    let (status, body) = save(
        &app,
        &investor,
        json!({"name": "Bad", "filters": {"dimension": "NOPE"}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = save(
        &app,
        &investor,
        json!({"name": "Bad", "filters": {"colour": "red"}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = save(
        &app,
        &investor,
        json!({"name": "Bad", "filters": {"currency": "ZZZ"}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = save(&app, &investor, json!({"name": "  ", "filters": {}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = save(&app, &official, json!({"name": "Mine", "filters": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, saved) = save(
        &app,
        &investor,
        json!({"name": "Everything", "filters": {}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["alert"], "digest", "the digest by default");
    assert_eq!(saved["link"], "/opportunities");
    let path = format!(
        "/api/v1/me/saved-searches/{}",
        saved["id"].as_str().unwrap()
    );
    let change = Some(json!({"alert": "off"}));
    let (status, _) = app
        .call(Method::PATCH, &path, Some(&other.token), change.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another investor's search");
    let (status, _) = app
        .call(Method::DELETE, &path, Some(&other.token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, changed) = app
        .call(Method::PATCH, &path, Some(&investor.token), change)
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["alert"], "off");
    let (_, theirs) = app
        .get("/api/v1/me/saved-searches", Some(&other.token))
        .await;
    assert_eq!(theirs, json!([]));

    for n in 1..20 {
        let (status, _) = save(
            &app,
            &investor,
            json!({"name": format!("Search {n}"), "filters": {"q": "solar"}}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, body) = save(&app, &investor, json!({"name": "One more", "filters": {}})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "too_many_saved_searches");
    let (status, _) = app
        .call(Method::DELETE, &path, Some(&investor.token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, mine) = app
        .get("/api/v1/me/saved-searches", Some(&investor.token))
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 19);
    assert_eq!(mine[0]["name"], "Search 1", "the oldest first");
}

#[tokio::test]
async fn a_digest_search_reaches_an_investor_without_a_mandate_in_its_digest() {
    let (app, sink) = spawn_with_smtp().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let (status, _) = save(
        &app,
        &investor,
        json!({"name": "Pasar ikan", "filters": {"q": "fish"}, "alert": "digest"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    app.published_project(
        &official,
        &staff,
        TestApp::project_body("73.73", "Palopo fish market", "4630", "30000000000"),
    )
    .await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&investor.token),
            Some(json!({"email": true, "muted": [], "digest": "daily"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = crate::notifications::digest_text(&sink).await;
    assert!(
        text.contains("Pencarian tersimpan “Pasar ikan” menemukan 1 proyek baru"),
        "{text}"
    );
    assert!(
        text.contains("Palopo fish market (id) (Kota Palopo)"),
        "{text}"
    );
    assert!(text.contains("/opportunities?q=fish"), "{text}");
}

#[tokio::test]
async fn an_investor_saves_the_lists_filters_from_the_page_and_manages_them() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let (_, list) = app
        .page_as("/opportunities?q=solar&province=73", Some(&session), "en")
        .await;
    assert!(list.contains(r#"action="/saved-searches""#), "{list}");
    assert!(
        list.contains(r#"name="filters" value="q=solar&#38;province=73""#),
        "the list's filters: {list}"
    );
    assert!(
        list.contains(r#"value="solar · Sulawesi Selatan""#),
        "named after its filters"
    );
    let refused = app
        .submit(
            "/saved-searches",
            &session,
            &[("filters", "colour=red"), ("name", "Red"), ("alert", "off")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let saved = app
        .submit(
            "/saved-searches",
            &session,
            &[
                ("filters", "q=solar&province=73"),
                ("name", "Solar in the south"),
                ("alert", "instant"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, page) = app
        .page_as("/saved-searches?done=saved", Some(&session), "en")
        .await;
    assert!(page.contains("The search is saved."), "{page}");
    assert!(page.contains("Solar in the south"));
    assert!(page.contains("“solar” · Sulawesi Selatan"), "{page}");
    assert!(
        page.contains(r#"href="/opportunities?q=solar&#38;province=73""#),
        "{page}"
    );
    let (_, mine) = app
        .get("/api/v1/me/saved-searches", Some(&investor.token))
        .await;
    let id = mine[0]["id"].as_str().unwrap();
    assert_eq!(mine[0]["alert"], "instant");
    let changed = app
        .submit(
            &format!("/saved-searches/{id}/alert"),
            &session,
            &[("alert", "digest")],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page_as("/saved-searches", Some(&session), "en").await;
    assert!(
        page.contains("Your digest is off"),
        "a digest search while the digest is off says so"
    );
    let deleted = app
        .submit(&format!("/saved-searches/{id}/delete"), &session, &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    let (_, mine) = app
        .get("/api/v1/me/saved-searches", Some(&investor.token))
        .await;
    assert_eq!(mine, json!([]));
}
