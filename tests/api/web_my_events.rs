//! Investors and regions join events themselves, find each other in the event's directory and
//! ask for a meeting from it, on the pages.

use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::meetings::{create_event, forum_body, in_days};

/// The page's answer to a form: where it sends the browser.
fn sent_to(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The id of the event's participant of this kind (investor or region), as staff see it.
pub async fn participant_of(app: &TestApp, staff: &TestUser, event: &str, kind: &str) -> String {
    let (_, participants) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    participants
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An event that a region's official (Palopo) and an investor have both joined from the
/// Events page in `zone`, with their page sessions.
pub struct Joined {
    pub app: TestApp,
    pub staff: TestUser,
    pub palopo: TestUser,
    pub investor: TestUser,
    pub event: String,
    pub region: String,
    pub guest: String,
}

pub async fn both_joined(zone: &str) -> Joined {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let region = app.page_session(&palopo.email).await;
    let guest = app.page_session(&investor.email).await;
    for session in [&region, &guest] {
        let joined = app
            .submit(
                &format!("/my-events/{event}/join"),
                session,
                &[("time_zone", zone)],
            )
            .await;
        assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    }
    Joined {
        app,
        staff,
        palopo,
        investor,
        event,
        region,
        guest,
    }
}

#[tokio::test]
async fn an_investor_and_a_region_join_find_each_other_and_ask_for_a_meeting() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    app.published_project(
        &palopo,
        &staff,
        TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
    )
    .await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;

    let region = app.page_session(&palopo.email).await;
    let guest = app.page_session(&investor.email).await;
    let (status, list) = app.page_as("/my-events", Some(&guest), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Sulawesi Investment Forum"), "{list}");
    assert!(list.contains(&format!(r#"href="/my-events/{event}/join""#)));
    let (status, form) = app
        .page_as(&format!("/my-events/{event}/join"), Some(&guest), "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("When you can meet"), "{form}");

    // Before joining, the directory is closed to them.
    let (status, _) = app
        .page_as(&format!("/my-events/{event}"), Some(&guest), "en")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    for (session, zone) in [(&region, "Asia/Makassar"), (&guest, "Asia/Singapore")] {
        let joined = app
            .submit(
                &format!("/my-events/{event}/join"),
                session,
                &[("time_zone", zone)],
            )
            .await;
        assert_eq!(joined.status(), StatusCode::SEE_OTHER);
        assert_eq!(sent_to(&joined), format!("/my-events/{event}?done=joined"));
    }
    let again = app
        .submit(
            &format!("/my-events/{event}/join"),
            &guest,
            &[("time_zone", "Asia/Singapore")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "joined once only");
    let (_, form) = app
        .page_as(&format!("/my-events/{event}/join"), Some(&guest), "en")
        .await;
    assert!(form.contains("You have joined"), "{form}");
    assert!(
        !form.contains(r#"action="/my-events/"#),
        "no second join: {form}"
    );

    // Each finds the other side, and only the other side, in the directory.
    let (_, seen_by_investor) = app
        .page_as(
            &format!("/my-events/{event}?done=joined"),
            Some(&guest),
            "en",
        )
        .await;
    assert!(seen_by_investor.contains("You have joined the event."));
    assert!(
        seen_by_investor.contains("Kota Palopo"),
        "{seen_by_investor}"
    );
    assert!(seen_by_investor.contains("Rooftop solar for Palopo"));
    let (_, narrowed) = app
        .page_as(
            &format!("/my-events/{event}?q=rooftop+palopo"),
            Some(&guest),
            "en",
        )
        .await;
    assert!(narrowed.contains("Kota Palopo"), "{narrowed}");
    assert!(narrowed.contains("Shown: 1 / 1"), "{narrowed}");
    let (_, none) = app
        .page_as(
            &format!("/my-events/{event}?q=geothermal"),
            Some(&guest),
            "en",
        )
        .await;
    assert!(!none.contains("Rooftop solar for Palopo"), "{none}");
    assert!(none.contains("Shown: 0 / 1"), "{none}");
    assert!(
        !seen_by_investor.contains("Test Capital"),
        "not its own side"
    );
    let (_, seen_by_region) = app
        .page_as(&format!("/my-events/{event}"), Some(&region), "id")
        .await;
    assert!(seen_by_region.contains("Test Capital"), "{seen_by_region}");
    assert!(seen_by_region.contains("Minta pertemuan"));

    // The investor asks the region from its entry, with a message.
    let host = participant_of(&app, &staff, &event, "region").await;
    let asked = app
        .submit(
            "/agenda/request",
            &guest,
            &[
                ("event_id", event.as_str()),
                ("with", host.as_str()),
                ("from", "directory"),
                ("message", "Rooftop solar, phase one"),
            ],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sent_to(&asked),
        format!("/my-events/{event}?done=requested")
    );
    let (_, after) = app
        .page_as(&format!("/my-events/{event}"), Some(&guest), "en")
        .await;
    assert!(after.contains("You have asked for a meeting"), "{after}");

    // The investor follows it in its agenda; the region answers from its own.
    let (_, sent) = app.page_as("/agenda", Some(&guest), "en").await;
    assert!(sent.contains("Waiting for the other side"), "{sent}");
    let (_, agenda) = app.page_as("/agenda", Some(&region), "en").await;
    assert!(agenda.contains("Rooftop solar, phase one"), "{agenda}");
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&palopo.token),
        )
        .await;
    let request = requests[0]["id"].as_str().unwrap().to_owned();
    let accepted = app
        .submit(&format!("/agenda/requests/{request}/accept"), &region, &[])
        .await;
    assert_eq!(sent_to(&accepted), "/agenda?done=accepted");
    let (_, agenda) = app
        .page_as("/agenda?done=accepted", Some(&region), "en")
        .await;
    assert!(agenda.contains("You accepted the request."));
    let (_, view) = app
        .get(&format!("/api/v1/requests/{request}"), Some(&staff.token))
        .await;
    assert_eq!(view["status"], json!("accepted"), "{view}");

    // Accepted on both sides; the investor can still withdraw, with a reason the region reads.
    let (_, sent) = app.page_as("/agenda", Some(&guest), "en").await;
    assert!(sent.contains("Accepted by both sides"), "{sent}");
    let withdrawn = app
        .submit(
            &format!("/agenda/requests/{request}/withdraw"),
            &guest,
            &[("reason", "Our board moved the trip")],
        )
        .await;
    assert_eq!(sent_to(&withdrawn), "/agenda?done=withdrawn");
    let (_, agenda) = app.page_as("/agenda", Some(&region), "en").await;
    assert!(
        agenda.contains("Withdrawn: “Our board moved the trip”"),
        "{agenda}"
    );
}

#[tokio::test]
async fn a_declined_request_carries_its_reason_back_to_the_asker() {
    let Joined {
        app,
        staff,
        investor,
        event,
        region,
        guest,
        ..
    } = both_joined("Asia/Makassar").await;
    // This time the region asks the investor.
    let investor_there = participant_of(&app, &staff, &event, "investor").await;
    let asked = app
        .submit(
            "/agenda/request",
            &region,
            &[
                ("event_id", event.as_str()),
                ("with", investor_there.as_str()),
                ("message", "Meet our port authority"),
            ],
        )
        .await;
    assert_eq!(sent_to(&asked), "/agenda?done=requested");
    let (_, agenda) = app.page_as("/agenda", Some(&guest), "en").await;
    assert!(agenda.contains("Meet our port authority"), "{agenda}");
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
        )
        .await;
    let request = requests[0]["id"].as_str().unwrap().to_owned();
    let declined = app
        .submit(
            &format!("/agenda/requests/{request}/decline"),
            &guest,
            &[("reason", "Ports are outside our mandate")],
        )
        .await;
    assert_eq!(sent_to(&declined), "/agenda?done=declined");
    let (_, agenda) = app.page_as("/agenda", Some(&region), "en").await;
    assert!(
        agenda.contains("Declined: “Ports are outside our mandate”"),
        "{agenda}"
    );
    let again = app
        .submit(&format!("/agenda/requests/{request}/accept"), &guest, &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "answered already");
}

#[tokio::test]
async fn where_staff_approve_registrations_nobody_takes_part_before_approval() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let mut body = forum_body(in_days(30));
    body["approval_required"] = json!(true);
    let event = create_event(&app, &staff, body).await;
    let region = app.page_session(&palopo.email).await;
    let guest = app.page_session(&investor.email).await;
    let desk = app.page_session(&staff.email).await;

    let (_, list) = app.page_as("/my-events", Some(&guest), "en").await;
    assert!(
        list.contains("Staff approve who joins this event"),
        "{list}"
    );
    for session in [&region, &guest] {
        let joined = app
            .submit(
                &format!("/my-events/{event}/join"),
                session,
                &[
                    ("time_zone", "Asia/Makassar"),
                    ("window0_day", &in_days(30).to_string()),
                    ("window0_from", "09:00"),
                    ("window0_to", "12:00"),
                ],
            )
            .await;
        assert_eq!(sent_to(&joined), "/my-events?done=applied");
    }
    let (_, list) = app
        .page_as("/my-events?done=applied", Some(&guest), "en")
        .await;
    assert!(
        list.contains("You have registered. Staff approve"),
        "{list}"
    );
    assert!(list.contains("Your registration waits for staff approval"));

    // Waiting, they are in no directory and cannot ask: the event's participants are empty.
    let (status, _) = app
        .page_as(&format!("/my-events/{event}"), Some(&guest), "en")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, participants) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(participants, json!([]));
    let (status, _) = app
        .get(
            &format!("/api/v1/events/{event}/applications"),
            Some(&investor.token),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, waiting) = app
        .get(
            &format!("/api/v1/events/{event}/applications"),
            Some(&staff.token),
        )
        .await;
    let waiting = waiting.as_array().unwrap().clone();
    assert_eq!(waiting.len(), 2, "{waiting:?}");
    assert!(waiting.iter().all(|p| p["approved"] == json!(false)));
    let own = waiting.iter().find(|p| p["kind"] == "investor").unwrap();
    assert_eq!(own["availability"].as_array().unwrap().len(), 1, "{own}");

    // Staff see both on the event's page; approve the region there, the investor by the API.
    let (_, page) = app
        .page_as(&format!("/events/{event}"), Some(&desk), "en")
        .await;
    assert!(page.contains("Waiting for approval"), "{page}");
    let region_id = waiting.iter().find(|p| p["kind"] == "region").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approved = app
        .submit(
            &format!("/events/{event}/applications/{region_id}/approve"),
            &desk,
            &[],
        )
        .await;
    assert_eq!(
        sent_to(&approved),
        format!("/events/{event}?done=approved#applications")
    );
    let (_, page) = app
        .page_as(&format!("/events/{event}?done=approved"), Some(&desk), "en")
        .await;
    assert!(page.contains("The registration is approved"), "{page}");
    let investor_id = own["id"].as_str().unwrap();
    let path = format!("/api/v1/events/{event}/applications/{investor_id}/approve");
    let (status, shown) = app.post(&path, Some(&staff.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["approved"], json!(true));
    let (status, _) = app.post(&path, Some(&staff.token), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "approved once only");

    // Approved, each finds the other in the directory.
    let (status, seen) = app
        .page_as(&format!("/my-events/{event}"), Some(&guest), "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(seen.contains("Kota Palopo"), "{seen}");
}

#[tokio::test]
async fn a_registration_turned_down_is_removed_and_may_come_again() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let mut body = forum_body(in_days(30));
    body["approval_required"] = json!(true);
    let event = create_event(&app, &staff, body).await;
    let guest = app.page_session(&investor.email).await;
    let desk = app.page_session(&staff.email).await;
    let join = || async {
        app.submit(
            &format!("/my-events/{event}/join"),
            &guest,
            &[("time_zone", "Asia/Singapore")],
        )
        .await
    };
    assert_eq!(sent_to(&join().await), "/my-events?done=applied");
    let (_, waiting) = app
        .get(
            &format!("/api/v1/events/{event}/applications"),
            Some(&staff.token),
        )
        .await;
    let id = waiting[0]["id"].as_str().unwrap().to_owned();
    let turned = app
        .submit(
            &format!("/events/{event}/applications/{id}/turn-down"),
            &desk,
            &[],
        )
        .await;
    assert_eq!(
        sent_to(&turned),
        format!("/events/{event}?done=turned_down#applications")
    );
    let (_, waiting) = app
        .get(
            &format!("/api/v1/events/{event}/applications"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(waiting, json!([]));
    assert_eq!(sent_to(&join().await), "/my-events?done=applied");
}

#[tokio::test]
async fn a_join_form_with_problems_comes_back_with_them_and_the_input_kept() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let guest = app.page_session(&investor.email).await;
    let day = in_days(30).to_string();
    let refused = app
        .submit(
            &format!("/my-events/{event}/join"),
            &guest,
            &[
                ("time_zone", "Asia/Singapore"),
                ("window0_day", day.as_str()),
                ("window0_from", "15:00"),
                ("window0_to", "11:00"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Beri setiap rentang satu hari acara"),
        "{page}"
    );
    assert!(page.contains(r#"value="15:00""#), "{page}");
    assert!(
        page.contains(r#"<option value="Asia/Singapore" selected>"#),
        "{page}"
    );
    let (_, participants) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(participants, json!([]), "nothing registered");
}

#[tokio::test]
async fn a_request_carries_preferred_times_to_the_other_side_and_to_the_schedule() {
    let Joined {
        app,
        staff,
        palopo,
        investor,
        event,
        region,
        guest,
    } = both_joined("Asia/Jakarta").await;
    let host = participant_of(&app, &staff, &event, "region").await;

    // The form offers every slot both can meet in, in the asker's zone.
    let (status, form) = app
        .page_as(
            &format!("/my-events/{event}/ask/{host}"),
            Some(&guest),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let offered: Vec<&str> = form
        .split(r#"name="preferred" value=""#)
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(offered.len(), 5, "five slots around the break: {offered:?}");
    assert!(offered[3].contains("T11:00:00+07:00"), "{offered:?}");
    let asked = app
        .submit(
            "/agenda/request",
            &guest,
            &[
                ("event_id", event.as_str()),
                ("with", host.as_str()),
                ("from", "directory"),
                ("message", "Smart water metering"),
                ("preferred", offered[3]),
                ("preferred", offered[4]),
            ],
        )
        .await;
    assert_eq!(
        sent_to(&asked),
        format!("/my-events/{event}?done=requested")
    );

    // The region reads them in its agenda and in the email, with the one-click answers.
    let (_, agenda) = app.page_as("/agenda", Some(&region), "en").await;
    assert!(agenda.contains("Times they would prefer"), "{agenda}");
    assert!(agenda.contains("11:30"), "{agenda}");
    let email = app.emails_text(&palopo.email, "", 1).await.remove(0);
    assert!(
        email.contains("Preferred times") || email.contains("Waktu pilihan"),
        "{email}"
    );
    assert!(email.contains("answer=accept"), "{email}");

    // Accepted, the schedule takes the first preferred slot that is free.
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&palopo.token),
        )
        .await;
    assert_eq!(requests[0]["preferred"].as_array().unwrap().len(), 2);
    let request = requests[0]["id"].as_str().unwrap();
    let accepted = app
        .submit(&format!("/agenda/requests/{request}/accept"), &region, &[])
        .await;
    assert_eq!(sent_to(&accepted), "/agenda?done=accepted");
    crate::meetings::schedule(&app, &staff, &event, json!({})).await;
    let (_, agenda) = app.get("/api/v1/me/agenda", Some(&investor.token)).await;
    let starts = agenda["meetings"][0]["venue_time"]["starts_at"]
        .as_str()
        .unwrap_or_default();
    assert!(starts.contains("T11:00:00+07:00"), "{agenda}");
}

#[tokio::test]
async fn preferred_times_must_be_slots_of_the_event_and_three_at_most() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let date = in_days(30);
    let event = create_event(&app, &staff, forum_body(date)).await;
    let host = crate::meetings::register(
        &app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let guest = crate::meetings::register_investor(&app, &investor, &event, "Asia/Jakarta").await;
    let slot = |time: &str| format!("{date}T{time}:00+07:00");
    for (preferred, field) in [
        (vec![slot("09:10")], "preferred[0]"),
        (vec![slot("10:30")], "preferred[0]"),
        (
            vec![slot("09:00"), slot("09:30"), slot("10:00"), slot("11:00")],
            "preferred",
        ),
    ] {
        let (status, body) = app
            .post(
                &format!("/api/v1/events/{event}/requests"),
                Some(&investor.token),
                json!({"investor": guest, "host": host, "preferred": preferred}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"].get(field).is_some(), "{body}");
    }
    let (status, _) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&investor.token),
            json!({"investor": guest, "host": host, "preferred": [slot("09:30")]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["preferred"].as_array().unwrap().len(), 1, "{body}");
}
