//! Personal calendar feeds: a secret, revocable address that calendar apps subscribe to.

use serde::Serialize;
use utoipa::ToSchema;

use super::meetings::meetings_of_user;
use crate::auth::AuthenticatedUser;
use crate::auth::tokens::{hash_secret, new_secret};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::meetings::ics;
use crate::meetings::service::EventData;
use crate::models::meeting as rows;
use crate::models::user;

/// A calendar feed address; keep it secret, it shows your meetings to whoever has it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feed {
    pub url: String,
}

/// Gives the user a new feed address (under the service's public URL), revoking earlier ones; the
/// secret in it is stored only as a hash, so the address can be shown this once. The API and
/// the settings page both create feeds through it.
pub(crate) fn create_feed_of(
    conn: &mut AnyConnection,
    public_url: &str,
    user_id: &str,
) -> Result<String, AppError> {
    let token = new_secret();
    rows::replace_calendar_feed(conn, user_id, &hash_secret(&token), now())?;
    let base = public_url.trim_end_matches('/');
    Ok(format!("{base}/calendar/{token}.ics"))
}

/// Stops every feed address of the user.
pub(crate) fn revoke_feeds(conn: &mut AnyConnection, user_id: &str) -> Result<(), AppError> {
    rows::revoke_calendar_feeds(conn, user_id, now())?;
    Ok(())
}

/// Whether the user has a live feed address (the settings page offers to revoke it).
pub(crate) fn has_feed(conn: &mut AnyConnection, user_id: &str) -> Result<bool, AppError> {
    Ok(rows::has_calendar_feed(conn, user_id)?)
}

/// What a feed address serves: its owner's meetings, found by the secret in the address; an
/// unknown or revoked secret is not found.
pub(crate) fn feed_of_secret(conn: &mut AnyConnection, secret: &str) -> Result<String, AppError> {
    let unknown = || AppError::not_found("calendar feed");
    let user_id = rows::calendar_feed_user(conn, &hash_secret(secret))?.ok_or_else(unknown)?;
    let row = user::find(conn, &user_id)?.ok_or_else(unknown)?;
    let owner = AuthenticatedUser::from_row(row, String::new())?;
    agenda_calendar(conn, &owner)
}

/// One meeting as an iCalendar file, for its parties; to anyone else it is not found.
#[tracing::instrument(skip_all, fields(id = %id))]
pub(crate) fn meeting_calendar(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    id: &str,
) -> Result<String, AppError> {
    let unknown = || AppError::not_found("meeting");
    let meeting = rows::find_meeting(conn, id)?.ok_or_else(unknown)?;
    let request = rows::find_request(conn, &meeting.request_id)?.ok_or_else(unknown)?;
    let data = EventData::load(conn, &meeting.event_id)?;
    if !data.may_see(user, &request) {
        return Err(unknown());
    }
    Ok(ics::single(&data.calendar_entry(&request, &meeting)))
}

/// Every meeting of the user as one iCalendar feed: what the feed address serves and the agenda
/// page's download.
pub(crate) fn agenda_calendar(
    conn: &mut AnyConnection,
    owner: &AuthenticatedUser,
) -> Result<String, AppError> {
    let entries: Vec<ics::CalendarEntry> = meetings_of_user(conn, owner)?
        .iter()
        .map(|(data, request, meeting)| data.calendar_entry(request, meeting))
        .collect();
    Ok(ics::feed(
        &format!("Sepadan meetings: {}", owner.name),
        &entries,
    ))
}
