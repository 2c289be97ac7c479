use chrono::Utc;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, code, refused_fields, spawn_app, token_in};

fn register_body(email: &str) -> serde_json::Value {
    json!({"email": email, "password": "a long enough password", "name": "Yuki Tanaka", "language": "en",
           "organisation": {"name": "Sakura Green Fund", "kind": "fund", "country": "JP"}})
}

#[tokio::test]
async fn an_investor_registers_confirms_the_address_then_signs_in_unverified() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/v1/auth/register",
            None,
            register_body("yuki@sakura.example"),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        body,
        json!({"email": "yuki@sakura.example", "next": "confirm_email"})
    );
    let (status, _) = app
        .login("yuki@sakura.example", "a long enough password")
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "no sign-in before the address is confirmed"
    );
    let email = app
        .email_text("yuki@sakura.example", "Confirm your email address")
        .await;
    let (status, _) = app
        .post(
            "/api/v1/auth/verify-email",
            None,
            json!({"token": token_in(&email)}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, tokens) = app
        .login("yuki@sakura.example", "a long enough password")
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["expires_in"].as_i64().unwrap() <= 900);
    let (status, me) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "investor");
    assert_eq!(me["email"], "yuki@sakura.example");
    let investor_id = me["investor_id"].as_str().unwrap();
    let (_, investor) = app
        .get(&format!("/api/v1/investors/{investor_id}"), Some(token))
        .await;
    assert_eq!(investor["verified"], false);
    assert_eq!(investor["origin"], "foreign");
}

#[tokio::test]
async fn registering_a_taken_address_answers_as_a_new_one_and_emails_the_owner() {
    let app = spawn_app().await;
    let (first_status, first) = app
        .post("/api/v1/auth/register", None, register_body("a@b.example"))
        .await;
    assert_eq!(first_status, StatusCode::ACCEPTED, "{first}");
    let mut again = register_body("A@B.example");
    again["password"] = json!("the intruder's own password");
    again["organisation"]["name"] = json!("Another Fund");
    let (status, body) = app.post("/api/v1/auth/register", None, again).await;
    assert_eq!(status, first_status, "{body}");
    assert_eq!(body, first, "the same answer, word for word");
    let notice = app
        .email_text("a@b.example", "Someone tried to register with your address")
        .await;
    assert!(notice.contains("/sign-in"), "{notice}");
    assert!(notice.contains("/forgot-password"), "{notice}");
    let (status, _) = app
        .login("a@b.example", "the intruder's own password")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no second account");

    let mut short = register_body("c@d.example");
    short["password"] = json!("too short");
    let (status, body) = app.post("/api/v1/auth/register", None, short).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["password"].is_string());
}

#[tokio::test]
async fn weak_and_common_passwords_are_refused_everywhere_a_password_is_chosen() {
    let app = spawn_app().await;
    let weak = |body: &serde_json::Value, field: &str| {
        let message = body["error"]["fields"][field].as_str().unwrap_or_default();
        assert!(message.contains("too easy to guess"), "{body}");
    };
    let mut register = register_body("weak@sakura.example");
    register["password"] = json!("password1234");
    let (status, body) = app.post("/api/v1/auth/register", None, register).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(code(&body), "validation_failed");
    weak(&body, "password");
    assert!(
        body["error"]["fields"]["password"]
            .as_str()
            .unwrap()
            .contains("common password"),
        "it says why: {body}"
    );

    let user = app.user(Role::Staff, None).await;
    let (status, body) = app
        .post(
            "/api/v1/me/password",
            Some(&user.token),
            json!({"current_password": PASSWORD, "new_password": "password1234"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    weak(&body, "new_password");

    let token = reset_token(&app, &user.id).await;
    let (status, body) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "aaaaaaaaaaaaaaaa"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    weak(&body, "password");

    let (status, _) = app
        .post(
            "/api/v1/invitations",
            Some(&user.token),
            json!({"email": "andi@palopokota.go.id", "name": "Andi Baso", "region": "73.73"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let email = app
        .email_text("andi@palopokota.go.id", "Undangan ke Sepadan")
        .await;
    let (status, body) = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token_in(&email), "password": "qwertyuiop123"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    weak(&body, "password");
    let (status, _) = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token_in(&email), "password": "palopo harbour lanterns"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "the invitation still works");
    assert_eq!(
        app.login(&user.email, PASSWORD).await.0,
        StatusCode::OK,
        "the weak passwords changed nothing"
    );
}

/// A live reset link for a user, stored as a reset email would have made it; returns its secret.
async fn reset_token(app: &crate::helpers::TestApp, user_id: &str) -> String {
    let db = app.state.db.clone();
    let user_id = user_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let secret = sepadan::auth::tokens::new_secret();
        let mut conn = db.get().unwrap();
        let expires = sepadan::clock::now() + chrono::Duration::hours(1);
        sepadan::models::user::insert_account_token(
            &mut conn,
            &sepadan::auth::tokens::hash_secret(&secret),
            &user_id,
            "password_reset",
            expires,
        )
        .unwrap();
        secret
    })
    .await
    .unwrap()
}

async fn confirm_reset(app: &crate::helpers::TestApp, token: &str, password: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        json!({"token": token, "password": password}),
    )
    .await
    .0
}

#[tokio::test]
async fn a_completed_reset_ends_the_other_outstanding_reset_links() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let first = reset_token(&app, &user.id).await;
    let second = reset_token(&app, &user.id).await;
    assert_eq!(
        confirm_reset(&app, &first, "granite meadow sparrow").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        confirm_reset(&app, &second, "another granite meadow").await,
        StatusCode::UNAUTHORIZED,
        "the other link died with the reset"
    );
    assert_eq!(
        app.login(&user.email, "granite meadow sparrow").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_password_change_ends_the_outstanding_reset_links() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let link = reset_token(&app, &user.id).await;
    let (status, _) = app
        .post(
            "/api/v1/me/password",
            Some(&user.token),
            json!({"current_password": PASSWORD, "new_password": "granite meadow sparrow"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        confirm_reset(&app, &link, "another granite meadow").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, "granite meadow sparrow").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_new_reset_request_ends_the_earlier_reset_links() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let ask = || {
        app.post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": user.email}),
        )
    };
    assert_eq!(ask().await.0, StatusCode::ACCEPTED);
    let first = token_in(&app.email_text(&user.email, "Reset your password").await);
    assert_eq!(ask().await.0, StatusCode::ACCEPTED);
    let texts = app.emails_text(&user.email, "Reset your password", 2).await;
    let second = texts
        .iter()
        .map(|text| token_in(text))
        .find(|token| *token != first)
        .unwrap();
    assert_eq!(
        confirm_reset(&app, &first, "granite meadow sparrow").await,
        StatusCode::UNAUTHORIZED,
        "the earlier link ended with the new request"
    );
    assert_eq!(
        confirm_reset(&app, &second, "granite meadow sparrow").await,
        StatusCode::NO_CONTENT
    );
}

/// The outbox items of a kind to an address, with their states.
async fn outbox_to(app: &crate::helpers::TestApp, address: &str) -> Vec<(String, String)> {
    let db = app.state.db.clone();
    let target = format!("address:{address}");
    tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use sepadan::db::schema::outbox;
        let mut conn = db.get().unwrap();
        outbox::table
            .filter(outbox::target.eq(target))
            .select((outbox::kind, outbox::state))
            .load(&mut *conn)
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_reset_request_does_the_same_work_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let unknown = "nobody@example.com";
    let mut answers = Vec::new();
    for address in [user.email.as_str(), unknown] {
        let response = app
            .client
            .post(app.url("/api/v1/auth/password-reset"))
            .json(&json!({"email": address}))
            .send()
            .await
            .unwrap();
        let status = response.status();
        answers.push((status, response.text().await.unwrap()));
        let queued = outbox_to(&app, address).await;
        assert_eq!(queued.len(), 1, "{address}: {queued:?}");
        assert_eq!(queued[0].0, "password_reset_request", "{address}");
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::ACCEPTED);
    app.email_text(&user.email, "Reset your password").await;
    // The worker takes the unknown address's item too, and sends nothing for it.
    for _ in 0..500 {
        if outbox_to(&app, unknown).await[0].1 == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(outbox_to(&app, unknown).await[0].1, "sent");
    assert!(app.emails_to(unknown).is_empty());
}

#[tokio::test]
async fn an_unrelated_write_succeeds_while_a_flood_of_bad_sign_ins_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::helpers::test_settings(&dir);
    // A request that cannot get a connection soon answers 503: any lock held by the flood shows.
    settings.database.connect_timeout_seconds = 1;
    let app = crate::helpers::spawn_with(settings, dir).await;
    let staff = app.user(Role::Staff, None).await;
    let flood: Vec<_> = (0..128)
        .map(|i| {
            let client = app.client.clone();
            let url = app.url("/api/v1/auth/login");
            let email = if i % 2 == 0 {
                staff.email.clone()
            } else {
                format!("nobody{i}@example.com")
            };
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&json!({"email": email, "password": "not the password at all"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for i in 0..5 {
        let (status, body) = app
            .call(
                reqwest::Method::PATCH,
                "/api/v1/me",
                Some(&staff.token),
                Some(json!({"name": format!("Staff {i}")})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for attempt in flood {
        assert_eq!(attempt.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        app.login(&staff.email, PASSWORD).await.0,
        StatusCode::OK,
        "the right password still works after the flood"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let (status, wrong) = app.login(&user.email, "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, unknown) = app.login("nobody@example.com", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
}

#[tokio::test]
async fn a_refresh_token_is_rotated_and_its_reuse_ends_the_session() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let (status, next) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let new_access = next["access_token"].as_str().unwrap();
    let new_refresh = next["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, user.refresh_token);
    assert_eq!(
        app.get("/api/v1/me", Some(new_access)).await.0,
        StatusCode::OK
    );
    // The spent token again: refused, and the whole family is revoked.
    let (status, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": new_refresh}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/v1/me", Some(new_access)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_ends_both_tokens_of_the_session() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let (status, _) = app
        .post("/api/v1/auth/logout", Some(&user.token), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&user.token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_password_change_ends_every_session() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let (status, _) = app
        .post(
            "/api/v1/me/password",
            Some(&user.token),
            json!({"current_password": "wrong one!!!", "new_password": "another long password"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            "/api/v1/me/password",
            Some(&user.token),
            json!({"current_password": PASSWORD, "new_password": "another long password"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&user.token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, "another long password").await.0,
        StatusCode::OK
    );
}

fn forge(secret: &str, audience: &str, sub: &str, sid: &str, exp_offset: i64) -> String {
    let now = Utc::now().timestamp();
    let claims = json!({"iss": "sepadan", "aud": audience, "sub": sub, "sid": sid, "iat": now, "exp": now + exp_offset});
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.user(Role::Staff, None).await;
    let claims: serde_json::Value = {
        use base64::Engine;
        let payload = user.token.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap()
    };
    let sid = claims["sid"].as_str().unwrap();
    let secret = app
        .state
        .settings
        .auth
        .jwt_secret
        .expose_secret()
        .to_owned();
    let valid = forge(&secret, "sepadan-api", &user.id, sid, 300);
    assert_eq!(
        app.get("/api/v1/me", Some(&valid)).await.0,
        StatusCode::OK,
        "the forging itself is right"
    );
    let cases = [
        (
            "expired",
            forge(&secret, "sepadan-api", &user.id, sid, -120),
        ),
        (
            "wrong signature",
            forge(
                "another secret entirely, 32 bytes+",
                "sepadan-api",
                &user.id,
                sid,
                300,
            ),
        ),
        (
            "wrong audience",
            forge(&secret, "another-api", &user.id, sid, 300),
        ),
        ("refresh token as access token", user.refresh_token.clone()),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (case, token) in cases {
        let (status, body) = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(code(&body), "unauthenticated", "{case}");
    }
    assert_eq!(
        app.get("/api/v1/me", None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn staff_invite_an_official_who_joins_bound_to_the_region() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let investor = app.user(Role::Investor, None).await;
    let invitation =
        json!({"email": "kepala.dinas@palopokota.go.id", "name": "Andi Baso", "region": "73.73"});
    let (status, _) = app
        .post(
            "/api/v1/invitations",
            Some(&investor.token),
            invitation.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, invited) = app
        .post("/api/v1/invitations", Some(&staff.token), invitation)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    assert!(
        invited.get("token").is_none(),
        "the secret goes to the official, not to staff"
    );
    let email = app
        .email_text("kepala.dinas@palopokota.go.id", "Undangan ke Sepadan")
        .await;
    assert!(email.contains("Kota Palopo"), "{email}");
    assert!(
        email.contains(&format!("{}/accept-invitation?token=", app.address)),
        "{email}"
    );
    let token = &token_in(&email);
    let (status, joined) = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "password": "palopo password 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["user"]["role"], "official");
    assert_eq!(joined["user"]["region"], "73.73");
    let (status, _) = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "password": "palopo password 1"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "an invitation works once");
}

#[tokio::test]
async fn only_admins_create_staff_accounts() {
    let app = spawn_app().await;
    let admin = app.user(Role::Admin, None).await;
    let staff = app.user(Role::Staff, None).await;
    let body = json!({"email": "new.staff@example.com", "name": "New Staff", "password": "staff password 1", "role": "staff"});
    assert_eq!(
        app.post("/api/v1/users", Some(&staff.token), body.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, created) = app.post("/api/v1/users", Some(&admin.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "staff");
    let official = json!({"email": "o@example.com", "name": "O", "password": "staff password 1", "role": "official"});
    assert_eq!(
        app.post("/api/v1/users", Some(&admin.token), official)
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_emailed_link_that_works_once() {
    let app = spawn_app().await;
    let user = app.user(Role::Investor, None).await;
    let (status, _) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": user.email}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "nobody@example.com"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "the same answer for unknown addresses"
    );
    let email = app.email_text(&user.email, "Atur ulang kata sandi").await;
    let token = token_in(&email);
    // Once delivered, the secret is not kept in the outbox.
    let db = app.state.db.clone();
    let kept = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use sepadan::db::schema::outbox;
        let mut conn = db.get().unwrap();
        for _ in 0..500 {
            let rows: Vec<(String, String)> = outbox::table
                .filter(outbox::kind.eq("password_reset_request"))
                .select((outbox::state, outbox::payload))
                .load(&mut *conn)
                .unwrap();
            if rows.iter().all(|(state, _)| state == "sent") {
                return rows
                    .into_iter()
                    .map(|(_, payload)| payload)
                    .collect::<Vec<_>>();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("the reset email stays unsent");
    })
    .await
    .unwrap();
    assert_eq!(
        kept,
        ["{}", "{}"],
        "one request per address, neither holding a secret"
    );
    let (status, _) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "a brand new password"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, "a brand new password").await.0,
        StatusCode::OK
    );
    let (status, _) = app.get("/api/v1/me", Some(&user.token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old sessions end");
    let (status, _) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "yet another password"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a link works once");

    // Registration sends an address verification link.
    let email = app.email_text(&user.email, "Konfirmasi alamat email").await;
    let (status, _) = app
        .post(
            "/api/v1/auth/verify-email",
            None,
            json!({"token": token_in(&email)}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_registration_whose_organisation_has_three_mistakes_names_all_three_and_makes_nothing() {
    let app = spawn_app().await;
    let mut body = register_body("yuki@sakura.example");
    body["organisation"] = json!({"name": "", "kind": "fund", "country": "Japan",
                                  "website": "sakura.example"});
    let (status, refused) = app.post("/api/v1/auth/register", None, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused_fields(&refused),
        [
            "organisation.country",
            "organisation.name",
            "organisation.website"
        ]
    );
    let staff = app.user(Role::Staff, None).await;
    let (_, investors) = app.get("/api/v1/investors", Some(&staff.token)).await;
    assert_eq!(investors["total"], 0, "no organisation was made");
}
