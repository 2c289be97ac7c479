//! Investors' saved searches of opportunities.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::saved_searches::{self, AlertChange, SavedSearch, SavedSearchInput};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_saved_searches)
        .service(save_search)
        .service(change_saved_search)
        .service(delete_saved_search);
}

/// The caller's saved searches, the oldest first, each with the opportunities page's link.
#[utoipa::path(tag = "saved searches", security(("bearer" = [])), responses(
    (status = 200, body = Vec<SavedSearch>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
))]
#[get("/me/saved-searches")]
async fn list_saved_searches(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<web::Json<Vec<SavedSearch>>, AppError> {
    let found = state
        .db
        .run(move |conn| saved_searches::list(conn, &user))
        .await?;
    Ok(web::Json(found))
}

/// Keeps the filters of the opportunities list under a name (investors, at most 20 each); new
/// projects they find are told in the digest (`digest`, the default), at once (`instant`), or
/// not at all (`off`).
#[utoipa::path(tag = "saved searches", security(("bearer" = [])), request_body = SavedSearchInput, responses(
    (status = 201, body = SavedSearch), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[post("/me/saved-searches")]
async fn save_search(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<SavedSearchInput>,
) -> Result<HttpResponse, AppError> {
    let app = state.clone();
    let input = body.0;
    let saved = state
        .db
        .write(move |conn| saved_searches::save(conn, &app.catalogue, &user, input))
        .await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Changes how a saved search tells of new matches.
#[utoipa::path(tag = "saved searches", security(("bearer" = [])), request_body = AlertChange, responses(
    (status = 200, body = SavedSearch), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[patch("/me/saved-searches/{id}")]
async fn change_saved_search(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<AlertChange>,
) -> Result<web::Json<SavedSearch>, AppError> {
    let (id, change) = (id.into_inner(), body.0);
    let changed = state
        .db
        .write(move |conn| saved_searches::change_alert(conn, &user, &id, change))
        .await?;
    Ok(web::Json(changed))
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(tag = "saved searches", security(("bearer" = [])), responses(
    (status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody),
))]
#[delete("/me/saved-searches/{id}")]
async fn delete_saved_search(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| saved_searches::delete(conn, &user, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
