//! The use cases, one module per area. A service function takes a connection, the acting
//! principal and a validated input, and does the whole use case: the access check through
//! [`crate::auth::policy`], the rules, the queries through [`crate::models`] and the
//! notifications, in the caller's transaction. Both faces (the JSON API and the pages),
//! the command line and the seed call these functions, which know nothing of HTTP or templates.

pub mod accounts;
pub mod answer_links;
pub mod calendar;
pub mod conversations;
pub mod data_room;
pub mod deals;
pub mod directory;
pub mod events;
pub mod exports;
pub mod files;
pub mod funnel;
pub mod imports;
pub mod investors;
pub mod matches;
pub mod meetings;
pub mod notifications;
pub mod projects;
pub mod reference;
pub mod regions;
pub mod reports;
pub mod requests;
pub mod saved_searches;
pub mod webhooks;

use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list, with the total across all pages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
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
