//! Verifications: `POST /verifications`, `GET /verifications?result_id=…` (seed 003),
//! `GET|PUT /verifications/{id}`, `POST /verifications/{id}/retry`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{PartialSchema, ToSchema};

use super::auth::Caller;
use super::errors::{AcError, AcResult, ErrorCode};
use super::extract::{
    AcBody, AcOptionalBody, Query, not_an_object, optional_uuid_schema, parse_uuid, uuid_schema,
};
use crate::api::AppState;
use crate::api::common::fields::{Flag, Free, Given, Scalar, Word};
use crate::app::uploads::signed_url;
use crate::app::verifications::{self as verifications, Detail, Review, Submission};
use crate::app::{AppError, Resource};
use crate::domain::FieldIssue;
use crate::domain::services::{Service, by_code, by_id};
use crate::domain::state::words_schema;
use crate::domain::time::format_iso;
use crate::domain::verifications::{OutputStatus, StageKind, VerificationStatus};
use crate::store::decode_json;

fn optional_string_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .into()
}

fn output_status_schema() -> RefOr<Schema> {
    words_schema::<OutputStatus>(true)
}

/// The body of `POST /verifications`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SubmitVerificationRequest {
    #[schema(schema_with = uuid_schema, required = true)]
    service_id: Given,
    #[schema(schema_with = uuid_schema, required = true)]
    folder_id: Given,
    /// The service's configuration (seed 003).
    #[schema(schema_with = Free::schema, required = true)]
    configuration: Free,
    /// The result group to add the verification to; a new one when absent.
    #[schema(schema_with = optional_uuid_schema)]
    result_id: Given,
    #[schema(schema_with = optional_string_schema)]
    webhook_url: Given,
    /// Sent back with each webhook; `webhook_secret` in it signs the deliveries (never shown).
    #[schema(schema_with = Free::schema)]
    webhook_metadata: Free,
}

/// An optional id field: `INVALID_ID` when present but malformed.
fn optional_id(value: &Given, field: &str) -> AcResult<Option<String>> {
    match &value.0 {
        None | Some(Scalar::Null) => Ok(None),
        Some(Scalar::Str(s)) if s.trim().is_empty() => Ok(None),
        Some(Scalar::Str(s)) => parse_uuid(s, field).map(Some),
        Some(_) => Err(AcError::id(field)),
    }
}

/// A submission, validated: what `verifications::submit` takes.
struct NewVerification<'a> {
    service: &'static Service,
    folder_id: String,
    result_id: Option<String>,
    configuration: &'a serde_json::Value,
    webhook_url: Option<&'a str>,
    webhook_metadata: Option<&'a serde_json::Value>,
}

impl NewVerification<'_> {
    fn submission(&self) -> Submission<'_> {
        Submission {
            service: self.service,
            folder_id: &self.folder_id,
            result_id: self.result_id.as_deref(),
            configuration: self.configuration,
            webhook_url: self.webhook_url,
            webhook_metadata: self.webhook_metadata,
        }
    }
}

impl SubmitVerificationRequest {
    fn validate(&self) -> AcResult<NewVerification<'_>> {
        let mut missing = Vec::new();
        let configuration = self.configuration.get();
        let given = [
            ("service_id", !self.service_id.is_absent()),
            ("folder_id", !self.folder_id.is_absent()),
            ("configuration", configuration.is_some()),
        ];
        for (field, present) in given {
            if !present {
                missing.push(FieldIssue::new(field, "is required"));
            }
        }
        let configuration = match configuration {
            Some(configuration) if missing.is_empty() => configuration,
            _ => {
                return Err(AcError::new(
                    ErrorCode::InvalidRequest,
                    "Required fields are missing; see errors.",
                )
                .with_errors(missing));
            }
        };
        let service_id = optional_id(&self.service_id, "service_id")?.unwrap_or_default();
        let folder_id = optional_id(&self.folder_id, "folder_id")?.unwrap_or_default();
        let result_id = optional_id(&self.result_id, "result_id")?;
        let service = by_id(&service_id).ok_or(AppError::NotFound(Resource::Service))?;
        let webhook_url = match &self.webhook_url.0 {
            None | Some(Scalar::Null) => None,
            Some(Scalar::Str(url)) => Some(url.as_str()),
            Some(_) => return Err(AcError::value("webhook_url", "must be a string")),
        };
        Ok(NewVerification {
            service,
            folder_id,
            result_id,
            configuration,
            webhook_url,
            webhook_metadata: self.webhook_metadata.get(),
        })
    }
}

/// The body of `PUT /verifications/{id}`: a signed-in user's review, or
/// `{verification_status: "CANCELLED"}` alone to cancel.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UpdateVerificationRequest {
    #[schema(schema_with = Word::<VerificationStatus>::schema)]
    verification_status: Word<VerificationStatus>,
    /// The reviewed output (free-form, as the service writes it).
    #[schema(schema_with = Free::schema)]
    output: Free,
    #[schema(schema_with = Word::<OutputStatus>::schema)]
    output_status: Word<OutputStatus>,
    /// A corrected configuration.
    #[schema(schema_with = Free::schema)]
    configuration: Free,
}

/// What an update asks for, validated.
enum Change<'a> {
    Cancel,
    Review(Review<'a>),
}

impl UpdateVerificationRequest {
    fn validate(&self) -> AcResult<Change<'_>> {
        let status = match &self.verification_status.given.0 {
            None | Some(Scalar::Null) => None,
            Some(Scalar::Str(_)) => Some(self.verification_status.parse().ok_or_else(|| {
                AcError::value(
                    "verification_status",
                    "must be COMPLETED, FAILED, FRAUD_DETECTED, NEED_REVIEW or CANCELLED",
                )
            })?),
            Some(_) => return Err(AcError::value("verification_status", "must be a string")),
        };
        let output_status = match &self.output_status.given.0 {
            None | Some(Scalar::Null) => None,
            Some(Scalar::Str(_)) => Some(self.output_status.parse().ok_or_else(|| {
                AcError::value(
                    "output_status",
                    "must be VERIFIED, NOT_VERIFIED or PARTIALLY_NOT_VERIFIED",
                )
            })?),
            Some(_) => return Err(AcError::value("output_status", "must be a string")),
        };
        let output = self.output.get();
        let configuration = self.configuration.get();
        if status == Some(VerificationStatus::Cancelled) {
            if output.is_some() || configuration.is_some() || output_status.is_some() {
                return Err(AcError::value(
                    "verification_status",
                    "CANCELLED is given alone: a cancellation changes nothing else",
                ));
            }
            return Ok(Change::Cancel);
        }
        if status.is_none()
            && output.is_none()
            && configuration.is_none()
            && output_status.is_none()
        {
            return Err(AcError::request(
                "verification_status",
                "is required (or output, output_status, configuration)",
            ));
        }
        Ok(Change::Review(Review {
            status,
            output,
            output_status,
            configuration,
        }))
    }
}

/// The body of `POST /verifications/{id}/retry` (it may be left out).
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RetryRequest {
    /// Run again even a verification that finished without a failure.
    #[schema(schema_with = Flag::schema)]
    force: Flag,
}

impl RetryRequest {
    fn validate(&self) -> AcResult<bool> {
        self.force
            .get()
            .map(|force| force.unwrap_or(false))
            .map_err(|_| AcError::value("force", "must be true or false"))
    }
}

fn job_key(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Ocr => "ocr_job_id",
        StageKind::NikCheck => "nik_job_id",
        StageKind::FaceMatch => "face_job_id",
        StageKind::PepScreening => "screening_job_id",
        StageKind::FraudDetection => "fraud_job_id",
    }
}

// The answers keep the field order the surface has always written (alphabetical).

/// The service a verification runs.
#[derive(Serialize, ToSchema)]
pub struct VerificationService {
    id: &'static str,
    name: &'static str,
}

/// One verification, exactly as seed 003 lists it: every field present, `null` where it does
/// not apply.
#[derive(Serialize, ToSchema)]
#[schema(as = Verification)]
pub struct VerificationItem {
    #[schema(required = true)]
    api_key: Option<String>,
    created_at: String,
    credit_used: i64,
    #[schema(required = true)]
    end_date: Option<String>,
    /// Seconds from start to end.
    #[schema(required = true)]
    execution_time: Option<f64>,
    export_file_url: String,
    /// The external jobs of each stage, by stage.
    external_job_id: BTreeMap<&'static str, Vec<String>>,
    #[schema(format = Uuid)]
    folder_id: String,
    #[schema(format = Uuid)]
    id: String,
    /// The configuration as submitted (free-form, by service).
    #[schema(schema_with = Free::schema, required = true)]
    input_config: serde_json::Value,
    /// Signed links to the input files, by the configuration's slot.
    #[schema(required = true)]
    input_file_url: Option<BTreeMap<String, Vec<String>>>,
    /// What the pipeline (or a reviewer) concluded (free-form, by service).
    #[schema(schema_with = Free::schema, required = true)]
    output: serde_json::Value,
    #[schema(required = true)]
    output_file_url: Option<String>,
    #[schema(schema_with = output_status_schema, required = true)]
    output_status: Option<OutputStatus>,
    #[schema(format = Uuid)]
    result_id: String,
    service: VerificationService,
    #[schema(required = true)]
    start_date: Option<String>,
    status: VerificationStatus,
    total_files: i64,
    total_pages: i64,
    updated_at: String,
    #[schema(required = true)]
    user_id: Option<String>,
    /// The metadata sent with each webhook (free-form, the client's).
    #[schema(schema_with = Free::schema, required = true)]
    webhook_metadata: serde_json::Value,
    #[schema(required = true)]
    webhook_url: Option<String>,
}

impl VerificationItem {
    pub fn of(state: &AppState, detail: &Detail) -> AcResult<Self> {
        let v = &detail.row;
        let service = by_code(v.service_code);
        let input_file_url = (!detail.files.is_empty()).then(|| {
            let mut slots: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for file in &detail.files {
                slots
                    .entry(file.slot.clone())
                    .or_default()
                    .push(signed_url(&state.links, &file.upload));
            }
            slots
        });
        let mut jobs: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for stage in &detail.stages {
            let ids = jobs.entry(job_key(stage.stage)).or_default();
            if let Some(id) = &stage.job_id {
                ids.push(id.clone());
            }
        }
        let output = match &v.output {
            Some(text) => decode_json("verification output", text)?,
            None => serde_json::Value::Null,
        };
        Ok(VerificationItem {
            api_key: v.api_key_id.clone(),
            created_at: format_iso(v.created_at),
            credit_used: v.credit_used,
            end_date: v.end_date.map(format_iso),
            execution_time: match (v.start_date, v.end_date) {
                (Some(start), Some(end)) => Some(((end - start).max(0) as f64) / 1000.0),
                _ => None,
            },
            export_file_url: state
                .links
                .url(&format!("/files/exports/{}.xlsx", v.result_id)),
            external_job_id: jobs,
            folder_id: v.folder_id.clone(),
            id: v.id.clone(),
            input_config: decode_json("verification configuration", &v.input_config)?,
            input_file_url,
            output,
            output_file_url: verifications::output_file(v)
                .then(|| state.links.url(&format!("/files/outputs/{}.json", v.id))),
            output_status: v.output_status,
            result_id: v.result_id.clone(),
            service: VerificationService {
                id: service.id,
                name: service.name,
            },
            start_date: v.start_date.map(format_iso),
            status: v.status,
            total_files: v.total_files,
            total_pages: v.total_pages,
            updated_at: format_iso(v.updated_at),
            user_id: v.user_id.clone(),
            webhook_metadata: decode_json("webhook metadata", &v.webhook_metadata)?,
            webhook_url: v.webhook_url.clone(),
        })
    }
}

/// A result group's verifications: `{items, overall_status, total}` (seed 003).
#[derive(Serialize, ToSchema)]
pub struct VerificationPage {
    items: Vec<VerificationItem>,
    overall_status: VerificationStatus,
    total: i64,
}

/// `{service_id, folder_id, configuration, result_id?, webhook_url?, webhook_metadata?}` →
/// 201 and the new item.
#[utoipa::path(
    post, path = "/verifications", tag = "anycheck", operation_id = "submitVerification",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    request_body = SubmitVerificationRequest,
    responses(
        (status = 201, description = "The new item", body = VerificationItem, links(
            ("getVerification" = (operation_id = "getVerification", parameters(("id" = "$response.body#/id")))),
            ("updateVerification" = (operation_id = "updateVerification", parameters(("id" = "$response.body#/id")))),
            ("retryVerification" = (operation_id = "retryVerification", parameters(("id" = "$response.body#/id")))),
            ("listVerifications" = (operation_id = "listVerifications", parameters(("result_id" = "$response.body#/result_id")))),
        )),
        (status = 400, description = "Invalid field"),
        (status = 403, description = "INSUFFICIENT_BALANCE, or no access to the folder"),
        (status = 404, description = "No such service, folder or result group"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    AcBody(body): AcBody<SubmitVerificationRequest>,
) -> AcResult<(StatusCode, Json<VerificationItem>)> {
    let body = body.ok_or_else(not_an_object)?;
    let new = body.validate()?;
    let row = verifications::submit(
        &state.store,
        &caller.actor,
        &new.submission(),
        &state.webhook_targets,
    )
    .await?;
    let detail = verifications::get(&state.store, &caller.actor, &row.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(VerificationItem::of(&state, &detail)?),
    ))
}

/// `?result_id=&page_offset=&page_size=` → `{total, overall_status, items}`.
#[utoipa::path(
    get, path = "/verifications", tag = "anycheck", operation_id = "listVerifications",
    params(
        ("result_id" = String, Query, format = Uuid, description = "The result group (`result_id` of an item)."),
        ("page_offset" = Option<i64>, Query, minimum = 0, description = "Default 0."),
        ("page_size" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Default 10."),
    ),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "{total, overall_status, items} (seed 003)", body = VerificationPage),
        (status = 400, description = "Invalid parameter"),
        (status = 404, description = "No such result group"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> AcResult<Json<VerificationPage>> {
    let result_id = query
        .uuid("result_id")?
        .ok_or_else(|| AcError::request("result_id", "is required"))?;
    let limit = query.integer("page_size", 10, 1, 100)?;
    let offset = query.integer("page_offset", 0, 0, i64::MAX)?;
    let page = verifications::list(&state.store, &caller.actor, &result_id, offset, limit).await?;
    Ok(Json(VerificationPage {
        items: page
            .items
            .iter()
            .map(|d| VerificationItem::of(&state, d))
            .collect::<AcResult<Vec<_>>>()?,
        overall_status: page.overall_status,
        total: page.total,
    }))
}

#[utoipa::path(
    get, path = "/verifications/{id}", tag = "anycheck", operation_id = "getVerification",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The item", body = VerificationItem),
        (status = 400, description = "INVALID_ID"),
        (status = 404, description = "No such verification"),
    )
)]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<VerificationItem>> {
    let id = parse_uuid(&id, "id")?;
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(VerificationItem::of(&state, &detail)?))
}

/// `{verification_status, output, configuration, output_status?}`: a signed-in user's review;
/// `{verification_status: "CANCELLED"}` alone cancels (API keys may cancel too).
#[utoipa::path(
    put, path = "/verifications/{id}", tag = "anycheck", operation_id = "updateVerification",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    request_body(
        content = UpdateVerificationRequest,
        example = json!({ "verification_status": "CANCELLED" })
    ),
    responses(
        (status = 200, description = "The item", body = VerificationItem),
        (status = 400, description = "Invalid field or transition"),
        (status = 403, description = "Reviews are for signed-in users"),
        (status = 404, description = "No such verification"),
        (status = 409, description = "The verification cannot change now"),
    )
)]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    AcBody(body): AcBody<UpdateVerificationRequest>,
) -> AcResult<Json<VerificationItem>> {
    let id = parse_uuid(&id, "id")?;
    let body = body.ok_or_else(not_an_object)?;
    let attempts = state.webhook_attempts;
    match body.validate()? {
        Change::Cancel => {
            verifications::cancel(&state.store, &caller.actor, &id, attempts).await?;
        }
        Change::Review(review) => {
            verifications::review(&state.store, &caller.actor, &id, &review, attempts).await?;
        }
    }
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(VerificationItem::of(&state, &detail)?))
}

/// `{force?: bool}` (the body may be empty): runs the verification again.
#[utoipa::path(
    post, path = "/verifications/{id}/retry", tag = "anycheck", operation_id = "retryVerification",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    request_body = Option<RetryRequest>,
    responses(
        (status = 200, description = "The item", body = VerificationItem),
        (status = 400, description = "INVALID_ID or body"),
        (status = 404, description = "No such verification"),
        (status = 409, description = "Nothing to retry"),
    )
)]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    AcOptionalBody(body): AcOptionalBody<RetryRequest>,
) -> AcResult<Json<VerificationItem>> {
    let id = parse_uuid(&id, "id")?;
    let force = match body? {
        Some(body) => body.validate()?,
        None => false,
    };
    verifications::retry(&state.store, &caller.actor, &id, force).await?;
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(VerificationItem::of(&state, &detail)?))
}
