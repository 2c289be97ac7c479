//! Telling people what happened: in-app notifications, and an outbox of emails and webhooks
//! written in the same transaction as the change, delivered by a worker with retries.
//!
//! - [`record`]: the one way to notify users, inside the caller's transaction.
//! - [`kinds`]: what each kind of notification and email carries, as a type.
//! - [`digest`]: the daily or weekly digest of new matching projects.
//! - [`email`]: what an email says, in the recipient's language, and the mailer that sends it.
//! - [`webhook`]: signed events for partner systems, and the guard on where they may go.
//! - [`worker`]: takes due outbox items, delivers them, retries with backoff, gives up to "dead".

pub mod digest;
pub mod email;
pub mod kinds;
pub mod webhook;
pub mod worker;

use strum::VariantNames;

use crate::clock::now;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::models::notification::{self as rows, NotificationRow, OutboxRow, SettingsRow};
pub use kinds::{AccountEmail, Notification};

/// Every kind of notification, for settings that mute some of them.
pub const KINDS: &[&str] = Notification::VARIANTS;

/// Whether a user's settings let an email of `kind` through (no settings: every email).
fn wants_email(settings: Option<&SettingsRow>, kind: &str) -> bool {
    settings.is_none_or(|s| {
        s.email_enabled
            && !serde_json::from_str::<Vec<String>>(&s.muted_kinds)
                .unwrap_or_default()
                .iter()
                .any(|k| k == kind)
    })
}

/// Records, in the caller's transaction, an in-app notification per recipient, an email for each
/// recipient whose settings want one, and the webhook event for the subscriptions that want it.
pub fn record(
    conn: &mut AnyConnection,
    recipients: &[String],
    notification: &Notification,
) -> Result<(), AppError> {
    let at = now();
    let (kind, payload) = kinds::columns(notification)?;
    let text = payload.to_string();
    let settings = rows::settings_of(conn, recipients)?;
    for recipient in recipients {
        let row = NotificationRow {
            id: uuid::Uuid::new_v4().to_string(),
            recipient_id: recipient.clone(),
            kind: kind.clone(),
            payload: text.clone(),
            read_at: None,
            created_at: at,
        };
        rows::insert_notifications(conn, std::slice::from_ref(&row))?;
        let mine = settings.iter().find(|s| &s.user_id == recipient);
        if wants_email(mine, &kind) {
            rows::insert_outbox(
                conn,
                &OutboxRow::due_now(
                    "email",
                    recipient.clone(),
                    Some(row.id.clone()),
                    &kind,
                    text.clone(),
                ),
            )?;
        }
    }
    if let Some(event) = webhook::event_type(notification) {
        webhook::emit(conn, event, &payload)?;
    }
    Ok(())
}

/// Queues an email to an address that has no account yet (an invitation) or whose account's
/// secret it carries (a password reset), in the caller's transaction. The email names the
/// recipient and its language, which an address alone does not tell.
pub fn email_address(
    conn: &mut AnyConnection,
    address: &str,
    email: &AccountEmail,
) -> Result<(), AppError> {
    let (kind, payload) = kinds::columns(email)?;
    rows::insert_outbox(
        conn,
        &OutboxRow::due_now(
            "email",
            format!("{ADDRESS_PREFIX}{address}"),
            None,
            &kind,
            payload.to_string(),
        ),
    )?;
    Ok(())
}

/// Queues a password reset request for an address, in the caller's transaction: the same one
/// item whether or not the address has an account. The worker makes and sends the link.
pub fn queue_password_reset(conn: &mut AnyConnection, address: &str) -> Result<(), AppError> {
    rows::insert_outbox(
        conn,
        &OutboxRow::due_now(
            "email",
            format!("{ADDRESS_PREFIX}{address}"),
            None,
            kinds::PASSWORD_RESET_REQUEST,
            "{}".to_owned(),
        ),
    )?;
    Ok(())
}

/// Marks an outbox email target that is an address rather than a user id.
pub const ADDRESS_PREFIX: &str = "address:";
