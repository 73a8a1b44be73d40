//! The bureau report as `POST /api/v2/finance/customer-data-pull` shows it (seed 001): the
//! vendor's camelCase wire shape, mapped from the domain's [`BureauRecord`].

use serde::Serialize;

use crate::domain::bureau::{self as record, BureauRecord};

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonalInfo {
    pub full_name: String,
    pub dob: String,
    pub gender: String,
    pub total_income: String,
    pub occupation: String,
    pub age: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInfo {
    pub sequence: String,
    pub reported_date: String,
    pub type_code: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailInfo {
    pub sequence: String,
    pub reported_date: String,
    pub email_address: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdNumber {
    pub id_number: String,
    pub sequence: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
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

impl From<&BureauRecord> for BureauReport {
    fn from(r: &BureauRecord) -> Self {
        BureauReport {
            report_order_number: r.report_order_number.clone(),
            personal_info: PersonalInfo::from(&r.personal_info),
            phone_info: r.phone_info.iter().map(PhoneInfo::from).collect(),
            email_info: r.email_info.iter().map(EmailInfo::from).collect(),
            identity_info: IdentityInfo::from(&r.identity_info),
            address_info: r.address_info.iter().map(AddressInfo::from).collect(),
            source: r.source.clone(),
        }
    }
}

impl From<&record::PersonalInfo> for PersonalInfo {
    fn from(r: &record::PersonalInfo) -> Self {
        PersonalInfo {
            full_name: r.full_name.clone(),
            dob: r.dob.clone(),
            gender: r.gender.clone(),
            total_income: r.total_income.clone(),
            occupation: r.occupation.clone(),
            age: r.age.clone(),
        }
    }
}

impl From<&record::PhoneInfo> for PhoneInfo {
    fn from(r: &record::PhoneInfo) -> Self {
        PhoneInfo {
            sequence: r.sequence.clone(),
            reported_date: r.reported_date.clone(),
            type_code: r.type_code.clone(),
            number: r.number.clone(),
        }
    }
}

impl From<&record::EmailInfo> for EmailInfo {
    fn from(r: &record::EmailInfo) -> Self {
        EmailInfo {
            sequence: r.sequence.clone(),
            reported_date: r.reported_date.clone(),
            email_address: r.email_address.clone(),
        }
    }
}

impl From<&record::IdNumber> for IdNumber {
    fn from(r: &record::IdNumber) -> Self {
        IdNumber {
            id_number: r.id_number.clone(),
            sequence: r.sequence.clone(),
        }
    }
}

impl From<&record::IdentityInfo> for IdentityInfo {
    fn from(r: &record::IdentityInfo) -> Self {
        IdentityInfo {
            pan_number: r.pan_number.iter().map(IdNumber::from).collect(),
            passport_number: r.passport_number.iter().map(IdNumber::from).collect(),
            driving_license: r.driving_license.iter().map(IdNumber::from).collect(),
            voter_id: r.voter_id.iter().map(IdNumber::from).collect(),
            aadhaar_number: r.aadhaar_number.iter().map(IdNumber::from).collect(),
            ration_card: r.ration_card.iter().map(IdNumber::from).collect(),
            other_id: r.other_id.iter().map(IdNumber::from).collect(),
        }
    }
}

impl From<&record::AddressInfo> for AddressInfo {
    fn from(r: &record::AddressInfo) -> Self {
        AddressInfo {
            sequence: r.sequence.clone(),
            address: r.address.clone(),
            state: r.state.clone(),
            kind: r.kind.clone(),
            postal: r.postal.clone(),
            reported_date: r.reported_date.clone(),
        }
    }
}
