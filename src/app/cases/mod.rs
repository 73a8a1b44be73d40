//! BGV cases: submission (charge + cases + checks + jobs in one transaction), the check job
//! (source → decision → case roll-up → webhook events, in one transaction), the report, and the
//! reviewer's audit.

mod audit;
mod check_job;
mod report;
mod submit;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::ids::{Aadhaar, Mobile, Pan, Uan};
use crate::domain::person::{Email, PersonName, Pincode};
use crate::domain::source::{EmployerClaim, SandboxOutcome};

pub use audit::{Audit, Audited, Override, audit};
pub use check_job::CheckHandler;
pub use report::{render_pdf, report};
pub use submit::{CaseCreated, Submitted, submit};

pub const SERVICE: &str = "bgv";
pub const CHECK_JOB: &str = "check.run";
/// Attempts a check gets before it is decided `unable_to_verify`.
pub const CHECK_ATTEMPTS: i64 = 4;
/// Candidates one submission may carry.
pub const MAX_CANDIDATES: usize = 500;

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
