//! Credit-bureau pulls.

use super::state::text_enum;

text_enum! {
    /// What came of a pull, as its consent record keeps it.
    pub enum BureauOutcome {
        Found => "found",
        NotFound => "not_found",
        Unavailable => "unavailable",
    }
}

impl BureauOutcome {
    /// The credit rule: a pull is charged whenever the bureau was reached ("no record" included).
    pub fn is_chargeable(self) -> bool {
        self != BureauOutcome::Unavailable
    }
}

/// What a credit bureau holds about a person: the bureau's own record, in this project's terms.
/// The API surface decides how it is shown (KonnectNXT: `api/konnectnxt/bureau_report.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct BureauRecord {
    pub report_order_number: String,
    pub personal_info: PersonalInfo,
    pub phone_info: Vec<PhoneInfo>,
    pub email_info: Vec<EmailInfo>,
    pub identity_info: IdentityInfo,
    pub address_info: Vec<AddressInfo>,
    /// `SANDBOX` for sandbox data; the bureau's name otherwise.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonalInfo {
    pub full_name: String,
    pub dob: String,
    pub gender: String,
    pub total_income: String,
    pub occupation: String,
    pub age: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhoneInfo {
    pub sequence: String,
    pub reported_date: String,
    pub type_code: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailInfo {
    pub sequence: String,
    pub reported_date: String,
    pub email_address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IdNumber {
    pub id_number: String,
    pub sequence: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityInfo {
    pub pan_number: Vec<IdNumber>,
    pub passport_number: Vec<IdNumber>,
    pub driving_license: Vec<IdNumber>,
    pub voter_id: Vec<IdNumber>,
    pub aadhaar_number: Vec<IdNumber>,
    pub ration_card: Vec<IdNumber>,
    pub other_id: Vec<IdNumber>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AddressInfo {
    pub sequence: String,
    pub address: String,
    pub state: String,
    pub kind: String,
    pub postal: String,
    pub reported_date: String,
}
