//! Events, their venues and days, delegations, participants and their availability.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{
    delegation_legs, delegation_members, delegation_regions, delegations, event_days,
    event_participants, event_venues, events, investors, participant_availability, regions,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub slot_minutes: i32,
    pub travel_buffer_minutes: i32,
    pub daily_cap: i32,
    pub min_break_slots: i32,
    pub online: bool,
    pub registration_deadline: NaiveDateTime,
    pub request_deadline: NaiveDateTime,
    pub request_expiry_days: i32,
    pub demo: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Whether staff approve those who register themselves before they take part.
    pub approval_required: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_venues)]
pub struct VenueRow {
    pub id: String,
    pub event_id: String,
    pub position: i32,
    pub name: String,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub tables: i32,
    pub rooms: i32,
}

/// Opening hours of a venue on one date; `opens`, `closes` and `breaks` are local "HH:MM".
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_days)]
pub struct DayRow {
    pub venue_id: String,
    pub event_id: String,
    pub day: NaiveDate,
    pub opens: String,
    pub closes: String,
    pub breaks: String,
}

/// An event with everything that defines its meeting slots.
#[derive(Debug, Clone)]
pub struct EventPlan {
    pub event: EventRow,
    /// In position order.
    pub venues: Vec<VenueRow>,
    pub days: Vec<DayRow>,
}

pub fn insert_event(conn: &mut AnyConnection, plan: &EventPlan) -> QueryResult<()> {
    diesel::insert_into(events::table)
        .values(&plan.event)
        .execute(conn)?;
    for venue in &plan.venues {
        diesel::insert_into(event_venues::table)
            .values(venue)
            .execute(conn)?;
    }
    for day in &plan.days {
        diesel::insert_into(event_days::table)
            .values(day)
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_event(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<EventPlan>> {
    let Some(event) = events::table
        .find(id)
        .select(EventRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let venues = event_venues::table
        .filter(event_venues::event_id.eq(id))
        .order(event_venues::position)
        .select(VenueRow::as_select())
        .load(conn)?;
    let days = event_days::table
        .filter(event_days::event_id.eq(id))
        .order((event_days::day, event_days::venue_id))
        .select(DayRow::as_select())
        .load(conn)?;
    Ok(Some(EventPlan {
        event,
        venues,
        days,
    }))
}

/// Every event with its venues and days, newest first.
pub fn list_events(conn: &mut AnyConnection) -> QueryResult<Vec<EventPlan>> {
    let rows: Vec<EventRow> = events::table
        .order(events::created_at.desc())
        .select(EventRow::as_select())
        .load(conn)?;
    let mut venues: Vec<VenueRow> = event_venues::table
        .order((event_venues::event_id, event_venues::position))
        .select(VenueRow::as_select())
        .load(conn)?;
    let mut days: Vec<DayRow> = event_days::table
        .order(event_days::day)
        .select(DayRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|event| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                venues.drain(..).partition(|v| v.event_id == event.id);
            venues = rest;
            let (my_days, rest): (Vec<_>, Vec<_>) =
                days.drain(..).partition(|d| d.event_id == event.id);
            days = rest;
            EventPlan {
                event,
                venues: mine,
                days: my_days,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = delegations)]
pub struct DelegationRow {
    pub id: String,
    pub name: String,
    pub travel_buffer_minutes: i32,
    pub demo: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = delegation_legs)]
pub struct LegRow {
    pub delegation_id: String,
    pub position: i32,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A delegation with its regions, member officials and itinerary.
#[derive(Debug, Clone)]
pub struct Delegation {
    pub row: DelegationRow,
    pub regions: Vec<String>,
    pub members: Vec<String>,
    pub legs: Vec<LegRow>,
}

pub fn insert_delegation(conn: &mut AnyConnection, d: &Delegation) -> QueryResult<()> {
    diesel::insert_into(delegations::table)
        .values(&d.row)
        .execute(conn)?;
    for region in &d.regions {
        diesel::insert_into(delegation_regions::table)
            .values((
                delegation_regions::delegation_id.eq(&d.row.id),
                delegation_regions::region_code.eq(region),
            ))
            .execute(conn)?;
    }
    for member in &d.members {
        diesel::insert_into(delegation_members::table)
            .values((
                delegation_members::delegation_id.eq(&d.row.id),
                delegation_members::user_id.eq(member),
            ))
            .execute(conn)?;
    }
    for leg in &d.legs {
        diesel::insert_into(delegation_legs::table)
            .values(leg)
            .execute(conn)?;
    }
    Ok(())
}

/// Delegations by id (all when `ids` is `None`), by name.
pub fn delegations(
    conn: &mut AnyConnection,
    ids: Option<&[String]>,
) -> QueryResult<Vec<Delegation>> {
    let mut query = delegations::table.into_boxed();
    if let Some(ids) = ids {
        query = query.filter(delegations::id.eq_any(ids));
    }
    let rows: Vec<DelegationRow> = query
        .order((delegations::name, delegations::id))
        .select(DelegationRow::as_select())
        .load(conn)?;
    let wanted: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let regions: Vec<(String, String)> = delegation_regions::table
        .filter(delegation_regions::delegation_id.eq_any(&wanted))
        .order(delegation_regions::region_code)
        .load(conn)?;
    let members: Vec<(String, String)> = delegation_members::table
        .filter(delegation_members::delegation_id.eq_any(&wanted))
        .order(delegation_members::user_id)
        .load(conn)?;
    let legs: Vec<LegRow> = delegation_legs::table
        .filter(delegation_legs::delegation_id.eq_any(&wanted))
        .order(delegation_legs::position)
        .select(LegRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Delegation {
            regions: of(&regions, &row.id),
            members: of(&members, &row.id),
            legs: legs
                .iter()
                .filter(|l| l.delegation_id == row.id)
                .cloned()
                .collect(),
            row,
        })
        .collect())
}

fn of(pairs: &[(String, String)], id: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(d, _)| d == id)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The delegations a region belongs to.
pub fn delegations_of_region(conn: &mut AnyConnection, region: &str) -> QueryResult<Vec<String>> {
    delegation_regions::table
        .filter(delegation_regions::region_code.eq(region))
        .select(delegation_regions::delegation_id)
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_participants)]
pub struct ParticipantRow {
    pub id: String,
    pub event_id: String,
    pub kind: String,
    pub investor_id: Option<String>,
    pub region_code: Option<String>,
    pub delegation_id: Option<String>,
    pub time_zone: String,
    pub daily_cap: Option<i32>,
    pub registered_by: String,
    pub created_at: NaiveDateTime,
    /// When staff approved it (at registration, where no approval is needed); none while it
    /// waits for approval.
    pub approved_at: Option<NaiveDateTime>,
}

/// A window a participant can meet in (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct Window {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// A participant with its display name and availability.
#[derive(Debug, Clone)]
pub struct Participant {
    pub row: ParticipantRow,
    pub name: String,
    /// Sorted by start; empty means whenever a venue is open.
    pub windows: Vec<Window>,
}

pub fn insert_participant(
    conn: &mut AnyConnection,
    row: &ParticipantRow,
    windows: &[Window],
) -> QueryResult<()> {
    diesel::insert_into(event_participants::table)
        .values(row)
        .execute(conn)?;
    replace_windows(conn, &row.id, windows)
}

/// Replaces a participant's availability.
pub fn replace_windows(
    conn: &mut AnyConnection,
    participant: &str,
    windows: &[Window],
) -> QueryResult<()> {
    diesel::delete(
        participant_availability::table
            .filter(participant_availability::participant_id.eq(participant)),
    )
    .execute(conn)?;
    for w in windows {
        diesel::insert_into(participant_availability::table)
            .values((
                participant_availability::participant_id.eq(participant),
                participant_availability::starts_at.eq(w.starts_at),
                participant_availability::ends_at.eq(w.ends_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Approves a registration that waited for it; false when there is none such.
pub fn approve_participant(
    conn: &mut AnyConnection,
    event_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        event_participants::table
            .filter(event_participants::event_id.eq(event_id))
            .filter(event_participants::id.eq(id))
            .filter(event_participants::approved_at.is_null()),
    )
    .set(event_participants::approved_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Removes a registration that waited for approval, with its availability (it has no requests
/// or meetings); false when there is none such.
pub fn remove_application(conn: &mut AnyConnection, event_id: &str, id: &str) -> QueryResult<bool> {
    let pending = event_participants::table
        .filter(event_participants::event_id.eq(event_id))
        .filter(event_participants::id.eq(id))
        .filter(event_participants::approved_at.is_null())
        .select(event_participants::id)
        .first::<String>(conn)
        .optional()?;
    if pending.is_none() {
        return Ok(false);
    }
    replace_windows(conn, id, &[])?;
    diesel::delete(event_participants::table.find(id)).execute(conn)?;
    Ok(true)
}

pub fn update_participant(
    conn: &mut AnyConnection,
    id: &str,
    time_zone: &str,
    daily_cap: Option<i32>,
) -> QueryResult<()> {
    diesel::update(event_participants::table.find(id))
        .set((
            event_participants::time_zone.eq(time_zone),
            event_participants::daily_cap.eq(daily_cap),
        ))
        .execute(conn)
        .map(drop)
}

/// The investor's, region's or delegation's name, whichever the participant is.
type Names = (Option<String>, Option<String>, Option<String>);

/// The participants of an event (or the one with `id`), with names and windows, by name:
/// those approved, who take part; registrations waiting for approval are [`applications`].
pub fn participants(
    conn: &mut AnyConnection,
    event_id: &str,
    id: Option<&str>,
) -> QueryResult<Vec<Participant>> {
    participants_approved(conn, event_id, id, true)
}

/// The registrations of an event waiting for staff approval, by name.
pub fn applications(conn: &mut AnyConnection, event_id: &str) -> QueryResult<Vec<Participant>> {
    participants_approved(conn, event_id, None, false)
}

fn participants_approved(
    conn: &mut AnyConnection,
    event_id: &str,
    id: Option<&str>,
    approved: bool,
) -> QueryResult<Vec<Participant>> {
    let mut query = event_participants::table
        .filter(event_participants::event_id.eq(event_id))
        .left_join(
            investors::table.on(event_participants::investor_id.eq(investors::id.nullable())),
        )
        .left_join(regions::table.on(event_participants::region_code.eq(regions::code.nullable())))
        .left_join(
            delegations::table.on(event_participants::delegation_id.eq(delegations::id.nullable())),
        )
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(event_participants::id.eq(id));
    }
    query = if approved {
        query.filter(event_participants::approved_at.is_not_null())
    } else {
        query.filter(event_participants::approved_at.is_null())
    };
    let rows: Vec<(ParticipantRow, Names)> = query
        .select((
            ParticipantRow::as_select(),
            (
                investors::name.nullable(),
                regions::name.nullable(),
                delegations::name.nullable(),
            ),
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0.id).collect();
    let windows: Vec<(String, NaiveDateTime, NaiveDateTime)> = participant_availability::table
        .filter(participant_availability::participant_id.eq_any(&ids))
        .order(participant_availability::starts_at)
        .load(conn)?;
    let mut out: Vec<Participant> = rows
        .into_iter()
        .map(|(row, (investor, region, delegation))| Participant {
            windows: windows
                .iter()
                .filter(|w| w.0 == row.id)
                .map(|w| Window {
                    starts_at: w.1,
                    ends_at: w.2,
                })
                .collect(),
            name: investor.or(region).or(delegation).unwrap_or_default(),
            row,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.row.id.cmp(&b.row.id)));
    Ok(out)
}

/// Every participant row, across events, of an investor, of a region, or of one of the given
/// delegations.
pub fn participant_rows_for(
    conn: &mut AnyConnection,
    investor_id: Option<&str>,
    region_code: Option<&str>,
    delegation_ids: &[String],
) -> QueryResult<Vec<ParticipantRow>> {
    event_participants::table
        .filter(
            event_participants::investor_id
                .eq(investor_id)
                .and(event_participants::investor_id.is_not_null())
                .or(event_participants::region_code
                    .eq(region_code)
                    .and(event_participants::region_code.is_not_null()))
                .or(event_participants::delegation_id.eq_any(delegation_ids)),
        )
        .select(ParticipantRow::as_select())
        .load(conn)
}

/// Of these events, those still taking meeting requests at `at`: id and name.
pub fn events_taking_requests(
    conn: &mut AnyConnection,
    ids: &[String],
    at: NaiveDateTime,
) -> QueryResult<Vec<(String, String)>> {
    events::table
        .filter(events::id.eq_any(ids))
        .filter(events::request_deadline.gt(at))
        .select((events::id, events::name))
        .load(conn)
}

/// The delegations a user travels with as a member.
pub fn delegations_of_member(conn: &mut AnyConnection, user_id: &str) -> QueryResult<Vec<String>> {
    delegation_members::table
        .filter(delegation_members::user_id.eq(user_id))
        .select(delegation_members::delegation_id)
        .load(conn)
}
