//! The one clock: every stored time comes from here, so its precision is the same everywhere.

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current time as stored: UTC, to the microsecond (both backends keep microseconds).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
