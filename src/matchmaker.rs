//! Feeds the matching engine from the database: turns rows into facts, keeps a snapshot of the
//! index that is rebuilt whenever the version counter in `match_state` moves (on this instance or
//! any other against the same database), and answers the ranking questions the API asks.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::db::AnyConnection;
use crate::domain::mandate::Mandate;
use crate::domain::project::{Instrument, Stage};
use crate::domain::{Currency, Money};
use crate::error::AppError;
use crate::matching::facts::{MandateFacts, ProjectFacts, Taxonomy, instrument_bit, stage_ordinal};
use crate::matching::{ProjectIndex, Weights};
use crate::models::investor::{InvestorRow, MandateRow};
use crate::models::project::{ProjectCodes, ProjectRow};
use crate::models::reference::latest_rates;
use crate::models::{matching as rows, project};
use crate::reference::Catalogue;

/// Units of each currency per US dollar, at the latest rate.
pub type Rates = HashMap<String, Decimal>;

/// A verified, discoverable investor with its mandate.
#[derive(Debug, Clone)]
pub struct InvestorEntry {
    pub row: InvestorRow,
    pub mandate: MandateFacts,
}

/// Everything the matching answers are computed from, as of one version.
pub struct Snapshot {
    pub version: i64,
    pub index: ProjectIndex,
    pub rates: Rates,
    pub investors: Vec<InvestorEntry>,
}

/// The matching index of this instance, kept fresh.
pub struct Matchmaker {
    taxonomy: Arc<Taxonomy>,
    catalogue: Arc<Catalogue>,
    pub weights: Weights,
    current: RwLock<Arc<Snapshot>>,
    rebuilding: Mutex<()>,
}

impl Matchmaker {
    pub fn new(catalogue: Arc<Catalogue>, weights: Weights) -> Self {
        let taxonomy = Arc::new(Taxonomy::from_catalogue(&catalogue));
        let empty = Snapshot {
            version: i64::MIN,
            index: ProjectIndex::build(taxonomy.clone(), Vec::new()),
            rates: Rates::new(),
            investors: Vec::new(),
        };
        Matchmaker {
            taxonomy,
            catalogue,
            weights,
            current: RwLock::new(Arc::new(empty)),
            rebuilding: Mutex::new(()),
        }
    }

    /// The reference data the index was built with.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// The snapshot for the database's current version, rebuilding it first when it is stale.
    pub fn snapshot(&self, conn: &mut AnyConnection) -> Result<Arc<Snapshot>, AppError> {
        let version = rows::version(conn)?;
        let current = self.current();
        if current.version == version {
            return Ok(current);
        }
        let _one_at_a_time = self.rebuilding.lock().map_err(|_| poisoned())?;
        let current = self.current();
        if current.version == version {
            return Ok(current);
        }
        let fresh = Arc::new(self.build(conn, version)?);
        *self.current.write().map_err(|_| poisoned())? = fresh.clone();
        tracing::info!(
            version,
            projects = fresh.index.len(),
            investors = fresh.investors.len(),
            "matching index rebuilt"
        );
        Ok(fresh)
    }

    fn current(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn build(&self, conn: &mut AnyConnection, version: i64) -> Result<Snapshot, AppError> {
        let rates = rates(conn)?;
        let projects = project::published_with_codes(conn)?
            .into_iter()
            .filter_map(|(row, codes)| self.project_facts(&row, &codes, &rates))
            .collect();
        let investors = rows::discoverable_investors(conn)?
            .into_iter()
            .map(|(row, mandate)| InvestorEntry {
                mandate: self.mandate_facts(&mandate.mandate(), &rates),
                row,
            })
            .collect();
        Ok(Snapshot {
            version,
            index: ProjectIndex::build(self.taxonomy.clone(), projects),
            rates,
            investors,
        })
    }

    /// A published project as the engine sees it; `None` for a row the reference data cannot place.
    pub fn project_facts(
        &self,
        row: &ProjectRow,
        codes: &ProjectCodes,
        rates: &Rates,
    ) -> Option<ProjectFacts> {
        let tax = &self.taxonomy;
        let currency = Currency::parse(&row.value_currency).ok()?;
        let value = Money::from_minor(row.value_minor, currency);
        let mut sectors: Vec<u16> = codes.sectors.iter().filter_map(|c| tax.sector(c)).collect();
        if let Some(division) = row
            .kbli
            .as_deref()
            .and_then(|k| self.catalogue.kbli_division(k))
            && let Some(id) = tax.sector(&division.code)
            && !sectors.contains(&id)
        {
            sectors.push(id);
        }
        Some(ProjectFacts {
            id: row.id.clone(),
            region: tax.region(&row.region_code)?,
            sectors,
            dimensions: tax.dimension_mask(&codes.dimensions),
            elements: tax.element_mask(&codes.dimensions),
            stage: Stage::from_str(&row.stage).map(stage_ordinal).unwrap_or(0),
            instruments: codes
                .instruments
                .iter()
                .filter_map(|i| Instrument::from_str(i).ok())
                .fold(0, |m, i| m | instrument_bit(i)),
            value,
            value_usd: to_usd(value, rates),
            text: row.search_text.clone(),
        })
    }

    /// A mandate as the engine sees it (codes already checked against the reference data).
    pub fn mandate_facts(&self, mandate: &Mandate, rates: &Rates) -> MandateFacts {
        let tax = &self.taxonomy;
        let ticket = mandate.ticket.as_ref().and_then(|t| {
            Some((
                Money::parse(&t.min, &t.currency).ok()?,
                Money::parse(&t.max, &t.currency).ok()?,
            ))
        });
        MandateFacts {
            sectors: mandate
                .sectors
                .iter()
                .filter_map(|c| tax.sector(c))
                .collect(),
            excluded_sectors: mandate
                .excluded_sectors
                .iter()
                .filter_map(|c| tax.sector(c))
                .collect(),
            dimensions: tax.dimension_mask(&mandate.dimensions),
            elements: tax.element_mask(&mandate.elements),
            regions: mandate
                .regions
                .iter()
                .filter_map(|c| tax.region(c))
                .collect(),
            provinces: mandate
                .provinces
                .iter()
                .filter_map(|c| tax.region(c))
                .collect(),
            ikn_related: mandate.ikn_related,
            ticket_usd: ticket.and_then(|(lo, hi)| Some((to_usd(lo, rates)?, to_usd(hi, rates)?))),
            ticket,
            stages: mandate
                .stages
                .iter()
                .fold(0, |m, s| m | (1 << stage_ordinal(*s))),
            instruments: mandate
                .instruments
                .iter()
                .fold(0, |m, i| m | instrument_bit(*i)),
            thesis: mandate.thesis.clone(),
        }
    }

    /// The mandate stored for an investor, as facts.
    pub fn stored_mandate(&self, row: &MandateRow, rates: &Rates) -> MandateFacts {
        self.mandate_facts(&row.mandate(), rates)
    }
}

fn poisoned() -> AppError {
    AppError::Internal(anyhow::anyhow!("matching index lock poisoned"))
}

/// The latest rate of each currency.
pub fn rates(conn: &mut AnyConnection) -> Result<Rates, AppError> {
    Ok(latest_rates(conn)?
        .into_iter()
        .filter_map(|r| {
            Decimal::from_str(&r.units_per_usd)
                .ok()
                .filter(|d| !d.is_zero())
                .map(|d| (r.currency, d))
        })
        .collect())
}

/// A value in US dollars, when its currency has a rate.
pub fn to_usd(value: Money, rates: &Rates) -> Option<f64> {
    let rate = rates.get(value.currency().code())?;
    (value.amount() / rate).to_f64()
}
