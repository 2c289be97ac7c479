//! Criterion benchmarks of the matching index on a generated corpus of 100,000 projects:
//! one investor's top 20 through the index, and the same through the plain scorer on 10,000.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use sepadan::matching::synthetic::corpus;
use sepadan::matching::{MatchFilter, ProjectIndex, Taxonomy, Weights, plain};
use sepadan::reference::Catalogue;

fn matching(c: &mut Criterion) {
    let tax = Arc::new(Taxonomy::from_catalogue(
        &Catalogue::from_shipped_files().expect("shipped reference data"),
    ));
    let generated = corpus(&tax, 100_000, 200, 42);
    let index = ProjectIndex::build(tax.clone(), generated.projects.clone());
    let weights = Weights::default();
    let filter = MatchFilter::default();
    let mut next = 0;
    c.bench_function("index top 20 of 100k projects", |b| {
        b.iter(|| {
            next = (next + 1) % generated.mandates.len();
            black_box(index.top(&generated.mandates[next], &weights, &filter, &[], 0, 20))
        })
    });
    let small = &generated.projects[..10_000];
    let mut group = c.benchmark_group("plain scorer");
    group.sample_size(10);
    group.bench_function("top 20 of 10k projects", |b| {
        b.iter(|| {
            black_box(plain::rank(
                &tax,
                small,
                &generated.mandates[0],
                &weights,
                20,
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
