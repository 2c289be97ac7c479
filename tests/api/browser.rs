//! End-to-end tests in headless Chromium driven through chromedriver. They run wherever
//! chromedriver is installed; `SEPADAN_BROWSER_TESTS=1` (set by .ci/run) makes a missing
//! chromedriver a failure instead of a skip. Each step's screenshot goes to target/screenshots/.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// A chromedriver process, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A chromedriver process and a browser session on it, ended when dropped.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/local/bin/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Starts a browser at a phone or laptop width; `None` (the test skips) when chromedriver is
/// not installed and browser tests were not required.
pub async fn browser(width: u32, height: u32) -> Option<Browser> {
    let Some(driver_path) = chromedriver() else {
        assert!(
            std::env::var_os("SEPADAN_BROWSER_TESTS").is_none(),
            "SEPADAN_BROWSER_TESTS is set but chromedriver is not installed"
        );
        eprintln!("chromedriver is not installed: browser test skipped");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut capabilities = serde_json::Map::new();
    // A phone's width is emulated: desktop windows do not get narrower than about 500 px.
    let emulation = (width < 500)
        .then(|| json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}}));
    // The console is kept, so that tests can read what the page's policy refused.
    capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "mobileEmulation": emulation.unwrap_or(json!({})),
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={width},{height}"),
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    for _ in 0..200 {
        let mut builder = ClientBuilder::new(connector.clone());
        builder.capabilities(capabilities.clone());
        if let Ok(client) = builder.connect(&url).await {
            return Some(Browser {
                client,
                _driver: driver,
                _profile: profile,
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not answer");
}

/// Waits until nothing on the page matches `css` (an answered item leaving its list), failing
/// the test when it stays.
async fn until_gone(c: &Client, css: &str) {
    for _ in 0..200 {
        if c.find_all(Locator::Css(css)).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{css} is still on the page");
}

/// Chromium's console messages since the last time they were read (chromedriver's log endpoint).
#[derive(Debug)]
struct ConsoleLog;

impl fantoccini::wd::WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (reqwest::Method, Option<String>) {
        (
            reqwest::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// Fails the test when the console shows that the Content-Security-Policy refused anything (an
/// inline script or style, a resource from elsewhere) since the console was last read.
pub async fn assert_no_policy_violation(client: &Client, what: &str) {
    let log = client.issue_cmd(ConsoleLog).await.expect("the console log");
    let refused: Vec<&str> = log
        .as_array()
        .expect("a list of console entries")
        .iter()
        .filter_map(|entry| entry["message"].as_str())
        .filter(|message| message.contains("Content Security Policy"))
        .collect();
    assert!(
        refused.is_empty(),
        "{what}: the policy refused {refused:#?}"
    );
}

/// Saves what the browser shows as target/screenshots/NAME.png.
pub async fn screenshot(client: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn published(app: &TestApp) {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    app.published_project(
        &palopo,
        &staff,
        TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
    )
    .await;
    app.published_project(
        &balikpapan,
        &staff,
        TestApp::project_body("64.71", "Port logistics hub", "5210", "950000000000"),
    )
    .await;
}

#[tokio::test]
async fn a_visitor_filters_opportunities_opens_one_and_switches_to_indonesian() {
    let app = spawn_app().await;
    published(&app).await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("en"), "the browser asks for English");
    screenshot(c, "home").await;
    c.find(Locator::Css(".hero a.button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form.filters"))
        .await
        .unwrap();
    let form = c.form(Locator::Css("form.filters")).await.unwrap();
    form.set(Locator::Css("select[name=province]"), "73")
        .await
        .unwrap();
    form.submit().await.unwrap();
    // The next page keeps the chosen province.
    c.wait()
        .for_element(Locator::Css(
            r#"select[name=province] option[value="73"][selected]"#,
        ))
        .await
        .unwrap();
    let status = c
        .find(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "1 opportunities");
    screenshot(c, "opportunities").await;
    c.find(Locator::LinkText("Rooftop solar for Palopo"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".facts")).await.unwrap();
    let facts = c
        .find(Locator::Css(".facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("IDR 180,000,000,000"), "{facts}");
    screenshot(c, "opportunity").await;
    c.find(Locator::Css(".languages a[lang=id]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=id]"))
        .await
        .unwrap();
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        heading, "Rooftop solar for Palopo (id)",
        "the same page, now in Indonesian"
    );
    let facts = c
        .find(Locator::Css(".facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("Rp 180.000.000.000"), "{facts}");
    screenshot(c, "opportunity-id").await;
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn pages_fit_a_360_pixel_phone_without_sideways_scrolling() {
    let app = spawn_app().await;
    published(&app).await;
    let Some(browser) = browser(360, 780).await else {
        return;
    };
    let c = &browser.client;
    for (path, name) in [
        ("/", "phone-home"),
        ("/opportunities", "phone-opportunities"),
    ] {
        c.goto(&app.url(path)).await.unwrap();
        let widths = c
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(widths[0], json!(360), "the page is laid out 360 px wide");
        assert!(
            widths[1].as_i64() <= widths[0].as_i64(),
            "{path} scrolls sideways at 360 px: {widths}"
        );
        screenshot(c, name).await;
    }
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_investor_signs_in_reads_a_matchs_reasons_and_marks_must_meet() {
    let app = spawn_app().await;
    published(&app).await;
    let investor =
        crate::matches::investor_with_mandate(&app, crate::matches::solar_mandate(true)).await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    sign_in(c, &app, &investor.email).await;
    c.wait()
        .for_element(Locator::Css("ol.matches"))
        .await
        .unwrap();
    let first = c
        .find(Locator::Css("ol.matches li h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The account's language (Indonesian) wins over the browser's.
    assert_eq!(
        first, "Rooftop solar for Palopo (id)",
        "the solar project ranks first"
    );
    c.find(Locator::Css("ol.matches li details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let reasons = c
        .find(Locator::Css("ol.matches li .reasons"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!reasons.trim().is_empty(), "reasons are shown");
    screenshot(c, "dashboard").await;
    c.find(Locator::Css(r#"ol.matches li button[value="must_meet"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(
            r#"ol.matches li button[value="must_meet"][aria-pressed="true"]"#,
        ))
        .await
        .unwrap();
    screenshot(c, "dashboard-must-meet").await;
    c.clone().close().await.unwrap();
}

/// Signs out with the header's button and waits for the signed-out page.
/// Signs out with the button in the page header.
pub async fn sign_out(c: &Client) {
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

/// Signs in through the sign-in page (with the tests' password).
pub async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    sign_in_with(c, app, email, crate::helpers::PASSWORD).await;
}

/// Signs in through the sign-in page with this password.
pub async fn sign_in_with(c: &Client, app: &TestApp, email: &str, password: &str) {
    c.goto(&app.url("/sign-in")).await.unwrap();
    c.wait()
        .for_element(Locator::Css(r#"form[action="/sign-in"]"#))
        .await
        .unwrap();
    let form = c
        .form(Locator::Css(r#"form[action="/sign-in"]"#))
        .await
        .unwrap();
    form.set_by_name("email", email).await.unwrap();
    form.set_by_name("password", password).await.unwrap();
    form.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css(".account form"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_official_submits_a_project_and_staff_publish_it() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    sign_in(c, &app, &official.email).await;
    c.goto(&app.url("/my-projects/new")).await.unwrap();
    let form = c.form(Locator::Css("form.stacked")).await.unwrap();
    for (name, value) in [
        ("title_en", "Smart street lighting"),
        ("title_id", "Penerangan jalan pintar"),
        ("value", "25000000000"),
        ("description_en", "LED street lights with remote control."),
        (
            "description_id",
            "Lampu jalan LED dengan kendali jarak jauh.",
        ),
    ] {
        form.set_by_name(name, value).await.unwrap();
    }
    // The sector from the tree: section F, division 43, then the class.
    for opening in ["F ·", "43 ·"] {
        c.find(Locator::XPath(&format!(
            "//summary[starts-with(normalize-space(.), '{opening}')]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    }
    c.find(Locator::Css(r#"input[name=sectors][value="4321"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(r#"input[name=dimensions][value=ENV]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(r#"input[name=instruments][value=ppp]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    screenshot(c, "official-new-project").await;
    form.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css("form[action$=submit] button"))
        .await
        .unwrap();
    c.find(Locator::Css("form[action$=submit] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The list comes back with the project submitted.
    let mut status = String::new();
    for _ in 0..200 {
        status = match c.find(Locator::Css("td.status")).await {
            Ok(cell) => cell.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if status == "Submitted" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, "Submitted");
    screenshot(c, "official-projects").await;
    sign_out(c).await;

    sign_in(c, &app, &staff.email).await;
    c.goto(&app.url("/review")).await.unwrap();
    let title = c
        .find(Locator::Css(".review-item h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        title.starts_with("Smart street lighting") || title.starts_with("Penerangan"),
        "{title}"
    );
    screenshot(c, "staff-review").await;
    c.find(Locator::Css("form[action$=publish] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The queue empties once the project is published.
    until_gone(c, ".review-item").await;
    let (_, page) = app.get("/api/v1/projects?q=lighting", None).await;
    assert_eq!(page["total"], 1, "published: {page}");
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn an_investor_requests_a_meeting_and_sees_it_in_its_own_time_zone() {
    use crate::meetings::{
        create_event, forum_body, in_days, register, register_investor, schedule,
    };
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(14))).await;
    register(
        &app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    register_investor(&app, &investor, &event, "Asia/Tokyo").await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    sign_in(c, &app, &investor.email).await;
    c.goto(&app.url("/agenda")).await.unwrap();
    c.find(Locator::Css(".host form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".host .meta"))
        .await
        .unwrap();
    screenshot(c, "agenda-requested").await;
    sign_out(c).await;
    // Palopo's official answers on the same page.
    sign_in(c, &app, &palopo.email).await;
    c.goto(&app.url("/agenda")).await.unwrap();
    screenshot(c, "agenda-waiting").await;
    c.find(Locator::Css(".waiting form[action$=accept] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until_gone(c, ".waiting").await;
    let (_, accepted) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&palopo.token),
        )
        .await;
    assert_eq!(accepted[0]["status"], "accepted", "{accepted}");
    sign_out(c).await;
    schedule(&app, &staff, &event, json!({})).await;
    sign_in(c, &app, &investor.email).await;
    c.goto(&app.url("/agenda")).await.unwrap();
    let yours = c
        .find(Locator::Css(".your-time"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let venue = c
        .find(Locator::Css(".venue-time"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        yours.ends_with("(Asia/Tokyo)") && venue.ends_with("(Asia/Jakarta)"),
        "{yours} / {venue}"
    );
    screenshot(c, "agenda").await;
    let href = c
        .find(Locator::Css(".agenda a[href$='.ics']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let cookie = c.get_named_cookie("sepadan_session").await.unwrap();
    let ics = app
        .client
        .get(app.url(&href))
        .header("cookie", format!("sepadan_session={}", cookie.value()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ics.contains("BEGIN:VEVENT"), "{ics}");
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn staff_runs_the_scheduler_and_sees_the_grid() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (event, _) = crate::web_events::event_with_accepted_requests(&app, &staff).await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    sign_in(c, &app, &staff.email).await;
    c.find(Locator::Css(r#"nav a[href="/events"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(&format!(r#"a[href="/events/{event}"]"#)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form.run button"))
        .await
        .unwrap();
    screenshot(c, "staff-event").await;
    c.find(Locator::Css("form.run button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The job page shows its stage and reloads itself until the run is over.
    c.wait().for_element(Locator::Css(".job")).await.unwrap();
    screenshot(c, "staff-scheduler-progress").await;
    c.wait()
        .for_element(Locator::Css("a.grid-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let cell = c
        .wait()
        .for_element(Locator::Css("table.grid td.meeting"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cell.contains("Kota Palopo"), "{cell}");
    let reason = c
        .find(Locator::Css("table.unplaced td.reason"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!reason.is_empty());
    screenshot(c, "staff-grid").await;
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn staff_drag_a_meeting_to_a_free_table_on_the_grid() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (event, _) = crate::web_events::event_with_accepted_requests(&app, &staff).await;
    crate::meetings::schedule(&app, &staff, &event, json!({})).await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;
    sign_in(c, &app, &staff.email).await;
    c.goto(&app.url(&format!("/events/{event}/grid")))
        .await
        .unwrap();
    let cell = c
        .wait()
        .for_element(Locator::Css("table.grid td.meeting[draggable=true]"))
        .await
        .unwrap();
    let meeting = cell.attr("data-meeting").await.unwrap().unwrap();
    // Chromium's driver moves the pointer without HTML drag events, so the page gets them as a
    // person's drag would send them: from the meeting to the free table in its row.
    let place = c
        .execute(
            r#"const meeting = document.querySelector("table.grid td.meeting");
               const free = meeting.parentElement.querySelector(
                   `td.free[data-kind="${meeting.dataset.kind}"]`);
               const data = new DataTransfer();
               const send = (target, kind) => target.dispatchEvent(new DragEvent(kind,
                   {bubbles: true, cancelable: true, dataTransfer: data}));
               send(meeting, "dragstart");
               send(free, "dragover");
               send(free, "drop");
               return free.dataset.place;"#,
            vec![],
        )
        .await
        .unwrap();
    let place = place.as_str().unwrap().to_owned();
    let seat: i64 = place.rsplit_once(':').unwrap().1.parse().unwrap();
    let path = format!("/api/v1/meetings/{meeting}");
    for _ in 0..200 {
        let (_, moved) = app.get(&path, Some(&staff.token)).await;
        if moved["seat"] == seat {
            c.wait()
                .for_element(Locator::Css(&format!(
                    r#"td.meeting[data-meeting="{meeting}"]"#
                )))
                .await
                .unwrap();
            screenshot(c, "staff-grid-dragged").await;
            c.clone().close().await.unwrap();
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the dragged meeting did not move to {place}");
}

/// The text of the first element `css` finds.
async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Records a stage on the deal page's form and waits for the page to show it.
async fn record_stage(c: &Client, stage: &str, amount: Option<&str>) {
    let before = text_of(c, "dd.stage").await;
    let form = c.form(Locator::Css("form#record")).await.unwrap();
    form.set_by_name("stage", stage).await.unwrap();
    if let Some(amount) = amount {
        form.set_by_name("amount", amount).await.unwrap();
    }
    form.submit().await.unwrap();
    // The page comes back with the deal at the new stage.
    let moved = format!("//dd[@class='stage' and normalize-space(.) != '{before}']");
    c.wait().for_element(Locator::XPath(&moved)).await.unwrap();
}

#[tokio::test]
async fn an_investor_goes_from_the_nda_through_the_data_room_a_question_and_a_meeting_to_an_investment()
 {
    use crate::meetings::{create_event, forum_body, in_days, register, register_investor};
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo harbour cold chain", "5210", "60000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    app.verify_investor(&staff, &investor).await;
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/regions/73.73/nda",
            Some(&official.token),
            Some(json!({"text": {"id": "Kerahasiaan ruang data.", "en": "Keep the data room confidential."}})),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let (status, _) = crate::files::upload(
        &app,
        Some(&official.token),
        &project,
        &[
            ("kind", "document"),
            ("confidential", "true"),
            ("title_en", "Financial model"),
        ],
        "model.pdf",
        &crate::files::pdf(4_000),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    // A forum both the region and the investor take part in.
    let event = create_event(&app, &staff, forum_body(in_days(14))).await;
    register(
        &app,
        &official,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    register_investor(&app, &investor, &event, "Asia/Singapore").await;
    let Some(browser) = browser(1280, 900).await else {
        return;
    };
    let c = &browser.client;

    // The investor accepts the NDA and finds the data room's document.
    sign_in(c, &app, &investor.email).await;
    c.goto(&app.url(&format!("/opportunities/{project}")))
        .await
        .unwrap();
    let nda = c.form(Locator::Css("form.nda")).await.unwrap();
    c.find(Locator::Css(r#"form.nda input[name="agree"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    nda.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css(r#"#data-room p[role="status"]"#))
        .await
        .unwrap();
    let page = c.source().await.unwrap();
    assert!(
        page.contains("Financial model"),
        "the data room's document is listed"
    );
    screenshot(c, "deal-data-room").await;

    // It asks a question.
    c.find(Locator::Css("#ask summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ask = c.form(Locator::Css(r#"#ask form"#)).await.unwrap();
    ask.set_by_name("message", "Can we see the cold store's energy use?")
        .await
        .unwrap();
    ask.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css("ol.messages li"))
        .await
        .unwrap();
    let conversation = c.current_url().await.unwrap().to_string();

    // It asks the region for a meeting about the project at the forum.
    c.goto(&app.url(&format!("/opportunities/{project}")))
        .await
        .unwrap();
    let meet = c.form(Locator::Css("#meet form")).await.unwrap();
    meet.set_by_name("message", "To walk the harbour site together.")
        .await
        .unwrap();
    meet.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css(r#"#meet p[role="status"]"#))
        .await
        .unwrap();

    // Its deal shows the NDA; it records the site visit.
    c.goto(&app.url("/deals")).await.unwrap();
    c.find(Locator::Css("table.deals a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("form#record"))
        .await
        .unwrap();
    let deal = c.current_url().await.unwrap().to_string();
    record_stage(c, "site_visit", None).await;
    sign_out(c).await;

    // The official accepts the meeting, answers and records the MoU.
    sign_in(c, &app, &official.email).await;
    c.goto(&app.url("/agenda")).await.unwrap();
    let waiting = text_of(c, "li.waiting").await;
    assert!(
        waiting.contains("To walk the harbour site together."),
        "{waiting}"
    );
    c.find(Locator::Css(r#"li.waiting form[action$="/accept"] button"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The accepted request leaves the list of those waiting for an answer.
    let mut requests = json!([]);
    for _ in 0..500 {
        requests = app
            .get(
                &format!("/api/v1/events/{event}/requests"),
                Some(&official.token),
            )
            .await
            .1;
        if requests[0]["status"] == "accepted" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(requests[0]["status"], "accepted", "{requests}");
    assert_eq!(requests[0]["project_id"], project.as_str());
    c.goto(&conversation).await.unwrap();
    let reply = c.form(Locator::Css("form#reply")).await.unwrap();
    reply
        .set_by_name("body", "Yes: 120 MWh a year, in the data room tomorrow.")
        .await
        .unwrap();
    reply.submit().await.unwrap();
    c.wait()
        .for_element(Locator::Css("ol.messages li:nth-child(2)"))
        .await
        .unwrap();
    c.goto(&deal).await.unwrap();
    record_stage(c, "mou", Some("4.000.000")).await;
    record_stage(c, "investment_realised", Some("3.500.000")).await;
    screenshot(c, "deal-history").await;
    let history = text_of(c, "table.history").await;
    assert!(
        history.contains("4,000,000") || history.contains("4.000.000"),
        "{history}"
    );
    assert!(
        history.contains("3,500,000") || history.contains("3.500.000"),
        "the realised investment, kept apart from the MoU's figure: {history}"
    );
    sign_out(c).await;

    // Staff follow it in the funnel.
    sign_in(c, &app, &staff.email).await;
    c.goto(&app.url("/reports/funnel")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("figure.chart svg"))
        .await
        .unwrap();
    screenshot(c, "deal-funnel").await;
    c.clone().close().await.unwrap();
}

/// The link in the newest email to `address` that contains `part`, from its plain text.
async fn link_in_email(app: &TestApp, address: &str, part: &str) -> String {
    for _ in 0..500 {
        let found = app.emails_to(address).into_iter().find_map(|(_, text)| {
            text.split_whitespace()
                .find(|word| word.starts_with("http") && word.contains(part))
                .map(str::to_owned)
        });
        if let Some(link) = found {
            return link;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no link with {part} in the emails to {address}");
}

/// Clicks the element `css` names.
async fn click(c: &Client, css: &str) {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// A new investor and a new region meet through self-service alone, on a phone: the investor
/// registers from the home page (in English), both join the event, the investor finds the region
/// in the directory and asks with a message and two preferred times, the region (in Indonesian)
/// accepts from the email's link without signing in, and once staff have run the schedule both
/// agendas show the meeting at the first preferred time.
#[tokio::test]
async fn a_new_investor_and_region_meet_through_self_service_on_a_phone() {
    use crate::meetings::{create_event, forum_body, in_days, schedule};
    let Some(b) = browser(360, 740).await else {
        return;
    };
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let c = &b.client;

    // The investor registers from the home page and confirms its address.
    c.goto(&app.url("/language?set=en&back=/")).await.unwrap();
    click(c, r#".account a[href="/sign-in"]"#).await;
    click(c, r#"a[href="/register"]"#).await;
    let form = c
        .form(Locator::Css(r#"form[action="/register"]"#))
        .await
        .unwrap();
    for (name, value) in [
        ("name", "Ana Lim"),
        ("email", "ana@lim-capital.example"),
        ("password", "a long and unusual passphrase 7"),
        ("organisation", "Lim Capital"),
    ] {
        form.set_by_name(name, value).await.unwrap();
    }
    c.find(Locator::Css(r#"select#country option[value="SG"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    screenshot(c, "walk-register").await;
    form.submit().await.unwrap();
    let verify = link_in_email(&app, "ana@lim-capital.example", "/verify-email").await;
    c.goto(&verify).await.unwrap();
    click(c, r#"form[action="/verify-email"] button"#).await;
    c.wait()
        .for_element(Locator::Css("main .note, main p"))
        .await
        .unwrap();
    sign_in_with(
        c,
        &app,
        "ana@lim-capital.example",
        "a long and unusual passphrase 7",
    )
    .await;

    // It joins the event from the Events page, with its time zone.
    c.goto(&app.url("/my-events")).await.unwrap();
    click(c, &format!(r#"a[href="/my-events/{event}/join"]"#)).await;
    c.find(Locator::Css(
        r#"select#time_zone option[value="Asia/Singapore"]"#,
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    screenshot(c, "walk-join").await;
    click(c, r#"form[action$="/join"] button"#).await;
    c.wait()
        .for_element(Locator::Css("ul.directory"))
        .await
        .unwrap();
    sign_out(c).await;

    // The region's official joins in Indonesian and finds the investor.
    c.goto(&app.url("/language?set=id&back=/")).await.unwrap();
    sign_in(c, &app, &official.email).await;
    c.goto(&app.url(&format!("/my-events/{event}/join")))
        .await
        .unwrap();
    click(c, r#"form[action$="/join"] button"#).await;
    let directory = c
        .wait()
        .for_element(Locator::Css("ul.directory"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(directory.contains("Lim Capital"), "{directory}");
    sign_out(c).await;

    // The investor asks from the directory, with a message and two preferred times.
    c.goto(&app.url("/language?set=en&back=/")).await.unwrap();
    sign_in_with(
        c,
        &app,
        "ana@lim-capital.example",
        "a long and unusual passphrase 7",
    )
    .await;
    c.goto(&app.url(&format!("/my-events/{event}")))
        .await
        .unwrap();
    click(c, r#"ul.directory a[href*="/ask/"]"#).await;
    c.find(Locator::Css("textarea#message"))
        .await
        .unwrap()
        .send_keys("Rooftop solar for the city's schools")
        .await
        .unwrap();
    let times = c
        .find_all(Locator::Css(r#"input[name="preferred"]"#))
        .await
        .unwrap();
    assert_eq!(times.len(), 5);
    for time in &times[3..5] {
        time.click().await.unwrap();
    }
    screenshot(c, "walk-ask").await;
    click(c, r#"form[action="/agenda/request"] button"#).await;
    c.wait()
        .for_element(Locator::Css(r#"[role="status"]"#))
        .await
        .unwrap();
    sign_out(c).await;

    // The region accepts from its email, without signing in.
    let accept = link_in_email(&app, &official.email, "answer=accept").await;
    c.goto(&accept).await.unwrap();
    let shown = c
        .wait()
        .for_element(Locator::Css("main dl"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("Rooftop solar for the city's schools"),
        "{shown}"
    );
    screenshot(c, "walk-answer").await;
    click(c, r#"form[action^="/answer"] button"#).await;
    c.wait()
        .for_element(Locator::Css(r#"[role="status"]"#))
        .await
        .unwrap();

    // Staff run the schedule; both agendas show the meeting at the first preferred time.
    schedule(&app, &staff, &event, json!({})).await;
    // 11:00 at the venue in Jakarta: noon in Singapore, where the investor works.
    for (email, password, lang, at) in [
        (
            "ana@lim-capital.example",
            "a long and unusual passphrase 7",
            "en",
            "12:00",
        ),
        (
            official.email.as_str(),
            crate::helpers::PASSWORD,
            "id",
            "11:00",
        ),
    ] {
        c.goto(&app.url(&format!("/language?set={lang}&back=/")))
            .await
            .unwrap();
        sign_in_with(c, &app, email, password).await;
        c.goto(&app.url("/agenda")).await.unwrap();
        let agenda = c
            .wait()
            .for_element(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(agenda.contains("Sulawesi Investment Forum"), "{agenda}");
        assert!(agenda.contains(at), "{agenda}");
        screenshot(c, &format!("walk-agenda-{lang}")).await;
        sign_out(c).await;
    }
    c.clone().close().await.unwrap();
}
