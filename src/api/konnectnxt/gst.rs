//! GST verification (seed 002): `POST /api/gst/initiate` charges and queues a fetch;
//! `GET /api/gst/status?request_id=` answers with the record once it is in.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::api::common::fields::{Text, rule};

use super::ApiKeyAuth;
use super::body::{invalid, required};
use super::envelope::{ApiError, ApiResult, Envelope, ErrorKind};
use super::extract::{ApiBody, NOT_AN_OBJECT, QueryParams};
use crate::api::AppState;
use crate::app::credits;
use crate::app::gst;
use crate::domain::gst::GstStatus;
use crate::domain::ids::Gstin;
use crate::providers::gst::GstRecord;
use crate::store::decode_json;

/// The body of `POST /api/gst/initiate`.
#[derive(Deserialize, ToSchema)]
pub struct InitiateBody {
    /// A 15-character GSTIN with a valid check digit.
    #[schema(schema_with = Text::<rule::Gstin>::schema, required = true)]
    gstin: Text<rule::Gstin>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Initiated {
    #[schema(format = Uuid)]
    pub request_id: String,
    pub gstin: String,
    pub status: GstStatus,
}

/// Initiate GST verification
#[utoipa::path(
    post, path = "/api/gst/initiate", tag = "gst",
    operation_id = "initiateGst", security(("bearerAuth" = [])),
    request_body(content = inline(InitiateBody), example = json!({ "gstin": "27AABCI6363G1ZJ" })),
    responses(
        (status = 200, description = "Queued; credits charged", body = Envelope<Initiated>, links(
            ("gstStatus" = (operation_id = "gstStatus", parameters(("request_id" = "$response.body#/data/request_id")))),
        )),
        (status = 400, description = "Invalid GSTIN; no credit"),
        (status = 402, description = "Insufficient credits"),
    )
)]
pub async fn initiate(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiBody(body): ApiBody<InitiateBody>,
) -> ApiResult<Initiated> {
    let parsed = body
        .ok_or_else(|| NOT_AN_OBJECT.to_string())
        .and_then(|body| {
            let raw = required(&body.gstin)?;
            Gstin::parse(&raw).map_err(|e| format!("Invalid GSTIN: {e}."))
        });
    let gstin = match parsed {
        Ok(gstin) => gstin,
        Err(message) => return Err(invalid(&state, &auth.org_id, message).await),
    };
    let cost = state.config.gst_initiate_cost;
    let (request_id, balance) = gst::initiate(&state.store, &auth.org_id, &gstin, cost).await?;
    Ok(Envelope::ok(
        "GST verification initiated successfully.",
        Initiated {
            request_id,
            gstin: gstin.as_str().to_string(),
            status: GstStatus::InProgress,
        },
    )
    .with_credits(cost, balance))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InProgress {
    #[schema(format = Uuid)]
    request_id: String,
    gstin: String,
    verification_status: GstStatus,
}

/// `GSTStatusResponse` plus the request id it answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(title = "GSTStatusResponse")]
pub struct Completed {
    #[schema(format = Uuid)]
    request_id: String,
    #[serde(flatten)]
    record: GstRecord,
}

/// Fetch GST verification status
#[utoipa::path(
    get, path = "/api/gst/status", tag = "gst",
    operation_id = "gstStatus", security(("bearerAuth" = [])),
    params(("request_id" = String, Query, format = Uuid, description = "UUID returned by the initiate call")),
    responses(
        (status = 200, description = "GSTStatusResponse", body = Envelope<Completed>),
        (status = 202, description = "Still in progress", body = Envelope<InProgress>),
        (status = 400, description = "Invalid request_id provided in query params"),
        (status = 404, description = "No record for this request_id, or no GST registration for the GSTIN"),
        (status = 500, description = "The GST source could not be reached; credits refunded"),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> Result<Response, ApiError> {
    let request_id = params
        .get("request_id")
        .and_then(|v| uuid::Uuid::parse_str(v).ok());
    let Some(request_id) = request_id else {
        let message = "Invalid request_id provided in query params".into();
        return Err(invalid(&state, &auth.org_id, message).await);
    };
    let request = gst::request(&state.store, &auth.org_id, &request_id.to_string()).await?;
    let remaining = credits::balance(&state.store, &auth.org_id).await?;
    match request.status {
        GstStatus::Completed => {
            let record: GstRecord = decode_json(
                "GST result",
                request.result.as_deref().unwrap_or_default(),
            )?;
            Ok(Envelope::ok(
                "GST details fetched successfully.",
                Completed {
                    request_id: request.id,
                    record,
                },
            )
            .with_credits(0, remaining)
            .into_response())
        }
        GstStatus::NotFound => Err(ApiError::not_found(
            "No GST registration found for the provided GSTIN.",
        )
        .with_credits(0, remaining)),
        GstStatus::Failed => Err(ApiError::from(ErrorKind::SourceUnavailable(
            "GST verification failed: the GST source could not be reached. The credits were refunded.",
        ))
        .with_credits(0, remaining)),
        GstStatus::InProgress => {
            let mut envelope = Envelope::ok(
                "GST verification is in progress. Please retry after a few seconds.",
                InProgress {
                    request_id: request.id,
                    gstin: request.gstin,
                    verification_status: GstStatus::InProgress,
                },
            )
            .with_credits(0, remaining);
            envelope.code = StatusCode::ACCEPTED.as_u16();
            Ok(envelope.into_response())
        }
    }
}
