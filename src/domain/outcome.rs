//! What came of a meeting: whether it was held, and how far the investment got afterwards.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::MoneyJson;

vocabulary! {
    /// Stages after a meeting, in order.
    pub enum FollowUpStage {
        LetterOfIntent,
        SiteVisit,
        Mou,
        InvestmentRealised,
    }
}

vocabulary! {
    /// Whether the meeting took place.
    pub enum Attendance {
        Held,
        NoShow,
    }
}

/// Where a meeting led.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub stage: FollowUpStage,
    /// The amount committed or realised, when there is one.
    pub amount: Option<MoneyJson>,
}
