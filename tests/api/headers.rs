//! The security headers on every kind of answer, HSTS outside development only, and CORS from
//! the configured allowlist alone.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use sepadan::auth::Role;
use sepadan::config::Environment;

use crate::helpers::{TestApp, no_redirects, spawn_app, spawn_with, test_settings};

/// The stylesheet's content address, as the home page links it.
async fn stylesheet(app: &TestApp) -> String {
    let home = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = home
        .find("/static/app.")
        .expect("the page links its stylesheet");
    let end = start + home[start..].find('"').unwrap();
    home[start..end].to_owned()
}

fn assert_secured(headers: &HeaderMap, what: &str) {
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what} has no Content-Security-Policy"))
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp} lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        headers["referrer-policy"], "strict-origin-when-cross-origin",
        "{what}"
    );
    let permissions = headers["permissions-policy"].to_str().unwrap();
    for feature in ["camera=()", "microphone=()", "geolocation=()"] {
        assert!(permissions.contains(feature), "{what}: {permissions}");
    }
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let css = stylesheet(&app).await;
    let client = no_redirects();
    let answers = [
        ("a page", client.get(app.url("/opportunities"))),
        ("the API", client.get(app.url("/api/v1/projects"))),
        (
            "a signed-in API answer",
            client.get(app.url("/api/v1/me")).bearer_auth(&staff.token),
        ),
        ("the stylesheet", client.get(app.url(&css))),
        ("a missing page", client.get(app.url("/no-such-page"))),
        (
            "a missing API address",
            client.get(app.url("/api/v1/nothing")),
        ),
        ("a redirect", client.get(app.url("/language?set=en&back=/"))),
        (
            "a refusal raised before routing",
            client.get(app.url("/api/v1/projects/%00")),
        ),
        ("a form from another site", {
            client
                .post(app.url("/sign-in"))
                .header("origin", "https://evil.example")
                .form(&[("email", "x@example.com"), ("password", "x")])
        }),
        ("health", client.get(app.url("/healthz"))),
    ];
    for (what, request) in answers {
        let response = request.send().await.unwrap();
        assert_secured(response.headers(), what);
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "{what}: no HSTS in development"
        );
    }
}

#[tokio::test]
async fn production_tells_browsers_to_keep_to_https() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.app.environment = Environment::Production;
    settings.app.public_url = "https://sepadan.example.id".into();
    settings.auth.jwt_secret = "a production secret that is long enough to sign".into();
    settings.webhooks.allow_loopback = false;
    let app = spawn_with(settings, dir).await;
    for path in ["/", "/api/v1/projects", "/no-such-page"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_secured(response.headers(), path);
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

async fn from_origin(app: &TestApp, method: Method, path: &str, origin: &str) -> HeaderMap {
    let mut request = app
        .client
        .request(method.clone(), app.url(path))
        .header("origin", origin);
    if method == Method::OPTIONS {
        request = request
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            );
    }
    request.send().await.unwrap().headers().clone()
}

#[tokio::test]
async fn no_origin_gets_cors_headers_by_default() {
    let app = spawn_app().await;
    for method in [Method::GET, Method::OPTIONS] {
        let headers = from_origin(&app, method, "/api/v1/projects", "https://portal.example").await;
        assert!(
            headers.get("access-control-allow-origin").is_none(),
            "{headers:?}"
        );
    }
}

#[tokio::test]
async fn only_allowlisted_origins_get_cors_headers() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.server.cors_origins = vec!["https://portal.example".into()];
    let app = spawn_with(settings, dir).await;

    let allowed = from_origin(
        &app,
        Method::GET,
        "/api/v1/projects",
        "https://portal.example",
    )
    .await;
    assert_eq!(
        allowed["access-control-allow-origin"],
        "https://portal.example"
    );
    assert!(allowed.get("access-control-allow-credentials").is_none());
    let preflight = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/projects",
        "https://portal.example",
    )
    .await;
    assert_eq!(
        preflight["access-control-allow-origin"],
        "https://portal.example"
    );
    let methods = preflight["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");

    let other = from_origin(
        &app,
        Method::GET,
        "/api/v1/projects",
        "https://evil.example",
    )
    .await;
    assert!(
        other.get("access-control-allow-origin").is_none(),
        "{other:?}"
    );
    let refused = app
        .client
        .request(Method::OPTIONS, app.url("/api/v1/projects"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert!(refused.status().is_client_error());
    let body: serde_json::Value = refused.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");

    // The site's own forms still work: their origin is the site's, not the allowlist's.
    let staff = app.user(Role::Staff, None).await;
    app.page_session(&staff.email).await;
    assert_eq!(
        no_redirects()
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}
