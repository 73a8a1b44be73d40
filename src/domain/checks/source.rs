//! What a check asks a source, and what the source answers. The decision (clear, discrepancy,
//! …) is not the source's: the check engine compares the candidate's declared details with the
//! source record through `domain::matching`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::CheckType;
use crate::domain::ids::{Aadhaar, Mobile, Pan, Uan};
use crate::domain::person::Pincode;
use crate::domain::state::text_enum;

text_enum! {
    /// Sandbox organisations only: the outcome a sandbox source should lead the decision to
    /// (`docs/sandbox.md`). Real connectors ignore it.
    pub enum SandboxOutcome {
        Clear => "clear",
        MinorDiscrepancy => "minor_discrepancy",
        Discrepancy => "discrepancy",
        NotAvailable => "not_available",
        UnableToVerify => "unable_to_verify",
        Flaky => "flaky",
    }
}

/// An employer the candidate declared.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EmployerClaim {
    pub employer_name: String,
    pub designation: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// What the candidate declared, validated, for one check.
#[derive(Debug, Clone)]
pub struct CheckInput {
    /// The check type, e.g. `identity_aadhaar`, `criminal_check` (see `domain::checks`).
    pub kind: CheckType,
    /// The check's id: upstreams may echo it back as their reference.
    pub reference: String,
    pub name: String,
    pub dob: Option<NaiveDate>,
    pub father_name: Option<String>,
    pub address: Option<String>,
    pub pincode: Option<Pincode>,
    pub phone: Option<Mobile>,
    pub pan: Option<Pan>,
    pub aadhaar: Option<Aadhaar>,
    pub uan: Option<Uan>,
    pub employers: Vec<EmployerClaim>,
    /// 1 on the first try; sources may use it (the sandbox's "fails twice, then answers").
    pub attempt: i64,
    /// Sandbox organisations only: the outcome the sandbox source should produce
    /// (`docs/sandbox.md`). Real connectors ignore it.
    pub sandbox_outcome: Option<SandboxOutcome>,
    /// Whether the check belongs to a sandbox organisation (the screening source answers a
    /// sandbox organisation from the sandbox while no list is loaded; `docs/sandbox.md`).
    pub sandbox_org: bool,
}

impl CheckInput {
    /// The check type's catalog key as submitted (`criminal_check`).
    pub fn check_type(&self) -> &'static str {
        self.kind.key()
    }
}

/// An evidence file a source produced (a report page, a certificate, a screenshot).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the source holds about the person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceRecord {
    /// `SANDBOX` for sandbox data, else the upstream's name.
    pub source: String,
    /// Details as the source states them, keyed by: `name`, `dob` (YYYY-MM-DD), `gender`,
    /// `father_name`, `address`, `pincode`, `id_number` (masked where it is an Aadhaar),
    /// `status` and any other label the source gives.
    pub fields: Vec<(String, String)>,
    /// Itemised findings: court cases, employment spells, sanctions hits (free-form objects).
    pub records: Vec<serde_json::Value>,
    pub documents: Vec<Evidence>,
}

impl SourceRecord {
    /// Adds a detail as the source states it.
    pub fn push_field(&mut self, key: &str, value: impl Into<String>) {
        self.fields.push((key.into(), value.into()));
    }

    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
