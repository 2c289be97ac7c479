use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;

use crate::helpers::{spawn_with, test_settings};

fn sepadan(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .args(args)
        .env("SEPADAN__DATABASE__URL", database_url)
        .env("SEPADAN__APP__LOG_LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sepadan binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_create_reads_the_password_from_stdin_and_the_official_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(&dir);
    let url = settings.database.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        sepadan(
            &url,
            &[
                "user",
                "create",
                "--role",
                "official",
                "--email",
                "camat@maroskab.go.id",
                "--region",
                "73.09",
                "--password-stdin",
            ],
            "maros password 2026\n",
        )
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let app = spawn_with(settings, dir).await;
    let (status, tokens) = app
        .login("camat@maroskab.go.id", "maros password 2026")
        .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (_, me) = app.get("/api/v1/me", tokens["access_token"].as_str()).await;
    assert_eq!(me["role"], "official");
    assert_eq!(me["region"], "73.09");
}

#[tokio::test]
async fn user_create_refuses_an_official_without_a_known_region() {
    let dir = tempfile::tempdir().unwrap();
    let url = test_settings(&dir).database.url;
    let output = tokio::task::spawn_blocking(move || {
        sepadan(
            &url,
            &[
                "user",
                "create",
                "--role",
                "official",
                "--email",
                "x@example.com",
                "--region",
                "99.99",
                "--password-stdin",
            ],
            "long enough pw\n",
        )
    })
    .await
    .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("99.99"));
}

#[test]
fn production_refuses_the_default_signing_secret() {
    let output = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .arg("check-config")
        .env("SEPADAN__APP__ENVIRONMENT", "production")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("jwt_secret"));
    let accepted = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .arg("check-config")
        .env("SEPADAN__APP__ENVIRONMENT", "production")
        .env(
            "SEPADAN__AUTH__JWT_SECRET",
            "a production secret of more than 32 bytes",
        )
        .output()
        .unwrap();
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
    assert!(
        String::from_utf8_lossy(&accepted.stdout).contains("effective: false"),
        "no demo data in production"
    );
}
