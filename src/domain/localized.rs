//! Text that every person-facing field carries in both languages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Text in Indonesian and English.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}
