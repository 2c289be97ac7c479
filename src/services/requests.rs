//! Meeting requests between investors and regions or delegations: asking, introductions by
//! staff, accepting, declining, cancelling and expiry.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::status::RequestStatus;
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::meetings::plan::priority;
use crate::meetings::service::{
    EventData, accept, best_hosts, cancel_request, decline, expire_due, insert_request,
};
use crate::meetings::time::{in_zone, stored_zone, utc};
use crate::models::event as event_rows;
use crate::models::meeting::{self as rows, RequestRow};
use crate::services::meetings::participations;
use crate::state::AppState;
use crate::throttle::Limit;

/// A request for a meeting. The caller's side follows from who it acts for; staff asking make
/// it an introduction both sides must accept.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// The investor's participant id at this event.
    pub investor: String,
    /// The region's or delegation's participant id at this event.
    pub host: String,
    #[serde(default)]
    pub message: String,
    /// A published project of the host's regions the meeting is about.
    pub project_id: Option<String>,
    /// Up to three slot starts the asker would rather meet in (the scheduler tries them first).
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["2026-12-08T09:00:00+08:00"]))]
    pub preferred: Vec<DateTime<FixedOffset>>,
}

/// One side of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct Side {
    pub participant_id: String,
    pub name: String,
    pub accepted: bool,
}

/// A meeting request.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingRequest {
    pub id: String,
    pub event_id: String,
    pub investor: Side,
    pub host: Side,
    pub project_id: Option<String>,
    /// investor, host or staff (an introduction).
    pub origin: String,
    pub message: String,
    pub status: RequestStatus,
    pub reason: Option<String>,
    /// The investor marked one of the host's projects must-meet.
    pub must_meet: bool,
    /// Match score of the pair (0 to 1).
    pub score: f64,
    /// What the scheduler maximises: score × must-meet factor.
    pub priority: f64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The slot starts the asker would rather meet in.
    pub preferred: Vec<DateTime<Utc>>,
}

pub fn request_view(data: &EventData, r: &RequestRow, factor: f64) -> MeetingRequest {
    let side = |id: &str, accepted: bool| Side {
        participant_id: id.to_owned(),
        name: data
            .participant(id)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        accepted,
    };
    MeetingRequest {
        id: r.id.clone(),
        event_id: r.event_id.clone(),
        investor: side(&r.investor_participant_id, r.investor_accepted),
        host: side(&r.host_participant_id, r.host_accepted),
        project_id: r.project_id.clone(),
        origin: r.origin.clone(),
        message: r.message.clone(),
        status: r.status,
        reason: r.reason.clone(),
        must_meet: r.must_meet,
        score: (r.score * 1000.0).round() / 1000.0,
        priority: (priority(r, factor) * 1000.0).round() / 1000.0,
        created_at: utc(r.created_at),
        expires_at: utc(r.expires_at),
        decided_at: r.decided_at.map(utc),
        preferred: r.preferred().into_iter().map(utc).collect(),
    }
}

/// Asks for a meeting at an event: the caller's side follows from who it acts for, and staff
/// asking make it an introduction both sides must accept. Each request counts against the
/// caller's message limit, checked before any database work.
pub async fn request_meeting(
    state: &AppState,
    user: AuthenticatedUser,
    event_id: String,
    input: RequestInput,
) -> Result<MeetingRequest, AppError> {
    counted_request(state, user, event_id, move |_, _| Ok(input)).await
}

/// The caller asks another participant of one of its events for a meeting, as its own
/// participant there: an investor asks a region or delegation, a region or delegation asks an
/// investor (the agenda's, the directory's and the opportunity page's "ask"); it counts as
/// `request_meeting` does.
pub async fn ask(
    state: &AppState,
    user: AuthenticatedUser,
    event_id: String,
    with: String,
    message: String,
    project_id: Option<String>,
    preferred: Vec<DateTime<FixedOffset>>,
) -> Result<MeetingRequest, AppError> {
    counted_request(state, user, event_id, move |data, user| {
        // The caller's participant on the other side from `with` (an official may speak for
        // its region and for a delegation).
        let with_investor = data
            .participant(&with)
            .is_some_and(|p| p.row.kind == "investor");
        let mine = data.mine(user);
        if mine.is_empty() {
            return Err(AppError::Forbidden(
                "you are not registered for this event".into(),
            ));
        }
        let mine = mine
            .into_iter()
            .find(|p| (p.row.kind == "investor") != with_investor)
            .ok_or_else(|| {
                AppError::validation("with", "is not a participant on the other side from you")
            })?;
        let me = mine.row.id.clone();
        let (investor, host) = if mine.row.kind == "investor" {
            (me, with)
        } else {
            (with, me)
        };
        Ok(RequestInput {
            investor,
            host,
            message,
            project_id,
            preferred,
        })
    })
    .await
}

/// A request at `event_id` by `user`, counted against the message limit before the write
/// transaction opens; `asked` says what is asked once the event is loaded.
async fn counted_request(
    state: &AppState,
    user: AuthenticatedUser,
    event_id: String,
    asked: impl FnOnce(&EventData, &AuthenticatedUser) -> Result<RequestInput, AppError>
    + Send
    + 'static,
) -> Result<MeetingRequest, AppError> {
    state.throttle.check(Limit::Messages, &user.id)?;
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let data = EventData::load(conn, &event_id)?;
            let input = asked(&data, &user)?;
            new_request(conn, &app, &user, &data, &input)
        })
        .await
}

/// A new request at the event `data` holds, by `user`.
fn new_request(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    data: &EventData,
    input: &RequestInput,
) -> Result<MeetingRequest, AppError> {
    let investor = data
        .participant(&input.investor)
        .filter(|p| p.row.kind == "investor")
        .ok_or_else(|| {
            AppError::validation("investor", "is not an investor registered for this event")
        })?;
    let host = data
        .participant(&input.host)
        .filter(|p| p.row.kind != "investor")
        .ok_or_else(|| {
            AppError::validation(
                "host",
                "is not a region or delegation registered for this event",
            )
        })?;
    let origin = if data.acts_for(user, investor) {
        "investor"
    } else if data.acts_for(user, host) {
        "host"
    } else if policy::oversees_programme(user) {
        "staff"
    } else {
        return Err(AppError::Forbidden(
            "you act for neither side of this request".into(),
        ));
    };
    if origin != "staff" && now() > data.plan.event.request_deadline {
        return Err(AppError::conflict(
            ErrorCode::RequestsClosed,
            "the event no longer takes requests",
        ));
    }
    let row = insert_request(
        conn,
        &state.matchmaker,
        data,
        (investor, host),
        input,
        origin,
        &user.id,
    )?;
    Ok(request_view(
        data,
        &row,
        state.settings.meetings.must_meet_factor,
    ))
}

/// A request of the caller's side, as its inbox shows it.
pub struct AwaitingAnswer {
    pub id: String,
    pub event: String,
    /// The other side, by name.
    pub with: String,
    pub message: String,
    pub status: RequestStatus,
    /// The reason the other side gave when it declined or withdrew.
    pub reason: Option<String>,
    /// When a pending request lapses unanswered.
    pub expires_at: DateTime<Utc>,
    /// The times the asker would rather meet in, in `time_zone`.
    pub preferred: Vec<DateTime<FixedOffset>>,
    /// The viewer's side's time zone at the event.
    pub time_zone: String,
}

/// The caller's requests: those its side has still to answer (pending), and those it has
/// answered or sent, in whatever state they are now.
pub struct Inbox {
    pub received: Vec<AwaitingAnswer>,
    pub sent: Vec<AwaitingAnswer>,
}

/// The requests of the caller's events that involve its side.
#[tracing::instrument(skip_all)]
pub(crate) fn inbox(conn: &mut AnyConnection, user: &AuthenticatedUser) -> Result<Inbox, AppError> {
    let mine = participations(conn, user)?;
    let mut events: Vec<&str> = mine.iter().map(|p| p.event_id.as_str()).collect();
    events.sort_unstable();
    events.dedup();
    let at = now();
    let mut inbox = Inbox {
        received: Vec::new(),
        sent: Vec::new(),
    };
    for event in events {
        let data = EventData::load(conn, event)?;
        let ids: Vec<String> = mine
            .iter()
            .filter(|p| p.event_id == event)
            .map(|p| p.id.clone())
            .collect();
        let time_zone = mine
            .iter()
            .find(|p| p.event_id == event)
            .map_or_else(|| "UTC".to_owned(), |p| p.time_zone.clone());
        let zone = stored_zone(&time_zone);
        for r in rows::requests_of_event(conn, event, Some(&ids))? {
            let ours_as_investor = ids.contains(&r.investor_participant_id);
            let unanswered = (ours_as_investor && !r.investor_accepted)
                || (ids.contains(&r.host_participant_id) && !r.host_accepted);
            let other = if ours_as_investor {
                &r.host_participant_id
            } else {
                &r.investor_participant_id
            };
            let line = AwaitingAnswer {
                id: r.id.clone(),
                event: data.plan.event.name.clone(),
                with: data
                    .participant(other)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                message: r.message.clone(),
                // A pending request past its expiry has lapsed, though the job has yet to mark it.
                status: if r.status == RequestStatus::Pending && r.expires_at <= at {
                    RequestStatus::Expired
                } else {
                    r.status
                },
                reason: r.reason.clone(),
                expires_at: utc(r.expires_at),
                preferred: r
                    .preferred()
                    .into_iter()
                    .map(|t| in_zone(t, zone))
                    .collect(),
                time_zone: time_zone.clone(),
            };
            if r.status == RequestStatus::Pending && unanswered && r.expires_at > at {
                inbox.received.push(line);
            } else {
                inbox.sent.push(line);
            }
        }
    }
    Ok(inbox)
}

/// A region or delegation the investor may ask for a meeting.
pub struct HostToAsk {
    pub event_id: String,
    pub event: String,
    pub participant_id: String,
    pub name: String,
    /// Whether the investor has an open request with it already.
    pub requested: bool,
}

/// The regions and delegations of the investor's events (none for anyone else).
#[tracing::instrument(skip_all)]
pub(crate) fn hosts_to_ask(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<HostToAsk>, AppError> {
    let Some(investor) = user.investor_id.as_deref() else {
        return Ok(Vec::new());
    };
    let mut hosts = Vec::new();
    for mine in event_rows::participant_rows_for(conn, Some(investor), None, &[])? {
        let data = EventData::load(conn, &mine.event_id)?;
        for host in data
            .participants
            .iter()
            .filter(|p| p.row.kind != "investor")
        {
            hosts.push(HostToAsk {
                event_id: data.plan.event.id.clone(),
                event: data.plan.event.name.clone(),
                participant_id: host.row.id.clone(),
                name: host.name.clone(),
                requested: rows::open_request_exists(conn, &mine.id, &host.row.id)?,
            });
        }
    }
    Ok(hosts)
}

/// Where the investor may ask a region for a meeting (an opportunity's page): the region, or a
/// delegation that carries it, at the investor's events still taking requests. Reads only those
/// hosts, not the whole events.
#[tracing::instrument(skip_all)]
pub(crate) fn hosts_for_region(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    region_code: &str,
) -> Result<Vec<HostToAsk>, AppError> {
    let Some(investor) = user.investor_id.as_deref() else {
        return Ok(Vec::new());
    };
    // The investor's participant id at each of its events.
    let mine: HashMap<String, String> =
        event_rows::participant_rows_for(conn, Some(investor), None, &[])?
            .into_iter()
            .map(|p| (p.event_id, p.id))
            .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let delegations = event_rows::delegations_of_region(conn, region_code)?;
    let hosts: Vec<_> =
        event_rows::participant_rows_for(conn, None, Some(region_code), &delegations)?
            .into_iter()
            .filter(|host| mine.contains_key(&host.event_id))
            .collect();
    let events: Vec<String> = hosts.iter().map(|h| h.event_id.clone()).collect();
    let open: HashMap<String, String> = event_rows::events_taking_requests(conn, &events, now())?
        .into_iter()
        .collect();
    let mut found = Vec::new();
    for host in hosts {
        let (Some(event), Some(me)) = (open.get(&host.event_id), mine.get(&host.event_id)) else {
            continue;
        };
        let name = event_rows::participants(conn, &host.event_id, Some(&host.id))?
            .pop()
            .map(|p| p.name)
            .unwrap_or_default();
        found.push(HostToAsk {
            requested: rows::open_request_exists(conn, me, &host.id)?,
            event_id: host.event_id,
            event: event.clone(),
            participant_id: host.id,
            name,
        });
    }
    Ok(found)
}

/// Filters of the request list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    #[param(inline)]
    pub status: Option<RequestStatus>,
}

/// An event's requests the caller may see (staff all, others their sides'), expired ones
/// marked first; `status` keeps only those in it.
pub(crate) fn event_requests(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    status: Option<RequestStatus>,
    factor: f64,
) -> Result<Vec<MeetingRequest>, AppError> {
    let data = EventData::load(conn, event_id)?;
    expire_due(conn, &data)?;
    let mine: Vec<String> = data.mine(user).iter().map(|p| p.row.id.clone()).collect();
    let scope = (!policy::oversees_programme(user)).then_some(mine.as_slice());
    Ok(rows::requests_of_event(conn, event_id, scope)?
        .iter()
        .filter(|r| status.is_none_or(|s| r.status == s))
        .map(|r| request_view(&data, r, factor))
        .collect())
}

/// How staff pick introductions from the best matches.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroductionInput {
    /// Introductions per investor at most.
    #[serde(default = "default_per_investor")]
    pub per_investor: usize,
    /// Only pairs scoring at least this.
    #[serde(default = "default_min_score")]
    pub min_score: f64,
}

fn default_per_investor() -> usize {
    3
}

fn default_min_score() -> f64 {
    0.3
}

/// Staff introduce each investor of an event to its best-matching regions and delegations; both
/// sides of each introduction must accept it.
pub async fn introduce_best(
    state: &AppState,
    user: AuthenticatedUser,
    event_id: String,
    input: IntroductionInput,
) -> Result<Vec<MeetingRequest>, AppError> {
    policy::may(&user, Task::ProposeIntroductions)?;
    if !(1..=20).contains(&input.per_investor) {
        return Err(AppError::validation(
            "per_investor",
            "must be between 1 and 20",
        ));
    }
    if !(0.0..=1.0).contains(&input.min_score) {
        return Err(AppError::validation("min_score", "must be between 0 and 1"));
    }
    // A batch of introductions is one message from the caller, counted once.
    state.throttle.check(Limit::Messages, &user.id)?;
    let app = state.clone();
    state
        .db
        .write(move |conn| introduce_at(conn, &app, &user, &event_id, &input))
        .await
}

/// The introductions of `introduce_best`, made in one transaction.
fn introduce_at(
    conn: &mut AnyConnection,
    state: &AppState,
    user: &AuthenticatedUser,
    event_id: &str,
    input: &IntroductionInput,
) -> Result<Vec<MeetingRequest>, AppError> {
    let data = EventData::load(conn, event_id)?;
    let factor = state.settings.meetings.must_meet_factor;
    let mut created = Vec::new();
    let investors = data
        .participants
        .iter()
        .filter(|p| p.row.kind == "investor");
    for investor in investors {
        let best = best_hosts(
            conn,
            &state.matchmaker,
            &data,
            investor,
            input.per_investor,
            input.min_score,
        )?;
        for (score, host) in best {
            let request = RequestInput {
                investor: investor.row.id.clone(),
                host: host.row.id.clone(),
                message: format!(
                    "Introduced by the programme: a match score of {:.0}%.",
                    score * 100.0
                ),
                project_id: None,
                preferred: Vec::new(),
            };
            let row = insert_request(
                conn,
                &state.matchmaker,
                &data,
                (investor, host),
                &request,
                "staff",
                &user.id,
            )?;
            created.push(request_view(&data, &row, factor));
        }
    }
    Ok(created)
}

/// Loads a request the caller may see, with its event, expiring what is due first.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn visible_request(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<(EventData, RequestRow), AppError> {
    let request = rows::find_request(conn, id)?.ok_or_else(|| AppError::not_found("request"))?;
    let data = EventData::load(conn, &request.event_id)?;
    if !data.may_see(user, &request) {
        return Err(AppError::not_found("request"));
    }
    Ok((data, request))
}

/// A request as the caller sees it.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn request(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    factor: f64,
) -> Result<MeetingRequest, AppError> {
    let (data, request) = visible_request(conn, user, id)?;
    Ok(request_view(&data, &request, factor))
}

/// Accepts a pending request for the caller's side; once both sides have, it is scheduled
/// with the next run, and both are told.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn accept_request(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    factor: f64,
) -> Result<MeetingRequest, AppError> {
    let (data, mut request) = visible_request(conn, user, id)?;
    require_pending(&request)?;
    accept(conn, &data, &mut request, user)?;
    Ok(request_view(&data, &request, factor))
}

/// Declines a pending request, with a reason if one is given; both sides are told.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn decline_request(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    reason: ReasonInput,
    factor: f64,
) -> Result<MeetingRequest, AppError> {
    let reason = reason.checked()?;
    let (data, mut request) = visible_request(conn, user, id)?;
    require_pending(&request)?;
    decline(conn, &data, &mut request, &user.id, reason)?;
    Ok(request_view(&data, &request, factor))
}

/// Withdraws an open (pending or accepted) request and cancels its meeting, if any.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn withdraw_request(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
    reason: ReasonInput,
    factor: f64,
) -> Result<MeetingRequest, AppError> {
    let reason = reason.checked()?;
    let (data, mut request) = visible_request(conn, user, id)?;
    if !RequestStatus::OPEN.contains(&request.status) {
        return Err(AppError::conflict(
            ErrorCode::RequestNotOpen,
            format!("this request is {} already", request.status.name()),
        ));
    }
    cancel_request(conn, &data, &mut request, &user.id, reason)?;
    Ok(request_view(&data, &request, factor))
}

/// Refuses a request that is no longer waiting for an answer: expired or answered.
fn require_pending(request: &RequestRow) -> Result<(), AppError> {
    if request.status == RequestStatus::Pending && request.expires_at <= now() {
        return Err(AppError::conflict(
            ErrorCode::RequestExpired,
            "this request has expired",
        ));
    }
    if request.status != RequestStatus::Pending {
        return Err(AppError::conflict(
            ErrorCode::RequestNotPending,
            format!("this request is {} already", request.status.name()),
        ));
    }
    Ok(())
}

/// Why a request is declined or cancelled.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: Option<String>,
}

impl ReasonInput {
    /// The reason, trimmed and at most 1000 characters; none when empty.
    fn checked(self) -> Result<Option<String>, AppError> {
        Ok(self
            .reason
            .map(|r| text::within("reason", &r, text::REASON))
            .transpose()?
            .filter(|r| !r.is_empty()))
    }
}
