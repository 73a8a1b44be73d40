//! `employment_check`: each declared employer against the employment history (EPFO spells).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::CheckKind;
use super::rules::{result_of, text, worst};
use super::sandbox::SandboxContext;
use super::source::{CheckInput, SandboxOutcome, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::cases::CheckResult;
use crate::domain::decision::{Decision, report_date};
use crate::domain::matching::{self, MatchLevel};

pub const SPEC: CheckSpec = CheckSpec {
    key: "employment_check",
    report_type: "employment",
    name: "Employment Verification",
    category: "Employment",
    price: 5,
    required: &[Detail::Name],
    one_of: &[Detail::Uan, Detail::Employers],
    pending_remark: "Employment verification is still in progress.",
};

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

pub struct Employment;

impl CheckKind for Employment {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    /// Each declared employer against the source's employment history (EPFO spells): found,
    /// and dates within a month → clear; within six months → minor; otherwise, or not found →
    /// discrepancy.
    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
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
            CheckResult::Clear => {
                "Employment history matches what the candidate declared.".to_string()
            }
            CheckResult::MinorDiscrepancy => {
                "Employment history mostly matches; see the entries for small differences."
                    .to_string()
            }
            _ => "Employment history does not match what the candidate declared; see the entries."
                .to_string(),
        };
        let mut fields = Vec::new();
        if let Some(uan) = &input.uan {
            fields.push(("UAN".to_string(), uan.as_str().to_string()));
        }
        fields.push(("Employers Verified".to_string(), entries.len().to_string()));
        Decision {
            result,
            remark,
            fields,
            entries,
        }
    }

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = ctx.record();
        let minor = ctx.outcome == SandboxOutcome::MinorDiscrepancy;
        record.push_field(
            "name",
            if minor {
                input.name.clone()
            } else {
                ctx.name.clone()
            },
        );
        let shift = if minor { 90 } else { 0 };
        let shifted = |d: Option<NaiveDate>| {
            d.map(|d| {
                (d + chrono::Days::new(shift))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default()
        };
        for (i, claim) in input.employers.iter().enumerate() {
            let employer = if ctx.outcome == SandboxOutcome::Discrepancy && i == 0 {
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
            let rng = &mut ctx.rng;
            for _ in 0..rng.range(1, 3) {
                let start = rng.range(2012, 2020);
                record.records.push(json!({
                    "employer_name": format!("{} Private Limited", rng.pick(&["Deccan Infotech", "Coastal Logistics", "Lotus Foods"])),
                    "start_date": format!("{start}-0{}-01", rng.range(1, 9)),
                    "end_date": format!("{}-0{}-28", start + rng.range(1, 4), rng.range(1, 9)),
                    "source": "EPFO (sandbox)",
                }));
            }
        }
        record
    }
}
