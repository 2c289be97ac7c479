//! Events, requests, the scheduling job, agendas, calendars and outcomes, end to end.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, refused_fields, spawn_app};

/// A date `days` from today.
pub fn in_days(days: i64) -> NaiveDate {
    Utc::now().date_naive() + Duration::days(days)
}

/// The next second Sunday of March at least a week away, when New York moves to UTC−4.
fn next_us_daylight_saving_start() -> NaiveDate {
    let soon = in_days(7);
    (soon.year()..)
        .map(|year| NaiveDate::from_weekday_of_month_opt(year, 3, chrono::Weekday::Sun, 2).unwrap())
        .find(|d| *d >= soon)
        .unwrap()
}

/// A forum in Jakarta on one day, two tables and a room, 30-minute slots 09:00–12:00 WIB.
pub fn forum_body(date: NaiveDate) -> Value {
    json!({
        "name": "Sulawesi Investment Forum",
        "kind": "forum",
        "slot_minutes": 30,
        "travel_buffer_minutes": 30,
        "daily_cap": 4,
        "registration_deadline": format!("{}T17:00:00+07:00", date - Duration::days(1)),
        "request_deadline": format!("{}T08:00:00+07:00", date),
        "venues": [{
            "name": "Jakarta Convention Center", "city": "Jakarta", "country": "ID",
            "time_zone": "Asia/Jakarta", "tables": 2, "rooms": 1,
            "days": [{"date": date, "opens": "09:00", "closes": "12:00",
                      "breaks": [{"from": "10:30", "to": "11:00"}]}]
        }]
    })
}

pub async fn create_event(app: &TestApp, staff: &TestUser, body: Value) -> String {
    let (status, event) = app.post("/api/v1/events", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    event["id"].as_str().unwrap().to_owned()
}

pub async fn register(app: &TestApp, who: &TestUser, event: &str, body: Value) -> String {
    let (status, p) = app
        .post(
            &format!("/api/v1/events/{event}/participants"),
            Some(&who.token),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// Registers `investor`'s organisation for `event` in `time_zone`; the participant's id.
pub async fn register_investor(
    app: &TestApp,
    investor: &TestUser,
    event: &str,
    time_zone: &str,
) -> String {
    let body = json!({"investor_id": investor.investor_id, "time_zone": time_zone});
    register(app, investor, event, body).await
}

/// Starts the scheduling job and follows it to its end.
pub async fn schedule(app: &TestApp, staff: &TestUser, event: &str, options: Value) -> Value {
    let (status, job) = app
        .post(
            &format!("/api/v1/events/{event}/schedule"),
            Some(&staff.token),
            options,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    for _ in 0..600 {
        let (status, job) = app
            .get(&format!("/api/v1/jobs/{id}"), Some(&staff.token))
            .await;
        assert_eq!(status, StatusCode::OK);
        if job["status"] == "succeeded" || job["status"] == "failed" {
            assert_eq!(job["status"], "succeeded", "{job}");
            assert_eq!(job["progress"], 100);
            return job["result"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the scheduling job did not finish in 30 s");
}

#[tokio::test]
async fn staff_run_an_event_from_registration_to_outcomes() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let investor = app.user(Role::Investor, None).await;
    let project = app
        .published_project(
            &palopo,
            &staff,
            TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
        )
        .await;
    let investor_id = investor.investor_id.clone().unwrap();
    let date = in_days(30);
    let event = create_event(&app, &staff, forum_body(date)).await;
    let (_, shown) = app
        .get(&format!("/api/v1/events/{event}"), Some(&investor.token))
        .await;
    assert_eq!(shown["slots"], 5, "six half hours less the break: {shown}");

    // A delegation of Palopo, Luwu Utara and Maros, registered by one of its officials.
    let (status, delegation) = app
        .post(
            "/api/v1/delegations",
            Some(&staff.token),
            json!({"name": "Luwu Raya and Maros", "regions": ["73.73", "73.22", "73.09"],
                   "members": [maros.id], "travel_buffer_minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{delegation}");
    let delegation_id = delegation["id"].as_str().unwrap();
    let region = register(
        &app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let group = register(
        &app,
        &maros,
        &event,
        json!({"delegation_id": delegation_id, "time_zone": "Asia/Makassar"}),
    )
    .await;
    // The investor is in Tokyo and free from 11:00 to 13:00 Tokyo time (09:00–11:00 in Jakarta).
    let guest = register(
        &app,
        &investor,
        &event,
        json!({"investor_id": investor_id, "time_zone": "Asia/Tokyo",
               "availability": [{"from": format!("{date}T11:00"), "to": format!("{date}T13:00")}]}),
    )
    .await;
    let (_, participants) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&investor.token),
        )
        .await;
    let me = participants
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == guest)
        .unwrap();
    assert_eq!(
        me["availability"][0]["from"],
        format!("{date}T11:00:00+09:00")
    );
    assert_eq!(me["available_slots"], 3);
    let (_, as_staff) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    let seen = as_staff
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == guest)
        .unwrap();
    assert_eq!(
        seen["availability_time_zone"], "Asia/Jakarta",
        "staff see venue time"
    );
    assert_eq!(
        seen["availability"][0]["from"],
        format!("{date}T09:00:00+07:00")
    );
    let other = participants
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == region)
        .unwrap();
    assert!(
        other.get("availability").is_none(),
        "others' availability stays private"
    );

    // The investor marked the project must-meet; it asks Palopo about it and Palopo accepts.
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/investors/{investor_id}/feedback/{project}"),
            Some(&investor.token),
            Some(json!({"interest": "must_meet"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, asked) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": region, "message": "About the rooftop solar", "project_id": project}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    assert_eq!(asked["status"], "pending");
    assert_eq!(asked["must_meet"], true, "{asked}");
    let score = asked["score"].as_f64().unwrap().max(0.05);
    assert!(
        (asked["priority"].as_f64().unwrap() - 3.0 * score).abs() < 0.002,
        "{asked}"
    );
    let asked_id = asked["id"].as_str().unwrap();
    let (status, again) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": region}),
        )
        .await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "request_exists")
    );
    let (status, wait) = app
        .post(
            &format!("/api/v1/requests/{asked_id}/accept"),
            Some(&investor.token),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, code(&wait)),
        (StatusCode::CONFLICT, "awaiting_other_party")
    );
    let (status, accepted) = app
        .post(
            &format!("/api/v1/requests/{asked_id}/accept"),
            Some(&palopo.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");

    // Staff introduce the investor to the delegation; both sides accept.
    let (status, intro) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
            json!({"investor": guest, "host": group}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{intro}");
    assert_eq!(intro["origin"], "staff");
    let intro_id = intro["id"].as_str().unwrap();
    for who in [&investor, &maros] {
        let (status, body) = app
            .post(
                &format!("/api/v1/requests/{intro_id}/accept"),
                Some(&who.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let result = schedule(&app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 2, "{result}");
    assert_eq!(result["problems"], json!([]), "{result}");

    // The investor sees its agenda in Tokyo time with Jakarta time alongside.
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(&investor.token)).await;
    let meetings = agenda["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 2, "{agenda}");
    for m in meetings {
        assert!(
            m["your_time"]["starts_at"]
                .as_str()
                .unwrap()
                .ends_with("+09:00"),
            "{m}"
        );
        assert!(
            m["venue_time"]["starts_at"]
                .as_str()
                .unwrap()
                .ends_with("+07:00"),
            "{m}"
        );
        let venue_hour: u32 = m["venue_time"]["starts_at"].as_str().unwrap()[11..13]
            .parse()
            .unwrap();
        assert!(
            (9..11).contains(&venue_hour),
            "inside the investor's window: {m}"
        );
    }
    let room = meetings
        .iter()
        .find(|m| m["place"] == "room")
        .expect("the delegation meets in a room");
    assert_eq!(
        room["delegation_regions"],
        json!(["73.09", "73.22", "73.73"])
    );
    let (_, palopo_agenda) = app
        .get("/api/v1/me/agenda?tz=Asia/Makassar", Some(&palopo.token))
        .await;
    assert_eq!(
        palopo_agenda["meetings"].as_array().unwrap().len(),
        2,
        "Palopo meets alone and with its delegation, never both at once"
    );
    let starts: Vec<&str> = palopo_agenda["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["starts_at"].as_str().unwrap())
        .collect();
    assert_ne!(starts[0], starts[1]);

    // The staff grid and the parties' calendars.
    let (status, grid) = app
        .get(
            &format!("/api/v1/events/{event}/meetings"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{grid}");
    assert_eq!(grid["slots"].as_array().unwrap().len(), 5);
    let (status, _) = app
        .get(
            &format!("/api/v1/events/{event}/meetings"),
            Some(&investor.token),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let meeting = meetings.iter().find(|m| m["place"] == "table").unwrap();
    let meeting_id = meeting["id"].as_str().unwrap();
    let ics = app
        .client
        .get(app.url(&format!("/api/v1/meetings/{meeting_id}/calendar.ics")))
        .bearer_auth(&palopo.token)
        .send()
        .await
        .unwrap();
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = ics.text().await.unwrap();
    assert!(
        ics.contains(&format!("UID:{meeting_id}@sepadan\r\n")),
        "{ics}"
    );
    assert!(ics.contains("METHOD:REQUEST\r\n"));
    let (status, feed) = app
        .post("/api/v1/me/calendar", Some(&investor.token), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = feed["url"]
        .as_str()
        .unwrap()
        .split_once("/calendar/")
        .unwrap()
        .1
        .to_owned();
    let text = app
        .client
        .get(app.url(&format!("/calendar/{path}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v1/me/calendar",
            Some(&investor.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let gone = app
        .client
        .get(app.url(&format!("/calendar/{path}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        gone.status(),
        StatusCode::NOT_FOUND,
        "a revoked feed is gone"
    );

    // Someone else cannot see the meeting.
    let stranger = app.user(Role::Investor, None).await;
    let (status, _) = app
        .get(
            &format!("/api/v1/meetings/{meeting_id}"),
            Some(&stranger.token),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Before the meeting ends nothing can be recorded of it.
    let (status, early) = app
        .call(
            Method::PUT,
            &format!("/api/v1/meetings/{meeting_id}/outcome"),
            Some(&palopo.token),
            Some(json!({"attendance": "held"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{early}");
    assert_eq!(code(&early), "meeting_not_over");

    // After the meeting: held, a letter of intent, in the report.
    app.move_meetings_by_days(-1).await;
    let (status, recorded) = app
        .call(
            Method::PUT,
            &format!("/api/v1/meetings/{meeting_id}/outcome"),
            Some(&palopo.token),
            Some(json!({"attendance": "held", "notes": "Strong interest in phase 1",
                        "follow_up": {"stage": "letter_of_intent", "amount": {"amount": "1500000", "currency": "USD"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    assert_eq!(
        recorded["outcome"]["follow_up"]["stage"],
        "letter_of_intent"
    );
    let (_, deals) = app.get("/api/v1/deals", Some(&palopo.token)).await;
    let deal = &deals[0];
    assert_eq!(
        deal["stage"], "letter_of_intent",
        "the outcome moves a deal: {deals}"
    );
    let moved = deal["history"].as_array().unwrap().last().unwrap();
    assert_eq!(moved["source"], "meeting");
    assert_eq!(moved["meeting_id"], meeting_id);
    assert_eq!(
        moved["amount"],
        json!({"amount": "1500000", "currency": "USD"})
    );
    let (status, report) = app
        .get(
            &format!("/api/v1/reports/outcomes?event_id={event}"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["by_event"][0]["meetings"], 2);
    assert_eq!(report["by_event"][0]["held"], 1);
    assert_eq!(report["by_event"][0]["letters_of_intent"], 1);
    assert_eq!(report["by_event"][0]["amount_usd"], 1500000.0);
    let palopo_line = report["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == "73.73")
        .unwrap();
    assert_eq!(
        palopo_line["meetings"], 2,
        "its own meeting and its delegation's"
    );
    assert!(
        report["by_dimension"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["key"] == "ENV" && l["held"] == 1)
    );
    let csv = app
        .client
        .get(app.url("/api/v1/reports/outcomes?format=csv"))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("group,key,name,meetings,held,no_show"),
        "{csv}"
    );
    let (status, _) = app
        .get("/api/v1/reports/outcomes", Some(&palopo.token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every change reached the outbox, complete enough to render: Palopo got the request and
    // its invitations with the .ics.
    let (_, inbox) = app
        .get("/api/v1/me/notifications?per_page=50", Some(&palopo.token))
        .await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"request_received"), "{kinds:?}");
    assert!(kinds.contains(&"introduction_proposed"), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "meeting_scheduled").count(),
        2,
        "{kinds:?}"
    );
    let invitation = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "meeting_scheduled")
        .unwrap();
    assert!(
        invitation["payload"]["meeting"]["ics"]
            .as_str()
            .unwrap()
            .contains("BEGIN:VEVENT")
    );
    assert_eq!(invitation["read_at"], Value::Null);
    let id = invitation["id"].as_str().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/me/notifications/{id}/read"),
            Some(&palopo.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .post(
            &format!("/api/v1/me/notifications/{id}/read"),
            Some(&investor.token),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "one's notifications are one's own"
    );
}

#[tokio::test]
async fn a_cancellation_sends_a_cancel_and_a_replan_keeps_confirmed_meetings() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let date = in_days(20);
    let event = create_event(&app, &staff, forum_body(date)).await;
    let region = app.user(Role::Official, Some("73.22")).await;
    let host = register(
        &app,
        &region,
        &event,
        json!({"region_code": "73.22", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let mut meetings = Vec::new();
    for _ in 0..3 {
        let investor = app.user(Role::Investor, None).await;
        let guest = register_investor(&app, &investor, &event, "Europe/Berlin").await;
        let (_, r) = app
            .post(
                &format!("/api/v1/events/{event}/requests"),
                Some(&investor.token),
                json!({"investor": guest, "host": host}),
            )
            .await;
        let (status, _) = app
            .post(
                &format!("/api/v1/requests/{}/accept", r["id"].as_str().unwrap()),
                Some(&staff.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        meetings.push(investor);
    }
    let result = schedule(&app, &staff, &event, json!({"confirm": true})).await;
    assert_eq!(result["placed"], 3, "{result}");
    let (_, before) = app.get("/api/v1/me/agenda", Some(&region.token)).await;
    let before = before["meetings"].as_array().unwrap().clone();
    assert!(before.iter().all(|m| m["status"] == "confirmed"));

    // One investor cancels: its meeting is cancelled with a higher SEQUENCE and METHOD:CANCEL.
    let (_, theirs) = app.get("/api/v1/me/agenda", Some(&meetings[0].token)).await;
    let cancelled = theirs["meetings"][0]["id"].as_str().unwrap().to_owned();
    let sequence = theirs["meetings"][0]["sequence"].as_i64().unwrap();
    let (status, gone) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/meetings/{cancelled}"),
            Some(&meetings[0].token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{gone}");
    assert_eq!(gone["status"], "cancelled");
    assert_eq!(gone["sequence"].as_i64().unwrap(), sequence + 1);
    let ics = app
        .client
        .get(app.url(&format!("/api/v1/meetings/{cancelled}/calendar.ics")))
        .bearer_auth(&region.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"),
        "{ics}"
    );
    assert!(ics.contains(&format!("SEQUENCE:{}\r\n", sequence + 1)));
    let (_, inbox) = app
        .get("/api/v1/me/notifications", Some(&region.token))
        .await;
    assert_eq!(inbox["items"][0]["kind"], "meeting_cancelled");

    // A re-plan leaves the confirmed meetings where they were.
    let result = schedule(&app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 2, "{result}");
    assert_eq!(result["moved"], 0, "{result}");
    let (_, after) = app.get("/api/v1/me/agenda", Some(&region.token)).await;
    for m in after["meetings"].as_array().unwrap() {
        let was = before.iter().find(|b| b["id"] == m["id"]).unwrap();
        assert_eq!(
            (&m["starts_at"], &m["seat"]),
            (&was["starts_at"], &was["seat"])
        );
    }

    // Staff move a meeting only where it fits.
    let keep = after["meetings"][0]["id"].as_str().unwrap();
    let other_start = after["meetings"][1]["venue_time"]["starts_at"]
        .as_str()
        .unwrap()[..16]
        .to_owned();
    let (status, clash) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/meetings/{keep}"),
            Some(&staff.token),
            Some(json!({"starts_at": other_start})),
        )
        .await;
    assert_eq!(
        (status, code(&clash)),
        (StatusCode::CONFLICT, "meeting_does_not_fit"),
        "{clash}"
    );
    let (status, off) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/meetings/{keep}"),
            Some(&staff.token),
            Some(json!({"starts_at": format!("{date}T10:45")})),
        )
        .await;
    assert_eq!(
        (status, code(&off)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        "a break is no slot: {off}"
    );
}

#[tokio::test]
async fn bad_event_and_availability_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let date = in_days(10);
    let cases = [
        ("/venues/0/time_zone", json!("Asia/Atlantis")),
        ("/venues/0/days/0/date", json!(in_days(-3))),
        ("/venues/0/days/0/closes", json!("08:00")),
        ("/slot_minutes", json!(5)),
        (
            "/request_deadline",
            json!(format!("{}T08:00:00+07:00", date + Duration::days(2))),
        ),
        ("/venues/0/days/0/breaks/0/to", json!("13:30")),
    ];
    for (pointer, value) in cases {
        let mut body = forum_body(date);
        *body.pointer_mut(pointer).unwrap() = value;
        let (status, error) = app.post("/api/v1/events", Some(&staff.token), body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{pointer}: {error}"
        );
    }
    let mut two_grids = forum_body(date);
    let second = two_grids["venues"][0].clone();
    two_grids["venues"].as_array_mut().unwrap().push(second);
    two_grids["venues"][1]["days"][0]["opens"] = json!("09:10");
    let (status, error) = app
        .post("/api/v1/events", Some(&staff.token), two_grids)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let (_, events) = app.get("/api/v1/events", Some(&staff.token)).await;
    assert_eq!(events, json!([]), "nothing was stored");
    let investor = app.user(Role::Investor, None).await;
    let (status, _) = app
        .post("/api/v1/events", Some(&investor.token), forum_body(date))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let event = create_event(&app, &staff, forum_body(date)).await;
    let window = |from: String, to: String| json!({"investor_id": investor.investor_id, "time_zone": "Asia/Jakarta", "availability": [{"from": from, "to": to}]});
    let path = format!("/api/v1/events/{event}/participants");
    let yesterday = in_days(-1);
    for (body, why) in [
        (
            window(format!("{yesterday}T09:00"), format!("{yesterday}T10:00")),
            "in the past",
        ),
        (
            window(format!("{date}T10:00"), format!("{date}T09:00")),
            "ends before it starts",
        ),
        (
            window(
                format!("{}T09:00", date + Duration::days(5)),
                format!("{}T10:00", date + Duration::days(5)),
            ),
            "outside the event",
        ),
        (
            json!({"investor_id": investor.investor_id, "time_zone": "Asia/Jakarta", "availability": [
                {"from": format!("{date}T09:00"), "to": format!("{date}T10:30")},
                {"from": format!("{date}T10:00"), "to": format!("{date}T11:00")}]}),
            "overlapping",
        ),
        (
            json!({"investor_id": investor.investor_id, "time_zone": "Mars/Olympus"}),
            "unknown zone",
        ),
    ] {
        let (status, error) = app.post(&path, Some(&investor.token), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {error}");
    }
    let (status, _) = app
        .post(
            &path,
            Some(&investor.token),
            json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an investor does not register a region"
    );
    let (_, participants) = app.get(&path, Some(&staff.token)).await;
    assert_eq!(participants, json!([]), "nothing was stored");
}

#[tokio::test]
async fn an_expired_request_cannot_be_accepted() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(12))).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let host = register(
        &app,
        &official,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let guest = register_investor(&app, &investor, &event, "Asia/Jakarta").await;
    let (_, request) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": host}),
        )
        .await;
    let id = request["id"].as_str().unwrap().to_owned();
    // Time passes: the request's expiry is now behind us.
    let db = app.state.db.clone();
    let expired = id.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use sepadan::db::schema::meeting_requests;
        let mut conn = db.get().unwrap();
        diesel::update(meeting_requests::table.find(&expired))
            .set(meeting_requests::expires_at.eq(Utc::now().naive_utc() - Duration::minutes(1)))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
    let (status, error) = app
        .post(
            &format!("/api/v1/requests/{id}/accept"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, code(&error)),
        (StatusCode::CONFLICT, "request_expired"),
        "{error}"
    );
    let (_, listed) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
        )
        .await;
    assert_eq!(
        listed[0]["status"], "expired",
        "pending requests do not block anyone forever"
    );
    let (_, inbox) = app
        .get("/api/v1/me/notifications", Some(&investor.token))
        .await;
    assert_eq!(inbox["items"][0]["kind"], "request_expired");
    let (status, again) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": host}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "after expiry the pair may ask again: {again}"
    );
}

#[tokio::test]
async fn availability_across_daylight_saving_and_the_date_line_lands_on_the_right_slots() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    // A mission day in Tokyo, 09:00–13:00 JST, the day after New York moves to daylight time
    // (UTC−4) on the second Sunday of March.
    let dst = next_us_daylight_saving_start();
    let date = dst + Duration::days(1);
    let (eve, day) = (dst.to_string(), date.to_string());
    let mut body = forum_body(date);
    body["kind"] = json!("mission");
    body["venues"][0] = json!({
        "name": "Tokyo International Forum", "city": "Tokyo", "country": "JP",
        "time_zone": "Asia/Tokyo", "tables": 2, "rooms": 1,
        "days": [{"date": date, "opens": "09:00", "closes": "13:00"}]
    });
    body["registration_deadline"] = json!(format!("{eve}T17:00:00+09:00"));
    body["request_deadline"] = json!(format!("{day}T08:00:00+09:00"));
    let event = create_event(&app, &staff, body).await;
    let path = format!("/api/v1/events/{event}/participants");

    // 20:00–22:00 on the 14th in New York is 00:00–02:00 UTC, 09:00–11:00 in Tokyo: 4 slots.
    // (With the winter offset it would be 10:00–12:00.)
    let new_york = app.user(Role::Investor, None).await;
    let (status, p) = app
        .post(
            &path,
            Some(&new_york.token),
            json!({"investor_id": new_york.investor_id, "time_zone": "America/New_York",
            "availability": [{"from": format!("{eve}T20:00"), "to": format!("{eve}T22:00")}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(p["available_slots"], 4);
    assert_eq!(
        p["availability"][0]["from"],
        format!("{eve}T20:00:00-04:00")
    );
    // 02:30 on the day of the change does not exist in New York.
    let skipped = app.user(Role::Investor, None).await;
    let (status, error) = app
        .post(
            &path,
            Some(&skipped.token),
            json!({"investor_id": skipped.investor_id, "time_zone": "America/New_York",
            "availability": [{"from": format!("{eve}T02:30"), "to": format!("{eve}T23:00")}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");

    // Kiritimati (UTC+14) is five hours ahead of Tokyo: 15:00–16:00 there is 10:00–11:00 in
    // Tokyo on the same date; Pago Pago (UTC−11) is across the date line: 14:00–15:00 there,
    // the day before, is the same hour.
    for (zone, from, to) in [
        (
            "Pacific/Kiritimati",
            format!("{day}T15:00"),
            format!("{day}T16:00"),
        ),
        (
            "Pacific/Pago_Pago",
            format!("{eve}T14:00"),
            format!("{eve}T15:00"),
        ),
    ] {
        let investor = app.user(Role::Investor, None).await;
        let (status, p) = app
            .post(
                &path,
                Some(&investor.token),
                json!({"investor_id": investor.investor_id, "time_zone": zone,
                "availability": [{"from": from, "to": to}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{zone}: {p}");
        assert_eq!(p["available_slots"], 2, "{zone}");
    }
    let official = app.user(Role::Official, Some("73.73")).await;
    let host = register(
        &app,
        &official,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let guest = p["id"].as_str().unwrap();
    let (_, r) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
            json!({"investor": guest, "host": host}),
        )
        .await;
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{}/accept", r["id"].as_str().unwrap()),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let result = schedule(&app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 1, "{result}");
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(&new_york.token)).await;
    let m = &agenda["meetings"][0];
    assert!(
        m["your_time"]["starts_at"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{eve}T2")),
        "{m}"
    );
    assert!(
        m["your_time"]["starts_at"]
            .as_str()
            .unwrap()
            .ends_with("-04:00"),
        "{m}"
    );
    assert!(
        m["venue_time"]["starts_at"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{day}T09:")),
        "{m}"
    );
}

#[tokio::test]
async fn an_event_with_three_mistakes_is_refused_naming_all_three_and_nothing_is_stored() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = forum_body(in_days(30));
    body["slot_minutes"] = json!(5);
    body["venues"][0]["country"] = json!("Indonesia");
    body["venues"][0]["days"][0]["closes"] = json!("08:00");
    let (status, refused) = app.post("/api/v1/events", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        [
            "slot_minutes",
            "venues[0].country",
            "venues[0].days[0].closes"
        ],
        "the break is not judged against hours that are wrong"
    );
    let (_, events) = app.get("/api/v1/events", Some(&staff.token)).await;
    assert_eq!(events, json!([]), "nothing was stored");
}
