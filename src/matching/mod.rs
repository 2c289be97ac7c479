//! The matchmaking engine: scores investor–project pairs by sector, Smart City dimension, ticket
//! size, region, stage and instruments, and thesis text, and explains each score in Indonesian and
//! English. Pure: no HTTP and no SQL in here; `crate::services::matches` feeds it from the database.
//!
//! - [`facts`]: projects and mandates with their codes interned, the input of everything else.
//! - [`components`]: the scoring rules, one function per component.
//! - [`index`]: the in-memory index that ranks 100,000 projects for one mandate in about a millisecond.
//! - [`plain`]: the same ranking computed the obvious way, which the index is tested against.
//! - [`text`]: tokens, stop words and BM25 statistics for thesis–project relevance.
//! - [`explain`]: the reasons a person reads.
//! - [`synthetic`]: generated corpora for tests and benchmarks.

pub mod components;
pub mod explain;
pub mod facts;
pub mod index;
pub mod plain;
pub mod synthetic;
pub mod text;

pub use components::{Components, Weights};
pub use facts::{MandateFacts, ProjectFacts, Taxonomy};
pub use index::{MatchFilter, ProjectIndex, Ranked};

#[cfg(test)]
mod tests;
