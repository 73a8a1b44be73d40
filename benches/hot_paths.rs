//! The per-request and per-check hot paths: identifier parsing at the boundary, the matching
//! that decides results, and a whole decision.
//!
//!   cargo bench --bench hot_paths

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use satyapan::domain::checks::decide;
use satyapan::domain::ids::{Aadhaar, Gstin, Mobile, Pan};
use satyapan::domain::matching::{compare_addresses, compare_dates, compare_names};
use satyapan::providers::check::{CheckInput, SourceRecord};

fn identifiers(c: &mut Criterion) {
    c.bench_function("parse Aadhaar (Verhoeff)", |b| {
        b.iter(|| Aadhaar::parse(black_box("2341 2341 2346")))
    });
    c.bench_function("parse GSTIN (mod-36, embedded PAN)", |b| {
        b.iter(|| Gstin::parse(black_box("27AABCS1234K1ZG")))
    });
    c.bench_function("parse PAN", |b| {
        b.iter(|| Pan::parse(black_box("ABCPE1234F")))
    });
    c.bench_function("parse mobile", |b| {
        b.iter(|| Mobile::parse(black_box("9553226860")))
    });
}

fn matching(c: &mut Criterion) {
    c.bench_function("compare_names (initial, reordered)", |b| {
        b.iter(|| {
            compare_names(
                black_box("Mr. N. Vivek Kumar"),
                black_box("Kumar Nallala Vivek"),
            )
        })
    });
    c.bench_function("compare_dates (two formats)", |b| {
        b.iter(|| compare_dates(black_box("08-01-2001"), black_box("2001-01-08")))
    });
    c.bench_function("compare_addresses (abbreviations, pincode)", |b| {
        b.iter(|| {
            compare_addresses(
                black_box("H No 12-3, MG Rd, Opp. Bus Stand, Pune"),
                Some("411001"),
                black_box("House No 12-3, M.G. Road, Opposite Bus Stand, Pune, Maharashtra 411001"),
                None,
            )
        })
    });
}

fn decision(c: &mut Criterion) {
    let input = CheckInput {
        kind: satyapan::domain::checks::CheckType::parse("identity_pan").expect("a check type"),
        reference: "bench".into(),
        name: "Vivek Patel".into(),
        dob: chrono::NaiveDate::from_ymd_opt(2001, 1, 8),
        father_name: None,
        address: None,
        pincode: None,
        phone: None,
        pan: Some(satyapan::domain::ids::Pan::parse("ABCPE1234F").expect("a valid PAN")),
        aadhaar: None,
        uan: None,
        employers: Vec::new(),
        attempt: 1,
        sandbox_outcome: None,
        sandbox_org: true,
    };
    let record = SourceRecord {
        source: "SANDBOX".into(),
        fields: vec![
            ("name".into(), "PATEL VIVEK".into()),
            ("dob".into(), "2001-01-08".into()),
            ("id_number".into(), "ABCPE1234F".into()),
        ],
        ..SourceRecord::default()
    };
    c.bench_function("decide identity_pan", |b| {
        b.iter(|| decide(black_box(&input), black_box(&record)))
    });
}

criterion_group!(benches, identifiers, matching, decision);
criterion_main!(benches);
