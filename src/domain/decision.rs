//! How a check's result is decided: what the candidate declared, compared with what the source
//! holds, through `domain::matching`. Each rule says in its remark why it reached its result.
//! Levels map to results: exact/strong → clear, partial → minor_discrepancy, mismatch →
//! discrepancy (see `docs/matching.md`).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::cases::CheckResult;
use super::matching::{self, Comparison, MatchLevel};
use super::source::{CheckInput, SourceRecord};

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub result: CheckResult,
    pub remark: String,
    /// `(label, value)` pairs shown in the report, ids masked.
    pub fields: Vec<(String, String)>,
    pub entries: Vec<Value>,
}

fn result_of(level: MatchLevel) -> CheckResult {
    match level {
        MatchLevel::Exact | MatchLevel::Strong => CheckResult::Clear,
        MatchLevel::Partial => CheckResult::MinorDiscrepancy,
        MatchLevel::Mismatch => CheckResult::Discrepancy,
    }
}

fn worst(results: impl IntoIterator<Item = CheckResult>) -> CheckResult {
    results
        .into_iter()
        .max_by_key(|r| r.severity())
        .unwrap_or(CheckResult::Clear)
}

/// `08-01-2001`: how the report prints dates.
pub fn report_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

fn shown_date(raw: &str) -> String {
    matching::parse_date(raw)
        .map(report_date)
        .unwrap_or_else(|| raw.to_string())
}

/// The outcome when the source holds nothing for the candidate.
pub fn not_available(source: &str) -> Decision {
    Decision {
        result: CheckResult::NotAvailable,
        remark: format!("No record was found at the source ({source}) for the details provided."),
        fields: Vec::new(),
        entries: Vec::new(),
    }
}

/// The outcome when the source could not be reached, however often it was tried.
pub fn unable_to_verify(attempts: i64, error: &str) -> Decision {
    Decision {
        result: CheckResult::UnableToVerify,
        remark: format!(
            "The source could not be reached after {attempts} attempts ({error}); the check could not reach a conclusion."
        ),
        fields: Vec::new(),
        entries: Vec::new(),
    }
}

/// Decides a check from the candidate's input and the source's record.
pub fn decide(input: &CheckInput, record: &SourceRecord) -> Decision {
    match input.check_type.as_str() {
        "identity_aadhaar" | "identity_pan" | "credit_report_check" => identity(input, record),
        "criminal_check" => criminal(input, record),
        "aml_check" => screening(input, record),
        "employment_check" => employment(input, record),
        "address_check" => address(input, record),
        other => Decision {
            result: CheckResult::UnableToVerify,
            remark: format!("No decision rule exists for check type '{other}'."),
            fields: Vec::new(),
            entries: Vec::new(),
        },
    }
}

/// Name and date of birth (and, for the credit report, the PAN) against an identity record.
fn identity(input: &CheckInput, record: &SourceRecord) -> Decision {
    let mut parts: Vec<(&str, Comparison)> = Vec::new();
    let source_name = record.field("name").unwrap_or("");
    parts.push(("Name", matching::compare_names(&input.name, source_name)));
    if let (Some(dob), Some(source_dob)) = (input.dob, record.field("dob")) {
        parts.push((
            "Date of birth",
            matching::compare_dates(&dob.format("%Y-%m-%d").to_string(), source_dob),
        ));
    }
    if input.check_type == "credit_report_check"
        && let (Some(pan), Some(source_pan)) = (&input.pan, record.field("pan"))
    {
        let level = if pan.eq_ignore_ascii_case(source_pan) {
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
        ("id_number", id_label(&input.check_type)),
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

fn id_label(check_type: &str) -> &'static str {
    match check_type {
        "identity_aadhaar" => "Aadhaar Number",
        _ => "PAN Number",
    }
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Court records: a record about the candidate is one whose name matches *and* which a second
/// detail (father's name, address, date of birth) corroborates; a name-only match is a possible
/// match for a reviewer.
fn criminal(input: &CheckInput, record: &SourceRecord) -> Decision {
    let mut result = CheckResult::Clear;
    let mut entries = Vec::new();
    for case in &record.records {
        let name = matching::compare_names(&input.name, text(case, "name"));
        if !name.level.is_clear() {
            continue;
        }
        let father = input
            .father_name
            .as_deref()
            .filter(|_| !text(case, "father_name").is_empty())
            .map(|f| matching::compare_names(f, text(case, "father_name")));
        let address = input
            .address
            .as_deref()
            .filter(|_| !text(case, "address").is_empty())
            .map(|a| matching::compare_addresses(a, None, text(case, "address"), None));
        let corroborated = father.as_ref().is_some_and(|c| c.level.is_clear())
            || address
                .as_ref()
                .is_some_and(|c| c.level >= MatchLevel::Partial);
        let verdict = if corroborated {
            CheckResult::Discrepancy
        } else {
            CheckResult::MinorDiscrepancy
        };
        result = worst([result, verdict]);
        let mut entry = case.clone();
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(
                "match".into(),
                json!(if corroborated {
                    "confirmed"
                } else {
                    "possible"
                }),
            );
            obj.insert("result".into(), json!(verdict.as_str()));
        }
        entries.push(entry);
    }
    let courts = record.field("courts_searched").unwrap_or("0").to_string();
    let remark = match result {
        CheckResult::Clear => format!("No criminal records found for the candidate across {courts} courts searched."),
        CheckResult::Discrepancy => format!(
            "{} court record(s) match the candidate's name and are corroborated by father's name or address.",
            entries.iter().filter(|e| e["match"] == "confirmed").count()
        ),
        _ => "A court record with a matching name was found, but no other detail corroborates it; a reviewer should confirm.".to_string(),
    };
    Decision {
        result,
        remark,
        fields: vec![
            ("Courts Searched".into(), courts),
            ("Records Found".into(), entries.len().to_string()),
        ],
        entries,
    }
}

/// Sanctions/PEP hits: a name match confirmed by date of birth is a discrepancy; a name match
/// without a date to confirm it is a possible match.
fn screening(input: &CheckInput, record: &SourceRecord) -> Decision {
    let mut result = CheckResult::Clear;
    let mut entries = Vec::new();
    for hit in &record.records {
        let name = matching::compare_names(&input.name, text(hit, "name"));
        if !name.level.is_clear() {
            continue;
        }
        let dob_confirms = match (input.dob, text(hit, "dob")) {
            (Some(dob), hit_dob) if !hit_dob.is_empty() => {
                matching::compare_dates(&dob.format("%Y-%m-%d").to_string(), hit_dob).level
                    == MatchLevel::Exact
            }
            _ => false,
        };
        let dob_contradicts = !text(hit, "dob").is_empty() && !dob_confirms;
        if dob_contradicts {
            continue;
        }
        let verdict = if dob_confirms {
            CheckResult::Discrepancy
        } else {
            CheckResult::MinorDiscrepancy
        };
        result = worst([result, verdict]);
        let mut entry = hit.clone();
        if let Some(obj) = entry.as_object_mut() {
            obj.insert("result".into(), json!(verdict.as_str()));
        }
        entries.push(entry);
    }
    let lists = record
        .field("lists_searched")
        .unwrap_or("sanctions and PEP lists")
        .to_string();
    let remark = match result {
        CheckResult::Clear => format!("No sanctions or PEP matches in {lists}."),
        CheckResult::Discrepancy => "The candidate matches a listed person by name and date of birth.".to_string(),
        _ => "A listed person has a matching name but no date of birth to confirm it; a reviewer should confirm.".to_string(),
    };
    Decision {
        result,
        remark,
        fields: vec![
            ("Lists Searched".into(), lists),
            ("Matches".into(), entries.len().to_string()),
        ],
        entries,
    }
}

const DATE_TOLERANCE_CLEAR_DAYS: i64 = 31;
const DATE_TOLERANCE_MINOR_DAYS: i64 = 180;

fn date_gap(declared: Option<NaiveDate>, source: &str) -> Option<i64> {
    let source = matching::parse_date(source)?;
    declared.map(|d| (d - source).num_days().abs())
}

fn gap_result(gap: Option<i64>) -> CheckResult {
    match gap {
        None => CheckResult::Clear,
        Some(days) if days <= DATE_TOLERANCE_CLEAR_DAYS => CheckResult::Clear,
        Some(days) if days <= DATE_TOLERANCE_MINOR_DAYS => CheckResult::MinorDiscrepancy,
        Some(_) => CheckResult::Discrepancy,
    }
}

/// Each declared employer against the source's employment history (EPFO spells): found, and
/// dates within a month → clear; within six months → minor; otherwise, or not found → discrepancy.
fn employment(input: &CheckInput, record: &SourceRecord) -> Decision {
    let mut entries = Vec::new();
    let mut results = Vec::new();
    if let Some(source_name) = record.field("name") {
        let name = matching::compare_names(&input.name, source_name);
        results.push(result_of(name.level));
    }
    if input.employers.is_empty() {
        for spell in &record.records {
            let mut entry = spell.clone();
            if let Some(obj) = entry.as_object_mut() {
                obj.insert("result".into(), json!("clear"));
            }
            entries.push(entry);
        }
    }
    for claim in &input.employers {
        let best = record
            .records
            .iter()
            .map(|spell| {
                (
                    spell,
                    matching::compare_names(&claim.employer_name, text(spell, "employer_name")),
                )
            })
            .filter(|(_, c)| c.level >= MatchLevel::Partial)
            .max_by(|a, b| a.1.score.total_cmp(&b.1.score));
        let (verdict, remark, source) = match best {
            None => (
                CheckResult::Discrepancy,
                "Employer not found in the employment history".to_string(),
                Value::Null,
            ),
            Some((spell, name)) => {
                let start = gap_result(date_gap(claim.start_date, text(spell, "start_date")));
                let end = gap_result(date_gap(claim.end_date, text(spell, "end_date")));
                let verdict = worst([result_of(name.level), start, end]);
                let remark = match verdict {
                    CheckResult::Clear => {
                        "Employer and dates match the employment history".to_string()
                    }
                    CheckResult::MinorDiscrepancy => {
                        "Employer found; dates or name differ slightly".to_string()
                    }
                    _ => "Employer found, but the dates differ materially".to_string(),
                };
                (verdict, remark, spell.clone())
            }
        };
        results.push(verdict);
        entries.push(json!({
            "employer_name": claim.employer_name,
            "declared_start_date": claim.start_date.map(report_date),
            "declared_end_date": claim.end_date.map(report_date),
            "verified": source,
            "result": verdict.as_str(),
            "remark": remark,
        }));
    }
    let result = worst(results);
    let remark = match result {
        CheckResult::Clear => "Employment history matches what the candidate declared.".to_string(),
        CheckResult::MinorDiscrepancy => {
            "Employment history mostly matches; see the entries for small differences.".to_string()
        }
        _ => "Employment history does not match what the candidate declared; see the entries."
            .to_string(),
    };
    let mut fields = Vec::new();
    if let Some(uan) = &input.uan {
        fields.push(("UAN".to_string(), uan.clone()));
    }
    fields.push(("Employers Verified".to_string(), entries.len().to_string()));
    Decision {
        result,
        remark,
        fields,
        entries,
    }
}

/// The address a field agent (or the source) confirmed, against the declared one, pincode first.
fn address(input: &CheckInput, record: &SourceRecord) -> Decision {
    let comparison = matching::compare_addresses(
        input.address.as_deref().unwrap_or(""),
        input.pincode.as_deref(),
        record.field("address").unwrap_or(""),
        record.field("pincode"),
    );
    let mut results = vec![result_of(comparison.level)];
    let mut remark = format!("Address: {}.", comparison.reason.trim_end_matches('.'));
    if let Some(resident) = record.field("resident_name") {
        let name = matching::compare_names(&input.name, resident);
        results.push(result_of(name.level));
        remark.push_str(&format!(
            " Resident: {}.",
            name.reason.trim_end_matches('.')
        ));
    }
    let mut fields = Vec::new();
    for (key, label) in [
        ("address", "Verified Address"),
        ("pincode", "Pincode"),
        ("resident_name", "Resident Name"),
        ("verified_on", "Verified On"),
    ] {
        if let Some(value) = record.field(key) {
            fields.push((label.to_string(), value.to_string()));
        }
    }
    Decision {
        result: worst(results),
        remark,
        fields,
        entries: Vec::new(),
    }
}
