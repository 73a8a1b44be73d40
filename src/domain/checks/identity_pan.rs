//! `identity_pan`: name and date of birth against the PAN holder's record.

use super::CheckKind;
use super::rules::{self, Identity};
use super::sandbox::SandboxContext;
use super::source::{CheckInput, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::decision::Decision;

pub const SPEC: CheckSpec = CheckSpec {
    key: "identity_pan",
    report_type: "identity_pan",
    name: "PAN Verification",
    category: "Identity",
    price: 1,
    required: &[Detail::Name, Detail::Dob, Detail::Pan],
    one_of: &[],
    pending_remark: "PAN verification is still in progress.",
};

pub struct IdentityPan;

impl CheckKind for IdentityPan {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
        let how = Identity {
            id_label: "PAN Number",
            compare_pan: false,
        };
        rules::identity(&how, input, record)
    }

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = rules::identity_sandbox_record(input, ctx);
        let pan = input
            .pan
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        record.push_field("id_number", pan);
        record.push_field("status", "Valid");
        record
    }
}
