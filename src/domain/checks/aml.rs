//! `aml_check`: sanctions and PEP screening by name, confirmed by date of birth.

use serde_json::json;

use super::rules::{iso, text, worst};
use super::sandbox::{SandboxContext, date, evidence_page};
use super::source::{CheckInput, SandboxOutcome, SourceRecord};
use super::spec::{CheckSpec, Detail};
use super::{CheckKind, SourceKind};
use crate::domain::cases::CheckResult;
use crate::domain::decision::Decision;
use crate::domain::matching::{self, MatchLevel};

pub const SPEC: CheckSpec = CheckSpec {
    key: "aml_check",
    report_type: "aml",
    name: "AML & Sanctions Screening",
    category: "Criminal & Compliance",
    price: 2,
    required: &[Detail::Name, Detail::Dob],
    one_of: &[],
    pending_remark: "AML and sanctions screening is still in progress.",
};

pub struct Aml;

impl CheckKind for Aml {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    /// The screening engine answers (`providers/screening.rs`).
    fn source(&self) -> SourceKind {
        SourceKind::Screening
    }

    /// Sanctions/PEP hits: a name match confirmed by date of birth is a discrepancy; a name
    /// match without a date to confirm it is a possible match.
    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
        let mut result = CheckResult::Clear;
        let mut entries = Vec::new();
        for hit in &record.records {
            let name = matching::compare_names(&input.name, text(hit, "name"));
            if !name.level.is_clear() {
                continue;
            }
            let dob_confirms = match (input.dob, text(hit, "dob")) {
                (Some(dob), hit_dob) if !hit_dob.is_empty() => {
                    matching::compare_dates(&iso(dob), hit_dob).level == MatchLevel::Exact
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

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = ctx.record();
        record.push_field("lists_searched", "sandbox sanctions and PEP lists");
        if matches!(
            ctx.outcome,
            SandboxOutcome::MinorDiscrepancy | SandboxOutcome::Discrepancy
        ) {
            record.records.push(json!({
                "list": "SANDBOX-SANCTIONS",
                "name": input.name,
                "dob": if ctx.outcome == SandboxOutcome::Discrepancy { date(input.dob) } else { String::new() },
                "program": "SANDBOX",
            }));
        }
        let hits = record.records.len();
        record.documents.push(evidence_page(
            "Sanctions and PEP screening",
            &[ctx.searched.clone(), format!("Matches: {hits}")],
        ));
        record
    }
}
