//! Events as their participants take part in them: the events a person may join (or has
//! joined) for the investor or region it speaks for, joining one, the event's directory of who
//! else comes, each entry with what it brings and how well it matches the viewer's side, and
//! what asking one of them for a meeting may be about and when both can meet.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::AuthenticatedUser;
use crate::auth::policy;
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::Localized;
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::meetings::plan::{slots, within_windows};
use crate::meetings::service::{EventData, pair_score};
use crate::meetings::time::utc;
use crate::models::event::{self as event_rows, EventPlan, Participant, ParticipantRow};
use crate::models::investor;
use crate::models::meeting as meeting_rows;
use crate::models::project;
use crate::reference::Catalogue;
use crate::services::events::{RegistrationInput, WindowInput, register};
use crate::services::meetings::participations;

/// An event as the list of events to join shows it.
pub struct EventToJoin {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub registration_deadline: DateTime<Utc>,
    /// The first venue's time zone: where the event's times are told.
    pub venue_time_zone: String,
    /// The days any venue is open, by the venues' calendars.
    pub days: Vec<NaiveDate>,
    /// The viewer's participant id there, when its side is registered.
    pub joined: Option<String>,
    /// Whether the viewer's registration waits for staff approval.
    pub awaiting_approval: bool,
    /// Whether staff approve those who register themselves.
    pub approval_required: bool,
    /// Whether registration is still open.
    pub open: bool,
}

/// The events the viewer's side has joined, and those still open for registration, soonest
/// deadline first; nothing for someone who speaks for no investor or region.
pub fn events_to_join(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<EventToJoin>, AppError> {
    if !policy::speaks_for_an_investor(user) && !policy::speaks_for_a_region(user) {
        return Ok(Vec::new());
    }
    let joined = joined_by(conn, user)?;
    let mut found: Vec<EventToJoin> = event_rows::list_events(conn)?
        .iter()
        .map(|plan| to_join(plan, &joined))
        .filter(|e| e.open || e.joined.is_some())
        .collect();
    found.sort_by_key(|e| e.registration_deadline);
    Ok(found)
}

/// One event as [`events_to_join`] tells of it, for the page that joins it.
pub fn event_to_join(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<EventToJoin, AppError> {
    if !policy::speaks_for_an_investor(user) && !policy::speaks_for_a_region(user) {
        return Err(AppError::Forbidden(
            "only investors and regions join events".into(),
        ));
    }
    let plan =
        event_rows::find_event(conn, event_id)?.ok_or_else(|| AppError::not_found("event"))?;
    Ok(to_join(&plan, &joined_by(conn, user)?))
}

/// The viewer's side's registrations by event: participant id and whether it waits for
/// approval.
fn joined_by(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<HashMap<String, (String, bool)>, AppError> {
    Ok(participations(conn, user)?
        .into_iter()
        .map(|p| (p.event_id, (p.id, p.approved_at.is_none())))
        .collect())
}

fn to_join(plan: &EventPlan, joined: &HashMap<String, (String, bool)>) -> EventToJoin {
    let (joined, awaiting_approval) = match joined.get(&plan.event.id) {
        Some((id, waiting)) => (Some(id.clone()), *waiting),
        None => (None, false),
    };
    let mut days: Vec<NaiveDate> = plan.days.iter().map(|d| d.day).collect();
    days.sort_unstable();
    days.dedup();
    EventToJoin {
        id: plan.event.id.clone(),
        name: plan.event.name.clone(),
        kind: plan.event.kind.clone(),
        registration_deadline: utc(plan.event.registration_deadline),
        // Every event has a venue (the rules of an event ask for one).
        venue_time_zone: plan
            .venues
            .first()
            .map_or_else(|| "UTC".to_owned(), |v| v.time_zone.clone()),
        days,
        joined,
        awaiting_approval,
        approval_required: plan.event.approval_required,
        open: now() <= plan.event.registration_deadline,
    }
}

/// Registers the viewer's own side (its investor, else its region) for the event, in its time
/// zone, by the rules of every registration; the row says whether it waits for approval.
pub fn join(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    time_zone: &str,
    availability: Vec<WindowInput>,
) -> Result<ParticipantRow, AppError> {
    let (investor_id, region_code) = if policy::speaks_for_an_investor(user) {
        (user.investor_id.clone(), None)
    } else if policy::speaks_for_a_region(user) {
        (None, user.region_code.clone())
    } else {
        return Err(AppError::Forbidden(
            "only investors and regions join events".into(),
        ));
    };
    let input = RegistrationInput {
        investor_id,
        region_code,
        delegation_id: None,
        time_zone: time_zone.to_owned(),
        daily_cap: None,
        availability,
    };
    register(conn, catalogue, user, event_id, &input)
}

/// A project a region brings to the event.
pub struct Brought {
    pub id: String,
    pub title: Localized,
}

/// Projects as a region brings them: id and title.
fn brought(projects: Vec<project::ProjectRow>) -> Vec<Brought> {
    projects
        .into_iter()
        .map(|p| Brought {
            id: p.id,
            title: Localized {
                id: p.title_id,
                en: p.title_en,
            },
        })
        .collect()
}

/// A participant as the directory shows it.
pub struct Entry {
    pub participant_id: String,
    /// investor, region or delegation.
    pub kind: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The ISIC codes it invests in or its projects are in.
    pub sectors: Vec<String>,
    /// The Smart City dimension codes of its mandate or projects.
    pub dimensions: Vec<String>,
    /// The published projects of a region or delegation.
    pub projects: Vec<Brought>,
    /// How well it matches the viewer's side (0 to 1); none for staff, or for the same side.
    pub score: Option<f64>,
    /// Whether the viewer's side has an open request with it already.
    pub requested: bool,
}

/// The directory of an event: who comes, as the viewer may see it.
pub struct Directory {
    pub event_id: String,
    pub event: String,
    /// The viewer's participant at the event, when its side is registered.
    pub me: Option<String>,
    /// Whether the event still takes requests.
    pub taking_requests: bool,
    /// The other side's participants, best match first (staff: everyone, by name).
    pub entries: Vec<Entry>,
}

/// The event's directory, for its participants and staff; others are told to join first.
pub fn directory(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<Directory, AppError> {
    let data = EventData::load(conn, event_id)?;
    let me = data.mine(user).first().map(|p| (*p).clone());
    if me.is_none() && !policy::oversees_programme(user) {
        return Err(AppError::Forbidden(
            "join the event to see who else comes".into(),
        ));
    }
    let mut entries = Vec::new();
    for other in &data.participants {
        let shown = match &me {
            Some(me) => (me.row.kind == "investor") != (other.row.kind == "investor"),
            None => true,
        };
        if shown {
            entries.push(entry(conn, matchmaker, &data, me.as_ref(), other)?);
        }
    }
    entries.sort_by(|a, b| {
        b.score
            .unwrap_or(0.0)
            .total_cmp(&a.score.unwrap_or(0.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Directory {
        event_id: data.plan.event.id.clone(),
        event: data.plan.event.name.clone(),
        me: me.map(|p| p.row.id),
        taking_requests: now() <= data.plan.event.request_deadline,
        entries,
    })
}

/// One participant with what it brings, scored against the viewer's side when there is one.
fn entry(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    data: &EventData,
    me: Option<&Participant>,
    other: &Participant,
) -> Result<Entry, AppError> {
    let (country, sectors, dimensions, projects) = match &other.row.investor_id {
        Some(investor_id) => {
            let (org, mandate) = investor::find(conn, investor_id)?
                .ok_or_else(|| AppError::not_found("investor"))?;
            let codes = |text: &str| serde_json::from_str::<Vec<String>>(text).unwrap_or_default();
            let (sectors, dimensions) = mandate
                .map(|m| (codes(&m.sectors), codes(&m.dimensions)))
                .unwrap_or_default();
            (org.country, sectors, dimensions, Vec::new())
        }
        None => {
            let projects = project::published_in(conn, &data.regions_of(other))?;
            let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
            let mut sectors = Vec::new();
            let mut dimensions = Vec::new();
            for codes in project::codes_of(conn, &ids)?.into_values() {
                sectors.extend(codes.sectors);
                dimensions.extend(codes.dimensions.into_iter().filter(|d| !d.contains('-')));
            }
            for list in [&mut sectors, &mut dimensions] {
                list.sort_unstable();
                list.dedup();
            }
            ("ID".to_owned(), sectors, dimensions, brought(projects))
        }
    };
    let (score, requested) = match me {
        Some(me) => {
            let (investor, host) = if me.row.kind == "investor" {
                (me, other)
            } else {
                (other, me)
            };
            let investor_id = investor.row.investor_id.as_deref().unwrap_or_default();
            let (score, _) = pair_score(conn, matchmaker, data, investor_id, host, None)?;
            let requested =
                meeting_rows::open_request_exists(conn, &investor.row.id, &host.row.id)?;
            (Some(score), requested)
        }
        None => (None, false),
    };
    Ok(Entry {
        participant_id: other.row.id.clone(),
        kind: other.row.kind.clone(),
        name: other.name.clone(),
        country,
        sectors,
        dimensions,
        projects,
        score,
        requested,
    })
}

/// What the form asking another participant for a meeting offers: who it is, the projects of
/// the region's side the meeting may be about, and the slot starts still to come when both
/// sides can meet.
pub struct Asking {
    pub event_id: String,
    pub event: String,
    pub with: String,
    pub with_name: String,
    pub projects: Vec<Brought>,
    /// Slot starts (UTC) both sides are available for, in time order, each once.
    pub times: Vec<chrono::NaiveDateTime>,
    /// The asker's own time zone at the event, which the form shows times in.
    pub time_zone: String,
}

/// The request form for `with` at the event, as the viewer (registered on the other side) may
/// fill it.
pub fn asking(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    with: &str,
) -> Result<Asking, AppError> {
    let data = EventData::load(conn, event_id)?;
    let other = data
        .participant(with)
        .ok_or_else(|| AppError::not_found("participant"))?;
    let me = data
        .mine(user)
        .into_iter()
        .find(|p| (p.row.kind == "investor") != (other.row.kind == "investor"))
        .ok_or_else(|| AppError::Forbidden("you are not registered on the other side".into()))?;
    let host = if me.row.kind == "investor" { other } else { me };
    let projects = brought(project::published_in(conn, &data.regions_of(host))?);
    let at = now();
    let mut times: Vec<chrono::NaiveDateTime> = slots(&data.plan)?
        .iter()
        .filter(|s| {
            s.starts_at > at && within_windows(&me.windows, s) && within_windows(&other.windows, s)
        })
        .map(|s| s.starts_at)
        .collect();
    times.dedup();
    Ok(Asking {
        event_id: data.plan.event.id.clone(),
        event: data.plan.event.name.clone(),
        with: other.row.id.clone(),
        with_name: other.name.clone(),
        projects,
        times,
        time_zone: me.row.time_zone.clone(),
    })
}
