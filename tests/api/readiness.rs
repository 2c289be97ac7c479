//! A project's readiness card: kept as the region gives it, checked like every input, and shown
//! only to verified investors, the region and staff.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, code, refused_fields, spawn_app};

fn card() -> Value {
    json!({
        "expected_irr_pct": 12.5,
        "payback_years": 7.0,
        "risk_level": "medium_high",
        "land_status": "government_land_available",
        "land_note": {"id": "Lahan milik Pemda, bersertifikat", "en": "Government land with title"},
        "permits": [
            {"kind": "kkpr", "status": "issued", "reference": "KKPR-7373-2026-014"},
            {"kind": "ukl_upl", "status": "in_process"}
        ],
        "incentives": ["tax_holiday", "special_economic_zone", "tax_holiday"],
        "contact": {
            "name": "Andi Makkasau",
            "role": "Kepala Bidang Promosi, DPMPTSP",
            "email": "Promosi@Palopo.example.id",
            "phone": "+62 471 321450"
        }
    })
}

/// A published Palopo project with the card, its official and staff.
async fn project_with_card(app: &TestApp) -> (String, TestUser, TestUser) {
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar with a card", "3510", "90000000000");
    body["readiness"] = card();
    let id = app.published_project(&official, &staff, body).await;
    (id, official, staff)
}

/// An investor whose organisation staff have verified.
async fn verified_investor(app: &TestApp, staff: &TestUser) -> TestUser {
    let investor = app.user(Role::Investor, None).await;
    app.verify_investor(staff, &investor).await;
    investor
}

#[tokio::test]
async fn the_card_is_kept_tidied_and_shown_to_verified_investors_the_region_and_staff() {
    let app = spawn_app().await;
    let (id, official, staff) = project_with_card(&app).await;
    let path = format!("/api/v1/projects/{id}");
    let (_, seen) = app.get(&path, Some(&official.token)).await;
    let readiness = &seen["readiness"];
    assert_eq!(readiness["risk_level"], "medium_high");
    assert_eq!(
        readiness["incentives"],
        json!(["special_economic_zone", "tax_holiday"]),
        "each incentive once"
    );
    assert_eq!(
        readiness["permits"],
        json!([
            {"kind": "kkpr", "status": "issued", "reference": "KKPR-7373-2026-014"},
            {"kind": "ukl_upl", "status": "in_process", "reference": null}
        ])
    );
    assert_eq!(
        readiness["contact"]["email"], "promosi@palopo.example.id",
        "the address normalised"
    );
    assert_eq!(readiness["land_note"]["en"], "Government land with title");

    let verified = verified_investor(&app, &staff).await;
    let unverified = app.user(Role::Investor, None).await;
    let other_region = app.user(Role::Official, Some("64.71")).await;
    for (who, token, shown) in [
        ("a visitor", None, false),
        ("an unverified investor", Some(&unverified.token), false),
        (
            "another region's official",
            Some(&other_region.token),
            false,
        ),
        ("a verified investor", Some(&verified.token), true),
        ("staff", Some(&staff.token), true),
    ] {
        let (status, seen) = app.get(&path, token.map(String::as_str)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            seen["title"]["en"], "Solar with a card",
            "{who} sees the teaser"
        );
        assert_eq!(
            seen.get("readiness").is_some(),
            shown,
            "{who} and the readiness card: {seen}"
        );
        let (_, list) = app
            .get("/api/v1/projects?q=card", token.map(String::as_str))
            .await;
        assert_eq!(
            list["items"][0].get("readiness").is_some(),
            shown,
            "{who} and the card in lists: {list}"
        );
    }
}

#[tokio::test]
async fn a_card_the_rules_refuse_changes_nothing_and_names_the_field() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Draft with a card", "3510", "90000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let path = format!("/api/v1/projects/{}", created["id"].as_str().unwrap());
    let (status, _) = app
        .call(
            Method::PATCH,
            &path,
            Some(&official.token),
            Some(json!({"readiness": card()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut twice = card();
    twice["permits"] = json!([
        {"kind": "amdal", "status": "issued"},
        {"kind": "amdal", "status": "not_started"}
    ]);
    let mut no_email = card();
    no_email["contact"]["email"] = json!("not an address");
    let mut irr = card();
    irr["expected_irr_pct"] = json!(1500);
    let mut phone = card();
    phone["contact"]["phone"] = json!("call me");
    for (bad, field) in [
        (twice, "readiness.permits"),
        (no_email, "readiness.contact.email"),
        (irr, "readiness.expected_irr_pct"),
        (phone, "readiness.contact.phone"),
    ] {
        let (status, body) = app
            .call(
                Method::PATCH,
                &path,
                Some(&official.token),
                Some(json!({"readiness": bad})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]["fields"].get(field).is_some(),
            "{field}: {body}"
        );
    }
    let mut unknown = card();
    unknown["risk_level"] = json!("extreme");
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&official.token),
            Some(json!({"readiness": unknown})),
        )
        .await;
    assert!(status.is_client_error(), "{status} {body}");
    assert_ne!(code(&body), "internal");
    let (_, stored) = app.get(&path, Some(&official.token)).await;
    assert_eq!(stored["readiness"]["expected_irr_pct"], 12.5, "unchanged");
    assert_eq!(stored["readiness"]["permits"][0]["kind"], "kkpr");

    // A change without the card keeps it; a card replaces it whole.
    let (_, kept) = app
        .call(
            Method::PATCH,
            &path,
            Some(&official.token),
            Some(json!({"stage": "ready_to_offer"})),
        )
        .await;
    assert_eq!(kept["readiness"]["risk_level"], "medium_high");
    let (_, replaced) = app
        .call(
            Method::PATCH,
            &path,
            Some(&official.token),
            Some(json!({"readiness": {"risk_level": "low"}})),
        )
        .await;
    assert_eq!(
        replaced["readiness"],
        json!({
            "expected_irr_pct": null, "payback_years": null, "risk_level": "low",
            "land_status": null, "land_note": null, "permits": [], "permit_note": null,
            "incentives": [], "contact": null
        })
    );
}

#[tokio::test]
async fn a_card_with_three_mistakes_is_refused_naming_all_three_beside_the_projects_own() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let mut body = TestApp::project_body("73.73", "Draft with a card", "3510", "90000000000");
    body["readiness"] = card();
    let (status, created) = app
        .post("/api/v1/projects", Some(&official.token), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/api/v1/projects/{}", created["id"].as_str().unwrap());
    let mut bad = card();
    bad["expected_irr_pct"] = json!(1500);
    bad["contact"]["email"] = json!("not an address");
    bad["contact"]["phone"] = json!("call me");
    let change = json!({"readiness": bad, "title": {"id": "", "en": ""}});
    let (status, refused) = app
        .call(Method::PATCH, &path, Some(&official.token), Some(change))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        [
            "readiness.contact.email",
            "readiness.contact.phone",
            "readiness.expected_irr_pct",
            "title"
        ]
    );
    let (_, stored) = app.get(&path, Some(&official.token)).await;
    assert_eq!(stored["readiness"], created["readiness"], "nothing changed");
    assert_eq!(stored["title"], created["title"]);
}

#[tokio::test]
async fn the_opportunity_page_shows_the_card_to_a_verified_investor_and_says_who_else_may_see_it() {
    let app = spawn_app().await;
    let (id, _, staff) = project_with_card(&app).await;
    let path = format!("/opportunities/{id}");
    let (status, anonymous) = app.page_as(&path, None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        anonymous.contains("are for verified investors") && !anonymous.contains("Andi Makkasau"),
        "{anonymous}"
    );
    assert!(
        !anonymous.contains(r#"class="locator""#),
        "no map without a location: {anonymous}"
    );
    let investor = verified_investor(&app, &staff).await;
    let session = app.page_session(&investor.email).await;
    let (_, seen) = app.page_as(&path, Some(&session), "id").await;
    for shown in [
        "<dt>Tingkat risiko (OSS-RBA)</dt><dd>Menengah tinggi</dd>",
        "<dt>Perkiraan IRR</dt><dd>12,5 %</dd>",
        "<dt>Lahan</dt><dd>Tersedia lahan pemerintah: Lahan milik Pemda, bersertifikat</dd>",
        "<td>KKPR (kesesuaian kegiatan pemanfaatan ruang)</td><td>Terbit</td><td>KKPR-7373-2026-014</td>",
        "<li>Kawasan Ekonomi Khusus (KEK)</li>",
        "mailto:promosi@palopo.example.id",
    ] {
        assert!(seen.contains(shown), "{shown}: {seen}");
    }
}

#[tokio::test]
async fn officials_fill_the_card_in_the_browser_and_a_problem_keeps_what_was_typed() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (_, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Draft for the form", "3510", "90000000000"),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let session = app.page_session(&official.email).await;
    let form = format!("/my-projects/{id}/readiness");
    let (status, page) = app.page_as(&form, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"name="permit_amdal""#), "{page}");

    let refused = app
        .submit(
            &form,
            &session,
            &[
                ("expected_irr_pct", "twelve"),
                ("contact_name", "Andi Makkasau"),
                ("contact_email", "andi@palopo.example.id"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains(r#"id="expected_irr_pct-problem""#)
            && page.contains(r#"value="andi@palopo.example.id""#),
        "the problem at its field, the input kept: {page}"
    );
    let (_, stored) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    assert_eq!(stored["readiness"]["contact"], Value::Null, "nothing saved");

    let saved = app
        .submit(
            &form,
            &session,
            &[
                ("expected_irr_pct", "12,5"),
                ("payback_years", "8"),
                ("risk_level", "high"),
                ("land_status", "in_acquisition"),
                ("land_note_id", "Sebagian lahan warga"),
                ("permit_amdal", "in_process"),
                ("permit_amdal_reference", ""),
                ("permit_pbg", ""),
                ("incentives", "tax_allowance"),
                ("contact_name", "Andi Makkasau"),
                ("contact_email", "andi@palopo.example.id"),
                ("lat", "-2,99"),
                ("lng", "120.19"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, stored) = app
        .get(&format!("/api/v1/projects/{id}"), Some(&official.token))
        .await;
    let readiness = &stored["readiness"];
    assert_eq!(readiness["expected_irr_pct"], 12.5);
    assert_eq!(
        readiness["permits"],
        json!([{"kind": "amdal", "status": "in_process", "reference": null}])
    );
    assert_eq!(readiness["incentives"], json!(["tax_allowance"]));
    assert_eq!(
        readiness["land_note"],
        json!({"id": "Sebagian lahan warga", "en": ""})
    );
    assert_eq!(stored["location"], json!({"lat": -2.99, "lng": 120.19}));
    let (_, page) = app
        .page_as(&format!("/my-projects/{id}"), Some(&session), "en")
        .await;
    assert!(
        page.contains("<dt>Risk level (OSS-RBA)</dt><dd>High</dd>"),
        "the project page shows the card: {page}"
    );
    let (_, opportunity) = app
        .page_as(&format!("/opportunities/{id}"), Some(&session), "en")
        .await;
    for shown in [&page, &opportunity] {
        assert!(
            shown.contains("<dd>-2.9900, 120.1900<svg class=\"locator\"")
                && shown.contains("Kota Palopo, Sulawesi Selatan (-2.9900, 120.1900)"),
            "the coordinates and the map of the place: {shown}"
        );
    }
    let (_, form_again) = app.page_as(&form, Some(&session), "id").await;
    assert!(
        form_again.contains(r#"value="12,5""#),
        "the stored figure, as the language writes it: {form_again}"
    );
}
