//! A tour of the main pages on the demo data, as each role sees them in Chromium at laptop
//! width: every page must render (no error page), and each is saved as
//! target/screenshots/tour-NAME.png (the README's pictures come from these).

use fantoccini::{Client, Locator};
use sepadan::reference::Catalogue;
use sepadan::seed;

use crate::browser::{browser, screenshot};
use crate::helpers::{TestApp, spawn_app};

/// Loads the demo data set into the test's own database.
async fn with_demo(app: &TestApp) {
    let db = app.state.db.clone();
    let state = app.state.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let catalogue = Catalogue::read(&mut conn).unwrap();
        seed::demo(
            &mut conn,
            &catalogue,
            &state.matchmaker,
            &state.settings.meetings,
        )
        .unwrap();
    })
    .await
    .unwrap();
}

async fn sign_in_as(c: &Client, app: &TestApp, email: &str) {
    c.goto(&app.url("/sign-in")).await.unwrap();
    let form = c
        .form(Locator::Css(r#"form[action="/sign-in"]"#))
        .await
        .unwrap();
    form.set_by_name("email", email).await.unwrap();
    form.set_by_name("password", seed::DEMO_PASSWORD)
        .await
        .unwrap();
    form.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css(".account form"))
        .await
        .unwrap();
}

/// Opens each page, checks it is not an error page and saves its picture.
async fn visit(c: &Client, app: &TestApp, pages: &[(&str, &str)]) {
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
        screenshot(c, &format!("tour-{name}")).await;
    }
}

#[tokio::test]
async fn the_main_pages_render_for_every_role_on_the_demo_data() {
    let Some(b) = browser(1280, 900).await else {
        return;
    };
    let app = spawn_app().await;
    with_demo(&app).await;
    let c = &b.client;
    visit(
        c,
        &app,
        &[
            ("home", "/"),
            ("opportunities", "/opportunities"),
            ("regions", "/regions"),
            ("region", "/regions/73.73"),
            ("map", "/map"),
        ],
    )
    .await;

    sign_in_as(c, &app, "investor@demo.sepadan.id").await;
    visit(
        c,
        &app,
        &[
            ("dashboard", "/dashboard"),
            ("mandate", "/mandate"),
            ("agenda-investor", "/agenda"),
        ],
    )
    .await;
    sign_out(c).await;

    sign_in_as(c, &app, "official.palopo@demo.sepadan.id").await;
    let project = first_project_of(&app, "official.palopo@demo.sepadan.id").await;
    visit(
        c,
        &app,
        &[
            ("my-projects", "/my-projects"),
            ("my-project", &format!("/my-projects/{project}")),
            ("my-region", "/my-region"),
            ("agenda-official", "/agenda"),
        ],
    )
    .await;
    sign_out(c).await;

    sign_in_as(c, &app, "staff@demo.sepadan.id").await;
    visit(
        c,
        &app,
        &[
            ("review", "/review"),
            ("investors", "/investors"),
            ("reports", "/reports"),
        ],
    )
    .await;
}

/// The id of one of the official's region's projects.
async fn first_project_of(app: &TestApp, email: &str) -> String {
    let (_, session) = app.login(email, seed::DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let (_, me) = app.get("/api/v1/me", Some(token)).await;
    let region = me["region"].as_str().unwrap();
    let (_, page) = app
        .get(&format!("/api/v1/projects?region={region}"), Some(token))
        .await;
    page["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css(".account button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(r#".account a[href="/sign-in"]"#))
        .await
        .unwrap();
}
