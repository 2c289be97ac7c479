//! Personal calendar feeds: a secret, revocable address that calendar apps subscribe to.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::meetings::{calendar_response, meetings_of_user};
use crate::auth::AuthenticatedUser;
use crate::auth::tokens::{hash_secret, new_secret};
use crate::db::AnyConnection;
use crate::error::{AppError, ErrorBody};
use crate::meetings::ics;
use crate::models::meeting as rows;
use crate::models::user::{self, now};
use crate::startup::AppState;

/// Routes under `/api/v1`.
pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(create_feed).service(revoke_feed);
}

/// Routes at the root: the feed itself, which calendar apps fetch without a bearer token.
pub fn public_config(cfg: &mut ServiceConfig) {
    cfg.service(feed);
}

/// A calendar feed address; keep it secret, it shows your meetings to whoever has it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    pub url: String,
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

/// Gives the user a new feed address (under the service's public URL), revoking earlier ones; the
/// secret in it is stored only as a hash, so the address can be shown this once. The API and
/// the settings page both create feeds through it.
pub(crate) fn create_feed_of(
    conn: &mut AnyConnection,
    public_url: &str,
    user_id: &str,
) -> Result<String, AppError> {
    let token = new_secret();
    rows::replace_calendar_feed(conn, user_id, &hash_secret(&token), now())?;
    let base = public_url.trim_end_matches('/');
    Ok(format!("{base}/calendar/{token}.ics"))
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
    Ok(calendar_response(text))
}

/// Every meeting of the user as one iCalendar feed: what the feed address serves and the agenda
/// page's download.
pub(crate) fn agenda_calendar(
    conn: &mut AnyConnection,
    owner: &AuthenticatedUser,
) -> Result<String, AppError> {
    let entries: Vec<ics::CalendarEntry> = meetings_of_user(conn, owner)?
        .iter()
        .map(|(data, request, meeting)| data.calendar_entry(request, meeting))
        .collect();
    Ok(ics::feed(
        &format!("Sepadan meetings: {}", owner.name),
        &entries,
    ))
}
