//! Spreadsheet downloads: the same columns as CSV and as XLSX, read back.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, TestUser};
use crate::matches::{investor_with_mandate, solar_mandate, two_projects};
use crate::meetings::{create_event, forum_body, in_days, register, register_investor, schedule};

async fn download(
    app: &TestApp,
    path: &str,
    who: Option<&TestUser>,
) -> (StatusCode, String, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

fn sheet(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
    let name = workbook.sheet_names()[0].clone();
    workbook
        .worksheet_range(&name)
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect()
}

#[tokio::test]
async fn projects_export_with_the_list_filters_as_csv_and_xlsx() {
    let app = crate::helpers::spawn_app().await;
    two_projects(&app).await;
    let (status, kind, csv) =
        download(&app, "/api/v1/exports/projects.csv?province=73", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("id,region,region_name,title_en"),
        "{csv}"
    );
    assert_eq!(lines.len(), 2, "only the South Sulawesi project: {csv}");
    assert!(lines[1].contains("Kota Palopo"));

    let (status, kind, xlsx) = download(&app, "/api/v1/exports/projects.xlsx", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"));
    let rows = sheet(xlsx);
    assert_eq!(rows.len(), 3, "a header and both projects");
    assert_eq!(rows[0][3], Data::String("title_en".into()));
    assert!(
        rows[1..]
            .iter()
            .all(|r| matches!(r[10], Data::Float(v) if v > 0.0)),
        "values are numbers"
    );

    let (status, _, _) = download(&app, "/api/v1/exports/projects.pdf", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = download(&app, "/api/v1/exports/projects.csv?dimension=XYZ", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Paging is checked as the list checks it, though the sheet holds every page.
    let (status, _, _) = download(&app, "/api/v1/exports/projects.csv?per_page=0", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn investors_export_to_staff_only_and_matches_to_the_investor() {
    let app = crate::helpers::spawn_app().await;
    two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let staff = app.user(Role::Staff, None).await;
    let (status, _, xlsx) = download(&app, "/api/v1/exports/investors.xlsx", Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(xlsx);
    assert_eq!(rows[0][7], Data::String("contact_email".into()));
    assert_eq!(rows.len(), 2);
    let (status, _, _) = download(&app, "/api/v1/exports/investors.csv", Some(&investor)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The list's query is checked as the list checks it, paging included.
    let (status, _, _) = download(
        &app,
        "/api/v1/exports/investors.csv?per_page=0",
        Some(&staff),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let id = investor.investor_id.clone().unwrap();
    let (status, _, csv) = download(
        &app,
        &format!("/api/v1/exports/investors/{id}/matches.csv"),
        Some(&investor),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with("rank,score,project_id,title,region"),
        "{csv}"
    );
    assert!(csv.lines().nth(1).unwrap().starts_with("1,"), "{csv}");
    let other = app.user(Role::Investor, None).await;
    let (status, _, _) = download(
        &app,
        &format!("/api/v1/exports/investors/{id}/matches.csv"),
        Some(&other),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another investor's matches do not exist for it"
    );
}

#[tokio::test]
async fn meetings_and_outcomes_export_for_staff() {
    let app = crate::helpers::spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let investor = app.user(Role::Investor, None).await;
    let event = create_event(&app, &staff, forum_body(in_days(9))).await;
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
            Some(&staff.token),
            json!({"investor": guest, "host": host}),
        )
        .await;
    let (status, _) = app
        .post(
            &format!(
                "/api/v1/requests/{}/accept",
                request["id"].as_str().unwrap()
            ),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    schedule(&app, &staff, &event, json!({})).await;
    let (status, _, csv) = download(
        &app,
        &format!("/api/v1/exports/events/{event}/meetings.csv"),
        Some(&staff),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let line = csv.lines().nth(1).expect("one meeting");
    assert!(
        line.contains("Asia/Jakarta") && line.contains("Kota Palopo") && line.contains(",table,1,"),
        "{csv}"
    );
    let (status, _, xlsx) = download(
        &app,
        &format!("/api/v1/exports/outcomes.xlsx?event_id={event}"),
        Some(&staff),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(xlsx);
    assert_eq!(rows[1][0], Data::String("event".into()));
    assert_eq!(rows[1][3], Data::Float(1.0));
    let (status, _, _) = download(
        &app,
        &format!("/api/v1/exports/events/{event}/meetings.csv"),
        Some(&official),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The cells of a CSV, row by row, the header included.
fn cells(csv: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_exports_write_formulas_as_text_and_xlsx_keeps_text_as_it_is() {
    let app = crate::helpers::spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let hyperlink = r#"=HYPERLINK("http://x")"#;
    app.published_project(
        &official,
        &staff,
        TestApp::project_body("73.73", hyperlink, "3510", "180000000000"),
    )
    .await;
    let calc = "=cmd|'/C calc'!A0";
    let (status, body) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "formula@example.com", "password": crate::helpers::PASSWORD,
                   "name": "Formula", "organisation": {"name": calc, "kind": "fund",
                   "country": "SG", "contact_email": "deals@formula.example",
                   "contact_phone": "+65 6123 4567"}}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    let (status, _, csv) = download(&app, "/api/v1/exports/investors.csv", Some(&staff)).await;
    assert_eq!(status, StatusCode::OK);
    let rows = cells(&csv);
    let name = rows[0].iter().position(|h| h == "name").unwrap();
    let phone = rows[0].iter().position(|h| h == "contact_phone").unwrap();
    assert_eq!(rows[1][name], format!("'{calc}"));
    assert_eq!(rows[1][phone], "'+65 6123 4567");

    let (status, _, csv) = download(&app, "/api/v1/exports/projects.csv", None).await;
    assert_eq!(status, StatusCode::OK);
    let rows = cells(&csv);
    let title = rows[0].iter().position(|h| h == "title_en").unwrap();
    assert_eq!(rows[1][title], format!("'{hyperlink}"));
    let value = rows[0].iter().position(|h| h == "value").unwrap();
    assert_eq!(rows[1][value], "180000000000", "numbers stay numbers");
    assert!(
        rows.iter()
            .flatten()
            .all(|cell| !cell.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "{rows:?}"
    );

    let (_, _, xlsx) = download(&app, "/api/v1/exports/projects.xlsx", None).await;
    assert_eq!(sheet(xlsx)[1][3], Data::String(hyperlink.into()));
    let (_, _, xlsx) = download(&app, "/api/v1/exports/investors.xlsx", Some(&staff)).await;
    assert_eq!(sheet(xlsx)[1][1], Data::String(calc.into()));
}
