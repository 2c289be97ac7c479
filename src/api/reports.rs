//! Outcome reports for staff: meetings held, no-shows and follow-ups by event, region and
//! Smart City dimension, as JSON or CSV.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::funnel::{self, Funnel};
use crate::services::reports::{self, OutcomeReport, ReportFormat, ReportQuery};
use crate::spreadsheet::FileFormat;
use crate::state::AppState;
use crate::throttle::{ClientAddress, Limit};

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(outcomes).service(deal_funnel);
}

/// The deal funnel (staff): deals reaching each stage with conversion, median days between
/// stages and amounts in US dollars (committed and realised apart), by region, province,
/// dimension and event.
#[utoipa::path(tag = "deals", security(("bearer" = [])), responses(
    (status = 200, body = Funnel), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
#[get("/reports/funnel")]
async fn deal_funnel(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<web::Json<Funnel>, AppError> {
    let catalogue = state.catalogue.clone();
    let found = state
        .db
        .run(move |conn| funnel::funnel(conn, &catalogue, &user))
        .await?;
    Ok(web::Json(found))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(ReportQuery), responses(
    (status = 200, description = "JSON, or CSV (one line per event, region and dimension) with format=csv", content(
        (OutcomeReport = "application/json"), ("text/csv"),
    )),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "Over a rate limit; Retry-After says when to try again"),
))]
#[get("/reports/outcomes")]
async fn outcomes(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    client: ClientAddress,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let csv = query.format == Some(ReportFormat::Csv);
    let catalogue = state.catalogue.clone();
    let event = query.into_inner().event_id;
    if csv {
        state
            .throttle
            .check_caller(Limit::Exports, Some(&user), &client)?;
        let table = state
            .db
            .run(move |conn| reports::outcome_sheet(conn, &catalogue, &user, event.as_deref()))
            .await?;
        return table.respond(FileFormat::Csv);
    }
    let report = state
        .db
        .run(move |conn| reports::outcomes(conn, &catalogue, &user, event.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
