//! Staff register many participants of an event at once: the event page's checked list, a CSV
//! checked by row before it is registered, and the API's batch.

use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, spawn_app};
use crate::meetings::{create_event, forum_body, in_days, register};

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

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn staff_filter_the_list_and_add_three_checked_participants_at_once() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    let session = app.page_session(&staff.email).await;
    let investor_choice = format!("investor:{}", investor.investor_id.clone().unwrap());

    let (status, page) = app
        .page_as(
            &format!("/events/{event}?kind=region&q=palopo"),
            Some(&session),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"name="who" value="region:73.73""#),
        "{page}"
    );
    assert!(
        !page.contains(r#"name="who" value="region:73.22""#)
            && !page.contains(&format!(r#"name="who" value="{investor_choice}""#)),
        "only regions named Palopo: {page}"
    );
    let (_, page) = app
        .page_as(
            &format!("/events/{event}?province=64"),
            Some(&session),
            "en",
        )
        .await;
    assert!(
        page.contains(r#"name="who" value="region:64.71""#)
            && !page.contains(r#"name="who" value="region:73.73""#)
            && !page.contains(&format!(r#"name="who" value="{investor_choice}""#)),
        "East Kalimantan's regions, no investor: {page}"
    );

    let path = format!("/events/{event}/participants/many");
    let response = app
        .submit(&path, &session, &[("many_time_zone", "Asia/Makassar")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Check at least one investor, region or delegation."),
        "{page}"
    );
    let response = app
        .submit(
            &path,
            &session,
            &[
                ("who", "region:73.22"),
                ("who", "region:73.71"),
                ("many_time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("“Mars/Olympus” is not a time zone")
            && page.contains(r#"value="region:73.71" checked"#),
        "{page}"
    );
    assert!(participants(&app, &staff, &event).await.is_empty());

    let response = app
        .submit(
            &path,
            &session,
            &[
                ("q", ""),
                ("kind", ""),
                ("province", ""),
                ("who", &investor_choice),
                ("who", "region:73.73"),
                ("who", "region:73.09"),
                ("many_time_zone", "Asia/Makassar"),
                ("many_daily_cap", "3"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(
        back.starts_with(&format!("/events/{event}?done=added")),
        "{back}"
    );
    let list = participants(&app, &staff, &event).await;
    assert_eq!(list.len(), 3, "{list:?}");
    for p in [
        participant(
            &list,
            "investor_id",
            investor.investor_id.as_deref().unwrap(),
        ),
        participant(&list, "region_code", "73.73"),
        participant(&list, "region_code", "73.09"),
    ] {
        assert_eq!(p["time_zone"], "Asia/Makassar");
        assert_eq!(p["daily_cap"], 3);
    }

    for (lang, said) in [
        ("en", "The checked participants are registered."),
        ("id", "Peserta yang dicentang sudah terdaftar."),
    ] {
        let (_, page) = app.page_as(&back, Some(&session), lang).await;
        assert!(page.contains(said), "{page}");
        assert!(
            !page.contains(r#"name="who" value="region:73.73""#),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_csv_of_participants_is_reported_by_row_and_only_its_valid_rows_are_registered() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(30))).await;
    register(
        &app,
        &staff,
        &event,
        json!({"region_code": "73.22", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let session = app.page_session(&staff.email).await;
    let a = investor.investor_id.clone().unwrap();
    let csv = format!(
        "kind,id,name,time_zone,daily_cap\n\
         investor,{a},,Asia/Tokyo,3\n\
         region,73.73,,,\n\
         region,,kabupaten maros,Asia/Makassar,\n\
         investor,00000000-0000-0000-0000-000000000000,,,\n\
         region,73.71,,Mars/Olympus,\n\
         region,73.22,,,\n"
    );
    let path = format!("/events/{event}/participants/csv");

    let response = app
        .submit(&path, &session, &[("mode", "check"), ("csv", &csv)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let report = response.text().await.unwrap();
    for shown in [
        r#"<dd class="added">3</dd>"#,
        r#"<dd class="existing">1</dd>"#,
        r#"<dd class="refused">2</dd>"#,
        r#"<tr class="added"><td>2</td><td>Test Capital</td>"#,
        r#"<tr class="added"><td>4</td><td>Kabupaten Maros</td>"#,
        r#"<tr class="refused"><td>5</td><td>Investor</td>"#,
        "id: names no known investor",
        r#"<tr class="refused"><td>6</td><td>Kota Makassar</td>"#,
        "time_zone: `Mars/Olympus` is not an IANA time zone",
        r#"<tr class="existing"><td>7</td><td>Kabupaten Luwu Utara</td>"#,
        r#"value="valid""#,
    ] {
        assert!(report.contains(shown), "{shown} in {report}");
    }
    assert_eq!(
        participants(&app, &staff, &event).await.len(),
        1,
        "a check stores nothing"
    );

    let response = app
        .submit(&path, &session, &[("mode", "all"), ("csv", &csv)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Nothing registered")
    );
    assert_eq!(
        participants(&app, &staff, &event).await.len(),
        1,
        "all or none"
    );

    let response = app
        .submit(&path, &session, &[("mode", "valid"), ("csv", &csv)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert_eq!(back, format!("/events/{event}?done=imported#participants"));
    let list = participants(&app, &staff, &event).await;
    assert_eq!(list.len(), 4, "{list:?}");
    let guest = participant(&list, "investor_id", &a);
    assert_eq!(
        (&guest["time_zone"], &guest["daily_cap"]),
        (&json!("Asia/Tokyo"), &json!(3))
    );
    assert_eq!(
        participant(&list, "region_code", "73.73")["time_zone"],
        "Asia/Jakarta"
    );
    assert_eq!(
        participant(&list, "region_code", "73.09")["time_zone"],
        "Asia/Makassar"
    );
    assert!(list.iter().all(|p| p["region_code"] != "73.71"));
    let (_, page) = app.page_as(&back, Some(&session), "en").await;
    assert!(
        page.contains("The participants of the file are registered."),
        "{page}"
    );

    let response = app
        .submit(
            &path,
            &session,
            &[("mode", "check"), ("csv", "who,when\nx,y\n")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("unknown column `who`")
    );
    let (status, form) = app.page_as(&path, Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Tambah peserta dari berkas CSV"), "{form}");
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
