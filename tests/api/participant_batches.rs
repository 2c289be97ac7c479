//! Staff register many participants of an event at once through the API's batch.

use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_app};
use crate::meetings::{create_event, forum_body, in_days};

/// The event's participants as staff see them through the API.
async fn participants(app: &TestApp, staff: &TestUser, event: &str) -> Vec<Value> {
    let (status, list) = app
        .get(
            &format!("/api/v1/events/{event}/participants"),
            Some(&staff.token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

/// The participant registered for `key` (`investor_id`, `region_code`) `value`.
fn participant<'a>(list: &'a [Value], key: &str, value: &str) -> &'a Value {
    list.iter()
        .find(|p| p[key] == value)
        .unwrap_or_else(|| panic!("{key} {value} in {list:?}"))
}

#[tokio::test]
async fn the_batch_api_is_for_staff_and_stores_every_row_or_none_unless_asked() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let other = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let path = format!("/api/v1/events/{event}/participants/batch");
    let a = investor.investor_id.clone().unwrap();
    let batch = json!({"participants": [
        {"kind": "investor", "id": a, "daily_cap": 2},
        {"kind": "region", "id": "73.73", "time_zone": "Mars/Olympus"},
    ]});

    let (status, body) = app.post(&path, Some(&investor.token), batch.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::FORBIDDEN, "forbidden"));

    let (status, body) = app.post(&path, Some(&staff.token), batch.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(code(&body), "validation_failed");
    assert!(
        body["error"]["fields"]["participants[1].time_zone"].is_string(),
        "{body}"
    );
    assert!(participants(&app, &staff, &event).await.is_empty());

    let (status, report) = app
        .post(
            &format!("{path}?dry_run=true"),
            Some(&staff.token),
            batch.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["registered"], false);
    assert_eq!(report["rows"][0]["outcome"], "added");
    assert_eq!(report["rows"][0]["name"], "Test Capital");
    assert_eq!(report["rows"][1]["outcome"], "refused");
    assert_eq!(report["rows"][1]["code"], "validation_failed");
    assert!(participants(&app, &staff, &event).await.is_empty());

    let (status, report) = app
        .post(
            &format!("{path}?valid_rows_only=true"),
            Some(&staff.token),
            batch,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["registered"], true);
    let list = participants(&app, &staff, &event).await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        participant(&list, "investor_id", &a)["time_zone"],
        "Asia/Jakarta"
    );

    let next = json!({"participants": [
        {"kind": "investor", "id": a},
        {"kind": "region", "name": "Kota Palopo"},
        {"kind": "region", "id": "73.73"},
        {"kind": "investor", "id": other.investor_id},
    ]});
    let (status, body) = app.post(&path, Some(&staff.token), next.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "given twice: {body}"
    );
    assert!(
        body["error"]["fields"]["participants[2].id"].is_string(),
        "{body}"
    );
    let fixed = json!({"participants": [
        next["participants"][0], next["participants"][1], next["participants"][3],
    ]});
    let (status, report) = app.post(&path, Some(&staff.token), fixed.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let outcomes: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["existing", "added", "added"]);
    assert_eq!(participants(&app, &staff, &event).await.len(), 3);
    let (status, report) = app.post(&path, Some(&staff.token), fixed).await;
    assert_eq!(status, StatusCode::OK, "nothing new: {report}");

    let (status, report) = app
        .post(
            &format!("{path}?dry_run=true"),
            Some(&staff.token),
            json!({"participants": [{"kind": "investor", "name": "test capital"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report["rows"][0]["problems"]["name"],
        "names more than one investor: give its id"
    );
    for (body, status, expected) in [
        (
            json!({"participants": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"participants": [{"kind": "company", "id": a}]}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ] {
        let (got, answer) = app.post(&path, Some(&staff.token), body).await;
        assert_eq!((got, code(&answer)), (status, expected), "{answer}");
    }
    let (status, _) = app
        .post(
            "/api/v1/events/no-such-event/participants/batch",
            Some(&staff.token),
            json!({"participants": [{"kind": "region", "id": "73.73"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
