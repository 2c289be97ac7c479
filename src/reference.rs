//! The shipped reference data (regions, ISIC sectors, Smart City dimensions, sample exchange
//! rates), loaded into the database idempotently at start, and the in-memory [`Catalogue`] that
//! validates codes against it.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{dimensions, elements, exchange_rates, regions, sectors};
use crate::db::{AnyConnection, write_transaction};
use crate::error::AppError;
use crate::models::reference::{
    self as rows, DimensionRow, Element, ExchangeRateRow, Region, Sector,
};

const PROVINCES: &str = include_str!("../data/reference/id_provinces.csv");
const REGENCIES: &str = include_str!("../data/reference/id_regencies.csv");
const IKN_RELATED: &str = include_str!("../data/reference/ikn_related_regions.csv");
const ISIC: &str = include_str!("../data/reference/isic_rev4.csv");
const ISIC_ID: &str = include_str!("../data/reference/isic_rev4_id.csv");
const DIMENSIONS: &str = include_str!("../data/reference/smart_city_dimensions.csv");
const SAMPLE_RATES: &str = include_str!("../data/exchange_rates_sample.csv");

/// Indonesian names of the six dimensions, in the programme's order.
const DIMENSION_NAMES_ID: [(&str, &str); 6] = [
    ("GOV", "Tata Kelola Cerdas"),
    ("BRA", "Branding Daerah Cerdas"),
    ("ECO", "Ekonomi Cerdas"),
    ("LIV", "Lingkungan Hidup Cerdas"),
    ("SOC", "Masyarakat Cerdas"),
    ("ENV", "Lingkungan Cerdas"),
];

#[derive(Deserialize)]
struct ProvinceCsv {
    code: String,
    name: String,
    lat: f64,
    lng: f64,
    tz_abbr: String,
    iana_tz: String,
    area_km2: f64,
    population: i64,
}

#[derive(Deserialize)]
struct RegencyCsv {
    code: String,
    province_code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    lat: f64,
    lng: f64,
    tz_abbr: String,
    iana_tz: String,
    area_km2: f64,
    population: i64,
}

#[derive(Deserialize)]
struct IknCsv {
    code: String,
    relation: String,
    basis: String,
}

#[derive(Deserialize)]
struct SectorNameCsv {
    code: String,
    title_id: String,
}

#[derive(Deserialize)]
struct DimensionCsv {
    dimension_code: String,
    dimension: String,
    element_code: String,
    element_id: String,
    element_en: String,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("reading shipped reference file {name}"))
}

fn region_rows() -> anyhow::Result<Vec<Region>> {
    let ikn: HashMap<String, IknCsv> = parse_csv::<IknCsv>("ikn_related_regions.csv", IKN_RELATED)?
        .into_iter()
        .map(|r| (r.code.clone(), r))
        .collect();
    let provinces = parse_csv::<ProvinceCsv>("id_provinces.csv", PROVINCES)?
        .into_iter()
        .map(|p| Region {
            province_code: p.code.clone(),
            code: p.code,
            name: p.name,
            kind: "province".into(),
            lat: p.lat,
            lng: p.lng,
            tz_abbr: p.tz_abbr,
            iana_tz: p.iana_tz,
            area_km2: p.area_km2,
            population: p.population,
            ikn_relation: None,
            ikn_basis: None,
        });
    let regencies = parse_csv::<RegencyCsv>("id_regencies.csv", REGENCIES)?
        .into_iter()
        .map(|r| {
            let ikn = ikn.get(&r.code);
            Region {
                ikn_relation: ikn.map(|i| i.relation.clone()),
                ikn_basis: ikn.map(|i| i.basis.clone()),
                code: r.code,
                province_code: r.province_code,
                name: r.name,
                kind: r.kind,
                lat: r.lat,
                lng: r.lng,
                tz_abbr: r.tz_abbr,
                iana_tz: r.iana_tz,
                area_km2: r.area_km2,
                population: r.population,
            }
        });
    Ok(provinces.chain(regencies).collect())
}

/// The ISIC codes with their English titles and the Indonesian ones of `isic_rev4_id.csv`; a code
/// without an Indonesian name is an error of the shipped files.
fn sector_rows() -> anyhow::Result<Vec<Sector>> {
    let names: HashMap<String, String> = parse_csv::<SectorNameCsv>("isic_rev4_id.csv", ISIC_ID)?
        .into_iter()
        .map(|n| (n.code, n.title_id))
        .collect();
    parse_csv::<Sector>("isic_rev4.csv", ISIC)?
        .into_iter()
        .map(|mut sector| {
            sector.title_id = names
                .get(&sector.code)
                .filter(|n| !n.trim().is_empty())
                .with_context(|| format!("no Indonesian name for ISIC {}", sector.code))?
                .clone();
            Ok(sector)
        })
        .collect()
}

fn dimension_rows() -> anyhow::Result<(Vec<DimensionRow>, Vec<Element>)> {
    let csv = parse_csv::<DimensionCsv>("smart_city_dimensions.csv", DIMENSIONS)?;
    let mut dims: Vec<DimensionRow> = Vec::new();
    let mut elems = Vec::new();
    for row in csv {
        if !dims.iter().any(|d| d.code == row.dimension_code) {
            let name_id = DIMENSION_NAMES_ID
                .iter()
                .find(|(code, _)| *code == row.dimension_code)
                .map(|(_, name)| (*name).to_owned())
                .with_context(|| format!("no Indonesian name for {}", row.dimension_code))?;
            dims.push(DimensionRow {
                code: row.dimension_code.clone(),
                position: i32::try_from(dims.len())?,
                name_en: row.dimension.clone(),
                name_id,
            });
        }
        elems.push(Element {
            code: row.element_code,
            dimension_code: row.dimension_code,
            name_en: row.element_en,
            name_id: row.element_id,
        });
    }
    Ok((dims, elems))
}

/// Inserts whatever shipped reference rows the database lacks; running it again changes nothing.
pub fn load(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let regions_csv = region_rows()?;
    let sectors_csv = sector_rows()?;
    let (dims, elems) = dimension_rows()?;
    let rates = parse_csv::<ExchangeRateRow>("exchange_rates_sample.csv", SAMPLE_RATES)?;
    /// Inserts the rows whose key the table does not hold yet.
    macro_rules! insert_missing {
        ($conn:expr, $table:ident, $key:ident, $rows:expr) => {{
            let have: HashSet<String> = $table::table
                .select($table::$key)
                .load($conn)?
                .into_iter()
                .collect();
            for row in $rows.iter().filter(|r| !have.contains(&r.$key)) {
                diesel::insert_into($table::table)
                    .values(row)
                    .execute($conn)?;
            }
        }};
    }
    write_transaction(conn, |conn| {
        insert_missing!(conn, regions, code, regions_csv);
        insert_missing!(conn, sectors, code, sectors_csv);
        // Rows loaded before the Indonesian names were shipped get them now.
        let unnamed: HashSet<String> = sectors::table
            .filter(sectors::title_id.eq(""))
            .select(sectors::code)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        for sector in sectors_csv.iter().filter(|s| unnamed.contains(&s.code)) {
            diesel::update(sectors::table.find(&sector.code))
                .set(sectors::title_id.eq(&sector.title_id))
                .execute(conn)?;
        }
        insert_missing!(conn, dimensions, code, dims);
        insert_missing!(conn, elements, code, elems);
        let have_rates: i64 = exchange_rates::table.count().get_result(conn)?;
        if have_rates == 0 {
            for row in &rates {
                diesel::insert_into(exchange_rates::table)
                    .values(row)
                    .execute(conn)?;
            }
        }
        Ok::<_, AppError>(())
    })
    .map_err(|e| anyhow::anyhow!("loading reference data: {e:?}"))
}

/// What the catalogue knows of one region.
#[derive(Debug, Clone)]
pub struct RegionRef {
    pub province_code: String,
    pub name: String,
    pub kind: String,
    pub ikn_related: bool,
    /// The centroid's latitude and longitude in degrees, for the map of opportunities.
    pub lat: f64,
    pub lng: f64,
}

impl From<Region> for RegionRef {
    fn from(r: Region) -> Self {
        RegionRef {
            province_code: r.province_code,
            name: r.name,
            kind: r.kind,
            ikn_related: r.ikn_relation.is_some(),
            lat: r.lat,
            lng: r.lng,
        }
    }
}

/// The reference codes in memory: validating input and expanding sector codes never needs a query.
#[derive(Debug, Clone)]
pub struct Catalogue {
    sectors: HashMap<String, Sector>,
    dimensions: BTreeMap<String, DimensionRow>,
    elements: HashMap<String, Element>,
    regions: HashMap<String, RegionRef>,
}

impl Catalogue {
    /// Builds the catalogue straight from the shipped files, for work without a database
    /// (benchmarks, generated corpora).
    pub fn from_shipped_files() -> anyhow::Result<Self> {
        let (dims, elems) = dimension_rows()?;
        Ok(Catalogue {
            sectors: sector_rows()?
                .into_iter()
                .map(|s| (s.code.clone(), s))
                .collect(),
            dimensions: dims.into_iter().map(|d| (d.code.clone(), d)).collect(),
            elements: elems.into_iter().map(|e| (e.code.clone(), e)).collect(),
            regions: region_rows()?
                .into_iter()
                .map(|r| (r.code.clone(), RegionRef::from(r)))
                .collect(),
        })
    }

    /// Reads the reference tables (after [`load`]).
    pub fn read(conn: &mut AnyConnection) -> anyhow::Result<Self> {
        Ok(Catalogue {
            sectors: rows::all_sectors(conn)?
                .into_iter()
                .map(|s| (s.code.clone(), s))
                .collect(),
            dimensions: rows::all_dimensions(conn)?
                .into_iter()
                .map(|d| (d.code.clone(), d))
                .collect(),
            elements: rows::all_elements(conn)?
                .into_iter()
                .map(|e| (e.code.clone(), e))
                .collect(),
            regions: rows::all_regions(conn)?
                .into_iter()
                .map(|r| (r.code.clone(), RegionRef::from(r)))
                .collect(),
        })
    }

    /// Every ISIC code, in no particular order.
    pub fn sectors(&self) -> impl Iterator<Item = &Sector> {
        self.sectors.values()
    }

    /// Every region with its code, in no particular order.
    pub fn regions(&self) -> impl Iterator<Item = (&String, &RegionRef)> {
        self.regions.iter()
    }

    pub fn sector(&self, code: &str) -> Option<&Sector> {
        self.sectors.get(code)
    }

    /// The code and every coarser code above it (class → group → division → section).
    pub fn sector_with_ancestors(&self, code: &str) -> Vec<String> {
        let mut chain = Vec::new();
        let mut next = self.sectors.get(code);
        while let Some(sector) = next {
            chain.push(sector.code.clone());
            next = sector
                .parent_code
                .as_deref()
                .and_then(|p| self.sectors.get(p));
        }
        chain
    }

    /// The ISIC division a KBLI 2020 code falls in: its first two digits, when that division exists.
    pub fn kbli_division(&self, kbli: &str) -> Option<&Sector> {
        if kbli.len() != 5 || !kbli.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.sectors
            .get(&kbli[..2])
            .filter(|s| s.level == "division")
    }

    pub fn is_dimension(&self, code: &str) -> bool {
        self.dimensions.contains_key(code)
    }

    /// The dimension an element belongs to (`ENV-3` → `ENV`).
    pub fn element_dimension(&self, code: &str) -> Option<&str> {
        self.elements.get(code).map(|e| e.dimension_code.as_str())
    }

    pub fn region(&self, code: &str) -> Option<&RegionRef> {
        self.regions.get(code)
    }

    pub fn is_province(&self, code: &str) -> bool {
        self.regions.get(code).is_some_and(|r| r.kind == "province")
    }

    pub fn dimension_rows(&self) -> impl Iterator<Item = &DimensionRow> {
        let mut dims: Vec<&DimensionRow> = self.dimensions.values().collect();
        dims.sort_by_key(|d| d.position);
        dims.into_iter()
    }

    pub fn elements_of<'a>(&'a self, dimension: &'a str) -> impl Iterator<Item = &'a Element> {
        let mut elems: Vec<&Element> = self
            .elements
            .values()
            .filter(|e| e.dimension_code == dimension)
            .collect();
        elems.sort_by(|a, b| a.code.cmp(&b.code));
        elems.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_hold_every_province_regency_and_sector() {
        let regions = region_rows().unwrap();
        assert_eq!(regions.iter().filter(|r| r.kind == "province").count(), 38);
        assert_eq!(regions.iter().filter(|r| r.kind != "province").count(), 514);
        assert_eq!(
            regions.iter().filter(|r| r.ikn_relation.is_some()).count(),
            4
        );
        assert_eq!(parse_csv::<Sector>("isic", ISIC).unwrap().len(), 766);
        let (dims, elems) = dimension_rows().unwrap();
        assert_eq!((dims.len(), elems.len()), (6, 18));
    }

    #[test]
    fn every_isic_code_has_an_indonesian_name() {
        let names = parse_csv::<SectorNameCsv>("isic_rev4_id.csv", ISIC_ID).unwrap();
        let codes: HashSet<&str> = names.iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes.len(), names.len(), "each code is named once");
        let sectors = sector_rows().expect("every code has an Indonesian name");
        assert_eq!(sectors.len(), 766);
        assert_eq!(codes.len(), 766, "no name for a code ISIC lacks");
        for sector in &sectors {
            assert!(!sector.title_id.trim().is_empty(), "{}", sector.code);
        }
        let electricity = sectors.iter().find(|s| s.code == "3510").unwrap();
        assert!(electricity.matches_words(&["listrik".to_owned()]));
        assert!(electricity.matches_words(&["electric".to_owned()]));
    }
}
