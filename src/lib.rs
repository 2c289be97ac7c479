//! Sepadan: investor–region matchmaking for Indonesia's smart-city programme.
//!
//! The binary in `main.rs` parses the command line ([`cli`]) and hands over to this library.
//! [`startup::Application`] builds the HTTP service from [`config::Settings`]; requests go through
//! [`api`] handlers, which authorise with [`auth`], apply rules from [`domain`] and reach the
//! database through [`models`] on a [`db::Db`] pool.

pub mod api;
pub mod auth;
pub mod bench;
pub mod bench_flood;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod download;
pub mod error;
pub mod matching;
pub mod matchmaker;
pub mod meetings;
pub mod middleware;
pub mod models;
pub mod notify;
pub mod rates;
pub mod reference;
pub mod scheduling;
pub mod seed;
pub mod services;
pub mod spreadsheet;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod throttle;
pub mod upload;
pub mod web;

// The web pages' message catalogues (`locales/`), built into the binary.
rust_i18n::i18n!("locales", fallback = "en");
