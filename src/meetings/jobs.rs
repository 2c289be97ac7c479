//! Scheduling an event as a background job: the job row shows its stage and progress while it
//! runs, then the summary or the error.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::service::{EventData, ScheduleSummary, apply_schedule, expire_due, stored_problem};
use crate::clock::now;
use crate::db::{Db, write_transaction};
use crate::domain::status::JobStatus;
use crate::error::{AppError, ErrorCode};
use crate::models::job::{self as jobs, JobRow};
use crate::scheduling::validate;

/// The kind of job that schedules an event.
pub const SCHEDULE_EVENT: &str = "schedule_event";

/// How to schedule.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleOptions {
    /// Re-plan everything, moving confirmed meetings too. Otherwise confirmed meetings stay and
    /// the others move only to make room for heavier ones.
    #[serde(default)]
    pub full: bool,
    /// Confirm every meeting placed, so that later runs keep them where they are.
    #[serde(default)]
    pub confirm: bool,
}

/// Records a queued scheduling job for an event; 409 while another one is queued or running.
pub fn enqueue(
    conn: &mut crate::db::AnyConnection,
    event_id: &str,
    options: ScheduleOptions,
    user_id: &str,
) -> Result<JobRow, AppError> {
    if jobs::job_in_progress(conn, SCHEDULE_EVENT, event_id)? {
        return Err(AppError::conflict(
            ErrorCode::JobInProgress,
            "this event is being scheduled already; follow that job",
        ));
    }
    let job = JobRow {
        id: uuid::Uuid::new_v4().to_string(),
        kind: SCHEDULE_EVENT.into(),
        event_id: Some(event_id.to_owned()),
        status: JobStatus::Queued,
        progress: 0,
        stage: "queued".into(),
        parameters: serde_json::to_string(&options).unwrap_or_default(),
        result: None,
        error: None,
        created_by: user_id.to_owned(),
        created_at: now(),
        finished_at: None,
    };
    jobs::insert_job(conn, &job)?;
    Ok(job)
}

/// Runs a queued job on its own thread.
pub fn spawn(db: Db, must_meet_factor: f64, job: JobRow) -> Result<(), AppError> {
    let options: ScheduleOptions = serde_json::from_str(&job.parameters).unwrap_or_default();
    std::thread::Builder::new()
        .name("schedule-job".into())
        .spawn(move || {
            let outcome = run(&db, &job, options, must_meet_factor)
                .and_then(|s| serde_json::to_string(&s).map_err(|e| AppError::Internal(e.into())))
                .map_err(|e| {
                    tracing::warn!(job = %job.id, error = %e, "scheduling job failed");
                    e.to_string()
                });
            let finished = db
                .get()
                .and_then(|mut conn| Ok(jobs::finish_job(&mut conn, &job.id, outcome, now())?));
            if let Err(e) = finished {
                tracing::error!(job = %job.id, error = %e, "could not record the end of a job");
            }
        })
        .map(drop)
        .map_err(|e| AppError::Internal(e.into()))
}

fn progress(db: &Db, job: &str, percent: i32, stage: &str) -> Result<(), AppError> {
    let mut conn = db.get()?;
    Ok(jobs::set_job_progress(&mut conn, job, percent, stage)?)
}

fn run(
    db: &Db,
    job: &JobRow,
    options: ScheduleOptions,
    must_meet_factor: f64,
) -> Result<ScheduleSummary, AppError> {
    let started = Instant::now();
    let event_id = job.event_id.clone().unwrap_or_default();
    progress(db, &job.id, 10, "loading")?;
    let mut conn = db.get()?;
    write_transaction(&mut conn, |conn| {
        let data = EventData::load(conn, &event_id)?;
        expire_due(conn, &data)
    })?;
    let data = EventData::load(&mut conn, &event_id)?;
    progress(db, &job.id, 30, "solving")?;
    let problem = stored_problem(&mut conn, &data, options.full, must_meet_factor)?;
    drop(conn);
    let schedule = problem.solve(options.full);
    let problems = validate(&problem.instance, &schedule);
    progress(db, &job.id, 80, "saving")?;
    let mut conn = db.get()?;
    let mut summary = write_transaction(&mut conn, |conn| {
        apply_schedule(conn, &data, &problem, &schedule, options.confirm)
    })?;
    summary.problems = problems;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
