//! `POST /api/v2/finance/customer-data-pull`: a synchronous credit-bureau pull (seed 001).
//! Every body carries `credits_used` and `credits_remaining`.

use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{PartialSchema, ToSchema};

use crate::api::common::fields::{Text, rule};

use super::ApiKeyAuth;
use super::body::{invalid, required, text};
use super::bureau_report::BureauReport;
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::{ApiBody, NOT_AN_OBJECT};
use crate::api::AppState;
use crate::app::bureau::{self, Caller, DEFAULT_CONSENT_PURPOSE, PullOutcome};
use crate::domain::ids::{Aadhaar, DrivingLicence, Epic, IdError, Mobile, Pan, Passport};
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

/// The body of `POST /api/v2/finance/customer-data-pull`.
#[derive(Deserialize, ToSchema)]
pub struct PullBody {
    /// 10-digit Indian mobile number starting with 6–9.
    #[schema(schema_with = Text::<rule::MobileNumber>::schema, required = true)]
    mobile_number: Text<rule::MobileNumber>,
    /// Letters, spaces and dots.
    #[schema(schema_with = Text::<rule::FullName>::schema, required = true)]
    full_name: Text<rule::FullName>,
    /// More than 20 characters.
    #[schema(schema_with = Text::<rule::ConsentPurpose>::schema, required = false)]
    consent_purpose: Text<rule::ConsentPurpose>,
    /// PAN, AADHAAR, VOTER_ID, PASSPORT or DRIVING_LICENSE (case-insensitive); needs id_value.
    #[schema(schema_with = Text::<rule::DocumentType>::schema, required = false)]
    document_type: Text<rule::DocumentType>,
    /// The document's number; needs document_type.
    #[schema(schema_with = Text::<rule::IdValue>::schema, required = false)]
    id_value: Text<rule::IdValue>,
}

/// Validates in the order of the documented fields; the first problem is reported.
pub(crate) fn parse_request(body: Option<PullBody>) -> Result<PullRequest, String> {
    let body = body.ok_or(NOT_AN_OBJECT)?;
    let mobile = Mobile::parse(&required(&body.mobile_number)?)
        .map_err(|e| mobile_message(&e).to_string())?;
    let full_name = required(&body.full_name)?;
    if !valid_full_name(&full_name) {
        return Err("Invalid full_name. Only letters, spaces, and dots are allowed.".into());
    }
    let consent_purpose = match text(&body.consent_purpose)? {
        Some(purpose) if purpose.chars().count() < MIN_CONSENT_LEN => {
            return Err("consent_purpose must be more than 20 characters.".into());
        }
        Some(purpose) => purpose,
        None => DEFAULT_CONSENT_PURPOSE.to_string(),
    };
    let document = match (text(&body.document_type)?, text(&body.id_value)?) {
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
#[utoipa::path(
    post, path = "/api/v2/finance/customer-data-pull", tag = "finance",
    operation_id = "customerDataPull", security(("bearerAuth" = [])),
    request_body(content = inline(PullBody), example = json!({ "mobile_number": "9553226860", "full_name": "Manish Gupta", "consent_purpose": "Financial data verification for background verification" })),
    responses(
        (status = 200, description = "The bureau's record; 1 credit", body = Envelope<BureauReport>),
        (status = 400, description = "Invalid input; no credit"),
        (status = 402, description = "Insufficient credits"),
        (status = 404, description = "The bureau holds no record; 1 credit"),
        (status = 500, description = "The bureau could not be reached; no credit"),
    )
)]
pub async fn customer_data_pull(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiBody(body): ApiBody<PullBody>,
) -> ApiResult<BureauReport> {
    let request = match parse_request(body) {
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
