//! Sandbox records for background checks. By default the source mirrors what the candidate
//! declared (so checks come out clear); a `sandbox_outcome` bends the record so the *decision
//! engine* reaches the asked-for result — the result itself is always computed, never forced.

use async_trait::async_trait;
use serde_json::json;

use super::{SOURCE, Sandbox, Seeded, person};
use crate::domain::source::SandboxOutcome;
use crate::providers::ProviderError;
use crate::providers::check::{CheckInput, CheckProvider, Evidence, SourceRecord};

/// An Aadhaar ending in these digits returns the record of the vendor's documented example
/// ("Nallala Vivek", 08-01-2001, Male).
pub const SEED_EXAMPLE_AADHAAR_LAST4: &str = "8300";

const OTHER_SURNAMES: &[&str] = &["Sharma", "Reddy", "Iyer", "Hartono", "Banerjee", "Khan"];
const COURTS: &[&str] = &[
    "Court of the Chief Judicial Magistrate, Pune",
    "Metropolitan Magistrate Court, Hyderabad",
    "District and Sessions Court, Bengaluru Urban",
    "Court of the Judicial Magistrate First Class, Ongole",
];
const ACTS: &[&str] = &[
    "IPC 420 (cheating)",
    "IPC 379 (theft)",
    "NI Act 138 (cheque dishonour)",
    "IPC 323 (hurt)",
];

/// A name that differs only by an initial (minor) or by a different surname (discrepancy).
fn varied_name(name: &str, outcome: &str, rng: &mut Seeded) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match (outcome, words.as_slice()) {
        // Each variant is one the matching rules rate "partial" (docs/matching.md): a name
        // with an extra word, an initial for the given name, a missing middle name.
        ("minor_discrepancy", [only]) => format!("{only} Kumar"),
        ("minor_discrepancy", [first, last]) => {
            format!("{}. {last}", first.chars().next().unwrap_or('X'))
        }
        ("minor_discrepancy", [first, .., last]) => format!("{first} {last}"),
        ("discrepancy", [.., last]) => {
            let mut replacement = *rng.pick(OTHER_SURNAMES);
            if replacement.eq_ignore_ascii_case(last) {
                replacement = "Fernandes";
            }
            let kept = &words[..words.len() - 1];
            if kept.is_empty() {
                replacement.to_string()
            } else {
                format!("{} {replacement}", kept.join(" "))
            }
        }
        _ => name.to_string(),
    }
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A one-page search summary as SVG: the evidence file a sandbox source attaches.
fn evidence_page(title: &str, lines: &[String]) -> Evidence {
    let mut body = String::new();
    for (i, line) in lines.iter().enumerate() {
        body.push_str(&format!(
            r##"<text x="40" y="{}" font-family="DejaVu Sans, sans-serif" font-size="16" fill="#222">{}</text>"##,
            150 + i * 30,
            escape_xml(line)
        ));
    }
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="{h}" viewBox="0 0 800 {h}"><rect width="800" height="{h}" fill="#fff" stroke="#999"/><rect width="800" height="70" fill="#1f3a5f"/><text x="40" y="45" font-family="DejaVu Sans, sans-serif" font-size="24" fill="#fff">{t}</text><text x="40" y="110" font-family="DejaVu Sans, sans-serif" font-size="14" fill="#b00">SANDBOX — test data, not a real record</text>{body}</svg>"##,
        h = 200 + lines.len() * 30,
        t = escape_xml(title)
    );
    Evidence {
        name: "page_1.svg".into(),
        content_type: "image/svg+xml".into(),
        bytes: svg.into_bytes(),
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[async_trait]
impl CheckProvider for Sandbox {
    async fn fetch(&self, input: &CheckInput) -> Result<SourceRecord, ProviderError> {
        self.wait().await;
        let outcome = input
            .sandbox_outcome
            .map_or("clear", SandboxOutcome::as_str);
        match outcome {
            "not_available" => return Err(ProviderError::NotFound),
            "unable_to_verify" => return Err(ProviderError::Timeout),
            "flaky" if input.attempt <= 2 => {
                return Err(ProviderError::Unavailable(format!(
                    "sandbox source failed on attempt {}",
                    input.attempt
                )));
            }
            _ => {}
        }
        let key = format!("{}|{}|{}", input.check_type, input.name, date(input.dob));
        let mut rng = Seeded::new("check", &key);
        let someone = person("check", &key);
        let mut record = SourceRecord {
            source: SOURCE.into(),
            ..SourceRecord::default()
        };
        let field =
            |record: &mut SourceRecord, k: &str, v: String| record.fields.push((k.into(), v));
        let name = varied_name(&input.name, outcome, &mut rng);
        let searched = format!("Searched for: {}", input.name);
        match input.check_type.as_str() {
            "identity_aadhaar" | "identity_pan" | "credit_report_check" => {
                let seed_example = input
                    .aadhaar
                    .as_ref()
                    .is_some_and(|a| a.last4() == SEED_EXAMPLE_AADHAAR_LAST4);
                let (name, dob, gender) = if seed_example {
                    (
                        "Nallala Vivek".to_string(),
                        "2001-01-08".to_string(),
                        "Male",
                    )
                } else {
                    (
                        name,
                        input
                            .dob
                            .map(|d| d.format("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| someone.dob.format("%Y-%m-%d").to_string()),
                        someone.gender,
                    )
                };
                field(&mut record, "name", name);
                field(&mut record, "dob", dob);
                field(&mut record, "gender", gender.to_string());
                match input.check_type.as_str() {
                    "identity_aadhaar" => {
                        let masked = input
                            .aadhaar
                            .as_ref()
                            .map(|a| a.masked())
                            .unwrap_or_default();
                        field(&mut record, "id_number", masked);
                    }
                    "identity_pan" => {
                        field(
                            &mut record,
                            "id_number",
                            input.pan.clone().unwrap_or_default(),
                        );
                        field(&mut record, "status", "Valid".into());
                    }
                    _ => {
                        let pan = if outcome == "discrepancy" {
                            someone.pan.as_str().to_string()
                        } else {
                            input.pan.clone().unwrap_or_default()
                        };
                        field(&mut record, "pan", pan);
                        field(&mut record, "credit_score", rng.range(650, 820).to_string());
                        field(&mut record, "active_accounts", rng.range(1, 6).to_string());
                    }
                }
            }
            "criminal_check" => {
                let courts = rng.range(12, 40);
                field(&mut record, "courts_searched", courts.to_string());
                if matches!(outcome, "minor_discrepancy" | "discrepancy") {
                    let corroborated = outcome == "discrepancy";
                    record.records.push(json!({
                        "court": rng.pick(COURTS),
                        "case_number": format!("CC/{}/{}", rng.range(100, 9999), rng.range(2012, 2024)),
                        "act": rng.pick(ACTS),
                        "status": "Pending trial",
                        "name": input.name,
                        "father_name": if corroborated {
                            input.father_name.clone().unwrap_or_else(|| someone.father_name.clone())
                        } else {
                            format!("{} {}", rng.pick(&["Ramaiah", "Suresh", "Abdul", "Joseph"]), rng.pick(OTHER_SURNAMES))
                        },
                        "address": if corroborated {
                            input.address.clone().unwrap_or_default()
                        } else {
                            someone.address.full()
                        },
                    }));
                }
                let found = record.records.len();
                record.documents.push(evidence_page(
                    "Court records search",
                    &[
                        searched,
                        format!("Courts searched: {courts}"),
                        format!("Records found: {found}"),
                    ],
                ));
            }
            "aml_check" => {
                field(
                    &mut record,
                    "lists_searched",
                    "sandbox sanctions and PEP lists".into(),
                );
                if matches!(outcome, "minor_discrepancy" | "discrepancy") {
                    record.records.push(json!({
                        "list": "SANDBOX-SANCTIONS",
                        "name": input.name,
                        "dob": if outcome == "discrepancy" { date(input.dob) } else { String::new() },
                        "program": "SANDBOX",
                    }));
                }
                let hits = record.records.len();
                record.documents.push(evidence_page(
                    "Sanctions and PEP screening",
                    &[searched, format!("Matches: {hits}")],
                ));
            }
            "employment_check" => {
                field(
                    &mut record,
                    "name",
                    if outcome == "minor_discrepancy" {
                        input.name.clone()
                    } else {
                        name
                    },
                );
                let shift = if outcome == "minor_discrepancy" {
                    90
                } else {
                    0
                };
                let shifted = |d: Option<chrono::NaiveDate>| {
                    d.map(|d| {
                        (d + chrono::Days::new(shift))
                            .format("%Y-%m-%d")
                            .to_string()
                    })
                    .unwrap_or_default()
                };
                for (i, claim) in input.employers.iter().enumerate() {
                    let employer = if outcome == "discrepancy" && i == 0 {
                        "Unrelated Industries Private Limited".to_string()
                    } else {
                        claim.employer_name.clone()
                    };
                    record.records.push(json!({
                        "employer_name": employer,
                        "start_date": shifted(claim.start_date),
                        "end_date": shifted(claim.end_date),
                        "source": "EPFO (sandbox)",
                    }));
                }
                if input.employers.is_empty() {
                    for _ in 0..rng.range(1, 3) {
                        let start = rng.range(2012, 2020);
                        record.records.push(json!({
                            "employer_name": format!("{} Private Limited", rng.pick(&["Deccan Infotech", "Coastal Logistics", "Lotus Foods"])),
                            "start_date": format!("{start}-0{}-01", rng.range(1, 9)),
                            "end_date": format!("{}-0{}-28", start + rng.range(1, 4) as u64, rng.range(1, 9)),
                            "source": "EPFO (sandbox)",
                        }));
                    }
                }
            }
            "address_check" => {
                let pincode = input.pincode.clone().unwrap_or_default();
                let (address, pincode) = if outcome == "discrepancy" {
                    (someone.address.full(), someone.address.pincode.clone())
                } else {
                    (input.address.clone().unwrap_or_default(), pincode)
                };
                field(&mut record, "address", address);
                field(&mut record, "pincode", pincode);
                field(
                    &mut record,
                    "resident_name",
                    varied_name(
                        &input.name,
                        if outcome == "minor_discrepancy" {
                            outcome
                        } else {
                            "clear"
                        },
                        &mut rng,
                    ),
                );
                field(
                    &mut record,
                    "verified_on",
                    chrono::Utc::now().format("%d-%m-%Y").to_string(),
                );
                record.documents.push(evidence_page(
                    "Address verification",
                    &[searched, "Visited by: sandbox field agent".into()],
                ));
            }
            _ => {
                return Err(ProviderError::Unavailable(format!(
                    "the sandbox has no source for '{}'",
                    input.check_type
                )));
            }
        }
        Ok(record)
    }
}
