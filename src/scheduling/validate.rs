//! An independent check of a schedule against its instance: it shares no code with the solver.

use std::collections::{HashMap, HashSet};

use super::instance::{Instance, Schedule};

/// Every broken constraint, in words; empty when the schedule is valid.
pub fn validate(instance: &Instance, schedule: &Schedule) -> Vec<String> {
    let mut errors = Vec::new();
    let mut placed = HashSet::new();
    let mut seats = HashSet::new();
    let mut busy: HashMap<(u32, u32), u32> = HashMap::new();
    let mut meetings_of: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    for a in &schedule.assignments {
        let Some(request) = instance.requests.get(a.request as usize) else {
            errors.push(format!("assignment of unknown request {}", a.request));
            continue;
        };
        if !placed.insert(a.request) {
            errors.push(format!("request {} is placed twice", request.id));
        }
        if a.slot as usize >= instance.slots.len() {
            errors.push(format!(
                "request {} is in unknown slot {}",
                request.id, a.slot
            ));
            continue;
        }
        let Some(venue) = instance.venues.get(a.venue as usize) else {
            errors.push(format!(
                "request {} is at unknown venue {}",
                request.id, a.venue
            ));
            continue;
        };
        if !instance.slots[a.slot as usize].is_open(a.venue) {
            errors.push(format!(
                "request {} is at {} in slot {}, when it is closed",
                request.id, venue.name, a.slot
            ));
        }
        let seats_there = if request.group {
            venue.rooms
        } else {
            venue.tables
        };
        if a.seat >= seats_there {
            errors.push(format!(
                "request {} uses seat {} of {} at {}",
                request.id, a.seat, seats_there, venue.name
            ));
        }
        if !seats.insert((a.slot, a.venue, request.group, a.seat)) {
            errors.push(format!(
                "seat {} at {} in slot {} is used twice",
                a.seat, venue.name, a.slot
            ));
        }
        for &party in &request.parties {
            let Some(person) = instance.participants.get(party as usize) else {
                errors.push(format!(
                    "request {} names unknown participant {party}",
                    request.id
                ));
                continue;
            };
            if !person.available.contains(&a.slot) {
                errors.push(format!(
                    "{} is not available in slot {} for {}",
                    person.id, a.slot, request.id
                ));
            }
            if let Some(other) = busy.insert((party, a.slot), a.request) {
                errors.push(format!(
                    "{} has two meetings in slot {} ({} and {})",
                    person.id, a.slot, other, a.request
                ));
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
                errors.push(format!(
                    "{} has {count} meetings on day {day}, over its cap of {}",
                    person.id, person.daily_cap
                ));
            }
        }
        for (i, (s1, v1)) in meetings.iter().enumerate() {
            for (s2, v2) in &meetings[i + 1..] {
                let same_day = instance.slots[*s1 as usize].day == instance.slots[*s2 as usize].day;
                let gap = s1.abs_diff(*s2);
                if same_day && v1 != v2 && gap <= instance.travel_buffer_slots {
                    errors.push(format!(
                        "{} cannot travel between venues in slots {s1} and {s2}",
                        person.id
                    ));
                }
                if same_day && gap > 0 && gap <= instance.min_break_slots {
                    errors.push(format!(
                        "{} has no break between its meetings in slots {s1} and {s2}",
                        person.id
                    ));
                }
            }
        }
    }
    let assigned: HashSet<_> = schedule.assignments.iter().collect();
    for fixed in &instance.fixed {
        if !assigned.contains(fixed) {
            errors.push(format!(
                "confirmed meeting of request {} was moved or dropped",
                fixed.request
            ));
        }
    }
    let mut listed = HashSet::new();
    for u in &schedule.unplaced {
        if placed.contains(&u.request) {
            errors.push(format!("request {} is both placed and unplaced", u.request));
        }
        if u.request as usize >= instance.requests.len() || !listed.insert(u.request) {
            errors.push(format!(
                "unplaced entry {} is unknown or repeated",
                u.request
            ));
        }
    }
    let accounted = placed.len() + listed.len();
    if accounted != instance.requests.len() {
        errors.push(format!(
            "{} requests, but {accounted} placed or listed as unplaced",
            instance.requests.len()
        ));
    }
    errors
}
