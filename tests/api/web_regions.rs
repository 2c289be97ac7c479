//! The regions' pages, the map of opportunities and the profile editor of officials and staff,
//! in both languages.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, no_redirects, spawn_app};

/// A profile as the API takes it.
fn profile() -> Value {
    json!({"summary": {"id": "Kota jasa dan perdagangan di Teluk Bone.", "en": "A trade and services city on the Gulf of Bone."},
           "leading_sectors": ["35"], "maturity": {"GOV": 3, "ENV": 2},
           "contacts": [{"name": "Andi Baso", "position": "Head of DPMPTSP", "email": "dpmptsp@palopokota.go.id", "phone": null}],
           "incentives": {"id": "Keringanan retribusi daerah.", "en": "Reduced regional levies."},
           "documents": [{"title": "Masterplan Smart City", "url": "https://palopokota.go.id/masterplan.pdf"}]})
}

async fn put_profile(app: &TestApp, official: &TestUser, code: &str) {
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("/api/v1/regions/{code}/profile"),
            Some(&official.token),
            Some(profile()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Palopo with one published environment project and a profile; Maros with a profile and a
/// draft only. Gives the published project's id.
async fn palopo_and_maros(app: &TestApp) -> String {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let id = app
        .published_project(
            &palopo,
            &staff,
            TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
        )
        .await;
    let (status, _) = app
        .post(
            "/api/v1/projects",
            Some(&maros.token),
            TestApp::project_body("73.09", "Maros draft", "3510", "5000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    put_profile(app, &palopo, "73.73").await;
    put_profile(app, &maros, "73.09").await;
    id
}

#[tokio::test]
async fn the_regions_list_groups_regions_by_province_in_both_languages() {
    let app = spawn_app().await;
    palopo_and_maros(&app).await;
    let (status, id) = app.page_as("/regions", None, "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(id.contains("<h1>Daerah</h1>"), "{id}");
    assert!(id.contains("Sulawesi Selatan"), "grouped by province: {id}");
    assert!(
        id.contains(r#"<a href="/regions/73.73">Kota Palopo</a>"#),
        "{id}"
    );
    assert!(id.contains(r#"<a href="/regions/73.09">Kabupaten Maros</a>"#));
    assert!(id.contains("1 proyek · profil"), "Palopo's count: {id}");
    assert!(
        id.contains("0 proyek · profil"),
        "Maros's draft is not counted"
    );
    assert!(
        !id.contains("Balikpapan"),
        "a region with neither is not listed"
    );
    let (_, en) = app.page_as("/regions", None, "en").await;
    assert!(en.contains("<h1>Regions</h1>"), "{en}");
    assert!(en.contains("1 project · profile"), "{en}");
    assert!(en.contains("0 projects · profile"), "{en}");
}

#[tokio::test]
async fn a_regions_page_shows_its_profile_and_published_projects_in_both_languages() {
    let app = spawn_app().await;
    let project = palopo_and_maros(&app).await;
    let (status, id) = app.page_as("/regions/73.73", None, "id").await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert!(id.contains("<h1>Kota Palopo</h1>"), "{id}");
    assert!(
        id.contains("Kota · Sulawesi Selatan"),
        "kind and province: {id}"
    );
    assert!(
        id.contains("Kota jasa dan perdagangan di Teluk Bone."),
        "{id}"
    );
    assert!(id.contains("Tingkat kematangan Smart City"));
    assert!(
        id.contains("Tata Kelola Cerdas</th><td><meter"),
        "GOV is rated"
    );
    assert!(
        id.contains("3/5") && id.contains("tidak dinyatakan"),
        "{id}"
    );
    assert!(id.contains("Keringanan retribusi daerah."));
    assert!(
        id.contains("Andi Baso"),
        "the profile's contacts are public"
    );
    assert!(id.contains("Masterplan Smart City"));
    assert!(
        id.contains(&format!(
            r#"<a href="/opportunities/{project}">Rooftop solar for Palopo (id)</a>"#
        )),
        "{id}"
    );
    assert!(id.contains("Rp 180.000.000.000"));
    assert!(
        id.contains(r#"<svg class="chart""#),
        "projects by dimension"
    );
    assert!(
        id.contains(r#"<th scope="row">Lingkungan Cerdas</th><td>1</td>"#),
        "{id}"
    );
    let (_, en) = app.page_as("/regions/73.73", None, "en").await;
    assert!(
        en.contains("A trade and services city on the Gulf of Bone."),
        "{en}"
    );
    assert!(en.contains("Smart City maturity") && en.contains("not stated"));
    assert!(en.contains("Reduced regional levies."));
    assert!(en.contains(">Rooftop solar for Palopo</a>"), "{en}");
    assert!(en.contains("IDR 180,000,000,000"));
    assert!(
        en.contains(r#"<th scope="row">Smart Environment</th><td>1</td>"#),
        "{en}"
    );

    // Maros: a profile, no published project (its draft is not shown).
    let (_, maros) = app.page_as("/regions/73.09", None, "en").await;
    assert!(
        maros.contains("This region has no published projects yet."),
        "{maros}"
    );
    assert!(!maros.contains("Maros draft"));
    // A region without a profile still has its page.
    let (status, empty) = app.page_as("/regions/64.71", None, "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        empty.contains("Daerah ini belum menerbitkan profilnya."),
        "{empty}"
    );
    assert!(
        empty.contains("lazim disebut"),
        "Balikpapan is IKN-related: {empty}"
    );

    // The opportunity and the list link to the region.
    let (_, opportunity) = app
        .page_as(&format!("/opportunities/{project}"), None, "en")
        .await;
    assert!(opportunity.contains(r#"<a href="/regions/73.73">Kota Palopo (73.73)</a>"#));
    let (_, list) = app.page_as("/opportunities", None, "en").await;
    assert!(
        list.contains(r#"<a href="/regions/73.73">Kota Palopo</a>"#),
        "{list}"
    );
}

#[tokio::test]
async fn an_unknown_region_is_the_not_found_page() {
    let app = spawn_app().await;
    for (lang, word) in [
        ("id", "Halaman ini tidak ada"),
        ("en", "This page does not exist"),
    ] {
        let (status, body) = app.page_as("/regions/99.99", None, lang).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains(word) && body.contains("not_found"), "{body}");
    }
}

#[tokio::test]
async fn the_map_draws_a_circle_for_each_region_with_published_projects() {
    let app = spawn_app().await;
    palopo_and_maros(&app).await;
    let (status, id) = app.page_as("/map", None, "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(id.contains("<h1>Peta peluang investasi</h1>"), "{id}");
    assert!(id.contains(r#"<svg class="map""#));
    assert!(
        id.contains(
            r#"<a href="/regions/73.73" aria-label="Kota Palopo: 1 proyek, Rp 180 miliar"><circle"#
        ),
        "{id}"
    );
    assert!(id.contains(r#"data-region="73.73""#));
    assert!(
        !id.contains(r#"data-region="73.09""#),
        "Maros has no published project"
    );
    assert!(id.contains(">Sulawesi Selatan</text>"), "province labels");
    assert!(
        !id.contains("<image") && !id.contains("<img"),
        "no map tiles"
    );
    assert!(
        id.contains(r#"<th scope="row"><a href="/regions/73.73">Kota Palopo</a></th><td>Sulawesi Selatan</td><td>1</td><td>Rp 180 miliar</td>"#),
        "the same figures as a table: {id}"
    );
    let (_, en) = app.page_as("/map?size=value", None, "en").await;
    assert!(en.contains("<h1>Map of opportunities</h1>"), "{en}");
    assert!(
        en.contains("Kota Palopo: 1 project, IDR 180 billion"),
        "{en}"
    );
    assert!(en.contains(r#"<option value="value" selected>"#));

    // The dimension filter: the project is about the environment, not governance.
    let (_, environment) = app.page_as("/map?dimension=ENV", None, "en").await;
    assert!(environment.contains(r#"data-region="73.73""#));
    assert!(environment.contains(r#"<option value="ENV" selected>"#));
    let (_, governance) = app.page_as("/map?dimension=GOV&size=", None, "en").await;
    assert!(!governance.contains("data-region="), "{governance}");
    assert!(governance.contains("No region has published projects in this dimension yet."));
    let (status, bad) = app.page_as("/map?dimension=XYZ", None, "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("validation_failed"), "{bad}");
}

/// The editor's fields for a profile with one contact (and a blank spare row).
fn editor_fields<'a>(email: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("summary_id", "Kabupaten agraris di pintu gerbang Makassar."),
        ("summary_en", "A farming regency at the gates of Makassar."),
        ("leading_sectors", "01, 3510"),
        ("maturity_GOV", level),
        ("maturity_BRA", ""),
        ("incentives_id", "Perizinan satu pintu."),
        ("incentives_en", ""),
        ("contact_name", "Rina Mappiare"),
        ("contact_position", "Kepala Bappelitbangda"),
        ("contact_email", email),
        ("contact_phone", "+62 411 371"),
        ("contact_name", ""),
        ("contact_position", ""),
        ("contact_email", ""),
        ("contact_phone", ""),
        ("document_title", "Rencana Induk"),
        ("document_url", "https://maroskab.go.id/rencana-induk.pdf"),
        ("document_title", ""),
        ("document_url", ""),
    ]
}

/// Saves Maros's profile through the editor at `path` and checks that the API and the public
/// page (in both languages) show it and that the editor opens again with it.
async fn saves_maros_profile(app: &TestApp, session: &str, path: &str) {
    let response = app
        .submit(path, session, &editor_fields("rina@maroskab.go.id", "4"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/regions/73.09");
    let (_, read) = app.get("/api/v1/regions/73.09", None).await;
    let saved = &read["profile"];
    assert_eq!(saved["maturity"], json!({"GOV": 4}), "{read}");
    assert_eq!(saved["leading_sectors"], json!(["01", "3510"]));
    assert_eq!(
        saved["contacts"].as_array().unwrap().len(),
        1,
        "blank rows left out"
    );
    assert_eq!(saved["contacts"][0]["email"], "rina@maroskab.go.id");
    assert_eq!(saved["incentives"]["id"], "Perizinan satu pintu.");
    assert_eq!(saved["documents"][0]["title"], "Rencana Induk");

    let (_, id) = app.page_as("/regions/73.09", None, "id").await;
    assert!(
        id.contains("Kabupaten agraris di pintu gerbang Makassar."),
        "{id}"
    );
    assert!(id.contains("Perizinan satu pintu.") && id.contains("Rina Mappiare"));
    let (_, en) = app.page_as("/regions/73.09", None, "en").await;
    assert!(
        en.contains("A farming regency at the gates of Makassar."),
        "{en}"
    );
    assert!(en.contains("Rina Mappiare") && en.contains("Rencana Induk"));
    assert!(en.contains("4/5"));
    // The editor opens with what was saved, and a spare contact row.
    let (_, again) = app.page_as(path, Some(session), "en").await;
    assert!(again.contains(r#"value="Rina Mappiare""#), "{again}");
    assert!(again.contains(r#"<option value="4" selected>"#));
    assert_eq!(again.matches(r#"name="contact_name""#).count(), 3);
}

#[tokio::test]
async fn an_official_edits_the_regions_profile_and_the_public_page_shows_it() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.09")).await;
    let session = app.page_session(&official.email).await;
    let (status, id) = app.page_as("/my-region", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(id.contains("<h1>Profil daerah kami</h1>"), "{id}");
    assert!(id.contains("Kabupaten Maros (73.09)"));
    assert!(
        id.contains(r#"<a aria-current="page" href="/my-region">Daerah kami</a>"#),
        "the nav link"
    );
    let (_, en) = app.page_as("/my-region", Some(&session), "en").await;
    assert!(
        en.contains("<h1>Our region&#x27;s profile</h1>")
            || en.contains("<h1>Our region&#39;s profile</h1>"),
        "{en}"
    );
    assert!(en.contains(r#"<select name="maturity_ENV">"#));

    saves_maros_profile(&app, &session, "/my-region").await;
}

/// Sends the editor at `path` a contact with a bad email address; the form comes back to the
/// same address with the input kept (422). Gives the page.
async fn bad_email_comes_back(app: &TestApp, session: &str, path: &str) -> String {
    let response = app
        .submit(path, session, &editor_fields("not an address", "4"))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains(r#"value="not an address""#),
        "the input is kept"
    );
    assert!(body.contains(&format!(r#"action="{path}""#)), "{body}");
    body
}

#[tokio::test]
async fn bad_input_on_the_profile_editor_comes_back_with_nothing_saved() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.09")).await;
    let session = app.page_session(&official.email).await;
    // The account's language becomes Indonesian.
    app.page_as("/my-region", Some(&session), "id").await;
    let body = bad_email_comes_back(&app, &session, "/my-region").await;
    assert!(
        body.contains("Narahubung 1: alamat surel tidak sah"),
        "{body}"
    );
    assert!(body.contains("Kabupaten agraris di pintu gerbang Makassar."));
    for fields in [
        editor_fields("rina@maroskab.go.id", "9"),
        editor_fields("rina@maroskab.go.id", "many"),
    ] {
        let response = app.submit("/my-region", &session, &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("pilih tingkat 1 sampai 5"), "{body}");
    }
    let mut bad_sector = editor_fields("rina@maroskab.go.id", "4");
    bad_sector[2] = ("leading_sectors", "3510, ZZ9");
    let response = app.submit("/my-region", &session, &bad_sector).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("Sektor unggulan (kode ISIC): gunakan kode ISIC Rev.4 saja"),
        "{body}"
    );
    assert!(body.contains(r#"value="3510, ZZ9""#));
    let (_, read) = app.get("/api/v1/regions/73.09", None).await;
    assert!(read["profile"].is_null(), "nothing saved: {read}");
}

#[tokio::test]
async fn an_official_edits_only_their_own_region() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.09")).await;
    let session = app.page_session(&official.email).await;
    // A region named in the form is not listened to: the editor is the official's region's.
    let mut fields = editor_fields("rina@maroskab.go.id", "2");
    fields.push(("region", "73.73"));
    fields.push(("code", "73.73"));
    let response = app.submit("/my-region", &session, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, palopo) = app.get("/api/v1/regions/73.73", None).await;
    assert!(palopo["profile"].is_null(), "{palopo}");
    let (_, maros) = app.get("/api/v1/regions/73.09", None).await;
    assert_eq!(maros["profile"]["maturity"]["GOV"], 2);

    // Investors and staff are told the page is for officials; visitors are sent to sign in.
    let investor = app.user(Role::Investor, None).await;
    let staff = app.user(Role::Staff, None).await;
    for user in [&investor, &staff] {
        let other = app.page_session(&user.email).await;
        let response = no_redirects()
            .get(app.url("/my-region"))
            .header("cookie", &other)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body = response.text().await.unwrap();
        // In each person's language: the investor registered in Indonesian.
        assert!(
            ["khusus untuk pejabat daerah", "This page is for regions"]
                .iter()
                .any(|said| body.contains(said)),
            "{body}"
        );
        let response = app.submit("/my-region", &other, &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let response = no_redirects()
        .get(app.url("/my-region"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/sign-in");
    let (_, palopo) = app.get("/api/v1/regions/73.73", None).await;
    assert!(palopo["profile"].is_null());
}

#[tokio::test]
async fn the_maps_totals_in_other_currencies_are_rounded_in_the_languages_words() {
    let app = spawn_app().await;
    palopo_and_maros(&app).await;
    let staff = app.user(Role::Staff, None).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    // ¥48 billion at the shipped sample rates (152.4 yen and 16,650 rupiah to the dollar) is
    // Rp 5.244.094.488.188,97.
    let mut body = TestApp::project_body("73.09", "Maros airport city", "3510", "48000000000");
    body["value"]["currency"] = json!("JPY");
    app.published_project(&maros, &staff, body).await;
    let (status, id) = app.page_as("/map?size=value", None, "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        id.contains(r#"<a href="/regions/73.09">Kabupaten Maros</a></th><td>Sulawesi Selatan</td><td>1</td><td>Rp 5,24 triliun</td>"#),
        "the table: {id}"
    );
    assert!(
        id.contains(r#"aria-label="Kabupaten Maros: 1 proyek, Rp 5,24 triliun""#),
        "the tooltip: {id}"
    );
    assert!(id.contains("<title>Kabupaten Maros: 1 proyek, Rp 5,24 triliun</title>"));
    assert!(
        id.contains("<td>Rp 180 miliar</td>"),
        "rupiah totals too: {id}"
    );
    assert!(!id.contains("5.244"), "no spurious digits: {id}");
    let (_, en) = app.page_as("/map?size=value", None, "en").await;
    assert!(
        en.contains(r#"<a href="/regions/73.09">Kabupaten Maros</a></th><td>Sulawesi Selatan</td><td>1</td><td>IDR 5.24 trillion</td>"#),
        "{en}"
    );
    assert!(en.contains("Kabupaten Maros: 1 project, IDR 5.24 trillion"));
    assert!(en.contains("<td>IDR 180 billion</td>"));
    assert!(!en.contains("5,244"), "{en}");
}

#[tokio::test]
async fn staff_edit_another_regions_profile_and_the_public_page_shows_it() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let (status, id) = app
        .page_as("/regions/73.09/edit", Some(&session), "id")
        .await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert!(id.contains("<h1>Profil daerah</h1>"), "{id}");
    assert!(id.contains("Kabupaten Maros (73.09)"));
    assert!(id.contains(r#"action="/regions/73.09/edit""#), "{id}");
    let (status, en) = app
        .page_as("/regions/73.09/edit", Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("<h1>Region profile</h1>"), "{en}");
    assert!(en.contains(r#"<select name="maturity_ENV">"#));

    // Bad input comes back to the same address with the input kept and nothing saved.
    let body = bad_email_comes_back(&app, &session, "/regions/73.09/edit").await;
    assert!(
        body.contains("Contact 1: the email address is not valid"),
        "{body}"
    );
    let (_, read) = app.get("/api/v1/regions/73.09", None).await;
    assert!(read["profile"].is_null(), "nothing saved: {read}");

    saves_maros_profile(&app, &session, "/regions/73.09/edit").await;

    // An unknown region is not found, to look at or to save.
    for lang in ["id", "en"] {
        let (status, body) = app
            .page_as("/regions/99.99/edit", Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("not_found"), "{body}");
    }
    let response = app
        .submit(
            "/regions/99.99/edit",
            &session,
            &editor_fields("rina@maroskab.go.id", "4"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_official_is_refused_another_regions_editor_with_nothing_changed() {
    let app = spawn_app().await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    put_profile(&app, &palopo, "73.73").await;
    let (_, before) = app.get("/api/v1/regions/73.73", None).await;
    let maros = app.user(Role::Official, Some("73.09")).await;
    let session = app.page_session(&maros.email).await;
    for (lang, word) in [
        ("id", "Hanya staf program dan pejabat daerah"),
        ("en", "Only programme staff and the region"),
    ] {
        let (status, body) = app
            .page_as("/regions/73.73/edit", Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(body.contains(word) && body.contains("forbidden"), "{body}");
        assert!(
            !body.contains("<form class=\"stacked wide\""),
            "no editor: {body}"
        );
    }
    let response = app
        .submit(
            "/regions/73.73/edit",
            &session,
            &editor_fields("rina@maroskab.go.id", "1"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("forbidden"));
    let (_, after) = app.get("/api/v1/regions/73.73", None).await;
    assert_eq!(before, after, "nothing changed");

    // Their own region's editor is theirs at this address too.
    let (status, own) = app
        .page_as("/regions/73.09/edit", Some(&session), "id")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("<h1>Profil daerah kami</h1>"), "{own}");

    // An investor is refused too; a visitor is sent to sign in.
    let investor = app.user(Role::Investor, None).await;
    let other = app.page_session(&investor.email).await;
    let (status, _) = app.page_as("/regions/73.73/edit", Some(&other), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = app
        .submit(
            "/regions/73.73/edit",
            &other,
            &editor_fields("rina@maroskab.go.id", "1"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = no_redirects()
        .get(app.url("/regions/73.73/edit"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/sign-in");
    let (_, after) = app.get("/api/v1/regions/73.73", None).await;
    assert_eq!(before, after, "nothing changed");
}

#[tokio::test]
async fn the_edit_link_shows_only_to_those_who_may_edit_the_profile() {
    let app = spawn_app().await;
    let link = r#"<a href="/regions/73.73/edit">"#;
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    for user in [&staff, &palopo] {
        let session = app.page_session(&user.email).await;
        let (_, id) = app.page_as("/regions/73.73", Some(&session), "id").await;
        assert!(id.contains(&format!("{link}Ubah profil</a>")), "{id}");
        let (_, en) = app.page_as("/regions/73.73", Some(&session), "en").await;
        assert!(en.contains(&format!("{link}Edit the profile</a>")), "{en}");
    }
    let maros = app.user(Role::Official, Some("73.09")).await;
    let investor = app.user(Role::Investor, None).await;
    for user in [&maros, &investor] {
        let session = app.page_session(&user.email).await;
        for lang in ["id", "en"] {
            let (_, page) = app.page_as("/regions/73.73", Some(&session), lang).await;
            assert!(page.contains("<h1>Kota Palopo</h1>"));
            assert!(!page.contains("/edit\""), "{page}");
        }
    }
    let (_, visitor) = app.page_as("/regions/73.73", None, "id").await;
    assert!(!visitor.contains(link), "{visitor}");
}

#[tokio::test]
async fn the_map_zooms_to_a_province_with_its_regencies_outlined_and_lists_its_regions() {
    let app = spawn_app().await;
    palopo_and_maros(&app).await;
    let (status, all) = app.page_as("/map?dimension=ENV", None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        all.matches("<path d=\"M").count(),
        38,
        "every province outlined"
    );
    assert!(
        all.contains(r#"<a href="/map?dimension=ENV&amp;province=73"><text"#),
        "the province's name zooms in, keeping the filter: {all}"
    );
    assert!(
        all.contains(r#"<a href="/map?dimension=ENV&#38;province=73">Sulawesi Selatan</a> <span class="meta">(1 project)</span>"#),
        "the list of provinces: {all}"
    );
    assert!(!all.contains("#9aa5b1"), "no pale labels");

    let (status, south) = app.page_as("/map?province=73", None, "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        south.contains("<h1>Peta peluang investasi: Sulawesi Selatan</h1>"),
        "{south}"
    );
    assert!(south.contains(r#"<a href="/map">Seluruh Indonesia</a>"#));
    assert!(
        south.matches("<path d=\"M").count() > 20,
        "the province and its 24 regencies and cities"
    );
    assert!(south.contains(r#"<a href="/regions/73.09" tabindex="-1" aria-hidden="true">"#));
    assert!(south.contains(r#"data-region="73.73""#));
    assert!(south.contains(r#"<input type="hidden" name="province" value="73">"#));
    assert!(
        south.contains(r#"<th scope="row"><a href="/regions/73.73">Kota Palopo</a></th>"#),
        "{south}"
    );
    assert!(south.contains(r#"aria-current="page">Sulawesi Selatan</a>"#));

    let (_, java) = app.page_as("/map?province=32", None, "en").await;
    assert!(
        !java.contains("data-region="),
        "no circle outside the province"
    );
    assert!(java.contains("No region has published projects"), "{java}");

    let (status, bad) = app.page_as("/map?province=73.73", None, "en").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
}

#[tokio::test]
async fn a_regions_page_draws_its_outline_inside_its_province() {
    let app = spawn_app().await;
    let (status, page) = app.page_as("/regions/73.73", None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<svg class="locator" role="img" aria-label="Map of the region: Kota Palopo, Sulawesi Selatan""#),
        "{page}"
    );
    assert!(page.contains(r#"<a href="/map?province=73">"#));
    let (_, province) = app.page_as("/regions/73", None, "id").await;
    assert!(
        province.contains(r#"aria-label="Peta daerah: Sulawesi Selatan""#),
        "{province}"
    );
}
