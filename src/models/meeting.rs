//! Meeting requests, the meetings placed from them, and personal calendar feeds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::schema::{calendar_feeds, meeting_reminders, meeting_requests, meetings};
use crate::domain::status::{MeetingStatus, RequestStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_requests)]
pub struct RequestRow {
    pub id: String,
    pub event_id: String,
    pub investor_participant_id: String,
    pub host_participant_id: String,
    pub project_id: Option<String>,
    /// investor, host or staff (an introduction).
    pub origin: String,
    pub message: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: RequestStatus,
    pub investor_accepted: bool,
    pub host_accepted: bool,
    pub reason: Option<String>,
    pub must_meet: bool,
    pub score: f64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    /// When the parties were told it is about to expire.
    pub expiry_warned_at: Option<NaiveDateTime>,
    /// The slot starts the asker would rather meet in (UTC), as a JSON array.
    pub preferred_slots: String,
}

impl RequestRow {
    /// The slot starts the asker would rather meet in (UTC), earliest first.
    pub fn preferred(&self) -> Vec<NaiveDateTime> {
        serde_json::from_str(&self.preferred_slots).unwrap_or_default()
    }
}

pub fn insert_request(conn: &mut AnyConnection, row: &RequestRow) -> QueryResult<()> {
    diesel::insert_into(meeting_requests::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

pub fn find_request(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<RequestRow>> {
    meeting_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// The requests of an event, optionally only those with one of `participants` as a party.
pub fn requests_of_event(
    conn: &mut AnyConnection,
    event_id: &str,
    participants: Option<&[String]>,
) -> QueryResult<Vec<RequestRow>> {
    let mut query = meeting_requests::table
        .filter(meeting_requests::event_id.eq(event_id))
        .into_boxed();
    if let Some(ids) = participants {
        query = query.filter(
            meeting_requests::investor_participant_id
                .eq_any(ids)
                .or(meeting_requests::host_participant_id.eq_any(ids)),
        );
    }
    query
        .order((meeting_requests::created_at, meeting_requests::id))
        .select(RequestRow::as_select())
        .load(conn)
}

/// Whether the pair already has a pending or accepted request at the event.
pub fn open_request_exists(
    conn: &mut AnyConnection,
    investor: &str,
    host: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        meeting_requests::table
            .filter(meeting_requests::investor_participant_id.eq(investor))
            .filter(meeting_requests::host_participant_id.eq(host))
            .filter(meeting_requests::status.eq_any(RequestStatus::OPEN.map(RequestStatus::name))),
    ))
    .get_result(conn)
}

/// Stores a request's decision fields.
pub fn update_request(conn: &mut AnyConnection, row: &RequestRow) -> QueryResult<()> {
    diesel::update(meeting_requests::table.find(&row.id))
        .set((
            meeting_requests::status.eq(row.status.name()),
            meeting_requests::investor_accepted.eq(row.investor_accepted),
            meeting_requests::host_accepted.eq(row.host_accepted),
            meeting_requests::reason.eq(&row.reason),
            meeting_requests::decided_at.eq(row.decided_at),
            meeting_requests::decided_by.eq(&row.decided_by),
        ))
        .execute(conn)
        .map(drop)
}

/// Pending requests past their expiry, oldest first.
pub fn due_to_expire(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Vec<RequestRow>> {
    meeting_requests::table
        .filter(meeting_requests::status.eq(RequestStatus::Pending.name()))
        .filter(meeting_requests::expires_at.le(now))
        .order(meeting_requests::expires_at)
        .select(RequestRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meetings)]
pub struct MeetingRow {
    pub id: String,
    pub event_id: String,
    pub request_id: String,
    pub venue_id: String,
    /// Table or room number from 1.
    pub seat: i32,
    pub is_group: bool,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// scheduled, confirmed or cancelled.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: MeetingStatus,
    /// The iCalendar SEQUENCE: bumped on every change a calendar must see.
    pub sequence: i32,
    /// held or no_show.
    pub attendance: Option<String>,
    pub notes: Option<String>,
    pub follow_up: Option<String>,
    pub follow_up_amount_minor: Option<i64>,
    pub follow_up_currency: Option<String>,
    pub outcome_by: Option<String>,
    pub outcome_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl MeetingRow {
    pub fn is_cancelled(&self) -> bool {
        self.status == MeetingStatus::Cancelled
    }
}

pub fn insert_meeting(conn: &mut AnyConnection, row: &MeetingRow) -> QueryResult<()> {
    diesel::insert_into(meetings::table)
        .values(row.clone())
        .execute(conn)
        .map(drop)
}

/// Stores a meeting's place, status, sequence and outcome.
pub fn update_meeting(conn: &mut AnyConnection, row: &MeetingRow) -> QueryResult<()> {
    diesel::update(meetings::table.find(&row.id))
        .set((
            meetings::venue_id.eq(&row.venue_id),
            meetings::seat.eq(row.seat),
            meetings::starts_at.eq(row.starts_at),
            meetings::ends_at.eq(row.ends_at),
            meetings::status.eq(row.status.name()),
            meetings::sequence.eq(row.sequence),
            meetings::attendance.eq(&row.attendance),
            meetings::notes.eq(&row.notes),
            meetings::follow_up.eq(&row.follow_up),
            meetings::follow_up_amount_minor.eq(row.follow_up_amount_minor),
            meetings::follow_up_currency.eq(&row.follow_up_currency),
            meetings::outcome_by.eq(&row.outcome_by),
            meetings::outcome_at.eq(row.outcome_at),
            meetings::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find_meeting(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<MeetingRow>> {
    meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()
}

pub fn meeting_of_request(
    conn: &mut AnyConnection,
    request_id: &str,
) -> QueryResult<Option<MeetingRow>> {
    meetings::table
        .filter(meetings::request_id.eq(request_id))
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()
}

/// Every meeting of an event (`None`: of every event), cancelled ones included, by time.
pub fn meetings_of_event(
    conn: &mut AnyConnection,
    event_id: Option<&str>,
) -> QueryResult<Vec<MeetingRow>> {
    let mut query = meetings::table.into_boxed();
    if let Some(event_id) = event_id {
        query = query.filter(meetings::event_id.eq(event_id));
    }
    query
        .order((meetings::starts_at, meetings::venue_id, meetings::seat))
        .select(MeetingRow::as_select())
        .load(conn)
}

/// The meetings whose request has one of `participants` as a party, by time.
pub fn meetings_of_participants(
    conn: &mut AnyConnection,
    participants: &[String],
) -> QueryResult<Vec<(MeetingRow, RequestRow)>> {
    meetings::table
        .inner_join(meeting_requests::table.on(meetings::request_id.eq(meeting_requests::id)))
        .filter(
            meeting_requests::investor_participant_id
                .eq_any(participants)
                .or(meeting_requests::host_participant_id.eq_any(participants)),
        )
        .order((meetings::starts_at, meetings::id))
        .select((MeetingRow::as_select(), RequestRow::as_select()))
        .load(conn)
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

/// Whether the user has a feed address that still works.
pub fn has_calendar_feed(conn: &mut AnyConnection, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        calendar_feeds::table
            .filter(calendar_feeds::user_id.eq(user_id))
            .filter(calendar_feeds::revoked_at.is_null()),
    ))
    .get_result(conn)
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

/// Meetings not cancelled that start after `from` and no later than `until` and have no reminder
/// for this lead time at their current version yet.
pub fn due_for_reminder(
    conn: &mut AnyConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
    lead_minutes: i32,
) -> QueryResult<Vec<MeetingRow>> {
    let reminded = meeting_reminders::table
        .filter(meeting_reminders::meeting_id.eq(meetings::id))
        .filter(meeting_reminders::lead_minutes.eq(lead_minutes))
        .filter(meeting_reminders::sequence.eq(meetings::sequence));
    meetings::table
        .filter(meetings::status.ne(MeetingStatus::Cancelled.name()))
        .filter(meetings::starts_at.gt(from))
        .filter(meetings::starts_at.le(until))
        .filter(diesel::dsl::not(diesel::dsl::exists(reminded)))
        .order((meetings::starts_at, meetings::id))
        .select(MeetingRow::as_select())
        .load(conn)
}

/// Records that a reminder went out.
pub fn record_reminder(
    conn: &mut AnyConnection,
    meeting: &MeetingRow,
    lead_minutes: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(meeting_reminders::table)
        .values((
            meeting_reminders::meeting_id.eq(&meeting.id),
            meeting_reminders::lead_minutes.eq(lead_minutes),
            meeting_reminders::sequence.eq(meeting.sequence),
            meeting_reminders::sent_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Pending requests expiring before `until` whose parties were not warned yet.
pub fn expiring_unwarned(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<RequestRow>> {
    meeting_requests::table
        .filter(meeting_requests::status.eq(RequestStatus::Pending.name()))
        .filter(meeting_requests::expires_at.gt(now))
        .filter(meeting_requests::expires_at.le(until))
        .filter(meeting_requests::expiry_warned_at.is_null())
        .order(meeting_requests::expires_at)
        .select(RequestRow::as_select())
        .load(conn)
}

/// Marks a request's parties warned; false when another worker already did.
pub fn claim_expiry_warning(
    conn: &mut AnyConnection,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        meeting_requests::table
            .find(id)
            .filter(meeting_requests::expiry_warned_at.is_null()),
    )
    .set(meeting_requests::expiry_warned_at.eq(at))
    .execute(conn)?;
    Ok(updated == 1)
}
