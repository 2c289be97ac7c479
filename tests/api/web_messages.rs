//! Page forms refused by the rules say what each field needs in the page's language, mark the
//! field, keep the input and store nothing.

use reqwest::StatusCode;
use sepadan::auth::Role;

use crate::helpers::{PASSWORD, TestApp, no_redirects, spawn_app};
use crate::web_investors::mandate_form;

/// Posts a page form as a browser in `lang` would, signed in with `session` (if any) whose
/// account language is switched to `lang` first; gives back status and HTML.
async fn post_in(
    app: &TestApp,
    lang: &str,
    session: Option<&str>,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut cookie = format!("lang={lang}");
    if let Some(session) = session {
        app.page_as("/", Some(session), lang).await;
        cookie = format!("{session}; {cookie}");
    }
    let response = no_redirects()
        .post(app.url(path))
        .header("origin", &app.address)
        .header("cookie", cookie)
        .form(fields)
        .send()
        .await
        .expect("form sent");
    let status = response.status();
    (status, response.text().await.expect("page read"))
}

/// The project form with an unknown sector code.
const PROJECT: [(&str, &str); 10] = [
    ("title_en", "Street lights"),
    ("title_id", "Lampu jalan"),
    ("sectors", "9999"),
    ("value", "1.000.000.000"),
    ("currency", "IDR"),
    ("description_en", "LED"),
    ("description_id", "LED"),
    ("dimensions", "ENV"),
    ("stage", "idea"),
    ("instruments", "ppp"),
];

#[tokio::test]
async fn the_project_form_says_what_a_field_needs_in_the_pages_language() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    let cases = [
        (
            "id",
            "Pilih 1 sampai 10 sektor ISIC yang dikenal",
            "Perbaiki isian",
        ),
        ("en", "Choose 1 to 10 known ISIC sectors", "Please correct"),
    ];
    for (lang, need, summary) in cases {
        let (status, page) =
            post_in(&app, lang, Some(&session), "/my-projects/new", &PROJECT).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(
            page.contains(need) && page.contains(summary),
            "{lang}: {page}"
        );
        assert!(!page.contains("ISIC Rev.4 code"), "no rule's words: {page}");
        assert!(
            page.contains(r#"<fieldset id="sectors" aria-describedby="sectors-problem">"#)
                && page.contains(
                    r#"id="sector_codes" name="sectors" value="9999" aria-invalid="true""#
                ),
            "the field is marked and the unknown code kept: {page}"
        );
        assert!(
            page.contains(r##"<a href="#sectors">"##),
            "the summary links to it"
        );
        assert!(
            page.contains(r#"value="Street lights""#),
            "the input is kept"
        );
        assert!(page.contains(r#"value="ENV" checked"#));
    }
    let (_, drafts) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(drafts["total"], 0, "nothing was stored");

    // The edit form: a title in neither language marks both title fields.
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Street lights", "4220", "1000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let mut untitled = PROJECT.to_vec();
    untitled.retain(|(name, _)| !name.starts_with("title") && *name != "sectors");
    untitled.extend([("title_en", ""), ("title_id", ""), ("sectors", "4220")]);
    let path = format!("/my-projects/{id}/edit");
    let (status, page) = post_in(&app, "id", Some(&session), &path, &untitled).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Isi judul dalam bahasa Indonesia"), "{page}");
    assert!(!page.contains("give it in Indonesian"), "{page}");
    assert!(
        page.contains(r#"name="title_id" value="" aria-invalid="true""#),
        "{page}"
    );
    let (_, stored) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    assert_eq!(stored["title"]["en"], "Street lights", "unchanged");
}

#[tokio::test]
async fn the_mandate_form_says_what_a_field_needs_in_the_pages_language() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let organisation = format!(
        "/api/v1/investors/{}",
        investor.investor_id.as_deref().unwrap()
    );
    let (_, before) = app.get(&organisation, Some(&investor.token)).await;
    let bad = mandate_form(&[("other_sectors", "9999"), ("country", "XX")]);
    let cases = [
        (
            "id",
            ["Gunakan hanya kode sektor ISIC", "Pilih negara dari daftar"],
        ),
        (
            "en",
            [
                "Use only known ISIC sector codes",
                "Choose a country from the list",
            ],
        ),
    ];
    for (lang, needs) in cases {
        let (status, page) = post_in(&app, lang, Some(&session), "/mandate", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        for need in needs {
            assert!(page.contains(need), "{lang}: {need}: {page}");
        }
        assert!(!page.contains("is not a known code"), "{page}");
        assert!(!page.contains("ISO 3166-1"), "{page}");
        assert!(
            page.contains(r#"name="other_sectors" value="9999" aria-describedby="codes-hint other_sectors-problem" aria-invalid="true""#),
            "the field is marked and kept: {page}"
        );
        assert!(
            page.contains(r#"<select id="country" name="country" required aria-invalid="true" aria-describedby="country-problem">"#)
                && page.contains(r#"<option value="XX" selected>XX</option>"#),
            "the country is marked and kept: {page}"
        );
    }
    let (_, after) = app.get(&organisation, Some(&investor.token)).await;
    assert_eq!(after, before, "nothing was stored");
}

/// The registration form, with `changes` replacing fields.
fn registration<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Yuki Tanaka"),
        ("email", "yuki@sakura.example"),
        ("password", "a long enough password"),
        ("organisation", "Sakura Green Fund"),
        ("kind", "fund"),
        ("country", "JP"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

#[tokio::test]
async fn the_registration_form_says_what_a_field_needs_in_the_pages_language() {
    let app = spawn_app().await;
    let cases = [
        (
            "id",
            "Pilih negara dari daftar",
            "Gunakan 12 sampai 128 karakter",
        ),
        (
            "en",
            "Choose a country from the list",
            "Use 12 to 128 characters",
        ),
    ];
    for (lang, country_need, password_need) in cases {
        let bad_country = registration(&[("country", "XX")]);
        let (status, page) = post_in(&app, lang, None, "/register", &bad_country).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(page.contains(country_need), "{lang}: {page}");
        assert!(!page.contains("organisation.country") && !page.contains("ISO 3166-1"));
        assert!(
            page.contains(r#"<select id="country" name="country" required aria-invalid="true" aria-describedby="country-problem">"#)
                && page.contains(r#"<option value="XX" selected>XX</option>"#),
            "{page}"
        );
        assert!(
            page.contains(r#"value="Sakura Green Fund""#),
            "the input is kept"
        );

        let short = registration(&[("password", "short")]);
        let (status, page) = post_in(&app, lang, None, "/register", &short).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(page.contains(password_need), "{lang}: {page}");
        assert!(!page.contains("must be between"), "{page}");
        assert!(page.contains(
            r#"name="password" autocomplete="new-password" required aria-invalid="true""#
        ));
        assert!(page.contains(r#"value="yuki@sakura.example""#));
    }
    let (status, _) = app.login("yuki@sakura.example", "short").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no account was made");

    let cases = [
        (
            "id",
            "Kata sandi ini terlalu mudah ditebak: kata sandi yang umum",
        ),
        (
            "en",
            "This password is too easy to guess: it is a common password",
        ),
    ];
    for (lang, why) in cases {
        let weak = registration(&[("password", "password1234")]);
        let (status, page) = post_in(&app, lang, None, "/register", &weak).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(page.contains(why), "{lang}: {page}");
        assert!(
            !page.contains("; use a few uncommon words"),
            "not the API's words: {page}"
        );
    }
}

#[tokio::test]
async fn the_reset_password_form_says_what_the_password_needs_in_the_pages_language() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let (status, _) = post_in(
        &app,
        "id",
        None,
        "/forgot-password",
        &[("email", &investor.email)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let email = app
        .email_text(&investor.email, "Atur ulang kata sandi")
        .await;
    let token = crate::helpers::token_in(&email);
    let weak = [("token", token.as_str()), ("password", "short")];
    let (status, page) = post_in(&app, "id", None, "/reset-password", &weak).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Gunakan 12 sampai 128 karakter"), "{page}");
    assert!(!page.contains("must be between"), "{page}");
    assert!(page.contains(r#"required aria-invalid="true" aria-describedby="password-problem""#));
    for (lang, why) in [
        ("id", "Kata sandi ini terlalu mudah ditebak: deretan tombol"),
        ("en", "This password is too easy to guess: keyboard rows"),
    ] {
        let weak = [("token", token.as_str()), ("password", "aaaaaaaaaaaaaaaa")];
        let (status, page) = post_in(&app, lang, None, "/reset-password", &weak).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(page.contains(why), "{lang}: {page}");
    }
    let (status, _) = app.login(&investor.email, PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the password is unchanged");
}

#[tokio::test]
async fn the_settings_form_marks_the_refused_field_in_the_pages_language() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    let cases = [
        ("id", "Zona waktu ini tidak dikenal"),
        ("en", "This is not a known time zone"),
    ];
    for (lang, need) in cases {
        let profile = [
            ("name", "Andi Maros"),
            ("language", lang),
            ("time_zone", "Mars/Olympus"),
        ];
        let (status, page) =
            post_in(&app, lang, Some(&session), "/settings/profile", &profile).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{lang}");
        assert!(page.contains(need), "{lang}: {page}");
        assert!(!page.contains("is not an IANA time zone"), "{page}");
        assert!(
            page.contains(r#"<select id="time_zone" name="time_zone" aria-describedby="zone-help time_zone-problem" aria-invalid="true">"#)
                && page.contains(r#"<option value="Mars/Olympus" selected>Mars/Olympus</option>"#),
            "the field is marked and kept: {page}"
        );
    }
    let (_, me) = app.get("/api/v1/me", Some(&official.token)).await;
    assert_eq!(me["name"], "Test User", "nothing was stored");
}
