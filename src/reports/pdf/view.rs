//! The view model served to `report.typ` as `/data.json`: every label,
//! colour and date already worked out, so the template only prints text.

use chrono::DateTime;
use serde::Serialize;
use serde_json::Value;

use super::PdfOptions;
use super::fonts::available_fonts;
use crate::domain::cases::CheckResult;
use crate::reports::model::{CheckReport, Report};

/// `2026-06-15T10:30:00.123456+00:00` as `15 Jun 2026, 10:30 UTC`; anything
/// unparseable is shown as given rather than hidden.
fn human_time(generated_at: &str) -> String {
    match DateTime::parse_from_rfc3339(generated_at) {
        Ok(at) => {
            let offset = at.offset().local_minus_utc();
            let zone = match offset {
                0 => "UTC".to_owned(),
                19_800 => "IST".to_owned(),
                _ => format!("UTC{}", at.format("%:z")),
            };
            format!("{} {zone}", at.format("%-d %b %Y, %H:%M"))
        }
        Err(_) => generated_at.to_owned(),
    }
}

/// Colour family of a result; `report.typ` maps each to a colour.
fn tone(result: CheckResult) -> &'static str {
    match result {
        CheckResult::Clear => "green",
        CheckResult::MinorDiscrepancy => "amber",
        CheckResult::Discrepancy => "red",
        CheckResult::Pending => "blue",
        CheckResult::UnableToVerify | CheckResult::NotAvailable => "grey",
    }
}

/// The tone of a result word (unknown words are grey).
#[cfg(test)]
fn result_tone(code: &str) -> &'static str {
    CheckResult::parse(code).map_or("grey", tone)
}

/// The label of a result word met in free-form entries (unknown words humanised).
pub(super) fn result_label(code: &str) -> String {
    CheckResult::parse(code).map_or_else(|| humanise(code), |r| r.label().to_owned())
}

/// `in_progress` → `In progress`, `hr_contact` → `HR contact`; used for
/// status codes and entry keys.
fn humanise(key: &str) -> String {
    let words: Vec<String> = key
        .split(|c: char| c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            if ACRONYMS.contains(&word.to_ascii_lowercase().as_str()) {
                word.to_ascii_uppercase()
            } else if i == 0 {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                word.to_owned()
            }
        })
        .collect();
    if words.is_empty() {
        DASH.to_owned()
    } else {
        words.join(" ")
    }
}

/// Abbreviations that appear in Indian and Indonesian BGV entry keys.
const ACRONYMS: [&str; 14] = [
    "hr", "id", "dob", "pan", "uan", "gst", "url", "ifsc", "nik", "npwp", "kyc", "bgv", "cin",
    "epf",
];

/// Shown for empty values so a blank cell is never mistaken for a layout bug.
const DASH: &str = "—";

fn or_dash(value: &str) -> &str {
    if value.trim().is_empty() { DASH } else { value }
}

/// Longest run of ASCII characters without a break opportunity before a
/// zero-width space is slipped in, so that a hash or an encoded id wraps
/// inside its table cell instead of running off the page. Non-ASCII text is
/// left alone so no grapheme cluster (Devanagari conjuncts) is split.
const MAX_UNBROKEN: usize = 32;

fn wrappable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == '-' || !ch.is_ascii() {
            run = 0;
        } else {
            run += 1;
            if run > MAX_UNBROKEN {
                out.push('\u{200B}');
                run = 1;
            }
        }
        out.push(ch);
    }
    out
}

/// One JSON value as a line of text for a table cell.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => DASH.to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => or_dash(s).to_owned(),
        Value::Array(items) if items.is_empty() => DASH.to_owned(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.is_empty() => DASH.to_owned(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", humanise(k), value_text(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// An entry as label/value rows; a non-object entry becomes a single row.
fn entry_rows(entry: &Value) -> Vec<[String; 2]> {
    match entry {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                // Entries carry the same result/status codes as checks.
                let text = match (k.as_str(), v) {
                    ("result", Value::String(code)) => result_label(code),
                    ("status", Value::String(code)) => humanise(code),
                    _ => value_text(v),
                };
                [wrappable(&humanise(k)), wrappable(&text)]
            })
            .collect(),
        other => vec![["Detail".to_owned(), wrappable(&value_text(other))]],
    }
}

#[derive(Debug, Serialize)]
pub(super) struct ReportView<'a> {
    fonts: Vec<&'static str>,
    organisation: &'a str,
    sandbox: bool,
    reference_id: &'a str,
    generated_at: String,
    status: String,
    result: Outcome,
    candidate: &'a str,
    total: i64,
    summary: Vec<SummaryCell>,
    checks: Vec<CheckView<'a>>,
}

#[derive(Debug, Serialize)]
struct Outcome {
    label: String,
    tone: &'static str,
}

impl Outcome {
    fn of(result: CheckResult) -> Self {
        Self {
            label: result.label().to_owned(),
            tone: tone(result),
        }
    }
}

#[derive(Debug, Serialize)]
struct SummaryCell {
    outcome: Outcome,
    count: i64,
}

#[derive(Debug, Serialize)]
struct CheckView<'a> {
    number: usize,
    name: &'a str,
    category: &'a str,
    status: String,
    result: Outcome,
    completed_at: &'a str,
    fields: Vec<[String; 2]>,
    remark: Option<String>,
    entries: Vec<Vec<[String; 2]>>,
    documents: Vec<String>,
    evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct EvidenceView {
    pub(super) path: String,
    pub(super) name: String,
}

/// A check's evidence as the PDF shows it: images drawn, other files named.
#[derive(Debug, Clone, Default)]
pub(super) struct CheckEvidence {
    pub(super) drawn: Vec<EvidenceView>,
    pub(super) named: Vec<String>,
}

impl<'a> ReportView<'a> {
    pub(super) fn new(
        report: &'a Report,
        options: &'a PdfOptions,
        evidence: Vec<CheckEvidence>,
    ) -> Self {
        let s = &report.summary;
        let summary = [
            (CheckResult::Clear, s.clear),
            (CheckResult::MinorDiscrepancy, s.minor_discrepancy),
            (CheckResult::Discrepancy, s.discrepancy),
            (CheckResult::UnableToVerify, s.unable_to_verify),
            (CheckResult::NotAvailable, s.not_available),
            (CheckResult::Pending, s.pending),
        ]
        .into_iter()
        .map(|(result, count)| SummaryCell {
            outcome: Outcome::of(result),
            count,
        })
        .collect();
        let checks = report
            .checks
            .iter()
            .zip(evidence)
            .enumerate()
            .map(|(i, (check, evidence))| CheckView::new(i + 1, check, evidence))
            .collect();
        Self {
            fonts: available_fonts(),
            organisation: or_dash(&options.organisation),
            sandbox: options.sandbox,
            reference_id: or_dash(&report.reference_id),
            generated_at: human_time(&report.generated_at),
            status: humanise(report.status.as_str()),
            result: Outcome::of(report.result),
            candidate: or_dash(&report.candidate.name),
            total: s.total,
            summary,
            checks,
        }
    }
}

impl<'a> CheckView<'a> {
    fn new(number: usize, check: &'a CheckReport, evidence: CheckEvidence) -> Self {
        Self {
            number,
            name: or_dash(&check.name),
            category: or_dash(&check.category),
            status: humanise(check.status.as_str()),
            result: Outcome::of(check.result),
            completed_at: check.completed_at.as_deref().map_or(DASH, or_dash),
            fields: check
                .fields
                .iter()
                .flatten()
                .map(|f| [wrappable(or_dash(&f.label)), wrappable(or_dash(&f.value))])
                .collect(),
            remark: check
                .remark
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(wrappable),
            entries: check.entries.iter().flatten().map(entry_rows).collect(),
            // Never the report's `documents`: those are links that expire. The files that are
            // not drawn are named instead.
            documents: evidence.named.iter().map(|d| wrappable(d)).collect(),
            evidence: evidence.drawn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_at_is_shown_for_people() {
        assert_eq!(
            human_time("2026-06-15T10:30:00.123456+00:00"),
            "15 Jun 2026, 10:30 UTC"
        );
        assert_eq!(
            human_time("2026-06-15T16:00:00+05:30"),
            "15 Jun 2026, 16:00 IST"
        );
        assert_eq!(
            human_time("2026-06-15T17:30:00+07:00"),
            "15 Jun 2026, 17:30 UTC+07:00"
        );
        assert_eq!(human_time("yesterday"), "yesterday");
    }

    #[test]
    fn entries_become_label_value_rows() {
        let rows = entry_rows(&json!({
            "company_name": "Infosys",
            "rehire_eligible": false,
            "verified_by": null,
            "periods": ["2021", "2022"],
            "hr": { "name": "Asha", "phone": 98 },
        }));
        assert_eq!(
            rows,
            vec![
                ["Company name".to_owned(), "Infosys".to_owned()],
                ["HR".to_owned(), "Name: Asha; Phone: 98".to_owned()],
                ["Periods".to_owned(), "2021, 2022".to_owned()],
                ["Rehire eligible".to_owned(), "No".to_owned()],
                ["Verified by".to_owned(), DASH.to_owned()],
            ]
        );
        assert_eq!(humanise("employee_id_number"), "Employee ID number");
        assert_eq!(
            entry_rows(&json!("plain")),
            vec![["Detail".to_owned(), "plain".to_owned()]]
        );
    }

    #[test]
    fn long_tokens_get_break_opportunities() {
        let hash = "a".repeat(70);
        let wrapped = wrappable(&hash);
        assert_eq!(wrapped.replace('\u{200B}', ""), hash);
        assert_eq!(wrapped.matches('\u{200B}').count(), 2);
        for text in ["Sreenivas Chowdary", "xxxxxxxx8300", "विवेक पटेल"] {
            assert_eq!(wrappable(text), text);
        }
    }

    #[test]
    fn result_labels_and_tones() {
        for (result, label, tone) in [
            ("clear", "Clear", "green"),
            ("minor_discrepancy", "Minor discrepancy", "amber"),
            ("discrepancy", "Discrepancy", "red"),
            ("unable_to_verify", "Unable to verify", "grey"),
            ("not_available", "Not available", "grey"),
            ("pending", "Pending", "blue"),
            ("on_hold", "On hold", "grey"),
            ("", DASH, "grey"),
        ] {
            assert_eq!(result_label(result), label);
            assert_eq!(result_tone(result), tone);
        }
    }
}
