//! A tour of the main pages on the demo data, as each role sees them in Chromium on a laptop
//! and on a 360 px phone, in Indonesian and in English: every page must render (no error page),
//! with its form controls labelled, nothing wider than the window, and nothing axe-core finds
//! against WCAG 2.1 A and AA; each is saved as target/screenshots/tour-*.png (the README's
//! pictures come from these; the English ones end in `-en`).

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

/// axe-core's script, which .ci/run installs with npm into target/axe-core (`None`, and the
/// check is left out, where it is not installed and browser tests were not required).
fn axe_source() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/axe-core/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            assert!(
                std::env::var_os("SEPADAN_BROWSER_TESTS").is_none(),
                "SEPADAN_BROWSER_TESTS is set but {} cannot be read: {e}",
                path.display()
            );
            eprintln!("axe-core is not installed: the tour checks no WCAG rules");
            None
        }
    }
}

/// Runs axe-core's WCAG 2.1 A and AA rules on the page and answers what it found, one line per
/// rule with the first elements that break it.
const AXE_RUN: &str = r#"const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at '
    + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | '))))
  .catch(e => done(['axe failed: ' + e]));"#;

/// What axe-core finds on the page against WCAG 2.1 A and AA.
async fn axe_findings(c: &Client, axe: &str, what: &str) -> Vec<String> {
    c.execute(&format!("{axe}\nreturn true;"), vec![])
        .await
        .expect("axe-core loads");
    let found = c
        .execute_async(AXE_RUN, vec![])
        .await
        .expect("axe-core runs");
    found
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| format!("{what}: {}", f.as_str().unwrap_or_default()))
        .collect()
}

/// Opens each page in each language and checks it: not an error page, one top heading, every
/// form control labelled, nothing wider than the window and, with axe-core, nothing against
/// WCAG 2.1 A and AA; then saves its picture as target/screenshots/tour-PREFIXNAME(-en).png.
async fn visit(c: &Client, app: &TestApp, prefix: &str, pages: &[(String, String)]) -> Vec<String> {
    let axe = axe_source();
    let mut problems = Vec::new();
    for lang in ["id", "en"] {
        // The switch remembers the choice, on the account too when one is signed in.
        c.goto(&app.url(&format!("/language?set={lang}&back=/")))
            .await
            .unwrap();
        for (name, path) in pages {
            let what = format!("{path} in {lang}");
            let name = if lang == "id" {
                name.clone()
            } else {
                format!("{name}-en")
            };
            problems.extend(check(c, app, prefix, &name, path, &what, axe.as_deref()).await);
        }
    }
    problems
}

/// Opens one page and checks it as [`visit`] says, answering what is wrong with it.
async fn check(
    c: &Client,
    app: &TestApp,
    prefix: &str,
    name: &str,
    path: &str,
    what: &str,
    axe: Option<&str>,
) -> Vec<String> {
    c.goto(&app.url(path)).await.unwrap();
    let heading = c
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    let mut problems = Vec::new();
    if lang.as_deref() != what.split(' ').next_back() {
        problems.push(format!("{what} is in {lang:?}"));
    }
    let error = c.find_all(Locator::Css("main .error-code")).await.unwrap();
    if !error.is_empty() {
        problems.push(format!("{what} shows an error page: {heading}"));
    }
    let unlabelled = c.execute(UNLABELLED, vec![]).await.unwrap();
    if unlabelled != json!([]) {
        problems.push(format!("{what} has unlabelled controls: {unlabelled}"));
    }
    let shape = c.execute(SHAPE, vec![]).await.unwrap();
    if shape[1].as_i64() > shape[0].as_i64() {
        problems.push(format!("{what} scrolls sideways: {shape}"));
    }
    if shape[2] != 1 {
        problems.push(format!("{what} has {} top headings", shape[2]));
    }
    if let Some(axe) = axe {
        problems.extend(axe_findings(c, axe, what).await);
    }
    assert_no_policy_violation(c, what).await;
    screenshot(c, &format!("tour-{prefix}{name}")).await;
    problems
}

/// Ids the pages need, looked up through the API.
struct Ids {
    project: String,
    /// A draft of Palopo's, which its official edits.
    draft: String,
    published: String,
    event: String,
    delegation: String,
    /// An event the demo investor takes part in, and a region or delegation there to ask.
    joined: String,
    host: String,
    /// One of the demo investor's deals and conversations, and an investor for staff to open.
    deal: String,
    conversation: String,
    investor: String,
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
    let (_, published) = app.get("/api/v1/projects", None).await;
    let mut joined = None;
    for event in items(&events) {
        let id = event["id"].as_str().expect("an id");
        let (_, participants) = app
            .get(&format!("/api/v1/events/{id}/participants"), Some(&staff))
            .await;
        let list = items(&participants);
        let investor_there = list
            .iter()
            .any(|p| p["name"] == "Asagiri Green Energy Partners Fund");
        let host = list.iter().find(|p| p["kind"] != "investor");
        if let (true, Some(host)) = (investor_there, host) {
            joined = Some((id.to_owned(), host["id"].as_str().unwrap().to_owned()));
            break;
        }
    }
    let (joined, host) = joined.expect("the demo investor takes part in an event");
    // The demo has no deal or conversation yet: the investor says it is interested in a
    // project (which opens a deal) and asks the region a question about it.
    let investor = token("investor@demo.sepadan.id").await;
    let (_, me) = app.get("/api/v1/me", Some(&investor)).await;
    let published_id = first(&published);
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/investors/{}/feedback/{published_id}",
                me["investor_id"].as_str().expect("an investor")
            ),
            Some(&investor),
            Some(json!({"interest": "interested"})),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (_, conversation) = app
        .post(
            "/api/v1/conversations",
            Some(&investor),
            json!({"project_id": published_id, "subject": "Grid connection",
                   "message": "When is the grid connection expected?"}),
        )
        .await;
    let (_, deals) = app.get("/api/v1/deals", Some(&investor)).await;
    let (_, investors) = app.get("/api/v1/investors", Some(&staff)).await;
    let (_, drafts) = app
        .get(
            "/api/v1/projects?region=73.73&status=draft",
            Some(&official),
        )
        .await;
    let draft = first(&drafts);
    Ids {
        deal: first(&deals),
        conversation: conversation["id"]
            .as_str()
            .expect("a conversation")
            .to_owned(),
        investor: first(&investors),
        draft,
        published: first(&published),
        joined,
        host,
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
        ("map-province", "/map?province=73"),
        ("sign-in", "/sign-in"),
        ("register", "/register"),
        ("forgot-password", "/forgot-password"),
    ]);
    let mut investor = pages(&[
        ("dashboard", "/dashboard"),
        ("mandate", "/mandate"),
        ("agenda-investor", "/agenda"),
        ("notifications", "/notifications"),
        ("settings", "/settings"),
        ("deals", "/deals"),
        ("conversations", "/conversations"),
        ("saved-searches", "/saved-searches"),
        ("my-events", "/my-events"),
    ]);
    investor.push((
        "opportunity".into(),
        format!("/opportunities/{}", ids.published),
    ));
    investor.push(("directory".into(), format!("/my-events/{}", ids.joined)));
    investor.push(("deal".into(), format!("/deals/{}", ids.deal)));
    investor.push((
        "conversation".into(),
        format!("/conversations/{}", ids.conversation),
    ));
    investor.push(("join".into(), format!("/my-events/{}/join", ids.joined)));
    investor.push((
        "ask".into(),
        format!("/my-events/{}/ask/{}", ids.joined, ids.host),
    ));
    let mut official = pages(&[
        ("my-projects", "/my-projects"),
        ("new-project", "/my-projects/new"),
        ("my-region", "/my-region"),
        ("agenda-official", "/agenda"),
        ("my-events-official", "/my-events"),
        ("nda", "/my-region/nda"),
    ]);
    official.push(("my-project".into(), format!("/my-projects/{}", ids.project)));
    official.push((
        "project-edit".into(),
        format!("/my-projects/{}/edit", ids.draft),
    ));
    official.push((
        "readiness".into(),
        format!("/my-projects/{}/readiness", ids.draft),
    ));
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
    staff.push((
        "event-csv".into(),
        format!("/events/{}/participants/csv", ids.event),
    ));
    staff.push(("grid".into(), format!("/events/{}/grid", ids.event)));
    staff.push((
        "participant".into(),
        format!("/events/{}/participants/{}", ids.joined, ids.host),
    ));
    staff.push(("investor".into(), format!("/investors/{}", ids.investor)));
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
    let mut problems = Vec::new();
    for (account, pages) in main_pages(&ids) {
        if let Some(email) = account {
            sign_in_with(c, &app, email, seed::DEMO_PASSWORD).await;
        }
        problems.extend(visit(c, &app, prefix, &pages).await);
        if account.is_some() {
            sign_out(c).await;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
