//! In-app notifications, the outbox of what is to be delivered, and users' notification settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{notification_settings, notifications, outbox, webhook_subscriptions};
use crate::domain::status::OutboxState;

/// An in-app notification: something that happened to one of the user's requests or meetings.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub recipient_id: String,
    pub kind: String,
    pub payload: String,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_notifications(conn: &mut AnyConnection, rows: &[NotificationRow]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(notifications::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// One page of a user's notifications, unread first, then newest first, with the total.
pub fn notifications_of(
    conn: &mut AnyConnection,
    user_id: &str,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<NotificationRow>, i64)> {
    let mine = || {
        let mut query = notifications::table
            .filter(notifications::recipient_id.eq(user_id))
            .into_boxed();
        if unread_only {
            query = query.filter(notifications::read_at.is_null());
        }
        query
    };
    let total = mine().count().get_result(conn)?;
    let rows = mine()
        .order((
            notifications::read_at.is_not_null(),
            notifications::created_at.desc(),
            notifications::id,
        ))
        .offset(offset)
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Marks a user's notification read; false when the user has no such notification.
pub fn mark_read(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let found: Option<NotificationRow> = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::recipient_id.eq(user_id))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?;
    if found.as_ref().is_some_and(|n| n.read_at.is_none()) {
        diesel::update(notifications::table.find(id))
            .set(notifications::read_at.eq(at))
            .execute(conn)?;
    }
    Ok(found.is_some())
}

/// How many of a user's notifications are not read yet.
pub fn unread_count(conn: &mut AnyConnection, user_id: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::recipient_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks every unread notification of a user read.
pub fn mark_all_read(
    conn: &mut AnyConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::recipient_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)
}

/// Something to deliver: an email to a user or a webhook to a subscription.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    /// email or webhook.
    pub channel: String,
    /// The user (email) or subscription (webhook) it goes to.
    pub target: String,
    pub notification_id: Option<String>,
    pub kind: String,
    pub payload: String,
    /// pending, sent or dead (given up after the last attempt).
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    /// While a worker delivers it, no other takes it.
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    /// A new item, due now.
    pub fn due_now(
        channel: &str,
        target: String,
        notification_id: Option<String>,
        kind: &str,
        payload: String,
    ) -> Self {
        let at = crate::clock::now();
        OutboxRow {
            id: uuid::Uuid::new_v4().to_string(),
            channel: channel.to_owned(),
            target,
            notification_id,
            kind: kind.to_owned(),
            payload,
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: at,
            locked_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        }
    }
}

pub fn insert_outbox(conn: &mut AnyConnection, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// Takes up to `limit` items that are due and not held by another worker, holding them until
/// `lease_until` and counting the attempt. On PostgreSQL concurrent workers skip each other's
/// rows (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let ids: Vec<String> = match conn {
        #[cfg(feature = "postgres")]
        AnyConnection::Postgresql(pg) => {
            /// The id of a claimed item, as `RETURNING id` gives it.
            #[derive(QueryableByName)]
            struct Claimed {
                #[diesel(sql_type = diesel::sql_types::Text)]
                id: String,
            }
            diesel::sql_query(
                "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 \
                              AND (locked_until IS NULL OR locked_until <= $1) \
                              ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 RETURNING id",
            )
            .bind::<diesel::sql_types::Timestamp, _>(now)
            .bind::<diesel::sql_types::Timestamp, _>(lease_until)
            .bind::<diesel::sql_types::BigInt, _>(limit)
            .load::<Claimed>(pg)?
            .into_iter()
            .map(|claimed| claimed.id)
            .collect()
        }
        AnyConnection::Sqlite(_) => {
            let ids: Vec<String> = outbox::table
                .filter(outbox::state.eq(OutboxState::Pending.name()))
                .filter(outbox::next_attempt_at.le(now))
                .filter(
                    outbox::locked_until
                        .is_null()
                        .or(outbox::locked_until.le(now)),
                )
                .order((outbox::next_attempt_at, outbox::id))
                .limit(limit)
                .select(outbox::id)
                .load(conn)?;
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                .set((
                    outbox::locked_until.eq(lease_until),
                    outbox::attempts.eq(outbox::attempts + 1),
                ))
                .execute(conn)?;
            ids
        }
    };
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order((outbox::next_attempt_at, outbox::id))
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Records a delivery.
pub fn mark_sent(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq(OutboxState::Sent.name()),
            outbox::sent_at.eq(at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a failed attempt: tried again at `retry_at`, or dead when `None`.
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let row = outbox::table.find(id);
    match retry_at {
        Some(at) => diesel::update(row)
            .set((
                outbox::last_error.eq(error),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::next_attempt_at.eq(at),
            ))
            .execute(conn),
        None => diesel::update(row)
            .set((
                outbox::state.eq(OutboxState::Dead.name()),
                outbox::last_error.eq(error),
                outbox::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn),
    }
    .map(drop)
}

/// One page of outbox items in a state, oldest first, with the total.
pub fn outbox_in_state(
    conn: &mut AnyConnection,
    state: OutboxState,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OutboxRow>, i64)> {
    let total = outbox::table
        .filter(outbox::state.eq(state.name()))
        .count()
        .get_result(conn)?;
    let rows = outbox::table
        .filter(outbox::state.eq(state.name()))
        .order((outbox::created_at, outbox::id))
        .offset(offset)
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn find_outbox(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

/// Puts a dead item back in line with fresh attempts.
pub fn retry(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq(OutboxState::Pending.name()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// A user's notification settings.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = notification_settings)]
pub struct SettingsRow {
    pub user_id: String,
    pub email_enabled: bool,
    /// JSON list of notification kinds not to email.
    pub muted_kinds: String,
    /// off, daily or weekly.
    pub digest: String,
    pub updated_at: NaiveDateTime,
    pub last_digest_at: Option<NaiveDateTime>,
}

pub fn settings_of(conn: &mut AnyConnection, user_ids: &[String]) -> QueryResult<Vec<SettingsRow>> {
    notification_settings::table
        .filter(notification_settings::user_id.eq_any(user_ids))
        .select(SettingsRow::as_select())
        .load(conn)
}

/// Stores a user's settings, replacing earlier ones.
pub fn put_settings(conn: &mut AnyConnection, row: &SettingsRow) -> QueryResult<()> {
    let updated = diesel::update(notification_settings::table.find(&row.user_id))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(notification_settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A partner system's subscription to events.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub url: String,
    /// `whsec_` and the base64 of the signing key.
    pub secret: String,
    /// JSON list of event types.
    pub event_types: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_subscription(conn: &mut AnyConnection, row: &SubscriptionRow) -> QueryResult<()> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every subscription, newest first.
pub fn subscriptions(conn: &mut AnyConnection) -> QueryResult<Vec<SubscriptionRow>> {
    webhook_subscriptions::table
        .order((
            webhook_subscriptions::created_at.desc(),
            webhook_subscriptions::id,
        ))
        .select(SubscriptionRow::as_select())
        .load(conn)
}

pub fn find_subscription(
    conn: &mut AnyConnection,
    id: &str,
) -> QueryResult<Option<SubscriptionRow>> {
    webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()
}

/// Stops deliveries to a subscription, saying why.
pub fn disable_subscription(conn: &mut AnyConnection, id: &str, reason: &str) -> QueryResult<()> {
    diesel::update(webhook_subscriptions::table.find(id))
        .set((
            webhook_subscriptions::active.eq(false),
            webhook_subscriptions::disabled_reason.eq(reason),
        ))
        .execute(conn)
        .map(drop)
}

/// Removes a subscription and what is still waiting to be delivered to it.
pub fn delete_subscription(conn: &mut AnyConnection, id: &str) -> QueryResult<bool> {
    diesel::delete(
        outbox::table
            .filter(outbox::channel.eq("webhook"))
            .filter(outbox::target.eq(id))
            .filter(outbox::state.ne(OutboxState::Sent.name())),
    )
    .execute(conn)?;
    Ok(diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)? > 0)
}

/// Settings of users whose digest (daily or weekly) is due at `now`.
pub fn digests_due(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<SettingsRow>> {
    let day_ago = now - chrono::Duration::days(1);
    let week_ago = now - chrono::Duration::days(7);
    notification_settings::table
        .filter(notification_settings::email_enabled.eq(true))
        .filter(
            notification_settings::digest
                .eq("daily")
                .and(
                    notification_settings::last_digest_at
                        .is_null()
                        .or(notification_settings::last_digest_at.le(day_ago)),
                )
                .or(notification_settings::digest.eq("weekly").and(
                    notification_settings::last_digest_at
                        .is_null()
                        .or(notification_settings::last_digest_at.le(week_ago)),
                )),
        )
        .select(SettingsRow::as_select())
        .load(conn)
}

/// Starts a user's next digest period, unless another worker did since `previous` was read;
/// false then, and the caller leaves this digest to that worker.
pub fn claim_digest(
    conn: &mut AnyConnection,
    user_id: &str,
    previous: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let row = notification_settings::table.find(user_id);
    let updated = match previous {
        Some(before) => {
            diesel::update(row.filter(notification_settings::last_digest_at.eq(before)))
                .set(notification_settings::last_digest_at.eq(at))
                .execute(conn)?
        }
        None => diesel::update(row.filter(notification_settings::last_digest_at.is_null()))
            .set(notification_settings::last_digest_at.eq(at))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Removes the secret a delivered email carried (invitations, password resets, address
/// verification) from its outbox record.
pub fn forget_payload(conn: &mut AnyConnection, id: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::payload.eq("{}"))
        .execute(conn)
        .map(drop)
}

/// Turns a user's digest off (the unsubscribe link).
pub fn stop_digest(
    conn: &mut AnyConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    Ok(diesel::update(notification_settings::table.find(user_id))
        .set((
            notification_settings::digest.eq("off"),
            notification_settings::updated_at.eq(at),
        ))
        .execute(conn)?
        > 0)
}
