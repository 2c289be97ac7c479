//! The in-memory project index: compact records sorted by id, an inverted text index, and a scan
//! that scores every published project for one mandate through per-query lookup tables, keeping the
//! best k in a heap.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use super::components::{self, Attributes, Components, NEUTRAL, Weights};
use super::facts::{MandateFacts, ProjectFacts, RegionId, SectorId, Taxonomy};
use super::text::{QueryTerm, TextIndex};
use crate::domain::Money;

/// One project, compactly.
#[derive(Debug, Clone, Copy)]
struct Record {
    /// log10 of the value in US dollars; NaN when its currency has no rate.
    value_log10: f64,
    elements: u32,
    /// Where its sector codes start in `ProjectIndex::sector_codes`.
    sectors_start: u32,
    region: RegionId,
    sectors_len: u8,
    stage: u8,
    instruments: u8,
    dimensions: u8,
}

/// Narrows a ranking to projects with these attributes (the project-list filters).
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchFilter {
    /// A project code must fall under this ISIC code.
    pub sector: Option<SectorId>,
    /// Dimension bits the project must all have.
    pub dimensions: u8,
    /// Element bits the project must all have.
    pub elements: u32,
    pub province: Option<RegionId>,
    pub region: Option<RegionId>,
    pub stage: Option<u8>,
    pub instrument: Option<u8>,
    pub ikn_related: Option<bool>,
}

impl MatchFilter {
    /// Whether the filter lets every project through.
    pub fn is_unrestricted(&self) -> bool {
        self.sector.is_none()
            && self.dimensions == 0
            && self.elements == 0
            && self.province.is_none()
            && self.region.is_none()
            && self.stage.is_none()
            && self.instrument.is_none()
            && self.ikn_related.is_none()
    }
}

/// A project's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Its position in the index (ids ascending).
    pub position: u32,
    pub score: f64,
    pub components: Components,
}

/// The published projects, ready to rank.
#[derive(Debug, Clone)]
pub struct ProjectIndex {
    tax: Arc<Taxonomy>,
    ids: Vec<String>,
    records: Vec<Record>,
    /// The values as stated, apart from the records the scan reads.
    values: Vec<Money>,
    sector_codes: Vec<SectorId>,
    text: TextIndex,
}

/// A mandate turned into lookup tables for one scan.
struct Prepared<'a> {
    mandate: &'a MandateFacts,
    sector_fit: Vec<f64>,
    excluded: Vec<bool>,
    region_fit: Vec<f64>,
    ticket_log10: Option<(f64, f64)>,
    wanted_dimensions: u8,
    /// Stage-and-instrument score by `stage * 32 + instruments`.
    stage_fit: Vec<f64>,
    has_exclusions: bool,
    /// The thesis terms found in the corpus.
    query: Vec<QueryTerm>,
    has_thesis: bool,
}

/// Projects scanned per block: their BM25 accumulator (256 KiB) stays in the core's cache.
const BLOCK: usize = 1 << 15;

thread_local! {
    /// Per-thread BM25 accumulator for one block, reused from query to query.
    static BM25_BLOCK: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Heap entry ordered so that the worst of the kept k is on top.
#[derive(PartialEq)]
struct Candidate(f64, u32);

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Lower score is worse; at equal scores the later id is worse.
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The ticket range as log10 of US dollars.
pub fn ticket_log10(mandate: &MandateFacts) -> Option<(f64, f64)> {
    mandate
        .ticket_usd
        .map(|(lo, hi)| (lo.max(1e-9).log10(), hi.max(1e-9).log10()))
}

fn value_log10(value_usd: Option<f64>) -> f64 {
    value_usd.map_or(f64::NAN, |v| v.max(1e-9).log10())
}

impl ProjectIndex {
    /// Builds the index; projects are kept in id order so that ties break by id.
    pub fn build(tax: Arc<Taxonomy>, mut projects: Vec<ProjectFacts>) -> Self {
        projects.sort_by(|a, b| a.id.cmp(&b.id));
        let text = TextIndex::build(projects.iter().map(|p| p.text.as_str()));
        let mut sector_codes = Vec::new();
        let mut records = Vec::with_capacity(projects.len());
        let mut ids = Vec::with_capacity(projects.len());
        let mut values = Vec::with_capacity(projects.len());
        for p in projects {
            let start = sector_codes.len() as u32;
            sector_codes.extend(p.sectors.iter().take(u8::MAX as usize));
            records.push(Record {
                value_log10: value_log10(p.value_usd),

                elements: p.elements,
                sectors_start: start,
                region: p.region,

                sectors_len: p.sectors.len().min(u8::MAX as usize) as u8,
                stage: p.stage,
                instruments: p.instruments,
                dimensions: p.dimensions,
            });
            values.push(p.value);
            ids.push(p.id);
        }
        records.shrink_to_fit();
        sector_codes.shrink_to_fit();
        ProjectIndex {
            tax,
            ids,
            records,
            values,
            sector_codes,
            text,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.tax
    }

    pub fn text(&self) -> &TextIndex {
        &self.text
    }

    pub fn id(&self, position: u32) -> &str {
        &self.ids[position as usize]
    }

    /// The position of a project id, when it is in the index.
    pub fn position(&self, id: &str) -> Option<u32> {
        self.ids
            .binary_search_by(|probe| probe.as_str().cmp(id))
            .ok()
            .map(|p| p as u32)
    }

    fn sectors(&self, r: &Record) -> &[SectorId] {
        &self.sector_codes
            [r.sectors_start as usize..r.sectors_start as usize + r.sectors_len as usize]
    }

    /// What the engine knows of one indexed project (without its text).
    pub fn facts(&self, position: u32) -> ProjectFacts {
        let r = &self.records[position as usize];
        ProjectFacts {
            id: self.ids[position as usize].clone(),
            region: r.region,
            sectors: self.sectors(r).to_vec(),
            dimensions: r.dimensions,
            elements: r.elements,
            stage: r.stage,
            instruments: r.instruments,
            value: self.values[position as usize],
            value_usd: (!r.value_log10.is_nan()).then(|| 10f64.powf(r.value_log10)),
            text: String::new(),
        }
    }

    /// The thesis terms a project's text contains.
    pub fn matched_terms<'q>(&self, query: &'q [QueryTerm], position: u32) -> Vec<&'q QueryTerm> {
        query
            .iter()
            .filter(|q| {
                self.text
                    .postings(q.id)
                    .binary_search_by_key(&position, |&(p, _)| p)
                    .is_ok()
            })
            .collect()
    }

    fn admits(&self, filter: &MatchFilter, r: &Record) -> bool {
        let tax = &self.tax;
        if r.dimensions & filter.dimensions != filter.dimensions
            || r.elements & filter.elements != filter.elements
        {
            return false;
        }
        if filter.stage.is_some_and(|s| s != r.stage)
            || filter.instrument.is_some_and(|i| r.instruments & i == 0)
        {
            return false;
        }
        let region = &tax.regions[r.region as usize];
        if filter.region.is_some_and(|g| g != r.region)
            || filter.province.is_some_and(|p| p != region.province)
            || filter.ikn_related.is_some_and(|i| i != region.ikn_related)
        {
            return false;
        }
        match filter.sector {
            None => true,
            Some(f) => {
                let level = tax.sectors[f as usize].level;
                self.sectors(r)
                    .iter()
                    .any(|&c| tax.sectors[c as usize].chain[level] == Some(f))
            }
        }
    }

    fn prepare<'a>(&self, mandate: &'a MandateFacts) -> Prepared<'a> {
        let tax = &self.tax;
        let sector_fit = (0..tax.sectors.len() as SectorId)
            .map(|c| components::sector_score(tax, &mandate.sectors, &[c]))
            .collect();
        let excluded = (0..tax.sectors.len() as SectorId)
            .map(|c| components::is_excluded(tax, &mandate.excluded_sectors, c))
            .collect();
        let region_fit = (0..tax.regions.len() as RegionId)
            .map(|r| {
                components::region_score(
                    tax,
                    &mandate.regions,
                    &mandate.provinces,
                    mandate.ikn_related,
                    r,
                )
            })
            .collect();
        let has_thesis = !mandate.thesis.trim().is_empty();
        Prepared {
            mandate,
            sector_fit,
            excluded,
            region_fit,
            ticket_log10: ticket_log10(mandate),
            wanted_dimensions: components::wanted_dimensions(
                tax,
                mandate.dimensions,
                mandate.elements,
            ),
            stage_fit: (0..5u8 * 32)
                .map(|i| {
                    components::stage_score(mandate.stages, mandate.instruments, i / 32, i % 32)
                })
                .collect(),
            has_exclusions: !mandate.excluded_sectors.is_empty(),
            query: if has_thesis {
                self.text.query(&mandate.thesis)
            } else {
                Vec::new()
            },
            has_thesis,
        }
    }

    /// The BM25 sum of one project: contributions added in thesis-term order, as the block scan
    /// adds them.
    fn bm25_at(&self, query: &[QueryTerm], position: u32) -> f64 {
        query.iter().fold(0.0, |acc, q| {
            let postings = self.text.postings(q.id);
            match postings.binary_search_by_key(&position, |&(p, _)| p) {
                Ok(i) => acc + TextIndex::contribution(q.idf, postings[i].1),
                Err(_) => acc,
            }
        })
    }

    /// The ticket score of one record.
    #[inline(always)]
    fn ticket(&self, q: &Prepared<'_>, position: usize) -> f64 {
        let r = &self.records[position];
        let value = (!r.value_log10.is_nan()).then_some(r.value_log10);
        components::ticket_score(q.ticket_log10, value)
    }

    /// Scores one record through the prepared tables, with its BM25 sum and, for a bound, a
    /// ticket score to assume; `None` when an excluded sector removes it.
    #[inline(always)]
    fn score(
        &self,
        q: &Prepared<'_>,
        bm25: f64,
        position: usize,
        ticket: Option<f64>,
    ) -> Option<Components> {
        let r = &self.records[position];
        let codes = self.sectors(r);
        if q.has_exclusions && codes.iter().any(|&c| q.excluded[c as usize]) {
            return None;
        }
        let m = q.mandate;
        let sector = if m.sectors.is_empty() {
            NEUTRAL
        } else {
            codes
                .iter()
                .map(|&c| q.sector_fit[c as usize])
                .fold(0.0, f64::max)
        };
        let text = if !q.has_thesis {
            NEUTRAL
        } else if bm25 == 0.0 {
            // What text_score gives for 0, without the division.
            0.0
        } else {
            components::text_score(true, bm25)
        };
        let ticket = ticket.unwrap_or_else(|| self.ticket(q, position));
        Some(Components {
            sector,
            dimension: components::dimension_score(
                q.wanted_dimensions,
                m.elements,
                r.dimensions,
                r.elements,
            ),
            ticket,
            region: q.region_fit[r.region as usize],
            stage: q.stage_fit[usize::from(r.stage) * 32 + usize::from(r.instruments & 31)],
            text,
        })
    }

    /// The best `limit` projects after skipping `offset`, best first, ties by id; `hidden` holds
    /// positions never to show (projects the investor is not interested in), sorted.
    pub fn top(
        &self,
        mandate: &MandateFacts,
        weights: &Weights,
        filter: &MatchFilter,
        hidden: &[u32],
        offset: usize,
        limit: usize,
    ) -> Vec<Ranked> {
        let keep = offset + limit;
        if keep == 0 {
            return Vec::new();
        }
        let prepared = self.prepare(mandate);
        let best = BM25_BLOCK
            .with_borrow_mut(|block| self.scan(&prepared, block, weights, filter, hidden, keep));
        best.into_iter()
            .skip(offset)
            .filter_map(|Candidate(score, position)| {
                let bm25 = if prepared.has_thesis {
                    self.bm25_at(&prepared.query, position)
                } else {
                    0.0
                };
                let components = self.score(&prepared, bm25, position as usize, None)?;
                Some(Ranked {
                    position,
                    score,
                    components,
                })
            })
            .collect()
    }

    /// Scans the projects block by block: the thesis terms' postings that fall in a block are
    /// added into a block-sized accumulator that stays in cache, then the block is scored. Returns
    /// the best `keep`, best first.
    fn scan(
        &self,
        prepared: &Prepared<'_>,
        block: &mut Vec<f64>,
        weights: &Weights,
        filter: &MatchFilter,
        hidden: &[u32],
        keep: usize,
    ) -> Vec<Candidate> {
        let unrestricted = filter.is_unrestricted();
        let normalised = weights.normalised();
        block.clear();
        block.resize(BLOCK, 0.0);
        let mut cursors = vec![0usize; prepared.query.len()];
        // The score of the worst project kept, once `keep` are kept. Positions only grow, so a
        // project scoring no more than it cannot displace it: one comparison skips it.
        let mut threshold = f64::NEG_INFINITY;
        let mut heap: BinaryHeap<Candidate> = BinaryHeap::with_capacity(keep + 1);
        // Without a ticket range every project's ticket score is the neutral one.
        let best_ticket = if prepared.ticket_log10.is_some() {
            1.0
        } else {
            NEUTRAL
        };
        for start in (0..self.records.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(self.records.len());
            for (q, cursor) in prepared.query.iter().zip(cursors.iter_mut()) {
                let postings = self.text.postings(q.id);
                while let Some(&(position, weight)) =
                    postings.get(*cursor).filter(|(p, _)| (*p as usize) < end)
                {
                    block[position as usize - start] += TextIndex::contribution(q.idf, weight);
                    *cursor += 1;
                }
            }
            for position in start..end {
                if !hidden.is_empty() && hidden.binary_search(&(position as u32)).is_ok() {
                    continue;
                }
                if !unrestricted && !self.admits(filter, &self.records[position]) {
                    continue;
                }
                let bm25 = block[position - start];
                let Some(mut components) = self.score(prepared, bm25, position, Some(best_ticket))
                else {
                    continue;
                };
                if prepared.ticket_log10.is_some() {
                    // Bounded first with the best ticket score: most projects fall below the
                    // threshold before their ticket fit has to be worked out.
                    if components.total_normalised(&normalised) <= threshold {
                        continue;
                    }
                    components.ticket = self.ticket(prepared, position);
                }
                let total = components.total_normalised(&normalised);
                if total <= threshold {
                    continue;
                }
                let candidate = Candidate(total, position as u32);
                if heap.len() < keep {
                    heap.push(candidate);
                } else if heap.peek().is_some_and(|worst| candidate < *worst) {
                    heap.pop();
                    heap.push(candidate);
                }
                if heap.len() == keep {
                    threshold = heap.peek().map_or(f64::NEG_INFINITY, |worst| worst.0);
                }
            }
            if prepared.has_thesis {
                block[..end - start].fill(0.0);
            }
        }
        heap.into_sorted_vec()
    }

    /// Scores one project for a mandate without tables (for the investors of one project);
    /// `None` when an excluded sector removes it.
    pub fn score_one(
        &self,
        mandate: &MandateFacts,
        weights: &Weights,
        position: u32,
    ) -> Option<Ranked> {
        let r = &self.records[position as usize];
        let attributes = Attributes {
            sectors: self.sectors(r),
            region: r.region,
            dimensions: r.dimensions,
            elements: r.elements,
            stage: r.stage,
            instruments: r.instruments,
            value_log10: (!r.value_log10.is_nan()).then_some(r.value_log10),
        };
        let bm25 = if mandate.thesis.trim().is_empty() {
            0.0
        } else {
            self.bm25_at(&self.text.query(&mandate.thesis), position)
        };
        let components = components::evaluate(&self.tax, mandate, &attributes, bm25)?;
        Some(Ranked {
            position,
            score: components.total(weights),
            components,
        })
    }

    /// Heap bytes of everything but the text index, for the memory report.
    pub fn bytes_beyond_text(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<Record>()
            + self.values.capacity() * std::mem::size_of::<Money>()
            + self.sector_codes.capacity() * std::mem::size_of::<SectorId>()
            + self.ids.capacity() * std::mem::size_of::<String>()
            + self.ids.iter().map(String::capacity).sum::<usize>()
    }
}
