//! Credit-bureau pulls: the report shape of `POST /api/v2/finance/customer-data-pull`.

use async_trait::async_trait;
use serde::Serialize;

use super::ProviderError;
use crate::domain::ids::Mobile;

/// A validated identity document offered for an additional look-up.
#[derive(Debug, Clone)]
pub struct DocumentRef {
    /// Upper-case type as given (`PAN`, `AADHAAR`, …).
    pub document_type: String,
    /// The normalised value (for Aadhaar, never logged or stored in clear).
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct BureauQuery {
    pub mobile: Mobile,
    pub full_name: String,
    pub document: Option<DocumentRef>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BureauReport {
    pub report_order_number: String,
    pub personal_info: PersonalInfo,
    pub phone_info: Vec<PhoneInfo>,
    pub email_info: Vec<EmailInfo>,
    pub identity_info: IdentityInfo,
    pub address_info: Vec<AddressInfo>,
    /// `SANDBOX` for sandbox data; the bureau's name otherwise.
    pub source: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PersonalInfo {
    pub full_name: String,
    pub dob: String,
    pub gender: String,
    pub total_income: String,
    pub occupation: String,
    pub age: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInfo {
    pub sequence: String,
    pub reported_date: String,
    pub type_code: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EmailInfo {
    pub sequence: String,
    pub reported_date: String,
    pub email_address: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdNumber {
    pub id_number: String,
    pub sequence: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct IdentityInfo {
    pub pan_number: Vec<IdNumber>,
    pub passport_number: Vec<IdNumber>,
    pub driving_license: Vec<IdNumber>,
    pub voter_id: Vec<IdNumber>,
    pub aadhaar_number: Vec<IdNumber>,
    pub ration_card: Vec<IdNumber>,
    pub other_id: Vec<IdNumber>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AddressInfo {
    pub sequence: String,
    pub address: String,
    pub state: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub postal: String,
    pub reported_date: String,
}

#[async_trait]
pub trait BureauProvider: Send + Sync {
    async fn pull(&self, query: &BureauQuery) -> Result<BureauReport, ProviderError>;
}
