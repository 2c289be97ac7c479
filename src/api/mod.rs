//! The JSON API under `/api/v1`, plus `/healthz` and `/readyz`. Each area registers its routes
//! (and so its OpenAPI paths) in its own `config`.

pub mod accounts;
pub mod calendar;
pub mod events;
pub mod exports;
pub mod extract;
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
pub mod webhooks;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
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
                .configure(imports::config),
        );
}

/// One page of a list, with the total across all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Text in Indonesian and English.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

/// Paging parameters shared by list endpoints.
pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// Checks `page` (from 1) and `per_page` (1..=100), returning (page, per_page, offset).
pub fn paging(
    page: Option<i64>,
    per_page: Option<i64>,
) -> Result<(i64, i64, i64), crate::error::AppError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page < 1 {
        return Err(crate::error::AppError::validation(
            "page",
            "must be 1 or more",
        ));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(crate::error::AppError::validation(
            "per_page",
            format!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    Ok((page, per_page, (page - 1).saturating_mul(per_page)))
}
