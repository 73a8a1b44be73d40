//! Measurement: KTP OCR over N degraded renders (default 300).
//!
//!     OMP_THREAD_LIMIT=1 cargo run --release --example documents_ocr_bench -- [N] [first_seed]
//!
//! Prints the NIK exact-read rate, per-field character accuracy (1 − edit distance / length of
//! the rendered value, floored at 0), the share of fields read exactly, and the time per card.
use std::time::Instant;

use satyapan::documents::ocr::{KtpReader, OutputStatus};
use satyapan::documents::synth::{self, Degradation, KtpTruth, Rng};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(300);
    let first: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let verbose = std::env::var("VERBOSE").is_ok();
    let fonts = synth::card::Fonts::load().expect("DejaVu fonts (fonts-dejavu-core)");
    let reader = KtpReader::new();
    reader.warm_up().expect("Tesseract with the ind model");
    let keys: Vec<&str> = KtpTruth::random(&mut Rng::new(0))
        .fields()
        .iter()
        .map(|(k, _)| *k)
        .collect();
    let mut acc = vec![0f64; keys.len()];
    let mut exact = vec![0u32; keys.len()];
    let mut nik_exact = 0u32;
    let mut verified = 0u32;
    let mut times = Vec::new();
    let mut cpu = 0.0;
    for seed in first..first + n {
        let truth = KtpTruth::random(&mut Rng::new(seed));
        let card = synth::render_card(&fonts, &truth, None);
        let bytes = synth::degrade(&card, &Degradation::moderate(seed));
        let (t, c) = (Instant::now(), cpu_seconds());
        let r = reader.read(&bytes);
        times.push(t.elapsed().as_secs_f64());
        cpu += cpu_seconds() - c;
        if r.output_status == OutputStatus::Verified {
            verified += 1;
        }
        for (i, (k, v)) in truth.fields().iter().enumerate() {
            let got = r.fields.value(k).unwrap_or("");
            let d = strsim::levenshtein(v, got) as f64;
            acc[i] += (1.0 - d / v.chars().count().max(1) as f64).max(0.0);
            if got == *v {
                exact[i] += 1;
                if *k == "nik" {
                    nik_exact += 1;
                }
            } else if verbose {
                println!("seed {seed} {k}: {v:?} read {got:?}");
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p95 = times[((times.len() as f64 * 0.95) as usize).min(times.len() - 1)];
    println!(
        "cards: {n} moderately degraded renders (seeds {first}..{})",
        first + n
    );
    println!(
        "NIK exact-read rate: {:.3} ({nik_exact}/{n})",
        f64::from(nik_exact) / n as f64
    );
    println!(
        "output_status VERIFIED: {:.3}",
        f64::from(verified) / n as f64
    );
    println!("{:18} {:>9} {:>7}", "field", "char_acc", "exact");
    let mut total = 0.0;
    for (i, k) in keys.iter().enumerate() {
        total += acc[i] / n as f64;
        println!(
            "{k:18} {:>9.4} {:>7.3}",
            acc[i] / n as f64,
            f64::from(exact[i]) / n as f64
        );
    }
    println!(
        "{:18} {:>9.4}",
        "mean over fields",
        total / keys.len() as f64
    );
    println!(
        "time per card: mean {:.0} ms, p95 {:.0} ms",
        mean * 1000.0,
        p95 * 1000.0
    );
    println!(
        "CPU time per card: mean {:.0} ms (user + system, this process)",
        cpu / n as f64 * 1000.0
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
