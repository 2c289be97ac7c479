//! The index against the plain scorer, and rankings with planted pairs.

use std::sync::Arc;

use super::facts::{MandateFacts, ProjectFacts, Taxonomy, instrument_bit, stage_ordinal};
use super::index::{MatchFilter, ProjectIndex};
use super::synthetic::corpus;
use super::{Weights, plain};
use crate::domain::Money;
use crate::domain::project::{Instrument, Stage};
use crate::reference::Catalogue;

fn taxonomy() -> Arc<Taxonomy> {
    Arc::new(Taxonomy::from_catalogue(
        &Catalogue::from_shipped_files().unwrap(),
    ))
}

#[test]
fn the_index_ranks_exactly_as_the_plain_scorer_on_random_corpora() {
    let tax = taxonomy();
    let weights = Weights::default();
    for seed in 1..=4 {
        let generated = corpus(&tax, 1500, 25, seed);
        let index = ProjectIndex::build(tax.clone(), generated.projects.clone());
        for mandate in &generated.mandates {
            let fast: Vec<(String, f64)> = index
                .top(mandate, &weights, &MatchFilter::default(), &[], 0, 20)
                .into_iter()
                .map(|r| (index.id(r.position).to_owned(), r.score))
                .collect();
            let slow: Vec<(String, f64)> =
                plain::rank(&tax, &generated.projects, mandate, &weights, 20)
                    .into_iter()
                    .map(|(id, s, _)| (id, s))
                    .collect();
            assert_eq!(fast, slow, "seed {seed}");
            for (id, score) in &fast {
                let one = index
                    .score_one(mandate, &weights, index.position(id).unwrap())
                    .unwrap();
                assert_eq!(one.score, *score, "score_one agrees for {id}");
            }
        }
    }
}

#[test]
fn pages_of_a_ranking_join_up_and_hidden_projects_stay_hidden() {
    let tax = taxonomy();
    let generated = corpus(&tax, 800, 3, 9);
    let index = ProjectIndex::build(tax, generated.projects);
    let m = &generated.mandates[0];
    let w = Weights::default();
    let all = index.top(m, &w, &MatchFilter::default(), &[], 0, 30);
    let second = index.top(m, &w, &MatchFilter::default(), &[], 10, 10);
    assert_eq!(&all[10..20], &second[..]);
    let hidden = vec![all[0].position];
    let without_best = index.top(m, &w, &MatchFilter::default(), &hidden, 0, 5);
    assert!(without_best.iter().all(|r| r.position != all[0].position));
    assert_eq!(without_best[0], all[1]);
}

fn project(tax: &Taxonomy, id: &str, sector: &str, region: &str, usd: f64) -> ProjectFacts {
    ProjectFacts {
        id: id.into(),
        region: tax.region(region).unwrap(),
        sectors: vec![tax.sector(sector).unwrap()],
        dimensions: tax.dimension_bit("ENV").unwrap(),
        elements: tax.element_bit("ENV-3").unwrap(),
        stage: stage_ordinal(Stage::FeasibilityStudy),
        instruments: instrument_bit(Instrument::Ppp),
        value: Money::parse(&format!("{usd}"), "USD").unwrap(),
        value_usd: Some(usd),
        text: "Rooftop solar power for government buildings".into(),
    }
}

fn mandate(tax: &Taxonomy, sector: &str) -> MandateFacts {
    MandateFacts {
        sectors: vec![tax.sector(sector).unwrap()],
        dimensions: tax.dimension_bit("ENV").unwrap(),
        elements: tax.element_bit("ENV-3").unwrap(),
        regions: vec![tax.region("73.73").unwrap()],
        ticket: Some((
            Money::parse("5000000", "USD").unwrap(),
            Money::parse("20000000", "USD").unwrap(),
        )),
        ticket_usd: Some((5e6, 20e6)),
        stages: 1 << stage_ordinal(Stage::FeasibilityStudy),
        instruments: instrument_bit(Instrument::Ppp),
        thesis: "rooftop solar power for public buildings".into(),
        ..MandateFacts::default()
    }
}

#[test]
fn an_exactly_fitting_project_is_in_the_top_three_among_thousands() {
    let tax = taxonomy();
    let mut projects = corpus(&tax, 5000, 0, 3).projects;
    projects.push(project(&tax, "planted", "3510", "73.73", 10e6));
    let index = ProjectIndex::build(tax.clone(), projects);
    let top = index.top(
        &mandate(&tax, "3510"),
        &Weights::default(),
        &MatchFilter::default(),
        &[],
        0,
        3,
    );
    assert!(top.iter().any(|r| index.id(r.position) == "planted"));
}

#[test]
fn a_division_mandate_ranks_its_class_above_another_sector() {
    let tax = taxonomy();
    let projects = vec![
        project(&tax, "a-construction", "4100", "73.73", 10e6),
        project(&tax, "b-power", "3510", "73.73", 10e6),
    ];
    let index = ProjectIndex::build(tax.clone(), projects);
    let top = index.top(
        &mandate(&tax, "35"),
        &Weights::default(),
        &MatchFilter::default(),
        &[],
        0,
        2,
    );
    assert_eq!(index.id(top[0].position), "b-power");
    assert_eq!(top[0].components.sector, 1.0);
    assert!(top[0].score > top[1].score);
}

#[test]
fn a_project_ten_times_over_the_ticket_ranks_below_one_inside_it() {
    let tax = taxonomy();
    let projects = vec![
        project(&tax, "a-huge", "3510", "73.73", 200e6),
        project(&tax, "b-fits", "3510", "73.73", 10e6),
    ];
    let index = ProjectIndex::build(tax.clone(), projects);
    let top = index.top(
        &mandate(&tax, "3510"),
        &Weights::default(),
        &MatchFilter::default(),
        &[],
        0,
        2,
    );
    assert_eq!(index.id(top[0].position), "b-fits");
    assert!((top[1].components.ticket - 0.2).abs() < 1e-9);
}

#[test]
fn excluded_sectors_and_filters_remove_projects() {
    let tax = taxonomy();
    let projects = vec![
        project(&tax, "a", "0510", "73.73", 10e6),
        project(&tax, "b", "3510", "64.71", 10e6),
    ];
    let index = ProjectIndex::build(tax.clone(), projects);
    let mut m = mandate(&tax, "35");
    m.excluded_sectors = vec![tax.sector("05").unwrap()];
    let top = index.top(&m, &Weights::default(), &MatchFilter::default(), &[], 0, 5);
    assert_eq!(top.len(), 1);
    assert_eq!(index.id(top[0].position), "b");
    let in_sulawesi = MatchFilter {
        province: tax.region("73"),
        ..MatchFilter::default()
    };
    assert!(
        index
            .top(&m, &Weights::default(), &in_sulawesi, &[], 0, 5)
            .is_empty()
    );
    let ikn = MatchFilter {
        ikn_related: Some(true),
        ..MatchFilter::default()
    };
    assert_eq!(index.top(&m, &Weights::default(), &ikn, &[], 0, 5).len(), 1);
}
