//! GSTIN look-ups: the record shape of `GET /api/gst/status` (`GSTStatusResponse`).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ProviderError;
use crate::domain::ids::Gstin;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct GstRecord {
    pub gstin: String,
    pub legal_name: String,
    pub trade_name: String,
    pub status: String,
    pub is_active: bool,
    pub constitution: String,
    pub registration_date: String,
    pub cancellation_date: Option<String>,
    pub business_nature: Vec<String>,
    pub is_sez: bool,
    pub turnover: Turnover,
    pub principal_address: PrincipalAddress,
    pub jurisdiction: Jurisdiction,
    pub filing_summary: FilingSummary,
    pub hsn_codes: Vec<HsnCode>,
    pub promoters: Vec<String>,
    pub source: String,
    pub last_updated: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Turnover {
    pub slab: String,
    pub financial_year: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PrincipalAddress {
    pub address: String,
    pub pincode: String,
    pub state: String,
    pub district: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Jurisdiction {
    pub center: String,
    pub center_code: String,
    pub state_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct FilingSummary {
    pub gstr1_filed_count: i64,
    pub gstr3b_filed_count: i64,
    pub last_gstr1_filed_on: Option<String>,
    pub last_gstr3b_filed_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct HsnCode {
    pub hsn_code: String,
    pub hsn_description: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[async_trait]
pub trait GstProvider: Send + Sync {
    async fn lookup(&self, gstin: &Gstin) -> Result<GstRecord, ProviderError>;
}
