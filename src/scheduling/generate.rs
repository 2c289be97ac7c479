//! The benchmark's instance family: skewed popularity (a few investors are asked far more often
//! than they have slots), narrow time-zone overlaps, 5% group meetings, two venues with a
//! one-slot travel buffer.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Zipf};
use serde::{Deserialize, Serialize};

use super::instance::{Instance, Participant, Request, Slot, Venue};

/// A size of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum Tier {
    /// 200 participants, 1,000 requests, 20 slots.
    S,
    /// 500 participants, 3,000 requests, 24 slots.
    M,
    /// 2,000 participants, 10,000 requests, 40 slots.
    L,
    /// 2,000 participants, 16,000 requests, 24 slots, 200 tables.
    H,
}

impl Tier {
    /// (participants, requests, slots, tables across both venues)
    pub fn size(self) -> (usize, usize, usize, u32) {
        match self {
            Tier::S => (200, 1_000, 20, 50),
            Tier::M => (500, 3_000, 24, 120),
            Tier::L => (2_000, 10_000, 40, 400),
            Tier::H => (2_000, 16_000, 24, 200),
        }
    }
}

/// Generates an instance of a tier; the same seed gives the same instance.
pub fn instance(tier: Tier, seed: u64) -> Instance {
    let (people, requests, slot_count, tables) = tier.size();
    let mut rng = StdRng::seed_from_u64(seed);
    let days = 2usize;
    let per_day = slot_count / days;
    let slots = (0..slot_count)
        .map(|s| Slot::on_day((s / per_day).min(days - 1) as u32))
        .collect();
    let venues = vec![
        Venue {
            name: "Main hall".into(),
            tables: tables / 2,
            rooms: 3,
        },
        Venue {
            name: "Annex".into(),
            tables: tables - tables / 2,
            rooms: 2,
        },
    ];
    let investors = people * 3 / 10;
    let participants: Vec<Participant> = (0..people)
        .map(|i| {
            // Time zones far from the venue leave a narrow window each day.
            let narrow = rng.random_bool(0.3);
            let mut available = Vec::new();
            for day in 0..days {
                if rng.random_bool(0.15) {
                    continue;
                }
                let len = if narrow {
                    rng.random_range(3..=5).min(per_day)
                } else {
                    rng.random_range(per_day / 2..=per_day)
                };
                let start = rng.random_range(0..=per_day - len);
                available.extend((start..start + len).map(|s| (day * per_day + s) as u32));
            }
            let id = if i < investors {
                format!("investor-{i}")
            } else {
                format!("official-{}", i - investors)
            };
            Participant {
                id,
                available,
                daily_cap: rng.random_range(5..=8),
            }
        })
        .collect();
    let popularity = Zipf::new(investors as f64, 1.0).expect("valid Zipf parameters");
    let officials = people - investors;
    let mut seen = HashSet::new();
    let mut list = Vec::with_capacity(requests);
    while list.len() < requests {
        let investor = (popularity.sample(&mut rng) as usize - 1).min(investors - 1) as u32;
        let group = rng.random_bool(0.05);
        let mut parties = vec![investor];
        let size = if group { rng.random_range(3..=5) } else { 2 };
        while parties.len() < size {
            let official = (investors + rng.random_range(0..officials)) as u32;
            if !parties.contains(&official) {
                parties.push(official);
            }
        }
        if !seen.insert(parties.clone()) {
            continue;
        }
        let must_meet = rng.random_bool(0.1);
        let score: f64 = rng.random_range(0.3..1.0);
        list.push(Request {
            id: format!("request-{}", list.len()),
            weight: (score * if must_meet { 2.0 } else { 1.0 } * 1000.0).round() / 1000.0,
            parties,
            group,
            preferred: Vec::new(),
        });
    }
    Instance {
        slots,
        venues,
        participants,
        requests: list,
        travel_buffer_slots: 1,
        min_break_slots: 0,
        fixed: Vec::new(),
    }
}
