//! Reference lists: sectors (ISIC Rev.4), Smart City dimensions, countries, currencies, rates.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::models::reference::{Element, Sector};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SectorQuery {
    /// Only this level: section, division, group or class.
    pub level: Option<String>,
    /// Only the direct children of this code.
    pub parent: Option<String>,
    /// Words in the title.
    pub q: Option<String>,
}

/// A sector with its children, for the whole tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorNode {
    #[serde(flatten)]
    pub sector: Sector,
    #[schema(no_recursion)]
    pub children: Vec<SectorNode>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SectorList {
    Tree { items: Vec<SectorNode> },
    Flat { items: Vec<Sector> },
}

pub fn tree(all: &[Sector], parent: Option<&str>) -> Vec<SectorNode> {
    all.iter()
        .filter(|s| s.parent_code.as_deref() == parent)
        .map(|s| SectorNode {
            sector: s.clone(),
            children: tree(all, Some(&s.code)),
        })
        .collect()
}

/// A Smart City dimension and its three elements.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dimension {
    #[schema(example = "ENV")]
    pub code: String,
    pub name_en: String,
    pub name_id: String,
    pub elements: Vec<Element>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Country {
    /// ISO 3166-1 alpha-2.
    #[schema(example = "JP")]
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyInfo {
    #[schema(example = "IDR")]
    pub code: String,
    pub name: String,
    /// Decimal places of the minor unit in ISO 4217.
    pub minor_digits: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExchangeRate {
    pub currency: String,
    /// The day the rate is for.
    pub date: chrono::NaiveDate,
    /// Units of `currency` per US dollar, as a decimal string.
    pub units_per_usd: String,
    /// Where the rate came from; `sample` marks the indicative rates shipped for demonstration.
    pub source: String,
}
