//! The scoring rules. Each component is a score in [0, 1]; "no preference" scores a neutral 0.5;
//! the total is the weighted mean, so improving any component never lowers the total.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::facts::{MandateFacts, RegionId, SectorId, Taxonomy};

/// What an unstated preference scores.
pub const NEUTRAL: f64 = 0.5;

/// How much each component counts; read from `[matching.weights]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub sector: f64,
    pub dimension: f64,
    pub ticket: f64,
    pub region: f64,
    pub stage: f64,
    pub text: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            sector: 0.30,
            dimension: 0.20,
            ticket: 0.15,
            region: 0.15,
            stage: 0.10,
            text: 0.10,
        }
    }
}

impl Weights {
    /// All weights non-negative and at least one positive.
    pub fn validate(&self) -> Result<(), String> {
        let all = [
            self.sector,
            self.dimension,
            self.ticket,
            self.region,
            self.stage,
            self.text,
        ];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) || all.iter().sum::<f64>() <= 0.0 {
            return Err("matching weights must be non-negative and not all zero".into());
        }
        Ok(())
    }
}

/// The per-component scores of one pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Components {
    pub sector: f64,
    pub dimension: f64,
    pub ticket: f64,
    pub region: f64,
    /// Stage and instrument compatibility.
    pub stage: f64,
    pub text: f64,
}

impl Weights {
    /// The weights scaled to sum to one, in component order.
    pub fn normalised(&self) -> [f64; 6] {
        let sum = self.sector + self.dimension + self.ticket + self.region + self.stage + self.text;
        [
            self.sector,
            self.dimension,
            self.ticket,
            self.region,
            self.stage,
            self.text,
        ]
        .map(|w| w / sum)
    }
}

impl Components {
    /// The weighted mean.
    pub fn total(&self, w: &Weights) -> f64 {
        self.total_normalised(&w.normalised())
    }

    /// The weighted mean with weights from [`Weights::normalised`].
    #[inline(always)]
    pub fn total_normalised(&self, n: &[f64; 6]) -> f64 {
        n[0] * self.sector
            + n[1] * self.dimension
            + n[2] * self.ticket
            + n[3] * self.region
            + n[4] * self.stage
            + n[5] * self.text
    }
}

/// Closeness on the ISIC hierarchy by the deepest level two codes share.
const SHARED_LEVEL_SCORE: [f64; 4] = [0.25, 0.5, 0.75, 1.0];

/// How close a project's code is to a mandate's: 1 when the mandate code covers it (same code or
/// an ancestor), else by the deepest level they share (group 0.75, division 0.5, section 0.25).
pub fn sector_closeness(tax: &Taxonomy, mandate: SectorId, project: SectorId) -> f64 {
    let m = &tax.sectors[mandate as usize];
    let p = &tax.sectors[project as usize];
    if p.chain[m.level] == Some(mandate) {
        return 1.0;
    }
    (0..4)
        .rev()
        .find(|&level| m.chain[level].is_some() && m.chain[level] == p.chain[level])
        .map_or(0.0, |level| SHARED_LEVEL_SCORE[level])
}

/// The best closeness between any mandate code and any project code.
pub fn sector_score(tax: &Taxonomy, mandate: &[SectorId], project: &[SectorId]) -> f64 {
    if mandate.is_empty() {
        return NEUTRAL;
    }
    mandate
        .iter()
        .flat_map(|&m| project.iter().map(move |&p| sector_closeness(tax, m, p)))
        .fold(0.0, f64::max)
}

/// Whether a project code falls under an excluded code.
pub fn is_excluded(tax: &Taxonomy, excluded: &[SectorId], project: SectorId) -> bool {
    let p = &tax.sectors[project as usize];
    excluded
        .iter()
        .any(|&e| p.chain[tax.sectors[e as usize].level] == Some(e))
}

/// The dimensions a mandate asks for: those named and those of the elements named.
pub fn wanted_dimensions(tax: &Taxonomy, m_dims: u8, m_elems: u32) -> u8 {
    m_dims | tax.dimensions_of_elements(m_elems)
}

/// Smart City fit: an element in common 1.0, a dimension in common 0.6, nothing in common 0;
/// `wanted` comes from [`wanted_dimensions`] (no dimension wanted: neutral).
pub fn dimension_score(wanted: u8, m_elems: u32, p_dims: u8, p_elems: u32) -> f64 {
    if wanted == 0 {
        NEUTRAL
    } else if m_elems & p_elems != 0 {
        1.0
    } else if wanted & p_dims != 0 {
        0.6
    } else {
        0.0
    }
}

/// Ticket fit on a log scale: 1 inside the range, then 1 / (1 + 4·d²) where d is how many
/// factors of ten the value lies outside it (2× over: 0.73, 10× over: 0.2).
pub fn ticket_score(range_log10: Option<(f64, f64)>, value_log10: Option<f64>) -> f64 {
    match (range_log10, value_log10) {
        (Some((lo, hi)), Some(v)) => {
            let d = (lo - v).max(v - hi).max(0.0);
            1.0 / (1.0 + 4.0 * d * d)
        }
        _ => NEUTRAL,
    }
}

/// Region fit: a preferred regency 1.0 > a preferred province 0.85 > the province of a preferred
/// regency 0.75 > an IKN-related region when asked for 0.6 > anywhere (no preference) 0.5 > elsewhere 0.
pub fn region_score(
    tax: &Taxonomy,
    regions: &[RegionId],
    provinces: &[RegionId],
    ikn_related: bool,
    project: RegionId,
) -> f64 {
    let node = &tax.regions[project as usize];
    if regions.contains(&project) {
        1.0
    } else if provinces.contains(&node.province) {
        0.85
    } else if regions
        .iter()
        .any(|&r| tax.regions[r as usize].province == node.province)
    {
        0.75
    } else if ikn_related && node.ikn_related {
        0.6
    } else if regions.is_empty() && provinces.is_empty() {
        NEUTRAL
    } else {
        0.0
    }
}

/// Stage fit (sought 1, next to one sought 0.5, else 0) averaged with instrument fit (one in
/// common 1, none 0); unstated preferences count neutral.
pub fn stage_score(m_stages: u8, m_instruments: u8, p_stage: u8, p_instruments: u8) -> f64 {
    let stage = if m_stages == 0 {
        NEUTRAL
    } else if m_stages & (1 << p_stage) != 0 {
        1.0
    } else if m_stages & ((1 << p_stage) << 1 | (1 << p_stage) >> 1) != 0 {
        0.5
    } else {
        0.0
    };
    let instrument = if m_instruments == 0 || p_instruments == 0 {
        NEUTRAL
    } else if m_instruments & p_instruments != 0 {
        1.0
    } else {
        0.0
    };
    (stage + instrument) / 2.0
}

/// BM25 relevance of the project text to the thesis, saturated into [0, 1): s / (s + 4).
pub fn text_score(has_thesis: bool, bm25: f64) -> f64 {
    if has_thesis {
        bm25 / (bm25 + 4.0)
    } else {
        NEUTRAL
    }
}

/// What the rules read of a project.
pub struct Attributes<'a> {
    pub sectors: &'a [SectorId],
    pub region: RegionId,
    pub dimensions: u8,
    pub elements: u32,
    pub stage: u8,
    pub instruments: u8,
    /// log10 of the value in US dollars, when its currency has a rate.
    pub value_log10: Option<f64>,
}

/// Every component straight from the rules, without lookup tables; `bm25` is the project's BM25
/// sum for the thesis. `None` when an excluded sector removes the project.
pub fn evaluate(
    tax: &Taxonomy,
    m: &MandateFacts,
    p: &Attributes<'_>,
    bm25: f64,
) -> Option<Components> {
    if p.sectors
        .iter()
        .any(|&c| is_excluded(tax, &m.excluded_sectors, c))
    {
        return None;
    }
    let ticket_range = m
        .ticket_usd
        .map(|(lo, hi)| (lo.max(1e-9).log10(), hi.max(1e-9).log10()));
    Some(Components {
        sector: sector_score(tax, &m.sectors, p.sectors),
        dimension: dimension_score(
            wanted_dimensions(tax, m.dimensions, m.elements),
            m.elements,
            p.dimensions,
            p.elements,
        ),
        ticket: ticket_score(ticket_range, p.value_log10),
        region: region_score(tax, &m.regions, &m.provinces, m.ikn_related, p.region),
        stage: stage_score(m.stages, m.instruments, p.stage, p.instruments),
        text: text_score(!m.thesis.trim().is_empty(), bm25),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_fit_decays_on_a_log_scale() {
        let range = Some((6.0, 7.0));
        assert_eq!(ticket_score(range, Some(6.5)), 1.0);
        assert!((ticket_score(range, Some(8.0)) - 0.2).abs() < 1e-12);
        assert!(ticket_score(range, Some(7.3)) > ticket_score(range, Some(8.0)));
        assert_eq!(ticket_score(None, Some(8.0)), NEUTRAL);
    }

    #[test]
    fn a_stage_next_to_one_sought_counts_half() {
        let sought = 1 << 2;
        assert_eq!(stage_score(sought, 0, 2, 0), (1.0 + NEUTRAL) / 2.0);
        assert_eq!(stage_score(sought, 0, 3, 0), (0.5 + NEUTRAL) / 2.0);
        assert_eq!(stage_score(sought, 0, 0, 0), (0.0 + NEUTRAL) / 2.0);
        assert_eq!(stage_score(0, 0b1, 0, 0b11), (NEUTRAL + 1.0) / 2.0);
    }

    #[test]
    fn the_total_is_monotone_in_every_component() {
        let w = Weights::default();
        let base = Components {
            sector: 0.5,
            dimension: 0.5,
            ticket: 0.5,
            region: 0.5,
            stage: 0.5,
            text: 0.5,
        };
        let better = [
            Components {
                sector: 0.9,
                ..base
            },
            Components {
                dimension: 0.9,
                ..base
            },
            Components {
                ticket: 0.9,
                ..base
            },
            Components {
                region: 0.9,
                ..base
            },
            Components { stage: 0.9, ..base },
            Components { text: 0.9, ..base },
        ];
        for b in better {
            assert!(b.total(&w) > base.total(&w));
        }
    }
}
