//! Meetings around the scheduler: event time, the problem built from stored rows, calendars, and
//! the operations the API runs (requests, scheduling jobs, notifications).

pub mod ics;
pub mod jobs;
pub mod plan;
pub mod service;
pub mod time;
