//! Closing a project from the official's project page, and the staff's spreadsheet import page.

use reqwest::StatusCode;
use sepadan::auth::Role;

use crate::helpers::{TestApp, TestUser, no_redirects, spawn_app};
use crate::imports::{BAD, GOOD_SOLAR, GOOD_WATER, HEADER, project_count};

/// The project's status as the API reports it to `user`.
async fn status_of(app: &TestApp, user: &TestUser, id: &str) -> String {
    let (status, body) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&user.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["status"].as_str().unwrap().to_owned()
}

/// Posts the project page's close form with its box ticked.
async fn close_ticked(app: &TestApp, session: &str, id: &str) -> reqwest::Response {
    let path = format!("/my-projects/{id}/close");
    app.submit(&path, session, &[("sure", "on")]).await
}

#[tokio::test]
async fn an_official_closes_a_published_project_of_their_region_once_the_box_is_ticked() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let body = TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    let id = app.published_project(&palopo, &staff, body).await;
    let session = app.page_session(&palopo.email).await;
    let path = format!("/my-projects/{id}");
    let action = format!(r#"action="/my-projects/{id}/close""#);

    let (status, page) = app.page_as(&path, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&action), "the close form: {page}");
    assert!(page.contains("Close the project") && page.contains(r#"name="sure""#));
    let (status, page) = app.page_as(&path, Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Tutup proyek"), "{page}");

    // Without the tick the page comes back saying so, and nothing changes.
    let close = format!("/my-projects/{id}/close");
    let refused = app.submit(&close, &session, &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Centang kotak untuk menegaskan"),
        "the reason in the page's language: {page}"
    );
    assert_eq!(status_of(&app, &palopo, &id).await, "published");

    let done = close_ticked(&app, &session, &id).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], path.as_str());
    assert_eq!(status_of(&app, &palopo, &id).await, "closed");

    let (status, page) = app.page_as(&path, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<dd class="status">Closed</dd>"#), "{page}");
    assert!(
        !page.contains(&action),
        "a closed project cannot be closed again"
    );
    let (_, page) = app.page_as(&path, Some(&session), "id").await;
    assert!(
        page.contains(r#"<dd class="status">Ditutup</dd>"#),
        "{page}"
    );

    // Closing it again is refused by the API's rules.
    let again = close_ticked(&app, &session, &id).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&app, &palopo, &id).await, "closed");
}

#[tokio::test]
async fn another_regions_project_and_a_draft_are_not_closed() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    let body = TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000");
    let published = app.published_project(&palopo, &staff, body).await;

    // Another region's official gets neither the page nor the close.
    let session = app.page_session(&balikpapan.email).await;
    let (status, page) = app
        .page_as(&format!("/my-projects/{published}"), Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page.contains("/close\""), "no close form: {page}");
    let refused = close_ticked(&app, &session, &published).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &palopo, &published).await, "published");

    // A draft cannot be closed: no form, and the post is refused with nothing changed.
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&palopo.token),
            TestApp::project_body("73.73", "Palopo bus depot", "4921", "90000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let draft = created["id"].as_str().unwrap().to_owned();
    let session = app.page_session(&palopo.email).await;
    for lang in ["en", "id"] {
        let (status, page) = app
            .page_as(&format!("/my-projects/{draft}"), Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !page.contains("/close\""),
            "no close form on a draft: {page}"
        );
    }
    let refused = close_ticked(&app, &session, &draft).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.unwrap();
    assert!(page.contains("invalid_transition"), "{page}");
    assert_eq!(status_of(&app, &palopo, &draft).await, "draft");
}

/// Posts the import form as its buttons do (kind, the CSV as text, and the mode).
async fn send(
    app: &TestApp,
    session: &str,
    kind: &str,
    csv: &str,
    mode: &str,
) -> reqwest::Response {
    app.submit(
        "/imports",
        session,
        &[("kind", kind), ("csv", csv), ("mode", mode)],
    )
    .await
}

/// A posted form field.
type Posted<'a> = (&'a str, &'a str);

#[tokio::test]
async fn a_checked_file_shows_its_report_and_stores_nothing_then_its_valid_rows_are_imported() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    for (lang, title, nav) in [
        ("en", "Import from a spreadsheet", ">Import</a>"),
        ("id", "Impor dari lembar kerja", ">Impor</a>"),
    ] {
        let (status, page) = app.page_as("/imports", Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(title) && page.contains(nav), "{page}");
        assert!(page.contains(r#"href="/api/v1/imports/projects/template.csv""#));
    }
    let template = app
        .client
        .get(app.url("/api/v1/imports/investors/template.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        template.status(),
        StatusCode::OK,
        "the template needs no token"
    );
    assert!(
        template
            .text()
            .await
            .unwrap()
            .starts_with("name,kind,country")
    );

    let before = project_count(&app, &staff).await;
    let file = [HEADER, GOOD_SOLAR, BAD, GOOD_WATER].join("\n");
    let checked = send(&app, &session, "projects", &file, "check").await;
    assert_eq!(checked.status(), StatusCode::OK);
    let page = checked.text().await.unwrap();
    assert!(
        page.contains("Hasil pemeriksaan"),
        "the page's language: {page}"
    );
    assert!(page.contains(r#"<dd class="rows">3</dd>"#), "{page}");
    assert!(page.contains(r#"<dd class="created">2</dd>"#), "{page}");
    assert!(
        page.contains("<tr><td>3</td><td><code>"),
        "row 3's problems: {page}"
    );
    assert!(page.contains("<code>stage</code>"), "{page}");
    assert!(page.contains("Impor baris yang valid saja"), "{page}");
    assert!(
        !page.contains("Impor semua baris"),
        "not all rows: some have problems"
    );
    assert!(
        page.contains(r#"name="csv" value="region,title_en"#),
        "{page}"
    );
    assert_eq!(
        project_count(&app, &staff).await,
        before,
        "a check stores nothing"
    );

    // All rows or none: with a problem, nothing is stored.
    let all = send(&app, &session, "projects", &file, "all").await;
    assert_eq!(all.status(), StatusCode::OK);
    assert!(all.text().await.unwrap().contains("Tidak ada yang diimpor"));
    assert_eq!(project_count(&app, &staff).await, before);

    let valid = send(&app, &session, "projects", &file, "valid").await;
    assert_eq!(valid.status(), StatusCode::OK);
    let page = valid.text().await.unwrap();
    assert!(page.contains("Impor selesai"), "{page}");
    assert!(page.contains(r#"<dd class="created">2</dd>"#), "{page}");
    assert_eq!(project_count(&app, &staff).await, before + 2);

    // A clean file offers importing every row, in English too.
    let (status, _) = app.page_as("/imports", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    let clean = "name,kind,country\nSakura Green Fund,fund,JP\n";
    let checked = send(&app, &session, "investors", clean, "check").await;
    let page = checked.text().await.unwrap();
    assert!(page.contains("Check result (nothing stored yet)"), "{page}");
    assert!(page.contains("Import all rows") && !page.contains("valid rows only"));
    let done = send(&app, &session, "investors", clean, "all").await;
    assert!(done.text().await.unwrap().contains("Import finished"));
    let (_, list) = app.get("/api/v1/investors", Some(&staff.token)).await;
    assert!(list.to_string().contains("Sakura Green Fund"), "{list}");
}

#[tokio::test]
async fn an_empty_unreadable_or_too_large_file_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let before = project_count(&app, &staff).await;
    let (status, _) = app.page_as("/imports", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    let big = format!("{HEADER}\n{}", GOOD_SOLAR.repeat(20_000));
    let cases: [(&[Posted], StatusCode, &str); 4] = [
        (
            &[("kind", "projects"), ("csv", "  "), ("mode", "check")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pilih berkas CSV atau tempelkan isinya terlebih dahulu.",
        ),
        (
            &[
                ("kind", "projects"),
                ("csv", "<html><body>hello</body></html>"),
                ("mode", "check"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Kolom tidak sesuai dengan templat.",
        ),
        (
            &[("kind", "projects"), ("csv", &big), ("mode", "valid")],
            StatusCode::PAYLOAD_TOO_LARGE,
            "Berkas terlalu besar",
        ),
        (
            &[
                ("kind", "spreadsheets"),
                ("csv", GOOD_SOLAR),
                ("mode", "valid"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Pilih apakah berkas berisi proyek atau investor.",
        ),
    ];
    for (fields, status, message) in cases {
        let refused = app.submit("/imports", &session, fields).await;
        assert_eq!(refused.status(), status, "{message}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(message), "{page}");
        assert!(page.contains(r#"<textarea id="csv""#), "the form again");
    }
    let (_, _) = app.page_as("/imports", Some(&session), "en").await;
    let refused = app
        .submit(
            "/imports",
            &session,
            &[
                ("kind", "projects"),
                ("csv", "region,colour\n73.73,red"),
                ("mode", "check"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("The columns do not match the template."),
        "{page}"
    );
    assert!(
        page.contains("unknown column `colour`"),
        "the detail: {page}"
    );
    assert_eq!(project_count(&app, &staff).await, before);
}

#[tokio::test]
async fn only_staff_import_in_the_browser() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let before = project_count(&app, &staff).await;
    let file = [HEADER, GOOD_WATER].join("\n");
    for role in [Role::Official, Role::Investor] {
        let region = (role == Role::Official).then_some("73.73");
        let user = app.user(role, region).await;
        let session = app.page_session(&user.email).await;
        let (status, page) = app.page_as("/imports", Some(&session), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!page.contains(r#"href="/imports""#), "no nav link: {page}");
        let refused = send(&app, &session, "projects", &file, "all").await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let anonymous = no_redirects()
        .get(app.url("/imports"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(
        anonymous.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in")
    );
    assert_eq!(project_count(&app, &staff).await, before);
}

/// Sends the upload form as a browser does (`multipart/form-data`) with `file` as the chosen
/// file, the text box left empty.
async fn upload(app: &TestApp, session: &str, kind: &str, file: &[u8]) -> reqwest::Response {
    let boundary = "----sepadan-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("kind", kind), ("csv", ""), ("mode", "check")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rows.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    no_redirects()
        .post(app.url("/imports"))
        .header("origin", &app.address)
        .header("cookie", session)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_uploaded_file_is_checked_and_a_bad_or_large_one_is_refused() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let (_, page) = app.page_as("/imports", Some(&session), "en").await;
    assert!(page.contains(r#"enctype="multipart/form-data""#) && page.contains(r#"type="file""#));
    let before = project_count(&app, &staff).await;

    let file = [HEADER, GOOD_SOLAR, BAD].join("\r\n");
    let checked = upload(&app, &session, "projects", file.as_bytes()).await;
    assert_eq!(checked.status(), StatusCode::OK);
    let page = checked.text().await.unwrap();
    assert!(page.contains("Check result (nothing stored yet)"), "{page}");
    assert!(page.contains(r#"<dd class="created">1</dd>"#), "{page}");
    assert!(page.contains("Import the valid rows only"), "{page}");
    assert!(
        page.contains(r#"name="csv" value="region,title_en"#),
        "carried on: {page}"
    );
    assert_eq!(project_count(&app, &staff).await, before);

    let picture = [
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00,
    ];
    let refused = upload(&app, &session, "projects", &picture).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("This is not a readable CSV file.")
    );

    let big = format!("{HEADER}\n{}", GOOD_SOLAR.repeat(40_000));
    let refused = upload(&app, &session, "projects", big.as_bytes()).await;
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("The file is too large")
    );

    let (_, _) = app.page_as("/imports", Some(&session), "id").await;
    let refused = upload(&app, &session, "projects", b"").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Pilih berkas CSV atau tempelkan isinya")
    );
    assert_eq!(project_count(&app, &staff).await, before);
}

#[tokio::test]
async fn an_upload_of_endless_empty_parts_is_refused() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let boundary = "----sepadan-test-boundary";
    let part = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n");
    let body = format!(
        "{}--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nprojects\r\n--{boundary}--\r\n",
        part.repeat(2_000)
    );
    let refused = no_redirects()
        .post(app.url("/imports"))
        .header("origin", &app.address)
        .header("cookie", &session)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        refused
            .headers()
            .get("content-type")
            .is_some_and(|t| t.to_str().unwrap().starts_with("text/html"))
    );
}
