//! Screens names given on the command line against the OFAC and UN lists and prints the matches
//! with their explanations: `cargo run --release --example search -- "Rahul Sharma" …`.
//! `--threshold 0.5` lowers the reporting threshold.

use std::error::Error;

use satyapan::domain::names::normalise;
use satyapan::screening::data_dir::sanctions_dir;
use satyapan::screening::index::{Index, Query};
use satyapan::screening::loaders::load_list;
use satyapan::screening::model::ListKind;
use satyapan::screening::score::DEFAULT_THRESHOLD;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut threshold = DEFAULT_THRESHOLD;
    if let Some(i) = args.iter().position(|a| a == "--threshold") {
        threshold = args
            .get(i + 1)
            .ok_or("--threshold needs a value")?
            .parse()?;
        args.drain(i..i + 2);
    }
    let dir = sanctions_dir().ok_or("shared/data/sanctions not found")?;
    let mut entities = Vec::new();
    for kind in [ListKind::OfacSdn, ListKind::UnConsolidated] {
        entities.extend(load_list(kind, &dir)?.entities);
    }
    let index = Index::build(entities);
    for name in &args {
        println!("{name:?} -> {:?}", normalise(name).tokens);
        for m in index.search(&Query::new(name.clone()).with_threshold(threshold)) {
            println!(
                "  {:.3} {}:{} {:?} via {:?} {:?} {:?}",
                m.score,
                m.list,
                m.source_id,
                m.primary_name,
                m.matched_name,
                m.explanation.matched_tokens,
                m.explanation.qualifiers
            );
        }
    }
    Ok(())
}
