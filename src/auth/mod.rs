//! Accounts: password hashing, access and refresh tokens, the signed-in caller as an extractor,
//! and the policy of who may do what.

pub mod accounts;
pub mod extractor;
pub mod password;
pub mod policy;
pub mod tokens;

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumString};
use utoipa::ToSchema;

pub use extractor::{AuthenticatedUser, MaybeUser};

/// What a user is on the platform.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsRefStr, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// A user of an investor organisation.
    Investor,
    /// Staff of one regional government.
    Official,
    /// Programme staff: review, verify, arrange.
    Staff,
    /// Platform operator.
    Admin,
}
