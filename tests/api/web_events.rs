//! Staff run events in the browser: the event list and creation form, an event's page with its
//! participant form, the scheduler's job page and the grid where meetings move.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::meetings::{create_event, forum_body, in_days, register, schedule};

/// The creation form filled for a one-day forum in Jakarta on `date`.
fn event_form(date: NaiveDate) -> Vec<(&'static str, String)> {
    let day_before = date - Duration::days(1);
    [
        ("name", "Makassar Smart City Forum".to_owned()),
        ("kind", "forum".into()),
        ("description", "One day of meetings.".into()),
        ("slot_minutes", "30".into()),
        ("travel_buffer_minutes", "30".into()),
        ("daily_cap", "4".into()),
        ("min_break_slots", "0".into()),
        ("registration_deadline", format!("{day_before}T17:00")),
        ("request_deadline", format!("{date}T08:00")),
        ("request_expiry_days", String::new()),
        ("venues[0].name", "Jakarta Convention Center".into()),
        ("venues[0].city", "Jakarta".into()),
        ("venues[0].country", "ID".into()),
        ("venues[0].time_zone", "Asia/Jakarta".into()),
        ("venues[0].tables", "2".into()),
        ("venues[0].rooms", "1".into()),
        ("venues[0].days[0].date", date.to_string()),
        ("venues[0].days[0].opens", "09:00".into()),
        ("venues[0].days[0].closes", "12:00".into()),
        ("venues[0].days[0].breaks[0].from", "10:30".into()),
        ("venues[0].days[0].breaks[0].to", "11:00".into()),
        ("venues[0].days[1].date", String::new()),
        ("venues[1].name", String::new()),
        ("venues[1].city", String::new()),
    ]
    .into_iter()
    .collect()
}

/// A form's fields as `submit` takes them.
fn fields<K: AsRef<str>>(form: &[(K, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect()
}

async fn events_of(app: &TestApp, staff: &TestUser) -> Vec<Value> {
    let (_, list) = app.get("/api/v1/events", Some(&staff.token)).await;
    list.as_array().unwrap().clone()
}

#[tokio::test]
async fn staff_create_an_event_through_the_form_and_see_it_in_both_languages() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let (status, id) = app.page_as("/events", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        id.contains("Buat acara") && id.contains("Belum ada acara"),
        "{id}"
    );
    assert!(
        id.contains(r#"href="/events">Acara</a>"#),
        "the nav link: {id}"
    );
    let (_, en) = app.page_as("/events", Some(&session), "en").await;
    assert!(
        en.contains("Create an event") && en.contains("Time zone"),
        "{en}"
    );

    let date = in_days(30);
    let response = app
        .submit("/events", &session, &fields(&event_form(date)))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let events = events_of(&app, &staff).await;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        location,
        format!("/events/{}", event["id"].as_str().unwrap())
    );
    assert_eq!(event["slots"], 5, "six half hours less the break: {event}");
    assert_eq!(
        event["registration_deadline"],
        format!("{}T10:00:00Z", date - Duration::days(1))
    );
    assert_eq!(event["venues"][0]["days"][0]["breaks"][0]["from"], "10:30");

    let (_, list) = app.page_as("/events", Some(&session), "en").await;
    assert!(
        list.contains("Makassar Smart City Forum") && list.contains("Jakarta Convention Center"),
        "{list}"
    );
    for (lang, word) in [("id", "Jalankan penjadwal"), ("en", "Run the scheduler")] {
        let (status, page) = app.page_as(&location, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(word), "{lang}: {page}");
        assert!(page.contains("Makassar Smart City Forum") && page.contains("Asia/Jakarta"));
        assert!(page.contains(&format!("{date} 09:00–12:00")), "{page}");
    }
}

#[tokio::test]
async fn a_bad_event_form_comes_back_with_its_input_kept_and_nothing_saved() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    app.page_as("/events", Some(&session), "id").await;
    let date = in_days(30);
    let mut form = event_form(date);
    for (name, value) in &mut form {
        if *name == "venues[0].days[0].closes" {
            *value = "08:00".into();
        }
    }
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"value="Makassar Smart City Forum""#),
        "{page}"
    );
    assert!(
        page.contains(r#"name="venues[0].days[0].closes" value="08:00""#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<span class="problem" id="venues[0].days[0].closes-problem">Isikan jam tutup seperti 17.00, setelah jam buka.</span>"#
        ) && page.contains(r##"<a href="#venues[0].days[0].closes">Tutup</a>"##),
        "{page}"
    );
    assert!(!page.contains("must be after opens"), "{page}");

    for (name, value) in &mut form {
        match *name {
            "venues[0].days[0].closes" => *value = "12:00".into(),
            "venues[0].tables" => *value = "many".into(),
            _ => {}
        }
    }
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"value="many""#), "{page}");
    assert!(
        page.contains("Isikan 0 sampai 2.000 meja"),
        "in the staff's language: {page}"
    );
    assert!(events_of(&app, &staff).await.is_empty(), "nothing saved");

    // A second venue in Tokyo whose only day is typed in its third row: a problem there is
    // shown on that row.
    let third_row = |field: &str| format!("venues[1].days[2].{field}");
    let mut form: Vec<(String, String)> = form
        .into_iter()
        .filter(|(name, _)| !name.starts_with("venues[1]"))
        .map(|(name, value)| {
            let value = if name == "venues[0].tables" {
                "2".into()
            } else {
                value
            };
            (name.to_owned(), value)
        })
        .collect();
    for (name, value) in [
        ("venues[1].name", "Tokyo International Forum"),
        ("venues[1].city", "Tokyo"),
        ("venues[1].country", "JP"),
        ("venues[1].time_zone", "Asia/Tokyo"),
        ("venues[1].tables", "3"),
        ("venues[1].rooms", "0"),
    ] {
        form.push((name.into(), value.into()));
    }
    form.push((third_row("date"), (date + Duration::days(1)).to_string()));
    form.push((third_row("opens"), "10:00".into()));
    form.push((third_row("closes"), "09:00".into()));
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"name="venues[1].days[2].closes" value="09:00" aria-invalid="true""#),
        "{page}"
    );
    form.last_mut().unwrap().1 = "12:00".into();
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let event = &events_of(&app, &staff).await[0];
    assert_eq!(event["venues"][1]["time_zone"], "Asia/Tokyo");
    assert_eq!(event["slots"], 5 + 4, "{event}");
    let (status, grid) = app
        .page_as(
            &format!("/events/{}/grid", event["id"].as_str().unwrap()),
            Some(&session),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        grid.contains(r#"class="venue">Tokyo International Forum</th>"#)
            && grid.contains("<th scope=\"col\">Table 3</th>")
            && grid.contains(" (Asia/Tokyo)</th>")
            && grid.contains("Your time (Asia/Jakarta)"),
        "{grid}"
    );
}

#[tokio::test]
async fn only_staff_see_and_run_events() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    for path in [
        "/events".to_owned(),
        format!("/events/{event}"),
        format!("/events/{event}/grid"),
    ] {
        let (status, _) = app.page_as(&path, None, "en").await;
        assert_eq!(status, StatusCode::OK, "{path}: sent to the sign-in page");
        for who in [&investor, &official] {
            let session = app.page_session(&who.email).await;
            let (status, page) = app.page_as(&path, Some(&session), "en").await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(page.contains("programme staff"), "{page}");
        }
    }
    let session = app.page_session(&official.email).await;
    let response = app
        .submit("/events", &session, &fields(&event_form(in_days(30))))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .submit(
            &format!("/events/{event}/schedule"),
            &session,
            &[("mode", "full")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let anonymous = crate::helpers::no_redirects()
        .get(app.url("/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/sign-in");
    assert_eq!(events_of(&app, &staff).await.len(), 1, "nothing created");
}

#[tokio::test]
async fn staff_add_participants_through_the_event_page() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let date = in_days(30);
    let event = create_event(&app, &staff, forum_body(date)).await;
    let session = app.page_session(&staff.email).await;
    let path = format!("/events/{event}/participants");
    let investor_choice = format!("investor:{}", investor.investor_id.clone().unwrap());

    let response = app
        .submit(
            &path,
            &session,
            &[("who", &investor_choice), ("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"value="Mars/Olympus""#)
            && page.contains("“Mars/Olympus” is not a time zone")
    );

    let from = format!("{date}T11:00");
    let to = format!("{date}T13:00");
    let response = app
        .submit(
            &path,
            &session,
            &[
                ("who", &investor_choice),
                ("time_zone", "Asia/Tokyo"),
                ("daily_cap", "3"),
                ("from", &from),
                ("to", &to),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .submit(
            &path,
            &session,
            &[("who", "region:73.73"), ("time_zone", "Asia/Makassar")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .submit(
            &path,
            &session,
            &[("who", "region:73.73"), ("time_zone", "Asia/Makassar")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "registered already"
    );

    let (_, participants) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(participants.as_array().unwrap().len(), 2, "{participants}");
    let guest = participants
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "investor")
        .unwrap();
    assert_eq!(guest["daily_cap"], 3);
    assert_eq!(
        guest["availability"][0]["from"],
        format!("{date}T09:00:00+07:00")
    );

    let host = participants
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "region")
        .unwrap();
    let pair = [
        ("investor", guest["id"].as_str().unwrap()),
        ("host", host["id"].as_str().unwrap()),
        ("message", "Solar for Palopo"),
    ];
    let official = app.user(Role::Official, Some("73.09")).await;
    let outsider = app.page_session(&official.email).await;
    let response = app
        .submit(&format!("/events/{event}/requests"), &outsider, &pair)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .submit(&format!("/events/{event}/requests"), &session, &pair)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app
        .submit(
            &format!("/events/{event}/introductions"),
            &session,
            &[("per_investor", "3"), ("min_score", "0")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(
        requests.as_array().unwrap().len(),
        1,
        "one pair, asked once: {requests}"
    );
    assert_eq!(requests[0]["origin"], "staff");
    assert_eq!(requests[0]["message"], "Solar for Palopo");

    for (lang, word) in [
        ("id", "Perkenalan oleh staf"),
        ("en", "Introduction by staff"),
    ] {
        let (status, page) = app
            .page_as(&format!("/events/{event}"), Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains(word) && page.contains("Kota Palopo"),
            "{page}"
        );
        assert!(
            page.contains(&format!("{date} 09:00 – 11:00 (Asia/Jakarta)")),
            "{page}"
        );
        let kind = if lang == "id" { "Daerah" } else { "Region" };
        assert!(page.contains(&format!("<td>{kind}</td>")), "{page}");
    }
}

/// An event with two accepted requests: the investor in Tokyo with Palopo (free 09:00–11:00
/// Jakarta time), and a second investor with Maros, who share no free slot.
pub async fn event_with_accepted_requests(app: &TestApp, staff: &TestUser) -> (String, NaiveDate) {
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let investor = app.user(Role::Investor, None).await;
    let late = app.user(Role::Investor, None).await;
    let date = in_days(30);
    let event = create_event(app, staff, forum_body(date)).await;
    let region = register(
        app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let early_region = register(
        app,
        &maros,
        &event,
        json!({"region_code": "73.09", "time_zone": "Asia/Jakarta",
               "availability": [{"from": format!("{date}T09:00"), "to": format!("{date}T09:30")}]}),
    )
    .await;
    let guest = register(
        app,
        &investor,
        &event,
        json!({"investor_id": investor.investor_id, "time_zone": "Asia/Tokyo",
               "availability": [{"from": format!("{date}T11:00"), "to": format!("{date}T13:00")}]}),
    )
    .await;
    let late_guest = register(
        app,
        &late,
        &event,
        json!({"investor_id": late.investor_id, "time_zone": "Asia/Jakarta",
               "availability": [{"from": format!("{date}T11:00"), "to": format!("{date}T12:00")}]}),
    )
    .await;
    for (asker, host_official, investor_id, host) in [
        (&investor, &palopo, &guest, &region),
        (&late, &maros, &late_guest, &early_region),
    ] {
        let (status, asked) = app
            .post(
                &format!("/api/v1/events/{event}/requests"),
                Some(&asker.token),
                json!({"investor": investor_id, "host": host}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        let (status, accepted) = app
            .post(
                &format!("/api/v1/requests/{}/accept", asked["id"].as_str().unwrap()),
                Some(&host_official.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{accepted}");
    }
    (event, date)
}

/// Starts the scheduler from the event page; gives back the address of its job's page.
async fn started_run(app: &TestApp, session: &str, event: &str) -> String {
    let response = app
        .submit(
            &format!("/events/{event}/schedule"),
            session,
            &[("mode", "keep")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let job = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(job.starts_with(&format!("/events/{event}/jobs/")), "{job}");
    job
}

/// Follows the job page until it stops refreshing itself; gives back its last HTML.
async fn finished_job_page(app: &TestApp, session: &str, path: &str, lang: &str) -> String {
    for _ in 0..600 {
        let (status, page) = app.page_as(path, Some(session), lang).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        if !page.contains(r#"http-equiv="refresh""#) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the scheduling job did not finish in 30 s");
}

/// The one meeting of the grid (from the API) and its venue.
async fn the_meeting(app: &TestApp, staff: &TestUser, event: &str) -> Value {
    let (_, grid) = app
        .get(
            &format!("/api/v1/events/{event}/meetings"),
            Some(&staff.token),
        )
        .await;
    let meetings: Vec<Value> = grid["slots"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["meetings"].as_array().unwrap().clone())
        .collect();
    assert_eq!(meetings.len(), 1, "{grid}");
    let (_, meeting) = app
        .get(
            &format!(
                "/api/v1/meetings/{}",
                meetings[0]["meeting_id"].as_str().unwrap()
            ),
            Some(&staff.token),
        )
        .await;
    meeting
}

#[tokio::test]
async fn staff_run_the_scheduler_and_move_meetings_on_the_grid() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (event, date) = event_with_accepted_requests(&app, &staff).await;
    let session = app.page_session(&staff.email).await;
    let (_, before) = app
        .page_as(&format!("/events/{event}/grid"), Some(&session), "en")
        .await;
    assert!(
        before.contains("Not scheduled yet: run the scheduler."),
        "{before}"
    );

    let job = started_run(&app, &session, &event).await;
    let done = finished_job_page(&app, &session, &job, "en").await;
    assert!(
        done.contains("Finished") && done.contains("Meetings placed"),
        "{done}"
    );
    assert!(
        done.contains(&format!(r#"href="/events/{event}/grid""#)),
        "{done}"
    );
    let (_, event_page) = app
        .page_as(&format!("/events/{event}"), Some(&session), "en")
        .await;
    assert!(
        event_page.contains(&format!(r#"href="{job}">The last scheduling run"#)),
        "{event_page}"
    );
    let selesai = finished_job_page(&app, &session, &job, "id").await;
    assert!(selesai.contains("Selesai") && selesai.contains("Pertemuan yang ditempatkan"));

    let grid_path = format!("/events/{event}/grid");
    for (lang, words) in [
        (
            "en",
            [
                "Time at the venue",
                "Scheduled",
                "The two sides have no free slot in common.",
            ],
        ),
        (
            "id",
            [
                "Waktu di tempat",
                "Dijadwalkan",
                "Kedua pihak tidak memiliki slot kosong yang sama.",
            ],
        ),
    ] {
        let (status, page) = app.page_as(&grid_path, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        for word in words {
            assert!(page.contains(word), "{lang} {word}: {page}");
        }
        assert!(page.contains("↔ Kota Palopo"), "{page}");
        // The grid scrolls inside a labelled region that the keyboard can reach.
        assert!(
            page.contains(r#"<div class="scroll" role="region" aria-label=""#)
                && page.contains("tabindex=\"0\">\n<table class=\"grid\">"),
            "{page}"
        );
        assert!(page.contains(&format!("{date} ")), "{page}");
    }
    let (_, tokyo) = app
        .page_as(&format!("{grid_path}?tz=Asia/Tokyo"), Some(&session), "en")
        .await;
    assert!(tokyo.contains("Your time (Asia/Tokyo)"), "{tokyo}");

    // A move the validator accepts: the other table in the same slot.
    let meeting = the_meeting(&app, &staff, &event).await;
    let id = meeting["id"].as_str().unwrap();
    let venue = meeting["venue"]["id"].as_str().unwrap();
    let slot = meeting["starts_at"].as_str().unwrap()[..16].to_owned();
    let seat = 3 - meeting["seat"].as_i64().unwrap();
    let place = format!("{venue}:{seat}");
    let path = format!("/events/{event}/meetings/{id}");
    let response = app
        .submit(
            &path,
            &session,
            &[("action", "move"), ("slot", &slot), ("place", &place)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let moved = the_meeting(&app, &staff, &event).await;
    assert_eq!(moved["seat"], seat);
    assert_eq!(moved["sequence"], meeting["sequence"].as_i64().unwrap() + 1);

    // A move it refuses: 11:30 in Jakarta, after the investor's window.
    let late = format!("{date}T04:30");
    let response = app
        .submit(
            &path,
            &session,
            &[("action", "move"), ("slot", &late), ("place", &place)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains("This meeting cannot go there"), "{page}");
    let refusal = refusal_of(&page);
    assert!(
        refusal.contains(&format!(
            "Test Capital is not available at 11:30 on {date} (Asia/Jakarta)."
        )) && !refusal.contains(id)
            && !refusal.contains("slot"),
        "named, and at the venue's time: {refusal}"
    );
    let kept = the_meeting(&app, &staff, &event).await;
    assert_eq!(kept["starts_at"], moved["starts_at"], "nothing changed");

    // Confirming keeps it through later runs.
    let response = app.submit(&path, &session, &[("action", "confirm")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        the_meeting(&app, &staff, &event).await["status"],
        "confirmed"
    );
    let (_, page) = app.page_as(&grid_path, Some(&session), "en").await;
    assert!(page.contains("Confirmed"), "{page}");
}

#[tokio::test]
async fn staff_create_a_delegation_through_the_form() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&staff.email).await;
    let (status, id) = app.page_as("/delegations", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        id.contains("Buat delegasi") && id.contains("Belum ada delegasi"),
        "{id}"
    );
    let (_, en) = app.page_as("/delegations", Some(&session), "en").await;
    assert!(en.contains("Create a delegation"), "{en}");

    let (from, to) = (in_days(40).to_string(), in_days(42).to_string());
    let mut form = vec![
        ("name", "Luwu Raya mission".to_owned()),
        ("regions", "73.73, 73.22".into()),
        ("members", "nobody@example.org".into()),
        ("travel_buffer_minutes", "30".into()),
        ("legs[0].city", String::new()),
        ("legs[1].city", "Tokyo".into()),
        ("legs[1].country", "jp".into()),
        ("legs[1].time_zone", "Asia/Tokyo".into()),
        ("legs[1].from", to.clone()),
        ("legs[1].to", from.clone()),
    ];
    let response = app.submit("/delegations", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Give the e-mail addresses of officials with an account"),
        "{page}"
    );
    assert!(page.contains(r#"value="Luwu Raya mission""#), "{page}");

    form[2].1 = palopo.email.clone();
    let response = app.submit("/delegations", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(
            r#"name="legs[1].to" value="{from}" aria-invalid="true""#
        )),
        "the problem on the row typed: {page}"
    );
    let (_, none) = app.get("/api/v1/delegations", Some(&staff.token)).await;
    assert_eq!(none, json!([]), "nothing saved");

    form[8].1 = from.clone();
    form[9].1 = to.clone();
    let response = app.submit("/delegations", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, list) = app.get("/api/v1/delegations", Some(&staff.token)).await;
    let made = &list[0];
    assert_eq!(
        location,
        format!("/delegations/{}", made["id"].as_str().unwrap())
    );
    assert_eq!(made["regions"], json!(["73.22", "73.73"]));
    assert_eq!(made["members"], json!([palopo.id]));
    assert_eq!(made["legs"][0]["country"], "JP");

    for (lang, word, place) in [
        ("id", "Rencana perjalanan", "Tokyo, Jepang"),
        ("en", "Itinerary", "Tokyo, Japan"),
    ] {
        let (status, page) = app.page_as(&location, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(word) && page.contains(place), "{page}");
        assert!(
            page.contains(&palopo.email) && page.contains("Kota Palopo (73.73)"),
            "{page}"
        );
    }
    let (_, listed) = app.page_as("/delegations", Some(&session), "en").await;
    assert!(listed.contains("Luwu Raya mission"), "{listed}");
    let official = app.page_session(&palopo.email).await;
    for path in ["/delegations", location.as_str()] {
        let (status, _) = app.page_as(path, Some(&official), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_demo_events_and_delegations_render_on_every_staff_page() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (db, state) = (app.state.db.clone(), app.state.clone());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        let catalogue = sepadan::reference::Catalogue::read(&mut conn).unwrap();
        sepadan::seed::demo(
            &mut conn,
            &catalogue,
            &state.matchmaker,
            &state.settings.meetings,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let session = app.page_session(&staff.email).await;
    let events = events_of(&app, &staff).await;
    let (_, delegations) = app.get("/api/v1/delegations", Some(&staff.token)).await;
    assert!(!events.is_empty() && delegations.as_array().is_some_and(|d| !d.is_empty()));
    let mut paths = vec!["/events".to_owned(), "/delegations".to_owned()];
    for event in &events {
        let id = event["id"].as_str().unwrap();
        paths.push(format!("/events/{id}"));
        paths.push(format!("/events/{id}/grid"));
    }
    for d in delegations.as_array().unwrap() {
        paths.push(format!("/delegations/{}", d["id"].as_str().unwrap()));
    }
    for lang in ["id", "en"] {
        for path in &paths {
            let (status, page) = app.page_as(path, Some(&session), lang).await;
            assert_eq!(status, StatusCode::OK, "{path} in {lang}: {page}");
            assert!(page.contains(&format!(r#"<html lang="{lang}">"#)));
        }
    }
}

/// The refusal shown on the grid by a meeting's forms.
fn refusal_of(page: &str) -> &str {
    page.split(r#"class="problem refusal""#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_else(|| panic!("no refusal: {page}"))
}

/// Kota Palopo and two investors free all day, each investor with an accepted request to meet
/// Palopo and a meeting placed by the scheduler.
struct TwoMeetings {
    event: String,
    date: NaiveDate,
    palopo: TestUser,
    investor: TestUser,
    /// Palopo's participant id.
    region: String,
    /// The meetings (API views), the first investor's first.
    meetings: [Value; 2],
}

async fn two_meetings_with_palopo(app: &TestApp, staff: &TestUser) -> TwoMeetings {
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let other = app.user(Role::Investor, None).await;
    let date = in_days(30);
    let event = create_event(app, staff, forum_body(date)).await;
    let region = register(
        app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let mut ids = Vec::new();
    for asker in [&investor, &other] {
        let guest = register(
            app,
            asker,
            &event,
            json!({"investor_id": asker.investor_id, "time_zone": "Asia/Jakarta"}),
        )
        .await;
        let (status, asked) = app
            .post(
                &format!("/api/v1/events/{event}/requests"),
                Some(&asker.token),
                json!({"investor": guest, "host": region}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        let request = asked["id"].as_str().unwrap().to_owned();
        let (status, accepted) = app
            .post(
                &format!("/api/v1/requests/{request}/accept"),
                Some(&palopo.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{accepted}");
        ids.push(request);
    }
    let result = schedule(app, staff, &event, json!({})).await;
    assert_eq!(result["placed"], 2, "{result}");
    let (_, grid) = app
        .get(
            &format!("/api/v1/events/{event}/meetings"),
            Some(&staff.token),
        )
        .await;
    let mut meetings = Vec::new();
    for request in &ids {
        let placed = grid["slots"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["meetings"].as_array().unwrap().clone())
            .find(|m| m["request_id"] == request.as_str())
            .unwrap_or_else(|| panic!("{grid}"));
        let (_, meeting) = app
            .get(
                &format!(
                    "/api/v1/meetings/{}",
                    placed["meeting_id"].as_str().unwrap()
                ),
                Some(&staff.token),
            )
            .await;
        meetings.push(meeting);
    }
    let [first, second] = <[Value; 2]>::try_from(meetings).unwrap();
    TwoMeetings {
        event,
        date,
        palopo,
        investor,
        region,
        meetings: [first, second],
    }
}

#[tokio::test]
async fn a_refused_move_names_the_party_and_the_venue_time_in_the_page_language() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let setup = two_meetings_with_palopo(&app, &staff).await;
    let session = app.page_session(&staff.email).await;
    let [first, second] = &setup.meetings;
    let id = first["id"].as_str().unwrap();
    // The first meeting into the second's slot, at the other table: Palopo would meet twice.
    let taken = second["starts_at"].as_str().unwrap();
    let slot = chrono::DateTime::parse_from_rfc3339(taken)
        .unwrap()
        .naive_utc()
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let local = &second["venue_time"]["starts_at"].as_str().unwrap()[11..16];
    let place = format!(
        "{}:{}",
        second["venue"]["id"].as_str().unwrap(),
        3 - second["seat"].as_i64().unwrap()
    );
    let path = format!("/events/{}/meetings/{id}", setup.event);
    let date = setup.date;
    for (lang, lead, sentence) in [
        (
            "id",
            "Pertemuan ini tidak dapat ditempatkan di sana.",
            format!(
                "Kota Palopo sudah memiliki pertemuan pukul {} tanggal {date} (Asia/Jakarta).",
                local.replace(':', ".")
            ),
        ),
        (
            "en",
            "This meeting cannot go there.",
            format!("Kota Palopo already has a meeting at {local} on {date} (Asia/Jakarta)."),
        ),
    ] {
        let cookie = format!("{session}; lang={lang}");
        app.page_as("/", Some(&session), lang).await;
        let response = app
            .submit(
                &path,
                &cookie,
                &[("action", "move"), ("slot", &slot), ("place", &place)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.unwrap();
        let refusal = refusal_of(&page);
        assert!(
            refusal.contains(lead) && refusal.contains(&sentence),
            "{lang}: {refusal}"
        );
        for english in ["has two meetings", "slot ", "does not fit", "request "] {
            assert!(!refusal.contains(english), "{lang} {english}: {refusal}");
        }
    }
    // The API refuses the same move as before, in its own English words.
    let (status, refused) = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/meetings/{id}"),
            Some(&staff.token),
            Some(
                json!({"starts_at": second["venue_time"]["starts_at"].as_str().unwrap()[..16],
                        "seat": 3 - second["seat"].as_i64().unwrap()}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(crate::helpers::code(&refused), "meeting_does_not_fit");
    assert!(
        refused.to_string().contains(&format!(
            "the meeting does not fit there: {} has two meetings in slot",
            setup.region
        )),
        "{refused}"
    );
    let (_, kept) = app
        .get(&format!("/api/v1/meetings/{id}"), Some(&staff.token))
        .await;
    assert_eq!(kept["starts_at"], first["starts_at"], "nothing moved");
}

#[tokio::test]
async fn staff_cancel_a_meeting_from_the_grid_once_they_tick_the_box() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let setup = two_meetings_with_palopo(&app, &staff).await;
    let session = app.page_session(&staff.email).await;
    let event = &setup.event;
    let id = setup.meetings[0]["id"].as_str().unwrap();
    let grid_path = format!("/events/{event}/grid");
    for (lang, words) in [
        ("id", ["Batalkan pertemuan", "Ya, batalkan pertemuan ini"]),
        ("en", ["Cancel the meeting", "Yes, cancel this meeting"]),
    ] {
        let (_, page) = app.page_as(&grid_path, Some(&session), lang).await;
        for word in words {
            assert!(page.contains(word), "{lang} {word}: {page}");
        }
        assert!(
            page.contains(&format!(r#"action="/events/{event}/meetings/{id}/cancel""#)),
            "{page}"
        );
    }
    let path = format!("/events/{event}/meetings/{id}/cancel");
    let (_, before) = app
        .get("/api/v1/me/notifications", Some(&setup.palopo.token))
        .await;
    let cancelled_count = |inbox: &Value| {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "meeting_cancelled")
            .count()
    };

    // Without the tick nothing happens, and the grid says why in the page's language.
    for (lang, why) in [
        ("id", "Centang kotak untuk mengonfirmasi pembatalan."),
        ("en", "Tick the box to confirm the cancellation."),
    ] {
        app.page_as("/", Some(&session), lang).await;
        let response = app.submit(&path, &session, &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(refusal_of(&page).contains(why), "{lang}: {page}");
    }
    let (_, meeting) = app
        .get(&format!("/api/v1/meetings/{id}"), Some(&staff.token))
        .await;
    assert_eq!(meeting["status"], "scheduled", "{meeting}");

    let response = app.submit(&path, &session, &[("sure", "on")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, meeting) = app
        .get(&format!("/api/v1/meetings/{id}"), Some(&staff.token))
        .await;
    assert_eq!(meeting["status"], "cancelled", "{meeting}");
    for lang in ["id", "en"] {
        let (status, page) = app.page_as(&grid_path, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(&format!("meeting-{id}")), "gone: {page}");
        let other = setup.meetings[1]["id"].as_str().unwrap();
        assert!(page.contains(&format!("meeting-{other}")), "{page}");
    }
    let (_, after) = app
        .get("/api/v1/me/notifications", Some(&setup.palopo.token))
        .await;
    assert_eq!(
        cancelled_count(&after),
        cancelled_count(&before) + 1,
        "{after}"
    );
    let (_, inbox) = app
        .get("/api/v1/me/notifications", Some(&setup.investor.token))
        .await;
    assert_eq!(cancelled_count(&inbox), 1, "{inbox}");

    // Cancelling twice, or a meeting of another event, is refused.
    let response = app.submit(&path, &session, &[("sure", "on")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let other_event = create_event(&app, &staff, forum_body(in_days(40))).await;
    let other = setup.meetings[1]["id"].as_str().unwrap();
    let response = app
        .submit(
            &format!("/events/{other_event}/meetings/{other}/cancel"),
            &session,
            &[("sure", "on")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let official = app.page_session(&setup.palopo.email).await;
    let response = app
        .submit(
            &format!("/events/{event}/meetings/{other}/cancel"),
            &official,
            &[("sure", "on")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (_, meeting) = app
        .get(&format!("/api/v1/meetings/{other}"), Some(&staff.token))
        .await;
    assert_eq!(meeting["status"], "scheduled", "{meeting}");
}

/// Palopo as the event's participant list shows it to staff.
async fn palopo_as_listed(app: &TestApp, staff: &TestUser, setup: &TwoMeetings) -> Value {
    let (_, list) = app
        .get(
            &format!("/api/v1/events/{}/participants", setup.event),
            Some(&staff.token),
        )
        .await;
    let items = list
        .get("items")
        .unwrap_or(&list)
        .as_array()
        .unwrap()
        .clone();
    items
        .into_iter()
        .find(|p| p["id"] == setup.region.as_str())
        .unwrap_or_else(|| panic!("{list}"))
}

#[tokio::test]
async fn staff_change_a_participant_from_the_event_page() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let setup = two_meetings_with_palopo(&app, &staff).await;
    let session = app.page_session(&staff.email).await;
    let (event, region, date) = (&setup.event, &setup.region, setup.date);
    let path = format!("/events/{event}/participants/{region}");
    let (_, event_page) = app
        .page_as(&format!("/events/{event}"), Some(&session), "id")
        .await;
    assert!(
        event_page.contains(&format!(
            r#"href="{path}">Ubah<span class="visually-hidden">: Kota Palopo</span></a>"#
        )),
        "{event_page}"
    );
    for (lang, words) in [
        ("id", ["Pengaturan peserta", "Rentang ketersediaan 1"]),
        ("en", ["Participant settings", "Availability window 1"]),
    ] {
        let (status, page) = app.page_as(&path, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for word in words {
            assert!(page.contains(word), "{lang} {word}: {page}");
        }
        assert!(
            page.contains("Kota Palopo") && page.contains(r#"value="Asia/Makassar""#),
            "{page}"
        );
    }

    // Bad input comes back with what was typed, and nothing changes.
    let before = palopo_as_listed(&app, &staff, &setup).await;
    let from = format!("{date}T11:00");
    let to = format!("{date}T10:00");
    let reversed = |cap| {
        vec![
            ("time_zone", "Asia/Jayapura"),
            ("daily_cap", cap),
            ("availability[0].from", from.as_str()),
            ("availability[0].to", to.as_str()),
        ]
    };
    for (lang, fields, word) in [
        ("id", reversed("tiga"), "Mohon perbaiki"),
        (
            "id",
            reversed("3"),
            "Rentang harus berakhir setelah waktu mulainya.",
        ),
        ("en", reversed("3"), "The window must end after it starts."),
        (
            "id",
            vec![("time_zone", "Mars/Olympus"), ("daily_cap", "3")],
            "“Mars/Olympus” bukan zona waktu",
        ),
        (
            "en",
            vec![("time_zone", "Asia/Jakarta"), ("daily_cap", "99")],
            "Give a number of meetings from 1 to 48.",
        ),
    ] {
        app.page_as("/", Some(&session), lang).await;
        let response = app.submit(&path, &session, &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(word), "{lang} {word}: {page}");
        assert!(page.contains(r#"aria-invalid="true""#), "{page}");
        for (name, value) in fields {
            assert!(
                page.contains(&format!(r#"name="{name}" value="{value}""#)),
                "{name} kept: {page}"
            );
        }
        assert_eq!(palopo_as_listed(&app, &staff, &setup).await, before);
    }

    // Good input is saved with the API's rules.
    let from = format!("{date}T10:00");
    let to = format!("{date}T13:00");
    let response = app
        .submit(
            &path,
            &session,
            &[
                ("time_zone", "Asia/Makassar"),
                ("daily_cap", "3"),
                ("availability[0].from", &from),
                ("availability[0].to", &to),
                ("availability[1].from", ""),
                ("availability[1].to", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/events/{event}#participants").as_str()
    );
    let saved = palopo_as_listed(&app, &staff, &setup).await;
    assert_eq!(saved["daily_cap"], 3, "{saved}");
    assert_eq!(saved["time_zone"], "Asia/Makassar");
    assert_eq!(
        saved["availability"].as_array().unwrap().len(),
        1,
        "{saved}"
    );
    let (_, page) = app.page_as(&path, Some(&session), "en").await;
    assert!(
        page.contains(&format!(r#"value="{from}""#)) && page.contains(r#"value="3""#),
        "shown as stored, in Palopo's own zone: {page}"
    );

    // Only staff change participants here.
    let official = app.page_session(&setup.palopo.email).await;
    let (status, _) = app.page_as(&path, Some(&official), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = app.submit(&path, &official, &[("time_zone", "UTC")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(palopo_as_listed(&app, &staff, &setup).await, saved);
}

#[tokio::test]
async fn the_grid_script_is_served_under_its_content_address_and_the_grid_works_without_it() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let setup = two_meetings_with_palopo(&app, &staff).await;
    let session = app.page_session(&staff.email).await;
    let (_, page) = app
        .page_as(
            &format!("/events/{}/grid", setup.event),
            Some(&session),
            "en",
        )
        .await;
    let src = page
        .split(r#"<script src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{page}"));
    assert!(
        src.starts_with("/static/js/grid.") && src.ends_with(".js"),
        "{src}"
    );
    let response = reqwest::get(app.url(src)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(response.text().await.unwrap().contains("form.submit()"));
    let stale = reqwest::get(app.url("/static/js/grid.0000000000.js"))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    // Without the script every meeting still has its forms, and no cell is draggable.
    let id = setup.meetings[0]["id"].as_str().unwrap();
    assert!(
        page.contains(&format!(r#"data-meeting="{id}""#))
            && page.contains(r#"class="filters move""#)
            && !page.contains("draggable"),
        "{page}"
    );
}

/// English sentences of the rules that must never reach a page in Indonesian.
const ENGLISH_RULES: [&str; 9] = [
    "must be",
    "is not a",
    "registered already",
    "give exactly one",
    "has no account",
    "not an official",
    "is in the past",
    "Please correct",
    "the run failed",
];

/// Sends a form in a language and gives back the page refusing it with `status`, which says
/// `said` and, in Indonesian, none of the rules' English.
async fn refused(
    app: &TestApp,
    session: &str,
    (lang, path, fields): (&str, &str, &[(&str, &str)]),
    status: StatusCode,
    said: &str,
) -> String {
    app.page_as("/", Some(session), lang).await;
    let response = app.submit(path, session, fields).await;
    assert_eq!(response.status(), status, "{lang} {said}");
    let page = response.text().await.unwrap();
    assert!(page.contains(said), "{lang}: {page}");
    if lang == "id" {
        for words in ENGLISH_RULES {
            assert!(
                !page.contains(words),
                "“{words}” on an Indonesian page: {page}"
            );
        }
    }
    page
}

#[tokio::test]
async fn an_event_form_with_three_mistakes_shows_all_three_at_their_fields_with_the_input_kept() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    app.page_as("/events", Some(&session), "en").await;
    let mut form = event_form(in_days(30));
    for (name, value) in &mut form {
        match *name {
            "slot_minutes" => *value = "5".into(),
            "venues[0].country" => *value = "Indonesia".into(),
            "venues[0].days[0].closes" => *value = "08:00".into(),
            _ => {}
        }
    }
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"<div class="problem" role="alert" tabindex="-1" autofocus>"#),
        "the summary takes focus: {page}"
    );
    for (field, label, said) in [
        (
            "slot_minutes",
            "Slot length (minutes)",
            "Enter the length of a meeting slot in minutes, from 10 to 240.",
        ),
        (
            "venues[0].country",
            "Country (two-letter code)",
            "Use a two-letter country code such as ID, JP or SG.",
        ),
        (
            "venues[0].days[0].closes",
            "Closes",
            "Enter a closing time such as 17:00, after the opening time.",
        ),
    ] {
        assert!(
            page.contains(&format!(r##"<a href="#{field}">{label}</a>"##)),
            "{field} is listed: {page}"
        );
        assert!(
            page.contains(&format!(
                r#"<span class="problem" id="{field}-problem">{said}</span>"#
            )),
            "{field} has its message at the field: {page}"
        );
        assert!(
            page.contains(&format!(
                r#"aria-invalid="true" aria-describedby="{field}-problem""#
            )),
            "{field} is marked: {page}"
        );
    }
    assert!(
        page.contains(r#"name="venues[0].country" value="Indonesia""#)
            && page.contains(r#"value="Makassar Smart City Forum""#),
        "the input is kept: {page}"
    );

    // Fields the page cannot read are all named too.
    for (name, value) in &mut form {
        match *name {
            "venues[0].tables" => *value = "many".into(),
            "request_deadline" => *value = "later".into(),
            _ => {}
        }
    }
    let response = app.submit("/events", &session, &fields(&form)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for (field, said) in [
        (
            "request_deadline",
            "Enter a date and time no later than the event&#39;s last meeting slot.",
        ),
        (
            "venues[0].tables",
            "Enter from 0 to 2,000 tables; a venue needs at least one table or room.",
        ),
    ] {
        assert!(
            page.contains(&format!(
                r#"<span class="problem" id="{field}-problem">{said}</span>"#
            )),
            "{field}: {page}"
        );
    }
    assert!(events_of(&app, &staff).await.is_empty(), "nothing saved");
}

#[tokio::test]
async fn the_event_form_says_what_each_field_needs_in_the_page_language() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let mut form = event_form(in_days(30));
    for (name, value) in &mut form {
        match *name {
            "slot_minutes" => *value = "5".into(),
            "venues[0].country" => *value = "Indonesia".into(),
            _ => {}
        }
    }
    for (lang, said) in [
        (
            "id",
            "Isikan lama satu slot pertemuan dalam menit, dari 10 sampai 240.",
        ),
        (
            "en",
            "Enter the length of a meeting slot in minutes, from 10 to 240.",
        ),
    ] {
        let typed = fields(&form);
        let sent = (lang, "/events", typed.as_slice());
        let page = refused(&app, &session, sent, StatusCode::UNPROCESSABLE_ENTITY, said).await;
        assert!(
            page.contains(r#"name="slot_minutes" value="5" required aria-invalid="true""#),
            "{lang}: {page}"
        );
        assert!(
            page.contains(r#"value="Makassar Smart City Forum""#),
            "{page}"
        );
    }
    assert!(events_of(&app, &staff).await.is_empty(), "nothing saved");

    // With the slot fixed, the venue's country is still refused; then its break, whose problem
    // is shown on its start.
    for (fixed, wrong, said, marked) in [
        (
            ("slot_minutes", "30"),
            ("venues[0].country", "Indonesia"),
            "Gunakan kode negara dua huruf",
            r#"name="venues[0].country" value="Indonesia" required aria-invalid="true""#,
        ),
        (
            ("venues[0].country", "ID"),
            ("venues[0].days[0].breaks[0].to", "12:30"),
            "Isikan awal dan akhir istirahat seperti 12.00 dan 13.00, di dalam jam buka.",
            r#"name="venues[0].days[0].breaks[0].from" value="10:30" aria-invalid="true""#,
        ),
    ] {
        for (name, value) in &mut form {
            for (field, typed) in [fixed, wrong] {
                if *name == field {
                    *value = typed.into();
                }
            }
        }
        let typed = fields(&form);
        let sent = ("id", "/events", typed.as_slice());
        let page = refused(&app, &session, sent, StatusCode::UNPROCESSABLE_ENTITY, said).await;
        assert!(page.contains(marked), "{page}");
        assert!(events_of(&app, &staff).await.is_empty(), "nothing saved");
    }
}

#[tokio::test]
async fn the_participant_form_says_who_may_not_be_registered_in_the_page_language() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let session = app.page_session(&staff.email).await;
    let path = format!("/events/{event}/participants");
    let palopo = [("who", "region:73.73"), ("time_zone", "Asia/Makassar")];
    let response = app.submit(&path, &session, &palopo).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let participants = || async {
        let (_, list) = app
            .get(
                &format!("/api/v1/events/{event}/participants"),
                Some(&staff.token),
            )
            .await;
        list.as_array().unwrap().len()
    };

    for (lang, status, fields, said) in [
        (
            "id",
            StatusCode::CONFLICT,
            palopo.to_vec(),
            "Peserta ini sudah terdaftar",
        ),
        (
            "en",
            StatusCode::CONFLICT,
            palopo.to_vec(),
            "This participant is already registered for the event.",
        ),
        (
            "id",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("who", "region:99.99"), ("time_zone", "Asia/Makassar")],
            "Pilih investor, daerah, atau delegasi yang belum terdaftar.",
        ),
        (
            "en",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("who", "region:99.99"), ("time_zone", "Asia/Makassar")],
            "Choose an investor, a region or a delegation that is not registered yet.",
        ),
    ] {
        let page = refused(&app, &session, (lang, &path, &fields), status, said).await;
        assert!(
            page.contains(
                r#"<select id="who" name="who" aria-invalid="true" aria-describedby="who-problem">"#
            ),
            "{page}"
        );
        assert!(page.contains(r#"value="Asia/Makassar""#), "kept: {page}");
        assert_eq!(participants().await, 1, "nothing stored");
    }
}

#[tokio::test]
async fn the_delegation_form_says_what_each_field_needs_in_the_page_language() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let form = |members: &str, regions: &str| {
        vec![
            ("name", "Luwu Raya mission".to_owned()),
            ("regions", regions.to_owned()),
            ("members", members.to_owned()),
            ("travel_buffer_minutes", "30".into()),
        ]
    };
    for (lang, typed, field, said) in [
        (
            "id",
            form("nobody@example.org", "73.73"),
            "members",
            "Berikan alamat surel pejabat yang memiliki akun",
        ),
        (
            "en",
            form("nobody@example.org", "73.73"),
            "members",
            "Give the e-mail addresses of officials with an account",
        ),
        (
            "id",
            form("", "99.99"),
            "regions",
            "Pilih 1 sampai 10 kabupaten/kota dari daftar",
        ),
        (
            "en",
            form("", "99.99"),
            "regions",
            "Choose 1 to 10 regencies and cities from the list",
        ),
    ] {
        let sent_fields = fields(&typed);
        let sent = (lang, "/delegations", sent_fields.as_slice());
        let page = refused(&app, &session, sent, StatusCode::UNPROCESSABLE_ENTITY, said).await;
        let value = &typed.iter().find(|(name, _)| *name == field).unwrap().1;
        // Regions are chosen from the list, which has no place for an unknown code.
        let kept = if field == "regions" {
            format!(r#"name="{field}" multiple"#)
        } else {
            format!(r#"name="{field}" value="{value}""#)
        };
        assert!(
            page.contains(&kept) && page.contains(r#"aria-invalid="true""#),
            "{lang}: {page}"
        );
    }
    let (_, none) = app.get("/api/v1/delegations", Some(&staff.token)).await;
    assert_eq!(none, json!([]), "nothing saved");
}

#[tokio::test]
async fn a_failed_run_is_told_in_the_page_language_with_any_detail_marked_as_such() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let session = app.page_session(&staff.email).await;
    let path = started_run(&app, &session, &event).await;
    finished_job_page(&app, &session, &path, "en").await;
    let job = path.rsplit('/').next().unwrap().to_owned();
    let fail = |error: &str| {
        let (db, job, error) = (app.state.db.clone(), job.clone(), error.to_owned());
        tokio::task::spawn_blocking(move || {
            let mut conn = db.get().unwrap();
            sepadan::models::job::finish_job(&mut conn, &job, Err(error), sepadan::clock::now())
                .unwrap();
        })
    };

    fail("interrupted: the service stopped while the job ran; start it again")
        .await
        .unwrap();
    for (lang, said) in [
        ("id", "Penjadwalan terhenti karena layanan berhenti"),
        ("en", "The run was interrupted because the service stopped"),
    ] {
        let (_, page) = app.page_as(&path, Some(&session), lang).await;
        assert!(page.contains(said), "{lang}: {page}");
        assert!(!page.contains("interrupted:"), "{page}");
    }

    fail("the solver gave up").await.unwrap();
    for (lang, said, detail) in [
        (
            "id",
            "Penjadwalan gagal.",
            "Rincian teknis (dalam bahasa Inggris",
        ),
        (
            "en",
            "The scheduling run failed.",
            "Technical detail (in English",
        ),
    ] {
        let (_, page) = app.page_as(&path, Some(&session), lang).await;
        assert!(
            page.contains(said) && page.contains(detail),
            "{lang}: {page}"
        );
        assert!(
            page.contains(r#"<code lang="en">the solver gave up</code>"#),
            "{page}"
        );
    }
}
