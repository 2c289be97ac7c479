use reqwest::StatusCode;
use sepadan::auth::Role;
use serde_json::json;

use crate::helpers::{TestApp, code, spawn_app};
use crate::imports::{GOOD_SOLAR, HEADER};

async fn project_count(app: &TestApp, token: &str) -> i64 {
    let (_, drafts) = app.get("/api/v1/projects?status=draft", Some(token)).await;
    drafts["total"].as_i64().unwrap()
}

#[tokio::test]
async fn malformed_json_gets_400_and_writes_nothing() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&staff.token)
        .header("content-type", "application/json")
        .body("{\"region\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(code(&body), "malformed_json");
    assert_eq!(project_count(&app, &staff.token).await, 0);
}

#[tokio::test]
async fn a_wrong_type_names_the_field() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
    body["sectors"] = json!("3510");
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&answer), "invalid_body");
    assert!(answer["error"]["fields"]["sectors"].is_string(), "{answer}");
}

#[tokio::test]
async fn unknown_and_privileged_fields_are_rejected_not_ignored() {
    let app = spawn_app().await;
    let (status, answer) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "x@example.com", "password": "long enough password", "name": "X", "role": "admin",
                   "organisation": {"name": "X", "kind": "fund", "country": "JP"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("role")
    );
    let (status, _) = app.login("x@example.com", "long enough password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nothing was registered");
}

#[tokio::test]
async fn out_of_range_values_get_422_with_field_messages() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    for (field, value) in [
        ("sectors", json!(["9999"])),
        ("stage", json!("idea")),
        ("elements", json!(["ENV-9"])),
    ] {
        let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
        body[field] = value;
        let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
        if field == "stage" {
            assert_eq!(status, StatusCode::CREATED);
            continue;
        }
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {answer}"
        );
        assert_eq!(code(&answer), "validation_failed");
        assert!(answer["error"]["fields"][field].is_string(), "{answer}");
    }
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "-5");
    let (status, answer) = app
        .post("/api/v1/projects", Some(&staff.token), body.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    body["value"] = json!({"amount": "10", "currency": "XYZ"});
    let (status, _) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        project_count(&app, &staff.token).await,
        1,
        "only the valid project was stored"
    );
    let (status, answer) = app.get("/api/v1/projects?per_page=101", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(code(&answer), "validation_failed");
    let (status, answer) = app.get("/api/v1/projects?stage=someday", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&answer), "invalid_query");
}

#[tokio::test]
async fn an_oversized_body_gets_413() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
    body["description"]["en"] = json!("x".repeat(2 << 20));
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&answer), "payload_too_large");
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(code(&body), "unsupported_media_type");
}

#[tokio::test]
async fn unknown_ids_and_routes_get_json_404() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let (status, body) = app.get("/api/v1/projects/no-such-project", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
    let (status, _) = app
        .get("/api/v1/investors/no-such-investor", Some(&staff.token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code(&body), "not_found");
}

#[tokio::test]
async fn nul_characters_are_refused_in_bodies_and_addresses() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let mut body = TestApp::project_body("73.73", "Solar\u{0}", "3510", "1000");
    let (status, answer) = app
        .post("/api/v1/projects", Some(&staff.token), body.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    body["title"] = json!({"id": "Surya", "en": "A backslash \\u0000 written out is fine"});
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (status, answer) = app.get("/api/v1/projects/%00", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&answer), "invalid_request");
    for path in [
        "/api/v1/projects?region=%00",
        "/api/v1/regions?province=%00",
    ] {
        let (status, answer) = app.get(path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(code(&answer), "invalid_query");
    }
    let (status, _) = app.login("x\u{0}@example.com", "whatever password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// An answer's status, content type and body.
async fn answer(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

/// The answer to a GET of `path`, as [`answer`] gives it.
async fn answer_to_get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    answer(app.client.get(app.url(path)).send().await.unwrap()).await
}

/// The code of an API error answer, which must be the JSON error body.
fn json_code(kind: &str, body: &str) -> String {
    assert!(kind.starts_with("application/json"), "{kind}: {body}");
    let body: serde_json::Value = serde_json::from_str(body).expect("the JSON error body");
    code(&body).to_owned()
}

/// An error page, which must show the code.
fn assert_error_page(kind: &str, body: &str, code: &str) {
    assert!(kind.starts_with("text/html"), "{kind}: {body}");
    assert!(
        body.contains("<html") && body.contains(code),
        "{code}: {body}"
    );
}

#[tokio::test]
async fn json_with_trailing_data_is_refused() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let before = project_count(&app, &staff.token).await;
    let project = TestApp::project_body("73.73", "Solar", "3510", "1000").to_string();
    for body in [
        format!("{project}garbage"),
        format!("{project} {project}"),
        format!("{project}]"),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/projects"))
            .bearer_auth(&staff.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, kind, body) = answer(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json_code(&kind, &body), "malformed_json");
    }
    assert_eq!(project_count(&app, &staff.token).await, before);
    let response = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&staff.token)
        .header("content-type", "application/json")
        .body(format!("{project}\n  \r\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "trailing whitespace is fine"
    );
}

#[tokio::test]
async fn head_answers_as_get_and_other_methods_are_405_on_both_faces() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/opportunities",
        "/api/v1/projects",
        "/api/v1/regions/73.73",
    ] {
        let get = app.client.get(app.url(path)).send().await.unwrap();
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "{path}");
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(
            head.headers()["content-type"],
            get.headers()["content-type"],
            "{path}"
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
    // A method no route takes is still 405 on both faces, TRACE included, and a POST to an
    // address of the API outside /api/v1 is not taken for a page's form.
    for (method, path) in [
        (reqwest::Method::TRACE, "/api/v1/projects"),
        (reqwest::Method::TRACE, "/healthz"),
        (reqwest::Method::TRACE, "/opportunities"),
        (reqwest::Method::PUT, "/opportunities"),
        (reqwest::Method::POST, "/calendar/0.ics"),
        (reqwest::Method::POST, "/readyz"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn an_unsupported_method_on_a_known_address_is_405_in_each_faces_shape() {
    let app = spawn_app().await;
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/v1/projects"),
        (reqwest::Method::PUT, "/api/v1/auth/login"),
        (reqwest::Method::POST, "/api/v1/projects/some-id/matches"),
    ] {
        let response = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();
        let allow = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let (status, kind, body) = answer(response).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{path}: {body}");
        assert_eq!(json_code(&kind, &body), "method_not_allowed");
        assert!(
            allow.contains("GET") || allow.contains("POST"),
            "{path}: Allow {allow:?}"
        );
    }
    let response = app
        .client
        .delete(app.url("/api/v1/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    let response = app
        .client
        .post(app.url("/opportunities"))
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    let (status, kind, body) = answer(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_page(&kind, &body, "method_not_allowed");
    // An address no route knows is still 404.
    let (status, kind, body) = answer(
        app.client
            .delete(app.url("/api/v1/nothing-here"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json_code(&kind, &body), "not_found");
    let (status, kind, body) = answer_to_get(&app, "/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_page(&kind, &body, "not_found");
}

#[tokio::test]
async fn an_oversized_import_gets_the_json_413() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let csv = format!("region,title_en\n{}", "73.73,Solar\n".repeat(200_000));
    let response = app
        .client
        .post(app.url("/api/v1/imports/projects?dry_run=true"))
        .bearer_auth(&staff.token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, kind, body) = answer(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_code(&kind, &body), "payload_too_large");
}

#[tokio::test]
async fn a_long_address_or_heavy_headers_get_414_and_431_in_each_faces_shape() {
    let app = spawn_app().await;
    let long = "a".repeat(10_000);
    let (status, kind, body) = answer_to_get(&app, &format!("/api/v1/projects?q={long}")).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    assert_eq!(json_code(&kind, &body), "uri_too_long");
    let (status, kind, body) = answer_to_get(&app, &format!("/opportunities?q={long}")).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG);
    assert_error_page(&kind, &body, "uri_too_long");

    let heavy = "b".repeat(20_000);
    for (path, api) in [("/api/v1/projects", true), ("/opportunities", false)] {
        let response = app
            .client
            .get(app.url(path))
            .header("x-filler", &heavy)
            .send()
            .await
            .unwrap();
        let (status, kind, body) = answer(response).await;
        assert_eq!(
            status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "{path}"
        );
        if api {
            assert_eq!(json_code(&kind, &body), "header_fields_too_large");
        } else {
            assert_error_page(&kind, &body, "header_fields_too_large");
        }
    }
}

#[tokio::test]
async fn pages_answer_unreadable_forms_and_queries_with_the_error_page() {
    let app = spawn_app().await;
    // A form without its fields, and a query that does not parse.
    let response = app
        .client
        .post(app.url("/sign-in"))
        .header("origin", &app.address)
        .form(&[("email", "someone@example.com")])
        .send()
        .await
        .unwrap();
    let (status, kind, body) = answer(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_page(&kind, &body, "invalid_request");
    let (status, kind, body) = answer_to_get(&app, "/opportunities?page=many").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_page(&kind, &body, "invalid_query");
    let (status, kind, body) = answer_to_get(&app, "/static/app.0000000000.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_page(&kind, &body, "not_found");
}

/// Control characters that no text may hold (tab and newline may, and CR before LF).
const FORBIDDEN: [&str; 6] = ["\u{0}", "\u{1}", "\u{7}", "\u{1b}", "\r", "\u{85}"];

#[tokio::test]
async fn control_characters_in_a_json_body_are_refused_at_any_depth_naming_the_field() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    for c in FORBIDDEN {
        let mut body = TestApp::project_body("73.73", "Solar", "3510", "1000");
        body["title"]["en"] = json!(format!("Solar{c}panels"));
        let (status, answer) = app
            .post("/api/v1/projects", Some(&staff.token), body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{c:?}: {answer}");
        assert_eq!(code(&answer), "validation_failed");
        assert!(
            answer["error"]["fields"]["title.en"].is_string(),
            "{answer}"
        );
        // In an array, and in an object's key.
        body["title"]["en"] = json!("Solar");
        body["sectors"] = json!(["3510", format!("35{c}10")]);
        let (status, answer) = app
            .post("/api/v1/projects", Some(&staff.token), body.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["error"]["fields"]["sectors[1]"].is_string(),
            "{answer}"
        );
        body["sectors"] = json!(["3510"]);
        body["description"][format!("e{c}n")] = json!("Rooftop solar");
        let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(code(&answer), "validation_failed");
    }
    // Deeper, on another input: the organisation of a registration.
    let (status, answer) = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "nul@example.com", "password": "a long and unusual passphrase 7",
                   "name": "Nul", "organisation": {"name": "Fund\u{0}", "kind": "fund", "country": "JP"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer["error"]["fields"]["organisation.name"].is_string(),
        "{answer}"
    );
    let (status, _) = app
        .login("nul@example.com", "a long and unusual passphrase 7")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nothing was registered");
    assert_eq!(project_count(&app, &staff.token).await, 0, "nothing stored");
    // Tab, newline and CRLF line ends are text.
    let mut body = TestApp::project_body("73.73", "Solar\tpanels", "3510", "1000");
    body["description"]["en"] = json!("One line.\r\nAnother.\nA third.");
    let (status, answer) = app.post("/api/v1/projects", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
}

#[tokio::test]
async fn control_characters_in_a_page_form_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let official = app.user(Role::Official, Some("73.73")).await;
    let session = app.page_session(&official.email).await;
    let project = |title: &str, description: &str| {
        vec![
            ("title_en".to_owned(), title.to_owned()),
            ("title_id".to_owned(), "Lampu jalan".to_owned()),
            ("sectors".to_owned(), "3510".to_owned()),
            ("value".to_owned(), "1000000000".to_owned()),
            ("currency".to_owned(), "IDR".to_owned()),
            ("description_en".to_owned(), description.to_owned()),
            ("description_id".to_owned(), "LED".to_owned()),
            ("dimensions".to_owned(), "ENV".to_owned()),
            ("stage".to_owned(), "idea".to_owned()),
            ("instruments".to_owned(), "ppp".to_owned()),
        ]
    };
    for c in FORBIDDEN {
        let fields = project(&format!("Street{c}lights"), "LED");
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = app.submit("/my-projects/new", &session, &fields).await;
        let (status, kind, body) = answer(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{c:?}: {body}");
        assert_error_page(&kind, &body, "validation_failed");
        assert!(body.contains("title_en"), "the field is named: {body}");
    }
    let (_, drafts) = app
        .get("/api/v1/projects?status=draft", Some(&official.token))
        .await;
    assert_eq!(drafts["total"], 0, "nothing stored: {drafts}");
    // A text area's CRLF line ends are fine.
    let fields = project("Street lights", "LED lamps.\r\nSolar powered.");
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app.submit("/my-projects/new", &session, &fields).await;
    assert!(
        response.status().is_redirection(),
        "{}",
        response.text().await.unwrap()
    );

    // Registration, anonymous.
    let response = reqwest::Client::new()
        .post(app.url("/register"))
        .header("origin", &app.address)
        .form(&[
            ("name", "Yuki\u{0}Tanaka"),
            ("email", "yuki@sakura.example"),
            ("password", "a long and unusual passphrase 7"),
            ("organisation", "Sakura Green Fund"),
            ("kind", "fund"),
            ("country", "JP"),
        ])
        .send()
        .await
        .unwrap();
    let (status, kind, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_error_page(&kind, &body, "validation_failed");
    assert!(app.emails_to("yuki@sakura.example").is_empty());
    let (status, _) = app
        .login("yuki@sakura.example", "a long and unusual passphrase 7")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nothing was registered");
}

#[tokio::test]
async fn control_characters_in_a_csv_cell_refuse_the_import_naming_the_cell() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    for c in FORBIDDEN {
        let bad = GOOD_SOLAR.replace("Rooftop solar.", &format!("Rooftop{c}solar."));
        let file = format!("{HEADER}\n{GOOD_SOLAR}\n\"{}\"", bad.replace(',', "\",\""));
        for query in ["", "?dry_run=true", "?valid_rows_only=true"] {
            let response = app
                .client
                .post(app.url(&format!("/api/v1/imports/projects{query}")))
                .bearer_auth(&staff.token)
                .header("content-type", "text/csv")
                .body(file.clone())
                .send()
                .await
                .unwrap();
            let (status, kind, body) = answer(response).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{c:?}{query}: {body}"
            );
            assert_eq!(json_code(&kind, &body), "validation_failed");
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(
                body["error"]["fields"]["rows[3].description_en"].is_string(),
                "{body}"
            );
        }
    }
    for status in ["draft", "published"] {
        let (_, listed) = app
            .get(
                &format!("/api/v1/projects?status={status}"),
                Some(&staff.token),
            )
            .await;
        assert_eq!(listed["total"], 0, "nothing imported: {listed}");
    }
}

#[tokio::test]
async fn control_characters_in_a_query_are_refused_with_invalid_query() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/projects?q=solar%01",
        "/api/v1/projects?q=%1B%5B31m",
        "/api/v1/sectors?q=air%0Dbersih",
        "/api/v1/regions?q=%7F",
        "/api/v1/projects?re%07gion=73.73",
    ] {
        let (status, body) = app.get(path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(code(&body), "invalid_query", "{path}");
        assert!(
            body["error"]["fields"]
                .as_object()
                .is_some_and(|f| f.len() == 1),
            "{body}"
        );
    }
    let (_, body) = app.get("/api/v1/projects?q=solar%01", None).await;
    assert!(body["error"]["fields"]["q"].is_string(), "{body}");
    let (status, kind, body) = answer_to_get(&app, "/opportunities?q=solar%02").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_page(&kind, &body, "invalid_query");
    // A control character in the path is no address.
    let (status, body) = app.get("/api/v1/projects/ab%0Acd", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&body), "invalid_request");
    // Tab, and an encoded line end, are still fine in a query.
    let (status, body) = app.get("/api/v1/projects?q=solar%09air%0D%0A", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_search_query_is_bounded_in_words_and_length_on_every_face() {
    let app = spawn_app().await;
    let staff = app.user(Role::Staff, None).await;
    let official = app.user(Role::Official, Some("73.73")).await;
    app.published_project(
        &official,
        &staff,
        TestApp::project_body("73.73", "Solar panels", "3510", "1000"),
    )
    .await;
    // 2,000 words; one word too many, well within the length; one character too many.
    let many = ["ab"; 2000].join("+");
    let words = ["solar"; sepadan::domain::text::QUERY_WORDS + 1].join("+");
    let long = "a".repeat(sepadan::domain::text::QUERY_CHARS + 1);
    for q in [&many, &words, &long] {
        for path in [
            "projects",
            "sectors",
            "regions",
            "investors",
            "exports/projects.csv",
        ] {
            let path = format!("/api/v1/{path}?q={q}");
            let (status, body) = app.get(&path, Some(&staff.token)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_eq!(code(&body), "invalid_query");
            assert!(body["error"]["fields"]["q"].is_string(), "{body}");
        }
        for path in ["/opportunities", "/investors"] {
            let session = app.page_session(&staff.email).await;
            let response = app
                .client
                .get(app.url(&format!("{path}?q={q}")))
                .header("cookie", session)
                .send()
                .await
                .unwrap();
            let (status, kind, body) = answer(response).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_error_page(&kind, &body, "invalid_query");
        }
    }
    let twelve = ["solar"; sepadan::domain::text::QUERY_WORDS].join("+");
    let (status, found) = app.get(&format!("/api/v1/projects?q={twelve}"), None).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 1, "{found}");
}
