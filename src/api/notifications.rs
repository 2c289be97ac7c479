//! In-app notifications: the caller's records of the outbox.

use actix_web::{HttpResponse, get, post, put, web};
use secrecy::ExposeSecret;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::domain::status::OutboxState;
use crate::error::{AppError, ErrorBody};
use crate::services::notifications::{
    Notification, NotificationQuery, NotificationSettings, OutboxItem, OutboxQuery, Unsubscribe,
    mark_read_of, notifications_of, outbox_in_state, outbox_view, retry_dead, save_settings,
    settings_of, unsubscribe as unsubscribe_by_link, view,
};
use crate::services::{Page, paging};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(mark_read)
        .service(get_settings)
        .service(put_settings)
        .service(list_outbox)
        .service(retry_outbox)
        .service(unsubscribe_now)
        .service(unsubscribe_link);
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(NotificationQuery), responses(
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
        .run(move |conn| notifications_of(conn, &user.id, query.unread, offset, per_page))
        .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(view).collect(),
        total,
        page,
        per_page,
    }))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 204, description = "Marked read"), (status = 404, body = ErrorBody),
))]
#[post("/me/notifications/{id}/read")]
async fn mark_read(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| mark_read_of(conn, &user.id, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = NotificationSettings), (status = 401, body = ErrorBody),
))]
#[get("/me/notification-settings")]
async fn get_settings(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
) -> Result<web::Json<NotificationSettings>, AppError> {
    let settings = state.db.run(move |conn| settings_of(conn, &user)).await?;
    Ok(web::Json(settings))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), request_body = NotificationSettings, responses(
    (status = 200, body = NotificationSettings), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[put("/me/notification-settings")]
async fn put_settings(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    body: JsonBody<NotificationSettings>,
) -> Result<web::Json<NotificationSettings>, AppError> {
    let saved = state
        .db
        .write(move |conn| save_settings(conn, &user, body.0))
        .await?;
    Ok(web::Json(saved))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(OutboxQuery), responses(
    (status = 200, body = Page<OutboxItem>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/admin/outbox")]
async fn list_outbox(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<OutboxQuery>,
) -> Result<web::Json<Page<OutboxItem>>, AppError> {
    let query = query.into_inner();
    let wanted = query.state.unwrap_or(OutboxState::Dead);
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let (items, total) = state
        .db
        .run(move |conn| outbox_in_state(conn, &user, wanted, offset, per_page))
        .await?;
    Ok(web::Json(Page {
        items: items.into_iter().map(outbox_view).collect(),
        total,
        page,
        per_page,
    }))
}

#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = OutboxItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody),
))]
#[post("/admin/outbox/{id}/retry")]
async fn retry_outbox(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<OutboxItem>, AppError> {
    let item = state
        .db
        .write(move |conn| retry_dead(conn, &user, &id))
        .await?;
    Ok(web::Json(outbox_view(item)))
}

/// One-click unsubscribe (RFC 8058): mail clients POST to the link in `List-Unsubscribe`.
#[utoipa::path(tag = "notifications", params(Unsubscribe), responses(
    (status = 200, description = "The digest is off"), (status = 403, body = ErrorBody),
))]
#[post("/unsubscribe")]
async fn unsubscribe_now(
    state: web::Data<AppState>,
    query: web::Query<Unsubscribe>,
) -> Result<HttpResponse, AppError> {
    unsubscribe(state, query.into_inner()).await
}

/// The same, for a person opening the link.
#[utoipa::path(tag = "notifications", params(Unsubscribe), responses(
    (status = 200, description = "The digest is off"), (status = 403, body = ErrorBody),
))]
#[get("/unsubscribe")]
async fn unsubscribe_link(
    state: web::Data<AppState>,
    query: web::Query<Unsubscribe>,
) -> Result<HttpResponse, AppError> {
    unsubscribe(state, query.into_inner()).await
}

async fn unsubscribe(
    state: web::Data<AppState>,
    link: Unsubscribe,
) -> Result<HttpResponse, AppError> {
    let secret = state.settings.auth.jwt_secret.clone();
    state
        .db
        .write(move |conn| unsubscribe_by_link(conn, secret.expose_secret(), &link))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("You will no longer receive the Sepadan digest. / Anda tidak akan lagi menerima ringkasan Sepadan.\n"))
}
