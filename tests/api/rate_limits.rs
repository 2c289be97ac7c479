//! Rate limits: low limits with long refills (one an hour), so that nothing refills while a test
//! runs; no test waits or times anything.

use reqwest::StatusCode;
use sepadan::auth::Role;
use sepadan::auth::accounts::{self, Language, NewAccount};
use sepadan::config::{Rate, Settings};
use sepadan::db::write_transaction;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, code, no_redirects, spawn_with, test_settings};

/// `burst` at once, then one an hour.
fn rate(burst: u32) -> Rate {
    Rate { burst, per_hour: 1 }
}

/// An application with the suite's settings changed by `change`.
async fn spawn(change: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = test_settings(&dir);
    change(&mut settings);
    spawn_with(settings, dir).await
}

/// A staff account stored directly, never signed in (so no attempt is counted yet).
async fn account(app: &TestApp) -> String {
    let email = format!("staff-{}@example.com", uuid::Uuid::new_v4().simple());
    let db = app.state.db.clone();
    let address = email.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        write_transaction(&mut conn, |conn| {
            accounts::create(
                conn,
                NewAccount {
                    email: &address,
                    password: PASSWORD,
                    name: "Test Staff",
                    role: Role::Staff,
                    region_code: None,
                    investor_id: None,
                    language: Language::English,
                },
            )
        })
        .unwrap()
    })
    .await
    .unwrap();
    email
}

/// Posts JSON to the API, with extra headers; status, Retry-After (when sent) and body.
async fn post(
    app: &TestApp,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, Option<u64>, Value) {
    let mut request = app.client.post(app.url(path)).json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    answer(response).await
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, Option<u64>, Value) {
    answer(app.client.get(app.url(path)).send().await.expect("sent")).await
}

async fn answer(response: reqwest::Response) -> (StatusCode, Option<u64>, Value) {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse::<u64>().expect("whole seconds"));
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, retry_after, body)
}

async fn login(app: &TestApp, email: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    post(
        app,
        "/api/v1/auth/login",
        json!({"email": email, "password": password}),
        &[],
    )
    .await
}

/// A refusal of the limits: 429, `rate_limited`, and a wait of at most the hour's refill.
fn assert_limited((status, retry_after, body): &(StatusCode, Option<u64>, Value)) {
    assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(code(body), "rate_limited", "{body}");
    let wait = retry_after.expect("a Retry-After header");
    assert!((1..=3600).contains(&wait), "Retry-After: {wait}");
}

#[tokio::test]
async fn the_sixth_sign_in_is_refused_even_with_the_right_password() {
    let app = spawn(|s| s.limits.sign_in_account = rate(5)).await;
    let email = account(&app).await;
    for attempt in 1..=5 {
        let (status, _, body) = login(&app, &email, "not the password at all").await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {body}"
        );
    }
    let sixth = login(&app, &email, PASSWORD).await;
    assert_limited(&sixth);
    // The address typed differently is the same account.
    assert_limited(&login(&app, &format!(" {} ", email.to_uppercase()), PASSWORD).await);
}

#[tokio::test]
async fn a_limit_on_one_account_does_not_touch_another() {
    let app = spawn(|s| s.limits.sign_in_account = rate(2)).await;
    let (limited, other) = (account(&app).await, account(&app).await);
    for _ in 0..2 {
        login(&app, &limited, "wrong wrong wrong").await;
    }
    assert_limited(&login(&app, &limited, PASSWORD).await);
    let (status, _, body) = login(&app, &other, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = login(&app, &other, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn sign_ins_from_one_address_are_limited_whatever_the_account() {
    let app = spawn(|s| s.limits.sign_in_address = rate(3)).await;
    for _ in 0..3 {
        let email = account(&app).await;
        let (status, _, body) = login(&app, &email, "wrong wrong wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let fresh = account(&app).await;
    assert_limited(&login(&app, &fresh, PASSWORD).await);
    // Without a trusted proxy, what X-Forwarded-For claims changes nothing.
    let forged = post(
        &app,
        "/api/v1/auth/login",
        json!({"email": fresh, "password": PASSWORD}),
        &[("x-forwarded-for", "198.51.100.7")],
    )
    .await;
    assert_limited(&forged);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_counts_alone_and_ipv6_by_its_64() {
    let app = spawn(|s| {
        s.limits.sign_in_address = rate(1);
        s.server.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let email = account(&app).await;
    let from = |client: &'static str| {
        let app = &app;
        let email = email.clone();
        async move {
            post(
                app,
                "/api/v1/auth/login",
                json!({"email": email, "password": "wrong wrong wrong"}),
                &[("x-forwarded-for", client)],
            )
            .await
        }
    };
    assert_eq!(from("2001:db8:1:2::1").await.0, StatusCode::UNAUTHORIZED);
    assert_limited(&from("2001:db8:1:2:ffff::9").await);
    assert_eq!(from("2001:db8:1:3::1").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(from("203.0.113.5").await.0, StatusCode::UNAUTHORIZED);
    assert_limited(&from("203.0.113.5").await);
    assert_eq!(from("203.0.113.6").await.0, StatusCode::UNAUTHORIZED);
}

/// The outbox items queued for an address.
async fn queued_to(app: &TestApp, address: &str) -> usize {
    let db = app.state.db.clone();
    let target = format!("address:{address}");
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use sepadan::db::schema::outbox;
        let mut conn = db.get().unwrap();
        let count: i64 = outbox::table
            .filter(outbox::target.eq(target))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        count as usize
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn password_resets_from_one_address_stop_queuing_after_the_limit() {
    let app = spawn(|s| {
        s.limits.password_reset_address = rate(3);
        s.outbox.run_in_server = false;
    })
    .await;
    let email = account(&app).await;
    let reset = || {
        post(
            &app,
            "/api/v1/auth/password-reset",
            json!({"email": email}),
            &[],
        )
    };
    for _ in 0..3 {
        assert_eq!(reset().await.0, StatusCode::ACCEPTED);
    }
    for _ in 0..3 {
        assert_limited(&reset().await);
    }
    assert_eq!(queued_to(&app, &email).await, 3);
    // Another address asked for from the same client is refused too.
    let other = account(&app).await;
    let asked = post(
        &app,
        "/api/v1/auth/password-reset",
        json!({"email": other}),
        &[],
    )
    .await;
    assert_limited(&asked);
    assert_eq!(queued_to(&app, &other).await, 0);
}

#[tokio::test]
async fn password_resets_for_one_mailbox_are_limited_alike_known_or_not() {
    let app = spawn(|s| {
        s.limits.password_reset_email = rate(2);
        s.outbox.run_in_server = false;
    })
    .await;
    let known = account(&app).await;
    for address in [known.as_str(), "nobody-here@example.com"] {
        for _ in 0..2 {
            let (status, _, _) = post(
                &app,
                "/api/v1/auth/password-reset",
                json!({"email": address}),
                &[],
            )
            .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{address}");
        }
        let third = post(
            &app,
            "/api/v1/auth/password-reset",
            json!({"email": address}),
            &[],
        )
        .await;
        assert_limited(&third);
        assert_eq!(queued_to(&app, address).await, 2, "{address}");
    }
}

fn registration(n: usize) -> Value {
    json!({"email": format!("flood-{n}@example.com"), "password": "granite meadow sparrow",
           "name": "Flood Investor",
           "organisation": {"name": format!("Flood Capital {n}"), "kind": "fund", "country": "SG",
                            "contact_email": "deals@flood.example", "contact_phone": "+65 6123 4567"}})
}

#[tokio::test]
async fn a_registration_flood_is_limited() {
    let app = spawn(|s| {
        s.limits.registration = rate(3);
        s.outbox.run_in_server = false;
    })
    .await;
    for n in 0..3 {
        let (status, _, body) = post(&app, "/api/v1/auth/register", registration(n), &[]).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    for n in 3..6 {
        assert_limited(&post(&app, "/api/v1/auth/register", registration(n), &[]).await);
    }
    let db = app.state.db.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        (0..6)
            .filter(|n| {
                sepadan::models::user::find_by_email(&mut conn, &format!("flood-{n}@example.com"))
                    .unwrap()
                    .is_some()
            })
            .count()
    })
    .await
    .unwrap();
    assert_eq!(stored, 3, "the refused registrations stored nothing");
}

#[tokio::test]
async fn invitation_acceptances_from_one_address_are_limited() {
    let app = spawn(|s| s.limits.invitation = rate(2)).await;
    let accept = || {
        post(
            &app,
            "/api/v1/auth/accept-invitation",
            json!({"token": "no-such-invitation", "password": "granite meadow sparrow"}),
            &[],
        )
    };
    for _ in 0..2 {
        assert_eq!(accept().await.0, StatusCode::UNAUTHORIZED);
    }
    assert_limited(&accept().await);
}

/// Posts the sign-in form in `lang`: status, Retry-After, content type and the page.
async fn sign_in_page(
    app: &TestApp,
    email: &str,
    lang: &str,
) -> (StatusCode, Option<u64>, String, String) {
    let response = no_redirects()
        .post(app.url("/sign-in"))
        .header("origin", &app.address)
        .header("cookie", format!("lang={lang}"))
        .form(&[("email", email), ("password", "wrong wrong wrong")])
        .send()
        .await
        .expect("sign-in sent");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, retry_after, kind, response.text().await.unwrap())
}

#[tokio::test]
async fn the_sign_in_form_says_so_kindly_in_indonesian_and_english() {
    let app = spawn(|s| s.limits.sign_in_account = rate(2)).await;
    let email = account(&app).await;
    for _ in 0..2 {
        assert_eq!(
            sign_in_page(&app, &email, "en").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, wait, kind, page) = sign_in_page(&app, &email, "id").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(wait.is_some_and(|w| (1..=3600).contains(&w)), "{wait:?}");
    assert!(page.contains("Anda sudah terlalu sering mencoba"), "{page}");
    assert!(page.contains("menit"), "{page}");
    assert!(page.contains("rate_limited"), "{page}");
    let (status, wait, _, page) = sign_in_page(&app, &email, "en").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(wait.is_some(), "Retry-After survives the page");
    assert!(page.contains("You have tried this too often"), "{page}");
    assert!(page.contains("min."), "{page}");
}

#[tokio::test]
async fn searches_are_limited_on_both_faces_and_plain_lists_are_not() {
    let app = spawn(|s| s.limits.search = rate(2)).await;
    assert_eq!(
        get(&app, "/api/v1/projects?q=solar").await.0,
        StatusCode::OK
    );
    let (status, _, _) = answer(
        app.client
            .get(app.url("/opportunities?q=water"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_limited(&get(&app, "/api/v1/projects?q=solar").await);
    let (status, wait, page) = answer(
        app.client
            .get(app.url("/opportunities?q=water"))
            .header("cookie", "lang=id")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(wait.is_some());
    assert!(
        page.as_str()
            .unwrap_or("")
            .contains("Anda sudah terlalu sering mencoba")
    );
    // A list without words is no search.
    for _ in 0..3 {
        assert_eq!(get(&app, "/api/v1/projects").await.0, StatusCode::OK);
        assert_eq!(get(&app, "/opportunities").await.0, StatusCode::OK);
    }
    // A signed-in caller has an allowance of its own.
    let investor = app.user(Role::Investor, None).await;
    let (status, body) = app
        .get("/api/v1/projects?q=solar", Some(&investor.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn exports_are_limited_per_account() {
    let app = spawn(|s| s.limits.exports = rate(2)).await;
    let staff = app.user(Role::Staff, None).await;
    let other = app.user(Role::Staff, None).await;
    for _ in 0..2 {
        let (status, _) = app
            .get("/api/v1/exports/investors.csv", Some(&staff.token))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let response = app
        .client
        .get(app.url("/api/v1/exports/projects.xlsx"))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap();
    assert_limited(&answer(response).await);
    let (status, _) = app
        .get("/api/v1/exports/investors.csv", Some(&other.token))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "another account has its own allowance"
    );
    // The staff's report download on the pages counts against the same account.
    let session = app.page_session(&staff.email).await;
    let (status, page) = app
        .page_as("/reports/outcomes.csv", Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(page.contains("You have tried this too often"), "{page}");
}

#[tokio::test]
async fn meeting_requests_are_limited_per_account_on_both_faces() {
    use crate::meetings::{create_event, forum_body, in_days, register, register_investor};
    let app = spawn(|s| s.limits.messages = rate(1)).await;
    let staff = app.user(Role::Staff, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(12))).await;
    let investor = app.user(Role::Investor, None).await;
    let mut hosts = Vec::new();
    for region in ["73.73", "73.09", "73.22"] {
        let official = app.user(Role::Official, Some(region)).await;
        let body = json!({"region_code": region, "time_zone": "Asia/Makassar"});
        hosts.push(register(&app, &official, &event, body).await);
    }
    let guest = register_investor(&app, &investor, &event, "Asia/Jakarta").await;
    let ask = |host: &str, token: &str| {
        let response = app
            .client
            .post(app.url(&format!("/api/v1/events/{event}/requests")))
            .bearer_auth(token)
            .json(&json!({"investor": guest, "host": host}))
            .send();
        async move { answer(response.await.unwrap()).await }
    };
    assert_eq!(ask(&hosts[0], &investor.token).await.0, StatusCode::CREATED);
    assert_limited(&ask(&hosts[1], &investor.token).await);
    // The agenda's ask button is the same message, from the same account.
    let session = app.page_session(&investor.email).await;
    let asked = app
        .submit(
            "/agenda/request",
            &format!("{session}; lang=id"),
            &[("event_id", event.as_str()), ("with", hosts[2].as_str())],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(asked.headers().contains_key("retry-after"));
    // Staff have an allowance of their own: an introduction still goes out.
    assert_eq!(ask(&hosts[1], &staff.token).await.0, StatusCode::CREATED);
    let (_, listed) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
}
