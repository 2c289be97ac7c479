//! Downloads for spreadsheets: projects, investors, an investor's matches, an event's meetings
//! and the outcome report, each as `.csv` or `.xlsx` with the same columns.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::AnyConnection;
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::meetings::service::EventData;
use crate::meetings::time::{in_zone, stored_zone};
use crate::models::meeting as meeting_rows;
use crate::spreadsheet::Table;

/// The most rows an export holds.
pub const MAX_ROWS: i64 = 10_000;

/// An event's meetings in venue time with their outcomes, as a spreadsheet table; the export
/// and the staff reports page download it alike.
pub(crate) fn meetings_table(conn: &mut AnyConnection, event_id: &str) -> Result<Table, AppError> {
    let data = EventData::load(conn, event_id)?;
    let requests = meeting_rows::requests_of_event(conn, event_id, None)?;
    let name = |id: &str| {
        data.participant(id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let rows = meeting_rows::meetings_of_event(conn, Some(event_id))?
        .into_iter()
        .filter_map(|m| {
            let r = requests.iter().find(|r| r.id == m.request_id)?;
            let venue = data.plan.venues.iter().find(|v| v.id == m.venue_id)?;
            let local = in_zone(m.starts_at, stored_zone(&venue.time_zone));
            let amount = match (m.follow_up_amount_minor, m.follow_up_currency.as_deref()) {
                (Some(minor), Some(code)) => Currency::parse(code).ok().and_then(|c| {
                    Money::from_minor(minor, c)
                        .amount()
                        .to_string()
                        .parse::<f64>()
                        .ok()
                }),
                _ => None,
            };
            Some(vec![
                m.id.clone().into(),
                m.status.clone().into(),
                local.format("%Y-%m-%d %H:%M").to_string().into(),
                venue.time_zone.clone().into(),
                venue.name.clone().into(),
                if m.is_group { "room" } else { "table" }.into(),
                i64::from(m.seat).into(),
                name(&r.investor_participant_id).into(),
                name(&r.host_participant_id).into(),
                m.attendance.clone().into(),
                m.follow_up.clone().into(),
                amount.into(),
                m.follow_up_currency.clone().into(),
            ])
        })
        .collect();
    Ok(Table {
        name: "meetings",
        headers: vec![
            "id",
            "status",
            "starts_at",
            "time_zone",
            "venue",
            "place",
            "seat",
            "investor",
            "host",
            "attendance",
            "follow_up",
            "amount",
            "currency",
        ],
        rows,
    })
}

/// Which event's outcomes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutcomeFilter {
    /// Only this event.
    pub event_id: Option<String>,
}
