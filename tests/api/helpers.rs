//! `spawn_app()` and the requests tests make.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use sepadan::auth::accounts::{self, Language, NewAccount};
use sepadan::config::Settings;
use sepadan::db::write_transaction;
use sepadan::models::user;
use sepadan::startup::Application;
use sepadan::state::AppState;
use serde_json::{Value, json};

use crate::smtp::SmtpSink;

/// The password of every account tests create.
pub const PASSWORD: &str = "a test password";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    database_url: String,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop_postgres_database(&self.database_url);
    }
}

/// A fresh database URL: a SQLite file in `dir`, or a new PostgreSQL database.
fn database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("SEPADAN_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => fresh_postgres_database(&base),
        _ => format!("sqlite://{}", dir.path().join("sepadan.db").display()),
    }
}

#[cfg(feature = "postgres")]
fn fresh_postgres_database(base: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let name = format!("sepadan_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin =
        diesel::PgConnection::establish(base).expect("SEPADAN_TEST_POSTGRES_URL connects");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("create test database");
    let (server, _) = base.rsplit_once('/').expect("the URL names a database");
    format!("{server}/{name}")
}

#[cfg(not(feature = "postgres"))]
fn fresh_postgres_database(_base: &str) -> String {
    panic!("SEPADAN_TEST_POSTGRES_URL is set: run the tests with --features postgres")
}

/// Drops the database [`fresh_postgres_database`] made once its test is over, so that runs of
/// the suite don't pile databases up on the server (and its start after a crash stays quick).
/// `WITH (FORCE)` closes the connections the application still holds.
#[cfg(feature = "postgres")]
fn drop_postgres_database(url: &str) {
    use diesel::{Connection, RunQueryDsl};
    let Ok(base) = std::env::var("SEPADAN_TEST_POSTGRES_URL") else {
        return;
    };
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    if !url.starts_with("postgres") || !name.starts_with("sepadan_test_") {
        return;
    }
    if let Ok(mut admin) = diesel::PgConnection::establish(&base) {
        let dropped = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin);
        if let Err(error) = dropped {
            eprintln!("test database {name} stays: {error}");
        }
    }
}

#[cfg(not(feature = "postgres"))]
fn drop_postgres_database(_url: &str) {}

/// Settings for a test: its own database, a free port, no demo data.
pub fn test_settings(dir: &tempfile::TempDir) -> Settings {
    let mut settings = Settings::defaults();
    settings.server.port = 0;
    settings.server.workers = 1;
    settings.database.url = database_url(dir);
    settings.database.pool_size = 4;
    settings.demo.seed_on_empty = false;
    settings.email.file_dir = dir.path().join("mail").display().to_string();
    settings.storage.url = format!("file://{}", dir.path().join("files").display());
    settings.outbox.poll_interval_ms = 20;
    settings.outbox.backoff_base_seconds = 0.05;
    settings.outbox.backoff_cap_seconds = 0.2;
    settings.webhooks.allow_loopback = true;
    settings.rates.refresh_in_server = false;
    // The suite signs in, searches and exports far more often than people do, all from one
    // address; tests/api/rate_limits.rs sets low limits of its own.
    settings.limits = sepadan::config::LimitSettings::lifted();
    settings
}

/// An application whose email goes to a real SMTP server on loopback.
pub async fn spawn_with_smtp() -> (TestApp, SmtpSink) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sink = SmtpSink::start();
    let mut settings = test_settings(&dir);
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = sink.port;
    settings.email.smtp_tls = sepadan::config::SmtpTls::None;
    (spawn_with(settings, dir).await, sink)
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_with(test_settings(&dir), dir).await
}

/// Serves `settings` on a free port of loopback, which is also the public address (`app.public_url`)
/// that forms must come from and links start with.
pub async fn spawn_with(mut settings: Settings, dir: tempfile::TempDir) -> TestApp {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound port").port();
    settings.app.public_url = format!("http://127.0.0.1:{port}");
    let database_url = settings.database.url.clone();
    let app = Application::build_on(settings, listener).expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        state,
        database_url,
        _dir: dir,
    }
}

/// A signed-in user as tests hold it.
#[derive(Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub token: String,
    pub refresh_token: String,
    pub investor_id: Option<String>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Moves every meeting to this many days from now (yesterday: -1), for half an hour; what
    /// came of a meeting is recorded only once it is over.
    pub async fn move_meetings_by_days(&self, days: i64) {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::prelude::*;
            use sepadan::db::schema::meetings;
            let mut conn = db.get().unwrap();
            let start = sepadan::clock::now() + chrono::Duration::days(days);
            diesel::update(meetings::table)
                .set((
                    meetings::starts_at.eq(start),
                    meetings::ends_at.eq(start + chrono::Duration::minutes(30)),
                ))
                .execute(&mut *conn)
                .unwrap();
        })
        .await
        .unwrap();
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body read");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Creates a user directly in the database and signs them in.
    pub async fn user(&self, role: Role, region: Option<&str>) -> TestUser {
        let email = format!(
            "{}-{}@example.com",
            role.as_ref(),
            uuid::Uuid::new_v4().simple()
        );
        let db = self.state.db.clone();
        let (email_c, region) = (email.clone(), region.map(str::to_owned));
        let investor_id = if role == Role::Investor {
            let (status, body) = self
                .post(
                    "/api/v1/auth/register",
                    None,
                    json!({"email": email, "password": PASSWORD, "name": "Test Investor",
                           "organisation": {"name": "Test Capital", "kind": "fund", "country": "SG",
                                            "contact_email": "deals@testcapital.example", "contact_phone": "+65 6123 4567"}}),
                )
                .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
            // Confirmed at once, as if the link in the email had been opened.
            let db = self.state.db.clone();
            let email = email.clone();
            let row = tokio::task::spawn_blocking(move || {
                let mut conn = db.get().unwrap();
                let row = user::find_by_email(&mut conn, &email).unwrap().unwrap();
                user::set_email_verified(&mut conn, &row.id, sepadan::clock::now()).unwrap();
                row
            })
            .await
            .unwrap();
            row.investor_id
        } else {
            tokio::task::spawn_blocking(move || {
                let mut conn = db.get().unwrap();
                write_transaction(&mut conn, |conn| {
                    accounts::create(
                        conn,
                        NewAccount {
                            email: &email_c,
                            password: PASSWORD,
                            name: "Test User",
                            role,
                            region_code: region,
                            investor_id: None,
                            language: Language::English,
                        },
                    )
                })
                .unwrap()
            })
            .await
            .unwrap();
            None
        };
        let (status, tokens) = self.login(&email, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        let (_, me) = self
            .get("/api/v1/me", tokens["access_token"].as_str())
            .await;
        TestUser {
            id: me["id"].as_str().unwrap().to_owned(),
            email,
            token: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
            investor_id,
        }
    }

    /// A project body for a region, with a value in IDR.
    pub fn project_body(region: &str, title: &str, sector: &str, amount: &str) -> Value {
        json!({
            "region": region,
            "title": {"id": format!("{title} (id)"), "en": title},
            "description": {"id": "Deskripsi proyek.", "en": "Project description."},
            "sectors": [sector],
            "dimensions": ["ENV"],
            "elements": ["ENV-3"],
            "stage": "feasibility_study",
            "instruments": ["ppp"],
            "value": {"amount": amount, "currency": "IDR"}
        })
    }

    /// Has `staff` verify the investor's organisation.
    pub async fn verify_investor(&self, staff: &TestUser, investor: &TestUser) {
        let id = investor.investor_id.as_deref().expect("an investor");
        let path = format!("/api/v1/investors/{id}/verify");
        let (status, body) = self.post(&path, Some(&staff.token), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Creates a project as `official` and takes it through review to published with `staff`.
    pub async fn published_project(
        &self,
        official: &TestUser,
        staff: &TestUser,
        body: Value,
    ) -> String {
        let (status, created) = self
            .post("/api/v1/projects", Some(&official.token), body)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let (status, _) = self
            .post(
                &format!("/api/v1/projects/{id}/submit"),
                Some(&official.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = self
            .post(
                &format!("/api/v1/projects/{id}/publish"),
                Some(&staff.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        id
    }
}

impl TestApp {
    /// Waits (10 s at most) for the email to `address` whose subject starts with `subject` in
    /// the development mail drop (`email.file_dir`) and returns its decoded plain text.
    pub async fn email_text(&self, address: &str, subject: &str) -> String {
        for _ in 0..500 {
            let found = self
                .emails_to(address)
                .into_iter()
                .find(|(said, _)| said.starts_with(subject));
            if let Some((_, text)) = found {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("no email to {address} about {subject}");
    }

    /// The plain texts of the emails to `address` in the mail drop so far.
    pub fn emails_to(&self, address: &str) -> Vec<(String, String)> {
        let dir = std::path::PathBuf::from(&self.state.settings.email.file_dir);
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            let Some(mail) = mail_parser::MessageParser::default().parse(&bytes) else {
                continue;
            };
            let to_match = mail
                .to()
                .and_then(|to| to.first())
                .and_then(|a| a.address())
                .is_some_and(|a| a == address);
            if to_match {
                found.push((
                    mail.subject().unwrap_or_default().to_owned(),
                    mail.body_text(0).unwrap_or_default().into_owned(),
                ));
            }
        }
        found
    }

    /// Waits (10 s at most) for `count` emails to `address` whose subjects start with `subject`
    /// and returns their plain texts.
    pub async fn emails_text(&self, address: &str, subject: &str, count: usize) -> Vec<String> {
        for _ in 0..500 {
            let texts: Vec<String> = self
                .emails_to(address)
                .into_iter()
                .filter(|(s, _)| s.starts_with(subject))
                .map(|(_, text)| text)
                .collect();
            if texts.len() >= count {
                return texts;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("fewer than {count} emails to {address} about {subject}");
    }

    /// Loads the demo data set into this test's own database.
    pub async fn load_demo(&self) -> sepadan::seed::SeedReport {
        let db = self.state.db.clone();
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            let catalogue = sepadan::reference::Catalogue::read(&mut conn).unwrap();
            sepadan::seed::demo(
                &mut conn,
                &catalogue,
                &state.matchmaker,
                &state.settings.meetings,
            )
            .unwrap()
        })
        .await
        .unwrap()
    }

    /// Signs a user in through the sign-in form and gives back the session cookie
    /// (`name=value`) for later page requests.
    pub async fn page_session(&self, email: &str) -> String {
        self.page_session_with(email, PASSWORD).await
    }

    /// [`TestApp::page_session`] for an account with another password (the demo's).
    pub async fn page_session_with(&self, email: &str, password: &str) -> String {
        let response = no_redirects()
            .post(self.url("/sign-in"))
            .header("origin", &self.address)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign-in sent");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in");
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    /// A page as a browser in `lang` ("id" or "en") with the given session (or none) gets it:
    /// status and HTML. A signed-in person's language is their account's, so it is chosen
    /// first with the language switch.
    pub async fn page_as(
        &self,
        path: &str,
        session: Option<&str>,
        lang: &str,
    ) -> (StatusCode, String) {
        let mut cookie = format!("lang={lang}");
        if let Some(session) = session {
            cookie = format!("{session}; {cookie}");
            let chosen = no_redirects()
                .get(self.url(&format!("/language?set={lang}")))
                .header("cookie", &cookie)
                .send()
                .await
                .expect("language chosen");
            assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
        }
        let response = self
            .client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("page requested");
        let status = response.status();
        (status, response.text().await.expect("page read"))
    }

    /// Posts a page form from this site (as the browser would), following no redirect.
    pub async fn submit(
        &self,
        path: &str,
        session: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        no_redirects()
            .post(self.url(path))
            .header("origin", &self.address)
            .header("cookie", session)
            .form(fields)
            .send()
            .await
            .expect("form sent")
    }
}

/// The one-time secret in an email's link (`…?token=SECRET`).
pub fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The error code of an error answer.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// The fields a `validation_failed` answer names, in order.
pub fn refused_fields(body: &Value) -> Vec<&str> {
    assert_eq!(code(body), "validation_failed", "{body}");
    body["error"]["fields"]
        .as_object()
        .map(|fields| fields.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// A client that shows redirects instead of following them.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
