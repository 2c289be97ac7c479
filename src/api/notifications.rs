//! In-app notifications: the caller's records of the outbox.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use super::{Page, paging};
use crate::auth::AuthenticatedUser;
use crate::auth::accounts::Language;
use crate::db::AnyConnection;
use crate::error::{AppError, ErrorBody};
use crate::meetings::time::utc;
use crate::models::json_text;
use crate::models::notification::{self as rows, NotificationRow, OutboxRow, SettingsRow};
use crate::models::user::now;
use crate::startup::AppState;

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
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn view(row: NotificationRow) -> Notification {
    Notification {
        payload: serde_json::from_str(&row.payload).unwrap_or_default(),
        id: row.id,
        kind: row.kind,
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
        .run(move |conn| {
            Ok(rows::notifications_of(
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

/// Marks one of the user's notifications read; another person's is not found. The API and the
/// notifications page both mark through it.
pub(crate) fn mark_read_of(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
) -> Result<(), AppError> {
    if !rows::mark_read(conn, user_id, id, now())? {
        return Err(AppError::not_found("notification"));
    }
    Ok(())
}

fn language_of(user: &AuthenticatedUser) -> Language {
    if user.language == "en" {
        Language::English
    } else {
        Language::Indonesian
    }
}

/// Which emails a user gets, and in which language.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Emails at all; in-app notifications are always kept.
    pub email: bool,
    /// Kinds not to email (see `Notification.kind`).
    #[serde(default)]
    pub muted: Vec<String>,
    /// off, daily or weekly: the digest of new matching projects.
    pub digest: String,
    /// `id` or `en`: the language of emails (the account's language, also set by `PATCH /me`).
    pub language: Option<Language>,
}

impl NotificationSettings {
    fn from_row(row: Option<SettingsRow>, language: Language) -> Self {
        let language = Some(language);
        match row {
            Some(r) => NotificationSettings {
                email: r.email_enabled,
                muted: serde_json::from_str(&r.muted_kinds).unwrap_or_default(),
                digest: r.digest,
                language,
            },
            None => NotificationSettings {
                email: true,
                muted: Vec::new(),
                digest: "off".into(),
                language,
            },
        }
    }
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

/// The user's notification settings (the defaults when never saved).
pub(crate) fn settings_of(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<NotificationSettings, AppError> {
    let row = rows::settings_of(conn, std::slice::from_ref(&user.id))?.pop();
    Ok(NotificationSettings::from_row(row, language_of(user)))
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

/// Checks and stores the user's notification settings (and the language, which is the
/// account's); a bad field changes nothing. The API and the settings page both save through it.
pub(crate) fn save_settings(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    mut input: NotificationSettings,
) -> Result<NotificationSettings, AppError> {
    if let Some(bad) = input
        .muted
        .iter()
        .find(|k| !crate::notify::KINDS.contains(&k.as_str()))
    {
        return Err(AppError::validation(
            "muted",
            format!("`{bad}` is not a notification kind"),
        ));
    }
    if !DIGESTS.contains(&input.digest.as_str()) {
        return Err(AppError::validation(
            "digest",
            "must be off, daily or weekly",
        ));
    }
    input.muted.sort();
    input.muted.dedup();
    let row = SettingsRow {
        user_id: user.id.clone(),
        email_enabled: input.email,
        muted_kinds: json_text(&input.muted),
        digest: input.digest.clone(),
        updated_at: now(),
        // Kept as it is on update: changing settings does not reset the digest clock.
        last_digest_at: None,
    };
    let language = input.language.unwrap_or_else(|| language_of(user));
    input.language = Some(language);
    rows::put_settings(conn, &row)?;
    crate::models::user::set_language(conn, &user.id, language.as_ref())?;
    Ok(input)
}

/// How often the digest of new matching projects comes.
pub const DIGESTS: [&str; 3] = ["off", "daily", "weekly"];

/// An outbox item as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxItem {
    pub id: String,
    /// email or webhook.
    pub channel: String,
    /// The user or subscription it goes to.
    pub target: String,
    pub kind: String,
    /// pending, sent or dead.
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

fn outbox_view(row: OutboxRow) -> OutboxItem {
    OutboxItem {
        id: row.id,
        channel: row.channel,
        target: row.target,
        kind: row.kind,
        state: row.state,
        attempts: row.attempts,
        next_attempt_at: utc(row.next_attempt_at),
        last_error: row.last_error,
        created_at: utc(row.created_at),
        sent_at: row.sent_at.map(utc),
    }
}

/// Outbox list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// pending, sent or dead (default dead).
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
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
    user.require_staff()?;
    let query = query.into_inner();
    let wanted = query.state.unwrap_or_else(|| "dead".into());
    if !["pending", "sent", "dead"].contains(&wanted.as_str()) {
        return Err(AppError::validation(
            "state",
            "must be pending, sent or dead",
        ));
    }
    let (page, per_page, offset) = paging(query.page, query.per_page)?;
    let (items, total) = state
        .db
        .run(move |conn| Ok(rows::outbox_in_state(conn, &wanted, offset, per_page)?))
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
    user.require_staff()?;
    let id = id.into_inner();
    let item = state.db.write(move |conn| retry_dead(conn, &id)).await?;
    Ok(web::Json(outbox_view(item)))
}

/// Puts a dead outbox item back in line (staff only, checked by the caller); one that is not
/// dead is a conflict. The API and the dead-letter page both retry through it.
pub(crate) fn retry_dead(conn: &mut AnyConnection, id: &str) -> Result<OutboxRow, AppError> {
    let item = rows::find_outbox(conn, id)?.ok_or_else(|| AppError::not_found("outbox item"))?;
    if item.state != "dead" {
        return Err(AppError::conflict(
            "not_dead",
            format!("this item is {}, not dead", item.state),
        ));
    }
    rows::retry(conn, id, now())?;
    rows::find_outbox(conn, id)?.ok_or_else(|| AppError::not_found("outbox item"))
}

/// A signed unsubscribe link's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {
    pub user: String,
    pub signature: String,
}

fn check_link(state: &AppState, link: &Unsubscribe) -> Result<(), AppError> {
    if !crate::notify::digest::verify(&state.settings.auth.jwt_secret, &link.user, &link.signature)
    {
        return Err(AppError::Forbidden(
            "this unsubscribe link is not valid".into(),
        ));
    }
    Ok(())
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
    let user = link.user.clone();
    check_link(&state, &link)?;
    state
        .db
        .write(move |conn| Ok(rows::stop_digest(conn, &user, now())?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("You will no longer receive the Sepadan digest. / Anda tidak akan lagi menerima ringkasan Sepadan.\n"))
}
