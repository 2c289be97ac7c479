//! Reference lists: sectors (ISIC Rev.4), Smart City dimensions, countries, currencies, rates.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::AnyConnection;
use crate::error::AppError;
use crate::models::reference as rows;
use crate::models::reference::Element;
/// An ISIC code with its titles in both languages, as the reference lists give it.
pub use crate::models::reference::Sector;

crate::domain::vocabulary! {
    /// The levels of the ISIC tree, from the widest.
    pub enum SectorLevel {
        Section,
        Division,
        Group,
        Class,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SectorQuery {
    /// Only this level.
    #[param(inline)]
    pub level: Option<SectorLevel>,
    /// Only the direct children of this code.
    pub parent: Option<String>,
    /// Words in the title, English or Indonesian (`listrik` finds the electricity sectors);
    /// each word matches the start of a word of either title.
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

/// The tree, or a flat list; the schema is written below, as an object of either shape (a
/// sector node is a sector too, so the shapes overlap and cannot be a `oneOf`).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SectorList {
    Tree { items: Vec<SectorNode> },
    Flat { items: Vec<Sector> },
}

impl utoipa::PartialSchema for SectorList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder};
        let shape = |item: &str, description: &str| {
            ObjectBuilder::new()
                .description(Some(description))
                .property(
                    "items",
                    ArrayBuilder::new().items(utoipa::openapi::Ref::from_schema_name(item)),
                )
                .required("items")
        };
        AnyOfBuilder::new()
            .description(Some(
                "The ISIC tree without filters, else the matching sectors as a flat list.",
            ))
            .item(shape(
                "SectorNode",
                "the whole tree, from the sections down",
            ))
            .item(shape("Sector", "the sectors matching level, parent and q"))
            .into()
    }
}

impl ToSchema for SectorList {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push((SectorNode::name().into(), SectorNode::schema()));
        <SectorNode as ToSchema>::schemas(schemas);
        schemas.push((Sector::name().into(), Sector::schema()));
        <Sector as ToSchema>::schemas(schemas);
    }
}

fn tree(all: &[Sector], parent: Option<&str>) -> Vec<SectorNode> {
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
    /// ISO 3166-1's English short name.
    #[schema(example = "Japan")]
    pub name: String,
    /// The Indonesian name (the project's own translation).
    #[schema(example = "Jepang")]
    pub name_id: String,
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

/// The ISIC tree, or with a level, parent or words the matching sectors as a flat list.
#[tracing::instrument(skip_all)]
pub fn sectors(conn: &mut AnyConnection, query: &SectorQuery) -> Result<SectorList, AppError> {
    let all = rows::all_sectors(conn)?;
    if query.level.is_none() && query.parent.is_none() && query.q.is_none() {
        return Ok(SectorList::Tree {
            items: tree(&all, None),
        });
    }
    let words = query
        .q
        .as_deref()
        .map(crate::domain::text::query_words)
        .transpose()?
        .unwrap_or_default();
    let items = all
        .into_iter()
        .filter(|s| query.level.is_none_or(|l| s.level == l.as_ref()))
        .filter(|s| {
            query
                .parent
                .as_ref()
                .is_none_or(|p| s.parent_code.as_ref() == Some(p))
        })
        .filter(|s| s.matches_words(&words))
        .collect();
    Ok(SectorList::Flat { items })
}

/// The currencies with a rate, by code: those a value can be compared in, offered by the forms.
#[tracing::instrument(skip_all)]
pub fn rated_currencies(conn: &mut AnyConnection) -> Result<Vec<String>, AppError> {
    let mut codes: Vec<String> = rows::latest_rates(conn)?
        .into_iter()
        .map(|r| r.currency)
        .collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The latest dated rate of each currency.
#[tracing::instrument(skip_all)]
pub fn exchange_rates(conn: &mut AnyConnection) -> Result<Vec<ExchangeRate>, AppError> {
    Ok(rows::latest_rates(conn)?
        .into_iter()
        .map(|r| ExchangeRate {
            currency: r.currency,
            date: r.rate_date,
            units_per_usd: r.units_per_usd,
            source: r.source,
        })
        .collect())
}
