//! The people pages: officials invited and staff accounts created from forms, and partner
//! systems subscribed to webhooks, doing what the API does, in both languages.

use reqwest::StatusCode;
use sepadan::auth::Role;
use sepadan::db::write_transaction;
use sepadan::models::notification as rows;
use sepadan::notify::worker::GONE;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, token_in};

fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

/// How many emails the outbox holds, whatever their state.
async fn outbox_size(app: &TestApp, admin_token: &str) -> Value {
    let (status, body) = app.get("/api/v1/admin/outbox", Some(admin_token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["total"].is_number(), "{body}");
    body["total"].clone()
}

#[tokio::test]
async fn staff_invite_an_official_from_the_people_page_who_can_then_join() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let (status, en) = app.page_as("/people", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK, "{en}");
    assert!(
        en.contains("Invite a region&#39;s official") || en.contains("Invite a region's official"),
        "{en}"
    );
    assert!(
        en.contains("<option value=\"73.73\""),
        "regions to choose from"
    );
    assert!(en.contains("href=\"/people\""), "the nav links the page");
    assert!(
        !en.contains("action=\"/people/staff\""),
        "staff see no staff form"
    );
    assert!(!en.contains("href=\"/people/webhooks\""));
    let (status, id) = app.page_as("/people", Some(&session), "id").await;
    assert_eq!(status, StatusCode::OK);
    assert!(id.contains("Undang pejabat daerah"), "{id}");
    assert!(id.contains(">Pengguna</a>"), "{id}");

    let sent = app
        .submit(
            "/people/invite",
            &session,
            &[
                ("email", "kepala.dinas@palopokota.go.id"),
                ("name", "Andi Baso"),
                ("region", "73.73"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&sent), "/people?sent=invitation");
    let (_, done) = app
        .page_as("/people?sent=invitation", Some(&session), "id")
        .await;
    assert!(done.contains("Undangan sedang dikirim"), "{done}");
    let email = app
        .email_text(
            "kepala.dinas@palopokota.go.id",
            "Your invitation to Sepadan",
        )
        .await;
    assert!(email.contains("Kota Palopo"), "{email}");
    let (status, joined) = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token_in(&email), "password": "palopo password 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["user"]["role"], "official");
    assert_eq!(joined["user"]["region"], "73.73");
}

#[tokio::test]
async fn a_bad_invitation_is_refused_in_the_pages_language_with_nothing_sent() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin, None).await;
    let staff = app.user(Role::Staff, None).await;
    let session = app.page_session(&staff.email).await;
    let before = outbox_size(&app, &admin.token).await;
    // The language switch sets the account's language, which the form's page then speaks.
    app.page_as("/people", Some(&session), "id").await;
    let refused = app
        .submit(
            "/people/invite",
            &session,
            &[
                ("email", "not an address"),
                ("name", "Andi Baso"),
                ("region", "73.73"),
                ("language", "id"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Masukkan alamat surel yang sah"), "{page}");
    assert!(page.contains("value=\"Andi Baso\""), "input kept");
    assert!(
        page.contains("<option value=\"73.73\" selected"),
        "region kept"
    );
    assert!(!page.contains("is not a valid"), "no English rule text");

    app.page_as("/people", Some(&session), "en").await;
    let refused = app
        .submit(
            "/people/invite",
            &session,
            &[
                ("email", "someone@example.com"),
                ("name", "Andi Baso"),
                ("region", "99.99"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Choose a region from the list."), "{page}");
    assert!(page.contains("value=\"someone@example.com\""));
    assert_eq!(
        outbox_size(&app, &admin.token).await,
        before,
        "no email queued"
    );

    // An address that already has an account is refused at the email field.
    let refused = app
        .submit(
            "/people/invite",
            &session,
            &[
                ("email", &staff.email),
                ("name", "Andi Baso"),
                ("region", "73.73"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("id=\"email-problem\""), "{page}");
    assert!(page.contains("has no account yet"), "{page}");
    assert_eq!(outbox_size(&app, &admin.token).await, before);

    let investor = app.user(Role::Investor, None).await;
    let other = app.page_session(&investor.email).await;
    let (status, _) = app.page_as("/people", Some(&other), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = app
        .submit(
            "/people/invite",
            &other,
            &[
                ("email", "x@example.com"),
                ("name", "X"),
                ("region", "73.73"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(outbox_size(&app, &admin.token).await, before);
    let (status, _) = app.page_as("/people", None, "en").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the sign-in page after the redirect"
    );
}

#[tokio::test]
async fn admins_create_staff_accounts_from_the_page_and_staff_cannot() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin, None).await;
    let staff = app.user(Role::Staff, None).await;
    let form = [
        ("email", "new.staff@example.com"),
        ("name", "Nur Halimah"),
        ("password", "staff password 1"),
        ("role", "staff"),
        ("language", "id"),
    ];
    let staff_session = app.page_session(&staff.email).await;
    let refused = app.submit("/people/staff", &staff_session, &form).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.login("new.staff@example.com", "staff password 1")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    let session = app.page_session(&admin.email).await;
    let (status, en) = app.page_as("/people", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains("Create a staff account"), "{en}");
    assert!(en.contains("href=\"/people/webhooks\""));
    let (_, id) = app.page_as("/people", Some(&session), "id").await;
    assert!(id.contains("Buat akun staf"), "{id}");

    let mut short = form;
    short[2] = ("password", "short");
    let refused = app.submit("/people/staff", &session, &short).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Gunakan 12 sampai 128 karakter."), "{page}");
    assert!(page.contains("value=\"Nur Halimah\""));

    let created = app.submit("/people/staff", &session, &form).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/people?sent=staff");
    let (status, tokens) = app.login("new.staff@example.com", "staff password 1").await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let token = tokens["access_token"].as_str().unwrap();
    let (_, me) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(me["role"], "staff");
    assert_eq!(me["name"], "Nur Halimah");
}

#[tokio::test]
async fn admins_subscribe_and_delete_webhooks_from_the_page() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin, None).await;
    let session = app.page_session(&admin.email).await;
    let (status, en) = app.page_as("/people/webhooks", Some(&session), "en").await;
    assert_eq!(status, StatusCode::OK, "{en}");
    assert!(en.contains("No partner system is subscribed."), "{en}");
    assert!(
        en.contains("value=\"meeting.scheduled\""),
        "kinds to choose"
    );
    let (_, id) = app.page_as("/people/webhooks", Some(&session), "id").await;
    assert!(
        id.contains("Belum ada sistem mitra yang berlangganan."),
        "{id}"
    );

    let refused = app
        .submit(
            "/people/webhooks",
            &session,
            &[("url", "https://crm.partner.example/sepadan")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Pilih sekurang-kurangnya satu peristiwa."),
        "{page}"
    );
    assert!(page.contains("value=\"https://crm.partner.example/sepadan\""));
    let (_, list) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert_eq!(list, json!([]), "nothing stored");

    let made = app
        .submit(
            "/people/webhooks",
            &session,
            &[
                ("url", "https://crm.partner.example/sepadan"),
                ("event_types", "meeting.scheduled"),
                ("event_types", "project.published"),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::OK);
    let page = made.text().await.unwrap();
    assert!(page.contains("whsec_"), "the secret is shown once: {page}");
    let (_, list) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert_eq!(list[0]["url"], "https://crm.partner.example/sepadan");
    assert_eq!(
        list[0]["event_types"],
        json!(["meeting.scheduled", "project.published"])
    );
    let id = list[0]["id"].as_str().unwrap().to_owned();
    let (_, again) = app.page_as("/people/webhooks", Some(&session), "id").await;
    assert!(again.contains("https://crm.partner.example/sepadan"));
    assert!(again.contains("Aktif"));
    assert!(!again.contains("whsec_"), "the secret is not shown again");

    // A receiver that answered 410 Gone is shown stopped, with why in the page's language.
    let db = app.state.db.clone();
    let gone = id.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.get().unwrap();
        write_transaction(&mut conn, |conn| {
            Ok(rows::disable_subscription(conn, &gone, GONE)?)
        })
        .unwrap();
    })
    .await
    .unwrap();
    let (_, stopped) = app.page_as("/people/webhooks", Some(&session), "id").await;
    assert!(
        stopped.contains("Dihentikan: Penerima menjawab bahwa alamatnya sudah tidak ada (410)"),
        "{stopped}"
    );
    assert!(!stopped.contains(GONE));

    let staff = app.user(Role::Staff, None).await;
    let other = app.page_session(&staff.email).await;
    let (status, _) = app.page_as("/people/webhooks", Some(&other), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = app
        .submit(&format!("/people/webhooks/{id}/delete"), &other, &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = app
        .submit(
            "/people/webhooks",
            &other,
            &[
                ("url", "https://x.example/"),
                ("event_types", "meeting.scheduled"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    let deleted = app
        .submit(&format!("/people/webhooks/{id}/delete"), &session, &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&deleted), "/people/webhooks?deleted=1");
    let (_, list) = app.get("/api/v1/admin/webhooks", Some(&admin.token)).await;
    assert_eq!(list, json!([]));
}
