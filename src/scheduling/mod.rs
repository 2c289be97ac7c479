//! The meeting scheduler: places accepted meeting requests into (slot, venue, table or room) to
//! maximise the total priority placed. Pure: no HTTP and no SQL in here.
//!
//! - [`instance`]: the problem and the schedule, as JSON documented in docs/scheduling.md.
//! - [`solver`]: a deterministic greedy placement improved by ejection moves.
//! - [`validate`]: an independent check of every constraint of a schedule.
//! - [`generate`]: the benchmark's instance family (tiers S, M, L, H).
//! - [`bound`]: a quick upper bound on what any schedule can place.

pub mod bound;
pub mod generate;
pub mod instance;
pub mod solver;
pub mod validate;

pub use instance::{Assignment, Instance, Request, Schedule, Unplaced};
pub use solver::{replan, solve};
pub use validate::{Violation, validate, violations};

#[cfg(test)]
mod tests;
