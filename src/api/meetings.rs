//! Scheduling jobs, the staff grid, meetings and their outcomes, personal agendas and calendars.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use crate::auth::AuthenticatedUser;
use crate::error::{AppError, ErrorBody};
use crate::meetings::ics;
use crate::meetings::jobs::ScheduleOptions;
use crate::services::meetings::{
    Agenda, AgendaQuery, Grid, Job, Meeting, MeetingChange, Outcome, ZoneQuery, asked_zone, cancel,
    change_meeting, job_view, meeting_view, meetings_of_user, save_outcome, staff_grid,
    start_scheduling, visible_job, visible_meeting,
};
use crate::state::AppState;

pub fn config(cfg: &mut ServiceConfig) {
    cfg.service(schedule_event)
        .service(get_job)
        .service(event_meetings)
        .service(get_meeting)
        .service(update_meeting)
        .service(cancel_meeting)
        .service(record_outcome)
        .service(meeting_calendar)
        .service(agenda);
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = ScheduleOptions, responses(
    (status = 202, body = Job), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody),
))]
#[post("/events/{id}/schedule")]
async fn schedule_event(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<ScheduleOptions>,
) -> Result<HttpResponse, AppError> {
    let job = start_scheduling(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/jobs/{}", job.id)))
        .json(job_view(job)))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Job), (status = 404, body = ErrorBody),
))]
#[get("/jobs/{id}")]
async fn get_job(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Job>, AppError> {
    let id = id.into_inner();
    let job = state
        .db
        .run(move |conn| visible_job(conn, &user, &id))
        .await?;
    Ok(web::Json(job))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(ZoneQuery), responses(
    (status = 200, body = Meeting), (status = 404, body = ErrorBody),
))]
#[get("/meetings/{id}")]
async fn get_meeting(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    query: web::Query<ZoneQuery>,
) -> Result<web::Json<Meeting>, AppError> {
    let id = id.into_inner();
    let zone = asked_zone(query.into_inner())?;
    let view = state
        .db
        .run(move |conn| {
            let (data, request, meeting) = visible_meeting(conn, &user, &id)?;
            Ok(meeting_view(
                &data,
                &user,
                &request,
                &meeting,
                zone.as_deref(),
            ))
        })
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = MeetingChange, responses(
    (status = 200, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[patch("/meetings/{id}")]
async fn update_meeting(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<MeetingChange>,
) -> Result<web::Json<Meeting>, AppError> {
    let view = change_meeting(&state, user, id.into_inner(), body.0).await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Meeting), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
))]
#[delete("/meetings/{id}")]
async fn cancel_meeting(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Meeting>, AppError> {
    let id = id.into_inner();
    let view = state.db.write(move |conn| cancel(conn, &user, &id)).await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), request_body = Outcome, responses(
    (status = 200, body = Meeting), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    (status = 422, body = ErrorBody),
))]
#[put("/meetings/{id}/outcome")]
async fn record_outcome(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
    body: JsonBody<Outcome>,
) -> Result<web::Json<Meeting>, AppError> {
    let id = id.into_inner();
    let outcome = body.0;
    let view = state
        .db
        .write(move |conn| save_outcome(conn, &user, &id, &outcome))
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, description = "The meeting as an iCalendar invitation, or a cancellation", content_type = "text/calendar"),
    (status = 404, body = ErrorBody),
))]
#[get("/meetings/{id}/calendar.ics")]
async fn meeting_calendar(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let text = state
        .db
        .run(move |conn| {
            let (data, request, meeting) = visible_meeting(conn, &user, &id)?;
            Ok(ics::single(&data.calendar_entry(&request, &meeting)))
        })
        .await?;
    Ok(crate::download::calendar(text))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), responses(
    (status = 200, body = Grid), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
))]
#[get("/events/{id}/meetings")]
async fn event_meetings(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    id: web::Path<String>,
) -> Result<web::Json<Grid>, AppError> {
    let event_id = id.into_inner();
    let grid = state
        .db
        .run(move |conn| staff_grid(conn, &user, &event_id))
        .await?;
    Ok(web::Json(grid))
}

#[utoipa::path(tag = "meetings", security(("bearer" = [])), params(AgendaQuery), responses(
    (status = 200, body = Agenda), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
))]
#[get("/me/agenda")]
async fn agenda(
    state: web::Data<AppState>,
    user: AuthenticatedUser,
    query: web::Query<AgendaQuery>,
) -> Result<web::Json<Agenda>, AppError> {
    let query = query.into_inner();
    let zone = asked_zone(ZoneQuery { tz: query.tz })?;
    let include_cancelled = query.include_cancelled;
    let agenda = state
        .db
        .run(move |conn| {
            let meetings = meetings_of_user(conn, &user)?
                .iter()
                .filter(|(_, _, m)| include_cancelled || !m.is_cancelled())
                .map(|(data, request, meeting)| {
                    meeting_view(data, &user, request, meeting, zone.as_deref())
                })
                .collect();
            Ok(Agenda { meetings })
        })
        .await?;
    Ok(web::Json(agenda))
}
