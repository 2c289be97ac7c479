//! A meeting request's email carries accept and decline links that answer it without signing in:
//! each works once, not after the request changed, and not after it expired.

use reqwest::StatusCode;
use sepadan::services::answer_links;
use serde_json::json;

use crate::helpers::{TestApp, TestUser};
use crate::web_my_events::{Joined, both_joined, participant_of};

/// An event both a region and an investor joined, and the investor's request to the region.
struct Asked {
    app: TestApp,
    staff: TestUser,
    official: TestUser,
    investor: TestUser,
    request: String,
}

async fn asked() -> Asked {
    let Joined {
        app,
        staff,
        palopo: official,
        investor,
        event,
        guest,
        ..
    } = both_joined("Asia/Makassar").await;
    let host = participant_of(&app, &staff, &event, "region").await;
    let asked = app
        .submit(
            "/agenda/request",
            &guest,
            &[
                ("event_id", event.as_str()),
                ("with", host.as_str()),
                ("message", "Street lighting, phase one"),
            ],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let (_, requests) = app
        .get(
            &format!("/api/v1/events/{event}/requests"),
            Some(&official.token),
        )
        .await;
    let request = requests[0]["id"].as_str().unwrap().to_owned();
    Asked {
        app,
        staff,
        official,
        investor,
        request,
    }
}

/// The accept and decline links of the request email to `address`, as its plain text gives them.
async fn links_in_email(app: &TestApp, address: &str) -> (String, String) {
    let subjects = ["Meeting request", "Permintaan pertemuan"];
    let mut text = None;
    for _ in 0..500 {
        text = app
            .emails_to(address)
            .into_iter()
            .find(|(subject, _)| subjects.iter().any(|s| subject.starts_with(s)))
            .map(|(_, text)| text);
        if text.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let text = text.expect("a request email");
    let link = |answer: &str| {
        text.lines()
            .filter_map(|line| line.split_once(": ").map(|(_, link)| link.trim()))
            .find(|l| l.contains("/answer?") && l.contains(&format!("answer={answer}")))
            .unwrap_or_else(|| panic!("no {answer} link in {text}"))
            .to_owned()
    };
    (link("accept"), link("decline"))
}

/// The path and query of a link to this test's server.
fn path_of(link: &str) -> String {
    let url = reqwest::Url::parse(link).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// Posts the link's form as someone who is not signed in, from the page the link opened.
async fn answer(app: &TestApp, link: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = app
        .client
        .post(app.url(&path_of(link)))
        .header("origin", app.url(""))
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn status_of(asked: &Asked) -> serde_json::Value {
    let (_, view) = asked
        .app
        .get(
            &format!("/api/v1/requests/{}", asked.request),
            Some(&asked.staff.token),
        )
        .await;
    view["status"].clone()
}

#[tokio::test]
async fn the_accept_link_answers_once_without_signing_in() {
    let asked = asked().await;
    let app = &asked.app;
    let (accept, decline) = links_in_email(app, &asked.official.email).await;

    // Opening the link shows the request and changes nothing.
    let (status, page) = app.page_as(&path_of(&accept), None, "en").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Street lighting, phase one"), "{page}");
    assert!(page.contains("Accept the request"), "{page}");
    assert_eq!(status_of(&asked).await, json!("pending"));

    let (status, page) = answer(app, &accept, &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(status_of(&asked).await, json!("accepted"));

    // Used once: the same link, and the decline link of the same email, are refused.
    for link in [&accept, &decline] {
        let (status, page) = answer(app, link, &[]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{page}");
        assert!(page.contains("answer_link_used"), "{page}");
    }
    let (status, _) = app.page_as(&path_of(&accept), None, "en").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(status_of(&asked).await, json!("accepted"));
}

#[tokio::test]
async fn the_decline_link_takes_a_reason_and_a_forged_link_answers_nothing() {
    let asked = asked().await;
    let app = &asked.app;
    let (accept, decline) = links_in_email(app, &asked.official.email).await;

    // A link changed in any part is no link: another recipient, or another answer.
    let forged = [
        accept.replace(
            &format!("user={}", asked.official.id),
            &format!("user={}", asked.investor.id),
        ),
        accept.replace("answer=accept", "answer=decline"),
    ];
    for link in &forged {
        assert_ne!(link, &accept);
        let (status, page) = answer(app, link, &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
    }
    assert_eq!(status_of(&asked).await, json!("pending"));

    let (status, page) = answer(app, &decline, &[("reason", "Lighting is tendered already")]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (_, view) = app
        .get(
            &format!("/api/v1/requests/{}", asked.request),
            Some(&asked.staff.token),
        )
        .await;
    assert_eq!(view["status"], json!("declined"), "{view}");
    assert_eq!(
        view["reason"],
        json!("Lighting is tendered already"),
        "{view}"
    );
}

#[tokio::test]
async fn a_link_is_refused_after_its_request_is_withdrawn_or_past_its_expiry() {
    let asked = asked().await;
    let app = &asked.app;
    let (accept, _) = links_in_email(app, &asked.official.email).await;

    // A link signed the same way for a request that expired yesterday.
    let query: std::collections::HashMap<String, String> = reqwest::Url::parse(&accept)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let notice = serde_json::from_value(json!({
        "event": {"id": "e", "name": "Forum"},
        "request": {"id": asked.request, "status": "pending", "origin": "investor",
                    "message": "", "reason": null,
                    "expires_at": (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
                    "investor_accepted": true, "host_accepted": false},
        "investor": {"participant_id": "i", "name": "Investor"},
        "host": {"participant_id": "h", "name": "Region"},
    }))
    .unwrap();
    let secret = secrecy::ExposeSecret::expose_secret(&app.state.settings.auth.jwt_secret);
    let expired = answer_links::links_for(secret, &app.url(""), &query["user"], &notice)
        .into_iter()
        .next()
        .unwrap()
        .1;
    let (status, page) = answer(app, &expired, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("answer_link_expired"), "{page}");

    // The investor withdraws: the region's link no longer answers.
    let (status, _) = app
        .post(
            &format!("/api/v1/requests/{}/cancel", asked.request),
            Some(&asked.investor.token),
            json!({"reason": "Plans changed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = answer(app, &accept, &[]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("answer_link_used"), "{page}");
    assert_eq!(status_of(&asked).await, json!("cancelled"));
}
