//! Spreadsheet imports for staff: a CSV of projects or investors is uploaded (or pasted), checked first as a
//! dry run whose report is shown by row and column, then imported whole or by its valid rows,
//! with the API's import function and rules.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;

use super::form::Typed;
use super::session::Staff;
use super::{Page, html};
use crate::error::{AppError, FieldErrors};
use crate::services::imports::{ImportKind, ImportQuery, ImportReport, import};
use crate::state::AppState;
use crate::web::PageResult;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/imports", web::get().to(start))
        .route("/imports", web::post().to(run));
}

/// The largest CSV a page import takes (the form's encoded body may be up to three times larger).
const MAX_CSV: usize = 1024 * 1024;

/// The most parts an upload form may have: it has five fields.
const MAX_PARTS: usize = 16;

/// One problem of the report, as the table shows it.
struct Problem {
    row: usize,
    column: String,
    /// The rules' own words (English), shown as secondary detail.
    detail: String,
}

/// A report as the page shows it.
struct Shown {
    dry_run: bool,
    imported: bool,
    rows: usize,
    created: usize,
    existing: usize,
    problems: Vec<Problem>,
}

#[derive(Template)]
#[template(path = "pages/imports.html")]
struct ImportsPage {
    page: Page,
    projects: bool,
    csv: String,
    /// Why the file was refused, in the page's language, with the rules' detail if any.
    refusal: Option<(String, String)>,
    report: Option<Shown>,
}

fn kind_of(code: &str) -> Option<ImportKind> {
    match code {
        "projects" => Some(ImportKind::Projects),
        "investors" => Some(ImportKind::Investors),
        _ => None,
    }
}

/// The empty form (staff).
async fn start(req: HttpRequest, Staff { .. }: Staff) -> HttpResponse {
    let page = ImportsPage {
        page: Page::of(&req),
        projects: true,
        csv: String::new(),
        refusal: None,
        report: None,
    };
    html(StatusCode::OK, page.render())
}

/// Checks a pasted CSV (`mode=check`, a dry run) or imports it (`mode=all` or `mode=valid`).
async fn run(
    req: HttpRequest,
    Staff { user, .. }: Staff,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> PageResult {
    let page = Page::of(&req);
    let lang = page.lang;
    let refuse = |projects: bool, csv: String, status: StatusCode, key: &str, detail: String| {
        let body = ImportsPage {
            page: Page::of(&req),
            projects,
            csv,
            refusal: Some((lang.t(key), detail)),
            report: None,
        };
        html(status, body.render())
    };
    let form = match read_form(&req, payload).await {
        Ok(form) => form,
        Err((status, key, detail)) => return Ok(refuse(true, String::new(), status, key, detail)),
    };
    let Some(kind) = kind_of(&form.one("kind")) else {
        return Ok(refuse(
            true,
            form.one("csv"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "imports.choose_kind",
            String::new(),
        ));
    };
    let projects = kind == ImportKind::Projects;
    let csv = match csv_of(&form) {
        Ok(csv) => csv,
        Err((status, key, kept)) => {
            return Ok(refuse(projects, kept, status, key, String::new()));
        }
    };
    match import(&state, user, kind, csv.as_bytes(), mode_of(&form)).await {
        Ok(report) => {
            let body = ImportsPage {
                page,
                projects,
                csv,
                refusal: None,
                report: Some(shown(report)),
            };
            Ok(html(StatusCode::OK, body.render()))
        }
        Err(AppError::Validation { message, fields }) => {
            let (key, detail) = unread_csv(message, fields);
            Ok(refuse(
                projects,
                csv,
                StatusCode::UNPROCESSABLE_ENTITY,
                key,
                detail,
            ))
        }
        Err(e) => Err(e),
    }
}

/// The CSV a form carries, a chosen file winning over pasted text; when there is none, or it is
/// too large, the answer's status, the catalogue key and what of it the form keeps.
pub(crate) fn csv_of(form: &Typed) -> Result<String, (StatusCode, &'static str, String)> {
    let csv = Some(form.one("file"))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| form.one("csv"));
    if csv.is_empty() {
        Err((StatusCode::UNPROCESSABLE_ENTITY, "imports.empty", csv))
    } else if csv.len() > MAX_CSV {
        Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            "imports.too_large",
            String::new(),
        ))
    } else {
        Ok(csv)
    }
}

/// The run a form's button asks for: `mode=all` or `mode=valid` store, anything else checks.
pub(crate) fn mode_of(form: &Typed) -> ImportQuery {
    match form.one("mode").as_str() {
        "all" => ImportQuery {
            dry_run: false,
            valid_rows_only: false,
        },
        "valid" => ImportQuery {
            dry_run: false,
            valid_rows_only: true,
        },
        _ => ImportQuery {
            dry_run: true,
            valid_rows_only: false,
        },
    }
}

/// A file the reader refused as a whole: the catalogue key (its columns, or not CSV) and the
/// rules' detail.
pub(crate) fn unread_csv(message: String, fields: FieldErrors) -> (&'static str, String) {
    let key = if fields.contains_key("columns") {
        "imports.bad_columns"
    } else {
        "imports.not_csv"
    };
    (key, fields.into_values().next().unwrap_or(message))
}

/// Why a posted form could not be read: the answer's status, the catalogue key and a detail.
pub(crate) type Unread = (StatusCode, &'static str, String);

/// The posted fields, from the upload form (`multipart/form-data`, with the file as the field
/// `file`) or from the import buttons (URL-encoded); refuses a body larger than the limit (all of
/// it as sent, part headers and boundaries included), more than [`MAX_PARTS`] parts, and a file
/// that is not text.
pub(crate) async fn read_form(req: &HttpRequest, payload: web::Payload) -> Result<Typed, Unread> {
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "imports.too_large",
            String::new(),
        )
    };
    let unreadable = |detail: String| (StatusCode::BAD_REQUEST, "imports.not_csv", detail);
    let limit = 3 * MAX_CSV + 4096;
    let multipart = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.essence_str() == "multipart/form-data");
    if !multipart {
        return match payload.to_bytes_limited(limit).await {
            Ok(Ok(body)) => Ok(Typed::parse(&body)),
            Ok(Err(_)) => Err(too_large()),
            Err(e) => Err(unreadable(e.to_string())),
        };
    }
    // The body is counted as it arrives, before the parser sees it, and cut off past the limit.
    let received = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let counted = received.clone();
    let bounded = payload.map(move |chunk| {
        let chunk = chunk?;
        counted.set(counted.get() + chunk.len());
        if counted.get() > limit {
            return Err(actix_web::error::PayloadError::Overflow);
        }
        Ok(chunk)
    });
    let refused = |e: actix_multipart::MultipartError| {
        if received.get() > limit {
            too_large()
        } else {
            unreadable(e.to_string())
        }
    };
    let mut parts = Multipart::new(req.headers(), bounded);
    let mut values = Vec::new();
    while let Some(part) = parts.next().await {
        if values.len() == MAX_PARTS {
            return Err(too_large());
        }
        let mut part = part.map_err(refused)?;
        let name = part.name().unwrap_or_default().to_owned();
        let mut data = Vec::new();
        while let Some(chunk) = part.next().await {
            data.extend_from_slice(&chunk.map_err(refused)?);
        }
        let text = String::from_utf8(data).map_err(|_| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "imports.not_csv",
                String::new(),
            )
        })?;
        values.push((name, text));
    }
    Ok(Typed::of(values))
}

fn shown(report: ImportReport) -> Shown {
    Shown {
        dry_run: report.dry_run,
        imported: report.imported,
        rows: report.rows,
        created: report.created,
        existing: report.existing,
        problems: report
            .problems
            .into_iter()
            .map(|p| Problem {
                row: p.row,
                column: p.field,
                detail: p.message,
            })
            .collect(),
    }
}
