//! The staff reports page (charts with their tables, downloads for a browser session) and the
//! meeting outcome form.

use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::meetings::{create_event, forum_body, in_days, register, schedule};

/// An event whose two meetings with Palopo are over: the first, about Palopo's project, recorded
/// through the API as held with a letter of intent for USD 1,500,000; the second still without
/// an outcome. Two projects are published: Palopo's (IDR 180 billion, feasibility study) and
/// Balikpapan's (IDR 950 billion, ready to offer), both in the Environment dimension.
struct Forum {
    staff: TestUser,
    palopo: TestUser,
    event: String,
    recorded: String,
    awaiting: String,
}

async fn forum(app: &TestApp) -> Forum {
    let staff = app.user(Role::Staff, None).await;
    let palopo = app.user(Role::Official, Some("73.73")).await;
    let balikpapan = app.user(Role::Official, Some("64.71")).await;
    let project = app
        .published_project(
            &palopo,
            &staff,
            TestApp::project_body("73.73", "Rooftop solar for Palopo", "3510", "180000000000"),
        )
        .await;
    let mut port = TestApp::project_body("64.71", "Port logistics hub", "5210", "950000000000");
    port["stage"] = json!("ready_to_offer");
    app.published_project(&balikpapan, &staff, port).await;

    let event = create_event(app, &staff, forum_body(in_days(30))).await;
    let host = register(
        app,
        &palopo,
        &event,
        json!({"region_code": "73.73", "time_zone": "Asia/Makassar"}),
    )
    .await;
    let mut meetings = Vec::new();
    for about in [Some(project.as_str()), None] {
        let investor = app.user(Role::Investor, None).await;
        let guest = register(
            app,
            &investor,
            &event,
            json!({"investor_id": investor.investor_id, "time_zone": "Asia/Tokyo"}),
        )
        .await;
        let (status, asked) = app
            .post(
                &format!("/api/v1/events/{event}/requests"),
                Some(&investor.token),
                json!({"investor": guest, "host": host, "project_id": about}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{asked}");
        let (status, accepted) = app
            .post(
                &format!("/api/v1/requests/{}/accept", asked["id"].as_str().unwrap()),
                Some(&palopo.token),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{accepted}");
        meetings.push(investor);
    }
    let result = schedule(app, &staff, &event, json!({})).await;
    assert_eq!(result["placed"], 2, "{result}");
    let mut ids = Vec::new();
    for investor in &meetings {
        let (_, agenda) = app.get("/api/v1/me/agenda", Some(&investor.token)).await;
        ids.push(agenda["meetings"][0]["id"].as_str().unwrap().to_owned());
    }
    app.move_meetings_by_days(-1).await;
    let (status, recorded) = app
        .call(
            Method::PUT,
            &format!("/api/v1/meetings/{}/outcome", ids[0]),
            Some(&palopo.token),
            Some(json!({"attendance": "held", "notes": "Phase 1 first",
                        "follow_up": {"stage": "letter_of_intent",
                                      "amount": {"amount": "1500000", "currency": "USD"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    Forum {
        staff,
        palopo,
        event,
        recorded: ids.remove(0),
        awaiting: ids.remove(0),
    }
}

/// The meeting's outcome as the API shows it to staff.
async fn outcome(app: &TestApp, staff: &TestUser, meeting: &str) -> Value {
    let (status, view) = app
        .get(&format!("/api/v1/meetings/{meeting}"), Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view["outcome"].clone()
}

#[tokio::test]
async fn the_reports_page_draws_the_figures_in_both_languages() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    let session = app.page_session(&forum.staff.email).await;

    let (status, id) = app.page_as("/reports", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert!(id.contains("Hasil dan laporan"), "{id}");
    assert!(
        id.contains(r#"<a aria-current="page" href="/reports">Laporan</a>"#),
        "the nav link"
    );
    assert_eq!(
        id.matches("<svg class=\"chart\"").count(),
        5,
        "meetings, funnel, stages, dimensions, provinces"
    );
    // Investment by province, largest first, in rupiah and dollars (1 USD = Rp 16.650).
    let east = id
        .find("<th scope=\"row\">Kalimantan Timur</th><td>1</td><td>Rp 950.000.000.000</td><td>USD 57.057.057</td>")
        .expect("East Kalimantan's line");
    let south = id
        .find("<th scope=\"row\">Sulawesi Selatan</th><td>1</td><td>Rp 180.000.000.000</td><td>USD 10.810.811</td>")
        .expect("South Sulawesi's line");
    assert!(east < south, "largest first");
    assert!(id.contains(
        "<th scope=\"row\">Lingkungan Cerdas</th><td>2</td><td>Rp 1.130.000.000.000</td><td>USD 67.867.868</td>"
    ), "both projects in the Environment dimension: {id}");
    assert!(
        id.contains("<th scope=\"row\">Studi kelayakan</th><td>1</td><td>Rp 180.000.000.000</td>")
    );
    assert!(
        id.contains(">Rp 950.000.000.000</text>"),
        "money on the bars"
    );
    // Meetings and where they led.
    assert!(
        id.contains("<th scope=\"row\">Sulawesi Investment Forum</th><td>1</td><td>0</td><td>1</td><td>2</td>"),
        "held, no-show, awaiting, total: {id}"
    );
    assert!(id.contains("<th scope=\"row\">Pertemuan terlaksana</th><td>1</td><td>100%</td>"));
    assert!(
        id.contains("<th scope=\"row\">Surat pernyataan minat (LoI)</th><td>1</td><td>100%</td>")
    );
    assert!(id.contains("<th scope=\"row\">Kunjungan lapangan</th><td>0</td><td>0%</td>"));
    assert!(id.contains("USD 1.500.000 (Rp 24.975.000.000)"), "{id}");
    assert!(id.contains(&format!("/meetings/{}/outcome", forum.awaiting)));
    assert!(!id.contains(&format!("/meetings/{}/outcome", forum.recorded)));

    let (status, en) = app
        .page_as(
            &format!("/reports?event_id={}", forum.event),
            Some(&session),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("Outcomes and reports"), "{en}");
    assert!(en.contains(
        "<th scope=\"row\">Kalimantan Timur</th><td>1</td><td>IDR 950,000,000,000</td><td>USD 57,057,057</td>"
    ));
    assert!(en.contains("<th scope=\"row\">Smart Environment</th><td>2</td>"));
    assert!(en.contains("<th scope=\"row\">Ready to offer</th><td>1</td>"));
    assert!(en.contains("<th scope=\"row\">Letter of intent</th><td>1</td><td>100%</td>"));
    assert!(en.contains("USD 1,500,000 (IDR 24,975,000,000)"));
    assert!(en.contains(&format!(r#"<option value="{}" selected>"#, forum.event)));
    assert!(en.contains(&format!("/reports/events/{}/meetings.xlsx", forum.event)));

    let (status, _) = app
        .page_as("/reports?event_id=no-such-event", Some(&session), "en")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The downloads work with the browser session.
    let get = |path: String| {
        app.client
            .get(app.url(&path))
            .header("cookie", &session)
            .send()
    };
    let csv = get(format!("/reports/outcomes.csv?event_id={}", forum.event))
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("group,key,name,meetings,held,no_show"),
        "{csv}"
    );
    assert!(
        csv.contains("Sulawesi Investment Forum,2,1,0,1,1,0,0,0,1500000"),
        "{csv}"
    );
    let sheet = get(format!("/reports/events/{}/meetings.xlsx", forum.event))
        .await
        .unwrap();
    assert_eq!(sheet.status(), StatusCode::OK);
    assert!(
        sheet.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let wrong = get("/reports/outcomes.pdf".into()).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_outcome_recorded_on_the_form_reaches_the_report() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    let session = app.page_session(&forum.staff.email).await;
    let form = format!("/meetings/{}/outcome", forum.awaiting);
    for (lang, word) in [("id", "Hasil pertemuan"), ("en", "Meeting outcome")] {
        let (status, page) = app.page_as(&form, Some(&session), lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(word), "{page}");
        assert!(page.contains("Palopo"), "{page}");
    }

    let sent = app
        .submit(
            &form,
            &session,
            &[
                ("attendance", "held"),
                ("follow_up", "site_visit"),
                ("amount", "250000"),
                ("currency", "usd"),
                ("notes", "Visit in March"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(sent.headers()["location"], format!("{form}?saved=1"));
    let recorded = outcome(&app, &forum.staff, &forum.awaiting).await;
    assert_eq!(recorded["attendance"], "held");
    assert_eq!(recorded["notes"], "Visit in March");
    assert_eq!(recorded["follow_up"]["stage"], "site_visit");
    assert_eq!(
        recorded["follow_up"]["amount"],
        json!({"amount": "250000", "currency": "USD"})
    );
    let (_, saved) = app
        .page_as(&format!("{form}?saved=1"), Some(&session), "en")
        .await;
    assert!(saved.contains("The outcome is recorded"), "{saved}");
    assert!(saved.contains(r#"<option value="site_visit" selected>"#));
    assert!(saved.contains("Visit in March</textarea>"));

    let (_, report) = app.page_as("/reports", Some(&session), "en").await;
    assert!(report.contains("Every past meeting has its outcome recorded."));
    assert!(report.contains("<th scope=\"row\">Meetings held</th><td>2</td><td>100%</td>"));
    assert!(report.contains("<th scope=\"row\">Letter of intent</th><td>2</td><td>100%</td>"));
    assert!(report.contains("<th scope=\"row\">Site visit</th><td>1</td><td>50%</td>"));
    assert!(report.contains("USD 1,750,000"));

    // A party to the meeting records outcomes too, and finds its own answer in the form.
    let palopo = app.page_session(&forum.palopo.email).await;
    let (status, page) = app
        .page_as(
            &format!("/meetings/{}/outcome", forum.recorded),
            Some(&palopo),
            "id",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<option value="letter_of_intent" selected>"#),
        "{page}"
    );
    assert!(page.contains(r#"value="1500000""#));
    assert!(page.contains(r#"<a href="/agenda">"#));
}

#[tokio::test]
async fn a_meeting_still_to_come_takes_no_outcome_on_the_page() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    app.move_meetings_by_days(21).await;
    let session = app.page_session(&forum.palopo.email).await;
    let form = format!("/meetings/{}/outcome", forum.awaiting);
    let (status, page) = app.page_as(&form, Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This meeting has not ended yet."), "{page}");
    assert!(
        !page.contains(&format!(r#"action="{form}""#)),
        "no form: {page}"
    );
    let sent = app
        .submit(
            &form,
            &session,
            &[
                ("attendance", "held"),
                ("follow_up", "site_visit"),
                ("amount", "1500000"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CONFLICT);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("This meeting has not ended yet.")
    );
    assert_eq!(
        outcome(&app, &forum.staff, &forum.awaiting).await,
        Value::Null,
        "nothing is recorded"
    );
}

#[tokio::test]
async fn bad_outcome_input_comes_back_and_changes_nothing() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    let session = app.page_session(&forum.staff.email).await;
    let form = format!("/meetings/{}/outcome", forum.awaiting);
    let long = "x".repeat(5001);
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("attendance", "no_show"),
                ("follow_up", "mou"),
                ("notes", "kept note"),
            ],
            "A meeting that did not take place has no follow-up stage.",
        ),
        (
            &[
                ("attendance", "held"),
                ("follow_up", "mou"),
                ("amount", "lots"),
                ("currency", "IDR"),
            ],
            "Give the amount as a number",
        ),
        (
            &[
                ("attendance", "held"),
                ("amount", "1000"),
                ("currency", "IDR"),
            ],
            "An amount needs a follow-up stage.",
        ),
        (
            &[("notes", "kept note")],
            "Choose whether the meeting took place.",
        ),
        (
            &[("attendance", "held"), ("notes", &long)],
            "at most 5,000 characters",
        ),
    ];
    for (fields, message) in cases {
        let sent = app.submit(&form, &session, fields).await;
        assert_eq!(
            sent.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}"
        );
        let page = sent.text().await.unwrap();
        assert!(page.contains(message), "{message}: {page}");
        for (name, value) in fields.iter().filter(|(n, _)| *n != "notes") {
            if *name == "attendance" {
                assert!(page.contains(&format!(r#"value="{value}" checked"#)));
            } else if *name == "follow_up" {
                assert!(page.contains(&format!(r#"<option value="{value}" selected>"#)));
            } else {
                assert!(page.contains(&format!(r#"value="{value}""#)), "{name} kept");
            }
        }
    }
    assert_eq!(
        outcome(&app, &forum.staff, &forum.awaiting).await,
        Value::Null
    );

    // In Indonesian too.
    app.page_as("/", Some(&session), "id").await;
    let sent = app
        .submit(
            &form,
            &session,
            &[("attendance", "held"), ("amount", "5"), ("currency", "IDR")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("Nilai memerlukan tahap tindak lanjut.")
    );
    assert_eq!(
        outcome(&app, &forum.staff, &forum.awaiting).await,
        Value::Null
    );
}

#[tokio::test]
async fn reports_are_for_staff_and_outcomes_for_the_meetings_parties() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    let anonymous = crate::helpers::no_redirects()
        .get(app.url("/reports"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/sign-in");

    let stranger = app.user(Role::Investor, None).await;
    let official = app.page_session(&forum.palopo.email).await;
    let outsider = app.page_session(&stranger.email).await;
    for session in [&official, &outsider] {
        let (status, page) = app.page_as("/reports", Some(session), "en").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(!page.contains(r#"<a href="/reports">"#), "no nav link");
        let (status, _) = app
            .page_as(
                &format!("/reports/outcomes.csv?event_id={}", forum.event),
                Some(session),
                "en",
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // Someone who is no party to the meeting neither sees nor records its outcome.
    let form = format!("/meetings/{}/outcome", forum.awaiting);
    let (status, _) = app.page_as(&form, Some(&outsider), "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let sent = app
        .submit(&form, &outsider, &[("attendance", "no_show")])
        .await;
    assert_eq!(sent.status(), StatusCode::NOT_FOUND);
    let sent = app
        .submit(&form, &outsider, &[("attendance", "maybe")])
        .await;
    assert_eq!(
        sent.status(),
        StatusCode::NOT_FOUND,
        "no form for a stranger"
    );
    assert_eq!(
        outcome(&app, &forum.staff, &forum.awaiting).await,
        Value::Null
    );
    let signed_out = crate::helpers::no_redirects()
        .post(app.url(&form))
        .header("origin", &app.address)
        .form(&[("attendance", "held")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        outcome(&app, &forum.staff, &forum.awaiting).await,
        Value::Null
    );
}

#[tokio::test]
async fn past_meetings_on_the_agenda_lead_to_their_outcome_forms() {
    let app = spawn_app().await;
    let forum = forum(&app).await;
    let session = app.page_session(&forum.palopo.email).await;
    let (_, id) = app.page_as("/agenda", Some(&session), "id").await;
    let awaiting = format!(
        r#"<a href="/meetings/{}/outcome">Catat hasil pertemuan</a>"#,
        forum.awaiting
    );
    let recorded = format!(
        r#"<a href="/meetings/{}/outcome">Hasil sudah dicatat (ubah)</a>"#,
        forum.recorded
    );
    assert!(id.contains(&awaiting) && id.contains(&recorded), "{id}");
    let (_, en) = app.page_as("/agenda", Some(&session), "en").await;
    assert!(en.contains("Record the outcome"), "{en}");
    let (status, form) = app
        .page_as(
            &format!("/meetings/{}/outcome", forum.awaiting),
            Some(&session),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
}
