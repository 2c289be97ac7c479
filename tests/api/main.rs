//! The integration tests: one binary, each test with its own database (SQLite file, or a fresh
//! PostgreSQL database when SEPADAN_TEST_POSTGRES_URL is set) and its own server on port 0.

mod accounts;
mod architecture;
mod authorization;
mod bad_input;
mod browser;
mod cli;
mod demo;
mod exports;
mod files;
mod headers;
mod helpers;
mod imports;
mod investors;
mod matches;
mod meetings;
mod notifications;
mod openapi;
mod projects;
mod rate_limits;
mod rates;
mod reference;
mod regions;
mod smtp;
mod tour;
mod web;
mod web_events;
mod web_imports;
mod web_investors;
mod web_messages;
mod web_people;
mod web_regions;
mod web_reports;
mod web_settings;
mod webhooks;
