//! The JSON API under `/api/v1`, plus `/healthz` and `/readyz`. Each area registers its routes
//! (and so its OpenAPI paths) in its own `config`.

pub mod accounts;
pub mod calendar;
pub mod conversations;
pub mod deals;
pub mod events;
pub mod exports;
pub mod extract;
pub mod files;
pub mod health;
pub mod imports;
pub mod investors;
pub mod matches;
pub mod meetings;
pub mod notifications;
pub mod openapi;
pub mod projects;
pub mod reference;
pub mod regions;
pub mod reports;
pub mod requests;
pub mod saved_searches;
pub mod webhooks;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// The route table.
pub fn config(cfg: &mut ServiceConfig) {
    cfg.configure(health::config)
        .configure(calendar::public_config)
        .service(
            scope("/api/v1")
                .service(openapi::serve)
                .configure(accounts::config)
                .configure(reference::config)
                .configure(regions::config)
                .configure(projects::config)
                .configure(files::config)
                .configure(investors::config)
                .configure(matches::config)
                .configure(events::config)
                .configure(requests::config)
                .configure(meetings::config)
                .configure(calendar::config)
                .configure(notifications::config)
                .configure(reports::config)
                .configure(webhooks::config)
                .configure(exports::config)
                .configure(imports::config)
                .configure(deals::config)
                .configure(conversations::config)
                .configure(saved_searches::config),
        );
}
