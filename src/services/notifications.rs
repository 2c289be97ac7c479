//! In-app notifications: the caller's records of the outbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthenticatedUser;
use crate::auth::accounts::Language;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::status::OutboxState;
use crate::error::{AppError, ErrorCode};
use crate::meetings::time::utc;
use crate::models::json_text;
use crate::models::notification::{self as rows, SettingsRow};
pub use crate::models::notification::{NotificationRow, OutboxRow};
use crate::models::user;
use crate::notify::ADDRESS_PREFIX;

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

pub fn view(row: NotificationRow) -> Notification {
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
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// One window of the user's notifications, newest first (only unread ones when `unread`), with
/// the total.
pub(crate) fn notifications_of(
    conn: &mut AnyConnection,
    user_id: &str,
    unread: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<NotificationRow>, i64), AppError> {
    Ok(rows::notifications_of(
        conn, user_id, unread, offset, limit,
    )?)
}

/// Marks every notification of the user read.
pub(crate) fn mark_all_read_of(conn: &mut AnyConnection, user_id: &str) -> Result<(), AppError> {
    rows::mark_all_read(conn, user_id, now())?;
    Ok(())
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

/// The user's notification settings (the defaults when never saved).
pub(crate) fn settings_of(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<NotificationSettings, AppError> {
    let row = rows::settings_of(conn, std::slice::from_ref(&user.id))?.pop();
    Ok(NotificationSettings::from_row(row, language_of(user)))
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
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub fn outbox_view(row: OutboxRow) -> OutboxItem {
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
    /// Default dead.
    #[param(inline)]
    pub state: Option<OutboxState>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// One window of the outbox items in `state` (pending, sent or dead), with the total (staff).
#[tracing::instrument(skip_all)]
pub fn outbox_in_state(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    state: OutboxState,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OutboxRow>, i64), AppError> {
    policy::may(user, Task::ReadOutbox)?;
    Ok(rows::outbox_in_state(conn, state, offset, limit)?)
}

/// Whom an outbox item goes to, as a person reads it: an address, or a webhook's URL.
pub(crate) fn recipient_of(conn: &mut AnyConnection, item: &OutboxRow) -> Result<String, AppError> {
    if let Some(address) = item.target.strip_prefix(ADDRESS_PREFIX) {
        return Ok(address.to_owned());
    }
    Ok(match item.channel.as_str() {
        "webhook" => rows::find_subscription(conn, &item.target)?.map(|s| s.url),
        _ => user::find(conn, &item.target)?.map(|u| format!("{} <{}>", u.name, u.email)),
    }
    .unwrap_or_else(|| item.target.clone()))
}

/// Puts a dead outbox item back in line (staff); one that is not dead is a conflict. The API
/// and the dead-letter page both retry through it.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn retry_dead(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<OutboxRow, AppError> {
    policy::may(user, Task::ReadOutbox)?;
    let item = rows::find_outbox(conn, id)?.ok_or_else(|| AppError::not_found("outbox item"))?;
    if item.state != OutboxState::Dead {
        return Err(AppError::conflict(
            ErrorCode::NotDead,
            format!("this item is {}, not dead", item.state.name()),
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

/// Stops the digest for the person a signed unsubscribe link names; a link whose signature does
/// not hold is refused.
#[tracing::instrument(skip_all)]
pub fn unsubscribe(
    conn: &mut AnyConnection,
    signing_secret: &str,
    link: &Unsubscribe,
) -> Result<(), AppError> {
    if !crate::notify::digest::verify(signing_secret, &link.user, &link.signature) {
        return Err(AppError::Forbidden(
            "this unsubscribe link is not valid".into(),
        ));
    }
    rows::stop_digest(conn, &link.user, now())?;
    Ok(())
}
