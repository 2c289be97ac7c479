//! The demo's events (`data/demo/meetings.json`): a forum in Jakarta and a delegation mission to
//! Tokyo, with participants, requests and a schedule. Dates are written `{+N}`, N days from the
//! day the demo is loaded, so the events always lie ahead.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use crate::auth::AuthenticatedUser;
use crate::clock::now;
use crate::config::MeetingSettings;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::matchmaker::Matchmaker;
use crate::meetings::service::{
    EventData, accept, apply_schedule, best_hosts, decline, insert_request, stored_problem,
};
use crate::models::user;
use crate::reference::Catalogue;
use crate::services::events::{
    self, DelegationInput, EventInput, Leg, RegistrationInput, WindowInput,
    create_delegation_record,
};
use crate::services::requests::RequestInput;

const MEETINGS_JSON: &str = include_str!("../../data/demo/meetings.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoMeetings {
    delegations: Vec<DemoDelegation>,
    events: Vec<DemoEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoDelegation {
    name: String,
    regions: Vec<String>,
    /// Member officials' emails.
    members: Vec<String>,
    travel_buffer_minutes: i32,
    legs: Vec<Leg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEvent {
    event: EventInput,
    participants: Vec<DemoParticipant>,
    /// Each investor asks its best-matching hosts, this many at most.
    requests_per_investor: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoParticipant {
    /// Investor organisation name.
    investor: Option<String>,
    region: Option<String>,
    /// Delegation name.
    delegation: Option<String>,
    time_zone: String,
    #[serde(default)]
    availability: Vec<WindowInput>,
}

/// Replaces every `{+N}` with the date N days after `today`.
fn with_dates(text: &str, today: NaiveDate) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{+") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after
            .find('}')
            .and_then(|end| Some((end, after[..end].parse::<i64>().ok()?)))
        {
            Some((end, days)) => {
                out.push_str(&(today + Duration::days(days)).to_string());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("{+");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Loads the demo events as `staff_id`, inside the caller's transaction.
pub fn load(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    matchmaker: &Matchmaker,
    settings: &MeetingSettings,
    staff_id: &str,
) -> anyhow::Result<usize> {
    let text = with_dates(MEETINGS_JSON, now().date());
    let data: DemoMeetings =
        serde_json::from_str(&text).context("reading data/demo/meetings.json")?;
    let staff_row = user::find(conn, staff_id)?.context("the demo staff account")?;
    let staff = AuthenticatedUser::from_row(staff_row, String::new())?;
    let mut delegations: HashMap<String, String> = HashMap::new();
    for d in &data.delegations {
        let mut members = Vec::new();
        for email in &d.members {
            members.push(
                user::find_by_email(conn, email)?
                    .context("a delegation member")?
                    .id,
            );
        }
        let input = DelegationInput {
            name: d.name.clone(),
            regions: d.regions.clone(),
            members,
            travel_buffer_minutes: d.travel_buffer_minutes,
            legs: d.legs.clone(),
        };
        let record = create_delegation_record(conn, catalogue, &input, staff_id, true)?;
        delegations.insert(d.name.clone(), record.row.id);
    }
    let investors = investor_ids(conn)?;
    for e in &data.events {
        let event = events::insert(conn, &e.event, staff_id, settings.request_expiry_days, true)?;
        for p in &e.participants {
            let input = RegistrationInput {
                investor_id: p
                    .investor
                    .as_ref()
                    .map(|name| {
                        investors
                            .get(name)
                            .cloned()
                            .context(format!("investor {name}"))
                    })
                    .transpose()?,
                region_code: p.region.clone(),
                delegation_id: p
                    .delegation
                    .as_ref()
                    .and_then(|name| delegations.get(name).cloned()),
                time_zone: p.time_zone.clone(),
                daily_cap: None,
                availability: p.availability.clone(),
            };
            events::register(conn, catalogue, &staff, &event.id, &input)?;
        }
        ask_and_answer(conn, matchmaker, &staff, &event.id, e.requests_per_investor)?;
        schedule(conn, &event.id, settings.must_meet_factor)?;
    }
    Ok(data.events.len())
}

fn investor_ids(conn: &mut AnyConnection) -> Result<HashMap<String, String>, AppError> {
    use crate::db::schema::investors;
    use diesel::prelude::*;
    let rows: Vec<(String, String)> = investors::table
        .select((investors::name, investors::id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Each investor asks its best-matching hosts; most requests are accepted, some stay pending
/// and a few are declined, as at a real event.
fn ask_and_answer(
    conn: &mut AnyConnection,
    matchmaker: &Matchmaker,
    staff: &AuthenticatedUser,
    event_id: &str,
    per_investor: usize,
) -> Result<(), AppError> {
    let data = EventData::load(conn, event_id)?;
    let mut asked = 0usize;
    for investor in data
        .participants
        .iter()
        .filter(|p| p.row.kind == "investor")
    {
        let best = best_hosts(conn, matchmaker, &data, investor, per_investor, 0.0)?;
        for (_, host) in best {
            let input = RequestInput {
                investor: investor.row.id.clone(),
                host: host.row.id.clone(),
                message: format!(
                    "{} would like to meet {} about its investment projects.",
                    investor.name, host.name
                ),
                project_id: None,
                preferred: Vec::new(),
            };
            let mut request = insert_request(
                conn,
                matchmaker,
                &data,
                (investor, host),
                &input,
                "investor",
                &staff.id,
            )?;
            asked += 1;
            match asked % 9 {
                4 => {}
                8 => decline(
                    conn,
                    &data,
                    &mut request,
                    &staff.id,
                    Some("Our agenda is full that day.".into()),
                )?,
                _ => accept(conn, &data, &mut request, staff)?,
            }
        }
    }
    Ok(())
}

fn schedule(
    conn: &mut AnyConnection,
    event_id: &str,
    must_meet_factor: f64,
) -> Result<(), AppError> {
    let data = EventData::load(conn, event_id)?;
    let problem = stored_problem(conn, &data, true, must_meet_factor)?;
    let schedule = problem.solve(true);
    apply_schedule(conn, &data, &problem, &schedule, false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dates_become_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        assert_eq!(
            with_dates("{+0} and {+3}T09:00, {x} {+", today),
            "2026-12-30 and 2027-01-02T09:00, {x} {+"
        );
    }
}
