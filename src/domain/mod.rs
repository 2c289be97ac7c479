//! Value types and pure rules of the domain: no HTTP and no SQL in here.

/// A closed vocabulary: a fieldless enum that is stored, sent and parsed as the snake_case
/// names of its variants, and can list them all (for forms and tests).
macro_rules! vocabulary {
    ($(#[$attr:meta])* $vis:vis enum $name:ident { $($body:tt)* }) => {
        $(#[$attr])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            strum::AsRefStr,
            strum::IntoStaticStr,
            strum::EnumString,
            strum::EnumIter,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        $vis enum $name { $($body)* }
    };
}
pub(crate) use vocabulary;

pub mod country;
pub mod deal;
pub mod localized;
pub mod mandate;
pub mod money;
pub mod outcome;
pub mod project;
pub mod status;
pub mod text;

pub use localized::Localized;
pub use money::{Currency, Money, MoneyJson};
