//! CSV imports: dry runs that report by row and field, all-or-nothing or valid-rows runs, and
//! files imported twice that add nothing the second time.

use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::Value;

use crate::helpers::{TestApp, TestUser, code, spawn_app};

async fn import(
    app: &TestApp,
    who: &TestUser,
    what: &str,
    query: &str,
    csv: &str,
) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/imports/{what}{query}")))
        .bearer_auth(&who.token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) const HEADER: &str = "region,title_en,title_id,description_en,description_id,sectors,kbli,dimensions,elements,stage,instruments,value,currency,status";

fn projects_file(rows: &[&str]) -> String {
    std::iter::once(HEADER)
        .chain(rows.iter().copied())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) const GOOD_SOLAR: &str = "73.73,Market solar,PLTS pasar,Rooftop solar.,PLTS atap.,3510,,ENV,ENV-3,feasibility_study,ppp; equity,12000000000,IDR,published";
pub(crate) const GOOD_WATER: &str =
    "73.73,Clean water,Air bersih,Water supply.,Air minum.,3600,,LIV,,idea,ppp,8000000,usd,draft";
pub(crate) const BAD: &str =
    "73.73,Broken,Rusak,Bad row.,Baris buruk.,9999,,ENV,,someday,gift,12,IDR,draft";

/// Every project the API lists to staff, drafts and published.
pub(crate) async fn project_count(app: &TestApp, staff: &TestUser) -> i64 {
    let mut total = 0;
    for status in ["draft", "published"] {
        let (_, page) = app
            .get(
                &format!("/api/v1/projects?status={status}"),
                Some(&staff.token),
            )
            .await;
        total += page["total"].as_i64().unwrap();
    }
    total
}

#[tokio::test]
async fn a_dry_run_reports_each_problem_by_row_and_field_and_imports_nothing() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (status, report) = import(
        &app,
        &staff,
        "projects",
        "?dry_run=true",
        &projects_file(&[GOOD_SOLAR, BAD]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["rows"], 2);
    assert_eq!(report["created"], 1, "the good row would be imported");
    assert_eq!(report["imported"], false);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems[0]["row"], 3, "{report}");
    assert_eq!(problems[0]["field"], "stage", "{report}");
    assert_eq!(project_count(&app, &staff).await, 0);

    // A real run with a bad row imports nothing and names the rows.
    let (status, error) = import(
        &app,
        &staff,
        "projects",
        "",
        &projects_file(&[GOOD_SOLAR, BAD]),
    )
    .await;
    assert_eq!(
        (status, code(&error)),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert!(
        error["error"]["fields"]["rows[3].stage"].is_string(),
        "{error}"
    );
    assert_eq!(project_count(&app, &staff).await, 0);

    // Asked to, it imports the valid rows and reports the others.
    let (status, report) = import(
        &app,
        &staff,
        "projects",
        "?valid_rows_only=true",
        &projects_file(&[GOOD_SOLAR, BAD]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["created"].as_i64(), report["imported"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(project_count(&app, &staff).await, 1);
    let (_, page) = app.get("/api/v1/projects?q=market", None).await;
    assert_eq!(page["total"], 1, "a published import is visible at once");
}

#[tokio::test]
async fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let file = projects_file(&[GOOD_SOLAR, GOOD_WATER]);
    let (status, first) = import(&app, &staff, "projects", "", &file).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["created"], 2);
    let (_, second) = import(
        &app,
        &staff,
        "projects",
        "",
        &file.replace("Market solar", "MARKET SOLAR"),
    )
    .await;
    assert_eq!(
        (second["created"].as_i64(), second["existing"].as_i64()),
        (Some(0), Some(2)),
        "{second}"
    );
    assert_eq!(project_count(&app, &staff).await, 2);

    let investors = "name,kind,country,contact_email\nSakura Green Fund,fund,JP,deals@sakura.example\nBorneo Capital,company,ID,\n";
    let (_, first) = import(&app, &staff, "investors", "", investors).await;
    assert_eq!(first["created"], 2, "{first}");
    let (_, second) = import(&app, &staff, "investors", "", investors).await;
    assert_eq!(second["existing"], 2, "{second}");
    let (_, list) = app.get("/api/v1/investors", Some(&staff.token)).await;
    assert_eq!(list["total"], 2);
}

#[tokio::test]
async fn imports_check_columns_content_and_who_may_import() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let template = app
        .client
        .get(app.url("/api/v1/imports/projects/template.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(template.starts_with(HEADER), "{template}");
    let (status, report) = import(&app, &staff, "projects", "?dry_run=true", &template).await;
    assert_eq!(
        (status, report["created"].as_i64()),
        (StatusCode::OK, Some(1)),
        "the template's example row is valid: {report}"
    );

    let (status, error) = import(
        &app,
        &staff,
        "projects",
        "",
        "region,title,colour\n73.73,x,red\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown column"),
        "{error}"
    );
    // A header holding a control character is named in the message escaped, never as sent.
    let (status, error) = import(
        &app,
        &staff,
        "projects",
        "",
        "region,ti\u{84}tle\n73.73,x\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("unknown column `ti\\u{84}tle`") && !message.contains('\u{84}'),
        "{error}"
    );
    let response = app
        .client
        .post(app.url("/api/v1/imports/projects"))
        .bearer_auth(&staff.token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // An official imports its own region's drafts only.
    let other_region = GOOD_WATER.replace("73.73", "64.71");
    let (status, report) = import(
        &app,
        &palopo,
        "projects",
        "?valid_rows_only=true",
        &projects_file(&[
            GOOD_SOLAR,
            &other_region,
            &GOOD_WATER.replace("draft", "submitted"),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let fields: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "region"], "{report}");
    assert_eq!(report["created"], 1);
    let investor = app.user(Role::Investor, None).await;
    let (status, _) = import(&app, &investor, "projects", "?dry_run=true", HEADER).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = import(
        &app,
        &palopo,
        "investors",
        "?dry_run=true",
        "name,kind,country\n",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
