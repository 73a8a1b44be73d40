//! Screening evaluation over the real OFAC and UN lists.
//!
//! `cargo run --release --example eval [-- --verbose]` prints the index build time, per-query
//! latency (p50/p99), recall@1 and recall@10 for 1,000 disturbed listed names and the false
//! positive rate for 1,000 everyday names, all at the default 0.80 threshold.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use satyapan::screening::bench_queries::{BenchQuery, Variant, negative_queries, positive_queries};
use satyapan::screening::data_dir::sanctions_dir;
use satyapan::screening::index::{Index, Match, Query};
use satyapan::screening::loaders::load_list;
use satyapan::screening::model::ListKind;
use satyapan::screening::score::DEFAULT_THRESHOLD;

const SEED_POSITIVE: u64 = 20_240_601;
const SEED_NEGATIVE: u64 = 20_240_602;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rank_of(matches: &[Match], expected: &(ListKind, String)) -> Option<usize> {
    matches
        .iter()
        .position(|m| m.list == expected.0 && m.source_id == expected.1)
}

fn main() -> Result<(), Box<dyn Error>> {
    let verbose = std::env::args().any(|a| a == "--verbose" || a == "-v");
    let dir =
        sanctions_dir().ok_or("shared/data/sanctions not found (set SATYAPAN_SANCTIONS_DIR)")?;

    let t = Instant::now();
    let mut entities = Vec::new();
    for kind in [ListKind::OfacSdn, ListKind::UnConsolidated] {
        let report = load_list(kind, &dir)?;
        entities.extend(report.entities);
    }
    let load_time = t.elapsed();
    let t = Instant::now();
    let index = Index::build(entities);
    let build_time = t.elapsed();
    let stats = index.stats();
    println!(
        "lists: OFAC+UN, {} entities, {} names, {} keys, {} postings",
        stats.entities, stats.names, stats.keys, stats.postings
    );
    println!("load time: {:.1} ms", ms(load_time));
    println!("index build time: {:.1} ms", ms(build_time));

    let positives = positive_queries(index.entities(), 1000, SEED_POSITIVE);
    let negatives = negative_queries(1000, SEED_NEGATIVE);

    let mut timed: Vec<(Duration, String)> = Vec::with_capacity(positives.len() + negatives.len());
    let mut run = |q: &BenchQuery| {
        let query = Query::new(q.name.clone())
            .with_threshold(DEFAULT_THRESHOLD)
            .with_limit(10);
        let t = Instant::now();
        let m = index.search(&query);
        timed.push((t.elapsed(), q.name.clone()));
        m
    };

    let mut at1 = 0usize;
    let mut at1_ties = 0usize;
    let mut at10 = 0usize;
    let mut by_variant: BTreeMap<Variant, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut not_first = Vec::new();
    for q in &positives {
        let m = run(q);
        let Some(expected) = &q.expected else {
            continue;
        };
        let rank = rank_of(&m, expected);
        let slot = by_variant.entry(q.variant).or_default();
        slot.1 += 1;
        if rank == Some(0) {
            at1 += 1;
        }
        if let Some(r) = rank {
            at10 += 1;
            slot.0 += 1;
            if (m[r].score - m[0].score).abs() < 1e-9 {
                at1_ties += 1;
            } else {
                not_first.push((q, r + 1, m[r].score, m[0].matched_name.clone(), m[0].score));
            }
        } else {
            misses.push((q, m.first().map(|x| (x.primary_name.clone(), x.score))));
        }
    }
    let mut false_positives = Vec::new();
    for q in &negatives {
        let m = run(q);
        if let Some(top) = m.first() {
            false_positives.push((q, top.matched_name.clone(), top.score));
        }
    }
    timed.sort_unstable();
    let times: Vec<Duration> = timed.iter().map(|(d, _)| *d).collect();
    let np = positives.len().max(1) as f64;
    let nn = negatives.len().max(1) as f64;
    println!(
        "queries: {} positive (OFAC aliases + UN names, disturbed), {} everyday names",
        positives.len(),
        negatives.len()
    );
    println!(
        "latency per query: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(percentile(&times, 1.0))
    );
    println!("threshold: {DEFAULT_THRESHOLD:.2}");
    println!(
        "recall@1: {:.3} ({} of {})",
        at1 as f64 / np,
        at1,
        positives.len()
    );
    println!(
        "recall@1 (ties at the top score count): {:.3}",
        at1_ties as f64 / np
    );
    println!(
        "recall@10: {:.3} ({} of {})",
        at10 as f64 / np,
        at10,
        positives.len()
    );
    for (v, (hit, total)) in &by_variant {
        println!(
            "  recall@10 {:<16} {:.3} ({hit} of {total})",
            v.as_str(),
            *hit as f64 / (*total).max(1) as f64
        );
    }
    println!(
        "false positive rate: {:.3} ({} of {} everyday names match at >= {DEFAULT_THRESHOLD:.2})",
        false_positives.len() as f64 / nn,
        false_positives.len(),
        negatives.len()
    );
    if verbose {
        println!("-- slowest queries --");
        for (d, name) in timed.iter().rev().take(8) {
            println!("  {:.3} ms {name:?}", ms(*d));
        }
        println!("-- found below rank 1 --");
        for (q, rank, score, top, top_score) in &not_first {
            println!(
                "  {:?} <- {:?} [{}] rank {rank} ({score:.3}); top {top:?} ({top_score:.3})",
                q.name,
                q.source_name,
                q.variant.as_str()
            );
        }
        println!("-- misses --");
        for (q, top) in &misses {
            println!(
                "  {:?} <- {:?} [{}] top: {:?}",
                q.name,
                q.source_name,
                q.variant.as_str(),
                top
            );
        }
        println!("-- false positives --");
        for (q, matched, score) in &false_positives {
            println!("  {:?} -> {:?} {:.3}", q.name, matched, score);
        }
    }
    Ok(())
}
