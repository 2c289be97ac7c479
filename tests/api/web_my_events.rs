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
async fn participant_of(app: &TestApp, staff: &TestUser, event: &str, kind: &str) -> String {
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
    assert!(list.contains(&format!(r#"action="/my-events/{event}/join""#)));

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
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let region = app.page_session(&palopo.email).await;
    let guest = app.page_session(&investor.email).await;
    for session in [&region, &guest] {
        app.submit(
            &format!("/my-events/{event}/join"),
            session,
            &[("time_zone", "Asia/Makassar")],
        )
        .await;
    }
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
