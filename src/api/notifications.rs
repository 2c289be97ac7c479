//! In-app notifications: the caller's records of the outbox.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{Page, paging};
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::meetings::time::utc;
use crate::models::outbox::{self, NotificationRow};
use crate::models::user::now;
use crate::startup::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications).service(mark_read);
}

/// Something that happened to one of the caller's requests or meetings.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notification {
    pub id: String,
    /// request_received, introduction_proposed, request_accepted, request_declined,
    /// request_expired, request_cancelled, meeting_scheduled, meeting_moved, meeting_confirmed,
    /// meeting_cancelled, …
    pub kind: String,
    /// What happened, with everything a message about it needs (event, request, meeting, .ics).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// pending until an email or webhook has delivered it.
    pub delivery: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn view(row: NotificationRow) -> Notification {
    Notification {
        payload: serde_json::from_str(&row.payload).unwrap_or_default(),
        id: row.id,
        kind: row.kind,
        delivery: row.delivery,
        read_at: row.read_at.map(utc),
        created_at: utc(row.created_at),
    }
}

/// Notification list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only those not read yet.
    #[serde(default)]
    pub unread: bool,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(NotificationQuery), responses(
    (status = 200, body = Page<Notification>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/me/notifications")]
async fn list_notifications(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<NotificationQuery>,
) -> Result<web::Json<Page<Notification>>, AppError> {
    let query = query.into_inner();
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let (rows, total) = state
        .db
        .run(move |conn| {
            Ok(outbox::notifications_of(
                conn,
                &user.id,
                query.unread,
                offset,
                per_page,
            )?)
        })
        .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(view).collect(),
        total,
        page,
        per_page,
    }))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 204, description = "Marked read"), (status = 404, body = ErrorBody),
))]
#[post("/me/notifications/{id}/read")]
async fn mark_read(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let found = state
        .db
        .write(move |conn| Ok(outbox::mark_read(conn, &user.id, &id, now())?))
        .await?;
    if !found {
        return Err(AppError::not_found("notification"));
    }
    Ok(HttpResponse::NoContent().finish())
}
