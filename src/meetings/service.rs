//! The operations on an event's participants, requests and meetings that the API and the
//! scheduling job share. Each runs inside the caller's transaction and records every change as a
//! notification in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::ics;
use super::plan::{EventSlot, Inputs, Problem, slots};
use super::time::{in_zone, stored_zone};
use crate::auth::AuthenticatedUser;
use crate::auth::policy;
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::project::Interest;
use crate::domain::status::{MeetingStatus, RequestStatus};
use crate::domain::text;
use crate::error::{AppError, ErrorCode};
use crate::matching::MatchFilter;
use crate::matchmaker::Matchmaker;
use crate::models::event::{self as event_rows, Delegation, EventPlan, Participant};
use crate::models::meeting::{self as meeting_rows, MeetingRow, RequestRow};
use crate::models::user;
use crate::models::{investor, matching, project};
use crate::notify::Notification;
use crate::notify::kinds::{
    EventRef, MeetingFacts, MeetingNotice, Party, Place, Reminder, ReminderNotice, RequestFacts,
    RequestNotice, VenueRef,
};
use crate::scheduling::instance::{Reason, Schedule};
use crate::services::requests::RequestInput;

/// An event with its participants and the delegations among them.
pub struct EventData {
    pub plan: EventPlan,
    pub participants: Vec<Participant>,
    pub delegations: Vec<Delegation>,
}

impl EventData {
    /// Loads an event; 404 when there is none.
    pub fn load(conn: &mut AnyConnection, event_id: &str) -> Result<Self, AppError> {
        let plan =
            event_rows::find_event(conn, event_id)?.ok_or_else(|| AppError::not_found("event"))?;
        let participants = event_rows::participants(conn, event_id, None)?;
        let ids: Vec<String> = participants
            .iter()
            .filter_map(|p| p.row.delegation_id.clone())
            .collect();
        let delegations = event_rows::delegations(conn, Some(&ids))?;
        Ok(EventData {
            plan,
            participants,
            delegations,
        })
    }

    pub fn participant(&self, id: &str) -> Option<&Participant> {
        self.participants.iter().find(|p| p.row.id == id)
    }

    pub fn delegation(&self, id: &str) -> Option<&Delegation> {
        self.delegations.iter().find(|d| d.row.id == id)
    }

    /// Whether the caller acts for the participant: its investor's users, its region's
    /// officials, a delegation's members and the officials of its regions.
    pub fn acts_for(&self, user: &AuthenticatedUser, p: &Participant) -> bool {
        if let Some(investor) = &p.row.investor_id {
            return user.belongs_to_investor(investor);
        }
        if let Some(region) = &p.row.region_code {
            return user.is_official_of(region);
        }
        p.row
            .delegation_id
            .as_deref()
            .and_then(|d| self.delegation(d))
            .is_some_and(|d| acts_for_delegation(user, d))
    }

    /// The regions a region or delegation participant stands for (none for an investor).
    pub fn regions_of(&self, p: &Participant) -> Vec<String> {
        match (&p.row.region_code, &p.row.delegation_id) {
            (Some(region), _) => vec![region.clone()],
            (None, Some(d)) => self
                .delegation(d)
                .map(|d| d.regions.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The participants the caller acts for.
    pub fn mine(&self, user: &AuthenticatedUser) -> Vec<&Participant> {
        self.participants
            .iter()
            .filter(|p| self.acts_for(user, p))
            .collect()
    }

    /// Whether the caller may see the request: staff and the parties.
    pub fn may_see(&self, user: &AuthenticatedUser, request: &RequestRow) -> bool {
        policy::oversees_programme(user)
            || [
                &request.investor_participant_id,
                &request.host_participant_id,
            ]
            .iter()
            .filter_map(|id| self.participant(id))
            .any(|p| self.acts_for(user, p))
    }

    /// The users told about a participant's requests and meetings.
    pub fn recipients(
        &self,
        conn: &mut AnyConnection,
        p: &Participant,
    ) -> Result<Vec<String>, AppError> {
        if let Some(investor) = &p.row.investor_id {
            return Ok(user::investor_users(conn, investor)?);
        }
        if let Some(region) = &p.row.region_code {
            return Ok(user::region_officials(conn, region)?);
        }
        let Some(d) = p
            .row
            .delegation_id
            .as_deref()
            .and_then(|d| self.delegation(d))
        else {
            return Ok(Vec::new());
        };
        let mut users = d.members.clone();
        for region in &d.regions {
            users.extend(user::region_officials(conn, region)?);
        }
        users.sort();
        users.dedup();
        Ok(users)
    }

    /// The users of the sides of a request that have not accepted it yet.
    pub fn awaiting_answer(
        &self,
        conn: &mut AnyConnection,
        request: &RequestRow,
    ) -> Result<Vec<String>, AppError> {
        let mut users = Vec::new();
        for (side, accepted) in [
            (&request.investor_participant_id, request.investor_accepted),
            (&request.host_participant_id, request.host_accepted),
        ] {
            if let Some(p) = self.participant(side).filter(|_| !accepted) {
                users.extend(self.recipients(conn, p)?);
            }
        }
        Ok(users)
    }

    /// Both parties' users of a request.
    fn parties_of(
        &self,
        conn: &mut AnyConnection,
        request: &RequestRow,
    ) -> Result<Vec<String>, AppError> {
        let mut users = Vec::new();
        for id in [
            &request.investor_participant_id,
            &request.host_participant_id,
        ] {
            if let Some(p) = self.participant(id) {
                users.extend(self.recipients(conn, p)?);
            }
        }
        users.sort();
        users.dedup();
        Ok(users)
    }

    fn name_of(&self, participant_id: &str) -> String {
        self.participant(participant_id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    /// A side of a request as notifications name it.
    fn party(&self, participant_id: &str) -> Party {
        Party {
            participant_id: participant_id.to_owned(),
            name: self.name_of(participant_id),
        }
    }

    /// What a notification says of a request.
    pub fn request_notice(&self, request: &RequestRow) -> RequestNotice {
        RequestNotice {
            event: EventRef {
                id: self.plan.event.id.clone(),
                name: self.plan.event.name.clone(),
            },
            request: RequestFacts {
                id: request.id.clone(),
                status: request.status,
                origin: request.origin.clone(),
                message: request.message.clone(),
                reason: request.reason.clone(),
                expires_at: super::time::utc(request.expires_at),
                investor_accepted: request.investor_accepted,
                host_accepted: request.host_accepted,
                preferred: request
                    .preferred()
                    .into_iter()
                    .map(super::time::utc)
                    .collect(),
            },
            investor: self.party(&request.investor_participant_id),
            host: self.party(&request.host_participant_id),
        }
    }

    /// What a notification says of a meeting: enough to render an invitation with its .ics.
    pub fn meeting_notice(&self, request: &RequestRow, meeting: &MeetingRow) -> MeetingNotice {
        let venue = self.plan.venues.iter().find(|v| v.id == meeting.venue_id);
        let zone = stored_zone(venue.map_or("UTC", |v| v.time_zone.as_str()));
        MeetingNotice {
            request: self.request_notice(request),
            meeting: MeetingFacts {
                id: meeting.id.clone(),
                uid: ics::uid(&meeting.id),
                sequence: meeting.sequence,
                status: meeting.status,
                starts_at: super::time::utc(meeting.starts_at),
                ends_at: super::time::utc(meeting.ends_at),
                venue_starts_at: in_zone(meeting.starts_at, zone),
                venue: venue.map(|v| VenueRef {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    city: v.city.clone(),
                    time_zone: v.time_zone.clone(),
                }),
                seat: meeting.seat,
                place: if meeting.is_group {
                    Place::Room
                } else {
                    Place::Table
                },
                ics: ics::single(&self.calendar_entry(request, meeting)),
            },
        }
    }

    /// A meeting as a calendar entry.
    pub fn calendar_entry(&self, request: &RequestRow, meeting: &MeetingRow) -> ics::CalendarEntry {
        let venue = self.plan.venues.iter().find(|v| v.id == meeting.venue_id);
        let place = if meeting.is_group { "room" } else { "table" };
        let location = venue.map_or_else(String::new, |v| {
            format!("{}, {} ({place} {})", v.name, v.city, meeting.seat)
        });
        let investor = self.name_of(&request.investor_participant_id);
        let host = self.name_of(&request.host_participant_id);
        let mut description = format!("{} — {investor} and {host}.", self.plan.event.name);
        if let Some(v) = venue {
            let local = in_zone(meeting.starts_at, stored_zone(&v.time_zone));
            description.push_str(&format!(
                "\nVenue time: {} ({}).",
                local.format("%Y-%m-%d %H:%M"),
                v.time_zone
            ));
        }
        if !request.message.is_empty() {
            description.push_str(&format!("\n\n{}", request.message));
        }
        ics::CalendarEntry {
            meeting_id: meeting.id.clone(),
            sequence: meeting.sequence,
            starts_at: meeting.starts_at,
            ends_at: meeting.ends_at,
            updated_at: meeting.updated_at,
            cancelled: meeting.is_cancelled(),
            summary: format!("Meeting: {investor} – {host}"),
            description,
            location,
        }
    }
}

/// Whether the caller acts for a delegation: a member, or an official of one of its regions.
pub fn acts_for_delegation(user: &AuthenticatedUser, d: &Delegation) -> bool {
    d.members.contains(&user.id) || d.regions.iter().any(|region| user.is_official_of(region))
}

/// Tells both parties of a request about a change.
pub fn notify_parties(
    conn: &mut AnyConnection,
    data: &EventData,
    request: &RequestRow,
    notification: &Notification,
) -> Result<(), AppError> {
    let recipients = data.parties_of(conn, request)?;
    crate::notify::record(conn, &recipients, notification)
}

/// Expires the event's pending requests whose time has come, telling both parties.
pub fn expire_due(conn: &mut AnyConnection, data: &EventData) -> Result<(), AppError> {
    let at = now();
    for mut request in meeting_rows::due_to_expire(conn, at)? {
        if request.event_id != data.plan.event.id {
            continue;
        }
        request.status = RequestStatus::Expired;
        request.decided_at = Some(at);
        meeting_rows::update_request(conn, &request)?;
        notify_parties(
            conn,
            data,
            &request,
            &Notification::RequestExpired(data.request_notice(&request)),
        )?;
    }
    Ok(())
}

/// The match score of an investor with a host (its best project, or the one named) and whether
/// the investor marked one of the host's projects must-meet.
pub fn pair_score(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    data: &EventData,
    investor_id: &str,
    host: &Participant,
    project_id: Option<&str>,
) -> Result<(f64, bool), AppError> {
    let regions = data.regions_of(host);
    let must_meet = matching::feedback_of(conn, investor_id)?
        .into_iter()
        .filter(|f| f.interest == Interest::MustMeet.as_ref())
        .filter(|f| project_id.is_none_or(|p| p == f.project_id))
        .filter_map(|f| project::find(conn, &f.project_id).transpose())
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .any(|p| regions.contains(&p.region_code));
    let Some((_, Some(mandate))) = investor::find(conn, investor_id)? else {
        return Ok((0.0, must_meet));
    };
    let snapshot = matchmaker.snapshot(conn)?;
    let facts = matchmaker.stored_mandate(&mandate, &snapshot.rates);
    let weights = &matchmaker.weights;
    let score = match project_id.and_then(|p| snapshot.index.position(p)) {
        Some(position) => snapshot
            .index
            .score_one(&facts, weights, position)
            .map_or(0.0, |r| r.score),
        None => regions
            .iter()
            .filter_map(|code| matchmaker.taxonomy().region(code))
            .filter_map(|region| {
                let filter = MatchFilter {
                    region: Some(region),
                    ..MatchFilter::default()
                };
                snapshot
                    .index
                    .top(&facts, weights, &filter, &[], 0, 1)
                    .first()
                    .map(|r| r.score)
            })
            .fold(0.0, f64::max),
    };
    Ok((score, must_meet))
}

/// Creates a request from `origin` (investor, host or staff) after checking the pair.
pub fn insert_request(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    data: &EventData,
    (investor, host): (&Participant, &Participant),
    input: &RequestInput,
    origin: &str,
    user_id: &str,
) -> Result<RequestRow, AppError> {
    if meeting_rows::open_request_exists(conn, &investor.row.id, &host.row.id)? {
        return Err(AppError::conflict(
            ErrorCode::RequestExists,
            "these two already have a pending or accepted request",
        ));
    }
    if let Some(project_id) = &input.project_id {
        let regions = data.regions_of(host);
        let found = project::find(conn, project_id)?;
        if !found.is_some_and(|p| p.status == "published" && regions.contains(&p.region_code)) {
            return Err(AppError::validation(
                "project_id",
                "is not a published project of the host's regions",
            ));
        }
    }
    let investor_id = investor.row.investor_id.clone().unwrap_or_default();
    let (score, must_meet) = pair_score(
        conn,
        matchmaker,
        data,
        &investor_id,
        host,
        input.project_id.as_deref(),
    )?;
    let at = now();
    let event_slots = slots(&data.plan)?;
    let preferred = check_preferred(&input.preferred, &event_slots, at)?;
    let last_start = event_slots.last().map(|s| s.starts_at).unwrap_or(at);
    let expires_at =
        (at + Duration::days(i64::from(data.plan.event.request_expiry_days))).min(last_start);
    let row = RequestRow {
        id: uuid::Uuid::new_v4().to_string(),
        event_id: data.plan.event.id.clone(),
        investor_participant_id: investor.row.id.clone(),
        host_participant_id: host.row.id.clone(),
        project_id: input.project_id.clone(),
        origin: origin.to_owned(),
        message: text::within("message", &input.message, text::MESSAGE)?,
        status: RequestStatus::Pending,
        investor_accepted: origin == "investor",
        host_accepted: origin == "host",
        reason: None,
        must_meet,
        score,
        created_by: user_id.to_owned(),
        created_at: at,
        expires_at,
        decided_at: None,
        decided_by: None,
        expiry_warned_at: None,
        preferred_slots: serde_json::to_string(&preferred).expect("times always serialise"),
    };
    meeting_rows::insert_request(conn, &row)?;
    let kind = if origin == "staff" {
        Notification::IntroductionProposed
    } else {
        Notification::RequestReceived
    };
    // Whoever still has to answer hears of it: the other side, or both for an introduction.
    let recipients = data.awaiting_answer(conn, &row)?;
    crate::notify::record(conn, &recipients, &kind(data.request_notice(&row)))?;
    Ok(row)
}

/// The times the asker prefers: at most three, each the start of one of the event's slots
/// still to come; in time order, each once.
fn check_preferred(
    times: &[DateTime<FixedOffset>],
    slots: &[EventSlot],
    at: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, AppError> {
    if times.len() > 3 {
        return Err(AppError::validation("preferred", "at most 3 times"));
    }
    let mut starts = Vec::new();
    for (i, time) in times.iter().enumerate() {
        let start = time.naive_utc();
        if start <= at || !slots.iter().any(|s| s.starts_at == start) {
            return Err(AppError::validation(
                &format!("preferred[{i}]"),
                "is not the start of one of the event's slots still to come",
            ));
        }
        starts.push(start);
    }
    starts.sort_unstable();
    starts.dedup();
    Ok(starts)
}

/// One side (or staff, for both) accepts a pending request; accepted once both sides have.
pub fn accept(
    conn: &mut AnyConnection,
    data: &EventData,
    request: &mut RequestRow,
    user: &AuthenticatedUser,
) -> Result<(), AppError> {
    let investor_side = data
        .participant(&request.investor_participant_id)
        .is_some_and(|p| data.acts_for(user, p));
    let host_side = data
        .participant(&request.host_participant_id)
        .is_some_and(|p| data.acts_for(user, p));
    let before = (request.investor_accepted, request.host_accepted);
    if policy::oversees_programme(user) {
        request.investor_accepted = true;
        request.host_accepted = true;
    }
    request.investor_accepted |= investor_side;
    request.host_accepted |= host_side;
    if (request.investor_accepted, request.host_accepted) == before {
        return Err(AppError::conflict(
            ErrorCode::AwaitingOtherParty,
            "your side has accepted already; the other side decides now",
        ));
    }
    let both = request.investor_accepted && request.host_accepted;
    if both {
        request.status = RequestStatus::Accepted;
        request.decided_at = Some(now());
        request.decided_by = Some(user.id.clone());
    }
    meeting_rows::update_request(conn, request)?;
    let kind = if both {
        Notification::RequestAccepted
    } else {
        Notification::IntroductionAcceptedByOneSide
    };
    notify_parties(conn, data, request, &kind(data.request_notice(request)))?;
    Ok(())
}

/// Declines a pending request, telling both parties.
pub fn decline(
    conn: &mut AnyConnection,
    data: &EventData,
    request: &mut RequestRow,
    by: &str,
    reason: Option<String>,
) -> Result<(), AppError> {
    request.status = RequestStatus::Declined;
    request.reason = reason;
    request.decided_at = Some(now());
    request.decided_by = Some(by.to_owned());
    meeting_rows::update_request(conn, request)?;
    notify_parties(
        conn,
        data,
        request,
        &Notification::RequestDeclined(data.request_notice(request)),
    )
}

/// The scheduling problem of an event as stored now: its accepted requests and the meetings
/// not cancelled.
pub fn stored_problem(
    conn: &mut AnyConnection,
    data: &EventData,
    full: bool,
    must_meet_factor: f64,
) -> Result<Problem, AppError> {
    let event_id = &data.plan.event.id;
    let requests = meeting_rows::requests_of_event(conn, event_id, None)?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Accepted)
        .collect();
    let meetings: Vec<MeetingRow> = meeting_rows::meetings_of_event(conn, Some(event_id))?
        .into_iter()
        .filter(|m| !m.is_cancelled())
        .collect();
    Problem::build(Inputs {
        plan: &data.plan,
        participants: &data.participants,
        delegations: &data.delegations,
        requests,
        meetings: &meetings,
        full,
        must_meet_factor,
    })
}

/// The regions and delegations of an event best matched with an investor, best first, that it
/// has no open request with yet: at most `limit`, each scoring at least `min_score`.
pub fn best_hosts<'a>(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    data: &'a EventData,
    investor: &Participant,
    limit: usize,
    min_score: f64,
) -> Result<Vec<(f64, &'a Participant)>, AppError> {
    let investor_id = investor.row.investor_id.clone().unwrap_or_default();
    let mut scored = Vec::new();
    for host in data
        .participants
        .iter()
        .filter(|p| p.row.kind != "investor")
    {
        if meeting_rows::open_request_exists(conn, &investor.row.id, &host.row.id)? {
            continue;
        }
        let (score, _) = pair_score(conn, matchmaker, data, &investor_id, host, None)?;
        if score >= min_score {
            scored.push((score, host));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.row.id.cmp(&b.1.row.id)));
    scored.truncate(limit);
    Ok(scored)
}

/// Cancels a request and its meeting, telling both parties.
pub fn cancel_request(
    conn: &mut AnyConnection,
    data: &EventData,
    request: &mut RequestRow,
    by: &str,
    reason: Option<String>,
) -> Result<(), AppError> {
    let at = now();
    request.status = RequestStatus::Cancelled;
    request.reason = reason;
    request.decided_at = Some(at);
    request.decided_by = Some(by.to_owned());
    meeting_rows::update_request(conn, request)?;
    if let Some(mut meeting) = meeting_rows::meeting_of_request(conn, &request.id)?
        && !meeting.is_cancelled()
    {
        meeting.status = MeetingStatus::Cancelled;
        meeting.sequence += 1;
        meeting.updated_at = at;
        meeting_rows::update_meeting(conn, &meeting)?;
        notify_parties(
            conn,
            data,
            request,
            &Notification::MeetingCancelled(data.meeting_notice(request, &meeting)),
        )?;
    } else {
        notify_parties(
            conn,
            data,
            request,
            &Notification::RequestCancelled(data.request_notice(request)),
        )?;
    }
    Ok(())
}

/// A request the scheduler could not place, and why.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnplacedRequest {
    pub request_id: String,
    pub investor: String,
    pub host: String,
    /// no_common_availability, participant_full, capacity or cancelled.
    pub reason: Reason,
}

/// What a scheduling run did.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleSummary {
    pub requests: usize,
    pub placed: usize,
    /// Meetings placed for the first time (or again after a cancellation).
    pub added: usize,
    pub moved: usize,
    pub kept: usize,
    /// Meetings that lost their place.
    pub dropped: usize,
    /// Total priority placed (match score × must-meet factor).
    pub objective: f64,
    pub unplaced: Vec<UnplacedRequest>,
    /// Constraint problems the independent validator found (empty for a sound schedule; a
    /// confirmed meeting whose parties changed their availability shows here).
    pub problems: Vec<String>,
    pub seconds: f64,
}

/// Stores a schedule: meetings added, moved (SEQUENCE bumped) or dropped, each party told in the
/// same transaction. Requests no longer accepted since the problem was built are left alone.
pub fn apply_schedule(
    conn: &mut AnyConnection,
    data: &EventData,
    problem: &Problem,
    schedule: &Schedule,
    confirm: bool,
) -> Result<ScheduleSummary, AppError> {
    let at = now();
    let placed: HashMap<u32, _> = schedule
        .assignments
        .iter()
        .map(|a| (a.request, *a))
        .collect();
    let mut summary = ScheduleSummary {
        requests: problem.requests.len(),
        placed: 0,
        added: 0,
        moved: 0,
        kept: 0,
        dropped: 0,
        objective: 0.0,
        unplaced: Vec::new(),
        problems: Vec::new(),
        seconds: 0.0,
    };
    for (i, planned) in problem.requests.iter().enumerate() {
        let Some(request) = meeting_rows::find_request(conn, &planned.id)? else {
            continue;
        };
        if request.status != RequestStatus::Accepted {
            continue;
        }
        let existing = meeting_rows::meeting_of_request(conn, &request.id)?;
        let Some(a) = placed.get(&(i as u32)) else {
            if let Some(mut meeting) = existing.filter(|m| !m.is_cancelled()) {
                meeting.status = MeetingStatus::Cancelled;
                meeting.sequence += 1;
                meeting.updated_at = at;
                meeting_rows::update_meeting(conn, &meeting)?;
                summary.dropped += 1;
                notify_parties(
                    conn,
                    data,
                    &request,
                    &Notification::MeetingCancelled(data.meeting_notice(&request, &meeting)),
                )?;
            }
            continue;
        };
        summary.placed += 1;
        summary.objective += problem.instance.requests[i].weight;
        let slot = &problem.slots[a.slot as usize];
        let venue_id = data.plan.venues[a.venue as usize].id.clone();
        let seat = a.seat as i32 + 1;
        let status = if confirm {
            MeetingStatus::Confirmed
        } else {
            MeetingStatus::Scheduled
        };
        let (meeting, kind): (MeetingRow, fn(MeetingNotice) -> Notification) = match existing {
            Some(mut m) => {
                let same_place = m.starts_at == slot.starts_at && m.venue_id == venue_id;
                let unchanged = !m.is_cancelled() && same_place && m.seat == seat;
                if unchanged && (m.status == status || m.status == MeetingStatus::Confirmed) {
                    summary.kept += 1;
                    continue;
                }
                let kind = if m.is_cancelled() {
                    summary.added += 1;
                    Notification::MeetingScheduled
                } else if !same_place {
                    summary.moved += 1;
                    Notification::MeetingMoved
                } else {
                    summary.kept += 1;
                    Notification::MeetingConfirmed
                };
                if m.status != MeetingStatus::Confirmed {
                    m.status = status;
                }
                m.starts_at = slot.starts_at;
                m.ends_at = slot.ends_at;
                m.venue_id = venue_id;
                m.seat = seat;
                m.sequence += 1;
                m.updated_at = at;
                meeting_rows::update_meeting(conn, &m)?;
                (m, kind)
            }
            None => {
                let m = MeetingRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    event_id: data.plan.event.id.clone(),
                    request_id: request.id.clone(),
                    venue_id,
                    seat,
                    is_group: problem.instance.requests[i].group,
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    status,
                    sequence: 0,
                    attendance: None,
                    notes: None,
                    follow_up: None,
                    follow_up_amount_minor: None,
                    follow_up_currency: None,
                    outcome_by: None,
                    outcome_at: None,
                    created_at: at,
                    updated_at: at,
                };
                meeting_rows::insert_meeting(conn, &m)?;
                summary.added += 1;
                (m, Notification::MeetingScheduled)
            }
        };
        notify_parties(
            conn,
            data,
            &request,
            &kind(data.meeting_notice(&request, &meeting)),
        )?;
    }
    for u in &schedule.unplaced {
        let r = &problem.requests[u.request as usize];
        summary.unplaced.push(UnplacedRequest {
            request_id: r.id.clone(),
            investor: data.name_of(&r.investor_participant_id),
            host: data.name_of(&r.host_participant_id),
            reason: u.reason,
        });
    }
    Ok(summary)
}

/// Sends the reminders that are due, each in the transaction that records it: a meeting starting
/// within a lead time (minutes) gets that reminder once per version of the meeting, and only the
/// shortest lead it falls within (a meeting placed an hour ahead gets no "tomorrow" reminder).
pub fn send_reminders(conn: &mut AnyConnection, leads: &[i32]) -> Result<usize, AppError> {
    let at = now();
    let mut sorted = leads.to_vec();
    sorted.sort_unstable();
    let mut events: HashMap<String, EventData> = HashMap::new();
    let mut sent = 0;
    for (i, &lead) in sorted.iter().enumerate() {
        let shorter = i.checked_sub(1).map(|j| sorted[j]);
        for meeting in
            meeting_rows::due_for_reminder(conn, at, at + Duration::minutes(lead.into()), lead)?
        {
            if shorter.is_some_and(|s| meeting.starts_at <= at + Duration::minutes(s.into())) {
                continue;
            }
            let Some(request) = meeting_rows::find_request(conn, &meeting.request_id)? else {
                continue;
            };
            if !events.contains_key(&meeting.event_id) {
                events.insert(
                    meeting.event_id.clone(),
                    EventData::load(conn, &meeting.event_id)?,
                );
            }
            let data = &events[&meeting.event_id];
            meeting_rows::record_reminder(conn, &meeting, lead, at)?;
            let reminder = Notification::MeetingReminder(ReminderNotice {
                meeting: data.meeting_notice(&request, &meeting),
                reminder: Reminder { lead_minutes: lead },
            });
            notify_parties(conn, data, &request, &reminder)?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Tells whoever still has to answer a pending request that it expires within `hours`, once.
pub fn warn_expiring(conn: &mut AnyConnection, hours: i64) -> Result<usize, AppError> {
    let at = now();
    let mut events: HashMap<String, EventData> = HashMap::new();
    let due = meeting_rows::expiring_unwarned(conn, at, at + Duration::hours(hours))?;
    for request in &due {
        if !events.contains_key(&request.event_id) {
            events.insert(
                request.event_id.clone(),
                EventData::load(conn, &request.event_id)?,
            );
        }
        let data = &events[&request.event_id];
        if !meeting_rows::claim_expiry_warning(conn, &request.id, at)? {
            continue;
        }
        let recipients = data.awaiting_answer(conn, request)?;
        crate::notify::record(
            conn,
            &recipients,
            &Notification::RequestExpiring(data.request_notice(request)),
        )?;
    }
    Ok(due.len())
}
