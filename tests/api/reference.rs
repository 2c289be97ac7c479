use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn all_provinces_regencies_and_ikn_regions_are_loaded() {
    let app = spawn_app().await;
    let (_, provinces) = app.get("/api/v1/provinces", None).await;
    assert_eq!(provinces.as_array().unwrap().len(), 38);
    let (_, regions) = app.get("/api/v1/regions?per_page=1", None).await;
    assert_eq!(regions["total"], 38 + 514);
    let (_, ikn) = app.get("/api/v1/regions?ikn_related=true", None).await;
    let codes: Vec<&str> = ikn["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["64.02", "64.09", "64.71", "64.72"]);
    let (_, sulsel_cities) = app.get("/api/v1/regions?province=73&type=kota", None).await;
    assert_eq!(sulsel_cities["total"], 3);
    let (_, found) = app.get("/api/v1/regions?q=palopo", None).await;
    assert_eq!(found["items"][0]["code"], "73.73");
}

#[tokio::test]
async fn a_region_is_found_by_its_kemendagri_code() {
    let app = spawn_app().await;
    let (status, maros) = app.get("/api/v1/regions/73.09", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(maros["name"], "Kabupaten Maros");
    assert_eq!(maros["iana_tz"], "Asia/Makassar");
    let (_, balikpapan) = app.get("/api/v1/regions/64.71", None).await;
    assert_eq!(balikpapan["ikn_label"], "commonly cited");
    let (status, _) = app.get("/api/v1/regions/99.99", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sectors_come_as_a_tree_or_filtered() {
    let app = spawn_app().await;
    let (_, tree) = app.get("/api/v1/sectors", None).await;
    let sections = tree["items"].as_array().unwrap();
    assert_eq!(sections.len(), 21);
    let d = sections.iter().find(|s| s["code"] == "D").unwrap();
    assert_eq!(d["children"][0]["code"], "35");
    let (_, classes) = app.get("/api/v1/sectors?level=class", None).await;
    assert_eq!(classes["items"].as_array().unwrap().len(), 419);
    let (_, children) = app.get("/api/v1/sectors?parent=351", None).await;
    assert_eq!(children["items"][0]["code"], "3510");
    assert_eq!(
        children["items"][0]["title_id"],
        "Pembangkitan, transmisi dan distribusi tenaga listrik"
    );
    // Words are found in either language.
    let (_, listrik) = app.get("/api/v1/sectors?q=listrik&level=class", None).await;
    let codes: Vec<&str> = listrik["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"3510") && codes.contains(&"4321"),
        "{codes:?}"
    );
    let (_, electric) = app.get("/api/v1/sectors?q=electric%20power", None).await;
    assert_eq!(electric["items"][0]["code"], "351");
    assert_eq!(
        electric["items"][0]["title"],
        "Electric power generation, transmission and distribution"
    );
    // The levels are an enumeration of the query, as the document says.
    let (status, body) = app.get("/api/v1/sectors?level=chapter", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_query");
}

#[tokio::test]
async fn six_dimensions_with_three_elements_each_in_two_languages() {
    let app = spawn_app().await;
    let (_, dims) = app.get("/api/v1/dimensions", None).await;
    let dims = dims.as_array().unwrap();
    assert_eq!(dims.len(), 6);
    assert!(
        dims.iter()
            .all(|d| d["elements"].as_array().unwrap().len() == 3)
    );
    let env = dims.iter().find(|d| d["code"] == "ENV").unwrap();
    assert_eq!(env["elements"][2]["code"], "ENV-3");
    assert_eq!(env["elements"][2]["name_id"], "Tata kelola energi");
}

#[tokio::test]
async fn countries_currencies_and_dated_rates_are_listed() {
    let app = spawn_app().await;
    let (_, countries) = app.get("/api/v1/countries", None).await;
    assert!(
        countries
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "ID")
    );
    let singapore = countries
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "SG")
        .unwrap();
    assert_eq!(
        (&singapore["name"], &singapore["name_id"]),
        (&json!("Singapore"), &json!("Singapura"))
    );
    let (_, currencies) = app.get("/api/v1/currencies", None).await;
    let idr = currencies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "IDR")
        .unwrap()
        .clone();
    assert_eq!(idr["minor_digits"], 2);
    let (_, rates) = app.get("/api/v1/exchange-rates", None).await;
    let rates = rates.as_array().unwrap();
    assert!(
        rates
            .iter()
            .any(|r| r["currency"] == "IDR" && r["source"] == "sample")
    );
}

#[tokio::test]
async fn the_openapi_document_covers_every_route() {
    let app = spawn_app().await;
    let (status, doc) = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let routes = [
        ("get", "/healthz"),
        ("get", "/api/v1/openapi.json"),
        ("get", "/readyz"),
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/logout"),
        ("post", "/api/v1/auth/accept-invitation"),
        ("post", "/api/v1/auth/password-reset"),
        ("post", "/api/v1/auth/password-reset/confirm"),
        ("post", "/api/v1/auth/verify-email"),
        ("get", "/api/v1/me"),
        ("patch", "/api/v1/me"),
        ("post", "/api/v1/me/password"),
        ("post", "/api/v1/invitations"),
        ("post", "/api/v1/users"),
        ("get", "/api/v1/provinces"),
        ("get", "/api/v1/regions"),
        ("get", "/api/v1/regions/{code}"),
        ("put", "/api/v1/regions/{code}/profile"),
        ("get", "/api/v1/sectors"),
        ("get", "/api/v1/dimensions"),
        ("get", "/api/v1/countries"),
        ("get", "/api/v1/currencies"),
        ("get", "/api/v1/exchange-rates"),
        ("get", "/api/v1/projects"),
        ("post", "/api/v1/projects"),
        ("get", "/api/v1/projects/{id}"),
        ("patch", "/api/v1/projects/{id}"),
        ("post", "/api/v1/projects/{id}/submit"),
        ("post", "/api/v1/projects/{id}/publish"),
        ("post", "/api/v1/projects/{id}/request-changes"),
        ("post", "/api/v1/projects/{id}/close"),
        ("post", "/api/v1/projects/{id}/files"),
        ("get", "/api/v1/projects/{id}/files"),
        ("get", "/api/v1/projects/{id}/files/{file_id}"),
        ("get", "/api/v1/projects/{id}/files/{file_id}/thumbnail"),
        ("delete", "/api/v1/projects/{id}/files/{file_id}"),
        ("get", "/api/v1/investors"),
        ("get", "/api/v1/investors/{id}"),
        ("patch", "/api/v1/investors/{id}"),
        ("put", "/api/v1/investors/{id}/mandate"),
        ("post", "/api/v1/investors/{id}/verify"),
        ("get", "/api/v1/investors/{id}/matches"),
        ("get", "/api/v1/projects/{id}/matches"),
        ("get", "/api/v1/matches/top"),
        ("post", "/api/v1/matches/preview"),
        ("put", "/api/v1/investors/{id}/feedback/{project_id}"),
        ("delete", "/api/v1/investors/{id}/feedback/{project_id}"),
        ("get", "/api/v1/investors/{id}/feedback"),
        ("get", "/api/v1/conversations"),
        ("post", "/api/v1/conversations"),
        ("get", "/api/v1/conversations/{id}"),
        ("post", "/api/v1/conversations/{id}/messages"),
        ("get", "/api/v1/me/saved-searches"),
        ("post", "/api/v1/me/saved-searches"),
        ("patch", "/api/v1/me/saved-searches/{id}"),
        ("delete", "/api/v1/me/saved-searches/{id}"),
        ("get", "/api/v1/reports/funnel"),
        ("get", "/api/v1/exports/funnel.{format}"),
        ("get", "/api/v1/deals"),
        ("get", "/api/v1/deals/{id}"),
        ("post", "/api/v1/deals/{id}/steps"),
        ("get", "/api/v1/projects/{id}/data-room"),
        ("post", "/api/v1/projects/{id}/nda/accept"),
        ("post", "/api/v1/projects/{id}/data-room/grants"),
        ("get", "/api/v1/regions/{code}/nda"),
        ("put", "/api/v1/regions/{code}/nda"),
        ("get", "/api/v1/events"),
        ("post", "/api/v1/events"),
        ("get", "/api/v1/events/{id}"),
        ("get", "/api/v1/events/{id}/participants"),
        ("post", "/api/v1/events/{id}/participants"),
        ("post", "/api/v1/events/{id}/participants/batch"),
        ("put", "/api/v1/events/{id}/participants/{participant_id}"),
        ("get", "/api/v1/events/{id}/applications"),
        (
            "post",
            "/api/v1/events/{id}/applications/{participant_id}/approve",
        ),
        (
            "delete",
            "/api/v1/events/{id}/applications/{participant_id}",
        ),
        ("get", "/api/v1/delegations"),
        ("post", "/api/v1/delegations"),
        ("get", "/api/v1/delegations/{id}"),
        ("get", "/api/v1/events/{id}/requests"),
        ("post", "/api/v1/events/{id}/requests"),
        ("post", "/api/v1/events/{id}/introductions"),
        ("get", "/api/v1/requests/{id}"),
        ("post", "/api/v1/requests/{id}/accept"),
        ("post", "/api/v1/requests/{id}/decline"),
        ("post", "/api/v1/requests/{id}/cancel"),
        ("post", "/api/v1/events/{id}/schedule"),
        ("get", "/api/v1/jobs/{id}"),
        ("get", "/api/v1/events/{id}/meetings"),
        ("get", "/api/v1/meetings/{id}"),
        ("patch", "/api/v1/meetings/{id}"),
        ("delete", "/api/v1/meetings/{id}"),
        ("put", "/api/v1/meetings/{id}/outcome"),
        ("get", "/api/v1/meetings/{id}/calendar.ics"),
        ("get", "/api/v1/me/agenda"),
        ("post", "/api/v1/me/calendar"),
        ("delete", "/api/v1/me/calendar"),
        ("get", "/calendar/{token}.ics"),
        ("get", "/api/v1/me/notifications"),
        ("post", "/api/v1/me/notifications/{id}/read"),
        ("get", "/api/v1/reports/outcomes"),
        ("get", "/api/v1/me/notification-settings"),
        ("put", "/api/v1/me/notification-settings"),
        ("get", "/api/v1/admin/outbox"),
        ("post", "/api/v1/admin/outbox/{id}/retry"),
        ("get", "/api/v1/admin/webhooks"),
        ("post", "/api/v1/admin/webhooks"),
        ("delete", "/api/v1/admin/webhooks/{id}"),
        ("get", "/api/v1/exports/projects.{format}"),
        ("get", "/api/v1/exports/investors.{format}"),
        ("get", "/api/v1/exports/investors/{id}/matches.{format}"),
        ("get", "/api/v1/exports/events/{id}/meetings.{format}"),
        ("get", "/api/v1/exports/outcomes.{format}"),
        ("get", "/api/v1/imports/projects/template.csv"),
        ("get", "/api/v1/imports/investors/template.csv"),
        ("post", "/api/v1/imports/projects"),
        ("post", "/api/v1/imports/investors"),
        ("get", "/api/v1/unsubscribe"),
        ("post", "/api/v1/unsubscribe"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in routes {
        let operation = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is missing"))[method];
        assert!(operation.is_object(), "{method} {path} is missing");
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        operations,
        routes.len(),
        "a route is documented but not listed here, or the reverse"
    );
    assert!(paths["/api/v1/projects"]["post"]["requestBody"].is_object());
    let schemas = &doc["components"]["schemas"];
    for (schema, property) in [("Sector", "title_id"), ("Country", "name_id")] {
        assert!(
            schemas[schema]["properties"][property].is_object(),
            "{schema} says {property}"
        );
    }
}

#[tokio::test]
async fn readiness_answers_503_when_no_database_connection_can_be_had() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = crate::helpers::test_settings(&dir);
    settings.database.pool_size = 1;
    settings.database.connect_timeout_seconds = 1;
    let app = crate::helpers::spawn_with(settings, dir).await;
    let db = app.state.db.clone();
    let held = tokio::task::spawn_blocking(move || db.get().unwrap())
        .await
        .unwrap();
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], "service_unavailable");
    drop(held);
    assert_eq!(app.get("/readyz", None).await.0, StatusCode::OK);
}
