//! Personal calendar feeds: a secret, revocable address that calendar apps subscribe to.

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::services::calendar::{Feed, create_feed_of, feed_of_secret, revoke_feeds};
use crate::state::AppState;

/// Routes under `/api/v1`.
pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(create_feed).service(revoke_feed);
}

/// Routes at the root: the feed itself, which calendar apps fetch without a bearer token.
pub fn public_config(cfg: &mut ServiceConfig) {
    cfg.service(feed);
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 201, body = Feed), (status = 401, body = ErrorBody),
))]
#[post("/me/calendar")]
async fn create_feed(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<HttpResponse, AppError> {
    let public_url = state.settings.app.public_url.clone();
    let url = state
        .db
        .write(move |conn| create_feed_of(conn, &public_url, &user.id))
        .await?;
    Ok(HttpResponse::Created().json(Feed { url }))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 204, description = "Every feed address of yours stops working"), (status = 401, body = ErrorBody),
))]
#[delete("/me/calendar")]
async fn revoke_feed(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<HttpResponse, AppError> {
    state
        .db
        .write(move |conn| revoke_feeds(conn, &user.id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "meetings", responses(
    (status = 200, description = "Your meetings as an iCalendar feed", content_type = "text/calendar"),
    (status = 404, body = ErrorBody),
))]
#[get("/calendar/{token}.ics")]
async fn feed(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let secret = token.into_inner();
    let text = state
        .db
        .run(move |conn| feed_of_secret(conn, &secret))
        .await?;
    Ok(crate::download::calendar(text))
}
