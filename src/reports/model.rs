//! The BGV report of one case, exactly as `GET /api/recruiter/v2/report-json/` serves it
//! (seed 000). The PDF is rendered from the same value.

use serde::{Deserialize, Serialize};

use crate::domain::cases::{CaseStatus, CheckResult, CheckStatus};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Report {
    pub reference_id: String,
    pub generated_at: String,
    pub status: CaseStatus,
    pub result: CheckResult,
    pub candidate: Candidate,
    pub summary: Summary,
    pub checks: Vec<CheckReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Candidate {
    pub name: String,
    pub photo: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Summary {
    pub total: i64,
    pub clear: i64,
    pub minor_discrepancy: i64,
    pub discrepancy: i64,
    pub unable_to_verify: i64,
    pub not_available: i64,
    pub pending: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CheckReport {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub category: String,
    pub status: CheckStatus,
    pub result: CheckResult,
    /// `13 May, 2026, 11:02` (IST), or null while the check runs.
    pub completed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Field {
    pub label: String,
    pub value: String,
}
