//! Verifications: `POST /verifications`, `GET /verifications?result_id=…` (seed 003),
//! `GET|PUT /verifications/{id}`, `POST /verifications/{id}/retry`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::auth::Caller;
use super::errors::{AcError, AcResult, ErrorCode};
use super::extract::{AcJson, Query, parse_uuid};
use crate::api::AppState;
use crate::app::uploads::signed_url;
use crate::app::verifications::{self as verifications, Detail, Review, Submission};
use crate::app::{AppError, Resource};
use crate::domain::FieldIssue;
use crate::domain::services::{by_code, by_id};
use crate::domain::time::format_iso;
use crate::domain::verifications::{OutputStatus, StageKind, VerificationStatus};
use crate::store::decode_json;

fn job_key(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Ocr => "ocr_job_id",
        StageKind::NikCheck => "nik_job_id",
        StageKind::FaceMatch => "face_job_id",
        StageKind::PepScreening => "screening_job_id",
        StageKind::FraudDetection => "fraud_job_id",
    }
}

/// One item, exactly as seed 003 lists it: every field present, `null` where it does not apply.
pub fn item_json(state: &AppState, detail: &Detail) -> AcResult<Value> {
    let v = &detail.row;
    let service = by_code(v.service_code);
    let input_config: Value = decode_json("verification configuration", &v.input_config)?;
    let input_file_url = if detail.files.is_empty() {
        Value::Null
    } else {
        let mut slots: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for file in &detail.files {
            slots
                .entry(file.slot.as_str())
                .or_default()
                .push(signed_url(&state.links, &file.upload));
        }
        json!(slots)
    };
    let output = match &v.output {
        Some(text) => decode_json::<Value>("verification output", text)?,
        None => Value::Null,
    };
    let output_file_url = verifications::output_file(v)
        .then(|| state.links.url(&format!("/files/outputs/{}.json", v.id)));
    let mut jobs: Map<String, Value> = Map::new();
    for stage in &detail.stages {
        let ids = jobs
            .entry(job_key(stage.stage))
            .or_insert_with(|| Value::Array(Vec::new()));
        if let (Some(id), Value::Array(list)) = (&stage.job_id, ids) {
            list.push(Value::String(id.clone()));
        }
    }
    let metadata: Value = decode_json("webhook metadata", &v.webhook_metadata)?;
    let execution_time = match (v.start_date, v.end_date) {
        (Some(start), Some(end)) => json!(((end - start).max(0) as f64) / 1000.0),
        _ => Value::Null,
    };
    Ok(json!({
        "id": v.id,
        "service": {"id": service.id, "name": service.name},
        "user_id": v.user_id,
        "api_key": v.api_key_id,
        "folder_id": v.folder_id,
        "result_id": v.result_id,
        "execution_time": execution_time,
        "status": v.status,
        "start_date": v.start_date.map(format_iso),
        "end_date": v.end_date.map(format_iso),
        "input_config": input_config,
        "input_file_url": input_file_url,
        "output": output,
        "output_file_url": output_file_url,
        "output_status": v.output_status,
        "external_job_id": Value::Object(jobs),
        "webhook_url": v.webhook_url,
        "webhook_metadata": metadata,
        "export_file_url": state.links.url(&format!("/files/exports/{}.xlsx", v.result_id)),
        "credit_used": v.credit_used,
        "total_files": v.total_files,
        "total_pages": v.total_pages,
        "created_at": format_iso(v.created_at),
        "updated_at": format_iso(v.updated_at),
    }))
}

fn body_object(body: &Value) -> AcResult<&Map<String, Value>> {
    body.as_object().ok_or_else(|| {
        AcError::new(
            ErrorCode::InvalidRequest,
            "The request body must be a JSON object.",
        )
    })
}

/// An optional id field: `INVALID_ID` when present but malformed.
fn optional_id(body: &Map<String, Value>, field: &str) -> AcResult<Option<String>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => parse_uuid(s, field).map(Some),
        Some(_) => Err(AcError::id(field)),
    }
}

/// `{service_id, folder_id, configuration, result_id?, webhook_url?, webhook_metadata?}` →
/// 201 and the new item.
#[utoipa::path(post, path = "/verifications", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    AcJson(body): AcJson<Value>,
) -> AcResult<(StatusCode, Json<Value>)> {
    let object = body_object(&body)?;
    let mut missing = Vec::new();
    for field in ["service_id", "folder_id", "configuration"] {
        if object.get(field).is_none_or(Value::is_null) {
            missing.push(FieldIssue::new(field, "is required"));
        }
    }
    if !missing.is_empty() {
        return Err(AcError::new(
            ErrorCode::InvalidRequest,
            "Required fields are missing; see errors.",
        )
        .with_errors(missing));
    }
    let service_id = optional_id(object, "service_id")?.unwrap_or_default();
    let folder_id = optional_id(object, "folder_id")?.unwrap_or_default();
    let result_id = optional_id(object, "result_id")?;
    let service = by_id(&service_id).ok_or(AppError::NotFound(Resource::Service))?;
    let webhook_url = match object.get("webhook_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(url)) => Some(url.as_str()),
        Some(_) => return Err(AcError::value("webhook_url", "must be a string")),
    };
    let configuration = object.get("configuration").unwrap_or(&Value::Null);
    let row = verifications::submit(
        &state.store,
        &caller.actor,
        &Submission {
            service,
            folder_id: &folder_id,
            result_id: result_id.as_deref(),
            configuration,
            webhook_url,
            webhook_metadata: object.get("webhook_metadata"),
        },
        &state.webhook_targets,
    )
    .await?;
    let detail = verifications::get(&state.store, &caller.actor, &row.id).await?;
    Ok((StatusCode::CREATED, Json(item_json(&state, &detail)?)))
}

/// `?result_id=&page_offset=&page_size=` → `{total, overall_status, items}`.
#[utoipa::path(
    get, path = "/verifications", tag = "anycheck",
    params(("result_id" = String, Query), ("page_offset" = Option<i64>, Query), ("page_size" = Option<i64>, Query))
)]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Query,
) -> AcResult<Json<Value>> {
    let result_id = query
        .uuid("result_id")?
        .ok_or_else(|| AcError::request("result_id", "is required"))?;
    let limit = query.integer("page_size", 10, 1, 100)?;
    let offset = query.integer("page_offset", 0, 0, i64::MAX)?;
    let page = verifications::list(&state.store, &caller.actor, &result_id, offset, limit).await?;
    let items = page
        .items
        .iter()
        .map(|d| item_json(&state, d))
        .collect::<AcResult<Vec<_>>>()?;
    Ok(Json(json!({
        "total": page.total,
        "overall_status": page.overall_status,
        "items": items,
    })))
}

#[utoipa::path(get, path = "/verifications/{id}", tag = "anycheck", params(("id" = String, Path)))]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(item_json(&state, &detail)?))
}

/// `{verification_status, output, configuration, output_status?}`: a signed-in user's review;
/// `{verification_status: "CANCELLED"}` alone cancels (API keys may cancel too).
#[utoipa::path(
    put, path = "/verifications/{id}", tag = "anycheck", params(("id" = String, Path))
)]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    AcJson(body): AcJson<Value>,
) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let object = body_object(&body)?;
    let status = match object.get("verification_status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(VerificationStatus::parse(s).ok_or_else(|| {
            AcError::value(
                "verification_status",
                "must be COMPLETED, FAILED, FRAUD_DETECTED, NEED_REVIEW or CANCELLED",
            )
        })?),
        Some(_) => return Err(AcError::value("verification_status", "must be a string")),
    };
    let output_status = match object.get("output_status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(OutputStatus::parse(s).ok_or_else(|| {
            AcError::value(
                "output_status",
                "must be VERIFIED, NOT_VERIFIED or PARTIALLY_NOT_VERIFIED",
            )
        })?),
        Some(_) => return Err(AcError::value("output_status", "must be a string")),
    };
    let output = object.get("output").filter(|v| !v.is_null());
    let configuration = object.get("configuration").filter(|v| !v.is_null());
    let attempts = state.webhook_attempts;
    if status == Some(VerificationStatus::Cancelled) {
        if output.is_some() || configuration.is_some() || output_status.is_some() {
            return Err(AcError::value(
                "verification_status",
                "CANCELLED is given alone: a cancellation changes nothing else",
            ));
        }
        verifications::cancel(&state.store, &caller.actor, &id, attempts).await?;
    } else {
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
        verifications::review(
            &state.store,
            &caller.actor,
            &id,
            &Review {
                status,
                output,
                output_status,
                configuration,
            },
            attempts,
        )
        .await?;
    }
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(item_json(&state, &detail)?))
}

/// `{force?: bool}` (the body may be empty): runs the verification again.
#[utoipa::path(post, path = "/verifications/{id}/retry", tag = "anycheck", params(("id" = String, Path)), request_body(content = Object))]
#[tracing::instrument(skip_all, fields(verification_id = %id))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let force = if body.iter().all(u8::is_ascii_whitespace) {
        false
    } else {
        let value: Value = serde_json::from_slice(&body).map_err(|_| {
            AcError::new(
                ErrorCode::InvalidRequest,
                "The request body is not valid JSON.",
            )
        })?;
        match body_object(&value)?.get("force") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(AcError::value("force", "must be true or false")),
        }
    };
    verifications::retry(&state.store, &caller.actor, &id, force).await?;
    let detail = verifications::get(&state.store, &caller.actor, &id).await?;
    Ok(Json(item_json(&state, &detail)?))
}
