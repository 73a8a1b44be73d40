//! What a check type's sandbox record is built from: the outcome asked for, a deterministic
//! stream and person, name variations and evidence pages.

use chrono::NaiveDate;

use super::source::{CheckInput, Evidence, SandboxOutcome, SourceRecord};
use crate::domain::rng::Rng;
use crate::domain::sandbox::{Person, SOURCE, person};

/// An Aadhaar ending in these digits returns the record of the vendor's documented example
/// ("Nallala Vivek", 08-01-2001, Male).
pub const SEED_EXAMPLE_AADHAAR_LAST4: &str = "8300";

pub const OTHER_SURNAMES: &[&str] = &["Sharma", "Reddy", "Iyer", "Hartono", "Banerjee", "Khan"];
pub const COURTS: &[&str] = &[
    "Court of the Chief Judicial Magistrate, Pune",
    "Metropolitan Magistrate Court, Hyderabad",
    "District and Sessions Court, Bengaluru Urban",
    "Court of the Judicial Magistrate First Class, Ongole",
];
pub const ACTS: &[&str] = &[
    "IPC 420 (cheating)",
    "IPC 379 (theft)",
    "NI Act 138 (cheque dishonour)",
    "IPC 323 (hurt)",
];

/// A name that differs only by an initial (minor) or by a different surname (discrepancy).
pub fn varied_name(name: &str, outcome: SandboxOutcome, rng: &mut Rng) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match (outcome, words.as_slice()) {
        // Each variant is one the matching rules rate "partial" (docs/matching.md): a name
        // with an extra word, an initial for the given name, a missing middle name.
        (SandboxOutcome::MinorDiscrepancy, [only]) => format!("{only} Kumar"),
        (SandboxOutcome::MinorDiscrepancy, [first, last]) => {
            format!("{}. {last}", first.chars().next().unwrap_or('X'))
        }
        (SandboxOutcome::MinorDiscrepancy, [first, .., last]) => format!("{first} {last}"),
        (SandboxOutcome::Discrepancy, [.., last]) => {
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
pub fn evidence_page(title: &str, lines: &[String]) -> Evidence {
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

/// `YYYY-MM-DD`, or empty when there is no date.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What a sandbox check generator starts from: the outcome asked for and the deterministic
/// stream and person for this check type, name and date of birth.
pub struct SandboxContext {
    /// The outcome the record should lead the decision to (`Clear` when none was asked for).
    pub outcome: SandboxOutcome,
    pub rng: Rng,
    /// A person who is not the candidate, for records that must differ.
    pub someone: Person,
    /// The candidate's name as the outcome varies it.
    pub name: String,
    /// `Searched for: <name>`, the first line of evidence pages.
    pub searched: String,
}

impl SandboxContext {
    pub fn new(input: &CheckInput) -> Self {
        let outcome = input.sandbox_outcome.unwrap_or(SandboxOutcome::Clear);
        let key = format!("{}|{}|{}", input.check_type(), input.name, date(input.dob));
        let mut rng = Rng::keyed("check", &key);
        let someone = person("check", &key);
        let name = varied_name(&input.name, outcome, &mut rng);
        SandboxContext {
            outcome,
            rng,
            someone,
            name,
            searched: format!("Searched for: {}", input.name),
        }
    }

    /// An empty record whose source is the sandbox.
    pub fn record(&self) -> SourceRecord {
        SourceRecord {
            source: SOURCE.into(),
            ..SourceRecord::default()
        }
    }
}
