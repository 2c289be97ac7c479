//! What the engine knows of projects and mandates, with every code interned to a small integer so
//! that scoring compares integers and looks up tables.

use std::collections::HashMap;

use strum::IntoEnumIterator;

use crate::domain::Money;
use crate::domain::project::{Instrument, Stage};
use crate::reference::Catalogue;

/// An ISIC code's position in [`Taxonomy::sectors`].
pub type SectorId = u16;
/// A region's position in [`Taxonomy::regions`].
pub type RegionId = u16;

/// One ISIC code with its ancestors: `chain[level]` is the code at each level (section, division,
/// group, class) down to its own, `None` below it.
#[derive(Debug, Clone)]
pub struct SectorNode {
    pub code: String,
    pub title: String,
    /// The Indonesian title.
    pub title_id: String,
    /// 0 section, 1 division, 2 group, 3 class.
    pub level: usize,
    pub chain: [Option<SectorId>; 4],
}

#[derive(Debug, Clone)]
pub struct RegionNode {
    pub code: String,
    pub name: String,
    pub province: RegionId,
    pub ikn_related: bool,
}

/// The reference data the engine scores with, interned.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub sectors: Vec<SectorNode>,
    sector_ids: HashMap<String, SectorId>,
    pub regions: Vec<RegionNode>,
    region_ids: HashMap<String, RegionId>,
    /// Dimension codes in bit order (GOV = bit 0 … ENV = bit 5).
    pub dimensions: Vec<(String, String, String)>,
    /// Element codes in bit order with their English and Indonesian names.
    pub elements: Vec<(String, String, String)>,
}

const LEVELS: [&str; 4] = ["section", "division", "group", "class"];

impl Taxonomy {
    pub fn from_catalogue(catalogue: &Catalogue) -> Self {
        let mut sectors: Vec<SectorNode> = Vec::new();
        let mut sector_ids = HashMap::new();
        let mut codes: Vec<&crate::models::reference::Sector> = catalogue.sectors().collect();
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        for s in &codes {
            sector_ids.insert(s.code.clone(), sectors.len() as SectorId);
            sectors.push(SectorNode {
                code: s.code.clone(),
                title: s.title.clone(),
                title_id: s.title_id.clone(),
                level: LEVELS.iter().position(|l| *l == s.level).unwrap_or(3),
                chain: [None; 4],
            });
        }
        for id in 0..sectors.len() {
            let mut chain = [None; 4];
            for code in catalogue.sector_with_ancestors(&sectors[id].code) {
                if let Some(&ancestor) = sector_ids.get(&code) {
                    chain[sectors[ancestor as usize].level] = Some(ancestor);
                }
            }
            sectors[id].chain = chain;
        }
        let mut region_list: Vec<(String, crate::reference::RegionRef)> = catalogue
            .regions()
            .map(|(c, r)| (c.clone(), r.clone()))
            .collect();
        region_list.sort_by(|a, b| a.0.cmp(&b.0));
        let region_ids: HashMap<String, RegionId> = region_list
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (c.clone(), i as RegionId))
            .collect();
        let regions = region_list
            .into_iter()
            .map(|(code, r)| RegionNode {
                province: region_ids.get(&r.province_code).copied().unwrap_or(0),
                code,
                name: r.name,
                ikn_related: r.ikn_related,
            })
            .collect();
        let dimensions: Vec<(String, String, String)> = catalogue
            .dimension_rows()
            .map(|d| (d.code.clone(), d.name_en.clone(), d.name_id.clone()))
            .collect();
        let elements = dimensions
            .iter()
            .flat_map(|(d, _, _)| {
                catalogue
                    .elements_of(d)
                    .map(|e| (e.code.clone(), e.name_en.clone(), e.name_id.clone()))
            })
            .collect();
        Taxonomy {
            sectors,
            sector_ids,
            regions,
            region_ids,
            dimensions,
            elements,
        }
    }

    pub fn sector(&self, code: &str) -> Option<SectorId> {
        self.sector_ids.get(code).copied()
    }

    pub fn region(&self, code: &str) -> Option<RegionId> {
        self.region_ids.get(code).copied()
    }

    /// The bit of a dimension code.
    pub fn dimension_bit(&self, code: &str) -> Option<u8> {
        self.dimensions
            .iter()
            .position(|(c, _, _)| c == code)
            .map(|i| 1 << i)
    }

    /// The bit of an element code.
    pub fn element_bit(&self, code: &str) -> Option<u32> {
        self.elements
            .iter()
            .position(|(c, _, _)| c == code)
            .map(|i| 1 << i)
    }

    /// The bits of the dimension codes among `codes` (other codes are ignored).
    pub fn dimension_mask<'c>(&self, codes: impl IntoIterator<Item = &'c String>) -> u8 {
        codes
            .into_iter()
            .filter_map(|c| self.dimension_bit(c))
            .fold(0, |mask, bit| mask | bit)
    }

    /// The bits of the element codes among `codes` (other codes are ignored).
    pub fn element_mask<'c>(&self, codes: impl IntoIterator<Item = &'c String>) -> u32 {
        codes
            .into_iter()
            .filter_map(|c| self.element_bit(c))
            .fold(0, |mask, bit| mask | bit)
    }

    /// The dimension bits that a set of element bits belongs to (three elements per dimension).
    pub fn dimensions_of_elements(&self, elements: u32) -> u8 {
        (0..self.dimensions.len())
            .filter(|d| elements & (0b111 << (d * 3)) != 0)
            .fold(0, |mask, d| mask | (1 << d))
    }

    /// Every region that is a province.
    pub fn is_province(&self, id: RegionId) -> bool {
        self.regions[id as usize].province == id
    }
}

/// The bit of a stage (in workflow order) and of an instrument.
pub fn stage_ordinal(stage: Stage) -> u8 {
    Stage::iter().position(|s| s == stage).unwrap_or(0) as u8
}

pub fn instrument_bit(instrument: Instrument) -> u8 {
    1 << Instrument::iter()
        .position(|i| i == instrument)
        .unwrap_or(0)
}

/// A published project as the engine sees it.
#[derive(Debug, Clone)]
pub struct ProjectFacts {
    pub id: String,
    pub region: RegionId,
    /// The ISIC codes given, plus the division of its KBLI code.
    pub sectors: Vec<SectorId>,
    pub dimensions: u8,
    pub elements: u32,
    /// Position of the stage in [`Stage`] order.
    pub stage: u8,
    pub instruments: u8,
    /// The value as stated.
    pub value: Money,
    /// The value in US dollars at the latest rate, when the currency has one.
    pub value_usd: Option<f64>,
    /// Titles and descriptions in both languages.
    pub text: String,
}

/// A mandate as the engine sees it. Empty lists mean "no preference".
#[derive(Debug, Clone, Default)]
pub struct MandateFacts {
    pub sectors: Vec<SectorId>,
    pub excluded_sectors: Vec<SectorId>,
    pub dimensions: u8,
    pub elements: u32,
    pub regions: Vec<RegionId>,
    pub provinces: Vec<RegionId>,
    pub ikn_related: bool,
    /// The ticket range as stated.
    pub ticket: Option<(Money, Money)>,
    /// The ticket range in US dollars.
    pub ticket_usd: Option<(f64, f64)>,
    /// Bits of the stages sought (by [`stage_ordinal`]).
    pub stages: u8,
    pub instruments: u8,
    pub thesis: String,
}
