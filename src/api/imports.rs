//! Spreadsheet imports of projects and investors from CSV. A dry run reports every problem by row
//! and field and changes nothing; a real run imports every row or none (or, when asked, the valid
//! rows); a row already present (same region and English title, or same investor name and
//! country) is skipped, so importing a file twice adds nothing.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody, FieldErrors};
use crate::services::imports::{
    ImportKind, ImportQuery, ImportReport, import, may_import, template_of,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(project_template)
        .service(investor_template)
        .service(import_projects)
        .service(import_investors);
}

#[utoipa::path(tag = "imports", responses(
    (status = 200, description = "The project columns with an example row", content_type = "text/csv"),
))]
#[get("/imports/projects/template.csv")]
async fn project_template() -> Result<HttpResponse, AppError> {
    template_download(ImportKind::Projects)
}

#[utoipa::path(tag = "imports", responses(
    (status = 200, description = "The investor columns with an example row", content_type = "text/csv"),
))]
#[get("/imports/investors/template.csv")]
async fn investor_template() -> Result<HttpResponse, AppError> {
    template_download(ImportKind::Investors)
}

#[utoipa::path(tag = "imports", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Rows in the template's columns"),
    responses(
        (status = 200, body = ImportReport), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/imports/projects")]
async fn import_projects(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    import_csv(
        &state,
        user,
        &req,
        ImportKind::Projects,
        &body,
        query.into_inner(),
    )
    .await
}

#[utoipa::path(tag = "imports", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Rows in the template's columns"),
    responses(
        (status = 200, body = ImportReport), (status = 403, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/imports/investors")]
async fn import_investors(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    import_csv(
        &state,
        user,
        &req,
        ImportKind::Investors,
        &body,
        query.into_inner(),
    )
    .await
}

/// Imports a CSV body of `kind` for either endpoint.
async fn import_csv(
    state: &AppState,
    user: AuthenticatedUser,
    req: &HttpRequest,
    kind: ImportKind,
    body: &[u8],
    query: ImportQuery,
) -> Result<HttpResponse, AppError> {
    may_import(&user, kind)?;
    require_csv(req)?;
    answer(import(state, user, kind, body, query).await?)
}

fn template_download(kind: ImportKind) -> Result<HttpResponse, AppError> {
    let (body, filename) = template_of(kind)?;
    Ok(crate::download::attachment(
        "text/csv; charset=utf-8",
        filename,
        body,
    ))
}

/// The report, or 422 with every problem by row and field when a real run imported nothing.
fn answer(report: ImportReport) -> Result<HttpResponse, AppError> {
    if !report.dry_run && !report.imported && !report.problems.is_empty() {
        let fields: FieldErrors = report
            .problems
            .iter()
            .map(|p| (format!("rows[{}].{}", p.row, p.field), p.message.clone()))
            .collect();
        return Err(AppError::Validation {
            message: format!(
                "{} problems in the file; nothing was imported (try ?dry_run=true for the report)",
                report.problems.len()
            ),
            fields,
        });
    }
    Ok(HttpResponse::Ok().json(report))
}

/// 415 unless the body is declared as CSV.
fn require_csv(req: &HttpRequest) -> Result<(), AppError> {
    let csv = req
        .mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.essence_str() == "text/csv");
    if csv {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType)
    }
}
