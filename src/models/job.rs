//! Background jobs such as scheduling an event.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::jobs;
use crate::domain::status::JobStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub event_id: Option<String>,
    /// queued, running, succeeded or failed.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: JobStatus,
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
        .values(row.clone())
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
            .filter(jobs::status.eq_any(JobStatus::UNDER_WAY.map(JobStatus::name))),
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
            jobs::status.eq(JobStatus::Running.name()),
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
        Ok(result) => (JobStatus::Succeeded, Some(result), None),
        Err(error) => (JobStatus::Failed, None, Some(error)),
    };
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(status.name()),
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
    diesel::update(
        jobs::table.filter(jobs::status.eq_any(JobStatus::UNDER_WAY.map(JobStatus::name))),
    )
    .set((
        jobs::status.eq(JobStatus::Failed.name()),
        jobs::error.eq("interrupted: the service stopped while the job ran; start it again"),
        jobs::finished_at.eq(at),
    ))
    .execute(conn)
}

/// The most recent job of this kind for the event in one of `statuses` (newest created first):
/// the run under way, or what the last run said.
pub fn latest_job(
    conn: &mut AnyConnection,
    kind: &str,
    event_id: &str,
    statuses: &[JobStatus],
) -> QueryResult<Option<JobRow>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::event_id.eq(event_id))
        .filter(jobs::status.eq_any(statuses.iter().map(|s| s.name())))
        .order(jobs::created_at.desc())
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}
