//! The notifications, settings and dead-letter pages, and the agenda's calendar and delegation
//! meetings: rendered in both languages, and their forms doing what the API does.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use sepadan::db::write_transaction;
use sepadan::domain::status::OutboxState;
use sepadan::models::notification::{self as rows, OutboxRow};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, TestUser, spawn_app};
use crate::meetings::{create_event, forum_body, in_days, register, register_investor, schedule};

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

async fn unread(app: &TestApp, who: &TestUser) -> Value {
    let (status, page) = app
        .get("/api/v1/me/notifications?unread=true", Some(&who.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["total"].clone()
}

#[tokio::test]
async fn notifications_come_from_real_actions_and_marking_them_read_lowers_the_count() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let published = app
        .published_project(
            &palopo,
            &staff,
            TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
        )
        .await;
    // A second project sent back with a comment.
    let (_, draft) = app
        .post(
            "/api/v1/projects",
            Some(&palopo.token),
            TestApp::project_body("73.73", "Palopo water meters", "3600", "90000000000"),
        )
        .await;
    let draft = draft["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/projects/{draft}/submit"),
        Some(&palopo.token),
        json!({}),
    )
    .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/projects/{draft}/request-changes"),
            Some(&staff.token),
            json!({"comment": "Add the tariff study"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(unread(&app, &palopo).await, 2);

    let session = app.page_session(&palopo.email).await;
    let (status, en) = app.page_as("/notifications", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        en.contains("Notifications (2)"),
        "the count in the nav: {en}"
    );
    assert!(
        en.contains("Project published: Rooftop solar for Palopo"),
        "{en}"
    );
    assert!(en.contains(&format!("href=\"/opportunities/{published}\"")));
    assert!(en.contains("Changes requested for your project: Palopo water meters"));
    assert!(en.contains("href=\"/my-projects\""));
    assert!(en.contains("Times in UTC"), "no time zone chosen yet");
    let (_, id) = app.page_as("/notifications", Some(&session), "id").await;
    assert!(id.contains("Notifikasi (2)"), "{id}");
    assert!(
        id.contains("Proyek diterbitkan: Rooftop solar for Palopo (id)"),
        "{id}"
    );
    assert!(id.contains("Tandai sudah dibaca"));

    // Another person cannot mark Palopo's notification.
    let (_, list) = app
        .get("/api/v1/me/notifications", Some(&palopo.token))
        .await;
    let first = list["items"][0]["id"].as_str().unwrap().to_owned();
    let other = app.page_session(&staff.email).await;
    let refused = app
        .submit(&format!("/notifications/{first}/read"), &other, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(unread(&app, &palopo).await, 2);

    let marked = app
        .submit(&format!("/notifications/{first}/read"), &session, &[])
        .await;
    assert_eq!(marked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&marked), "/notifications");
    assert_eq!(unread(&app, &palopo).await, 1);
    let (_, en) = app.page_as("/notifications", Some(&session), "en").await;
    assert!(en.contains("Notifications (1)"), "{en}");

    let all = app.submit("/notifications/read-all", &session, &[]).await;
    assert_eq!(all.status(), StatusCode::SEE_OTHER);
    assert_eq!(unread(&app, &palopo).await, 0);
    let (_, en) = app.page_as("/notifications", Some(&session), "en").await;
    assert!(
        en.contains("Notifications</a>") && !en.contains("Mark all as read"),
        "{en}"
    );

    let anonymous = crate::helpers::no_redirects()
        .get(app.url("/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&anonymous), "/sign-in");
}

#[tokio::test]
async fn notification_settings_saved_on_the_page_are_the_apis_and_bad_ones_change_nothing() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let (status, en) = app.page_as("/settings", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("<h1>Settings</h1>") && en.contains("Digest of new matching projects"));
    assert!(en.contains("Meeting reminders"));
    let (_, id) = app.page_as("/settings", Some(&session), "id").await;
    assert!(id.contains("<h1>Pengaturan</h1>") && id.contains("Ringkasan proyek baru yang cocok"));
    assert!(id.contains("Pengingat pertemuan") && id.contains(">Pengaturan</a>"));

    let saved = app
        .submit(
            "/settings/notifications",
            &session,
            &[
                ("email", "on"),
                ("muted", "meeting_reminder"),
                ("muted", "request_expiring"),
                ("digest", "weekly"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), "/settings?saved=notifications");
    let (_, settings) = app
        .get("/api/v1/me/notification-settings", Some(&investor.token))
        .await;
    assert_eq!(
        settings,
        json!({"email": true, "muted": ["meeting_reminder", "request_expiring"],
               "digest": "weekly", "language": "id"})
    );

    let refused = app
        .submit(
            "/settings/notifications",
            &session,
            &[("muted", "request_received"), ("digest", "hourly")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("Pilih tidak, harian, atau mingguan."),
        "{body}"
    );
    assert!(
        body.contains(r#"value="request_received" checked"#)
            && !body.contains(r#"value="meeting_reminder" checked"#)
            && !body.contains(r#"name="email" value="on" checked"#),
        "the input is kept: {body}"
    );
    let (_, after) = app
        .get("/api/v1/me/notification-settings", Some(&investor.token))
        .await;
    assert_eq!(after, settings, "nothing changed");
}

#[tokio::test]
async fn account_and_password_changes_refuse_bad_input_and_keep_what_was_typed() {
    let app = spawn_app().await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&palopo.email).await;
    let saved = app
        .submit(
            "/settings/profile",
            &session,
            &[
                ("name", "Andi Palopo"),
                ("language", "en"),
                ("time_zone", "Asia/Makassar"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, me) = app.get("/api/v1/me", Some(&palopo.token)).await;
    assert_eq!(
        (&me["name"], &me["language"], &me["time_zone"]),
        (&json!("Andi Palopo"), &json!("en"), &json!("Asia/Makassar"))
    );
    let (_, page) = app.page_as("/notifications", Some(&session), "en").await;
    assert!(page.contains("Times in Asia/Makassar"), "{page}");

    let refused = app
        .submit(
            "/settings/profile",
            &session,
            &[
                ("name", "Someone Else"),
                ("language", "en"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.unwrap();
    assert!(body.contains("This is not a known time zone"), "{body}");
    assert!(body.contains(r#"value="Mars/Olympus""#) && body.contains(r#"value="Someone Else""#));
    let (_, unchanged) = app.get("/api/v1/me", Some(&palopo.token)).await;
    assert_eq!(unchanged, me, "nothing changed");

    // The API takes the same fields with the same check.
    let (status, _) = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&palopo.token),
            Some(json!({"time_zone": "Nowhere/Town"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let wrong = app
        .submit(
            "/settings/password",
            &session,
            &[
                ("current_password", "not the password at all"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = wrong.text().await.unwrap();
    assert!(
        body.contains("This is not your current password."),
        "{body}"
    );
    assert!(
        !body.contains("not the password at all"),
        "passwords are never echoed"
    );
    let (status, _) = app.login(&palopo.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the old password still works");
    let (status, _) = app.page_as("/settings", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK, "still signed in");

    let changed = app
        .submit(
            "/settings/password",
            &session,
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&changed), "/sign-in");
    let (status, _) = app.login(&palopo.email, "a brand new password").await;
    assert_eq!(status, StatusCode::OK);
    let ended = crate::helpers::no_redirects()
        .get(app.url("/settings"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&ended), "/sign-in", "every session ended");
}

/// The path of the first `https`/`http` feed address in a page.
fn feed_path(page: &str) -> String {
    let start = page.find("/calendar/").expect("a feed address");
    let end = start + page[start..].find(".ics").expect("an .ics address") + 4;
    page[start..end].to_owned()
}

#[tokio::test]
async fn a_calendar_feed_made_on_the_settings_page_serves_ics_until_revoked() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let (_, before) = app.page_as("/settings", Some(&session), "en").await;
    assert!(before.contains("You have no calendar feed."), "{before}");
    let made = app.submit("/settings/calendar", &session, &[]).await;
    assert_eq!(made.status(), StatusCode::OK);
    let body = made.text().await.unwrap();
    assert!(body.contains("webcal://"), "{body}");
    let path = feed_path(&body);
    let feed = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(feed.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
    let (_, id) = app.page_as("/settings", Some(&session), "id").await;
    assert!(id.contains("Anda memiliki umpan kalender."), "{id}");
    assert!(!id.contains(&path), "the secret is shown once");

    let revoked = app.submit("/settings/calendar/revoke", &session, &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let gone = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let (_, en) = app
        .page_as("/settings?saved=calendar_revoked", Some(&session), "en")
        .await;
    assert!(en.contains("Your calendar feed address no longer works."));
}

/// An email the outbox gave up on, written straight into the database.
async fn dead_letter(app: &TestApp, recipient: &TestUser) -> String {
    let db = app.state.db.clone();
    let target = recipient.id.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let mut item = OutboxRow::due_now("email", target, None, "request_received", "{}".into());
        item.state = OutboxState::Dead;
        item.attempts = 5;
        item.last_error = Some("550 mailbox unavailable".into());
        let id = item.id.clone();
        write_transaction(&mut conn, |conn| Ok(rows::insert_outbox(conn, &item)?)).unwrap();
        id
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn staff_see_dead_letters_and_send_them_again_others_are_refused() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let id = dead_letter(&app, &investor).await;
    let session = app.page_session(&staff.email).await;
    let (status, en) = app.page_as("/settings/outbox", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("Undelivered messages"), "{en}");
    assert!(en.contains(&investor.email) && en.contains("550 mailbox unavailable"));
    assert!(en.contains("request_received") && en.contains("<td>5</td>"));
    let (_, id_page) = app.page_as("/settings/outbox", Some(&session), "id").await;
    assert!(id_page.contains("Pesan yang tidak terkirim") && id_page.contains("Kirim ulang"));
    let (_, settings) = app.page_as("/settings", Some(&session), "id").await;
    assert!(settings.contains("href=\"/settings/outbox\""));

    let other = app.page_session(&investor.email).await;
    let (status, page) = app.page_as("/settings/outbox", Some(&other), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    assert!(page.contains("forbidden"));
    let refused = app
        .submit(&format!("/settings/outbox/{id}/retry"), &other, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, dead) = app
        .get("/api/v1/admin/outbox?state=dead", Some(&staff.token))
        .await;
    assert_eq!(dead["total"], 1, "still dead");

    let retried = app
        .submit(&format!("/settings/outbox/{id}/retry"), &session, &[])
        .await;
    assert_eq!(retried.status(), StatusCode::SEE_OTHER);
    let (_, dead) = app
        .get("/api/v1/admin/outbox?state=dead", Some(&staff.token))
        .await;
    assert_eq!(dead["total"], 0, "back in line: {dead}");
    let again = app
        .submit(&format!("/settings/outbox/{id}/retry"), &session, &[])
        .await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "only dead items are retried"
    );
}

#[tokio::test]
async fn officials_of_a_delegation_region_see_its_meetings_as_the_delegation_agenda() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let luwu = app.user(Role::Official, Some("73.22")).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let (status, delegation) = app
        .post(
            "/api/v1/delegations",
            Some(&staff.token),
            json!({"name": "Luwu Raya and Maros", "regions": ["73.73", "73.22", "73.09"],
                   "members": [maros.id], "travel_buffer_minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{delegation}");
    let group = register(
        &app,
        &maros,
        &event,
        json!({"delegation_id": delegation["id"], "time_zone": "Asia/Makassar"}),
    )
    .await;
    let guest = register_investor(&app, &investor, &event, "Asia/Tokyo").await;
    let (status, intro) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
            json!({"investor": guest, "host": group}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{intro}");
    let intro = intro["id"].as_str().unwrap();
    for who in [&investor, &maros] {
        let (status, body) = app
            .post(
                &format!("/api/v1/requests/{intro}/accept"),
                Some(&who.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let result = schedule(&app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 1, "{result}");

    // Luwu Utara neither registered nor is a member: its region is in the delegation.
    let session = app.page_session(&luwu.email).await;
    let (status, en) = app.page_as("/agenda", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        en.contains("Delegation agenda: Luwu Raya and Maros"),
        "{en}"
    );
    assert!(en.contains("Sulawesi Investment Forum") && en.contains("href=\"/agenda.ics\""));
    assert!(en.contains("href=\"/settings#calendar\""));
    let (_, id) = app.page_as("/agenda", Some(&session), "id").await;
    assert!(id.contains("Agenda delegasi: Luwu Raya and Maros"), "{id}");
    assert!(id.contains("Unduh semua pertemuan (.ics)"));
    let calendar = app
        .client
        .get(app.url("/agenda.ics"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(calendar.status(), StatusCode::OK);
    let text = calendar.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");

    // The investor hears of the meeting in the time zone its account chose, venue time alongside.
    let (status, _) = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&investor.token),
            Some(json!({"time_zone": "Asia/Tokyo"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let guest_session = app.page_session(&investor.email).await;
    let (_, heard) = app
        .page_as("/notifications", Some(&guest_session), "en")
        .await;
    assert!(
        heard.contains("Meeting invitation: Test Capital – Luwu Raya and Maros"),
        "{heard}"
    );
    assert!(
        heard.contains("<dt>Your time</dt>") && heard.contains("(Asia/Tokyo)</dd>"),
        "{heard}"
    );
    assert!(heard.contains("(Asia/Jakarta)</dd>") && heard.contains("href=\"/agenda\""));

    // The account's time zone, once chosen, is the agenda's.
    let saved = app
        .submit(
            "/settings/profile",
            &session,
            &[
                ("name", "Luwu"),
                ("language", "en"),
                ("time_zone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, en) = app.page_as("/agenda", Some(&session), "en").await;
    assert!(en.contains("(Europe/London)"), "{en}");
}
