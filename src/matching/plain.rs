//! The ranking computed the obvious way: every pair scored straight from the rules, every project
//! sorted. Slow, and plainly right; the index must agree with it exactly.

use super::components::{self, Components, Weights};
use super::facts::{MandateFacts, ProjectFacts, Taxonomy};
use super::index::ticket_log10;
use super::text::{TextIndex, terms};

/// The best `k` projects for a mandate as (id, score, components), best first, ties by id.
pub fn rank(
    tax: &Taxonomy,
    projects: &[ProjectFacts],
    mandate: &MandateFacts,
    weights: &Weights,
    k: usize,
) -> Vec<(String, f64, Components)> {
    let corpus = TextIndex::build(projects.iter().map(|p| p.text.as_str()));
    let query = corpus.query(&mandate.thesis);
    let has_thesis = !mandate.thesis.trim().is_empty();
    let mut scored: Vec<(String, f64, Components)> = projects
        .iter()
        .filter(|p| {
            !p.sectors
                .iter()
                .any(|&c| components::is_excluded(tax, &mandate.excluded_sectors, c))
        })
        .map(|p| {
            let doc = terms(&p.text);
            let doc_len = u16::try_from(doc.len()).unwrap_or(u16::MAX);
            let bm25 = query.iter().fold(0.0, |acc, q| {
                let tf = doc.iter().filter(|t| **t == q.term).count();
                if tf == 0 {
                    acc
                } else {
                    acc + TextIndex::contribution(
                        q.idf,
                        TextIndex::weight(
                            u16::try_from(tf).unwrap_or(u16::MAX),
                            corpus.norm(doc_len),
                        ),
                    )
                }
            });
            let value = p.value_usd.map(|v| v.max(1e-9).log10());
            let c = Components {
                sector: components::sector_score(tax, &mandate.sectors, &p.sectors),
                dimension: components::dimension_score(
                    components::wanted_dimensions(tax, mandate.dimensions, mandate.elements),
                    mandate.elements,
                    p.dimensions,
                    p.elements,
                ),
                ticket: components::ticket_score(ticket_log10(mandate), value),
                region: components::region_score(
                    tax,
                    &mandate.regions,
                    &mandate.provinces,
                    mandate.ikn_related,
                    p.region,
                ),
                stage: components::stage_score(
                    mandate.stages,
                    mandate.instruments,
                    p.stage,
                    p.instruments,
                ),
                text: components::text_score(has_thesis, bm25),
            };
            (p.id.clone(), c.total(weights), c)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}
