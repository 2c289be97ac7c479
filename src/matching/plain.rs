//! The ranking computed the obvious way: every pair scored straight from the rules, every project
//! sorted. Slow, and plainly right; the index must agree with it exactly.

use super::components::{self, Attributes, Components, Weights};
use super::facts::{MandateFacts, ProjectFacts, Taxonomy};
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
    let mut scored: Vec<(String, f64, Components)> = projects
        .iter()
        .filter_map(|p| {
            let doc = terms(&p.text);
            let norm = corpus.norm(u16::try_from(doc.len()).unwrap_or(u16::MAX));
            let bm25 = query.iter().fold(0.0, |acc, q| {
                match doc.iter().filter(|t| **t == q.term).count() {
                    0 => acc,
                    tf => {
                        acc + TextIndex::contribution(
                            q.idf,
                            TextIndex::weight(u16::try_from(tf).unwrap_or(u16::MAX), norm),
                        )
                    }
                }
            });
            let attributes = Attributes {
                sectors: &p.sectors,
                region: p.region,
                dimensions: p.dimensions,
                elements: p.elements,
                stage: p.stage,
                instruments: p.instruments,
                value_log10: p.value_usd.map(|v| v.max(1e-9).log10()),
            };
            let c = components::evaluate(tax, mandate, &attributes, bm25)?;
            Some((p.id.clone(), c.total(weights), c))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(k);
    scored
}
