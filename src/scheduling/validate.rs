//! An independent check of a schedule against its instance: it shares no code with the solver.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::instance::{Instance, Schedule};

/// A broken constraint, with the parties, places and slots it concerns, so that a page can word
/// it in its reader's language; its `Display` is the English sentence the API gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// An assignment of a request index the instance does not have.
    UnknownRequest {
        request: u32,
    },
    /// A request (by id) placed more than once.
    PlacedTwice {
        request: String,
    },
    UnknownSlot {
        request: String,
        slot: u32,
    },
    UnknownVenue {
        request: String,
        venue: u32,
    },
    /// A meeting at a venue in a slot when the venue is closed.
    Closed {
        request: String,
        venue: String,
        slot: u32,
    },
    /// A seat (from 0) beyond the venue's tables, or rooms for a group meeting.
    NoSuchSeat {
        request: String,
        seat: u32,
        seats: u32,
        venue: String,
        group: bool,
    },
    /// Two meetings at one table or room in one slot.
    SeatTaken {
        seat: u32,
        venue: String,
        slot: u32,
        group: bool,
    },
    UnknownParticipant {
        request: String,
        party: u32,
    },
    /// A participant (by id) meeting outside its availability.
    Unavailable {
        participant: String,
        slot: u32,
        request: String,
    },
    /// A participant with two meetings in one slot (request indices).
    DoubleBooked {
        participant: String,
        slot: u32,
        first: u32,
        second: u32,
    },
    /// More meetings on an event day than the participant's daily cap.
    OverCap {
        participant: String,
        day: u32,
        count: u32,
        cap: u32,
    },
    /// Meetings at two venues too close in time to travel between them.
    NoTravelTime {
        participant: String,
        first: u32,
        second: u32,
    },
    /// Meetings closer than the event's minimum break.
    NoBreak {
        participant: String,
        first: u32,
        second: u32,
    },
    /// A confirmed meeting (by request index) that is not where it was.
    FixedMoved {
        request: u32,
    },
    PlacedAndUnplaced {
        request: u32,
    },
    UnplacedUnknown {
        request: u32,
    },
    /// Requests neither placed nor listed as unplaced.
    Unaccounted {
        requests: usize,
        accounted: usize,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::UnknownRequest { request } => {
                write!(f, "assignment of unknown request {request}")
            }
            Violation::PlacedTwice { request } => write!(f, "request {request} is placed twice"),
            Violation::UnknownSlot { request, slot } => {
                write!(f, "request {request} is in unknown slot {slot}")
            }
            Violation::UnknownVenue { request, venue } => {
                write!(f, "request {request} is at unknown venue {venue}")
            }
            Violation::Closed {
                request,
                venue,
                slot,
            } => write!(
                f,
                "request {request} is at {venue} in slot {slot}, when it is closed"
            ),
            Violation::NoSuchSeat {
                request,
                seat,
                seats,
                venue,
                ..
            } => write!(
                f,
                "request {request} uses seat {seat} of {seats} at {venue}"
            ),
            Violation::SeatTaken {
                seat, venue, slot, ..
            } => write!(f, "seat {seat} at {venue} in slot {slot} is used twice"),
            Violation::UnknownParticipant { request, party } => {
                write!(f, "request {request} names unknown participant {party}")
            }
            Violation::Unavailable {
                participant,
                slot,
                request,
            } => write!(
                f,
                "{participant} is not available in slot {slot} for {request}"
            ),
            Violation::DoubleBooked {
                participant,
                slot,
                first,
                second,
            } => write!(
                f,
                "{participant} has two meetings in slot {slot} ({first} and {second})"
            ),
            Violation::OverCap {
                participant,
                day,
                count,
                cap,
            } => write!(
                f,
                "{participant} has {count} meetings on day {day}, over its cap of {cap}"
            ),
            Violation::NoTravelTime {
                participant,
                first,
                second,
            } => write!(
                f,
                "{participant} cannot travel between venues in slots {first} and {second}"
            ),
            Violation::NoBreak {
                participant,
                first,
                second,
            } => write!(
                f,
                "{participant} has no break between its meetings in slots {first} and {second}"
            ),
            Violation::FixedMoved { request } => write!(
                f,
                "confirmed meeting of request {request} was moved or dropped"
            ),
            Violation::PlacedAndUnplaced { request } => {
                write!(f, "request {request} is both placed and unplaced")
            }
            Violation::UnplacedUnknown { request } => {
                write!(f, "unplaced entry {request} is unknown or repeated")
            }
            Violation::Unaccounted {
                requests,
                accounted,
            } => write!(
                f,
                "{requests} requests, but {accounted} placed or listed as unplaced"
            ),
        }
    }
}

/// Every broken constraint, in words; empty when the schedule is valid.
pub fn validate(instance: &Instance, schedule: &Schedule) -> Vec<String> {
    violations(instance, schedule)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Every broken constraint; empty when the schedule is valid.
pub fn violations(instance: &Instance, schedule: &Schedule) -> Vec<Violation> {
    let mut errors = Vec::new();
    let mut placed = HashSet::new();
    let mut seats = HashSet::new();
    let mut busy: HashMap<(u32, u32), u32> = HashMap::new();
    let mut meetings_of: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for a in &schedule.assignments {
        let Some(request) = instance.requests.get(a.request as usize) else {
            errors.push(Violation::UnknownRequest { request: a.request });
            continue;
        };
        if !placed.insert(a.request) {
            errors.push(Violation::PlacedTwice {
                request: request.id.clone(),
            });
        }
        if a.slot as usize >= instance.slots.len() {
            errors.push(Violation::UnknownSlot {
                request: request.id.clone(),
                slot: a.slot,
            });
            continue;
        }
        let Some(venue) = instance.venues.get(a.venue as usize) else {
            errors.push(Violation::UnknownVenue {
                request: request.id.clone(),
                venue: a.venue,
            });
            continue;
        };
        if !instance.slots[a.slot as usize].is_open(a.venue) {
            errors.push(Violation::Closed {
                request: request.id.clone(),
                venue: venue.name.clone(),
                slot: a.slot,
            });
        }
        let seats_there = if request.group {
            venue.rooms
        } else {
            venue.tables
        };
        if a.seat >= seats_there {
            errors.push(Violation::NoSuchSeat {
                request: request.id.clone(),
                seat: a.seat,
                seats: seats_there,
                venue: venue.name.clone(),
                group: request.group,
            });
        }
        if !seats.insert((a.slot, a.venue, request.group, a.seat)) {
            errors.push(Violation::SeatTaken {
                seat: a.seat,
                venue: venue.name.clone(),
                slot: a.slot,
                group: request.group,
            });
        }
        for &party in &request.parties {
            let Some(person) = instance.participants.get(party as usize) else {
                errors.push(Violation::UnknownParticipant {
                    request: request.id.clone(),
                    party,
                });
                continue;
            };
            if !person.available.contains(&a.slot) {
                errors.push(Violation::Unavailable {
                    participant: person.id.clone(),
                    slot: a.slot,
                    request: request.id.clone(),
                });
            }
            if let Some(other) = busy.insert((party, a.slot), a.request) {
                errors.push(Violation::DoubleBooked {
                    participant: person.id.clone(),
                    slot: a.slot,
                    first: other,
                    second: a.request,
                });
            }
            meetings_of
                .entry(party)
                .or_default()
                .push((a.slot, a.venue));
        }
    }
    for (party, meetings) in &meetings_of {
        let person = &instance.participants[*party as usize];
        let mut per_day: HashMap<u32, u32> = HashMap::new();
        for (slot, _) in meetings {
            *per_day
                .entry(instance.slots[*slot as usize].day)
                .or_default() += 1;
        }
        for (day, count) in per_day {
            if count > person.daily_cap {
                errors.push(Violation::OverCap {
                    participant: person.id.clone(),
                    day,
                    count,
                    cap: person.daily_cap,
                });
            }
        }
        for (i, (s1, v1)) in meetings.iter().enumerate() {
            for (s2, v2) in &meetings[i + 1..] {
                let same_day = instance.slots[*s1 as usize].day == instance.slots[*s2 as usize].day;
                let gap = s1.abs_diff(*s2);
                if same_day && v1 != v2 && gap <= instance.travel_buffer_slots {
                    errors.push(Violation::NoTravelTime {
                        participant: person.id.clone(),
                        first: *s1,
                        second: *s2,
                    });
                }
                if same_day && gap > 0 && gap <= instance.min_break_slots {
                    errors.push(Violation::NoBreak {
                        participant: person.id.clone(),
                        first: *s1,
                        second: *s2,
                    });
                }
            }
        }
    }
    let assigned: HashSet<_> = schedule.assignments.iter().collect();
    for fixed in &instance.fixed {
        if !assigned.contains(fixed) {
            errors.push(Violation::FixedMoved {
                request: fixed.request,
            });
        }
    }
    let mut listed = HashSet::new();
    for u in &schedule.unplaced {
        if placed.contains(&u.request) {
            errors.push(Violation::PlacedAndUnplaced { request: u.request });
        }
        if u.request as usize >= instance.requests.len() || !listed.insert(u.request) {
            errors.push(Violation::UnplacedUnknown { request: u.request });
        }
    }
    let accounted = placed.len() + listed.len();
    if accounted != instance.requests.len() {
        errors.push(Violation::Unaccounted {
            requests: instance.requests.len(),
            accounted,
        });
    }
    errors
}
