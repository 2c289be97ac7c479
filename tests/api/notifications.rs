//! Email through a real SMTP server on loopback: content, language, the .ics, Message-IDs, and
//! nothing lost or sent twice when the server is down.

use std::collections::HashSet;
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use sepadan::notify::AccountEmail;
use sepadan::notify::kinds::{Addressee, SecretLink};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_with_smtp};
use crate::meetings::{create_event, forum_body, in_days, register, schedule};
use crate::smtp::{Received, SmtpSink};

/// Waits until the sink holds at least `count` messages (10 s at most).
async fn wait_for_mail(sink: &SmtpSink, count: usize) -> Vec<Received> {
    for _ in 0..500 {
        let messages = sink.messages();
        if messages.len() >= count {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{} of {count} messages arrived", sink.messages().len());
}

/// Waits until the outbox has no item left in `state` (10 s at most).
async fn wait_until_none(app: &TestApp, staff: &TestUser, state: &str) {
    for _ in 0..500 {
        let (_, page) = app
            .get(
                &format!("/api/v1/admin/outbox?state={state}"),
                Some(&staff.token),
            )
            .await;
        if page["total"] == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("outbox items stay {state}");
}

/// A forum with Palopo (Indonesian) and an investor (English) who asks Palopo for a meeting.
async fn a_requested_meeting(app: &TestApp) -> (TestUser, TestUser, TestUser, String, String) {
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    for (who, language) in [(&investor, "en"), (&official, "id")] {
        let (status, _) = app
            .call(
                Method::PATCH,
                "/api/v1/me",
                Some(&who.token),
                Some(json!({"language": language})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let event = create_event(app, &staff, forum_body(in_days(5))).await;
    let host = register(
        app,
        &official,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let guest = register(
        app,
        &investor,
        &event,
        json!({"investor_id": investor.investor_id, "time_zone": "Asia/Tokyo"}),
    )
    .await;
    let (status, request) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": host, "message": "Rooftop solar"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    (
        staff,
        official,
        investor,
        event,
        request["id"].as_str().unwrap().to_owned(),
    )
}

fn subject_of(message: &Received) -> String {
    MessageParser::default()
        .parse(&message.data)
        .unwrap()
        .subject()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn meeting_emails_reach_a_real_smtp_server_in_each_recipients_language() {
    let (app, sink) = spawn_with_smtp().await;
    let (staff, official, investor, event, request) = a_requested_meeting(&app).await;
    // The investor confirms its address; Palopo hears of the request, in Indonesian.
    let first = wait_for_mail(&sink, 2).await;
    let to_palopo = first
        .iter()
        .find(|m| m.to == std::slice::from_ref(&official.email))
        .expect("Palopo's email");
    assert!(
        subject_of(to_palopo).starts_with("Permintaan pertemuan: Test Capital"),
        "{}",
        subject_of(to_palopo)
    );
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{request}/accept"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    schedule(&app, &staff, &event, json!({})).await;
    // Then accepted (both sides) and scheduled (both sides): six in all.
    let all = wait_for_mail(&sink, 6).await;
    let invitation = all
        .iter()
        .find(|m| {
            m.to == [investor.email.clone()] && subject_of(m).starts_with("Meeting invitation")
        })
        .expect("the investor's invitation, in English");
    let parsed = MessageParser::default().parse(&invitation.data).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("Your meeting is scheduled."), "{text}");
    assert!(text.contains("Jakarta Convention Center"), "{text}");
    let html = parsed.body_html(0).unwrap();
    assert!(
        html.contains("<h1") && html.contains("Test Capital – Kota Palopo"),
        "{html}"
    );
    let attachment = parsed.attachment(0).expect("the .ics");
    let content_type = attachment.content_type().unwrap();
    assert_eq!(content_type.ctype(), "text");
    assert_eq!(content_type.subtype(), Some("calendar"));
    assert_eq!(content_type.attribute("method"), Some("REQUEST"));
    let ics = attachment
        .text_contents()
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(attachment.contents()).into_owned());
    let unfolded = icalendar::parser::unfold(&ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("the .ics parses");
    assert!(calendar.components.iter().any(|c| c.name == "VEVENT"));
    let ids: HashSet<String> = all
        .iter()
        .map(|m| {
            MessageParser::default()
                .parse(&m.data)
                .unwrap()
                .message_id()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), all.len(), "every email has its own Message-ID");
    assert!(
        ids.iter().all(|id| id.ends_with("@sepadan.local")),
        "{ids:?}"
    );
    wait_until_none(&app, &staff, "pending").await;
    let (_, sent) = app
        .get(
            "/api/v1/admin/outbox?state=sent&per_page=50",
            Some(&staff.token),
        )
        .await;
    let outbox_ids: HashSet<String> = sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{}@sepadan.local", i["id"].as_str().unwrap()))
        .collect();
    assert_eq!(outbox_ids, ids, "the Message-ID is the outbox id");
    let (status, _) = app.get("/api/v1/admin/outbox", Some(&official.token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn nothing_is_lost_or_sent_twice_while_the_smtp_server_is_down() {
    let (app, sink) = spawn_with_smtp().await;
    sink.stop();
    let (staff, official, _, _, request) = a_requested_meeting(&app).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{request}/decline"),
            Some(&official.token),
            json!({"reason": "Agenda full"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The worker tries and fails: the items wait with their error.
    let mut failing = Value::Null;
    for _ in 0..500 {
        let (_, page) = app
            .get("/api/v1/admin/outbox?state=pending", Some(&staff.token))
            .await;
        if page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["attempts"].as_i64().unwrap() >= 2)
        {
            failing = page;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        failing["total"], 4,
        "address verification (1), request received (1) and declined (2): {failing}"
    );
    assert!(
        failing["items"][0]["last_error"].as_str().is_some(),
        "{failing}"
    );
    assert!(sink.messages().is_empty());
    sink.restart();
    wait_until_none(&app, &staff, "pending").await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 4, "each message exactly once");
    let ids: HashSet<String> = messages
        .iter()
        .map(|m| {
            MessageParser::default()
                .parse(&m.data)
                .unwrap()
                .message_id()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 4);
}

#[tokio::test]
async fn dead_letters_are_shown_to_staff_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start();
    let mut settings = crate::helpers::test_settings(&dir);
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = sink.port;
    settings.email.smtp_tls = sepadan::config::SmtpTls::None;
    settings.outbox.max_attempts = 2;
    let app = crate::helpers::spawn_with(settings, dir).await;
    sink.stop();
    let (staff, _, _, _, _) = a_requested_meeting(&app).await;
    let mut dead = Value::Null;
    for _ in 0..500 {
        let (_, page) = app
            .get("/api/v1/admin/outbox?state=dead", Some(&staff.token))
            .await;
        // The investor's address verification and Palopo's request.
        if page["total"] == 2 {
            dead = page;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let item = dead["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "request_received")
        .expect("the request's email is dead");
    assert_eq!(item["attempts"], 2, "{dead}");
    let id = item["id"].as_str().unwrap();
    sink.restart();
    let (status, retried) = app
        .post(
            &format!("/api/v1/admin/outbox/{id}/retry"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["state"], "pending");
    wait_for_mail(&sink, 1).await;
    let (status, again) = app
        .post(
            &format!("/api/v1/admin/outbox/{id}/retry"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!((status, code(&again)), (StatusCode::CONFLICT, "not_dead"));
}

#[tokio::test]
async fn muted_kinds_stay_in_the_app_but_send_no_email() {
    let (app, sink) = spawn_with_smtp().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&official.token),
            Some(json!({"email": true, "muted": ["request_received"], "digest": "weekly"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, bad) = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&official.token),
            Some(json!({"email": true, "muted": ["everything"], "digest": "off"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let (_, read) = app
        .get("/api/v1/me/notification-settings", Some(&official.token))
        .await;
    assert_eq!(read, saved);
    // Another official, with every email, answers a request of its own: its email arrives,
    // the muting official's does not.
    let (staff, palopo, _, _, _) = a_requested_meeting(&app).await;
    let (_, inbox) = app
        .get("/api/v1/me/notifications", Some(&palopo.token))
        .await;
    assert_eq!(inbox["items"][0]["kind"], "request_received");
    wait_for_mail(&sink, 1).await;
    wait_until_none(&app, &staff, "pending").await;
    assert_eq!(
        sink.messages()
            .iter()
            .filter(|m| m.to == [official.email.clone()])
            .count(),
        0,
        "the muting official got no email"
    );
}

#[tokio::test]
async fn parties_are_reminded_once_before_a_meeting_and_again_when_it_moves() {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start();
    let mut settings = crate::helpers::test_settings(&dir);
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = sink.port;
    settings.email.smtp_tls = sepadan::config::SmtpTls::None;
    // A week ahead, so that a meeting a few days away is due; the hour ahead is not.
    settings.meetings.reminder_minutes = vec![60, 10080];
    let app = crate::helpers::spawn_with(settings, dir).await;
    let (staff, official, investor, event, request) = a_requested_meeting(&app).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{request}/accept"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    schedule(&app, &staff, &event, json!({})).await;
    let reminders = |inbox: &Value| {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "meeting_reminder")
            .count()
    };
    let mut inbox = Value::Null;
    for _ in 0..500 {
        let (_, page) = app
            .get("/api/v1/me/notifications", Some(&investor.token))
            .await;
        if reminders(&page) == 1 {
            inbox = page;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reminder = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "meeting_reminder")
        .unwrap();
    assert_eq!(reminder["payload"]["reminder"]["lead_minutes"], 10080);
    wait_until_none(&app, &staff, "pending").await;
    let reminded = sink
        .messages()
        .iter()
        .filter(|m| subject_of(m).starts_with("Meeting reminder"))
        .count();
    assert_eq!(reminded, 1, "the investor's reminder email, once");

    // Staff move the meeting: a reminder for its new time follows.
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(&investor.token)).await;
    let meeting = agenda["meetings"][0]["id"].as_str().unwrap().to_owned();
    let start = agenda["meetings"][0]["venue_time"]["starts_at"]
        .as_str()
        .unwrap();
    let other = if start[11..16] == *"09:00" {
        "09:30"
    } else {
        "09:00"
    };
    let (status, moved) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/meetings/{meeting}"),
            Some(&staff.token),
            Some(json!({"starts_at": format!("{}T{other}", &start[..10])})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    for _ in 0..500 {
        let (_, page) = app
            .get(
                "/api/v1/me/notifications?per_page=50",
                Some(&investor.token),
            )
            .await;
        if reminders(&page) == 2 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no reminder for the moved meeting");
}

/// Waits (10 s at most) for the first digest in the sink.
async fn digest_mail(sink: &SmtpSink) -> Received {
    for _ in 0..500 {
        let digest = sink
            .messages()
            .into_iter()
            .find(|m| subject_of(m).starts_with("Proyek baru yang cocok"));
        if let Some(digest) = digest {
            return digest;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no digest arrived");
}

/// The plain text of the first digest in the sink, once it arrives.
pub async fn digest_text(sink: &SmtpSink) -> String {
    let digest = digest_mail(sink).await;
    let parsed = MessageParser::default().parse(&digest.data).unwrap();
    parsed.body_text(0).unwrap().into_owned()
}

#[tokio::test]
async fn investors_get_a_digest_of_new_matches_and_unsubscribe_in_one_click() {
    let (app, sink) = spawn_with_smtp().await;
    crate::matches::two_projects(&app).await;
    let investor =
        crate::matches::investor_with_mandate(&app, crate::matches::solar_mandate(true)).await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&investor.token),
            Some(json!({"email": true, "muted": [], "digest": "daily"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let digest = digest_mail(&sink).await;
    let parsed = MessageParser::default().parse(&digest.data).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(text.contains("Rooftop solar for Palopo"), "{text}");
    let line = text.lines().find(|l| l.contains("Rooftop solar")).unwrap();
    assert!(
        line.split("%). ").nth(1).is_some_and(|why| why.len() > 10),
        "with its reasons: {line}"
    );
    let header = parsed
        .header_raw("List-Unsubscribe")
        .expect("a List-Unsubscribe header")
        .trim()
        .to_owned();
    assert_eq!(
        parsed.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    let link = header.trim_matches(['<', '>']);
    let path = &link[link.find("/api/v1/").unwrap()..];
    let forged = path.replace("signature=", "signature=x");
    assert_eq!(
        app.post(&forged, None, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    let response = app.client.post(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (_, settings) = app
        .get("/api/v1/me/notification-settings", Some(&investor.token))
        .await;
    assert_eq!(settings["digest"], "off");
}

#[tokio::test]
async fn undecided_parties_are_warned_a_day_before_a_request_expires() {
    let (app, _sink) = spawn_with_smtp().await;
    let (_, official, _, _, request) = a_requested_meeting(&app).await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use sepadan::db::schema::meeting_requests;
        diesel::update(meeting_requests::table.find(&request))
            .set(
                meeting_requests::expires_at
                    .eq(chrono::Utc::now().naive_utc() + chrono::Duration::hours(2)),
            )
            .execute(&mut *db.get().unwrap())
            .unwrap();
    })
    .await
    .unwrap();
    for _ in 0..500 {
        let (_, inbox) = app
            .get("/api/v1/me/notifications", Some(&official.token))
            .await;
        let kinds: Vec<&str> = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        if kinds.contains(&"request_expiring") {
            assert_eq!(
                kinds.iter().filter(|k| **k == "request_expiring").count(),
                1
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no warning before expiry");
}

#[tokio::test]
async fn two_workers_on_one_database_deliver_each_item_once() {
    let dir = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start();
    let mut settings = crate::helpers::test_settings(&dir);
    settings.email.smtp_host = "127.0.0.1".into();
    settings.email.smtp_port = sink.port;
    settings.email.smtp_tls = sepadan::config::SmtpTls::None;
    settings.outbox.run_in_server = false;
    settings.outbox.batch_size = 3;
    let app = crate::helpers::spawn_with(settings.clone(), dir).await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        sepadan::db::write_transaction(&mut conn, |conn| {
            for n in 0..30 {
                sepadan::notify::email_address(
                    conn,
                    &format!("reader{n}@example.com"),
                    &AccountEmail::PasswordReset(SecretLink {
                        to: Addressee {
                            name: "Reader".into(),
                            language: "en".into(),
                        },
                        link: "http://x/?token=t".into(),
                        valid_until: "2026-01-01 10:00 UTC".into(),
                    }),
                )?;
            }
            Ok(())
        })
        .unwrap();
    })
    .await
    .unwrap();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let worker = sepadan::notify::worker::Worker::new(
                app.state.db.clone(),
                &settings,
                app.state.matchmaker.clone(),
            )
            .unwrap();
            std::thread::spawn(move || {
                let mut attempted = 0;
                loop {
                    match worker.run_once().unwrap() {
                        0 => return attempted,
                        n => attempted += n,
                    }
                }
            })
        })
        .collect();
    let attempted: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(attempted.iter().sum::<usize>(), 30, "{attempted:?}");
    let messages = sink.messages();
    assert_eq!(messages.len(), 30);
    let recipients: HashSet<&String> = messages.iter().flat_map(|m| &m.to).collect();
    assert_eq!(recipients.len(), 30, "each item delivered once");
}
