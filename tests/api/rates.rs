//! Exchange rates fetched from a provider served on loopback, in the ECB's daily XML format.

use std::process::Command;

use sepadan::models::matching::version;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{spawn_app, spawn_with, test_settings};

const ECB_DAILY: &str = include_str!("../data/eurofxref-daily.xml");

async fn provider(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/eurofxref-daily.xml"))
        .respond_with(ResponseTemplate::new(status).set_body_string(ECB_DAILY))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn fetched_rates_are_stored_per_dollar_and_used_at_once() {
    let server = provider(200).await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.rates.provider_url = format!("{}/eurofxref-daily.xml", server.uri());
    let app = spawn_with(settings.clone(), dir).await;
    let db = app.state.db.clone();
    let (refreshed, before, after) = tokio::task::spawn_blocking(move || {
        let before = version(&mut db.get().unwrap()).unwrap();
        let refreshed = sepadan::rates::refresh(&db, &settings).unwrap();
        let after = version(&mut db.get().unwrap()).unwrap();
        (refreshed, before, after)
    })
    .await
    .unwrap();
    assert_eq!(refreshed.date.to_string(), "2026-11-27");
    assert!(after > before, "matching sees the new rates");
    let (_, rates) = app.get("/api/v1/exchange-rates", None).await;
    let idr = rates
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "IDR")
        .unwrap();
    assert_eq!(idr["source"], "ecb", "{idr}");
    assert_eq!(idr["date"], "2026-11-27");
    assert_eq!(idr["units_per_usd"], "16700");
}

#[tokio::test]
async fn a_failed_fetch_keeps_the_last_good_rates() {
    let server = provider(503).await;
    let app = spawn_app().await;
    let mut settings = app.state.settings.as_ref().clone();
    settings.rates.provider_url = format!("{}/eurofxref-daily.xml", server.uri());
    let db = app.state.db.clone();
    let failed =
        tokio::task::spawn_blocking(move || sepadan::rates::refresh(&db, &settings).is_err())
            .await
            .unwrap();
    assert!(failed);
    let (_, rates) = app.get("/api/v1/exchange-rates", None).await;
    assert!(
        rates
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"] == "sample")
    );
}

#[tokio::test]
async fn rates_fetch_on_the_command_line_says_what_it_stored() {
    let server = provider(200).await;
    let dir = tempfile::tempdir().unwrap();
    let url = test_settings(&dir).database.url;
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_sepadan"))
            .args(["rates", "fetch"])
            .env("SEPADAN__DATABASE__URL", &url)
            .env(
                "SEPADAN__RATES__PROVIDER_URL",
                format!("{}/eurofxref-daily.xml", server.uri()),
            )
            .env("SEPADAN__APP__LOG_LEVEL", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("dated 2026-11-27"), "{stdout}");
}
