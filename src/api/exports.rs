//! Downloads for spreadsheets: projects, investors, an investor's matches, an event's meetings
//! and the outcome report, each as `.csv` or `.xlsx` with the same columns.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthenticatedUser, MaybeUser};
use crate::error::{AppError, ErrorBody};
use crate::matching::MatchFilter;
use crate::models::investor as investor_rows;
use crate::services::exports::{MAX_ROWS, OutcomeFilter, meetings_table};
use crate::services::investors::InvestorQuery;
use crate::services::matches::{check_investor_access, ranked_projects};
use crate::services::projects::{ProjectQuery, Search};
use crate::services::reports::{outcome_lines, outcome_table};
use crate::spreadsheet::{Cell, FileFormat, Table, list};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(export_projects)
        .service(export_investors)
        .service(export_matches)
        .service(export_meetings)
        .service(export_outcomes);
}

#[utoipa::path(tag = "exports", params(("format" = String, Path, description = "csv or xlsx"), ProjectQuery), responses(
    (status = 200, description = "The projects the list would show, at most 10,000", content_type = "text/csv"),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/exports/projects.{format}")]
async fn export_projects(
    state: web::Data<AppState>,
    user: MaybeUser,
    format: web::Path<String>,
    query: web::Query<ProjectQuery>,
) -> Result<HttpResponse, AppError> {
    let format = FileFormat::parse(&format)?;
    let search = Search::from_query(&state.catalogue, user.0.as_ref(), &query)?;
    let catalogue = state.catalogue.clone();
    let viewer = user.0;
    let (projects, _) = state
        .db
        .run(move |conn| search.run(conn, &catalogue, viewer.as_ref(), 0, MAX_ROWS))
        .await?;
    let rows = projects
        .into_iter()
        .map(|p| {
            vec![
                p.id.into(),
                p.region.into(),
                p.region_name.into(),
                p.title.en.into(),
                p.title.id.into(),
                list(&p.sectors),
                list(&p.dimensions),
                list(&p.elements),
                p.stage.into(),
                list(&p.instruments),
                p.value.amount.parse::<f64>().ok().into(),
                p.value.currency.into(),
                p.status.as_ref().into(),
                p.published_at.map(|t| t.to_rfc3339()).into(),
            ]
        })
        .collect();
    Table {
        name: "projects",
        headers: vec![
            "id",
            "region",
            "region_name",
            "title_en",
            "title_id",
            "sectors",
            "dimensions",
            "elements",
            "stage",
            "instruments",
            "value",
            "currency",
            "status",
            "published_at",
        ],
        rows,
    }
    .respond(format)
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = String, Path, description = "csv or xlsx"), InvestorQuery), responses(
    (status = 200, description = "Investors with contacts (staff)", content_type = "text/csv"),
    (status = 403, body = ErrorBody),
))]
#[get("/exports/investors.{format}")]
async fn export_investors(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    format: web::Path<String>,
    query: web::Query<InvestorQuery>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let format = FileFormat::parse(&format)?;
    let filter = query.filter(true);
    let (found, _) = state
        .db
        .run(move |conn| Ok(investor_rows::list(conn, &filter, 0, MAX_ROWS)?))
        .await?;
    let rows = found
        .into_iter()
        .map(|(i, mandate)| {
            vec![
                i.id.into(),
                i.name.into(),
                i.kind.into(),
                i.country.into(),
                if i.verified_at.is_some() { "yes" } else { "no" }.into(),
                i.website.into(),
                i.contact_name.into(),
                i.contact_email.into(),
                i.contact_phone.into(),
                mandate.map(|m| m.thesis).into(),
            ]
        })
        .collect();
    Table {
        name: "investors",
        headers: vec![
            "id",
            "name",
            "kind",
            "country",
            "verified",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "thesis",
        ],
        rows,
    }
    .respond(format)
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = String, Path, description = "csv or xlsx")), responses(
    (status = 200, description = "The investor's top 100 matches with their reasons", content_type = "text/csv"),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[get("/exports/investors/{id}/matches.{format}")]
async fn export_matches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, format) = path.into_inner();
    let format = FileFormat::parse(&format)?;
    check_investor_access(&user, &id)?;
    let app = state.clone();
    let (matches, _) = state
        .db
        .run(move |conn| ranked_projects(conn, &app, &user, &id, &MatchFilter::default(), 0, 100))
        .await?;
    let rows = matches
        .into_iter()
        .enumerate()
        .map(|(rank, m)| {
            vec![
                (rank as i64 + 1).into(),
                m.score.into(),
                m.project.id.into(),
                m.project.title.en.into(),
                m.project.region_name.into(),
                m.project.value.amount.parse::<f64>().ok().into(),
                m.project.value.currency.into(),
                Cell::Text(
                    m.reasons
                        .iter()
                        .map(|r| r.en.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            ]
        })
        .collect();
    Table {
        name: "matches",
        headers: vec![
            "rank",
            "score",
            "project_id",
            "title",
            "region",
            "value",
            "currency",
            "reasons",
        ],
        rows,
    }
    .respond(format)
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = String, Path, description = "csv or xlsx")), responses(
    (status = 200, description = "The event's meetings in venue time, with outcomes (staff)", content_type = "text/csv"),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/exports/events/{id}/meetings.{format}")]
async fn export_meetings(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let (event_id, format) = path.into_inner();
    let format = FileFormat::parse(&format)?;
    let table = state
        .db
        .run(move |conn| meetings_table(conn, &event_id))
        .await?;
    table.respond(format)
}

#[utoipa::path(tag = "exports", security(("bearer" = [])), params(("format" = String, Path, description = "csv or xlsx"), OutcomeFilter), responses(
    (status = 200, description = "The outcome report: a line per event, region and dimension (staff)", content_type = "text/csv"),
    (status = 403, body = ErrorBody),
))]
#[get("/exports/outcomes.{format}")]
async fn export_outcomes(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    format: web::Path<String>,
    query: web::Query<OutcomeFilter>,
) -> Result<HttpResponse, AppError> {
    user.require_staff()?;
    let format = FileFormat::parse(&format)?;
    let catalogue = state.catalogue.clone();
    let event = query.into_inner().event_id;
    let lines = state
        .db
        .run(move |conn| outcome_lines(conn, &catalogue, event.as_deref()))
        .await?;
    outcome_table(lines).respond(format)
}
