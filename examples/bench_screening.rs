//! The screening benchmark's Rust side (driven by `scripts/bench_screening.sh`).
//!
//! ```text
//! bench_screening export DIR   # DIR/names.tsv (entity key, name) and DIR/queries.tsv (query,
//!                              # expected entity key or empty, variant): the same inputs the
//!                              # Python baseline reads
//! bench_screening run DIR      # the engine over DIR/queries.tsv: queries/s, p50/p99,
//!                              # recall@1/@10, false positives at the line
//! bench_screening scale N      # N generated names: index build time, RSS, p50/p99
//! ```
//!
//! Lists: the OFAC SDN and UN files of `shared/data/sanctions` (or `$SATYAPAN_SANCTIONS_DIR`).
//! Queries: 1,000 disturbed OFAC aliases and UN names and 1,000 everyday names, seeded.

use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use satyapan::domain::rng::Rng;
use satyapan::screening::bench_queries::{Variant, disturb, negative_queries, positive_queries};
use satyapan::screening::data_dir::sanctions_dir;
use satyapan::screening::index::{Index, Query};
use satyapan::screening::loaders::load_list;
use satyapan::screening::model::{Entity, EntityType, ListKind};
use satyapan::screening::score::DEFAULT_THRESHOLD;

const SEED_POSITIVE: u64 = 20_240_601;
const SEED_NEGATIVE: u64 = 20_240_602;
const QUERIES: usize = 1000;

fn key(e: &Entity) -> String {
    format!("{}:{}", e.list, e.source_id)
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn lists() -> Result<Vec<Entity>, Box<dyn Error>> {
    let dir =
        sanctions_dir().ok_or("shared/data/sanctions not found (set SATYAPAN_SANCTIONS_DIR)")?;
    let mut entities = Vec::new();
    for kind in [ListKind::OfacSdn, ListKind::UnConsolidated] {
        entities.extend(load_list(kind, &dir)?.entities);
    }
    Ok(entities)
}

fn export(dir: &Path) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(dir)?;
    let entities = lists()?;
    let mut names = std::io::BufWriter::new(std::fs::File::create(dir.join("names.tsv"))?);
    let mut count = 0;
    for e in &entities {
        for n in e.names() {
            writeln!(names, "{}\t{}", key(e), clean(n))?;
            count += 1;
        }
    }
    names.flush()?;
    let mut queries = std::io::BufWriter::new(std::fs::File::create(dir.join("queries.tsv"))?);
    let positives = positive_queries(&entities, QUERIES, SEED_POSITIVE);
    let negatives = negative_queries(QUERIES, SEED_NEGATIVE);
    for q in positives.iter().chain(&negatives) {
        let expected = q
            .expected
            .as_ref()
            .map(|(l, id)| format!("{l}:{id}"))
            .unwrap_or_default();
        writeln!(
            queries,
            "{}\t{}\t{}",
            clean(&q.name),
            expected,
            q.variant.as_str()
        )?;
    }
    queries.flush()?;
    println!(
        "exported {} entities, {count} names, {} positive and {} everyday queries to {}",
        entities.len(),
        positives.len(),
        negatives.len(),
        dir.display()
    );
    Ok(())
}

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

struct Figures {
    queries: usize,
    wall: Duration,
    times: Vec<Duration>,
    positives: usize,
    at1: usize,
    at10: usize,
    negatives: usize,
    false_positives: usize,
}

impl Figures {
    fn print(&mut self, label: &str) {
        self.times.sort_unstable();
        println!(
            "{label}: {} queries, {:.0} queries/s, p50 {:.3} ms, p99 {:.3} ms, recall@1 {:.3}, recall@10 {:.3}, false positives {:.1} % ({} of {}) at >= {DEFAULT_THRESHOLD:.2}",
            self.queries,
            self.queries as f64 / self.wall.as_secs_f64().max(1e-9),
            ms(percentile(&self.times, 0.50)),
            ms(percentile(&self.times, 0.99)),
            self.at1 as f64 / self.positives.max(1) as f64,
            self.at10 as f64 / self.positives.max(1) as f64,
            100.0 * self.false_positives as f64 / self.negatives.max(1) as f64,
            self.false_positives,
            self.negatives,
        );
    }
}

/// A query and the key of the entity it must find (`None` for everyday names).
type Labelled = (String, Option<String>);

/// The labelled queries of a `queries.tsv`.
fn read_queries(dir: &Path) -> Result<Vec<Labelled>, Box<dyn Error>> {
    let text = std::fs::read_to_string(dir.join("queries.tsv"))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            let name = it.next()?.to_string();
            let expected = it.next().filter(|e| !e.is_empty()).map(str::to_string);
            Some((name, expected))
        })
        .collect())
}

fn run_queries(index: &Index, queries: &[Labelled]) -> Figures {
    let keys: Vec<String> = index.entities().iter().map(key).collect();
    let mut f = Figures {
        queries: queries.len(),
        wall: Duration::ZERO,
        times: Vec::with_capacity(queries.len()),
        positives: 0,
        at1: 0,
        at10: 0,
        negatives: 0,
        false_positives: 0,
    };
    let start = Instant::now();
    for (name, expected) in queries {
        let q = Query::new(name.clone())
            .with_threshold(DEFAULT_THRESHOLD)
            .with_limit(10);
        let t = Instant::now();
        let matches = index.search(&q);
        f.times.push(t.elapsed());
        match expected {
            Some(expected) => {
                f.positives += 1;
                let rank = matches.iter().position(|m| keys[m.entity_idx] == *expected);
                if rank == Some(0) {
                    f.at1 += 1;
                }
                if rank.is_some() {
                    f.at10 += 1;
                }
            }
            None => {
                f.negatives += 1;
                if !matches.is_empty() {
                    f.false_positives += 1;
                }
            }
        }
    }
    f.wall = start.elapsed();
    f
}

fn run(dir: &Path) -> Result<(), Box<dyn Error>> {
    let entities = lists()?;
    let t = Instant::now();
    let index = Index::build(entities);
    let build = t.elapsed();
    let stats = index.stats();
    println!(
        "satyapan: OFAC+UN {} entities, {} names; index build {:.1} ms",
        stats.entities,
        stats.names,
        ms(build)
    );
    let queries = read_queries(dir)?;
    let mut figures = run_queries(&index, &queries);
    figures.print("satyapan (Rust engine, 1 thread)");
    Ok(())
}

/// Resident set size and its peak, in MiB, from `/proc/self/status`.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

const SYLLABLES: &[&str] = &[
    "ka", "ri", "mo", "san", "de", "lu", "na", "vi", "to", "ra", "shi", "ban", "kar", "el", "mir",
    "za", "hu", "pe", "dra", "go", "li", "mar", "sun", "ta", "ve", "no", "ya", "bo", "chan", "fa",
    "gi", "ha", "jo", "ku", "lan", "me", "ni", "or", "pra", "qu", "ro", "sa", "tan", "u", "va",
    "wi", "xa", "yo", "zu", "ab", "dul", "ham", "ir", "is", "ov", "ich", "ski", "son", "berg",
    "ton", "ez", "ova", "eva",
];

fn token(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    let mut t = String::new();
    for _ in 0..n {
        t.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
    }
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn generated(n: usize, seed: u64) -> Vec<Entity> {
    let mut rng = Rng::from_state(seed);
    (0..n)
        .map(|i| {
            let words = 2 + rng.below(2);
            let name: Vec<String> = (0..words).map(|_| token(&mut rng)).collect();
            let t = if rng.below(4) == 0 {
                EntityType::Organization
            } else {
                EntityType::Person
            };
            Entity::new(ListKind::OfacSdn, i.to_string(), t, name.join(" "))
        })
        .collect()
}

fn scale(n: usize) -> Result<(), Box<dyn Error>> {
    let (rss0, _) = rss_mib();
    let entities = generated(n, 7);
    let (rss_entities, _) = rss_mib();
    let mut rng = Rng::from_state(11);
    let mut queries: Vec<Labelled> = Vec::with_capacity(2 * QUERIES);
    while queries.len() < QUERIES {
        let e = &entities[rng.below(entities.len())];
        let variant = [Variant::Typo, Variant::Reorder, Variant::DropMiddle][rng.below(3)];
        if let Some(q) = disturb(&e.primary_name, variant, &mut rng) {
            queries.push((q, Some(key(e))));
        }
    }
    queries.extend(
        negative_queries(QUERIES, SEED_NEGATIVE)
            .into_iter()
            .map(|q| (q.name, None)),
    );
    let t = Instant::now();
    let index = Index::build(entities);
    let build = t.elapsed();
    let (rss_index, peak) = rss_mib();
    let stats = index.stats();
    println!(
        "scale: {} generated names ({} keys, {} postings); index build {:.2} s; RSS {:.0} MiB before, {:.0} MiB with the entities, {:.0} MiB with the index (peak {:.0} MiB)",
        stats.names,
        stats.keys,
        stats.postings,
        build.as_secs_f64(),
        rss0,
        rss_entities,
        rss_index,
        peak
    );
    let mut figures = run_queries(&index, &queries);
    figures.print("scale (1 thread)");
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["export", dir] => export(Path::new(dir)),
        ["run", dir] => run(Path::new(dir)),
        ["scale", n] => scale(n.parse()?),
        _ => Err("usage: bench_screening export DIR | run DIR | scale N".into()),
    }
}
