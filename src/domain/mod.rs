//! Value types and pure rules of the domain: no HTTP and no SQL in here.

pub mod localized;
pub mod mandate;
pub mod money;
pub mod outcome;
pub mod project;
pub mod status;
pub mod text;

pub use localized::Localized;
pub use money::{Currency, Money, MoneyJson};
