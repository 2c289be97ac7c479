//! Downloads for spreadsheets: projects, investors, an investor's matches, an event's meetings
//! and the outcome report, each as `.csv` or `.xlsx` with the same columns.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::db::AnyConnection;
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matching::MatchFilter;
use crate::meetings::service::EventData;
use crate::meetings::time::{in_zone, stored_zone};
use crate::models::investor as investor_rows;
use crate::models::meeting as meeting_rows;
use crate::reference::Catalogue;
use crate::services::investors::InvestorQuery;
use crate::services::matches::ranked_projects;
use crate::services::paging;
use crate::services::projects::{ProjectQuery, Search};
use crate::spreadsheet::Table;
use crate::spreadsheet::{Cell, list};
use crate::state::AppState;

/// The most rows an export holds.
pub const MAX_ROWS: i64 = 10_000;

/// An event's meetings in venue time with their outcomes, as a spreadsheet table; the export
/// and the staff reports page download it alike.
#[tracing::instrument(skip_all, fields(event_id = %event_id))]
pub fn meetings_sheet(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event_id: &str,
) -> Result<Table, AppError> {
    policy::may(user, Task::ExportData)?;
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
                m.status.name().into(),
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

/// The projects a search finds, as the list would show them to the caller, at most [`MAX_ROWS`].
#[tracing::instrument(skip_all)]
pub fn projects_sheet(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    viewer: Option<&AuthenticatedUser>,
    query: &ProjectQuery,
) -> Result<Table, AppError> {
    // The list's query, refused where the list refuses it, though the sheet holds every page.
    paging(query.page, query.per_page)?;
    let search = Search::from_query(catalogue, viewer, query)?;
    let (projects, _) = search.run(conn, catalogue, viewer, 0, MAX_ROWS)?;
    let rows = projects
        .into_iter()
        .map(|p| {
            vec![
                p.id.into(),
                p.region.into(),
                p.region_name.into(),
                p.title.en.into(),
                p.title.id.into(),
                list(&p.sectors),
                list(&p.dimensions),
                list(&p.elements),
                p.stage.into(),
                list(&p.instruments),
                p.value.amount.parse::<f64>().ok().into(),
                p.value.currency.into(),
                p.status.as_ref().into(),
                p.published_at.map(|t| t.to_rfc3339()).into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "projects",
        headers: vec![
            "id",
            "region",
            "region_name",
            "title_en",
            "title_id",
            "sectors",
            "dimensions",
            "elements",
            "stage",
            "instruments",
            "value",
            "currency",
            "status",
            "published_at",
        ],
        rows,
    })
}

/// Investors with their contacts, filtered as the staff list is (staff only).
#[tracing::instrument(skip_all)]
pub fn investors_sheet(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    query: &InvestorQuery,
) -> Result<Table, AppError> {
    policy::may(user, Task::ExportData)?;
    // The list's query, refused where the list refuses it, though the sheet holds every page.
    paging(query.page, query.per_page)?;
    let (found, _) = investor_rows::list(conn, &query.filter(true)?, 0, MAX_ROWS)?;
    let rows = found
        .into_iter()
        .map(|(i, mandate)| {
            vec![
                i.id.into(),
                i.name.into(),
                i.kind.into(),
                i.country.into(),
                if i.verified_at.is_some() { "yes" } else { "no" }.into(),
                i.website.into(),
                i.contact_name.into(),
                i.contact_email.into(),
                i.contact_phone.into(),
                mandate.map(|m| m.thesis).into(),
            ]
        })
        .collect();
    Ok(Table {
        name: "investors",
        headers: vec![
            "id",
            "name",
            "kind",
            "country",
            "verified",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "thesis",
        ],
        rows,
    })
}

/// The investor's top 100 matches with their reasons (the investor itself and staff).
#[tracing::instrument(skip_all, fields(investor_id = %investor_id))]
pub fn matches_sheet(
    conn: &mut AnyConnection,
    app: &AppState,
    user: &AuthenticatedUser,
    investor_id: &str,
) -> Result<Table, AppError> {
    let (matches, _) = ranked_projects(
        conn,
        app,
        user,
        investor_id,
        &MatchFilter::default(),
        0,
        100,
    )?;
    let rows = matches
        .into_iter()
        .enumerate()
        .map(|(rank, m)| {
            vec![
                (rank as i64 + 1).into(),
                m.score.into(),
                m.project.id.into(),
                m.project.title.en.into(),
                m.project.region_name.into(),
                m.project.value.amount.parse::<f64>().ok().into(),
                m.project.value.currency.into(),
                Cell::Text(
                    m.reasons
                        .iter()
                        .map(|r| r.en.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            ]
        })
        .collect();
    Ok(Table {
        name: "matches",
        headers: vec![
            "rank",
            "score",
            "project_id",
            "title",
            "region",
            "value",
            "currency",
            "reasons",
        ],
        rows,
    })
}
