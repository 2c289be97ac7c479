//! Background jobs, the notification outbox and calendar feed tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{calendar_feeds, jobs, notifications};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub event_id: Option<String>,
    /// queued, running, succeeded or failed.
    pub status: String,
    /// 0 to 100.
    pub progress: i32,
    pub stage: String,
    pub parameters: String,
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn insert_job(conn: &mut AnyConnection, row: &JobRow) -> QueryResult<()> {
    diesel::insert_into(jobs::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_job(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<JobRow>> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a job of this kind is queued or running for the event.
pub fn job_in_progress(conn: &mut AnyConnection, kind: &str, event_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        jobs::table
            .filter(jobs::kind.eq(kind))
            .filter(jobs::event_id.eq(event_id))
            .filter(jobs::status.eq_any(["queued", "running"])),
    ))
    .get_result(conn)
}

pub fn set_job_progress(
    conn: &mut AnyConnection,
    id: &str,
    progress: i32,
    stage: &str,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq("running"),
            jobs::progress.eq(progress),
            jobs::stage.eq(stage),
        ))
        .execute(conn)
        .map(drop)
}

/// Ends a job with its result (JSON) or error.
pub fn finish_job(
    conn: &mut AnyConnection,
    id: &str,
    outcome: Result<String, String>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let (status, result, error) = match outcome {
        Ok(result) => ("succeeded", Some(result), None),
        Err(error) => ("failed", None, Some(error)),
    };
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(status),
            jobs::progress.eq(100),
            jobs::stage.eq("done"),
            jobs::result.eq(result),
            jobs::error.eq(error),
            jobs::finished_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks jobs left queued or running by a stopped process as failed; returns how many.
pub fn fail_interrupted_jobs(conn: &mut AnyConnection, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(jobs::table.filter(jobs::status.eq_any(["queued", "running"])))
        .set((
            jobs::status.eq("failed"),
            jobs::error.eq("interrupted: the service stopped while the job ran; start it again"),
            jobs::finished_at.eq(at),
        ))
        .execute(conn)
}

/// One record of the outbox.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub recipient_id: String,
    pub kind: String,
    pub payload: String,
    /// pending until a delivery channel has sent it.
    pub delivery: String,
    pub attempts: i32,
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

/// One page of a user's notifications, newest first, with the total.
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
        .order((notifications::created_at.desc(), notifications::id))
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

/// Starts a calendar feed for a user, revoking the previous one.
pub fn replace_calendar_feed(
    conn: &mut AnyConnection,
    user_id: &str,
    token_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    revoke_calendar_feeds(conn, user_id, at)?;
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::user_id.eq(user_id),
            calendar_feeds::created_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn revoke_calendar_feeds(
    conn: &mut AnyConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        calendar_feeds::table
            .filter(calendar_feeds::user_id.eq(user_id))
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(at))
    .execute(conn)
}

/// The user of a live calendar feed token.
pub fn calendar_feed_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> QueryResult<Option<String>> {
    calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::user_id)
        .first(conn)
        .optional()
}
