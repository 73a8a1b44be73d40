//! Evaluation on real photographs kept outside the repository (they show real people).
//!
//!     scripts/eval_documents.sh /path/to/eval-dir          # builds in release and runs this
//!     cargo run --release --example eval_documents -- DIR [--split dev|heldout] [--verbose]
//!
//! `DIR/ktp/labels.json`: `{"cards": [{"file": "dev/x.jpg", "fields": {"nik": "…", …}}]}`, files
//! relative to `DIR/ktp/`, values as printed (labelled by eye). The first path component of a
//! file is its split (`dev`, `heldout`). `DIR/faces/*pairs.csv`: `card,selfie,label,…` with
//! `label` `same` or `different`, paths relative to `DIR/faces/`; a file named
//! `heldout_pairs.csv` is the held-out split.
//!
//! Prints, per split: the NIK exact rate, each field's exact rate (after normalising case and
//! spacing), how many wrong values carried a confidence of 0.8 or more, the time per card; the
//! faces' distance histogram, FAR/FRR per threshold (a pair without a comparison counts as a
//! reject), the reasons comparisons could not be made, the decisions at the configured line, and
//! the time per pair.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use satyapan::documents::Documents;
use satyapan::documents::face::MATCH_DISTANCE;

const FIELDS: [&str; 17] = [
    "nik",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "golongan_darah",
    "alamat",
    "rt_rw",
    "kelurahan_desa",
    "kecamatan",
    "agama",
    "status_perkawinan",
    "pekerjaan",
    "kewarganegaraan",
    "berlaku_hingga",
    "provinsi",
    "kabupaten_kota",
];

fn main() {
    let mut dir: Option<PathBuf> = None;
    let mut split: Option<String> = None;
    let mut verbose = std::env::var_os("VERBOSE").is_some();
    let mut only: Option<String> = None;
    let mut file_filter: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--split" => split = args.next(),
            "--verbose" | "-v" => verbose = true,
            "--only" => only = args.next(),
            "--file" => file_filter = args.next(),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir.or_else(|| std::env::var_os("SATYAPAN_EVAL_DIR").map(PathBuf::from)) else {
        eprintln!("usage: eval_documents DIR [--split dev|heldout] [--only ocr|faces] [--verbose]");
        std::process::exit(2);
    };
    let models = satyapan::documents::face::models::default_dir();
    let docs = Documents::load(&models);
    let ready = docs.readiness();
    if let Err(e) = &ready.ocr {
        eprintln!("OCR unavailable: {e}");
    }
    if let Err(e) = &ready.face {
        eprintln!("face match unavailable: {e}");
    }
    if only.as_deref() != Some("faces") {
        ocr(
            &docs,
            &dir.join("ktp"),
            split.as_deref(),
            file_filter.as_deref(),
            verbose,
        );
    }
    if only.as_deref() != Some("ocr") {
        faces(
            &docs,
            &dir.join("faces"),
            split.as_deref(),
            file_filter.as_deref(),
            verbose,
        );
    }
    docs.release();
}

/// Upper case, whitespace removed: "JL. MERDEKA" and "JL.MERDEKA" compare equal.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

fn split_of(file: &str) -> String {
    file.split('/').next().unwrap_or("").to_owned()
}

#[derive(Default)]
struct OcrTally {
    cards: usize,
    exact: BTreeMap<&'static str, usize>,
    null: BTreeMap<&'static str, usize>,
    confident_wrong: usize,
    fields_exact: usize,
    times: Vec<f64>,
}

fn ocr(
    docs: &Documents,
    dir: &Path,
    only_split: Option<&str>,
    file_filter: Option<&str>,
    verbose: bool,
) {
    let labels = dir.join("labels.json");
    let Ok(text) = std::fs::read_to_string(&labels) else {
        println!("(no {}: OCR not evaluated)", labels.display());
        return;
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{}: {e}", labels.display());
            return;
        }
    };
    let cards = json["cards"].as_array().cloned().unwrap_or_default();
    let mut tallies: BTreeMap<String, OcrTally> = BTreeMap::new();
    for card in &cards {
        let file = card["file"].as_str().unwrap_or("");
        let split = split_of(file);
        if only_split.is_some_and(|s| s != split) || file_filter.is_some_and(|f| !file.contains(f))
        {
            continue;
        }
        let Ok(bytes) = std::fs::read(dir.join(file)) else {
            eprintln!("cannot read {file}");
            continue;
        };
        let t = Instant::now();
        let r = docs.ocr_ktp(&bytes);
        let elapsed = t.elapsed().as_secs_f64();
        let out = serde_json::to_value(&r).unwrap_or_default();
        for key in [split.clone(), "all".to_owned()] {
            let tally = tallies.entry(key).or_default();
            tally.cards += 1;
            tally.times.push(elapsed);
        }
        if verbose {
            println!(
                "-- {file}: {} in {:.2} s, card_located {}, findings {:?}",
                r.output_status.as_str(),
                elapsed,
                r.card_located,
                r.findings.iter().map(|f| f.code).collect::<Vec<_>>()
            );
        }
        for key in FIELDS {
            let want = card["fields"][key].as_str().unwrap_or("");
            let got = &out["fields"][key];
            let got_value = got["value"].as_str();
            let conf = got["confidence"].as_f64().unwrap_or(0.0);
            let ok = got_value.is_some_and(|g| norm(g) == norm(want));
            for k in [split.as_str(), "all"] {
                let tally = tallies.get_mut(k).expect("tally exists");
                if ok {
                    *tally.exact.entry(key).or_default() += 1;
                    tally.fields_exact += 1;
                } else if got_value.is_none() {
                    *tally.null.entry(key).or_default() += 1;
                } else if conf >= 0.8 {
                    tally.confident_wrong += 1;
                }
            }
            if verbose && !ok {
                println!("   {key:18} want {want:?} got {got_value:?} ({conf:.2})");
            }
        }
    }
    for (split, t) in &tallies {
        let n = t.cards.max(1) as f64;
        println!();
        println!(
            "== KTP OCR, split {split}: {} real card photographs (labelled by eye)",
            t.cards
        );
        println!(
            "NIK exact: {:.3} ({}/{})",
            *t.exact.get("nik").unwrap_or(&0) as f64 / n,
            t.exact.get("nik").unwrap_or(&0),
            t.cards
        );
        println!("{:18} {:>7} {:>6}", "field", "exact", "null");
        for key in FIELDS {
            let e = *t.exact.get(key).unwrap_or(&0);
            let z = *t.null.get(key).unwrap_or(&0);
            println!("{key:18} {:>7.3} {:>6}", e as f64 / n, z);
        }
        println!(
            "all fields exact: {:.3} ({}/{}); wrong with confidence >= 0.8: {}",
            t.fields_exact as f64 / (n * FIELDS.len() as f64),
            t.fields_exact,
            t.cards * FIELDS.len(),
            t.confident_wrong
        );
        let (median, p90, mean) = stats(&t.times);
        println!(
            "time per card: median {:.2} s, p90 {:.2} s, mean {:.2} s",
            median, p90, mean
        );
    }
}

fn stats(v: &[f64]) -> (f64, f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let median = s[s.len() / 2];
    let p90 = s[((s.len() as f64 * 0.9) as usize).min(s.len() - 1)];
    (median, p90, s.iter().sum::<f64>() / s.len() as f64)
}

#[derive(Default)]
struct FaceTally {
    same: Vec<Option<f64>>,
    diff: Vec<Option<f64>>,
    failures: BTreeMap<String, usize>,
    times: Vec<f64>,
    matched_same: usize,
    matched_diff: usize,
}

fn faces(
    docs: &Documents,
    dir: &Path,
    only_split: Option<&str>,
    file_filter: Option<&str>,
    verbose: bool,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        println!("(no {}: faces not evaluated)", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("pairs.csv"))
        })
        .collect();
    files.sort();
    let mut tallies: BTreeMap<String, FaceTally> = BTreeMap::new();
    let mut cache: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let split = if name.starts_with("heldout") {
            "heldout"
        } else {
            "dev"
        };
        if only_split.is_some_and(|s| s != split) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            if cols.len() < 3 {
                continue;
            }
            let mut load = |p: &str| -> Option<Vec<u8>> {
                let path = dir.join(p);
                if let Some(b) = cache.get(&path) {
                    return Some(b.clone());
                }
                let b = std::fs::read(&path).ok()?;
                cache.insert(path, b.clone());
                Some(b)
            };
            if file_filter.is_some_and(|f| !cols[0].contains(f)) {
                continue;
            }
            let (Some(a), Some(b)) = (load(cols[0]), load(cols[1])) else {
                eprintln!("cannot read {line}");
                continue;
            };
            let same = cols[2].trim() == "same";
            let t = Instant::now();
            let m = docs.face_match(&a, &b);
            let elapsed = t.elapsed().as_secs_f64();
            if verbose {
                println!(
                    "{} {} {}: {:?} {}",
                    cols[0],
                    cols[1],
                    cols[2],
                    m.distance.map(|d| (d * 1000.0).round() / 1000.0),
                    m.failure.as_ref().map(|f| f.code).unwrap_or("")
                );
            }
            for key in [split, "all"] {
                let tally = tallies.entry(key.to_owned()).or_default();
                tally.times.push(elapsed);
                if same {
                    tally.same.push(m.distance);
                    tally.matched_same += usize::from(m.is_match_face);
                } else {
                    tally.diff.push(m.distance);
                    tally.matched_diff += usize::from(m.is_match_face);
                }
                if let Some(f) = &m.failure {
                    *tally.failures.entry(f.code.to_owned()).or_default() += 1;
                }
            }
        }
    }
    for (split, t) in &tallies {
        println!();
        println!(
            "== Face match, split {split}: {} same-person pairs (different photographs), {} different-person pairs",
            t.same.len(),
            t.diff.len()
        );
        let same: Vec<f64> = t.same.iter().flatten().copied().collect();
        let diff: Vec<f64> = t.diff.iter().flatten().copied().collect();
        println!("distance histogram (compared pairs):");
        println!("{:>11} {:>6} {:>6}", "distance", "same", "diff");
        let mut lo = 0.0;
        while lo < 1.2 - 1e-9 {
            let hi = lo + 0.05;
            let c = |v: &[f64]| v.iter().filter(|d| **d >= lo && **d < hi).count();
            let (cs, cd) = (c(&same), c(&diff));
            if cs + cd > 0 {
                println!("{lo:.2}–{hi:.2} {cs:>6} {cd:>6}");
            }
            lo = hi;
        }
        println!(
            "no comparison: {} same, {} different; reasons {:?}",
            t.same.len() - same.len(),
            t.diff.len() - diff.len(),
            t.failures
        );
        println!(
            "{:>9} {:>8} {:>8} {:>9}",
            "threshold", "FAR", "FRR", "accuracy"
        );
        for th in [0.40, 0.45, 0.50, 0.52, 0.55, 0.58, 0.60, 0.65] {
            let fa = diff.iter().filter(|d| **d <= th).count();
            let ta = same.iter().filter(|d| **d <= th).count();
            let far = fa as f64 / t.diff.len().max(1) as f64;
            let frr = 1.0 - ta as f64 / t.same.len().max(1) as f64;
            let acc = (ta + t.diff.len() - fa) as f64 / (t.same.len() + t.diff.len()).max(1) as f64;
            let mark = if (th - MATCH_DISTANCE).abs() < 1e-9 {
                "  <- MATCH_DISTANCE"
            } else {
                ""
            };
            println!("{th:>9.2} {far:>8.4} {frr:>8.4} {acc:>9.4}{mark}");
        }
        let total = t.same.len() + t.diff.len();
        let right = t.matched_same + (t.diff.len() - t.matched_diff);
        println!(
            "decisions at MATCH_DISTANCE {MATCH_DISTANCE}: {:.4} right ({right}/{total}), false accepts {}/{}, false rejects {}/{}",
            right as f64 / total.max(1) as f64,
            t.matched_diff,
            t.diff.len(),
            t.same.len() - t.matched_same,
            t.same.len()
        );
        let (median, p90, mean) = stats(&t.times);
        println!(
            "time per pair: median {:.3} s, p90 {:.3} s, mean {:.3} s (decode both, detect, align, embed)",
            median, p90, mean
        );
    }
}
