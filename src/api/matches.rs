//! Matches: ranked, explained investor–project pairs, and investors' feedback on them.

use actix_web::{HttpResponse, delete, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::investors::Mandate;
use crate::services::matches::{
    self as matches, Feedback, FeedbackInput, InvestorMatch, LimitQuery, MatchPage, MatchQuery,
    PairMatch, PreviewQuery, ProjectMatch, TopQuery,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(investor_matches)
        .service(project_matches)
        .service(top_matches)
        .service(preview)
        .service(put_feedback)
        .service(delete_feedback)
        .service(list_feedback);
}

/// Published projects ranked for an investor's mandate, best first, with reasons. Projects the
/// investor is not interested in are hidden.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(MatchQuery), responses(
    (status = 200, body = MatchPage<ProjectMatch>), (status = 401, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/investors/{id}/matches")]
async fn investor_matches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    query: web::Query<MatchQuery>,
) -> Result<web::Json<MatchPage<ProjectMatch>>, AppError> {
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| matches::investor_page(conn, &app, &user, &id, &query))
        .await?;
    Ok(web::Json(page))
}

/// Verified, discoverable investors ranked for a published project (its region's officials and
/// staff), without contact data.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(LimitQuery), responses(
    (status = 200, body = MatchPage<InvestorMatch>), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[get("/projects/{id}/matches")]
async fn project_matches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    query: web::Query<LimitQuery>,
) -> Result<web::Json<MatchPage<InvestorMatch>>, AppError> {
    let limit = matches::limit_of(query.limit, 100)?;
    let app = state.clone();
    let items = state
        .db
        .run(move |conn| matches::ranked_investors(conn, &app, &user, &id, limit))
        .await?;
    Ok(web::Json(MatchPage {
        items,
        next_cursor: None,
    }))
}

/// The strongest investor–project pairs overall, for staff to introduce.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(TopQuery), responses(
    (status = 200, body = MatchPage<PairMatch>), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/matches/top")]
async fn top_matches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<TopQuery>,
) -> Result<web::Json<MatchPage<PairMatch>>, AppError> {
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| matches::top_pairs(conn, &app, &user, &query))
        .await?;
    Ok(web::Json(page))
}

/// Scores a mandate against the published projects without storing anything: for an investor
/// deciding whether to register. No sign-in needed.
#[utoipa::path(tag = "matches", params(PreviewQuery), request_body = Mandate, responses(
    (status = 200, body = MatchPage<ProjectMatch>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/matches/preview")]
async fn preview(
    state: web::Data<AppState>,
    query: web::Query<PreviewQuery>,
    body: JsonBody<Mandate>,
) -> Result<web::Json<MatchPage<ProjectMatch>>, AppError> {
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| matches::preview(conn, &app, &body.0, &query))
        .await?;
    Ok(web::Json(page))
}

/// Says what the investor thinks of a published project: `interested`, `not_interested` (hides
/// it from the investor's matches) or `must_meet` (raises the pair's priority for meetings).
#[utoipa::path(tag = "matches", security(("bearer" = [])), request_body = FeedbackInput, responses(
    (status = 200, body = Feedback), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[put("/investors/{id}/feedback/{project_id}")]
async fn put_feedback(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
    body: JsonBody<FeedbackInput>,
) -> Result<web::Json<Feedback>, AppError> {
    let (investor_id, project_id) = path.into_inner();
    let interest = body.0.interest;
    let feedback = state
        .db
        .write(move |conn| {
            matches::record_feedback(conn, &user, &investor_id, &project_id, interest)
        })
        .await?;
    Ok(web::Json(feedback))
}

/// Withdraws the investor's feedback on a project.
#[utoipa::path(tag = "matches", security(("bearer" = [])), responses(
    (status = 204), (status = 404, body = ErrorBody),
))]
#[delete("/investors/{id}/feedback/{project_id}")]
async fn delete_feedback(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (investor_id, project_id) = path.into_inner();
    state
        .db
        .write(move |conn| matches::withdraw_feedback(conn, &user, &investor_id, &project_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The investor's feedback, newest first.
#[utoipa::path(tag = "matches", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Feedback>), (status = 404, body = ErrorBody),
))]
#[get("/investors/{id}/feedback")]
async fn list_feedback(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Vec<Feedback>>, AppError> {
    let list = state
        .db
        .run(move |conn| matches::feedback_list(conn, &user, &id))
        .await?;
    Ok(web::Json(list))
}
