//! `identity_aadhaar`: name and date of birth against the Aadhaar holder's record.

use super::CheckKind;
use super::rules::{self, Identity};
use super::sandbox::SandboxContext;
use super::source::{CheckInput, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::decision::Decision;

pub const SPEC: CheckSpec = CheckSpec {
    key: "identity_aadhaar",
    report_type: "identity_aadhaar",
    name: "Aadhaar Verification",
    category: "Identity",
    price: 2,
    required: &[Detail::Name, Detail::Dob, Detail::AadhaarNumber],
    one_of: &[],
    pending_remark: "Aadhaar verification is still in progress.",
};

pub struct IdentityAadhaar;

impl CheckKind for IdentityAadhaar {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
        let how = Identity {
            id_label: "Aadhaar Number",
            compare_pan: false,
        };
        rules::identity(&how, input, record)
    }

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = rules::identity_sandbox_record(input, ctx);
        let masked = input
            .aadhaar
            .as_ref()
            .map(|a| a.masked())
            .unwrap_or_default();
        record.push_field("id_number", masked);
        record
    }
}
