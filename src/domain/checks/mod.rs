//! Check types as modules: each check type is one file here holding everything about it — its
//! catalog entry (`SPEC`), which address it reads, its decision rule and its sandbox record —
//! behind the [`CheckKind`] trait. [`REGISTRY`] lists them; the catalog, the decision, the
//! sandbox source and the check job all go through it, and nothing else matches on check keys.
//!
//! # Adding a check type
//!
//! 1. Add a file, e.g. `drug_test.rs`, with a unit struct implementing [`CheckKind`]: a
//!    `pub const SPEC: CheckSpec` (key, report type, name, category, price, required details,
//!    pending remark), `decide` (compare the input with the source's record through
//!    `domain::matching`; shared helpers are in [`rules`]) and `sandbox_record` (a deterministic
//!    record that leads `decide` to `ctx.outcome`). Override `address` or `source` only if the
//!    defaults (current address, else permanent; the configured connector, else the sandbox)
//!    do not fit.
//! 2. Declare the module below and add one line to [`REGISTRY`] (its position is the order the
//!    catalog lists it in).
//!
//! Nothing else changes: submission validation, pricing, reports, `[connectors.<key>]` and the
//! sandbox pick the new type up from the registry. (Document the sandbox record in
//! `docs/sandbox.md`.)
//!
//! # Changing a check type's source
//!
//! [`CheckKind::source`] says which kind of source answers a check; `Providers::check_provider`
//! (`providers/mod.rs`) maps it to a provider. `aml_check` says `SourceKind::Screening`: the
//! screening engine (`providers/screening.rs`) answers it.

use std::fmt;

use crate::domain::decision::Decision;
use sandbox::SandboxContext;
use source::{CheckInput, SourceRecord};
pub use spec::{CheckSpec, Detail};

pub mod address;
pub mod aml;
pub mod credit_report;
pub mod criminal;
pub mod employment;
pub mod identity_aadhaar;
pub mod identity_pan;
pub mod rules;
pub mod sandbox;
pub mod source;
pub mod spec;

/// Which kind of source answers a check type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// The upstream configured as `[connectors.<key>]`, else the built-in sandbox.
    Connector,
    /// The sanctions/PEP screening engine (`Providers::screening`).
    Screening,
}

/// One check type: everything the service knows about it.
pub trait CheckKind: Send + Sync {
    /// Its catalog entry.
    fn spec(&self) -> &'static CheckSpec;

    /// The kind of source that answers it.
    fn source(&self) -> SourceKind {
        SourceKind::Connector
    }

    /// The declared address the check looks at: the current address, else the permanent one.
    fn address<'a>(&self, current: Option<&'a str>, permanent: Option<&'a str>) -> Option<&'a str> {
        current.or(permanent)
    }

    /// Decides the check from the candidate's input and the source's record.
    fn decide(&self, input: &CheckInput, record: &SourceRecord) -> Decision;

    /// The sandbox's record for the input: deterministic, and leading `decide` to
    /// `ctx.outcome`.
    fn sandbox_record(&self, input: &CheckInput, ctx: &mut SandboxContext) -> SourceRecord;
}

/// Every check type, in catalog order. Adding a check type adds one line here.
pub static REGISTRY: &[&dyn CheckKind] = &[
    &criminal::Criminal,
    &aml::Aml,
    &credit_report::CreditReport,
    &identity_aadhaar::IdentityAadhaar,
    &identity_pan::IdentityPan,
    &employment::Employment,
    &address::AddressCheck,
];

/// The check type with this catalog key.
pub fn by_key(key: &str) -> Option<&'static dyn CheckKind> {
    REGISTRY.iter().copied().find(|k| k.spec().key == key)
}

/// A check type as a value: copied freely, compared and printed by its key.
#[derive(Clone, Copy)]
pub struct CheckType(&'static dyn CheckKind);

impl CheckType {
    /// The check type with this catalog key.
    pub fn parse(key: &str) -> Option<Self> {
        by_key(key).map(CheckType)
    }

    pub fn key(self) -> &'static str {
        self.0.spec().key
    }

    pub fn kind(self) -> &'static dyn CheckKind {
        self.0
    }
}

impl std::ops::Deref for CheckType {
    type Target = dyn CheckKind;
    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl From<&'static dyn CheckKind> for CheckType {
    fn from(kind: &'static dyn CheckKind) -> Self {
        CheckType(kind)
    }
}

impl PartialEq for CheckType {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for CheckType {}

impl fmt::Debug for CheckType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckType({})", self.key())
    }
}

impl fmt::Display for CheckType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Decides a check from the candidate's input and the source's record, by its type's rule.
pub fn decide(input: &CheckInput, record: &SourceRecord) -> Decision {
    input.kind.decide(input, record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_type_is_found_by_its_key() {
        for kind in REGISTRY {
            let key = kind.spec().key;
            assert_eq!(by_key(key).map(|k| k.spec().key), Some(key));
            assert_eq!(CheckType::parse(key).map(CheckType::key), Some(key));
        }
        assert!(by_key("nope").is_none());
        assert_eq!(aml::Aml.source(), SourceKind::Screening);
    }

    /// What every check type's sandbox record must do: lead its own rule to the outcome asked.
    #[test]
    fn sandbox_records_lead_each_rule_to_the_outcome_asked() {
        use super::source::{EmployerClaim, SandboxOutcome};
        use crate::domain::cases::CheckResult;
        use crate::domain::ids::{Aadhaar, Mobile, Pan};
        use crate::domain::person::Pincode;
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        for kind in REGISTRY {
            for (outcome, expected) in [
                (SandboxOutcome::Clear, CheckResult::Clear),
                (
                    SandboxOutcome::MinorDiscrepancy,
                    CheckResult::MinorDiscrepancy,
                ),
                (SandboxOutcome::Discrepancy, CheckResult::Discrepancy),
            ] {
                let kind = CheckType::from(*kind);
                let input = CheckInput {
                    kind,
                    reference: "chk".into(),
                    name: "Anil Kumar Sharma".into(),
                    dob: day(1990, 5, 17),
                    father_name: Some("Ramesh Kumar Patel".into()),
                    address: kind
                        .address(
                            Some("Flat 4B, Lotus Apartments, Baner Road, Pune"),
                            Some("Flat 4B, Lotus Apartments, Baner Road, Pune 411045"),
                        )
                        .map(str::to_string),
                    pincode: Pincode::parse("411045").ok(),
                    phone: Mobile::parse("9553226860").ok(),
                    pan: Pan::parse("ABCPE1234F").ok(),
                    aadhaar: Aadhaar::with_check_digit("23456789012").ok(),
                    uan: None,
                    employers: vec![EmployerClaim {
                        employer_name: "Deccan Infotech Private Limited".into(),
                        designation: None,
                        start_date: day(2015, 6, 1),
                        end_date: day(2019, 12, 31),
                    }],
                    attempt: 1,
                    sandbox_outcome: Some(outcome),
                    sandbox_org: true,
                };
                let mut ctx = SandboxContext::new(&input);
                let record = kind.sandbox_record(&input, &mut ctx);
                let decision = kind.decide(&input, &record);
                assert_eq!(
                    decision.result,
                    expected,
                    "{}: {}",
                    kind.key(),
                    decision.remark
                );
            }
        }
    }
}
