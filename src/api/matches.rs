//! Matches: ranked, explained investor–project pairs, and investors' feedback on them.

use std::collections::HashMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use rayon::prelude::*;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::matching::explain::reasons;
use crate::matching::{MatchFilter, Ranked};
use crate::models::investor as investor_rows;
use crate::models::matching::{self as rows};
use crate::services::investors::Mandate;
use crate::services::matches::{
    Feedback, FeedbackInput, InvestorMatch, LimitQuery, MAX_RANK, MatchPage, MatchQuery, PairMatch,
    ProjectMatch, TopQuery, check_investor_access, limit_of, match_filter, offset_of,
    project_items, ranked_investors, ranked_projects, record_feedback, rounded, rounded_components,
    summary,
};
use crate::services::projects::{Project, load_many};
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
    let id = id.into_inner();
    check_investor_access(&user, &id)?;
    let query = query.into_inner();
    let limit = limit_of(query.limit, 100)?;
    let offset = offset_of(query.cursor.as_deref())?;
    let filter = match_filter(&state, &query)?;
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let (items, more) = ranked_projects(conn, &app, &user, &id, &filter, offset, limit)?;
            let next = offset + limit;
            Ok(MatchPage {
                items,
                next_cursor: (more && next < MAX_RANK).then(|| next.to_string()),
            })
        })
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
    let id = id.into_inner();
    let limit = limit_of(query.limit, 100)?;
    let app = state.clone();
    let items = state
        .db
        .run(move |conn| ranked_investors(conn, &app, &user, &id, limit))
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
    user.require_staff()?;
    let query = query.into_inner();
    let limit = limit_of(Some(query.limit.unwrap_or(100)), 500)?;
    let filter = match_filter(
        &state,
        &MatchQuery {
            limit: None,
            cursor: None,
            sector: query.sector,
            dimension: query.dimension,
            element: None,
            province: query.province,
            region: None,
            stage: None,
            instrument: None,
            ikn_related: None,
        },
    )?;
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let snapshot = app.matchmaker.snapshot(conn)?;
            let weights = &app.matchmaker.weights;
            let index = &snapshot.index;
            // Each investor's hidden projects, as sorted index positions.
            let mut hidden_of: HashMap<String, Vec<u32>> = HashMap::new();
            for (investor, project) in rows::not_interested_pairs(conn)? {
                if let Some(position) = index.position(&project) {
                    hidden_of.entry(investor).or_default().push(position);
                }
            }
            for hidden in hidden_of.values_mut() {
                hidden.sort_unstable();
            }
            let mut pairs: Vec<(usize, Ranked)> = snapshot
                .investors
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, inv)| {
                    let hidden = hidden_of.get(&inv.row.id).map_or(&[][..], Vec::as_slice);
                    index
                        .top(&inv.mandate, weights, &filter, hidden, 0, limit)
                        .into_iter()
                        .map(move |r| (i, r))
                })
                .collect();
            pairs.sort_by(|a, b| {
                b.1.score.total_cmp(&a.1.score).then_with(|| {
                    (&snapshot.investors[a.0].row.id, index.id(a.1.position))
                        .cmp(&(&snapshot.investors[b.0].row.id, index.id(b.1.position)))
                })
            });
            pairs.truncate(limit);
            let ids: Vec<String> = pairs
                .iter()
                .map(|(_, r)| index.id(r.position).to_owned())
                .collect();
            let projects: HashMap<String, Project> = load_many(conn, &app.catalogue, &ids, None)?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
            let items = pairs
                .into_iter()
                .filter_map(|(i, r)| {
                    let inv = &snapshot.investors[i];
                    let project = projects.get(index.id(r.position))?;
                    let query = index.text().query(&inv.mandate.thesis);
                    let matched = index.matched_terms(&query, r.position);
                    Some(PairMatch {
                        investor: summary(&inv.row),
                        project: project.clone(),
                        score: rounded(r.score),
                        components: rounded_components(&r.components),
                        reasons: reasons(
                            index.taxonomy(),
                            &inv.mandate,
                            &index.facts(r.position),
                            &r.components,
                            &matched,
                        ),
                    })
                })
                .collect();
            Ok(MatchPage {
                items,
                next_cursor: None,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Scores a mandate against the published projects without storing anything: for an investor
/// deciding whether to register. No sign-in needed.
#[utoipa::path(tag = "matches", params(LimitQuery), request_body = Mandate, responses(
    (status = 200, body = MatchPage<ProjectMatch>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/matches/preview")]
async fn preview(
    state: web::Data<AppState>,
    query: web::Query<LimitQuery>,
    body: JsonBody<Mandate>,
) -> Result<web::Json<MatchPage<ProjectMatch>>, AppError> {
    let limit = limit_of(query.limit, 50)?;
    let mandate = body.0;
    mandate.to_row(&state.catalogue, "preview")?;
    let app = state.clone();
    let page = state
        .db
        .run(move |conn| {
            let snapshot = app.matchmaker.snapshot(conn)?;
            let facts = app.matchmaker.mandate_facts(&mandate, &snapshot.rates);
            let ranked = snapshot.index.top(
                &facts,
                &app.matchmaker.weights,
                &MatchFilter::default(),
                &[],
                0,
                limit,
            );
            let items = project_items(
                conn,
                &app,
                &snapshot,
                &facts,
                &ranked,
                &HashMap::new(),
                None,
            )?;
            Ok(MatchPage {
                items,
                next_cursor: None,
            })
        })
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
    check_investor_access(&user, &investor_id)?;
    let interest = body.0.interest;
    let feedback = state
        .db
        .write(move |conn| record_feedback(conn, &investor_id, &project_id, interest))
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
    check_investor_access(&user, &investor_id)?;
    let removed = state
        .db
        .write(move |conn| Ok(rows::delete_feedback(conn, &investor_id, &project_id)?))
        .await?;
    if removed == 0 {
        return Err(AppError::not_found("feedback"));
    }
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
    let id = id.into_inner();
    check_investor_access(&user, &id)?;
    let list = state
        .db
        .run(move |conn| {
            investor_rows::find(conn, &id)?.ok_or_else(|| AppError::not_found("investor"))?;
            Ok(rows::feedback_of(conn, &id)?
                .into_iter()
                .filter_map(|f| {
                    Some(Feedback {
                        interest: f.interest.parse().ok()?,
                        project_id: f.project_id,
                        updated_at: f.updated_at.and_utc(),
                    })
                })
                .collect())
        })
        .await?;
    Ok(web::Json(list))
}
