//! `credit_report_check`: name, date of birth and PAN against the bureau's record.

use super::CheckKind;
use super::rules::{self, Identity};
use super::sandbox::SandboxContext;
use super::source::{CheckInput, SandboxOutcome, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::decision::Decision;

pub const SPEC: CheckSpec = CheckSpec {
    key: "credit_report_check",
    report_type: "credit_report",
    name: "Credit Report Check",
    category: "Financial",
    price: 3,
    required: &[Detail::Name, Detail::Dob, Detail::Phone, Detail::Pan],
    one_of: &[],
    pending_remark: "Credit report verification is still in progress.",
};

pub struct CreditReport;

impl CheckKind for CreditReport {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
        let how = Identity {
            id_label: "PAN Number",
            compare_pan: true,
        };
        rules::identity(&how, input, record)
    }

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = rules::identity_sandbox_record(input, ctx);
        let pan = if ctx.outcome == SandboxOutcome::Discrepancy {
            ctx.someone.pan.as_str().to_string()
        } else {
            input
                .pan
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default()
        };
        record.push_field("pan", pan);
        record.push_field("credit_score", ctx.rng.range(650, 820).to_string());
        record.push_field("active_accounts", ctx.rng.range(1, 6).to_string());
        record
    }
}
