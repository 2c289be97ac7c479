//! Rows of the reference tables: regions, sectors, Smart City dimensions, exchange rates.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::AnyConnection;
use crate::db::schema::{dimensions, elements, exchange_rates, regions, sectors};

/// A province or a regency/city with its Kemendagri code.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = regions)]
pub struct Region {
    /// Kemendagri code: `73` for a province, `73.73` for a regency or city.
    #[schema(example = "73.73")]
    pub code: String,
    pub province_code: String,
    pub name: String,
    /// `province`, `kabupaten` (regency) or `kota` (city).
    pub kind: String,
    pub lat: f64,
    pub lng: f64,
    /// WIB, WITA or WIT.
    pub tz_abbr: String,
    /// IANA time zone, e.g. `Asia/Makassar`.
    pub iana_tz: String,
    pub area_km2: f64,
    pub population: i64,
    /// How the region relates to the new capital IKN (host or buffer), as commonly cited;
    /// there is no official list.
    pub ikn_relation: Option<String>,
    pub ikn_basis: Option<String>,
}

/// An ISIC Rev.4 code at one of its four levels.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, Deserialize, ToSchema)]
#[diesel(table_name = sectors)]
pub struct Sector {
    #[schema(example = "3510")]
    pub code: String,
    /// `section`, `division`, `group` or `class`.
    pub level: String,
    pub parent_code: Option<String>,
    pub section: String,
    /// The English title (ISIC Rev.4).
    pub title: String,
    /// The Indonesian title (the project's own translation, after KBLI 2020 where it matches).
    #[serde(default)]
    pub title_id: String,
}

impl Sector {
    /// Whether every word is the start of a word of the English or the Indonesian title.
    pub fn matches_words(&self, words: &[String]) -> bool {
        let mut titles = crate::domain::text::tokens(&self.title);
        titles.extend(crate::domain::text::tokens(&self.title_id));
        words
            .iter()
            .all(|w| titles.iter().any(|t| t.starts_with(w.as_str())))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = dimensions)]
pub struct DimensionRow {
    pub code: String,
    pub position: i32,
    pub name_en: String,
    pub name_id: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = elements)]
pub struct Element {
    #[schema(example = "ENV-3")]
    pub code: String,
    pub dimension_code: String,
    pub name_en: String,
    pub name_id: String,
}

/// How many units of `currency` one US dollar bought on `rate_date`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Deserialize)]
#[diesel(table_name = exchange_rates)]
pub struct ExchangeRateRow {
    pub currency: String,
    pub rate_date: NaiveDate,
    pub units_per_usd: String,
    pub source: String,
}

pub fn all_regions(conn: &mut AnyConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .order(regions::code)
        .select(Region::as_select())
        .load(conn)
}

pub fn all_sectors(conn: &mut AnyConnection) -> QueryResult<Vec<Sector>> {
    sectors::table
        .order(sectors::code)
        .select(Sector::as_select())
        .load(conn)
}

pub fn all_dimensions(conn: &mut AnyConnection) -> QueryResult<Vec<DimensionRow>> {
    dimensions::table
        .order(dimensions::position)
        .select(DimensionRow::as_select())
        .load(conn)
}

pub fn all_elements(conn: &mut AnyConnection) -> QueryResult<Vec<Element>> {
    elements::table
        .order(elements::code)
        .select(Element::as_select())
        .load(conn)
}

/// The newest rate of each currency dated today or earlier.
pub fn latest_rates(conn: &mut AnyConnection) -> QueryResult<Vec<ExchangeRateRow>> {
    let today = chrono::Utc::now().date_naive();
    let rows: Vec<ExchangeRateRow> = exchange_rates::table
        .filter(exchange_rates::rate_date.le(today))
        .order((exchange_rates::currency, exchange_rates::rate_date.desc()))
        .select(ExchangeRateRow::as_select())
        .load(conn)?;
    let mut latest: Vec<ExchangeRateRow> = Vec::new();
    for row in rows {
        if latest
            .last()
            .is_none_or(|last| last.currency != row.currency)
        {
            latest.push(row);
        }
    }
    Ok(latest)
}

/// Stores a day's rates, replacing what was stored for that currency and day.
pub fn put_rates(conn: &mut AnyConnection, rates: &[ExchangeRateRow]) -> QueryResult<()> {
    for rate in rates {
        let updated = diesel::update(exchange_rates::table.find((&rate.currency, rate.rate_date)))
            .set((
                exchange_rates::units_per_usd.eq(&rate.units_per_usd),
                exchange_rates::source.eq(&rate.source),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(exchange_rates::table)
                .values(rate)
                .execute(conn)?;
        }
    }
    Ok(())
}
