//! `sepadan bench sign-in-flood`: how long an unrelated staff write takes while a flood of
//! sign-ins with wrong passwords runs against the same server. It starts a server of its own on
//! a fresh SQLite database in a temporary folder (the configured database is not touched), times
//! staff writes (`PATCH /api/v1/me`) alone, then again while `flood` clients sign in with a wrong
//! password as fast as the server answers them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use serde_json::json;

use crate::auth::Role;
use crate::auth::accounts::{self, Language, NewAccount};
use crate::config::Settings;
use crate::db::{Db, write_transaction};
use crate::startup::Application;

/// What `bench sign-in-flood` measured.
#[derive(Debug, Serialize)]
pub struct FloodReport {
    /// Concurrent clients signing in with a wrong password.
    pub flood: usize,
    /// Staff writes timed in each phase.
    pub writes: usize,
    /// `auth.hashing_concurrency` as the server ran it.
    pub hashing_concurrency: usize,
    pub quiet: Latency,
    pub flooded: Latency,
    /// Sign-ins the flood sent while the writes were timed, and how many were answered 401.
    pub flood_requests: usize,
    pub flood_401: usize,
    /// Answers to writes or sign-ins that were neither success nor 401 (5xx, 429, …).
    pub unexpected: usize,
}

/// Latency percentiles of the timed writes, in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    Latency {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}

const STAFF: &str = "flood-staff@sepadan.local";
const PASSWORD: &str = "granite meadow sparrow";

/// Runs the measurement; `template` gives every setting but the database, port and background
/// work.
pub fn sign_in_flood(
    template: &Settings,
    flood: usize,
    writes: usize,
) -> anyhow::Result<FloodReport> {
    anyhow::ensure!(
        flood >= 1 && writes >= 1,
        "--flood and --writes must be at least 1"
    );
    let dir = std::env::temp_dir().join(format!("sepadan-flood-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(template, &dir, flood, writes);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(
    template: &Settings,
    dir: &std::path::Path,
    flood: usize,
    writes: usize,
) -> anyhow::Result<FloodReport> {
    let mut settings = template.clone();
    settings.database.url = format!("sqlite://{}", dir.join("flood.db").display());
    settings.server.host = "127.0.0.1".into();
    settings.server.port = 0;
    settings.demo.seed_on_empty = false;
    settings.outbox.run_in_server = false;
    settings.rates.refresh_in_server = false;
    settings.email.smtp_host = String::new();
    settings.email.file_dir = dir.join("mail").display().to_string();
    // The flood measures hashing and the write lock, not the limits that would refuse it.
    settings.limits = crate::config::LimitSettings::lifted();

    let db = Db::connect(&settings.database)?;
    {
        let mut conn = db.get()?;
        write_transaction(&mut conn, |conn| {
            accounts::create(
                conn,
                NewAccount {
                    email: STAFF,
                    password: PASSWORD,
                    name: "Flood Staff",
                    role: Role::Staff,
                    region_code: None,
                    investor_id: None,
                    language: Language::English,
                },
            )
        })?;
    }

    let (started, port) = std::sync::mpsc::channel();
    let server_settings = settings.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            match Application::build(server_settings) {
                Ok(app) => {
                    let hashing = app.state().passwords.concurrency();
                    let _ = started.send(Ok((app.port(), hashing)));
                    let _ = app.run_until_stopped().await;
                }
                Err(e) => {
                    let _ = started.send(Err(e));
                }
            }
        });
    });
    let (port, hashing_concurrency) = port.recv().context("the server thread ended")??;
    let base = format!("http://127.0.0.1:{port}/api/v1");

    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let signed_in: serde_json::Value = client
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": STAFF, "password": PASSWORD}))
        .send()?
        .error_for_status()?
        .json()?;
    let token = signed_in["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let unexpected = Arc::new(AtomicUsize::new(0));
    let timed_writes = |phase: &str| -> anyhow::Result<Vec<Duration>> {
        let mut samples = Vec::with_capacity(writes);
        for i in 0..writes {
            let began = Instant::now();
            let answer = client
                .patch(format!("{base}/me"))
                .bearer_auth(&token)
                .json(&json!({"name": format!("Flood Staff {phase} {i}")}))
                .send()?;
            samples.push(began.elapsed());
            if !answer.status().is_success() {
                unexpected.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(samples)
    };
    let quiet = latency(timed_writes("quiet")?);

    let running = Arc::new(AtomicBool::new(true));
    let sent = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::with_capacity(flood);
    for i in 0..flood {
        let (running, sent, refused, unexpected) = (
            running.clone(),
            sent.clone(),
            refused.clone(),
            unexpected.clone(),
        );
        let url = format!("{base}/auth/login");
        // Half the flood names the staff account, half unknown addresses.
        let email = if i % 2 == 0 {
            STAFF.to_owned()
        } else {
            format!("nobody{i}@sepadan.local")
        };
        clients.push(std::thread::spawn(move || {
            let Ok(client) = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
            else {
                return;
            };
            while running.load(Ordering::Relaxed) {
                let answer = client
                    .post(&url)
                    .json(&json!({"email": email, "password": "not the right password"}))
                    .send();
                sent.fetch_add(1, Ordering::Relaxed);
                match answer {
                    Ok(a) if a.status() == reqwest::StatusCode::UNAUTHORIZED => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        unexpected.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    // Let every flood client have a request in flight before timing.
    while sent.load(Ordering::Relaxed) < flood {
        std::thread::sleep(Duration::from_millis(10));
    }
    let flooded = timed_writes("flooded");
    running.store(false, Ordering::Relaxed);
    for client in clients {
        let _ = client.join();
    }
    Ok(FloodReport {
        flood,
        writes,
        hashing_concurrency,
        quiet,
        flooded: latency(flooded?),
        flood_requests: sent.load(Ordering::Relaxed),
        flood_401: refused.load(Ordering::Relaxed),
        unexpected: unexpected.load(Ordering::Relaxed),
    })
}
