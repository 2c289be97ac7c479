//! The pages, rendered in both languages (the browser tests come with the signed-in pages).

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE};
use sepadan::auth::Role;

use crate::helpers::{TestApp, no_redirects, spawn_app};

async fn page(
    app: &TestApp,
    path: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> (StatusCode, String) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn with_projects(app: &TestApp) -> String {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    app.published_project(
        &balikpapan,
        &staff,
        TestApp::project_body("64.71", "Port logistics hub", "5210", "950000000000"),
    )
    .await;
    app.published_project(
        &palopo,
        &staff,
        TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
    )
    .await
}

#[tokio::test]
async fn the_home_page_speaks_indonesian_or_the_browsers_language() {
    let app = spawn_app().await;
    with_projects(&app).await;
    let (status, id) = page(&app, "/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        id.contains(r#"<html lang="id">"#)
            && id.contains("Berinvestasi di daerah cerdas Indonesia"),
        "{id}"
    );
    assert!(
        id.contains("<svg class=\"chart\""),
        "a chart drawn on the server"
    );
    assert!(id.contains("<dd>2</dd>"), "two published projects: {id}");
    assert!(
        id.contains("<dd>Rp 1,13 triliun</dd>"),
        "the total at a glance: {id}"
    );
    let (_, en) = page(&app, "/", &[(ACCEPT_LANGUAGE, "en-GB,en;q=0.9")]).await;
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(en.contains("Invest in Indonesia"), "{en}");
    let (_, chosen) = page(&app, "/", &[(ACCEPT_LANGUAGE, "en"), (COOKIE, "lang=id")]).await;
    assert!(
        chosen.contains(r#"<html lang="id">"#),
        "a chosen language wins over the browser's"
    );
}

#[tokio::test]
async fn the_language_switch_remembers_the_choice_and_stays_on_this_site() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(app.url("/language?set=en&back=/opportunities%3Fq%3Dsolar"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/opportunities?q=solar");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let elsewhere = client
        .get(app.url("/language?set=en&back=//evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.headers()["location"], "/");
    let bad = client
        .get(app.url("/language?set=fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_language_switch_goes_back_to_no_other_host_whatever_back_holds() {
    let app = spawn_app().await;
    let client = no_redirects();
    for back in [
        "/%09/evil.example",
        "/%0D%0ALocation:%20https://evil.example",
        "/%0A/evil.example",
        "/%20/evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example/",
        "/%E2%80%A8/evil.example",
    ] {
        let response = client
            .get(app.url(&format!("/language?set=en&back={back}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(response.headers()["location"], "/", "{back}");
        assert_eq!(response.headers().get_all("location").iter().count(), 1);
        assert!(response.headers().get("set-cookie").is_some(), "{back}");
    }
}

#[tokio::test]
async fn opportunities_filter_and_show_money_the_languages_way() {
    let app = spawn_app().await;
    let palopo_project = with_projects(&app).await;
    let (status, list) = page(
        &app,
        "/opportunities?province=73&q=&dimension=&sort=value",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("1 peluang"), "{list}");
    assert!(list.contains("Rp 180.000.000.000"), "{list}");
    assert!(!list.contains("Port logistics hub"));
    assert!(
        list.contains(r#"<option value="73" selected>"#),
        "the form keeps the choice"
    );
    let (_, en) = page(
        &app,
        &format!("/opportunities/{palopo_project}"),
        &[(COOKIE, "lang=en")],
    )
    .await;
    assert!(
        en.contains("<h1>Rooftop solar for Palopo</h1>") && en.contains("IDR 180,000,000,000"),
        "{en}"
    );
    let (status, missing) = page(
        &app,
        "/opportunities/no-such-project",
        &[(COOKIE, "lang=en")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        missing.contains("<code>not_found</code>") && missing.contains("This page does not exist."),
        "{missing}"
    );
    let (status, bad) = page(&app, "/opportunities?dimension=XYZ", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("<code>validation_failed</code>"), "{bad}");
}

#[tokio::test]
async fn the_stylesheet_is_cached_for_good_under_its_content_address() {
    let app = spawn_app().await;
    let (_, home) = page(&app, "/", &[]).await;
    let start = home.find("/static/app.").unwrap();
    let href = &home[start..start + home[start..].find('"').unwrap()];
    let response = app.client.get(app.url(href)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let stale = app
        .client
        .get(app.url("/static/app.0000000000.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    let (status, lost) = page(&app, "/nowhere", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(lost.contains("<html"), "people get a page");
    let api = app
        .client
        .get(app.url("/api/v1/nowhere"))
        .send()
        .await
        .unwrap();
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn signing_in_opens_a_strict_cookie_session_that_signing_out_revokes() {
    let app = spawn_app().await;
    with_projects(&app).await;
    let investor =
        crate::matches::investor_with_mandate(&app, crate::matches::solar_mandate(true)).await;
    let client = no_redirects();
    let form = [
        ("email", investor.email.as_str()),
        ("password", crate::helpers::PASSWORD),
    ];
    let forged = client
        .post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        StatusCode::FORBIDDEN,
        "a form from nowhere is refused"
    );
    let wrong = client
        .post(app.url("/sign-in"))
        .header("origin", &app.address)
        .form(&[
            ("email", investor.email.as_str()),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let page = wrong.text().await.unwrap();
    assert!(
        page.contains(&format!("value=\"{}\"", investor.email)),
        "the email is kept"
    );

    let signed_in = client
        .post(app.url("/sign-in"))
        .header("origin", &app.address)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/dashboard");
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let dashboard = client
        .get(app.url("/dashboard"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), StatusCode::OK);
    let body = dashboard.text().await.unwrap();
    assert!(body.contains("Rooftop solar for Palopo"), "{body}");
    assert!(body.contains("aria-pressed=\"false\""), "interest buttons");

    let out = client
        .post(app.url("/sign-out"))
        .header("origin", &app.address)
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = client
        .get(app.url("/dashboard"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the old cookie opens nothing"
    );
    assert_eq!(after.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn links_in_account_emails_open_pages_that_finish_the_job() {
    let app = spawn_app().await;
    let client = no_redirects();
    let investor = app.user(Role::Investor, None).await;
    let forgot = client
        .post(app.url("/forgot-password"))
        .header("origin", &app.address)
        .header(COOKIE, "lang=en")
        .form(&[("email", investor.email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), StatusCode::OK);
    assert!(
        forgot
            .text()
            .await
            .unwrap()
            .contains("a link is on its way")
    );
    let email = app
        .email_text(&investor.email, "Atur ulang kata sandi")
        .await;
    let token = crate::helpers::token_in(&email);
    let (status, form) = page(&app, &format!("/reset-password?token={token}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains(&format!("name=\"token\" value=\"{token}\"")),
        "{form}"
    );
    let weak = client
        .post(app.url("/reset-password"))
        .header("origin", &app.address)
        .form(&[("token", token.as_str()), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        weak.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form comes back with the rule"
    );
    let reset = client
        .post(app.url("/reset-password"))
        .header("origin", &app.address)
        .form(&[
            ("token", token.as_str()),
            ("password", "a fresh new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(
        app.login(&investor.email, "a fresh new password").await.0,
        StatusCode::OK
    );
    let again = client
        .post(app.url("/reset-password"))
        .header("origin", &app.address)
        .form(&[
            ("token", token.as_str()),
            ("password", "another new password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a link works once"
    );

    // An official accepts an invitation in the browser and is signed in.
    let staff = app.user(Role::Staff, None).await;
    let (status, _) = app
        .post(
            "/api/v1/invitations",
            Some(&staff.token),
            serde_json::json!({"email": "kabag@maroskab.go.id", "name": "Andi Maros", "region": "73.09"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let email = app
        .email_text("kabag@maroskab.go.id", "Undangan ke Sepadan")
        .await;
    let token = crate::helpers::token_in(&email);
    let joined = client
        .post(app.url("/accept-invitation"))
        .header("origin", &app.address)
        .form(&[("token", token.as_str()), ("password", "maros password 1")])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    let session = joined.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (_, home) = page(&app, "/", &[(COOKIE, &session)]).await;
    assert!(home.contains("Andi Maros"), "signed in: {home}");
}

#[tokio::test]
async fn a_project_form_with_problems_comes_back_with_the_input_kept() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    let (_, form) = app.page_as("/my-projects/new", Some(&session), "en").await;
    assert!(form.contains("<form"), "{form}");
    let response = app
        .submit(
            "/my-projects/new",
            &session,
            &[
                ("title_en", "Street lights"),
                ("title_id", "Lampu jalan"),
                ("sectors", "9999"),
                ("value", "1000"),
                ("currency", "IDR"),
                ("description_en", "LED"),
                ("description_id", "LED"),
                ("dimensions", "ENV"),
                ("stage", "idea"),
                ("instruments", "ppp"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("value=\"Street lights\""),
        "the input is kept"
    );
    assert!(page.contains("sectors"), "the field is named: {page}");
    assert!(
        page.contains(r#"value="ENV" checked"#),
        "checked boxes stay checked"
    );
    let (_, mine) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(mine["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn a_project_form_with_three_mistakes_shows_all_three_at_their_fields_with_the_input_kept() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    app.page_as("/my-projects/new", Some(&session), "en").await;
    let response = app
        .submit(
            "/my-projects/new",
            &session,
            &[
                ("title_en", ""),
                ("title_id", ""),
                ("sectors", "9999"),
                ("value", "0"),
                ("currency", "IDR"),
                ("description_en", "LED street lights"),
                ("description_id", "Lampu jalan LED"),
                ("dimensions", "ENV"),
                ("stage", "idea"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(r#"<div class="problem" role="alert" tabindex="-1" autofocus>"#),
        "the summary takes focus: {page}"
    );
    for (id, said) in [
        (
            "title",
            "Give the title in Bahasa Indonesia, English or both",
        ),
        ("sectors", "Choose 1 to 10 known ISIC sectors"),
        ("value", "Enter a value greater than zero"),
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
        r#"id="title_en" name="title_en" value="" aria-invalid="true" aria-describedby="title-problem""#,
        r#"id="title_id" name="title_id" value="" aria-invalid="true" aria-describedby="title-problem""#,
        r#"id="sector_codes" name="sectors" value="9999" aria-invalid="true" aria-describedby="sectors-problem""#,
        r#"id="value" name="value" value="0" required aria-invalid="true" aria-describedby="value-problem""#,
    ] {
        assert!(page.contains(marked), "{marked}: {page}");
    }
    assert!(
        page.contains("LED street lights") && page.contains(r#"value="ENV" checked"#),
        "the input is kept"
    );
    let (_, mine) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(mine["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn an_investor_registers_in_the_browser_confirms_the_address_and_lands_on_its_matches() {
    let app = spawn_app().await;
    let client = no_redirects();
    let (status, form) = page(&app, "/register", &[(COOKIE, "lang=en")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Register as an investor"), "{form}");
    let fields = |email: &'static str, country: &'static str| {
        [
            ("name", "Yuki Tanaka"),
            ("email", email),
            ("password", "a long enough password"),
            ("organisation", "Sakura Green Fund"),
            ("kind", "fund"),
            ("country", country),
        ]
    };
    let bad = client
        .post(app.url("/register"))
        .header("origin", &app.address)
        .header(COOKIE, "lang=en")
        .form(&fields("yuki@sakura.example", "XX"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text().await.unwrap();
    assert!(
        text.contains("Choose a country from the list")
            && text.contains("value=\"Sakura Green Fund\""),
        "{text}"
    );
    let register = |email: &'static str| {
        client
            .post(app.url("/register"))
            .header("origin", &app.address)
            .header(COOKIE, "lang=en")
            .form(&fields(email, "JP"))
            .send()
    };
    let done = register("yuki@sakura.example").await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        done.headers().get("set-cookie").is_none(),
        "not signed in yet"
    );
    let sent = done.text().await.unwrap();
    assert!(sent.contains("Check your email"), "{sent}");
    let again = register("yuki@sakura.example").await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "no word of the taken address"
    );
    assert!(again.headers().get("set-cookie").is_none());
    assert_eq!(again.text().await.unwrap(), sent, "the very same page");
    app.email_text(
        "yuki@sakura.example",
        "Someone tried to register with your address",
    )
    .await;

    let email = app
        .email_text("yuki@sakura.example", "Confirm your email address")
        .await;
    let token = crate::helpers::token_in(&email);
    let confirmed = client
        .post(app.url("/verify-email"))
        .header("origin", &app.address)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    let session = app
        .page_session_with("yuki@sakura.example", "a long enough password")
        .await;
    let (status, dashboard) = page(&app, "/dashboard", &[(COOKIE, &session)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dashboard.contains("class=\"note\""),
        "asks for a mandate first: {dashboard}"
    );
}

#[tokio::test]
async fn forms_are_checked_against_the_public_address_not_the_forwarding_headers() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let sign_in = |origin: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let mut request = no_redirects()
            .post(app.url("/sign-in"))
            .header("origin", origin)
            .form(&[
                ("email", staff.email.as_str()),
                ("password", crate::helpers::PASSWORD),
            ]);
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request.send()
    };
    let forged: [&[(&str, &str)]; 4] = [
        &[("host", "evil.example")],
        &[("x-forwarded-host", "evil.example")],
        &[
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "https"),
        ],
        &[("forwarded", "host=evil.example;proto=https")],
    ];
    for headers in forged {
        for origin in ["https://evil.example", "http://evil.example"] {
            let answer = sign_in(origin, headers).await.unwrap();
            assert_eq!(
                answer.status(),
                StatusCode::FORBIDDEN,
                "{origin} with {headers:?}"
            );
        }
    }
    let ours: &'static str = Box::leak(app.address.clone().into_boxed_str());
    let answer = sign_in(ours, &[("x-forwarded-host", "evil.example")])
        .await
        .unwrap();
    assert_eq!(
        answer.status(),
        StatusCode::SEE_OTHER,
        "the public address is ours whatever the headers say"
    );
}

#[tokio::test]
async fn error_pages_keep_the_signed_in_persons_navigation_and_speak_the_pages_language() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    let (status, page) = app
        .page_as("/opportunities/no-such-project", Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains(r#"class="error-code""#), "{page}");
    assert!(
        page.contains(r#"<a href="/my-projects">"#),
        "the official's navigation: {page}"
    );
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("This page does not exist."), "{page}");
    let (status, page) = app.page_as("/reports", Some(&session), "id").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("Halaman ini khusus untuk staf program.") && page.contains("forbidden"),
        "the refusal in the page's language, with its code: {page}"
    );
    let (status, page) = app.page_as("/opportunities/nothing", None, "id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Halaman ini tidak ada."), "{page}");
}

/// The opportunity page names its sectors, gives an IDR value in the viewer's currency too (asked
/// for, else the investor's ticket currency, else dollars), shows a signed-in
/// investor its match with answer buttons that come back to the page, and opens a project under
/// review to staff while anyone else still gets 404.
#[tokio::test]
async fn the_opportunity_page_names_sectors_shows_the_investors_match_and_opens_reviews_to_staff() {
    let app = spawn_app().await;
    let (solar, _) = crate::matches::two_projects(&app).await;
    let investor =
        crate::matches::investor_with_mandate(&app, crate::matches::solar_mandate(true)).await;
    let (status, anonymous) = page(
        &app,
        &format!("/opportunities/{solar}"),
        &[(COOKIE, "lang=en")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        anonymous.contains("Electric power generation, transmission and distribution")
            && anonymous.contains("(ISIC 3510)"),
        "{anonymous}"
    );
    assert!(anonymous.contains("(≈ USD "), "{anonymous}");
    let (_, in_indonesian) = page(
        &app,
        &format!("/opportunities/{solar}"),
        &[(COOKIE, "lang=id")],
    )
    .await;
    assert!(
        in_indonesian.contains("Pembangkitan, transmisi dan distribusi tenaga listrik")
            && !in_indonesian.contains("Electric power generation"),
        "the sector's Indonesian name: {in_indonesian}"
    );
    let (_, in_euro) = page(
        &app,
        &format!("/opportunities/{solar}?currency=EUR"),
        &[(COOKIE, "lang=en")],
    )
    .await;
    assert!(
        in_euro.contains("(≈ EUR "),
        "the currency asked for: {in_euro}"
    );
    let (status, _) = page(
        &app,
        &format!("/opportunities/{solar}?currency=XYZ"),
        &[(COOKIE, "lang=en")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown currency"
    );
    let mut in_singapore = crate::matches::solar_mandate(true);
    in_singapore["ticket"] =
        serde_json::json!({"min": "6000000", "max": "26000000", "currency": "SGD"});
    let singaporean = crate::matches::investor_with_mandate(&app, in_singapore).await;
    let session = app.page_session(&singaporean.email).await;
    let (_, seen) = app
        .page_as(&format!("/opportunities/{solar}"), Some(&session), "en")
        .await;
    assert!(
        seen.contains("(≈ SGD "),
        "the investor's ticket currency: {seen}"
    );
    assert!(!anonymous.contains("Readiness"), "no figures, no card");
    assert!(!anonymous.contains("your-match"), "no match for a visitor");

    let session = app.page_session(&investor.email).await;
    let (status, seen) = app
        .page_as(&format!("/opportunities/{solar}"), Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        seen.contains(r#"id="your-match""#) && seen.contains("Your match"),
        "{seen}"
    );
    let back = format!("/opportunities/{solar}#your-match");
    let answered = app
        .submit(
            "/dashboard/interest",
            &session,
            &[
                ("project_id", &solar),
                ("interest", "must_meet"),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(answered.status(), StatusCode::SEE_OTHER);
    assert_eq!(answered.headers()["location"], back.as_str());
    let (_, seen) = app
        .page_as(&format!("/opportunities/{solar}"), Some(&session), "en")
        .await;
    assert!(
        seen.contains(r#"value="must_meet" aria-pressed="true""#),
        "the answer shows: {seen}"
    );
    // A back address off this site goes home instead.
    let answered = app
        .submit(
            "/dashboard/interest",
            &session,
            &[
                ("project_id", &solar),
                ("interest", "interested"),
                ("back", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(answered.headers()["location"], "/");

    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    app.verify_investor(&staff, &investor).await;
    let mut figures = TestApp::project_body("73.73", "Solar with figures", "3510", "90000000000");
    figures["readiness"] = serde_json::json!({"expected_irr_pct": 12.5, "payback_years": 7.0});
    let figures = app.published_project(&official, &staff, figures).await;
    let (_, card) = app
        .page_as(&format!("/opportunities/{figures}"), Some(&session), "en")
        .await;
    assert!(
        card.contains("<dt>Expected IRR</dt><dd>12.5 %</dd>")
            && card.contains("<dt>Payback</dt><dd>7 years</dd>"),
        "the readiness the project gives: {card}"
    );
    let (status, created) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Waste bank network", "3821", "25000000000"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let draft = created["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            &format!("/api/v1/projects/{draft}/submit"),
            Some(&official.token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let staff_session = app.page_session(&staff.email).await;
    let (_, queue) = app.page_as("/review", Some(&staff_session), "en").await;
    assert!(
        queue.contains(&format!(r#"<a href="/opportunities/{draft}">"#)),
        "the review queue opens each project: {queue}"
    );
    let (status, review) = app
        .page_as(
            &format!("/opportunities/{draft}"),
            Some(&staff_session),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert!(review.contains("Not published: "), "{review}");
    for session in [None, Some(session.as_str())] {
        let (status, _) = app
            .page_as(&format!("/opportunities/{draft}"), session, "en")
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// The part of the page between two markers (the first after `from`, up to `to`).
fn between<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {page}"));
    let rest = &page[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_header_groups_each_roles_sections_and_folds_them_into_a_menu_for_phones() {
    let app = spawn_app().await;
    let investor = app.user(Role::Investor, None).await;
    let session = app.page_session(&investor.email).await;
    let (status, page) = app.page_as("/deals", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    let wide = between(
        &page,
        r#"<nav class="sections wide""#,
        r#"<details class="more">"#,
    );
    for link in [
        r#"href="/opportunities">Opportunities</a>"#,
        r#"href="/agenda">Meetings</a>"#,
        r#"<a aria-current="page" href="/deals">Deals</a>"#,
        r#"href="/conversations">Messages</a>"#,
    ] {
        assert!(wide.contains(link), "{link} in the row: {wide}");
    }
    assert!(!wide.contains("/settings"), "settings wait under More");
    let more = between(&page, r#"<details class="more">"#, "</details>");
    assert!(more.contains("<summary>More</summary>"), "{more}");
    for href in ["/mandate", "/notifications", "/settings"] {
        assert!(
            more.contains(&format!(r#"href="{href}""#)),
            "{href}: {more}"
        );
    }
    let menu = between(&page, r#"<details class="menu">"#, "</details>");
    assert!(menu.contains("Menu</summary>"), "{menu}");
    for href in ["/opportunities", "/deals", "/mandate", "/settings"] {
        assert!(
            menu.contains(&format!(r#"href="{href}""#)),
            "{href}: {menu}"
        );
    }

    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let (_, page) = app.page_as("/events", Some(&session), "id").await;
    let wide = between(
        &page,
        r#"<nav class="sections wide""#,
        r#"<details class="more">"#,
    );
    for href in [
        "/review",
        "/events",
        "/delegations",
        "/investors",
        "/reports",
    ] {
        assert!(
            wide.contains(&format!(r#"href="{href}""#)),
            "{href}: {wide}"
        );
    }
    let more = between(&page, r#"<details class="more">"#, "</details>");
    assert!(more.contains("<summary>Lainnya</summary>"), "{more}");
    assert!(more.contains(r#"href="/people">Pengguna</a>"#), "{more}");

    let (_, page) = app.page_as("/", None, "id").await;
    assert!(
        !page.contains(r#"<details class="more">"#),
        "a visitor has few sections"
    );
    assert!(
        page.contains(r#"<a aria-current="page" href="/">Beranda</a>"#),
        "{page}"
    );
}

#[tokio::test]
async fn text_left_in_the_other_language_is_marked_with_its_language() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "unused", "3510", "180000000000");
    body["title"] = serde_json::json!({"id": "Bank sampah Palopo", "en": ""});
    body["description"] = serde_json::json!({"id": "Jaringan bank sampah.", "en": ""});
    app.published_project(&official, &staff, body).await;
    let (status, en) = app.page_as("/opportunities", None, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        en.contains(r#"<span lang="id">Bank sampah Palopo</span> <small class="other-language" lang="id">(Bahasa Indonesia)</small></a>"#),
        "the title, marked, is still a link: {en}"
    );
    assert!(en.contains(r#"<span lang="id">Jaringan bank sampah.</span>"#));
    let (_, id) = app.page_as("/opportunities", None, "id").await;
    assert!(
        id.contains(r#">Bank sampah Palopo</a>"#) && !id.contains("other-language"),
        "in its own language it is plain: {id}"
    );
}

#[tokio::test]
async fn repeated_buttons_name_what_they_act_on() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let (status, _) = app
        .post(
            "/api/v1/projects",
            Some(&official.token),
            TestApp::project_body("73.73", "Rooftop solar", "3510", "180000000000"),
        )
        .await;
    assert!(status.is_success());
    let session = app.page_session(&official.email).await;
    let (_, mine) = app.page_as("/my-projects", Some(&session), "en").await;
    assert!(
        mine.contains(r#"<span class="visually-hidden">: Rooftop solar</span></button>"#),
        "the submit button names its project: {mine}"
    );
}
