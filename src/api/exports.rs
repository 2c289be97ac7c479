//! Downloads for spreadsheets: projects, investors, an investor's matches, an event's meetings
//! and the outcome report, each as `.csv` or `.xlsx` with the same columns.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthenticatedUser, MaybeUser};
use crate::download;
use crate::error::{AppError, ErrorBody};
use crate::services::exports::{self as exports, OutcomeFilter};
use crate::services::funnel;
use crate::services::investors::InvestorQuery;
use crate::services::projects::ProjectQuery;
use crate::services::reports;
use crate::spreadsheet::FileFormat;
use crate::state::AppState;
use crate::throttle::ClientAddress;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(export_projects)
        .service(export_investors)
        .service(export_matches)
        .service(export_meetings)
        .service(export_outcomes)
        .service(export_funnel);
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx")), responses(
    (status = 200, description = "The deal funnel: every deal, then a line per region, province, dimension and event (staff)", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/funnel.{format}")]
async fn export_funnel(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (catalogue, caller) = (state.catalogue.clone(), user.clone());
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        funnel::funnel_sheet(conn, &catalogue, &caller)
    })
    .await
}

#[utoipa::path(tag = "exports", security((), ("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx"), ProjectQuery), responses(
    (status = 200, description = "The projects the list would show, at most 10,000", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/projects.{format}")]
async fn export_projects(
    state: web::Data<AppState>,
    user: MaybeUser,
    client: ClientAddress,
    format: web::Path<String>,
    query: web::Query<ProjectQuery>,
) -> Result<HttpResponse, AppError> {
    let catalogue = state.catalogue.clone();
    let caller = user.0.clone();
    download::spreadsheet(&state, user.0.as_ref(), &client, &format, move |conn| {
        exports::projects_sheet(conn, &catalogue, caller.as_ref(), &query)
    })
    .await
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx"), InvestorQuery), responses(
    (status = 200, description = "Investors with contacts (staff)", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/investors.{format}")]
async fn export_investors(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    format: web::Path<String>,
    query: web::Query<InvestorQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = user.clone();
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        exports::investors_sheet(conn, &caller, &query)
    })
    .await
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx")), responses(
    (status = 200, description = "The investor's top 100 matches with their reasons", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/investors/{id}/matches.{format}")]
async fn export_matches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let (app, caller) = (state.clone(), user.clone());
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        exports::matches_sheet(conn, &app, &caller, &id)
    })
    .await
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx")), responses(
    (status = 200, description = "The event's meetings in venue time, with outcomes (staff)", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/events/{id}/meetings.{format}")]
async fn export_meetings(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (event_id, format) = path.into_inner();
    let caller = user.clone();
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        exports::meetings_sheet(conn, &caller, &event_id)
    })
    .await
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = inline(FileFormat), Path, description = "csv or xlsx"), OutcomeFilter), responses(
    (status = 200, description = "The outcome report: a line per event, region and dimension (staff)", content(
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 403, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/exports/outcomes.{format}")]
async fn export_outcomes(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    format: web::Path<String>,
    query: web::Query<OutcomeFilter>,
) -> Result<HttpResponse, AppError> {
    let (catalogue, caller) = (state.catalogue.clone(), user.clone());
    download::spreadsheet(&state, Some(&user), &client, &format, move |conn| {
        reports::outcome_sheet(conn, &catalogue, &caller, query.event_id.as_deref())
    })
    .await
}
