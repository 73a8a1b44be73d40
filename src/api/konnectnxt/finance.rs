//! `POST /api/v2/finance/customer-data-pull`: a synchronous credit-bureau pull (seed 001).
//! Every body carries `credits_used` and `credits_remaining`.

use axum::extract::State;
use serde_json::Value;

use super::ApiKeyAuth;
use super::body::{Body, invalid};
use super::bureau_report::BureauReport;
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::ApiJson;
use crate::api::AppState;
use crate::app::bureau::{self, Caller, DEFAULT_CONSENT_PURPOSE, PullOutcome};
use crate::domain::ids::{Aadhaar, DrivingLicence, Epic, IdError, Mobile, Pan, Passport};
use crate::domain::text::limits;
use crate::providers::bureau::{BureauQuery, BureauRecord, DocumentRef};

/// Document types accepted for the optional identity look-up.
pub const DOCUMENT_TYPES: &[&str] = &["PAN", "AADHAAR", "VOTER_ID", "PASSPORT", "DRIVING_LICENSE"];

const MIN_CONSENT_LEN: usize = 21;

/// The request, validated.
pub(crate) struct PullRequest {
    pub query: BureauQuery,
    pub consent_purpose: String,
}

fn mobile_message(error: &IdError) -> &'static str {
    match error {
        IdError::MobileAllSameDigit => "Invalid mobile_number. All digits cannot be identical.",
        _ => {
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9."
        }
    }
}

fn valid_full_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '.')
}

fn parse_document(document_type: &str, value: &str) -> Result<DocumentRef, String> {
    let kind = document_type.to_ascii_uppercase();
    let normalised = match kind.as_str() {
        "PAN" => Pan::parse(value).map(|v| v.as_str().to_string()),
        "AADHAAR" => Aadhaar::parse(value).map(|v| v.expose().to_string()),
        "VOTER_ID" => Epic::parse(value).map(|v| v.as_str().to_string()),
        "PASSPORT" => Passport::parse(value).map(|v| v.as_str().to_string()),
        "DRIVING_LICENSE" => DrivingLicence::parse(value).map(|v| v.as_str().to_string()),
        _ => {
            return Err(format!(
                "Invalid document_type. Allowed values: {}.",
                DOCUMENT_TYPES.join(", ")
            ));
        }
    };
    normalised
        .map(|value| DocumentRef {
            document_type: kind.clone(),
            value,
        })
        .map_err(|e| format!("Invalid id_value for document_type {kind}: {e}."))
}

/// Validates in the order of the documented fields; the first problem is reported.
pub(crate) fn parse_request(value: Value) -> Result<PullRequest, String> {
    let body = Body::new(value)?;
    let mobile = Mobile::parse(&body.required_text(&limits::MOBILE_NUMBER)?)
        .map_err(|e| mobile_message(&e).to_string())?;
    let full_name = body.required_text(&limits::FULL_NAME)?;
    if !valid_full_name(&full_name) {
        return Err("Invalid full_name. Only letters, spaces, and dots are allowed.".into());
    }
    let consent_purpose = match body.text(&limits::CONSENT_PURPOSE)? {
        Some(purpose) if purpose.chars().count() < MIN_CONSENT_LEN => {
            return Err("consent_purpose must be more than 20 characters.".into());
        }
        Some(purpose) => purpose,
        None => DEFAULT_CONSENT_PURPOSE.to_string(),
    };
    let document = match (
        body.text(&limits::DOCUMENT_TYPE)?,
        body.text(&limits::ID_VALUE)?,
    ) {
        (None, None) => None,
        (Some(_), None) => {
            return Err("id_value is required when document_type is provided.".into());
        }
        (None, Some(_)) => {
            return Err("document_type is required when id_value is provided.".into());
        }
        (Some(kind), Some(value)) => Some(parse_document(&kind, &value)?),
    };
    Ok(PullRequest {
        query: BureauQuery {
            mobile,
            full_name: full_name.split_whitespace().collect::<Vec<_>>().join(" "),
            document,
        },
        consent_purpose,
    })
}

/// The record as this surface shows it, for the ledger's copy of the answer.
fn shown(record: &BureauRecord) -> Value {
    serde_json::to_value(BureauReport::from(record)).unwrap_or(Value::Null)
}

/// Customer financial data pull
#[utoipa::path(post, path = "/api/v2/finance/customer-data-pull", tag = "finance")]
pub async fn customer_data_pull(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(value): ApiJson<Value>,
) -> ApiResult<BureauReport> {
    let request = match parse_request(value) {
        Ok(request) => request,
        Err(message) => return Err(invalid(&state, &auth.org_id, message).await),
    };
    let caller = Caller {
        org_id: &auth.org_id,
        api_key_id: &auth.key_id,
    };
    let outcome = bureau::pull(
        &state.store,
        &state.providers,
        state.config.bureau_pull_cost,
        &caller,
        &request.query,
        &request.consent_purpose,
        shown,
    )
    .await?;
    match outcome {
        PullOutcome::Found {
            report,
            used,
            balance,
        } => Ok(Envelope::ok(
            "Financial data fetched successfully.",
            BureauReport::from(&*report),
        )
        .with_credits(used, balance)),
        PullOutcome::NoRecord { used, balance } => Err(ApiError::not_found(
            "No records found for the given details.",
        )
        .with_credits(used, balance)),
        PullOutcome::BureauUnavailable { balance } => {
            Err(ApiError::from(ErrorKind::SourceUnavailable(
                "Bureau service is temporarily unavailable. Please try again later.",
            ))
            .with_credits(0, balance))
        }
        PullOutcome::Insufficient(short) => Err(ApiError::from(ErrorKind::InsufficientCredits {
            required: short.required,
            remaining: short.remaining,
        })
        .with_credits(0, short.remaining)),
    }
}
