//! The investor pages: the mandate editor, staff verification, and officials' projects with
//! their matched and interested investors, in both languages.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::matches::{investor_with_mandate, solar_mandate, two_projects};

/// The investor's organisation as the API gives it to the investor.
async fn organisation(app: &TestApp, investor: &TestUser) -> Value {
    let id = investor.investor_id.as_deref().unwrap();
    let (status, body) = app
        .get(&format!("/api/v1/investors/{id}"), Some(&investor.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// A complete mandate form for the test investor, with `changes` replacing fields.
pub(crate) fn mandate_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "Test Capital"),
        ("kind", "fund"),
        ("country", "SG"),
        ("website", ""),
        ("description", "A fund for clean cities."),
        ("contact_name", ""),
        ("contact_email", "deals@testcapital.example"),
        ("contact_phone", "+65 6123 4567"),
        ("sectors", "D"),
        ("other_sectors", ""),
        ("excluded_sectors", ""),
        ("dimensions", "ENV"),
        ("ticket_min", "5.000.000"),
        ("ticket_max", "20.000.000"),
        ("currency", "USD"),
        ("provinces", "73"),
        ("regions", ""),
        ("stages", "feasibility_study"),
        ("instruments", "ppp"),
        ("thesis", "Rooftop solar for eastern Indonesian cities"),
        ("discoverable", "true"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

#[tokio::test]
async fn a_mandate_saved_in_the_form_changes_the_dashboards_matches() {
    let app = spawn_app().await;
    two_projects(&app).await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;

    let (_, before) = app.page_as("/dashboard", Some(&session), "en").await;
    assert!(before.contains("href=\"/mandate\""), "{before}");
    assert!(
        !before.contains("Rooftop solar for Palopo"),
        "no mandate, no matches"
    );
    for (lang, word) in [("en", "Investment mandate"), ("id", "Mandat investasi")] {
        let (status, form) = app.page_as("/mandate", Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains(word), "{lang}: {form}");
        assert!(
            form.contains("value=\"Test Capital\""),
            "the profile is filled in"
        );
        assert!(
            form.contains("<option value=\"73\">"),
            "provinces to choose from"
        );
    }

    let response = app.submit("/mandate", &session, &mandate_form(&[])).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/dashboard");

    let (_, after) = app.page_as("/dashboard", Some(&session), "en").await;
    assert!(after.contains("Rooftop solar for Palopo"), "{after}");
    let stored = organisation(&app, &investor).await;
    assert_eq!(stored["description"], "A fund for clean cities.");
    assert_eq!(stored["mandate"]["sectors"], json!(["D"]));
    assert_eq!(stored["mandate"]["provinces"], json!(["73"]));
    assert_eq!(stored["mandate"]["ticket"]["min"], "5000000");
    assert_eq!(stored["mandate"]["discoverable"], true);

    let (_, again) = app.page_as("/mandate", Some(&session), "id").await;
    assert!(again.contains(r#"value="D" checked"#), "{again}");
    assert!(again.contains(r#"<option value="73" selected>"#));
    assert!(again.contains(r#"value="5000000""#));
    assert!(again.contains("Rooftop solar for eastern Indonesian cities"));
}

#[tokio::test]
async fn a_bad_mandate_is_refused_with_nothing_changed_and_the_input_kept() {
    let app = spawn_app().await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let session = app.page_session(&investor.email).await;
    let before = organisation(&app, &investor).await;

    let upside_down = mandate_form(&[
        ("name", "Renamed Capital"),
        ("ticket_min", "30000000"),
        ("ticket_max", "1000000"),
    ]);
    let response = app.submit("/mandate", &session, &upside_down).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("href=\"#ticket\""),
        "the field is named: {page}"
    );
    assert!(
        page.contains(r#"name="ticket_min" value="30000000" aria-invalid="true" aria-describedby="ticket-problem""#),
        "the input is kept, marked with the ticket's problem: {page}"
    );
    assert!(page.contains(r#"value="Renamed Capital""#));

    let unknown = mandate_form(&[("other_sectors", "9999"), ("country", "XX")]);
    let response = app.submit("/mandate", &session, &unknown).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Gunakan hanya kode sektor ISIC"), "{page}");
    assert!(
        page.contains("href=\"#country\""),
        "both problems are named"
    );
    assert!(page.contains(r#"value="9999""#));

    assert_eq!(
        organisation(&app, &investor).await,
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_mandate_form_with_three_mistakes_shows_all_three_at_their_fields_in_the_page_language() {
    let app = spawn_app().await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let session = app.page_session(&investor.email).await;
    app.page_as("/mandate", Some(&session), "id").await;
    let before = organisation(&app, &investor).await;
    let wrong = mandate_form(&[
        ("website", "ftp://files.example"),
        ("contact_phone", "telepon kami"),
        ("other_sectors", "Z9"),
    ]);
    let response = app.submit("/mandate", &session, &wrong).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"<div class="problem" role="alert" tabindex="-1" autofocus>"#),
        "the summary takes focus: {page}"
    );
    for (id, said) in [
        (
            "website",
            "Isi alamat situs web yang diawali https:// atau http://.",
        ),
        (
            "contact_phone",
            "Isi nomor telepon, misalnya +62 411 123456.",
        ),
        (
            "other_sectors",
            "Gunakan hanya kode sektor ISIC yang dikenal",
        ),
    ] {
        assert!(
            page.contains(&format!(r##"<a href="#{id}">"##)),
            "{id}: {page}"
        );
        assert!(
            page.contains(&format!(r#"id="{id}-problem">{said}"#)),
            "{id} has its message at the field: {page}"
        );
    }
    for marked in [
        r#"name="website" value="ftp://files.example" aria-invalid="true" aria-describedby="website-problem""#,
        r#"name="contact_phone" value="telepon kami" aria-invalid="true" aria-describedby="contact_phone-problem""#,
        r#"name="other_sectors" value="Z9" aria-describedby="codes-hint other_sectors-problem" aria-invalid="true""#,
    ] {
        assert!(page.contains(marked), "{marked}: {page}");
    }
    assert!(
        page.contains(r#"value="Test Capital""#),
        "the input is kept"
    );
    assert_eq!(
        organisation(&app, &investor).await,
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn staff_verify_an_investor_from_its_page() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let id = investor.investor_id.clone().unwrap();
    let session = app.page_session(&staff.email).await;

    for (lang, word) in [
        ("en", "Waiting for verification"),
        ("id", "Menunggu verifikasi"),
    ] {
        let (status, list) = app.page_as("/investors", Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains(word), "{lang}: {list}");
        assert!(
            list.contains(&format!("href=\"/investors/{id}\"")),
            "{list}"
        );
        assert!(list.contains("Test Capital") && list.contains("SG"));
    }
    let (_, found) = app
        .page_as("/investors?show=all&q=capital", Some(&session), "en")
        .await;
    assert!(found.contains("Test Capital"), "searched by name: {found}");
    for query in ["q=nomatch", "country=JP"] {
        let (_, missing) = app
            .page_as(
                &format!("/investors?show=all&{query}"),
                Some(&session),
                "en",
            )
            .await;
        assert!(!missing.contains("Test Capital"), "{query}");
    }
    let (_, by_country) = app
        .page_as("/investors?country=sg", Some(&session), "en")
        .await;
    assert!(
        by_country.contains("Test Capital"),
        "by country: {by_country}"
    );

    for (lang, word, ticket) in [
        (
            "en",
            "Verify this investor",
            "USD 5,000,000 – USD 20,000,000",
        ),
        (
            "id",
            "Verifikasi investor ini",
            "USD 5.000.000 – USD 20.000.000",
        ),
    ] {
        let (status, one) = app
            .page_as(&format!("/investors/{id}"), Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(one.contains(word), "{lang}: {one}");
        assert!(
            one.contains("deals@testcapital.example"),
            "contacts for staff"
        );
        assert!(one.contains(ticket), "{lang}: {one}");
        assert!(one.contains("Kota Palopo"), "the mandate's region by name");
    }

    let response = app
        .submit(&format!("/investors/{id}/verify"), &session, &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/investors/{id}").as_str()
    );
    assert_eq!(organisation(&app, &investor).await["verified"], true);
    let (_, one) = app
        .page_as(&format!("/investors/{id}"), Some(&session), "en")
        .await;
    assert!(one.contains("Verified on") && !one.contains("Verify this investor"));
    let (_, list) = app.page_as("/investors", Some(&session), "en").await;
    assert!(!list.contains("Test Capital"), "no longer waiting");
    let (_, notices) = app
        .get("/api/v1/me/notifications", Some(&investor.token))
        .await;
    assert!(
        notices.to_string().contains("investor_verified"),
        "the investor is told: {notices}"
    );
}

#[tokio::test]
async fn only_staff_see_and_verify_investors() {
    let app = spawn_app().await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let id = investor.investor_id.clone().unwrap();
    let official = app.user(Role::Official, Some("73.73")).await;
    for user in [&investor, &official] {
        let session = app.page_session(&user.email).await;
        let (status, page) = app.page_as("/investors", Some(&session), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(page.contains("forbidden"), "the stable code: {page}");
        let (status, _) = app
            .page_as(&format!("/investors/{id}"), Some(&session), "id")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let response = app
            .submit(&format!("/investors/{id}/verify"), &session, &[])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let (status, _) = app.page_as("/investors", None, "en").await;
    assert_eq!(status, StatusCode::OK, "sent on to the sign-in page");
    assert_eq!(organisation(&app, &investor).await["verified"], false);
}

#[tokio::test]
async fn an_official_edits_a_draft_of_its_own_region_only() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Street lights", "3510", "1000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let session = app.page_session(&official.email).await;
    let edit_path = format!("/my-projects/{id}/edit");

    let (_, list) = app.page_as("/my-projects", Some(&session), "en").await;
    assert!(list.contains(&format!("href=\"{edit_path}\"")), "{list}");
    for (lang, word) in [("en", "Edit the project"), ("id", "Ubah proyek")] {
        let (status, form) = app.page_as(&edit_path, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains(word), "{lang}: {form}");
        assert!(
            form.contains(r#"value="Street lights""#),
            "filled in: {form}"
        );
        assert!(form.contains(r#"value="ENV" checked"#));
        assert!(form.contains(&format!("action=\"{edit_path}\"")));
    }

    let fields = |sectors: &'static str| {
        [
            ("title_en", "LED street lights"),
            ("title_id", "Lampu jalan LED"),
            ("sectors", sectors),
            ("value", "2.000.000.000"),
            ("currency", "IDR"),
            ("description_en", "LED lights for every street."),
            ("description_id", "Lampu LED untuk setiap jalan."),
            ("dimensions", "ENV"),
            ("stage", "idea"),
            ("instruments", "ppp"),
        ]
    };
    let response = app.submit(&edit_path, &session, &fields("9999")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"value="LED street lights""#),
        "kept: {page}"
    );
    let (_, unchanged) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    assert_eq!(unchanged["title"]["en"], "Street lights");

    let response = app.submit(&edit_path, &session, &fields("3510")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        format!("/my-projects/{id}").as_str()
    );
    let (_, changed) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    assert_eq!(changed["title"]["en"], "LED street lights");
    assert_eq!(changed["value"]["amount"], "2000000000");
    assert_eq!(changed["elements"], json!(["ENV-3"]), "elements are kept");

    for (lang, word, status) in [
        ("en", "Investors are matched once", "Draft"),
        ("id", "Investor dicocokkan setelah", "Draf"),
    ] {
        let (code, page) = app
            .page_as(&format!("/my-projects/{id}"), Some(&session), lang)
            .await;
        assert_eq!(code, StatusCode::OK);
        assert!(
            page.contains(word) && page.contains(status),
            "{lang}: {page}"
        );
        assert!(page.contains("LED street lights") || page.contains("Lampu jalan LED"));
    }

    let other = app.user(Role::Official, Some("64.71")).await;
    let other_session = app.page_session(&other.email).await;
    let (status, _) = app.page_as(&edit_path, Some(&other_session), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .page_as(&format!("/my-projects/{id}"), Some(&other_session), "en")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = app
        .submit(&edit_path, &other_session, &fields("3510"))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (_, submitted) = app
        .post(
            &format!("/api/v1/projects/{id}/submit"),
            Some(&official.token),
            json!({}),
        )
        .await;
    assert_eq!(submitted["status"], "submitted");
    let (status, page) = app.page_as(&edit_path, Some(&session), "en").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "submitted: no more edits: {page}"
    );
}

#[tokio::test]
async fn a_projects_page_lists_its_matched_and_interested_investors() {
    let app = spawn_app().await;
    let (solar, housing) = two_projects(&app).await;
    let staff = app.user(Role::Staff, None).await;
    let matched = investor_with_mandate(&app, solar_mandate(true)).await;
    let keen = investor_with_mandate(&app, solar_mandate(true)).await;
    let keen_id = keen.investor_id.clone().unwrap();
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/investors/{keen_id}"),
            Some(&keen.token),
            Some(json!({"name": "Sakura Green Fund"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for investor in [&matched, &keen] {
        let id = investor.investor_id.as_deref().unwrap();
        let (status, _) = app
            .post(
                &format!("/api/v1/investors/{id}/verify"),
                Some(&staff.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/investors/{keen_id}/feedback/{solar}"),
            Some(&keen.token),
            Some(json!({"interest": "must_meet"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let palopo = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&palopo.email).await;
    let (_, list) = app.page_as("/my-projects", Some(&session), "en").await;
    assert!(
        list.contains(&format!("href=\"/my-projects/{solar}\"")),
        "{list}"
    );
    for (lang, heading, answer) in [
        ("en", "Matched investors", "Must meet"),
        ("id", "Investor yang cocok", "Wajib bertemu"),
    ] {
        let (status, page) = app
            .page_as(&format!("/my-projects/{solar}"), Some(&session), lang)
            .await;
        assert_eq!(status, StatusCode::OK);
        let (interested, ranked) = page.split_once(heading).expect(heading);
        assert!(
            interested.contains("Sakura Green Fund") && interested.contains(answer),
            "{lang}: {interested}"
        );
        assert!(
            !interested.contains("Test Capital"),
            "no answer, not listed"
        );
        assert!(
            ranked.contains("Test Capital") && ranked.contains("Sakura Green Fund"),
            "{lang}: {ranked}"
        );
    }
    let (status, page) = app
        .page_as(&format!("/my-projects/{housing}"), Some(&session), "en")
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "another region's project: {page}"
    );
}

#[tokio::test]
async fn the_investor_and_project_pages_fit_a_360_pixel_phone() {
    let app = spawn_app().await;
    let (solar, _) = two_projects(&app).await;
    let investor = investor_with_mandate(&app, solar_mandate(true)).await;
    let id = investor.investor_id.clone().unwrap();
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let (status, _) = app
        .post(
            &format!("/api/v1/investors/{id}/verify"),
            Some(&staff.token),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let Some(browser) = crate::browser::browser(360, 780).await else {
        return;
    };
    let c = &browser.client;
    let investor_pages = [("/mandate", "phone-mandate")];
    let staff_pages = [
        ("/investors".to_owned(), "phone-investors"),
        (format!("/investors/{id}"), "phone-investor"),
    ];
    let official_pages = [(format!("/my-projects/{solar}"), "phone-my-project")];
    let visits: [(&TestUser, Vec<(String, &str)>); 3] = [
        (
            &investor,
            investor_pages
                .iter()
                .map(|(p, n)| ((*p).to_owned(), *n))
                .collect(),
        ),
        (&staff, staff_pages.to_vec()),
        (&palopo, official_pages.to_vec()),
    ];
    for (user, pages) in visits {
        crate::browser::sign_in(c, &app, &user.email).await;
        for (path, name) in pages {
            c.goto(&app.url(&path)).await.unwrap();
            let widths = c
                .execute(
                    "return [window.innerWidth, document.documentElement.scrollWidth];",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                widths[0],
                json!(360),
                "{path}: the page is laid out 360 px wide"
            );
            assert!(
                widths[1].as_i64() <= widths[0].as_i64(),
                "{path} scrolls sideways at 360 px: {widths}"
            );
            crate::browser::screenshot(c, name).await;
            c.execute("window.scrollTo(0, 700);", vec![]).await.unwrap();
            crate::browser::screenshot(c, &format!("{name}-further")).await;
        }
        c.find(fantoccini::Locator::Css(".account button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(fantoccini::Locator::Css(r#".account a[href="/sign-in"]"#))
            .await
            .unwrap();
    }
    c.clone().close().await.unwrap();
}
