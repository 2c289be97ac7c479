//! Outcome reports for staff: meetings held, no-shows and follow-ups by event, region and
//! Smart City dimension, as JSON or CSV.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthenticatedUser;
use crate::auth::policy::{self, Task};
use crate::clock::now;
use crate::db::AnyConnection;
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matchmaker::{rates, to_usd};
use crate::meetings::service::EventData;
use crate::models::meeting::{self as rows, MeetingRow};
use crate::models::project;
use crate::reference::Catalogue;
use crate::services::meetings::{Meeting, meeting_view};
use crate::spreadsheet::Table;

/// The tally of one event, region or dimension.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct OutcomeLine {
    /// event, region or dimension.
    pub group: String,
    /// Event id, region code or dimension code (`unspecified` for meetings about no project).
    pub key: String,
    pub name: String,
    /// Meetings that were not cancelled.
    pub meetings: i64,
    pub held: i64,
    pub no_show: i64,
    /// Meetings without a recorded outcome yet.
    pub awaiting_outcome: i64,
    pub letters_of_intent: i64,
    pub site_visits: i64,
    pub mous: i64,
    pub investments_realised: i64,
    /// Follow-up amounts, in US dollars at the latest rates.
    pub amount_usd: f64,
}

impl OutcomeLine {
    fn add(&mut self, m: &MeetingRow, usd: f64) {
        self.meetings += 1;
        match m.attendance.as_deref() {
            Some("held") => self.held += 1,
            Some("no_show") => self.no_show += 1,
            _ => self.awaiting_outcome += 1,
        }
        match m.follow_up.as_deref() {
            Some("letter_of_intent") => self.letters_of_intent += 1,
            Some("site_visit") => self.site_visits += 1,
            Some("mou") => self.mous += 1,
            Some("investment_realised") => self.investments_realised += 1,
            _ => {}
        }
        self.amount_usd += usd;
    }
}

/// The outcome report.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeReport {
    pub by_event: Vec<OutcomeLine>,
    pub by_region: Vec<OutcomeLine>,
    pub by_dimension: Vec<OutcomeLine>,
}

crate::domain::vocabulary! {
    /// How the outcome report is answered.
    pub enum ReportFormat {
        Json,
        Csv,
    }
}

/// Report parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Only this event.
    pub event_id: Option<String>,
    /// Default json.
    #[param(inline)]
    pub format: Option<ReportFormat>,
}

/// The report's three groupings (staff); the API answers with it and the staff reports page
/// draws it.
#[tracing::instrument(skip_all)]
pub fn outcomes(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: Option<&str>,
) -> Result<OutcomeReport, AppError> {
    policy::may(user, Task::ReadReports)?;
    tally(conn, catalogue, event_id)
}

fn tally(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    event_id: Option<&str>,
) -> Result<OutcomeReport, AppError> {
    let meetings: Vec<MeetingRow> = rows::meetings_of_event(conn, event_id)?
        .into_iter()
        .filter(|m| !m.is_cancelled())
        .collect();
    let rates = rates(conn)?;
    let mut events: HashMap<String, EventData> = HashMap::new();
    let mut requests = HashMap::new();
    for m in &meetings {
        if !events.contains_key(&m.event_id) {
            events.insert(m.event_id.clone(), EventData::load(conn, &m.event_id)?);
            for r in rows::requests_of_event(conn, &m.event_id, None)? {
                requests.insert(r.id.clone(), r);
            }
        }
    }
    let projects: Vec<String> = requests
        .values()
        .filter_map(|r| r.project_id.clone())
        .collect();
    let codes = project::codes_of(conn, &projects)?;
    let mut by_event: BTreeMap<String, OutcomeLine> = BTreeMap::new();
    let mut by_region: BTreeMap<String, OutcomeLine> = BTreeMap::new();
    let mut by_dimension: BTreeMap<String, OutcomeLine> = BTreeMap::new();
    for m in &meetings {
        let (Some(data), Some(request)) = (events.get(&m.event_id), requests.get(&m.request_id))
        else {
            continue;
        };
        let usd = match (m.follow_up_amount_minor, m.follow_up_currency.as_deref()) {
            (Some(minor), Some(code)) => Currency::parse(code)
                .ok()
                .and_then(|c| to_usd(Money::from_minor(minor, c), &rates))
                .unwrap_or(0.0),
            _ => 0.0,
        };
        line(&mut by_event, "event", &m.event_id, &data.plan.event.name).add(m, usd);
        let host = data.participant(&request.host_participant_id);
        let regions = host.map(|h| data.regions_of(h)).unwrap_or_default();
        for region in &regions {
            let name = catalogue
                .region(region)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            line(&mut by_region, "region", region, &name).add(m, usd);
        }
        let dimensions = request
            .project_id
            .as_ref()
            .and_then(|p| codes.get(p))
            .map(|c| c.dimensions.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| vec!["unspecified".to_owned()]);
        for d in &dimensions {
            let name = catalogue
                .dimension_rows()
                .find(|row| &row.code == d)
                .map_or_else(
                    || "Not about one project".to_owned(),
                    |row| row.name_en.clone(),
                );
            line(&mut by_dimension, "dimension", d, &name).add(m, usd);
        }
    }
    let rounded = |map: BTreeMap<String, OutcomeLine>| {
        map.into_values()
            .map(|mut l| {
                l.amount_usd = l.amount_usd.round();
                l
            })
            .collect()
    };
    Ok(OutcomeReport {
        by_event: rounded(by_event),
        by_region: rounded(by_region),
        by_dimension: rounded(by_dimension),
    })
}

pub fn line<'a>(
    map: &'a mut BTreeMap<String, OutcomeLine>,
    group: &str,
    key: &str,
    name: &str,
) -> &'a mut OutcomeLine {
    map.entry(key.to_owned()).or_insert_with(|| OutcomeLine {
        group: group.to_owned(),
        key: key.to_owned(),
        name: name.to_owned(),
        ..OutcomeLine::default()
    })
}

/// The report as a spreadsheet, a line per event, then region, then dimension (staff).
#[tracing::instrument(skip_all)]
pub fn outcome_sheet(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    user: &AuthenticatedUser,
    event_id: Option<&str>,
) -> Result<Table, AppError> {
    let report = outcomes(conn, catalogue, user, event_id)?;
    let lines = report
        .by_event
        .into_iter()
        .chain(report.by_region)
        .chain(report.by_dimension)
        .collect();
    Ok(outcome_table(lines))
}

/// The report as a spreadsheet table.
fn outcome_table(lines: Vec<OutcomeLine>) -> Table {
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.group.into(),
                l.key.into(),
                l.name.into(),
                l.meetings.into(),
                l.held.into(),
                l.no_show.into(),
                l.awaiting_outcome.into(),
                l.letters_of_intent.into(),
                l.site_visits.into(),
                l.mous.into(),
                l.investments_realised.into(),
                l.amount_usd.into(),
            ]
        })
        .collect();
    Table {
        name: "outcomes",
        headers: vec![
            "group",
            "key",
            "name",
            "meetings",
            "held",
            "no_show",
            "awaiting_outcome",
            "letters_of_intent",
            "site_visits",
            "mous",
            "investments_realised",
            "amount_usd",
        ],
        rows,
    }
}

/// Past meetings of the event (or of all events) that are neither cancelled nor given an
/// outcome, earliest first, as the viewer sees them.
#[tracing::instrument(skip_all)]
pub fn awaiting_outcome(
    conn: &mut AnyConnection,
    user: &AuthenticatedUser,
    event: Option<&str>,
) -> Result<Vec<Meeting>, AppError> {
    policy::may(user, Task::ReadReports)?;
    let mut events: HashMap<String, Rc<EventData>> = HashMap::new();
    let mut past: Vec<_> = rows::meetings_of_event(conn, event)?
        .into_iter()
        .filter(|m| !m.is_cancelled() && m.attendance.is_none() && m.ends_at <= now())
        .collect();
    past.sort_by_key(|m| m.starts_at);
    let mut out = Vec::new();
    for meeting in past {
        let data = match events.get(&meeting.event_id) {
            Some(d) => d.clone(),
            None => {
                let d = Rc::new(EventData::load(conn, &meeting.event_id)?);
                events.insert(meeting.event_id.clone(), d.clone());
                d
            }
        };
        if let Some(request) = rows::find_request(conn, &meeting.request_id)? {
            out.push(meeting_view(&data, user, &request, &meeting, None));
        }
    }
    Ok(out)
}
