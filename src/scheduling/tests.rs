//! The solver against the independent validator, and small cases worked by hand.

use super::generate::{Tier, instance};
use super::instance::{Assignment, Instance, Participant, Reason, Request, Slot, Unplaced, Venue};
use super::{replan, solve, validate};

fn person(id: &str, available: &[u32]) -> Participant {
    Participant {
        id: id.into(),
        available: available.to_vec(),
        daily_cap: 8,
    }
}

fn request(id: &str, parties: &[u32], weight: f64) -> Request {
    Request {
        id: id.into(),
        parties: parties.to_vec(),
        weight,
        group: false,
        preferred: Vec::new(),
    }
}

fn small(participants: Vec<Participant>, requests: Vec<Request>, tables: u32) -> Instance {
    Instance {
        slots: vec![Slot::on_day(0), Slot::on_day(0), Slot::on_day(0)],
        venues: vec![Venue {
            name: "Hall".into(),
            tables,
            rooms: 1,
        }],
        participants,
        requests,
        travel_buffer_slots: 1,
        min_break_slots: 0,
        fixed: Vec::new(),
    }
}

#[test]
fn every_generated_tier_gets_a_valid_schedule() {
    for (tier, seed) in [
        (Tier::S, 1),
        (Tier::S, 2),
        (Tier::M, 1),
        (Tier::L, 1),
        (Tier::H, 1),
    ] {
        let instance = instance(tier, seed);
        let schedule = solve(&instance);
        assert_eq!(
            validate(&instance, &schedule),
            Vec::<String>::new(),
            "{tier:?} seed {seed}"
        );
        let share = schedule.objective(&instance) / super::bound::capacity_bound(&instance);
        assert!(
            share > 0.5,
            "{tier:?} seed {seed}: {share:.3} of the capacity bound"
        );
    }
}

#[test]
fn the_same_instance_gives_the_same_schedule() {
    let instance = instance(Tier::S, 7);
    assert_eq!(solve(&instance), solve(&instance));
}

#[test]
fn a_heavier_request_displaces_a_lighter_one_that_can_move() {
    // A and B can only meet in slot 0; A and C anywhere. Placing A–C first in slot 0 would block
    // A–B: the solver must end with both.
    let people = vec![
        person("A", &[0, 1, 2]),
        person("B", &[0]),
        person("C", &[0, 1, 2]),
    ];
    let instance = small(
        people,
        vec![request("AC", &[0, 2], 0.9), request("AB", &[0, 1], 0.8)],
        1,
    );
    let schedule = solve(&instance);
    assert_eq!(validate(&instance, &schedule), Vec::<String>::new());
    assert_eq!(schedule.assignments.len(), 2);
}

#[test]
fn a_confirmed_meeting_stays_where_it_is() {
    let people = vec![
        person("A", &[0, 1, 2]),
        person("B", &[0, 1, 2]),
        person("C", &[0, 1, 2]),
    ];
    let mut instance = small(
        people,
        vec![request("AB", &[0, 1], 0.5), request("AC", &[0, 2], 0.9)],
        1,
    );
    instance.fixed = vec![Assignment {
        request: 0,
        slot: 2,
        venue: 0,
        seat: 0,
    }];
    let schedule = solve(&instance);
    assert_eq!(validate(&instance, &schedule), Vec::<String>::new());
    assert!(schedule.assignments.contains(&Assignment {
        request: 0,
        slot: 2,
        venue: 0,
        seat: 0
    }));
}

#[test]
fn unplaced_requests_say_why() {
    let people = vec![
        person("A", &[0]),
        person("B", &[1]),
        person("C", &[0]),
        person("D", &[0]),
    ];
    let requests = vec![
        request("AB", &[0, 1], 1.0),
        request("AC", &[0, 2], 1.0),
        request("AD", &[0, 3], 0.5),
    ];
    let schedule = solve(&small(people, requests, 1));
    let reasons: Vec<(u32, Reason)> = schedule
        .unplaced
        .iter()
        .map(|u| (u.request, u.reason))
        .collect();
    assert_eq!(
        reasons,
        [(0, Reason::NoCommonAvailability), (2, Reason::Capacity)]
    );
}

#[test]
fn the_validator_catches_every_kind_of_violation() {
    let people = vec![
        person("A", &[0, 1]),
        person("B", &[0]),
        person("C", &[1, 2]),
    ];
    let mut instance = small(
        people,
        vec![request("AB", &[0, 1], 1.0), request("AC", &[0, 2], 1.0)],
        1,
    );
    instance.venues.push(Venue {
        name: "Annex".into(),
        tables: 1,
        rooms: 0,
    });
    let good = solve(&instance);
    assert_eq!(validate(&instance, &good), Vec::<String>::new());
    let cases: [(&str, Vec<Assignment>); 4] = [
        (
            "unavailable",
            vec![Assignment {
                request: 1,
                slot: 0,
                venue: 0,
                seat: 0,
            }],
        ),
        (
            "double booked",
            vec![
                Assignment {
                    request: 0,
                    slot: 0,
                    venue: 0,
                    seat: 0,
                },
                Assignment {
                    request: 1,
                    slot: 0,
                    venue: 1,
                    seat: 0,
                },
            ],
        ),
        (
            "no such table",
            vec![Assignment {
                request: 0,
                slot: 0,
                venue: 0,
                seat: 3,
            }],
        ),
        (
            "travel",
            vec![
                Assignment {
                    request: 0,
                    slot: 0,
                    venue: 0,
                    seat: 0,
                },
                Assignment {
                    request: 1,
                    slot: 1,
                    venue: 1,
                    seat: 0,
                },
            ],
        ),
    ];
    for (case, assignments) in cases {
        let mut bad = good.clone();
        bad.assignments = assignments;
        bad.unplaced.clear();
        assert!(!validate(&instance, &bad).is_empty(), "{case}");
    }
}

#[test]
fn a_replan_after_a_cancellation_or_a_new_request_moves_no_confirmed_meeting() {
    let mut instance = instance(Tier::S, 4);
    let first = solve(&instance);
    // Half the meetings are confirmed.
    instance.fixed = first.assignments.iter().step_by(2).copied().collect();
    let cancelled = first.assignments[1].request;
    let after_cancel = replan(&instance, &first, &[cancelled]);
    assert_eq!(validate(&instance, &after_cancel), Vec::<String>::new());
    assert!(
        after_cancel
            .unplaced
            .iter()
            .any(|u| u.request == cancelled && u.reason == Reason::Cancelled)
    );
    assert!(after_cancel.assignments.len() + 1 >= first.assignments.len());

    let (a, b) = (
        instance.requests[0].parties[0],
        instance.requests[5].parties[1],
    );
    instance.requests.push(request("new", &[a, b], 5.0));
    let after_add = replan(&instance, &first, &[]);
    assert_eq!(validate(&instance, &after_add), Vec::<String>::new());
    let placed_before: f64 = first.objective(&instance);
    assert!(
        after_add.objective(&instance) >= placed_before,
        "a re-plan never loses weight"
    );
}

#[test]
fn breaks_and_closed_venues_are_respected() {
    let people = vec![
        person("A", &[0, 1, 2]),
        person("B", &[0, 1, 2]),
        person("C", &[0, 1, 2]),
    ];
    let mut instance = small(
        people,
        vec![request("AB", &[0, 1], 1.0), request("AC", &[0, 2], 0.9)],
        1,
    );
    instance.min_break_slots = 1;
    instance.slots[0].venues = Some(Vec::new());
    let schedule = solve(&instance);
    assert_eq!(validate(&instance, &schedule), Vec::<String>::new());
    // The hall is closed in slot 0 and A needs a free slot between meetings: only one fits.
    assert_eq!(schedule.assignments.len(), 1);
    assert_eq!(schedule.assignments[0].request, 0);

    let mut bad = schedule.clone();
    bad.assignments = vec![
        Assignment {
            request: 0,
            slot: 1,
            venue: 0,
            seat: 0,
        },
        Assignment {
            request: 1,
            slot: 2,
            venue: 0,
            seat: 0,
        },
    ];
    bad.unplaced.clear();
    assert!(!validate(&instance, &bad).is_empty(), "no break");
    bad.assignments = vec![Assignment {
        request: 0,
        slot: 0,
        venue: 0,
        seat: 0,
    }];
    bad.unplaced = vec![Unplaced {
        request: 1,
        reason: Reason::Capacity,
    }];
    assert!(!validate(&instance, &bad).is_empty(), "closed venue");
}

#[test]
fn delegation_meetings_that_share_several_parties_are_counted_once() {
    // A delegation (D) of two regions (R1, R2) meets two investors; the regions also meet
    // alone. Every meeting shares two or more parties with another.
    let people = vec![
        person("I1", &[0, 1, 2]),
        person("I2", &[0, 1, 2]),
        person("D", &[0, 1, 2]),
        person("R1", &[0, 1, 2]),
        person("R2", &[0, 1, 2]),
    ];
    let group = |id: &str, investor: u32, weight: f64| {
        let mut r = request(id, &[investor, 2, 3, 4], weight);
        r.group = true;
        r
    };
    let requests = vec![
        group("D-I1", 0, 0.5),
        group("D-I2", 1, 0.9),
        request("R1-I1", &[0, 3], 0.7),
        request("R2-I2", &[1, 4], 0.8),
    ];
    let mut instance = small(people, requests, 2);
    instance.venues[0].rooms = 1;
    for p in &mut instance.participants {
        p.daily_cap = 2;
    }
    let schedule = solve(&instance);
    assert_eq!(validate(&instance, &schedule), Vec::<String>::new());
    assert!(schedule.objective(&instance) >= 2.4 - 1e-9, "{schedule:?}");
}

#[test]
fn a_request_goes_to_a_preferred_slot_when_one_is_free() {
    let people = vec![person("investor", &[0, 1, 2]), person("region", &[0, 1, 2])];
    let mut asked = request("asked", &[0, 1], 1.0);
    let unplaced = solve(&small(people.clone(), vec![asked.clone()], 1));
    asked.preferred = vec![2];
    let preferred = solve(&small(people.clone(), vec![asked.clone()], 1));
    assert_ne!(
        unplaced.assignments[0].slot, 2,
        "the case tests the preference"
    );
    assert_eq!(preferred.assignments[0].slot, 2);
    // A preferred slot nobody can meet in does not keep the meeting out.
    asked.preferred = vec![7];
    let elsewhere = solve(&small(people, vec![asked], 1));
    assert_eq!(elsewhere.assignments.len(), 1);
}
