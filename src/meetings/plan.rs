//! Turns an event as stored into the scheduler's problem, and the scheduler's answer back into
//! meetings. Pure: the rows come in, the instance and placements go out.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};

use super::time::{local_date, stored_zone, to_utc};
use crate::domain::status::MeetingStatus;
use crate::error::AppError;
use crate::models::event::{Delegation, EventPlan, Participant, Window};
use crate::models::meeting::{MeetingRow, RequestRow};
use crate::scheduling::instance::{self, Assignment, Instance, Schedule, Slot, Venue};

/// One meeting slot of an event: a start shared by the venues open then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSlot {
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// Event day (0 = first date of the event).
    pub day: u32,
    /// Venue positions open in this slot.
    pub venues: Vec<u32>,
}

/// The slots of an event, in time order. Every venue's slots must fall on one grid (starts a
/// whole number of slots apart) so that a participant's meetings never half-overlap.
pub fn slots(plan: &EventPlan) -> Result<Vec<EventSlot>, AppError> {
    let length = Duration::minutes(i64::from(plan.event.slot_minutes));
    let mut dates: Vec<_> = plan.days.iter().map(|d| d.day).collect();
    dates.sort_unstable();
    dates.dedup();
    let mut by_start: HashMap<NaiveDateTime, EventSlot> = HashMap::new();
    for d in &plan.days {
        let Some(position) = plan.venues.iter().position(|v| v.id == d.venue_id) else {
            continue;
        };
        let zone = stored_zone(&plan.venues[position].time_zone);
        let opens = super::time::clock("opens", &d.opens)?;
        let closes = super::time::clock("closes", &d.closes)?;
        let breaks: Vec<(String, String)> = serde_json::from_str(&d.breaks).unwrap_or_default();
        let breaks = breaks
            .iter()
            .map(|(from, to)| {
                Ok((
                    to_utc(
                        "breaks",
                        d.day.and_time(super::time::clock("breaks", from)?),
                        zone,
                    )?,
                    to_utc(
                        "breaks",
                        d.day.and_time(super::time::clock("breaks", to)?),
                        zone,
                    )?,
                ))
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let mut start = to_utc("opens", d.day.and_time(opens), zone)?;
        let close = to_utc("closes", d.day.and_time(closes), zone)?;
        let day = dates.binary_search(&d.day).unwrap_or(0) as u32;
        while start + length <= close {
            let end = start + length;
            if !breaks.iter().any(|(from, to)| start < *to && *from < end) {
                let slot = by_start.entry(start).or_insert_with(|| EventSlot {
                    starts_at: start,
                    ends_at: end,
                    day,
                    venues: Vec::new(),
                });
                slot.venues.push(position as u32);
                slot.day = slot.day.min(day);
            }
            start = end;
        }
    }
    let mut slots: Vec<EventSlot> = by_start.into_values().collect();
    slots.sort_by_key(|s| s.starts_at);
    if let Some(first) = slots.first().map(|s| s.starts_at) {
        let off_grid = slots
            .iter()
            .any(|s| (s.starts_at - first).num_minutes() % length.num_minutes() != 0);
        if off_grid {
            return Err(AppError::validation(
                "venues",
                "every venue's opening times and slots must fall on one grid of slot_minutes",
            ));
        }
    }
    for s in &mut slots {
        s.venues.sort_unstable();
    }
    Ok(slots)
}

/// How much a meeting counts for the scheduler: its match score (at least a small floor, so
/// that an accepted request without a match still counts) times the must-meet factor.
pub fn priority(request: &RequestRow, must_meet_factor: f64) -> f64 {
    let score = request.score.max(0.05);
    if request.must_meet {
        score * must_meet_factor
    } else {
        score
    }
}

/// The scheduling problem of an event, with the maps to turn its answer back into meetings.
pub struct Problem {
    pub instance: Instance,
    pub slots: Vec<EventSlot>,
    /// Request rows in instance order.
    pub requests: Vec<RequestRow>,
    /// The current meetings, as a schedule to start from.
    pub current: Schedule,
}

/// What goes into a problem.
pub struct Inputs<'a> {
    pub plan: &'a EventPlan,
    pub participants: &'a [Participant],
    pub delegations: &'a [Delegation],
    /// Accepted requests.
    pub requests: Vec<RequestRow>,
    /// The event's meetings that are not cancelled.
    pub meetings: &'a [MeetingRow],
    /// Whether confirmed meetings may move (a full re-plan).
    pub full: bool,
    pub must_meet_factor: f64,
}

impl Problem {
    pub fn build(inputs: Inputs<'_>) -> Result<Self, AppError> {
        let plan = inputs.plan;
        let slots = slots(plan)?;
        let slot_minutes = i64::from(plan.event.slot_minutes.max(1));
        let position_of: HashMap<&str, u32> = inputs
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.row.id.as_str(), i as u32))
            .collect();
        let delegation_of: HashMap<&str, &Delegation> = inputs
            .delegations
            .iter()
            .map(|d| (d.row.id.as_str(), d))
            .collect();
        let participants = inputs
            .participants
            .iter()
            .map(|p| {
                let delegation = p
                    .row
                    .delegation_id
                    .as_deref()
                    .and_then(|d| delegation_of.get(d).copied());
                instance::Participant {
                    id: p.row.id.clone(),
                    available: (0..slots.len() as u32)
                        .filter(|&s| {
                            let slot = &slots[s as usize];
                            within_windows(&p.windows, slot)
                                && delegation.is_none_or(|d| on_itinerary(d, plan, slot))
                        })
                        .collect(),
                    daily_cap: p.row.daily_cap.unwrap_or(plan.event.daily_cap).max(0) as u32,
                }
            })
            .collect();
        let region_participants: HashMap<&str, u32> = inputs
            .participants
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.row.region_code.as_deref().map(|r| (r, i as u32)))
            .collect();
        let mut requests = Vec::new();
        let mut kept = Vec::new();
        for r in inputs.requests {
            let (Some(&investor), Some(&host)) = (
                position_of.get(r.investor_participant_id.as_str()),
                position_of.get(r.host_participant_id.as_str()),
            ) else {
                continue;
            };
            let mut parties = vec![investor, host];
            let delegation = inputs.participants[host as usize]
                .row
                .delegation_id
                .as_deref()
                .and_then(|d| delegation_of.get(d));
            if let Some(d) = delegation {
                parties.extend(
                    d.regions
                        .iter()
                        .filter_map(|code| region_participants.get(code.as_str())),
                );
            }
            requests.push(instance::Request {
                id: r.id.clone(),
                parties,
                weight: priority(&r, inputs.must_meet_factor),
                group: delegation.is_some(),
                preferred: preferred_slots(&r, &slots),
            });
            kept.push(r);
        }
        let venues = plan
            .venues
            .iter()
            .map(|v| Venue {
                name: v.name.clone(),
                tables: v.tables.max(0) as u32,
                rooms: v.rooms.max(0) as u32,
            })
            .collect();
        let buffer_minutes = inputs
            .delegations
            .iter()
            .map(|d| d.row.travel_buffer_minutes)
            .chain([plan.event.travel_buffer_minutes])
            .max()
            .unwrap_or(0)
            .max(0);
        let request_of: HashMap<&str, u32> = kept
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i as u32))
            .collect();
        let mut fixed = Vec::new();
        let mut current = Vec::new();
        for m in inputs.meetings {
            let (Some(&request), Ok(slot), Some(venue)) = (
                request_of.get(m.request_id.as_str()),
                slots.binary_search_by_key(&m.starts_at, |s| s.starts_at),
                plan.venues.iter().position(|v| v.id == m.venue_id),
            ) else {
                continue;
            };
            let assignment = Assignment {
                request,
                slot: slot as u32,
                venue: venue as u32,
                seat: (m.seat - 1).max(0) as u32,
            };
            if m.status == MeetingStatus::Confirmed && !inputs.full {
                fixed.push(assignment);
            }
            current.push(assignment);
        }
        let instance = Instance {
            slots: slots
                .iter()
                .map(|s| Slot {
                    day: s.day,
                    venues: (s.venues.len() < plan.venues.len()).then(|| s.venues.clone()),
                })
                .collect(),
            venues,
            participants,
            requests,
            travel_buffer_slots: (i64::from(buffer_minutes) + slot_minutes - 1)
                .div_euclid(slot_minutes) as u32,
            min_break_slots: plan.event.min_break_slots.max(0) as u32,
            fixed,
        };
        Ok(Problem {
            instance,
            slots,
            requests: kept,
            current: Schedule {
                assignments: current,
                unplaced: Vec::new(),
            },
        })
    }

    /// Solves: a re-plan from the current meetings, or from scratch when `full`.
    pub fn solve(&self, full: bool) -> Schedule {
        if full {
            crate::scheduling::solve(&self.instance)
        } else {
            crate::scheduling::replan(&self.instance, &self.current, &[])
        }
    }
}

/// Whether a slot lies inside one of a participant's windows (always, without windows).
/// The positions of the event's slots that start when the request prefers.
fn preferred_slots(request: &RequestRow, slots: &[EventSlot]) -> Vec<u32> {
    let wanted = request.preferred();
    (0..slots.len() as u32)
        .filter(|&s| wanted.contains(&slots[s as usize].starts_at))
        .collect()
}

pub fn within_windows(windows: &[Window], slot: &EventSlot) -> bool {
    windows.is_empty()
        || windows
            .iter()
            .any(|w| w.starts_at <= slot.starts_at && slot.ends_at <= w.ends_at)
}

/// Whether a delegation's itinerary has it in the city of a venue open in the slot, on that
/// venue's local date. A delegation without legs goes wherever the event is.
fn on_itinerary(delegation: &Delegation, plan: &EventPlan, slot: &EventSlot) -> bool {
    if delegation.legs.is_empty() {
        return true;
    }
    slot.venues.iter().any(|&v| {
        let venue = &plan.venues[v as usize];
        let date = local_date(slot.starts_at, stored_zone(&venue.time_zone));
        delegation.legs.iter().any(|leg| {
            leg.city.eq_ignore_ascii_case(&venue.city)
                && leg.starts_on <= date
                && date <= leg.ends_on
        })
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::models::event::{DayRow, DelegationRow, EventRow, LegRow, VenueRow};

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2030, 5, d).unwrap()
    }

    fn venue(id: &str, city: &str, zone: &str, position: i32) -> VenueRow {
        VenueRow {
            id: id.into(),
            event_id: "e".into(),
            position,
            name: id.into(),
            city: city.into(),
            country: "ID".into(),
            time_zone: zone.into(),
            tables: 2,
            rooms: 1,
        }
    }

    fn day(venue: &str, d: u32, opens: &str, closes: &str, breaks: &str) -> DayRow {
        DayRow {
            venue_id: venue.into(),
            event_id: "e".into(),
            day: date(d),
            opens: opens.into(),
            closes: closes.into(),
            breaks: breaks.into(),
        }
    }

    fn plan(venues: Vec<VenueRow>, days: Vec<DayRow>) -> EventPlan {
        let at = date(1).and_hms_opt(0, 0, 0).unwrap();
        EventPlan {
            event: EventRow {
                id: "e".into(),
                name: "Forum".into(),
                kind: "forum".into(),
                description: String::new(),
                slot_minutes: 30,
                travel_buffer_minutes: 30,
                daily_cap: 8,
                min_break_slots: 0,
                online: false,
                registration_deadline: at,
                request_deadline: at,
                request_expiry_days: 7,
                demo: false,
                created_by: "staff".into(),
                created_at: at,
                updated_at: at,
                approval_required: false,
            },
            venues,
            days,
        }
    }

    #[test]
    fn venues_in_two_zones_share_one_slot_grid_and_breaks_remove_slots() {
        // 09:00 in Jakarta (UTC+7) is 10:00 in Makassar (UTC+8).
        let p = plan(
            vec![
                venue("jkt", "Jakarta", "Asia/Jakarta", 0),
                venue("mks", "Makassar", "Asia/Makassar", 1),
            ],
            vec![
                day("jkt", 10, "09:00", "11:00", r#"[["10:00","10:30"]]"#),
                day("mks", 10, "10:00", "11:00", "[]"),
            ],
        );
        let slots = slots(&p).unwrap();
        let open: Vec<(String, Vec<u32>)> = slots
            .iter()
            .map(|s| (s.starts_at.format("%H:%M").to_string(), s.venues.clone()))
            .collect();
        assert_eq!(
            open,
            [
                ("02:00".to_owned(), vec![0, 1]),
                ("02:30".to_owned(), vec![0, 1]),
                ("03:30".to_owned(), vec![0]),
            ]
        );
        let mut off = p.clone();
        off.days[1].opens = "10:10".into();
        assert!(
            super::slots(&off).is_err(),
            "a venue off the grid is refused"
        );
    }

    #[test]
    fn a_delegation_is_available_only_where_its_itinerary_has_it() {
        let p = plan(
            vec![
                venue("tyo", "Tokyo", "Asia/Tokyo", 0),
                venue("osa", "Osaka", "Asia/Tokyo", 1),
            ],
            vec![
                day("tyo", 10, "09:00", "10:00", "[]"),
                day("osa", 11, "09:00", "10:00", "[]"),
            ],
        );
        let slots = slots(&p).unwrap();
        let at = date(1).and_hms_opt(0, 0, 0).unwrap();
        let delegation = Delegation {
            row: DelegationRow {
                id: "d".into(),
                name: "Luwu Raya".into(),
                travel_buffer_minutes: 60,
                demo: false,
                created_by: "staff".into(),
                created_at: at,
            },
            regions: vec!["73.73".into()],
            members: Vec::new(),
            legs: vec![LegRow {
                delegation_id: "d".into(),
                position: 0,
                city: "tokyo".into(),
                country: "JP".into(),
                time_zone: "Asia/Tokyo".into(),
                starts_on: date(9),
                ends_on: date(10),
            }],
        };
        let available: Vec<bool> = slots
            .iter()
            .map(|s| on_itinerary(&delegation, &p, s))
            .collect();
        assert_eq!(available, [true, true, false, false]);
    }
}
