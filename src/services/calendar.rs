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
use crate::models::meeting as rows;

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
