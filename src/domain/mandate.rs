//! What an investor looks for: the mandate that matching scores projects against.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::project::{Instrument, Stage};

/// A ticket size range with its currency.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// Decimal string in major units.
    #[schema(example = "5000000")]
    pub min: String,
    #[schema(example = "20000000")]
    pub max: String,
    #[schema(example = "USD")]
    pub currency: String,
}

/// What an investor looks for. Empty `regions` and `provinces` mean anywhere.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mandate {
    /// ISIC codes at any level; a division covers all its classes.
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub excluded_sectors: Vec<String>,
    #[serde(default)]
    pub dimensions: Vec<String>,
    #[serde(default)]
    pub elements: Vec<String>,
    /// Regency or city codes.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Province codes.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Prefers the regions around the new capital IKN.
    #[serde(default)]
    pub ikn_related: bool,
    pub ticket: Option<Ticket>,
    #[serde(default)]
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub instruments: Vec<Instrument>,
    /// The investment thesis in the investor's words.
    #[serde(default)]
    pub thesis: String,
    /// Whether regions may see this investor in their matches.
    #[serde(default)]
    pub discoverable: bool,
}
