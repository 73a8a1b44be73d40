//! Rule helpers more than one check type uses: levels to results, the worst of several results,
//! dates as the report shows them, and the identity comparison (name, date of birth, and for
//! the credit report the PAN) with its sandbox record.

use chrono::NaiveDate;
use serde_json::Value;

use super::sandbox::{SEED_EXAMPLE_AADHAAR_LAST4, SandboxContext};
use super::source::{CheckInput, SourceRecord};
use crate::domain::cases::CheckResult;
use crate::domain::decision::{Decision, report_date};
use crate::domain::matching::{self, Comparison, MatchLevel};

/// Levels map to results: exact/strong → clear, partial → minor_discrepancy, mismatch →
/// discrepancy (see `docs/matching.md`).
pub fn result_of(level: MatchLevel) -> CheckResult {
    match level {
        MatchLevel::Exact | MatchLevel::Strong => CheckResult::Clear,
        MatchLevel::Partial => CheckResult::MinorDiscrepancy,
        MatchLevel::Mismatch => CheckResult::Discrepancy,
    }
}

pub fn worst(results: impl IntoIterator<Item = CheckResult>) -> CheckResult {
    results
        .into_iter()
        .max_by_key(|r| r.severity())
        .unwrap_or(CheckResult::Clear)
}

pub fn shown_date(raw: &str) -> String {
    matching::parse_date(raw)
        .map(report_date)
        .unwrap_or_else(|| raw.to_string())
}

/// A string member of a free-form record, or "".
pub fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `YYYY-MM-DD`: how sources state dates.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// How an identity check reads its record.
pub struct Identity {
    /// The label of the record's `id_number` in the report.
    pub id_label: &'static str,
    /// Whether the declared PAN is compared with the record's `pan`.
    pub compare_pan: bool,
}

/// Name and date of birth (and, when asked, the PAN) against an identity record.
pub fn identity(how: &Identity, input: &CheckInput, record: &SourceRecord) -> Decision {
    let mut parts: Vec<(&str, Comparison)> = Vec::new();
    let source_name = record.field("name").unwrap_or("");
    parts.push(("Name", matching::compare_names(&input.name, source_name)));
    if let (Some(dob), Some(source_dob)) = (input.dob, record.field("dob")) {
        parts.push((
            "Date of birth",
            matching::compare_dates(&iso(dob), source_dob),
        ));
    }
    if how.compare_pan
        && let (Some(pan), Some(source_pan)) = (&input.pan, record.field("pan"))
    {
        let level = if pan.as_str().eq_ignore_ascii_case(source_pan) {
            MatchLevel::Exact
        } else {
            MatchLevel::Mismatch
        };
        parts.push((
            "PAN",
            Comparison {
                level,
                score: if level == MatchLevel::Exact { 1.0 } else { 0.0 },
                reason: if level == MatchLevel::Exact {
                    "PAN matches the bureau record".into()
                } else {
                    "PAN differs from the one on the bureau record".into()
                },
            },
        ));
    }
    let result = worst(parts.iter().map(|(_, c)| result_of(c.level)));
    let remark = parts
        .iter()
        .map(|(what, c)| format!("{what}: {}.", c.reason.trim_end_matches('.')))
        .collect::<Vec<_>>()
        .join(" ");
    let mut fields = vec![("Name".to_string(), source_name.to_string())];
    if let Some(dob) = record.field("dob") {
        fields.push(("Date of Birth".into(), shown_date(dob)));
    }
    for (key, label) in [
        ("gender", "Gender"),
        ("id_number", how.id_label),
        ("status", "Status"),
        ("credit_score", "Credit Score"),
        ("active_accounts", "Active Accounts"),
    ] {
        if let Some(value) = record.field(key) {
            fields.push((label.to_string(), value.to_string()));
        }
    }
    Decision {
        result,
        remark,
        fields,
        entries: Vec::new(),
    }
}

/// The sandbox's identity record: the candidate's (varied) name, date of birth and a gender —
/// or the vendor's documented example for the seed Aadhaar.
pub fn identity_sandbox_record(input: &CheckInput, ctx: &SandboxContext) -> SourceRecord {
    let mut record = ctx.record();
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
            ctx.name.clone(),
            input.dob.map(iso).unwrap_or_else(|| iso(ctx.someone.dob)),
            ctx.someone.gender,
        )
    };
    record.push_field("name", name);
    record.push_field("dob", dob);
    record.push_field("gender", gender);
    record
}
