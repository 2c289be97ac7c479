//! Scheduling jobs, the staff grid, meetings and their outcomes, personal agendas and calendars.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::deals;
use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::deal::{DealSource, DealStage};
use crate::domain::outcome::{Attendance, FollowUp};
use crate::domain::status::{JobStatus, MeetingStatus, RequestStatus};
use crate::domain::text;
use crate::domain::{Currency, Money};
use crate::error::{AppError, ErrorCode};
use crate::meetings::ics;
use crate::meetings::jobs::{self, ScheduleOptions};
use crate::meetings::plan::{EventSlot, slots};
use crate::meetings::service::{
    EventData, ScheduleSummary, cancel_request, notify_parties, stored_problem,
};
use crate::meetings::time::{in_zone, stored_zone, time_zone, to_utc, utc};
use crate::models::event as event_rows;
use crate::models::job as jobs_rows;
pub use crate::models::job::JobRow;
pub use crate::models::meeting::MeetingRow;
use crate::models::meeting::{self as rows, RequestRow};
use crate::models::project as project_rows;
use crate::notify::Notification;
use crate::notify::kinds::{MeetingRef, OutcomeFacts, OutcomeNotice};
use crate::scheduling::{Violation, violations};
use crate::state::AppState;

/// A background job.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub event_id: Option<String>,
    pub status: JobStatus,
    /// 0 to 100.
    pub progress: i32,
    /// queued, loading, solving, saving or done.
    pub stage: String,
    /// What the run did, once it succeeded.
    pub result: Option<ScheduleSummary>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

pub fn job_view(row: JobRow) -> Job {
    Job {
        result: row
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        id: row.id,
        kind: row.kind,
        event_id: row.event_id,
        status: row.status,
        progress: row.progress,
        stage: row.stage,
        error: row.error,
        created_at: utc(row.created_at),
        finished_at: row.finished_at.map(utc),
    }
}

/// A job as its viewer may follow it: staff see every job, others only their own.
pub(crate) fn visible_job(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Job, AppError> {
    jobs_rows::find_job(conn, id)?
        .filter(|j| policy::oversees_programme(user) || j.created_by == user.id)
        .map(job_view)
        .ok_or_else(|| AppError::not_found("job"))
}

/// A venue as a meeting shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingVenue {
    pub id: String,
    pub name: String,
    pub city: String,
    pub time_zone: String,
}

/// A time span in one time zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct Span {
    pub time_zone: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

fn span(starts_at: NaiveDateTime, ends_at: NaiveDateTime, zone: &str) -> Span {
    let tz = stored_zone(zone);
    Span {
        time_zone: tz.name().to_owned(),
        starts_at: in_zone(starts_at, tz),
        ends_at: in_zone(ends_at, tz),
    }
}

/// What came of a meeting; notes are seen only by its parties and staff.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub attendance: Attendance,
    pub notes: Option<String>,
    pub follow_up: Option<FollowUp>,
}

/// A meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Meeting {
    pub id: String,
    pub event_id: String,
    pub event_name: String,
    pub request_id: String,
    pub status: MeetingStatus,
    /// The calendar UID; stays the same for the meeting's whole life.
    pub uid: String,
    /// The calendar SEQUENCE: grows with every change.
    pub sequence: i32,
    /// table (one-to-one) or room (delegation).
    pub place: &'static str,
    pub seat: i32,
    pub venue: MeetingVenue,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// At the venue.
    pub venue_time: Span,
    /// In the viewer's time zone.
    pub your_time: Span,
    pub investor: String,
    pub host: String,
    /// For a delegation: its regions, all of whom attend.
    pub delegation_regions: Vec<String>,
    pub message: String,
    pub project_id: Option<String>,
    pub outcome: Option<Outcome>,
}

fn outcome_of(m: &MeetingRow) -> Option<Outcome> {
    let attendance = m.attendance.as_deref()?.parse().ok()?;
    let follow_up = m
        .follow_up
        .as_deref()
        .and_then(|s| s.parse().ok())
        .map(|stage| FollowUp {
            stage,
            amount: match (m.follow_up_amount_minor, m.follow_up_currency.as_deref()) {
                (Some(minor), Some(code)) => Currency::parse(code)
                    .ok()
                    .map(|c| Money::from_minor(minor, c).to_json()),
                _ => None,
            },
        });
    Some(Outcome {
        attendance,
        notes: m.notes.clone(),
        follow_up,
    })
}

/// The time zone a viewer sees a meeting in: the one asked for, else the time zone of the
/// viewer's side, else the venue's.
fn viewer_zone(
    data: &EventData,
    user: &AuthenticatedUser,
    request: &RequestRow,
    venue_zone: &str,
    asked: Option<&str>,
) -> String {
    if let Some(zone) = asked {
        return zone.to_owned();
    }
    [
        &request.investor_participant_id,
        &request.host_participant_id,
    ]
    .iter()
    .filter_map(|id| data.participant(id))
    .find(|p| data.acts_for(user, p))
    .map_or_else(|| venue_zone.to_owned(), |p| p.row.time_zone.clone())
}

pub(crate) fn meeting_view(
    data: &EventData,
    user: &AuthenticatedUser,
    request: &RequestRow,
    m: &MeetingRow,
    asked_zone: Option<&str>,
) -> Meeting {
    let venue = data.plan.venues.iter().find(|v| v.id == m.venue_id);
    let venue_zone = venue.map_or("UTC", |v| v.time_zone.as_str());
    let zone = viewer_zone(data, user, request, venue_zone, asked_zone);
    let host = data.participant(&request.host_participant_id);
    Meeting {
        id: m.id.clone(),
        event_id: m.event_id.clone(),
        event_name: data.plan.event.name.clone(),
        request_id: m.request_id.clone(),
        status: m.status,
        uid: ics::uid(&m.id),
        sequence: m.sequence,
        place: if m.is_group { "room" } else { "table" },
        seat: m.seat,
        venue: MeetingVenue {
            id: m.venue_id.clone(),
            name: venue.map(|v| v.name.clone()).unwrap_or_default(),
            city: venue.map(|v| v.city.clone()).unwrap_or_default(),
            time_zone: venue_zone.to_owned(),
        },
        starts_at: utc(m.starts_at),
        ends_at: utc(m.ends_at),
        venue_time: span(m.starts_at, m.ends_at, venue_zone),
        your_time: span(m.starts_at, m.ends_at, &zone),
        investor: data
            .participant(&request.investor_participant_id)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        host: host.map(|p| p.name.clone()).unwrap_or_default(),
        delegation_regions: host
            .and_then(|p| p.row.delegation_id.as_deref())
            .and_then(|d| data.delegation(d))
            .map(|d| d.regions.clone())
            .unwrap_or_default(),
        message: request.message.clone(),
        project_id: request.project_id.clone(),
        outcome: outcome_of(m),
    }
}

/// Loads a meeting the caller may see (its parties and staff), with its request and event.
pub(crate) fn visible_meeting(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<(EventData, RequestRow, MeetingRow), AppError> {
    let meeting = rows::find_meeting(conn, id)?.ok_or_else(|| AppError::not_found("meeting"))?;
    let request = rows::find_request(conn, &meeting.request_id)?
        .ok_or_else(|| AppError::not_found("meeting"))?;
    let data = EventData::load(conn, &meeting.event_id)?;
    if !data.may_see(user, &request) {
        return Err(AppError::not_found("meeting"));
    }
    Ok((data, request, meeting))
}

/// The viewer's time zone, when given.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ZoneQuery {
    /// IANA time zone to show times in.
    pub tz: Option<String>,
}

pub fn asked_zone(query: ZoneQuery) -> Result<Option<String>, AppError> {
    query
        .tz
        .map(|z| time_zone("tz", &z).map(|tz| tz.name().to_owned()))
        .transpose()
}

/// A staff change to a meeting: confirm it, or move it (venue-local start, venue, table or room).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingChange {
    /// `confirmed` keeps the meeting where it is through later scheduling runs.
    pub status: Option<String>,
    /// The new start, in the venue's local time.
    #[schema(value_type = Option<String>, example = "2026-12-08T10:00")]
    #[serde(default, deserialize_with = "crate::meetings::time::optional_local")]
    pub starts_at: Option<NaiveDateTime>,
    pub venue_id: Option<String>,
    pub seat: Option<i32>,
}

/// Where a change would put a meeting, and what it would break there: the move is made only
/// when `broken` is empty and the seat is a real one.
pub(crate) struct Placement {
    pub(crate) venue_id: String,
    pub(crate) seat: i32,
    /// The slot the meeting would take.
    pub(crate) slot: EventSlot,
    /// The constraints broken by the move that were not broken before it.
    pub(crate) broken: Vec<Violation>,
    /// The event's slots, by the index the violations name them with.
    pub(crate) slots: Vec<EventSlot>,
}

/// Checks a change of time or place of a meeting against the whole schedule, with the
/// independent validator; pages use it to say in their own words why a move was refused.
pub(crate) fn placement(
    conn: &mut AnyConnection,
    data: &EventData,
    meeting: &MeetingRow,
    change: &MeetingChange,
    factor: f64,
) -> Result<Placement, AppError> {
    let venue_id = change
        .venue_id
        .clone()
        .unwrap_or_else(|| meeting.venue_id.clone());
    let venue = data
        .plan
        .venues
        .iter()
        .position(|v| v.id == venue_id)
        .ok_or_else(|| AppError::validation("venue_id", "is not a venue of this event"))?;
    let starts_at = match change.starts_at {
        Some(local) => to_utc(
            "starts_at",
            local,
            stored_zone(&data.plan.venues[venue].time_zone),
        )?,
        None => meeting.starts_at,
    };
    let seat = change.seat.unwrap_or(meeting.seat);
    let problem = stored_problem(conn, data, true, factor)?;
    let slot = problem
        .slots
        .binary_search_by_key(&starts_at, |s| s.starts_at)
        .map_err(|_| {
            AppError::validation("starts_at", "is not the start of a slot of this event")
        })?;
    let index = problem
        .requests
        .iter()
        .position(|r| r.id == meeting.request_id)
        .ok_or_else(|| {
            AppError::conflict(
                ErrorCode::RequestNotOpen,
                "the meeting's request is no longer accepted",
            )
        })?;
    let mut before = problem.current.clone();
    let placed: Vec<u32> = before.assignments.iter().map(|a| a.request).collect();
    before.unplaced = (0..problem.requests.len() as u32)
        .filter(|r| !placed.contains(r))
        .map(|request| crate::scheduling::Unplaced {
            request,
            reason: crate::scheduling::instance::Reason::Capacity,
        })
        .collect();
    let mut after = before.clone();
    after.assignments.retain(|a| a.request != index as u32);
    after.assignments.push(crate::scheduling::Assignment {
        request: index as u32,
        slot: slot as u32,
        venue: venue as u32,
        seat: (seat - 1).max(0) as u32,
    });
    let known = violations(&problem.instance, &before);
    let broken = violations(&problem.instance, &after)
        .into_iter()
        .filter(|e| !known.contains(e))
        .collect();
    Ok(Placement {
        venue_id,
        seat,
        slot: problem.slots[slot].clone(),
        broken,
        slots: problem.slots,
    })
}

/// Moves a meeting when the whole schedule stays valid; the validator names what would break.
#[tracing::instrument(skip_all)]
pub fn move_meeting(
    conn: &mut AnyConnection,
    data: &EventData,
    meeting: &mut MeetingRow,
    change: &MeetingChange,
    factor: f64,
) -> Result<(), AppError> {
    let placed = placement(conn, data, meeting, change, factor)?;
    if placed.seat < 1 || !placed.broken.is_empty() {
        let broken: Vec<String> = placed.broken.iter().map(ToString::to_string).collect();
        return Err(AppError::conflict(
            ErrorCode::MeetingDoesNotFit,
            format!("the meeting does not fit there: {}", broken.join("; ")),
        ));
    }
    meeting.starts_at = placed.slot.starts_at;
    meeting.ends_at = placed.slot.ends_at;
    meeting.venue_id = placed.venue_id;
    meeting.seat = placed.seat;
    Ok(())
}

/// Cancels a meeting the user may see, with its request; the parties are told.
pub(crate) fn cancel(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Meeting, AppError> {
    let (data, mut request, meeting) = visible_meeting(conn, user, id)?;
    if meeting.is_cancelled() {
        return Err(AppError::conflict(
            ErrorCode::MeetingCancelled,
            "this meeting is cancelled already",
        ));
    }
    cancel_request(conn, &data, &mut request, &user.id, None)?;
    let meeting = rows::find_meeting(conn, id)?.ok_or_else(|| AppError::not_found("meeting"))?;
    Ok(meeting_view(&data, user, &request, &meeting, None))
}

/// Records what came of a meeting for one of its parties or staff, and tells the parties; the
/// API and the outcome page both record through here.
pub(crate) fn save_outcome(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    outcome: &Outcome,
) -> Result<Meeting, AppError> {
    let notes = outcome
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| text::within("notes", n, text::LONG_TEXT))
        .transpose()?;
    if outcome.attendance == Attendance::NoShow && outcome.follow_up.is_some() {
        return Err(AppError::validation(
            "follow_up",
            "a meeting nobody came to has no follow-up",
        ));
    }
    let amount = outcome
        .follow_up
        .as_ref()
        .and_then(|f| f.amount.as_ref())
        .map(|a| Money::from_json(a).map_err(|e| AppError::validation("follow_up.amount", e)))
        .transpose()?;
    if amount.is_some_and(|a| a.minor() < 0) {
        return Err(AppError::validation(
            "follow_up.amount",
            "must not be negative",
        ));
    }
    let (data, request, mut meeting) = visible_meeting(conn, user, id)?;
    if meeting.is_cancelled() {
        return Err(AppError::conflict(
            ErrorCode::MeetingCancelled,
            "this meeting was cancelled",
        ));
    }
    if meeting.ends_at > now() {
        return Err(AppError::conflict(
            ErrorCode::MeetingNotOver,
            "the meeting has not ended yet",
        ));
    }
    meeting.attendance = Some(outcome.attendance.as_ref().to_owned());
    meeting.notes = notes;
    meeting.follow_up = outcome
        .follow_up
        .as_ref()
        .map(|f| f.stage.as_ref().to_owned());
    meeting.follow_up_amount_minor = amount.map(Money::minor);
    meeting.follow_up_currency = amount.map(|a| a.currency().code().to_owned());
    meeting.outcome_by = Some(user.id.clone());
    meeting.outcome_at = Some(now());
    meeting.updated_at = now();
    rows::update_meeting(conn, &meeting)?;
    if let Some(follow_up) = &outcome.follow_up {
        follow_deal(
            conn,
            &data,
            &request,
            &meeting,
            follow_up.stage.into(),
            amount,
        )?;
    }
    // Notes stay with the parties and staff: the notice carries the outcome without them.
    let notice = OutcomeNotice {
        request: data.request_notice(&request),
        meeting: MeetingRef {
            id: meeting.id.clone(),
            starts_at: utc(meeting.starts_at),
        },
        outcome: OutcomeFacts {
            attendance: outcome.attendance,
            follow_up: outcome.follow_up.clone(),
        },
    };
    notify_parties(
        conn,
        &data,
        &request,
        &Notification::OutcomeRecorded(notice),
    )?;
    Ok(meeting_view(&data, user, &request, &meeting, None))
}

/// Moves the investor's deal about the meeting's project (or with the host region, for a meeting
/// about none) to the outcome's follow-up. A delegation's meeting about no project has no one
/// region to carry a deal: its outcome stays with the meeting.
fn follow_deal(
    conn: &mut AnyConnection,
    data: &EventData,
    request: &RequestRow,
    meeting: &MeetingRow,
    stage: DealStage,
    amount: Option<Money>,
) -> Result<(), AppError> {
    let party = |id: &str| data.participants.iter().find(|p| p.row.id == id);
    let Some(investor_id) =
        party(&request.investor_participant_id).and_then(|p| p.row.investor_id.clone())
    else {
        return Ok(());
    };
    let region = match &request.project_id {
        Some(project) => project_rows::find(conn, project)?.map(|p| p.region_code),
        None => party(&request.host_participant_id).and_then(|p| p.row.region_code.clone()),
    };
    let Some(region_code) = region else {
        return Ok(());
    };
    deals::advance(
        conn,
        deals::Move {
            investor_id: &investor_id,
            region_code: &region_code,
            project_id: request.project_id.as_deref(),
            stage,
            source: DealSource::Meeting,
            actor_id: meeting.outcome_by.as_deref(),
            meeting_id: Some(&meeting.id),
            amount,
        },
    )
}

/// One cell of the staff grid: a table or room in a slot, and its meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridMeeting {
    pub meeting_id: String,
    pub request_id: String,
    pub venue_id: String,
    /// table or room.
    pub place: &'static str,
    pub seat: i32,
    pub status: MeetingStatus,
    pub investor: String,
    pub host: String,
}

/// A slot of the staff grid, in venue time.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Start at each open venue, in its local time.
    pub venue_times: Vec<VenueTime>,
    pub meetings: Vec<GridMeeting>,
    /// Tables and rooms still free in this slot, across open venues.
    pub free_tables: i32,
    pub free_rooms: i32,
}

/// A slot's start at one venue.
#[derive(Debug, Serialize, ToSchema)]
pub struct VenueTime {
    pub venue_id: String,
    pub starts_at: DateTime<FixedOffset>,
}

/// The staff grid: every slot with its meetings by venue and table or room.
#[derive(Debug, Serialize, ToSchema)]
pub struct Grid {
    pub event_id: String,
    pub slots: Vec<GridSlot>,
    /// Accepted requests without a meeting.
    pub unscheduled_requests: usize,
    pub cancelled_meetings: usize,
}

/// The staff grid of an event; refused to anyone but programme staff.
pub(crate) fn staff_grid(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<Grid, AppError> {
    if !policy::oversees_programme(user) {
        return Err(AppError::Forbidden(
            "the grid is for programme staff; see your meetings at /api/v1/me/agenda".into(),
        ));
    }
    let data = EventData::load(conn, event_id)?;
    let slots = slots(&data.plan)?;
    let requests: HashMap<String, RequestRow> = rows::requests_of_event(conn, event_id, None)?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let meetings = rows::meetings_of_event(conn, Some(event_id))?;
    let name = |id: &str| {
        data.participant(id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let live: Vec<&MeetingRow> = meetings.iter().filter(|m| !m.is_cancelled()).collect();
    let scheduled: Vec<&str> = live.iter().map(|m| m.request_id.as_str()).collect();
    let grid_slots = slots
        .iter()
        .map(|s| {
            let here: Vec<GridMeeting> = live
                .iter()
                .filter(|m| m.starts_at == s.starts_at)
                .map(|m| {
                    let r = requests.get(&m.request_id);
                    GridMeeting {
                        meeting_id: m.id.clone(),
                        request_id: m.request_id.clone(),
                        venue_id: m.venue_id.clone(),
                        place: if m.is_group { "room" } else { "table" },
                        seat: m.seat,
                        status: m.status,
                        investor: r
                            .map(|r| name(&r.investor_participant_id))
                            .unwrap_or_default(),
                        host: r.map(|r| name(&r.host_participant_id)).unwrap_or_default(),
                    }
                })
                .collect();
            let open = s.venues.iter().map(|&v| &data.plan.venues[v as usize]);
            let (tables, rooms) = open
                .clone()
                .fold((0, 0), |(t, r), v| (t + v.tables, r + v.rooms));
            let groups = here.iter().filter(|m| m.place == "room").count() as i32;
            GridSlot {
                starts_at: utc(s.starts_at),
                ends_at: utc(s.ends_at),
                venue_times: open
                    .map(|v| VenueTime {
                        venue_id: v.id.clone(),
                        starts_at: in_zone(s.starts_at, stored_zone(&v.time_zone)),
                    })
                    .collect(),
                free_tables: tables - (here.len() as i32 - groups),
                free_rooms: rooms - groups,
                meetings: here,
            }
        })
        .collect();
    Ok(Grid {
        event_id: event_id.to_owned(),
        slots: grid_slots,
        unscheduled_requests: requests
            .values()
            .filter(|r| r.status == RequestStatus::Accepted && !scheduled.contains(&r.id.as_str()))
            .count(),
        cancelled_meetings: meetings.iter().filter(|m| m.is_cancelled()).count(),
    })
}

/// Every event participation the caller acts for: its investor's, its region's, and those of the
/// delegations it travels with or its region belongs to.
#[tracing::instrument(skip_all)]
pub fn participations(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<event_rows::ParticipantRow>, AppError> {
    let mut delegations = event_rows::delegations_of_member(conn, &user.id)?;
    if let Some(region) = &user.region_code {
        delegations.extend(event_rows::delegations_of_region(conn, region)?);
    }
    let investor = user
        .investor_id
        .as_deref()
        .filter(|_| policy::speaks_for_an_investor(user));
    let region = user
        .region_code
        .as_deref()
        .filter(|_| policy::speaks_for_a_region(user));
    Ok(event_rows::participant_rows_for(
        conn,
        investor,
        region,
        &delegations,
    )?)
}

/// Every meeting of the caller, cancelled ones included, with their events.
#[tracing::instrument(skip_all)]
pub fn meetings_of_user(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<(std::rc::Rc<EventData>, RequestRow, MeetingRow)>, AppError> {
    let participants: Vec<String> = participations(conn, user)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut events: HashMap<String, std::rc::Rc<EventData>> = HashMap::new();
    let mut out = Vec::new();
    for (meeting, request) in rows::meetings_of_participants(conn, &participants)? {
        let data = match events.get(&meeting.event_id) {
            Some(d) => d.clone(),
            None => {
                let d = std::rc::Rc::new(EventData::load(conn, &meeting.event_id)?);
                events.insert(meeting.event_id.clone(), d.clone());
                d
            }
        };
        out.push((data, request, meeting));
    }
    Ok(out)
}

/// The caller's meetings, in the caller's time zone with venue time alongside.
#[derive(Debug, Serialize, ToSchema)]
pub struct Agenda {
    pub meetings: Vec<Meeting>,
}

/// Agenda filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgendaQuery {
    /// IANA time zone to show times in (default: the time zone you registered with).
    pub tz: Option<String>,
    /// Include cancelled meetings.
    #[serde(default)]
    pub include_cancelled: bool,
}

/// Starts scheduling an event in the background (staff only); 409 while a run is under way.
#[tracing::instrument(skip_all, fields(event_id = %event_id))]
pub async fn start_scheduling(
    state: &AppState,
    user: AuthenticatedUser,
    event_id: String,
    options: ScheduleOptions,
) -> Result<JobRow, AppError> {
    policy::may(&user, Task::ScheduleMeetings)?;
    let job = state
        .db
        .write(move |conn| {
            event_rows::find_event(conn, &event_id)?.ok_or_else(|| AppError::not_found("event"))?;
            jobs::enqueue(conn, &event_id, options, &user.id)
        })
        .await?;
    jobs::spawn(
        state.db.clone(),
        state.settings.meetings.must_meet_factor,
        job.clone(),
    )?;
    Ok(job)
}

/// Confirms or moves a meeting (staff only); a move happens only when the validator finds the
/// whole schedule still sound, and both parties are told.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn change_meeting(
    state: &AppState,
    user: AuthenticatedUser,
    id: String,
    change: MeetingChange,
) -> Result<Meeting, AppError> {
    policy::may(&user, Task::ScheduleMeetings)?;
    let status = match change.status.as_deref().map(str::parse) {
        None => None,
        Some(Ok(status @ (MeetingStatus::Confirmed | MeetingStatus::Scheduled))) => Some(status),
        Some(_) => {
            return Err(AppError::validation(
                "status",
                "must be confirmed or scheduled",
            ));
        }
    };
    let factor = state.settings.meetings.must_meet_factor;
    state
        .db
        .write(move |conn| {
            let (data, request, mut meeting) = visible_meeting(conn, &user, &id)?;
            if meeting.is_cancelled() {
                return Err(AppError::conflict(
                    ErrorCode::MeetingCancelled,
                    "this meeting is cancelled",
                ));
            }
            let moves =
                change.starts_at.is_some() || change.venue_id.is_some() || change.seat.is_some();
            if moves {
                move_meeting(conn, &data, &mut meeting, &change, factor)?;
            }
            if let Some(status) = status {
                meeting.status = status;
            }
            meeting.sequence += 1;
            meeting.updated_at = now();
            rows::update_meeting(conn, &meeting)?;
            let kind = if moves {
                Notification::MeetingMoved
            } else {
                Notification::MeetingConfirmed
            };
            notify_parties(
                conn,
                &data,
                &request,
                &kind(data.meeting_notice(&request, &meeting)),
            )?;
            Ok(meeting_view(&data, &user, &request, &meeting, None))
        })
        .await
}

/// The event's latest scheduling run in one of `statuses`, if there is one.
pub fn latest_scheduling_run(
    conn: &mut AnyConnection,
    event_id: &str,
    statuses: &[JobStatus],
) -> Result<Option<JobRow>, AppError> {
    Ok(jobs_rows::latest_job(
        conn,
        jobs::SCHEDULE_EVENT,
        event_id,
        statuses,
    )?)
}

/// A meeting of the event; one of another event is not found.
pub fn meeting_at_event(
    conn: &mut AnyConnection,
    event_id: &str,
    meeting_id: &str,
) -> Result<MeetingRow, AppError> {
    rows::find_meeting(conn, meeting_id)?
        .filter(|m| m.event_id == event_id)
        .ok_or_else(|| AppError::not_found("meeting"))
}
