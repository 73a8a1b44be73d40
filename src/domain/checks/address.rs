//! `address_check`: the address a field agent (or the source) confirmed, against the declared
//! one, pincode first.

use super::CheckKind;
use super::rules::{result_of, worst};
use super::sandbox::{SandboxContext, evidence_page, varied_name};
use super::source::{CheckInput, SandboxOutcome, SourceRecord};
use super::spec::{CheckSpec, Detail};
use crate::domain::decision::Decision;
use crate::domain::matching;
use crate::domain::person::Pincode;

pub const SPEC: CheckSpec = CheckSpec {
    key: "address_check",
    report_type: "address",
    name: "Address Verification",
    category: "Address",
    price: 4,
    required: &[Detail::Name, Detail::Address, Detail::Pincode],
    one_of: &[],
    pending_remark: "Address verification is still in progress.",
};

pub struct AddressCheck;

impl CheckKind for AddressCheck {
    fn spec(&self) -> &'static CheckSpec {
        &SPEC
    }

    /// The address a field agent (or the source) confirmed, against the declared one, pincode
    /// first.
    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision {
        let comparison = matching::compare_addresses(
            input.address.as_deref().unwrap_or(""),
            input.pincode.as_ref().map(Pincode::as_str),
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

    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord {
        let mut record = ctx.record();
        let pincode = input
            .pincode
            .as_ref()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let (address, pincode) = if ctx.outcome == SandboxOutcome::Discrepancy {
            (
                ctx.someone.address.full(),
                ctx.someone.address.pincode.clone(),
            )
        } else {
            (input.address.clone().unwrap_or_default(), pincode)
        };
        record.push_field("address", address);
        record.push_field("pincode", pincode);
        let resident_outcome = if ctx.outcome == SandboxOutcome::MinorDiscrepancy {
            SandboxOutcome::MinorDiscrepancy
        } else {
            SandboxOutcome::Clear
        };
        record.push_field(
            "resident_name",
            varied_name(&input.name, resident_outcome, &mut ctx.rng),
        );
        record.push_field(
            "verified_on",
            chrono::Utc::now().format("%d-%m-%Y").to_string(),
        );
        record.documents.push(evidence_page(
            "Address verification",
            &[
                ctx.searched.clone(),
                "Visited by: sandbox field agent".into(),
            ],
        ));
        record
    }
}
