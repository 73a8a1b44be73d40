//! `criminal_check`: court records searched by name, corroborated by father's name or the
//! permanent address.

use serde_json::json;

use super::CheckKind;
use super::rules::{text, worst};
use super::sandbox::{ACTS, COURTS, OTHER_SURNAMES, SandboxContext, evidence_page};
use super::source::{CheckInput, SandboxOutcome, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::cases::CheckResult;
use crate::domain::decision::Decision;
use crate::domain::matching::{self, MatchLevel};

pub const SPEC: CheckSpec = CheckSpec {
    key: "criminal_check",
    report_type: "criminal",
    name: "Criminal Record Check",
    category: "Criminal & Compliance",
    price: 5,
    required: &[Detail::Name, Detail::Dob, Detail::PermanentAddress],
    one_of: &[],
    pending_remark: "Criminal verification is still in progress.",
};

pub struct Criminal;

impl CheckKind for Criminal {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    /// Courts record where the candidate lives permanently: the permanent address first.
    fn address<'a>(&self, current: Option<&'a str>, permanent: Option<&'a str>) -> Option<&'a str> {
        permanent.or(current)
    }

    /// Court records: a record about the candidate is one whose name matches *and* which a
    /// second detail corroborates — the father's name (a clear match) or the address (at least
    /// a partial match); a name-only match is a possible match for a reviewer. The date of birth
    /// is required by the catalog but this rule does not read it.
    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
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

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = ctx.record();
        let rng = &mut ctx.rng;
        let courts = rng.range(12, 40);
        record.push_field("courts_searched", courts.to_string());
        if matches!(
            ctx.outcome,
            SandboxOutcome::MinorDiscrepancy | SandboxOutcome::Discrepancy
        ) {
            let corroborated = ctx.outcome == SandboxOutcome::Discrepancy;
            record.records.push(json!({
                "court": rng.pick(COURTS),
                "case_number": format!("CC/{}/{}", rng.range(100, 9999), rng.range(2012, 2024)),
                "act": rng.pick(ACTS),
                "status": "Pending trial",
                "name": input.name,
                "father_name": if corroborated {
                    input.father_name.clone().unwrap_or_else(|| ctx.someone.father_name.clone())
                } else {
                    format!("{} {}", rng.pick(&["Ramaiah", "Suresh", "Abdul", "Joseph"]), rng.pick(OTHER_SURNAMES))
                },
                "address": if corroborated {
                    input.address.clone().unwrap_or_default()
                } else {
                    ctx.someone.address.full()
                },
            }));
        }
        let found = record.records.len();
        record.documents.push(evidence_page(
            "Court records search",
            &[
                ctx.searched.clone(),
                format!("Courts searched: {courts}"),
                format!("Records found: {found}"),
            ],
        ));
        record
    }
}
