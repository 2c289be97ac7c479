//! What came of a meeting: whether it was held, and how far the investment got afterwards.

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString};
use utoipa::ToSchema;

use super::MoneyJson;

/// Stages after a meeting, in order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FollowUpStage {
    LetterOfIntent,
    SiteVisit,
    Mou,
    InvestmentRealised,
}

/// Whether the meeting took place.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Attendance {
    Held,
    NoShow,
}

/// Where a meeting led.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub stage: FollowUpStage,
    /// The amount committed or realised, when there is one.
    pub amount: Option<MoneyJson>,
}
