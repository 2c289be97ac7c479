//! Webhook subscriptions of partner systems (administrators).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::error::AppError;
use crate::meetings::time::utc;
use crate::models::json_text;
use crate::models::notification::{self as rows, SubscriptionRow};
use crate::notify::webhook::{EVENT_TYPES, check_url, new_secret};
use crate::state::AppState;

/// A new subscription.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    /// Where events are posted; https in production, never an internal address.
    #[schema(example = "https://crm.partner.example/sepadan")]
    pub url: String,
    /// project.published, investor.verified, meeting.requested, meeting.accepted,
    /// meeting.declined, meeting.expired, meeting.scheduled, meeting.moved, meeting.confirmed,
    /// meeting.cancelled, outcome.recorded.
    pub event_types: Vec<String>,
}

/// A subscription. Each event is posted as `{"type", "timestamp", "data"}` with the headers
/// `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` and the base64
/// HMAC-SHA256 of `{id}.{timestamp}.{body}` under the secret), per Standard Webhooks.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscription {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub active: bool,
    /// Why deliveries stopped, e.g. the receiver answered 410 Gone.
    pub disabled_reason: Option<String>,
    /// The signing secret (`whsec_…`): shown once, when the subscription is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn view(row: SubscriptionRow, with_secret: bool) -> Subscription {
    Subscription {
        event_types: serde_json::from_str(&row.event_types).unwrap_or_default(),
        secret: with_secret.then_some(row.secret),
        id: row.id,
        url: row.url,
        active: row.active,
        disabled_reason: row.disabled_reason,
        created_at: utc(row.created_at),
    }
}

/// Subscribes a partner system (admins only) after checking its URL and event types; the
/// answer carries the signing secret, this once. The API and the webhooks page both subscribe
/// through it.
#[tracing::instrument(skip_all)]
pub async fn subscribe(
    state: &AppState,
    user: &AuthenticatedUser,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    policy::may(user, Task::ManageWebhooks)?;
    let url = check_url(&input.url, state.settings.webhook_guard())
        .map_err(|e| AppError::validation("url", e))?;
    if input.event_types.is_empty() {
        return Err(AppError::validation(
            "event_types",
            "name at least one event type",
        ));
    }
    if let Some(bad) = input
        .event_types
        .iter()
        .find(|t| !EVENT_TYPES.contains(&t.as_str()))
    {
        return Err(AppError::validation(
            "event_types",
            format!("`{bad}` is not an event type"),
        ));
    }
    let mut types = input.event_types;
    types.sort();
    types.dedup();
    let row = SubscriptionRow {
        id: uuid::Uuid::new_v4().to_string(),
        url: url.to_string(),
        secret: new_secret(),
        event_types: json_text(&types),
        active: true,
        disabled_reason: None,
        created_by: user.id.clone(),
        created_at: now(),
    };
    let stored = row.clone();
    state
        .db
        .write(move |conn| Ok(rows::insert_subscription(conn, &stored)?))
        .await?;
    Ok(view(row, true))
}

/// Every subscription, without secrets (admins only).
#[tracing::instrument(skip_all)]
pub async fn subscriptions(
    state: &AppState,
    user: &AuthenticatedUser,
) -> Result<Vec<Subscription>, AppError> {
    policy::may(user, Task::ManageWebhooks)?;
    let list = state.db.run(|conn| Ok(rows::subscriptions(conn)?)).await?;
    Ok(list.into_iter().map(|r| view(r, false)).collect())
}

/// Deletes a subscription with its undelivered events (admins only); 404 when there is none.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn unsubscribe(
    state: &AppState,
    user: &AuthenticatedUser,
    id: String,
) -> Result<(), AppError> {
    policy::may(user, Task::ManageWebhooks)?;
    let found = state
        .db
        .write(move |conn| Ok(rows::delete_subscription(conn, &id)?))
        .await?;
    if !found {
        return Err(AppError::not_found("subscription"));
    }
    Ok(())
}
