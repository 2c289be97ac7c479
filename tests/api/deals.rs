//! Deals and data rooms: an investor's path from its answer on a match through the region's NDA
//! to the stages the parties record, every step kept and each party seeing only its own.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_app};

/// A published Palopo project, its official, staff and a verified investor.
struct Setting {
    project: String,
    official: TestUser,
    staff: TestUser,
    investor: TestUser,
}

async fn setting(app: &TestApp) -> Setting {
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let project = app
        .published_project(
            &official,
            &staff,
            TestApp::project_body("73.73", "Palopo waste to energy", "3821", "250000000000"),
        )
        .await;
    let investor = app.user(Role::Investor, None).await;
    app.verify_investor(&staff, &investor).await;
    Setting {
        project,
        official,
        staff,
        investor,
    }
}

const NDA: &str = "Pihak investor menjaga kerahasiaan dokumen ruang data.";

async fn publish_nda(app: &TestApp, official: &TestUser, text: &str) -> Value {
    let (status, nda) = app
        .call(
            Method::PUT,
            "/api/v1/regions/73.73/nda",
            Some(&official.token),
            Some(json!({"text": {"id": text, "en": "The investor keeps the data room confidential."}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{nda}");
    nda
}

async fn step(app: &TestApp, who: &TestUser, deal: &str, body: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/deals/{deal}/steps"),
        Some(&who.token),
        body,
    )
    .await
}

#[tokio::test]
async fn an_investor_goes_from_interest_through_the_nda_to_a_realised_investment() {
    let app = spawn_app().await;
    let Setting {
        project,
        official,
        staff,
        investor,
    } = setting(&app).await;
    let investor_id = investor.investor_id.clone().unwrap();
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/investors/{investor_id}/feedback/{project}"),
            Some(&investor.token),
            Some(json!({"interest": "interested"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let room = format!("/api/v1/projects/{project}/data-room");
    let (_, closed) = app.get(&room, Some(&investor.token)).await;
    assert_eq!(closed["open"], false);
    assert_eq!(closed["nda"], Value::Null);
    let accept = format!("/api/v1/projects/{project}/nda/accept");
    let (status, body) = app
        .post(&accept, Some(&investor.token), json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(code(&body), "nda_missing");

    let first = publish_nda(&app, &official, NDA).await;
    assert_eq!(first["version"], 1);
    let second = publish_nda(&app, &official, &format!("{NDA} Berlaku dua tahun.")).await;
    assert_eq!(second["version"], 2, "a changed text is a new version");
    let (status, body) = app
        .post(&accept, Some(&investor.token), json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "nda_outdated");
    let (status, opened) = app
        .post(&accept, Some(&investor.token), json!({"version": 2}))
        .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["open"], true);
    assert_eq!(opened["acceptances"][0]["version"], 2);
    assert_eq!(
        opened["acceptances"][0]["accepted_by"],
        investor.id.as_str()
    );

    let (_, deals) = app.get("/api/v1/deals", Some(&investor.token)).await;
    assert_eq!(deals.as_array().unwrap().len(), 1, "{deals}");
    let deal = deals[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(deals[0]["stage"], "nda_accepted");
    let sources: Vec<&str> = deals[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["feedback", "nda"]);

    let (status, _) = step(&app, &official, &deal, json!({"stage": "site_visit"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = step(&app, &investor, &deal, json!({"stage": "data_room_opened"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = step(
        &app,
        &investor,
        &deal,
        json!({"stage": "site_visit", "amount": {"amount": "5", "currency": "USD"}}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no amount on a visit: {body}"
    );
    let loi = json!({"stage": "letter_of_intent", "amount": {"amount": "12000000", "currency": "USD"},
                     "note": "Phase 1"});
    let (status, body) = step(&app, &investor, &deal, loi).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = step(&app, &official, &deal, json!({"stage": "site_visit"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "never back: {body}");
    assert_eq!(code(&body), "invalid_deal_step");
    let realised = json!({"stage": "investment_realised",
                          "amount": {"amount": "180000000000", "currency": "IDR"}});
    let (status, done) = step(&app, &staff, &deal, realised).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["stage"], "investment_realised");
    let history = done["history"].as_array().unwrap();
    assert_eq!(history.len(), 5, "every step kept: {done}");
    assert_eq!(history[3]["amount"]["amount"], "12000000");
    assert_eq!(history[3]["note"], "Phase 1");
    assert_eq!(history[4]["actor_id"], staff.id.as_str());

    let (status, body) = step(&app, &official, &deal, json!({"stage": "closed"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reason: {body}");
    let (status, closed) = step(
        &app,
        &official,
        &deal,
        json!({"stage": "closed", "note": "Operating since March"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["closed_reason"], "Operating since March");
    let (status, _) = step(&app, &investor, &deal, json!({"stage": "mou"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a closed deal stays closed");

    let (status, funnel) = app.get("/api/v1/reports/funnel", Some(&staff.token)).await;
    assert_eq!(status, StatusCode::OK, "{funnel}");
    let stage = |name: &str| {
        funnel["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stage"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(stage("interested")["reached"], 1);
    assert_eq!(
        stage("negotiation")["reached"],
        1,
        "a skipped stage counts as passed"
    );
    assert_eq!(stage("letter_of_intent")["amount_usd"], 12000000.0);
    assert_eq!(stage("site_visit")["conversion_pct"], 100.0);
    assert_eq!(funnel["total"]["closed"], 1);
    assert_eq!(funnel["total"]["committed_usd"], 12000000.0);
    let realised = funnel["total"]["realised_usd"].as_f64().unwrap();
    assert!(
        realised > 1_000_000.0,
        "IDR 180 bn in dollars, apart: {funnel}"
    );
    assert_eq!(funnel["by_region"][0]["key"], "73.73");
    assert_eq!(funnel["by_province"][0]["key"], "73");
    let (status, _) = app
        .get("/api/v1/reports/funnel", Some(&official.token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let csv = app
        .client
        .get(app.url("/api/v1/exports/funnel.csv"))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("group,key,name,deals") && csv.contains("region,73.73,"),
        "{csv}"
    );
    let session = app.page_session(&staff.email).await;
    let (status, page) = app.page_as("/reports/funnel", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<svg") && page.contains("Letter of intent"),
        "{page}"
    );
}

#[tokio::test]
async fn deals_and_data_rooms_are_for_their_parties_and_the_region_grants_access() {
    let app = spawn_app().await;
    let Setting {
        project,
        official,
        staff,
        investor,
    } = setting(&app).await;
    publish_nda(&app, &official, NDA).await;
    let accept = format!("/api/v1/projects/{project}/nda/accept");
    let unverified = app.user(Role::Investor, None).await;
    let (status, _) = app
        .post(&accept, Some(&unverified.token), json!({"version": 1}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "verified investors only");
    let other_official = app.user(Role::Official, Some("64.71")).await;
    for (who, path) in [
        (&official, "/api/v1/regions/64.71/nda"),
        (&other_official, "/api/v1/regions/73.73/nda"),
    ] {
        let (status, _) = app
            .call(
                Method::PUT,
                path,
                Some(&who.token),
                Some(json!({"text": {"id": "x", "en": "x"}})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/regions/99.99/nda",
            Some(&staff.token),
            Some(json!({"text": {"id": "x", "en": "x"}})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let grants = format!("/api/v1/projects/{project}/data-room/grants");
    let investor_id = investor.investor_id.clone().unwrap();
    let (status, _) = app
        .post(
            &grants,
            Some(&other_official.token),
            json!({"investor_id": investor_id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post(
            &grants,
            Some(&official.token),
            json!({"investor_id": "nobody"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, room) = app
        .post(
            &grants,
            Some(&official.token),
            json!({"investor_id": investor_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{room}");
    assert_eq!(room["grants"][0]["investor_id"], investor_id.as_str());
    let (_, seen) = app
        .get(
            &format!("/api/v1/projects/{project}/data-room"),
            Some(&investor.token),
        )
        .await;
    assert_eq!(seen["open"], true, "a grant opens the room: {seen}");

    let (_, deals) = app.get("/api/v1/deals", Some(&official.token)).await;
    let deal = deals[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(deals[0]["history"][0]["source"], "grant");
    for (who, seen) in [
        (&investor, true),
        (&official, true),
        (&staff, true),
        (&other_official, false),
        (&unverified, false),
    ] {
        let (status, _) = app
            .get(&format!("/api/v1/deals/{deal}"), Some(&who.token))
            .await;
        assert_eq!(status == StatusCode::OK, seen, "{}", who.email);
        let (_, list) = app.get("/api/v1/deals", Some(&who.token)).await;
        assert_eq!(!list.as_array().unwrap().is_empty(), seen, "{}", who.email);
    }
    let (status, _) = step(&app, &other_official, &deal, json!({"stage": "site_visit"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_data_room_opens_after_the_nda_and_the_first_document_moves_the_deal() {
    let app = spawn_app().await;
    let Setting {
        project,
        official,
        staff: _,
        investor,
    } = setting(&app).await;
    let (status, uploaded) = crate::files::upload(
        &app,
        Some(&official.token),
        &project,
        &[
            ("kind", "document"),
            ("confidential", "true"),
            ("title_en", "Feasibility study"),
        ],
        "feasibility.pdf",
        &crate::files::pdf(2_000),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let file = format!(
        "/api/v1/projects/{project}/files/{}",
        uploaded["id"].as_str().unwrap()
    );
    let listed = format!("/api/v1/projects/{project}/files");
    let (_, before) = app.get(&listed, Some(&investor.token)).await;
    assert_eq!(before["items"], json!([]), "no data room before the NDA");
    let (status, _) = app.get(&file, Some(&investor.token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    publish_nda(&app, &official, NDA).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{project}/nda/accept"),
            Some(&investor.token),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = app.get(&listed, Some(&investor.token)).await;
    assert_eq!(after["items"].as_array().unwrap().len(), 1, "{after}");
    let response = app
        .client
        .get(app.url(&file))
        .bearer_auth(&investor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().len(), 2_000);
    let (_, deals) = app.get("/api/v1/deals", Some(&investor.token)).await;
    assert_eq!(deals[0]["stage"], "data_room_opened", "{deals}");
    assert_eq!(
        deals[0]["history"].as_array().unwrap().last().unwrap()["source"],
        "data_room"
    );

    // The region sees who opened what and when; the investor sees no one else's openings.
    let room = format!("/api/v1/projects/{project}/data-room");
    let (_, seen) = app.get(&room, Some(&official.token)).await;
    let opening = &seen["openings"][0];
    assert_eq!(opening["organisation"], "Test Capital", "{seen}");
    assert_eq!(opening["document"]["en"], "Feasibility study");
    assert_eq!(opening["account_id"], investor.id.as_str());
    let (_, own) = app.get(&room, Some(&investor.token)).await;
    assert_eq!(own["openings"], json!([]));
    let session = app.page_session(&official.email).await;
    let (_, page) = app
        .page_as(&format!("/my-projects/{project}"), Some(&session), "en")
        .await;
    assert!(
        page.contains("Who opened the data room") && page.contains("<td>Feasibility study</td>"),
        "{page}"
    );
}
