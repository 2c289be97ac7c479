//! Database rows, insert and update forms, and the queries of each table.

pub mod conversation;
pub mod deal;
pub mod event;
pub mod file;
pub mod investor;
pub mod job;
pub mod matching;
pub mod meeting;
pub mod notification;
pub mod project;
pub mod reference;
pub mod region;
pub mod saved_search;
pub mod user;

/// The JSON text stored in a list or map column.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
