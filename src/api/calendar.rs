//! Personal calendar feeds: a secret, revocable address that calendar apps subscribe to.

use actix_web::{HttpResponse, delete, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthenticatedUser;
use crate::auth::tokens::hash_secret;
use crate::clock::now;
use crate::error::{AppError, ErrorBody};
use crate::models::meeting as rows;
use crate::models::user;
use crate::services::calendar::{Feed, agenda_calendar, create_feed_of};
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
        .write(move |conn| Ok(rows::revoke_calendar_feeds(conn, &user.id, now())?))
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
    let hash = hash_secret(&token.into_inner());
    let text = state
        .db
        .run(move |conn| {
            let unknown = || AppError::not_found("calendar feed");
            let user_id = rows::calendar_feed_user(conn, &hash)?.ok_or_else(unknown)?;
            let row = user::find(conn, &user_id)?.ok_or_else(unknown)?;
            let owner = AuthenticatedUser::from_row(row, String::new())?;
            agenda_calendar(conn, &owner)
        })
        .await?;
    Ok(crate::download::calendar(text))
}
