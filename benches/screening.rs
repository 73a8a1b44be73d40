//! Screening benchmarks over the real OFAC and UN lists: name normalisation, one search for a
//! disturbed listed name, one search for an everyday name, and an index build.
//! `cargo bench --bench screening`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use satyapan::domain::names::normalise;
use satyapan::screening::bench_queries::{negative_queries, positive_queries};
use satyapan::screening::data_dir::sanctions_dir;
use satyapan::screening::index::{Index, Query};
use satyapan::screening::loaders::load_list;
use satyapan::screening::model::{Entity, ListKind};

fn ofac_un() -> Option<Vec<Entity>> {
    let dir = sanctions_dir()?;
    let mut entities = Vec::new();
    for kind in [ListKind::OfacSdn, ListKind::UnConsolidated] {
        entities.extend(load_list(kind, &dir).ok()?.entities);
    }
    Some(entities)
}

fn screening(c: &mut Criterion) {
    let Some(entities) = ofac_un() else {
        eprintln!("shared/data/sanctions not found: nothing to benchmark");
        return;
    };
    let index = Index::build(entities.clone());
    let positives: Vec<Query> = positive_queries(index.entities(), 1000, 1)
        .into_iter()
        .map(|q| Query::new(q.name))
        .collect();
    let negatives: Vec<Query> = negative_queries(1000, 2)
        .into_iter()
        .map(|q| Query::new(q.name))
        .collect();

    let mut i = 0usize;
    c.bench_function("normalise", |b| {
        b.iter(|| {
            i = (i + 1) % positives.len();
            black_box(normalise(&positives[i].name))
        })
    });
    let mut i = 0usize;
    c.bench_function("search/listed_name_disturbed", |b| {
        b.iter(|| {
            i = (i + 1) % positives.len();
            black_box(index.search(&positives[i]))
        })
    });
    let mut i = 0usize;
    c.bench_function("search/everyday_name", |b| {
        b.iter(|| {
            i = (i + 1) % negatives.len();
            black_box(index.search(&negatives[i]))
        })
    });
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("index_ofac_un", |b| {
        b.iter_batched(|| entities.clone(), Index::build, BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, screening);
criterion_main!(benches);
