//! BGV cases: submission (charge + cases + checks + jobs in one transaction), the check job
//! (source → decision → case roll-up → webhook events, in one transaction), the report, and the
//! reviewer's audit.

mod audit;
mod check_job;
mod report;
mod submit;
pub mod view;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::ids::{Aadhaar, Mobile, Pan, Uan};
use crate::domain::person::{Email, PersonName, Pincode};
use crate::domain::source::{EmployerClaim, SandboxOutcome};

pub use audit::{Audit, Audited, Override, audit};
pub use check_job::{CheckHandler, CheckJob, CheckPayload, evidence_key};
pub use report::{RenderGate, ReportCache, evidence, keep_pdf, kept_pdf, pdf, pdf_key, report};
pub use submit::{CaseCreated, Submitted, submit};

pub const SERVICE: &str = "bgv";
/// Attempts a check gets before it is decided `unable_to_verify`.
pub const CHECK_ATTEMPTS: i64 = 4;
/// Candidates one submission may carry.
pub const MAX_CANDIDATES: usize = crate::domain::text::limits::CANDIDATES.max_items;

/// A candidate as submitted, every detail already validated.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: PersonName,
    pub email: Option<Email>,
    pub phone: Option<Mobile>,
    pub dob: Option<NaiveDate>,
    pub father_name: Option<PersonName>,
    pub permanent_address: Option<String>,
    pub address: Option<String>,
    pub pincode: Option<Pincode>,
    pub pan: Option<Pan>,
    pub aadhaar: Option<Aadhaar>,
    pub uan: Option<Uan>,
    pub employers: Vec<EmployerClaim>,
    pub photo: Option<String>,
    pub sandbox_outcome: BTreeMap<String, SandboxOutcome>,
}

/// The declared details as stored: the Aadhaar sealed, never in clear. The validated details
/// are stored as their plain strings and parsed again on reading.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredCandidate {
    name: PersonName,
    email: Option<Email>,
    phone: Option<Mobile>,
    dob: Option<NaiveDate>,
    father_name: Option<PersonName>,
    permanent_address: Option<String>,
    address: Option<String>,
    pincode: Option<Pincode>,
    pan: Option<Pan>,
    aadhaar_sealed: Option<String>,
    aadhaar_masked: Option<String>,
    uan: Option<Uan>,
    employers: Vec<EmployerClaim>,
    #[serde(default)]
    sandbox_outcome: BTreeMap<String, SandboxOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_candidates_read_back_as_domain_types_and_old_json_stays_readable() {
        let old = r#"{"name":"Anil Kumar Sharma","email":"anil@example.in","phone":"9553226860",
            "dob":"1990-05-17","father_name":"Ramesh Kumar Patel","permanent_address":null,
            "address":"Baner Road, Pune","pincode":"411045","pan":"ABCPE1234F",
            "aadhaar_sealed":null,"aadhaar_masked":null,"uan":null,"employers":[]}"#;
        let stored: StoredCandidate = serde_json::from_str(old).unwrap();
        assert_eq!(stored.pan.as_ref().map(Pan::as_str), Some("ABCPE1234F"));
        assert_eq!(stored.pincode.as_ref().map(Pincode::as_str), Some("411045"));
        assert_eq!(
            stored.phone.as_ref().map(Mobile::as_str),
            Some("9553226860")
        );
        let again: StoredCandidate =
            serde_json::from_str(&serde_json::to_string(&stored).unwrap()).unwrap();
        assert_eq!(again.name, stored.name);
        assert_eq!(again.email, stored.email);
        let bad = old.replace("411045", "011045");
        assert!(serde_json::from_str::<StoredCandidate>(&bad).is_err());
    }
}
