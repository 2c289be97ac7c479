//! Investor organisations: profiles, mandates and verification.

use actix_web::{HttpResponse, get, patch, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::Page;
use crate::services::investors::{
    Investor, InvestorQuery, InvestorUpdate, Mandate, investor_page, load_visible, save_mandate,
    update_profile, verify,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_investors)
        .service(get_investor)
        .service(update_investor)
        .service(put_mandate)
        .service(verify_investor);
}

/// Investors: staff see all; officials see verified, discoverable investors without contacts;
/// an investor sees its own organisation.
#[utoipa::path(tag = "investors", security(("bearer" = [])), params(InvestorQuery), responses(
    (status = 200, body = Page<Investor>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/investors")]
async fn list_investors(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<InvestorQuery>,
) -> Result<web::Json<Page<Investor>>, AppError> {
    let query = query.into_inner();
    let page = state
        .db
        .run(move |conn| investor_page(conn, &user, &query))
        .await?;
    Ok(web::Json(page))
}

/// One investor, as much of it as the caller may see.
#[utoipa::path(tag = "investors", security(("bearer" = [])), responses(
    (status = 200, body = Investor), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/investors/{id}")]
async fn get_investor(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Investor>, AppError> {
    let id = id.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |conn| load_visible(conn, &user, &id))
            .await?,
    ))
}

/// Changes an investor's profile (the investor itself or staff). Verification is not a field:
/// staff verify through `POST /investors/{id}/verify`.
#[utoipa::path(tag = "investors", security(("bearer" = [])), request_body = InvestorUpdate, responses(
    (status = 200, body = Investor), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[patch("/investors/{id}")]
async fn update_investor(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<InvestorUpdate>,
) -> Result<web::Json<Investor>, AppError> {
    let id = id.into_inner();
    let changes = body.0.to_changes()?;
    let investor = state
        .db
        .write(move |conn| update_profile(conn, &user, &id, &changes))
        .await?;
    Ok(web::Json(investor))
}

/// Sets an investor's mandate (the investor itself or staff).
#[utoipa::path(tag = "investors", security(("bearer" = [])), request_body = Mandate, responses(
    (status = 200, body = Mandate), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[put("/investors/{id}/mandate")]
async fn put_mandate(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<Mandate>,
) -> Result<web::Json<Mandate>, AppError> {
    let id = id.into_inner();
    let row = body.0.to_row(&state.catalogue, &id)?;
    let stored = state
        .db
        .write(move |conn| save_mandate(conn, &user, &id, &row))
        .await?;
    Ok(web::Json(stored))
}

/// Marks an investor verified (staff). Verifying twice keeps the first verification.
#[utoipa::path(tag = "investors", security(("bearer" = [])), responses(
    (status = 200, body = Investor), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[post("/investors/{id}/verify")]
async fn verify_investor(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let investor = state.db.write(move |conn| verify(conn, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(investor))
}
