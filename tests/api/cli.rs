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

#[test]
fn a_written_instance_and_schedule_check_out_and_a_broken_schedule_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("instance.json");
    let schedule = dir.path().join("schedule.json");
    let bench = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .args([
            "bench",
            "scheduling",
            "--tier",
            "S",
            "--seed",
            "3",
            "--json",
            "--write-instance",
        ])
        .arg(&instance)
        .arg("--write-schedule")
        .arg(&schedule)
        .output()
        .unwrap();
    assert!(
        bench.status.success(),
        "{}",
        String::from_utf8_lossy(&bench.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&bench.stdout).unwrap();
    assert_eq!(report["tier"], "S");
    assert!(report["placed"].as_u64().unwrap() > 0);
    let check = |schedule: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_sepadan"))
            .arg("schedule-check")
            .arg(&instance)
            .arg(schedule)
            .output()
            .unwrap()
    };
    assert!(check(&schedule).status.success());
    let mut broken: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&schedule).unwrap()).unwrap();
    let first = broken["assignments"][0].clone();
    broken["assignments"].as_array_mut().unwrap().push(first);
    let broken_path = dir.path().join("broken.json");
    std::fs::write(&broken_path, serde_json::to_vec(&broken).unwrap()).unwrap();
    let refused = check(&broken_path);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).contains("placed twice"));
    let solved = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .arg("schedule-solve")
        .arg(&instance)
        .arg("--json")
        .output()
        .unwrap();
    assert!(solved.status.success());
    let again: serde_json::Value = serde_json::from_slice(&solved.stdout).unwrap();
    assert_eq!(
        again["objective"], report["objective"],
        "the same instance solves the same way"
    );
}

#[test]
fn a_malformed_instance_is_refused_with_its_problems_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    let bad = serde_json::json!({
        "slots": [{"day": 0}],
        "venues": [{"name": "Hall", "tables": 1, "rooms": 0}],
        "participants": [{"id": "x", "available": [0, 9], "daily_cap": 1}],
        "requests": [{"id": "r", "parties": [0, 5], "weight": 1.0, "group": false}],
        "travel_buffer_slots": 1
    });
    std::fs::write(&path, serde_json::to_vec(&bad).unwrap()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sepadan"))
        .arg("schedule-solve")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("request r needs two or more known parties"),
        "{stderr}"
    );
    assert!(stderr.contains("slot that does not exist"), "{stderr}");
}
