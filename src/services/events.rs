//! Events (forums, missions abroad, investor visits), their participants and the delegations
//! that travel to them.

mod batch;

pub use batch::{
    BATCH_COLUMNS, BatchEntry, BatchInput, BatchOutcome, BatchReport, BatchRow, ParticipantKind,
    register_csv, register_many,
};

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString};
use utoipa::ToSchema;

use super::investors::check_country;
use crate::auth::accounts::check_name;
use crate::auth::policy::{self, Task};
use crate::auth::{AuthenticatedUser, Role};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::text;
use crate::error::{AppError, ErrorCode, FieldChecks};
use crate::meetings::plan::{EventSlot, slots, within_windows};
use crate::meetings::service::{EventData, acts_for_delegation};
use crate::meetings::time::{clock, in_zone, stored_zone, time_zone, to_utc, utc};
use crate::models::event::{self as rows, DayRow, DelegationRow, LegRow, ParticipantRow, Window};
pub use crate::models::event::{
    Delegation as DelegationRecord, EventPlan, EventRow, Participant as ParticipantRecord, VenueRow,
};
use crate::models::investor;
use crate::models::json_text;
use crate::models::meeting as meeting_rows;
use crate::models::user;
use crate::reference::Catalogue;

/// What kind of event.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, AsRefStr, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    /// Investors and regions meet at a forum.
    Forum,
    /// A regional delegation travels abroad to meet investors.
    Mission,
    /// Investors visit a region.
    InvestorVisit,
}

/// A break in a day, local "HH:MM".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Break {
    #[schema(example = "12:00")]
    pub from: String,
    #[schema(example = "13:00")]
    pub to: String,
}

/// A venue's opening hours on one date, in the venue's local time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Day {
    pub date: NaiveDate,
    #[schema(example = "09:00")]
    pub opens: String,
    #[schema(example = "17:00")]
    pub closes: String,
    #[serde(default)]
    pub breaks: Vec<Break>,
}

/// A venue as given when an event is created.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    pub name: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone, e.g. `Asia/Jakarta`.
    pub time_zone: String,
    /// Tables for one-to-one meetings, per slot.
    pub tables: i32,
    /// Rooms for group (delegation) meetings, per slot.
    #[serde(default)]
    pub rooms: i32,
    pub days: Vec<Day>,
}

/// An event as staff create it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub name: String,
    pub kind: EventKind,
    #[serde(default)]
    pub description: String,
    /// Length of a meeting slot in minutes.
    pub slot_minutes: i32,
    /// Time a participant needs to move between venues.
    #[serde(default)]
    pub travel_buffer_minutes: i32,
    /// Meetings a participant may have per day, unless it sets fewer.
    #[serde(default = "default_daily_cap")]
    pub daily_cap: i32,
    /// Free slots every participant keeps between two meetings.
    #[serde(default)]
    pub min_break_slots: i32,
    /// Whether meetings may also be held online.
    #[serde(default)]
    pub online: bool,
    pub registration_deadline: DateTime<FixedOffset>,
    pub request_deadline: DateTime<FixedOffset>,
    /// Days a request stays pending before it expires (default from the settings).
    pub request_expiry_days: Option<i32>,
    /// Whether staff approve the investors and regions that register themselves before they
    /// appear in the directory and can meet.
    #[serde(default)]
    pub approval_required: bool,
    pub venues: Vec<VenueInput>,
}

fn default_daily_cap() -> i32 {
    8
}

/// A venue of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub tables: i32,
    pub rooms: i32,
    pub days: Vec<Day>,
}

/// An event.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub slot_minutes: i32,
    pub travel_buffer_minutes: i32,
    pub daily_cap: i32,
    pub min_break_slots: i32,
    pub online: bool,
    pub registration_deadline: DateTime<Utc>,
    pub request_deadline: DateTime<Utc>,
    pub request_expiry_days: i32,
    /// Whether staff approve those who register themselves.
    pub approval_required: bool,
    /// First slot start and last slot end.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    /// Meeting slots across all venues.
    pub slots: usize,
    pub venues: Vec<Venue>,
    pub demo: bool,
}

fn check_count(
    field: &str,
    value: i32,
    range: std::ops::RangeInclusive<i32>,
) -> Result<i32, AppError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(AppError::validation(
            field,
            format!("must be between {} and {}", range.start(), range.end()),
        ))
    }
}

impl EventInput {
    /// Checks every rule and turns the input into rows, naming every problem at once; the
    /// deadlines are checked against the slots once the rest is valid.
    pub fn to_plan(
        &self,
        id: &str,
        user_id: &str,
        default_expiry: i32,
        demo: bool,
    ) -> Result<EventPlan, AppError> {
        let at = now();
        let mut checks = FieldChecks::new();
        checks.take(text::within(
            "description",
            &self.description,
            text::LONG_TEXT,
        ));
        if !(1..=20).contains(&self.venues.len()) {
            checks.add("venues", "between 1 and 20 venues");
        }
        let event = EventRow {
            id: id.to_owned(),
            name: checks
                .take(check_name("name", &self.name, text::NAME))
                .unwrap_or_default(),
            kind: self.kind.as_ref().to_owned(),
            description: self.description.trim().to_owned(),
            slot_minutes: checks
                .take(check_count("slot_minutes", self.slot_minutes, 10..=240))
                .unwrap_or_default(),
            travel_buffer_minutes: checks
                .take(check_count(
                    "travel_buffer_minutes",
                    self.travel_buffer_minutes,
                    0..=720,
                ))
                .unwrap_or_default(),
            daily_cap: checks
                .take(check_count("daily_cap", self.daily_cap, 1..=48))
                .unwrap_or_default(),
            min_break_slots: checks
                .take(check_count("min_break_slots", self.min_break_slots, 0..=8))
                .unwrap_or_default(),
            online: self.online,
            registration_deadline: self.registration_deadline.naive_utc(),
            request_deadline: self.request_deadline.naive_utc(),
            request_expiry_days: checks
                .take(check_count(
                    "request_expiry_days",
                    self.request_expiry_days.unwrap_or(default_expiry),
                    1..=90,
                ))
                .unwrap_or_default(),
            demo,
            created_by: user_id.to_owned(),
            created_at: at,
            updated_at: at,
            approval_required: self.approval_required,
        };
        let mut venues = Vec::new();
        let mut days = Vec::new();
        for (i, v) in self.venues.iter().enumerate() {
            let field = |name: &str| format!("venues[{i}].{name}");
            let zone = checks.take(time_zone(&field("time_zone"), &v.time_zone));
            let tables = checks.take(check_count(&field("tables"), v.tables, 0..=2000));
            let rooms = checks.take(check_count(&field("rooms"), v.rooms, 0..=500));
            if tables.zip(rooms).is_some_and(|(t, r)| t + r == 0) {
                checks.add(&field("tables"), "a venue needs a table or a room");
            }
            let venue = VenueRow {
                id: uuid::Uuid::new_v4().to_string(),
                event_id: id.to_owned(),
                position: i as i32,
                name: checks
                    .take(check_name(&field("name"), &v.name, text::NAME))
                    .unwrap_or_default(),
                city: checks
                    .take(check_name(&field("city"), &v.city, text::CITY))
                    .unwrap_or_default(),
                country: checks
                    .take(check_country(&field("country"), &v.country))
                    .unwrap_or_default(),
                time_zone: zone.map(|z| z.name().to_owned()).unwrap_or_default(),
                tables: tables.unwrap_or_default(),
                rooms: rooms.unwrap_or_default(),
            };
            if !(1..=31).contains(&v.days.len()) {
                checks.add(&field("days"), "between 1 and 31 days");
            }
            for (j, d) in v.days.iter().enumerate() {
                let day_field = |name: &str| format!("venues[{i}].days[{j}].{name}");
                if v.days[..j].iter().any(|other| other.date == d.date) {
                    checks.add(&day_field("date"), "is given twice");
                }
                let opens = checks.take(clock(&day_field("opens"), &d.opens));
                let closes = checks.take(clock(&day_field("closes"), &d.closes));
                if opens.zip(closes).is_some_and(|(o, c)| c <= o) {
                    checks.add(&day_field("closes"), "must be after opens");
                }
                if let Some(zone) = zone
                    && d.date < in_zone(at, zone).date_naive()
                {
                    checks.add(&day_field("date"), "is in the past");
                }
                let hours = opens.zip(closes).filter(|(o, c)| o < c);
                let mut breaks = Vec::new();
                for (k, b) in d.breaks.iter().enumerate() {
                    let span = day_field(&format!("breaks[{k}]"));
                    let from = checks.take(clock(&format!("{span}.from"), &b.from));
                    let to = checks.take(clock(&format!("{span}.to"), &b.to));
                    if let (Some((opens, closes)), Some(from), Some(to)) = (hours, from, to)
                        && !(opens <= from && from < to && to <= closes)
                    {
                        checks.add(&span, "must lie within the day's opening hours");
                    }
                    breaks.push((b.from.trim().to_owned(), b.to.trim().to_owned()));
                }
                if let Some(zone) = zone {
                    for (name, time) in [("opens", opens), ("closes", closes)] {
                        if let Some(time) = time {
                            checks.take(to_utc(&day_field(name), d.date.and_time(time), zone));
                        }
                    }
                }
                days.push(DayRow {
                    venue_id: venue.id.clone(),
                    event_id: id.to_owned(),
                    day: d.date,
                    opens: d.opens.trim().to_owned(),
                    closes: d.closes.trim().to_owned(),
                    breaks: json_text(&breaks),
                });
            }
            venues.push(venue);
        }
        let plan = checks.finish(Some(EventPlan {
            event,
            venues,
            days,
        }))?;
        let slots = slots(&plan)?;
        let Some(last) = slots.last() else {
            return Err(AppError::validation(
                "venues",
                "the opening hours leave no meeting slot",
            ));
        };
        let mut checks = FieldChecks::new();
        for (field, deadline) in [
            ("registration_deadline", plan.event.registration_deadline),
            ("request_deadline", plan.event.request_deadline),
        ] {
            if deadline > last.ends_at {
                checks.add(field, "must not be after the event's last slot");
            }
        }
        checks.finish(Some(plan))
    }
}

/// An event as it is shown, with its slot count and first and last slot.
pub(crate) fn event_view(plan: &EventPlan) -> Event {
    let slots = slots(plan).unwrap_or_default();
    let e = &plan.event;
    Event {
        id: e.id.clone(),
        name: e.name.clone(),
        kind: e.kind.clone(),
        description: e.description.clone(),
        slot_minutes: e.slot_minutes,
        travel_buffer_minutes: e.travel_buffer_minutes,
        daily_cap: e.daily_cap,
        min_break_slots: e.min_break_slots,
        online: e.online,
        registration_deadline: utc(e.registration_deadline),
        request_deadline: utc(e.request_deadline),
        request_expiry_days: e.request_expiry_days,
        approval_required: e.approval_required,
        starts_at: slots.first().map(|s| utc(s.starts_at)),
        ends_at: slots.last().map(|s| utc(s.ends_at)),
        slots: slots.len(),
        venues: plan
            .venues
            .iter()
            .map(|v| Venue {
                id: v.id.clone(),
                name: v.name.clone(),
                city: v.city.clone(),
                country: v.country.clone(),
                time_zone: v.time_zone.clone(),
                tables: v.tables,
                rooms: v.rooms,
                days: plan
                    .days
                    .iter()
                    .filter(|d| d.venue_id == v.id)
                    .map(|d| Day {
                        date: d.day,
                        opens: d.opens.clone(),
                        closes: d.closes.clone(),
                        breaks: serde_json::from_str::<Vec<(String, String)>>(&d.breaks)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(from, to)| Break { from, to })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        demo: e.demo,
    }
}

/// Creates an event with its venues and days; `demo` marks demo data.
/// Creates an event (staff), its requests expiring after `default_expiry` days unless it says.
#[tracing::instrument(skip_all)]
pub fn create_event(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    input: &EventInput,
    default_expiry: i32,
) -> Result<Event, AppError> {
    policy::may(user, Task::ManageEvents)?;
    insert(conn, input, &user.id, default_expiry, false)
}

/// Stores a validated event created by `user_id` (or demo data) and returns it.
#[tracing::instrument(skip_all)]
pub fn insert(
    conn: &mut AnyConnection,
    input: &EventInput,
    user_id: &str,
    default_expiry: i32,
    demo: bool,
) -> Result<Event, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    let plan = input.to_plan(&id, user_id, default_expiry, demo)?;
    rows::insert_event(conn, &plan)?;
    Ok(event_view(&plan))
}

/// A time a participant can meet, in the participant's own time zone ("2026-12-08T09:00").
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    #[schema(value_type = String, example = "2026-12-08T09:00")]
    #[serde(deserialize_with = "crate::meetings::time::local")]
    pub from: NaiveDateTime,
    #[schema(value_type = String, example = "2026-12-08T12:00")]
    #[serde(deserialize_with = "crate::meetings::time::local")]
    pub to: NaiveDateTime,
}

/// Registration of an investor, a region or a delegation: give exactly one of the three ids.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationInput {
    pub investor_id: Option<String>,
    pub region_code: Option<String>,
    pub delegation_id: Option<String>,
    /// IANA time zone the participant enters and sees its times in.
    pub time_zone: String,
    /// At most this many meetings a day (the event's cap when absent).
    pub daily_cap: Option<i32>,
    /// When the participant can meet; none means whenever a venue is open.
    #[serde(default)]
    pub availability: Vec<WindowInput>,
}

/// A participant's own time zone, daily cap and availability.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantSettings {
    /// IANA time zone the participant enters and sees its times in.
    pub time_zone: String,
    /// At most this many meetings a day (the event's cap when absent).
    pub daily_cap: Option<i32>,
    /// When the participant can meet; none means whenever a venue is open.
    #[serde(default)]
    pub availability: Vec<WindowInput>,
}

/// A window of availability, in the viewer's time zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowView {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
}

/// A participant of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct Participant {
    pub id: String,
    /// investor, region or delegation.
    pub kind: String,
    pub name: String,
    pub investor_id: Option<String>,
    pub region_code: Option<String>,
    pub delegation_id: Option<String>,
    pub time_zone: String,
    pub daily_cap: Option<i32>,
    /// False while the registration waits for staff approval (the event asks for it).
    pub approved: bool,
    /// Shown to the participant (in its own time zone) and staff (in the venue's) only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability: Option<Vec<WindowView>>,
    /// The zone `availability` is shown in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_time_zone: Option<String>,
    /// Meeting slots the participant can take; shown to the participant and staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_slots: Option<usize>,
}

/// A participant as the caller may see it: availability only for staff and the participant.
pub(crate) fn participant_view(
    data: &EventData,
    slots: &[EventSlot],
    p: &ParticipantRecord,
    user: &AuthenticatedUser,
) -> Participant {
    let acting = data.acts_for(user, p);
    let private = policy::oversees_programme(user) || acting;
    // The participant sees its windows in its own zone, staff in the (first) venue's.
    let shown_zone = match data.plan.venues.first() {
        Some(venue) if !acting => venue.time_zone.clone(),
        _ => p.row.time_zone.clone(),
    };
    let zone = stored_zone(&shown_zone);
    Participant {
        id: p.row.id.clone(),
        kind: p.row.kind.clone(),
        name: p.name.clone(),
        investor_id: p.row.investor_id.clone(),
        region_code: p.row.region_code.clone(),
        delegation_id: p.row.delegation_id.clone(),
        time_zone: p.row.time_zone.clone(),
        daily_cap: p.row.daily_cap,
        approved: p.row.approved_at.is_some(),
        availability: private.then(|| {
            p.windows
                .iter()
                .map(|w| WindowView {
                    from: in_zone(w.starts_at, zone),
                    to: in_zone(w.ends_at, zone),
                })
                .collect()
        }),
        availability_time_zone: private.then_some(shown_zone),
        available_slots: private.then(|| {
            slots
                .iter()
                .filter(|s| within_windows(&p.windows, s))
                .count()
        }),
    }
}

/// Checks a participant's settings against the event: a known zone, windows in the future,
/// within the event and not overlapping each other. Returns the zone name, cap and UTC windows.
fn check_settings(
    time_zone_name: &str,
    daily_cap: Option<i32>,
    availability: &[WindowInput],
    slots: &[EventSlot],
) -> Result<(String, Option<i32>, Vec<Window>), AppError> {
    let zone = time_zone("time_zone", time_zone_name)?;
    let cap = daily_cap
        .map(|c| check_count("daily_cap", c, 1..=48))
        .transpose()?;
    if availability.len() > 50 {
        return Err(AppError::validation("availability", "at most 50 windows"));
    }
    let at = now();
    let (first, last) = match (slots.first(), slots.last()) {
        (Some(f), Some(l)) => (f.starts_at, l.ends_at),
        _ => {
            return Err(AppError::conflict(
                ErrorCode::EventWithoutSlots,
                "the event has no slots",
            ));
        }
    };
    let mut windows = Vec::new();
    for (i, w) in availability.iter().enumerate() {
        let field = format!("availability[{i}]");
        let from = to_utc(&format!("{field}.from"), w.from, zone)?;
        let to = to_utc(&format!("{field}.to"), w.to, zone)?;
        if to <= from {
            return Err(AppError::validation(&field, "must end after it starts"));
        }
        if to <= at {
            return Err(AppError::validation(&field, "is in the past"));
        }
        if to <= first || last <= from {
            return Err(AppError::validation(
                &field,
                "lies outside the event's days",
            ));
        }
        windows.push(Window {
            starts_at: from,
            ends_at: to,
        });
    }
    windows.sort_by_key(|w| w.starts_at);
    if windows
        .windows(2)
        .any(|pair| pair[1].starts_at < pair[0].ends_at)
    {
        return Err(AppError::validation("availability", "windows overlap"));
    }
    Ok((zone.name().to_owned(), cap, windows))
}

/// Registers a participant (the rules of `POST /events/{id}/participants`).
#[tracing::instrument(skip_all, fields(event_id = %event_id))]
pub fn register(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    input: &RegistrationInput,
) -> Result<ParticipantRow, AppError> {
    let data = EventData::load(conn, event_id)?;
    let slots = slots(&data.plan)?;
    let (zone, cap, windows) = check_settings(
        &input.time_zone,
        input.daily_cap,
        &input.availability,
        &slots,
    )?;
    if !policy::oversees_programme(user) && now() > data.plan.event.registration_deadline {
        return Err(AppError::conflict(
            ErrorCode::RegistrationClosed,
            "registration for this event has closed",
        ));
    }
    let (kind, allowed) = match (&input.investor_id, &input.region_code, &input.delegation_id) {
        (Some(investor_id), None, None) => {
            investor::find(conn, investor_id)?.ok_or_else(|| AppError::not_found("investor"))?;
            ("investor", policy::acts_for_investor(user, investor_id))
        }
        (None, Some(region), None) => {
            if catalogue.region(region).is_none() {
                return Err(AppError::validation(
                    "region_code",
                    "is not a known region code",
                ));
            }
            ("region", policy::acts_for_region(user, region))
        }
        (None, None, Some(delegation_id)) => {
            let found = rows::delegations(conn, Some(std::slice::from_ref(delegation_id)))?;
            let d = found
                .first()
                .ok_or_else(|| AppError::not_found("delegation"))?;
            (
                "delegation",
                policy::oversees_programme(user) || acts_for_delegation(user, d),
            )
        }
        _ => {
            return Err(AppError::validation(
                "investor_id",
                "give exactly one of investor_id, region_code and delegation_id",
            ));
        }
    };
    if !allowed {
        return Err(AppError::Forbidden(format!(
            "you do not act for this {kind}"
        )));
    }
    let row = ParticipantRow {
        id: uuid::Uuid::new_v4().to_string(),
        event_id: event_id.to_owned(),
        kind: kind.into(),
        investor_id: input.investor_id.clone(),
        region_code: input.region_code.clone(),
        delegation_id: input.delegation_id.clone(),
        time_zone: zone,
        daily_cap: cap,
        registered_by: user.id.clone(),
        created_at: now(),
        // Staff registering someone approve it; others wait where the event asks for approval.
        approved_at: (policy::oversees_programme(user) || !data.plan.event.approval_required)
            .then(now),
    };
    let applications = rows::applications(conn, event_id)?;
    let taken = data.participants.iter().chain(&applications).any(|p| {
        (p.row.investor_id.is_some() && p.row.investor_id == row.investor_id)
            || (p.row.region_code.is_some() && p.row.region_code == row.region_code)
            || (p.row.delegation_id.is_some() && p.row.delegation_id == row.delegation_id)
    });
    if taken {
        return Err(AppError::conflict(
            ErrorCode::AlreadyRegistered,
            format!("this {kind} is registered already"),
        ));
    }
    rows::insert_participant(conn, &row, &windows)?;
    Ok(row)
}

#[tracing::instrument(skip_all, fields(event_id = %event_id, id = %id))]
pub fn participant_answer(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    id: &str,
) -> Result<Participant, AppError> {
    let data = EventData::load(conn, event_id)?;
    let slots = slots(&data.plan)?;
    if let Some(p) = data.participant(id) {
        return Ok(participant_view(&data, &slots, p, user));
    }
    // A registration waiting for approval is known to staff and to whoever registered it.
    rows::applications(conn, event_id)?
        .iter()
        .find(|p| p.row.id == id)
        .filter(|p| policy::oversees_programme(user) || data.acts_for(user, p))
        .map(|p| participant_view(&data, &slots, p, user))
        .ok_or_else(|| AppError::not_found("participant"))
}

/// The registrations of an event waiting for approval, for staff, by name.
pub fn applications(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<Vec<Participant>, AppError> {
    policy::may(user, Task::ManageEvents)?;
    let data = EventData::load(conn, event_id)?;
    let slots = slots(&data.plan)?;
    Ok(rows::applications(conn, event_id)?
        .iter()
        .map(|p| participant_view(&data, &slots, p, user))
        .collect())
}

/// Staff approve a registration: from now on it is in the directory, asks and is asked, and is
/// scheduled.
#[tracing::instrument(skip_all, fields(event_id = %event_id, id = %id))]
pub fn approve(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    id: &str,
) -> Result<Participant, AppError> {
    policy::may(user, Task::ManageEvents)?;
    if !rows::approve_participant(conn, event_id, id, now())? {
        return Err(AppError::not_found("registration waiting for approval"));
    }
    participant_answer(conn, user, event_id, id)
}

/// Staff turn a registration down: it is removed (it never took part), and its side may
/// register again.
#[tracing::instrument(skip_all, fields(event_id = %event_id, id = %id))]
pub fn turn_down(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    id: &str,
) -> Result<(), AppError> {
    policy::may(user, Task::ManageEvents)?;
    if !rows::remove_application(conn, event_id, id)? {
        return Err(AppError::not_found("registration waiting for approval"));
    }
    Ok(())
}

/// Changes a participant's time zone, daily cap and availability, when the user is staff or
/// acts for it; the settings are checked against the event first, so nothing is half saved.
pub(crate) fn update_settings(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
    participant_id: &str,
    settings: &ParticipantSettings,
) -> Result<Participant, AppError> {
    let data = EventData::load(conn, event_id)?;
    let p = data
        .participant(participant_id)
        .ok_or_else(|| AppError::not_found("participant"))?;
    if !policy::oversees_programme(user) && !data.acts_for(user, p) {
        return Err(AppError::Forbidden(
            "you do not act for this participant".into(),
        ));
    }
    let slots = slots(&data.plan)?;
    let (zone, cap, windows) = check_settings(
        &settings.time_zone,
        settings.daily_cap,
        &settings.availability,
        &slots,
    )?;
    rows::update_participant(conn, participant_id, &zone, cap)?;
    rows::replace_windows(conn, participant_id, &windows)?;
    participant_answer(conn, user, event_id, participant_id)
}

/// One stop of a delegation's itinerary.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub time_zone: String,
    /// First and last local dates in the city.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A delegation as staff create it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationInput {
    pub name: String,
    /// Region codes of the regions travelling together.
    pub regions: Vec<String>,
    /// User ids of the officials travelling; each an official of one of the regions.
    #[serde(default)]
    pub members: Vec<String>,
    /// Time needed between legs and between venues.
    #[serde(default = "default_travel_buffer")]
    pub travel_buffer_minutes: i32,
    /// The itinerary in order; none for a delegation that goes only where its events are.
    #[serde(default)]
    pub legs: Vec<Leg>,
}

fn default_travel_buffer() -> i32 {
    60
}

/// A delegation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delegation {
    pub id: String,
    pub name: String,
    pub regions: Vec<String>,
    /// Member officials' user ids; shown to staff and the delegation's own officials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<String>>,
    pub travel_buffer_minutes: i32,
    pub legs: Vec<Leg>,
    pub demo: bool,
}

/// A delegation as the caller may see it: members only for staff and the delegation itself.
pub(crate) fn delegation_view(d: &DelegationRecord, user: &AuthenticatedUser) -> Delegation {
    Delegation {
        id: d.row.id.clone(),
        name: d.row.name.clone(),
        regions: d.regions.clone(),
        members: (policy::oversees_programme(user) || acts_for_delegation(user, d))
            .then(|| d.members.clone()),
        travel_buffer_minutes: d.row.travel_buffer_minutes,
        legs: d
            .legs
            .iter()
            .map(|l| Leg {
                city: l.city.clone(),
                country: l.country.clone(),
                time_zone: l.time_zone.clone(),
                from: l.starts_on,
                to: l.ends_on,
            })
            .collect(),
        demo: d.row.demo,
    }
}

/// Creates a delegation travelling together (staff) and returns it as the author sees it.
#[tracing::instrument(skip_all)]
pub fn create_delegation(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    input: &DelegationInput,
) -> Result<Delegation, AppError> {
    policy::may(user, Task::ManageEvents)?;
    let record = create_delegation_record(conn, catalogue, input, &user.id, false)?;
    Ok(delegation_view(&record, user))
}

/// Creates a delegation; `demo` marks demo data.
#[tracing::instrument(skip_all)]
pub fn create_delegation_record(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    input: &DelegationInput,
    user_id: &str,
    demo: bool,
) -> Result<DelegationRecord, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    if !(1..=10).contains(&input.regions.len()) {
        return Err(AppError::validation("regions", "between 1 and 10 regions"));
    }
    let mut regions = input.regions.clone();
    regions.sort();
    regions.dedup();
    if let Some(bad) = regions.iter().find(|r| catalogue.region(r).is_none()) {
        return Err(AppError::validation(
            "regions",
            format!("`{bad}` is not a known region code"),
        ));
    }
    let mut members = input.members.clone();
    members.sort();
    members.dedup();
    for m in &members {
        let official = user::find(conn, m)?
            .filter(|u| u.role == Role::Official.as_ref())
            .and_then(|u| u.region_code);
        if !official.is_some_and(|r| regions.contains(&r)) {
            return Err(AppError::validation(
                "members",
                format!("`{m}` is not an official of the delegation's regions"),
            ));
        }
    }
    if input.legs.len() > 20 {
        return Err(AppError::validation("legs", "at most 20 legs"));
    }
    let mut legs = Vec::new();
    for (i, leg) in input.legs.iter().enumerate() {
        let field = |name: &str| format!("legs[{i}].{name}");
        let zone = time_zone(&field("time_zone"), &leg.time_zone)?;
        if leg.to < leg.from {
            return Err(AppError::validation(
                &field("to"),
                "must not be before from",
            ));
        }
        if i > 0 && leg.from < input.legs[i - 1].to {
            return Err(AppError::validation(
                &field("from"),
                "must not be before the previous leg ends",
            ));
        }
        legs.push(LegRow {
            delegation_id: id.clone(),
            position: i as i32,
            city: check_name(&field("city"), &leg.city, text::CITY)?,
            country: check_country(&field("country"), &leg.country)?,
            time_zone: zone.name().to_owned(),
            starts_on: leg.from,
            ends_on: leg.to,
        });
    }
    let record = DelegationRecord {
        row: DelegationRow {
            id,
            name: check_name("name", &input.name, text::NAME)?,
            travel_buffer_minutes: check_count(
                "travel_buffer_minutes",
                input.travel_buffer_minutes,
                0..=1440,
            )?,
            demo,
            created_by: user_id.to_owned(),
            created_at: now(),
        },
        regions,
        members,
        legs,
    };
    rows::insert_delegation(conn, &record)?;
    Ok(record)
}

/// Every event, as any signed-in person may list them.
#[tracing::instrument(skip_all)]
pub fn events(conn: &mut AnyConnection) -> Result<Vec<Event>, AppError> {
    Ok(rows::list_events(conn)?.iter().map(event_view).collect())
}

/// One event.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn event(conn: &mut AnyConnection, id: &str) -> Result<Event, AppError> {
    Ok(event_view(&plan_of(conn, id)?))
}

/// How many take part in an event, and what they have asked and been given.
pub struct EventTally {
    pub participants: usize,
    pub requests: usize,
    /// Meetings not cancelled.
    pub meetings: usize,
}

/// Every event, newest first, with its tally (staff's event list).
#[tracing::instrument(skip_all)]
pub fn tallies(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<(Event, EventTally)>, AppError> {
    policy::may(user, Task::ManageEvents)?;
    let mut out = Vec::new();
    for plan in rows::list_events(conn)? {
        let event = event_view(&plan);
        let tally = EventTally {
            participants: rows::participants(conn, &event.id, None)?.len(),
            requests: meeting_rows::requests_of_event(conn, &event.id, None)?.len(),
            meetings: meeting_rows::meetings_of_event(conn, Some(&event.id))?
                .iter()
                .filter(|m| !m.is_cancelled())
                .count(),
        };
        out.push((event, tally));
    }
    Ok(out)
}

/// The investors, delegations and regions not among `participants`, as (id, name), for the
/// staff's registration forms; regions by name.
pub struct Unregistered {
    pub investors: Vec<(String, String)>,
    pub delegations: Vec<(String, String)>,
    /// Region code and name.
    pub regions: Vec<(String, String)>,
}

/// Which of those not registered a list shows: words found in the name or id, one kind
/// (`investor`, `region`, `delegation`; anything else is every kind), one province's regions
/// and the delegations with a region in it (investors have no province, so they are left out).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CandidateFilter {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub province: String,
}

impl CandidateFilter {
    fn shows(&self, kind: ParticipantKind, id: &str, name: &str) -> bool {
        let wanted = ParticipantKind::from_str(&self.kind).map_or(true, |k| k == kind);
        let (id, name) = (id.to_lowercase(), name.to_lowercase());
        wanted
            && self
                .q
                .to_lowercase()
                .split_whitespace()
                .all(|w| name.contains(w) || id.contains(w))
    }

    /// Whether a region is in the chosen province (any, when none is chosen).
    fn in_province(&self, catalogue: &Catalogue, code: &str) -> bool {
        let province = self.province.trim();
        province.is_empty()
            || code == province
            || catalogue
                .region(code)
                .is_some_and(|r| r.province_code == province)
    }
}

/// Who of the investors, delegations and regions is neither registered for the event nor waiting
/// for approval there, and passes `filter` (staff).
pub fn unregistered(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: &str,
    filter: &CandidateFilter,
) -> Result<Unregistered, AppError> {
    policy::may(user, Task::ManageEvents)?;
    // Registered, or waiting for approval: either way not to be registered again.
    let mut participants = rows::participants(conn, event_id, None)?;
    participants.extend(rows::applications(conn, event_id)?);
    let taken = |id: &str| {
        participants.iter().any(|p| {
            [&p.row.investor_id, &p.row.region_code, &p.row.delegation_id]
                .iter()
                .any(|own| own.as_deref() == Some(id))
        })
    };
    let (investors, _) = investor::list(conn, &investor::InvestorFilter::default(), 0, 1000)?;
    let mut regions: Vec<(String, String)> = catalogue
        .regions()
        .filter(|(code, r)| {
            !taken(code)
                && filter.in_province(catalogue, code)
                && filter.shows(ParticipantKind::Region, code, &r.name)
        })
        .map(|(code, r)| (code.clone(), r.name.clone()))
        .collect();
    regions.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    Ok(Unregistered {
        investors: investors
            .into_iter()
            .filter(|(row, _)| {
                !taken(&row.id)
                    && filter.province.trim().is_empty()
                    && filter.shows(ParticipantKind::Investor, &row.id, &row.name)
            })
            .map(|(row, _)| (row.id, row.name))
            .collect(),
        delegations: rows::delegations(conn, None)?
            .into_iter()
            .filter(|d| {
                !taken(&d.row.id)
                    && d.regions.iter().any(|r| filter.in_province(catalogue, r))
                    && filter.shows(ParticipantKind::Delegation, &d.row.id, &d.row.name)
            })
            .map(|d| (d.row.id, d.row.name))
            .collect(),
        regions,
    })
}

/// A member of a delegation, as its page lists them.
pub struct Member {
    pub name: String,
    pub email: String,
    pub region_code: Option<String>,
}

/// A delegation with its members' accounts and the events it takes part in, as (id, name).
pub type DelegationSheet = (Delegation, Vec<Member>, Vec<(String, String)>);

/// One delegation with who travels in it and where it goes (staff's delegation page).
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn delegation_sheet(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<DelegationSheet, AppError> {
    let view = delegation(conn, user, id)?;
    let mut members = Vec::new();
    for member in view.members.iter().flatten() {
        if let Some(u) = user::find(conn, member)? {
            members.push(Member {
                name: u.name,
                email: u.email,
                region_code: u.region_code,
            });
        }
    }
    let mut events = Vec::new();
    for p in rows::participant_rows_for(conn, None, None, &[id.to_owned()])? {
        if let Some(plan) = rows::find_event(conn, &p.event_id)? {
            events.push((plan.event.id, plan.event.name));
        }
    }
    Ok((view, members, events))
}

/// The account ids of the people with these email addresses; an address without an account is
/// a problem of the `field`.
pub fn accounts_by_email(
    conn: &mut AnyConnection,
    field: &str,
    emails: &[String],
) -> Result<Vec<String>, AppError> {
    let mut ids = Vec::new();
    for email in emails {
        let found = user::find_by_email(conn, &email.to_lowercase())?
            .ok_or_else(|| AppError::validation(field, "has no account"))?;
        ids.push(found.id);
    }
    Ok(ids)
}

/// The stored plan of an event: its venues, days and windows.
pub fn plan_of(conn: &mut AnyConnection, id: &str) -> Result<EventPlan, AppError> {
    rows::find_event(conn, id)?.ok_or_else(|| AppError::not_found("event"))
}

/// Every delegation, its members shown to those who act for it and to staff.
#[tracing::instrument(skip_all)]
pub fn delegations(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
) -> Result<Vec<Delegation>, AppError> {
    Ok(rows::delegations(conn, None)?
        .iter()
        .map(|d| delegation_view(d, user))
        .collect())
}

/// One delegation, as [`delegations`] shows it.
#[tracing::instrument(skip_all, fields(id = %id))]
pub fn delegation(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<Delegation, AppError> {
    let found = rows::delegations(conn, Some(&[id.to_owned()]))?;
    let d = found
        .first()
        .ok_or_else(|| AppError::not_found("delegation"))?;
    Ok(delegation_view(d, user))
}
