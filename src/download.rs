//! Answers that carry a file rather than a page or JSON, shared by both faces.

use actix_web::HttpResponse;
use actix_web::http::header;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::auth::AuthenticatedUser;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::services::files::{Download, FileKind};
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

/// The characters RFC 8187 lets a `filename*` value hold as they are (`attr-char`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A project's file, streamed from the store with its detected type and length. Documents are
/// attachments, saved under their name (in UTF-8, with an ASCII fallback for old clients);
/// photos show inline. No shared cache keeps any of them, and a data room document is not kept
/// at all. `X-Content-Type-Options: nosniff` comes with every answer (`middleware::headers`).
pub fn project_file(download: Download) -> HttpResponse {
    let disposition = if download.kind == FileKind::Photo {
        "inline"
    } else {
        "attachment"
    };
    let fallback: String = download
        .file_name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(&download.file_name, ATTR_CHAR);
    let cache = if download.confidential {
        "private, no-store"
    } else {
        "private"
    };
    HttpResponse::Ok()
        .content_type(download.media_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header((header::CACHE_CONTROL, cache))
        .no_chunking(download.size)
        .streaming(download.body)
}
