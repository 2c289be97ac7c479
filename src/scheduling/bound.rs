//! A quick upper bound on the objective, to tell how close a schedule is to the best possible.
//!
//! Each participant can attend at most `k = Σ_days min(daily cap, slots available that day)`
//! meetings. Give every request to one of its parties (here the one with the smallest `k`): no
//! schedule places more of a participant's requests than its `k`, so the sum over participants of
//! their `k` heaviest requests bounds every schedule. It is weaker than the LP relaxation.

use std::collections::HashMap;

use super::instance::Instance;

/// The participant-capacity upper bound on the total weight any schedule can place.
pub fn capacity_bound(instance: &Instance) -> f64 {
    let capacity: Vec<usize> = instance
        .participants
        .iter()
        .map(|p| {
            let mut per_day: HashMap<u32, usize> = HashMap::new();
            for &s in &p.available {
                if let Some(slot) = instance.slots.get(s as usize) {
                    *per_day.entry(slot.day).or_default() += 1;
                }
            }
            per_day.values().map(|&n| n.min(p.daily_cap as usize)).sum()
        })
        .collect();
    let mut owned: HashMap<u32, Vec<f64>> = HashMap::new();
    for r in &instance.requests {
        let common = (0..instance.slots.len() as u32).any(|s| {
            r.parties
                .iter()
                .all(|&p| instance.participants[p as usize].available.contains(&s))
        });
        if !common {
            continue;
        }
        let owner = r
            .parties
            .iter()
            .copied()
            .min_by_key(|&p| (capacity[p as usize], p))
            .unwrap_or(0);
        owned.entry(owner).or_default().push(r.weight);
    }
    owned
        .into_iter()
        .map(|(p, mut weights)| {
            weights.sort_by(|a, b| b.total_cmp(a));
            weights.iter().take(capacity[p as usize]).sum::<f64>()
        })
        .sum()
}
