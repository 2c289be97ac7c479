//! Value types and pure rules of the domain: no HTTP and no SQL in here.

pub mod localized;
pub mod money;
pub mod project;
pub mod status;
pub mod text;

pub use localized::Localized;
pub use money::{Currency, Money, MoneyJson};
