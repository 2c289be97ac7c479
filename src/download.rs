//! Answers that carry a file rather than a page or JSON, shared by both faces.

use actix_web::HttpResponse;

use crate::auth::AuthenticatedUser;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::spreadsheet::{FileFormat, Table};
use crate::state::AppState;
use crate::throttle::{ClientAddress, Limit};

/// A file the browser saves under `filename` instead of showing it.
pub fn attachment(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// An iCalendar body, which calendar programs subscribe to or import.
pub fn calendar(text: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(text)
}

/// A spreadsheet download as both faces serve it: the format named in the address (`csv` or
/// `xlsx`), the caller counted against the export limit before any work, then `sheet` built
/// off the reactor.
pub async fn spreadsheet<F>(
    state: &AppState,
    caller: Option<&AuthenticatedUser>,
    client: &ClientAddress,
    format: &str,
    sheet: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<Table, AppError> + Send + 'static,
{
    let format = FileFormat::parse(format)?;
    state
        .throttle
        .check_caller(Limit::Exports, caller, client)?;
    state.db.run(sheet).await?.respond(format)
}
