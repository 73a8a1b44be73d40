//! Measurement: face decisions over labelled pairs from Debian's libdlib19.1 sample photos.
//!
//!     OMP_THREAD_LIMIT=1 cargo run --release --example documents_face_bench
//!
//! Same-person pairs: each portrait against each of its transformed copies (mirror, rotate,
//! darken, grayscale, recompress, printed on a card and photographed). Different-person pairs:
//! each portrait against transformed copies of three other people. Prints the distance
//! distributions, FAR/FRR at candidate thresholds, the decision accuracy at the configured
//! threshold, and the time per pair.
use std::time::Instant;

use satyapan::documents::face::{FaceMatcher, MATCH_DISTANCE};
use satyapan::documents::synth::card::Fonts;
use satyapan::documents::synth::faces::{self, Transform};

fn main() {
    let m =
        FaceMatcher::load(&satyapan::documents::face::models::default_dir()).expect("face models");
    let fonts = Fonts::load().expect("fonts");
    let ps = faces::portraits().expect("sample faces");
    let mut same: Vec<f64> = Vec::new();
    let mut diff: Vec<f64> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut times = Vec::new();
    let mut cpu = 0.0;
    let mut per_transform: Vec<(Transform, Vec<f64>)> =
        Transform::ALL.iter().map(|t| (*t, Vec::new())).collect();
    for (i, p) in ps.iter().enumerate() {
        let selfie = faces::original(p);
        for (ti, t) in Transform::ALL.iter().enumerate() {
            let card = faces::transformed(p, *t, &fonts, (i * 7 + ti) as u64);
            let (s, c) = (Instant::now(), cpu_seconds());
            let r = m.compare(&card, &selfie);
            times.push(s.elapsed().as_secs_f64());
            cpu += cpu_seconds() - c;
            match r.distance {
                Some(d) => {
                    same.push(d);
                    per_transform[ti].1.push(d);
                }
                None => failures.push(format!(
                    "same {} {}: {:?}",
                    p.id,
                    t.name(),
                    r.failure.map(|f| f.code)
                )),
            }
            for k in 1..=3 {
                let other = &ps[(i + k * 5) % ps.len()];
                let card = faces::transformed(other, *t, &fonts, (i * 7 + ti + k) as u64);
                let (s, c) = (Instant::now(), cpu_seconds());
                let r = m.compare(&card, &selfie);
                times.push(s.elapsed().as_secs_f64());
                cpu += cpu_seconds() - c;
                match r.distance {
                    Some(d) => diff.push(d),
                    None => failures.push(format!(
                        "diff {} vs {} {}: {:?}",
                        p.id,
                        other.id,
                        t.name(),
                        r.failure.map(|f| f.code)
                    )),
                }
            }
        }
    }
    let stats = |v: &mut Vec<f64>| -> String {
        v.sort_by(|a, b| a.total_cmp(b));
        if v.is_empty() {
            return "none".into();
        }
        let q = |f: f64| v[((v.len() - 1) as f64 * f) as usize];
        format!(
            "n={} min {:.3} p5 {:.3} median {:.3} p95 {:.3} max {:.3}",
            v.len(),
            v[0],
            q(0.05),
            q(0.5),
            q(0.95),
            v[v.len() - 1]
        )
    };
    println!(
        "people: {}, pairs: {} same-person, {} different-person",
        ps.len(),
        same.len(),
        diff.len()
    );
    println!("same-person distance:      {}", stats(&mut same));
    println!("different-person distance: {}", stats(&mut diff));
    for (t, v) in per_transform.iter_mut() {
        println!("  same, {:10}: {}", t.name(), stats(v));
    }
    println!("pairs without a comparison: {}", failures.len());
    for f in &failures {
        println!("  {f}");
    }
    println!(
        "{:>9} {:>8} {:>8} {:>9}",
        "threshold", "FAR", "FRR", "accuracy"
    );
    let total = (same.len() + diff.len()) as f64;
    for t in [0.35, 0.40, 0.42, 0.45, 0.48, 0.50, 0.55, 0.60] {
        let fa = diff.iter().filter(|d| **d <= t).count() as f64;
        let fr = same.iter().filter(|d| **d > t).count() as f64;
        println!(
            "{t:>9.2} {:>8.4} {:>8.4} {:>9.4}{}",
            fa / diff.len() as f64,
            fr / same.len() as f64,
            1.0 - (fa + fr) / total,
            if (t - MATCH_DISTANCE).abs() < 1e-9 {
                "  <- MATCH_DISTANCE"
            } else {
                ""
            }
        );
    }
    // Every labelled pair decided: a pair without a comparison is "not a match".
    let same_missing = failures.iter().filter(|f| f.starts_with("same")).count();
    let diff_missing = failures.len() - same_missing;
    let all = same.len() + same_missing + diff.len() + diff_missing;
    let fa = diff.iter().filter(|d| **d <= MATCH_DISTANCE).count();
    let fr = same.iter().filter(|d| **d > MATCH_DISTANCE).count() + same_missing;
    println!(
        "decisions over all {all} labelled pairs at MATCH_DISTANCE {MATCH_DISTANCE} (no comparison = not a match): accuracy {:.4}, FAR {:.4} ({fa}/{}), FRR {:.4} ({fr}/{})",
        1.0 - (fa + fr) as f64 / all as f64,
        fa as f64 / (diff.len() + diff_missing) as f64,
        diff.len() + diff_missing,
        fr as f64 / (same.len() + same_missing) as f64,
        same.len() + same_missing
    );
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "time per pair: mean {:.0} ms, p95 {:.0} ms (decode both, locate the card, detect, align, embed, compare)",
        mean * 1000.0,
        times[(times.len() as f64 * 0.95) as usize] * 1000.0
    );
    println!(
        "CPU time per pair: mean {:.0} ms (user + system, this process)",
        cpu / times.len() as f64 * 1000.0
    );
}

/// CPU seconds (user + system) this process has used, from /proc/self/stat (100 ticks/s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
