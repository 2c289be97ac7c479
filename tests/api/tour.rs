//! A tour of the main pages on the demo data, as each role sees them in Chromium on a laptop
//! and on a 360 px phone: every page must render (no error page), with its form controls
//! labelled and nothing wider than the window; each is saved as target/screenshots/tour-*.png
//! (the README's pictures come from these).

use fantoccini::{Client, Locator};
use sepadan::seed;
use serde_json::json;

use crate::browser::{assert_no_policy_violation, browser, screenshot, sign_in_with, sign_out};
use crate::helpers::{TestApp, spawn_app};

/// Every form control that has neither a label nor an accessible name.
const UNLABELLED: &str = r#"return Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea'))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
               && !e.getAttribute('aria-labelledby'))
  .map(e => e.name || e.id || e.outerHTML);"#;

/// How wide the page is against the window, and how many top headings it has.
const SHAPE: &str = r#"return [window.innerWidth, document.documentElement.scrollWidth,
  document.querySelectorAll('h1').length];"#;

/// Opens each page and checks it: not an error page, one top heading, every form control
/// labelled, and nothing wider than the window; then saves its picture as
/// target/screenshots/tour-PREFIXNAME.png.
async fn visit(c: &Client, app: &TestApp, prefix: &str, pages: &[(String, String)]) {
    for (name, path) in pages {
        c.goto(&app.url(path)).await.unwrap();
        let heading = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let error = c.find_all(Locator::Css("main .error-code")).await.unwrap();
        assert!(error.is_empty(), "{path} shows an error page: {heading}");
        let unlabelled = c.execute(UNLABELLED, vec![]).await.unwrap();
        assert_eq!(unlabelled, json!([]), "{path} has unlabelled controls");
        let shape = c.execute(SHAPE, vec![]).await.unwrap();
        assert!(
            shape[1].as_i64() <= shape[0].as_i64(),
            "{path} scrolls sideways: {shape}"
        );
        assert_eq!(shape[2], 1, "{path} has one top heading");
        assert_no_policy_violation(c, path).await;
        screenshot(c, &format!("tour-{prefix}{name}")).await;
    }
}

/// Ids the pages need, looked up through the API.
struct Ids {
    project: String,
    event: String,
    delegation: String,
}

async fn ids(app: &TestApp) -> Ids {
    let token = |email: &'static str| async move {
        let (_, session) = app.login(email, seed::DEMO_PASSWORD).await;
        session["access_token"].as_str().unwrap().to_owned()
    };
    let official = token("official.palopo@demo.sepadan.id").await;
    let staff = token("staff@demo.sepadan.id").await;
    let (_, projects) = app
        .get("/api/v1/projects?region=73.73", Some(&official))
        .await;
    let (_, events) = app.get("/api/v1/events", Some(&staff)).await;
    let (_, delegations) = app.get("/api/v1/delegations", Some(&staff)).await;
    let items = |list: &serde_json::Value| -> Vec<serde_json::Value> {
        let items = list.get("items").unwrap_or(list);
        items.as_array().cloned().unwrap_or_default()
    };
    let first = |list: &serde_json::Value| items(list)[0]["id"].as_str().expect("an id").to_owned();
    Ids {
        project: first(&projects),
        // The event with the most venues makes the richest grid.
        event: items(&events)
            .iter()
            .max_by_key(|e| e["venues"].as_array().map_or(0, Vec::len))
            .and_then(|e| e["id"].as_str())
            .expect("an event")
            .to_owned(),
        delegation: first(&delegations),
    }
}

/// Pages by name and address.
type Pages = Vec<(String, String)>;

/// The main pages of each role (`None`: a visitor), by name and address.
fn main_pages(ids: &Ids) -> Vec<(Option<&'static str>, Pages)> {
    let pages = |list: &[(&str, &str)]| -> Pages {
        list.iter()
            .map(|(n, p)| ((*n).to_owned(), (*p).to_owned()))
            .collect()
    };
    let visitor = pages(&[
        ("home", "/"),
        ("opportunities", "/opportunities"),
        ("regions", "/regions"),
        ("region", "/regions/73.73"),
        ("map", "/map"),
        ("sign-in", "/sign-in"),
        ("register", "/register"),
        ("forgot-password", "/forgot-password"),
    ]);
    let investor = pages(&[
        ("dashboard", "/dashboard"),
        ("mandate", "/mandate"),
        ("agenda-investor", "/agenda"),
        ("notifications", "/notifications"),
        ("settings", "/settings"),
    ]);
    let mut official = pages(&[
        ("my-projects", "/my-projects"),
        ("new-project", "/my-projects/new"),
        ("my-region", "/my-region"),
        ("agenda-official", "/agenda"),
    ]);
    official.push(("my-project".into(), format!("/my-projects/{}", ids.project)));
    let mut staff = pages(&[
        ("review", "/review"),
        ("investors", "/investors"),
        ("people", "/people"),
        ("events", "/events"),
        ("delegations", "/delegations"),
        ("reports", "/reports"),
        ("imports", "/imports"),
        ("outbox", "/settings/outbox"),
        ("region-edit", "/regions/73.09/edit"),
    ]);
    staff.push(("event".into(), format!("/events/{}", ids.event)));
    staff.push(("grid".into(), format!("/events/{}/grid", ids.event)));
    staff.push((
        "delegation".into(),
        format!("/delegations/{}", ids.delegation),
    ));
    vec![
        (None, visitor),
        (Some("investor@demo.sepadan.id"), investor),
        (Some("official.palopo@demo.sepadan.id"), official),
        (Some("staff@demo.sepadan.id"), staff),
        (
            Some("admin@demo.sepadan.id"),
            pages(&[
                ("people-admin", "/people"),
                ("webhooks", "/people/webhooks"),
            ]),
        ),
    ]
}

/// Every main page, as a visitor and as each role, at one window size.
async fn tour(width: u32, height: u32, prefix: &str) {
    let Some(b) = browser(width, height).await else {
        return;
    };
    let app = spawn_app().await;
    app.load_demo().await;
    let ids = ids(&app).await;
    let c = &b.client;
    for (account, pages) in main_pages(&ids) {
        if let Some(email) = account {
            sign_in_with(c, &app, email, seed::DEMO_PASSWORD).await;
        }
        visit(c, &app, prefix, &pages).await;
        if account.is_some() {
            sign_out(c).await;
        }
    }
}

#[tokio::test]
async fn every_main_page_renders_in_both_languages() {
    let app = spawn_app().await;
    app.load_demo().await;
    let ids = ids(&app).await;
    for (account, pages) in main_pages(&ids) {
        let session = match account {
            Some(email) => Some(app.page_session_with(email, seed::DEMO_PASSWORD).await),
            None => None,
        };
        for (_, path) in pages {
            let mut seen = Vec::new();
            for lang in ["id", "en"] {
                let (status, page) = app.page_as(&path, session.as_deref(), lang).await;
                assert_eq!(status, reqwest::StatusCode::OK, "{path} in {lang}: {page}");
                assert!(
                    page.contains(&format!(r#"<html lang="{lang}">"#)),
                    "{path} in {lang}"
                );
                seen.push(page);
            }
            assert_ne!(
                seen[0], seen[1],
                "{path} reads differently in each language"
            );
        }
    }
}

#[tokio::test]
async fn every_main_page_renders_for_its_role_on_a_laptop() {
    tour(1280, 900, "").await;
}

#[tokio::test]
async fn every_main_page_fits_a_360_pixel_phone() {
    tour(360, 740, "phone-").await;
}
