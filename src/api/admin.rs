//! Operator endpoints under `/admin/…`, authorised by the configured `admin_token`
//! (`Authorization: Bearer <admin_token>`), never by an organisation's API key. With no
//! `admin_token` configured they do not exist (404). Errors answer in the KonnectNXT envelope.
//!
//! `POST /admin/screening/lists?format=ofac|un|senzing|csl&name=…` imports a list file sent as
//! the body. For OFAC the body is the `sdn` CSV, or a `multipart/form-data` upload with the
//! parts `sdn`, `alt`, `add` and (optionally) `comments`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::common::HttpError;
use crate::api::common::auth::{BearerToken, bearer_token};
use crate::api::konnectnxt::envelope::{ApiError, ApiResult, Envelope};
use crate::app::AppError;
use crate::app::screening::lists::{Imported, list_kind, list_name};
use crate::app::screening::{self};
use crate::screening::model::ListKind;

/// Largest list upload accepted (the full OFAC and UN files are a few MB each).
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;

/// Checks the operator token. `Err(404)` when none is configured, `Err(401/403)` otherwise.
fn authorise(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &state.config.admin_token else {
        return Err(HttpError::RouteNotFound.into());
    };
    let header = headers
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
    let token = match bearer_token(header) {
        BearerToken::Missing => return Err(HttpError::MissingCredentials.into()),
        BearerToken::Malformed => return Err(HttpError::MalformedCredentials.into()),
        BearerToken::Token(token) => token,
    };
    // Compared as digests, so the time taken says nothing about the token.
    if Sha256::digest(token.as_bytes()) == Sha256::digest(expected.expose().as_bytes()) {
        Ok(())
    } else {
        Err(HttpError::UnknownKey.into())
    }
}

async fn read_upload(
    kind: ListKind,
    request: Request,
    state: &AppState,
) -> Result<[Vec<u8>; 4], ApiError> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::from(HttpError::PayloadTooLarge))?;
        if body.is_empty() {
            return Err(
                AppError::invalid("file", "The list file must be sent as the body.").into(),
            );
        }
        return Ok([body.to_vec(), Vec::new(), Vec::new(), Vec::new()]);
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|_| ApiError::bad_request("The multipart body could not be read."))?;
    let mut files: [Vec<u8>; 4] = Default::default();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| ApiError::bad_request("The multipart body could not be read."))?
    {
        let slot = match (kind, field.name().unwrap_or("")) {
            (ListKind::OfacSdn, "sdn") | (_, "file") => 0,
            (ListKind::OfacSdn, "alt") => 1,
            (ListKind::OfacSdn, "add") => 2,
            (ListKind::OfacSdn, "comments") => 3,
            (_, other) => {
                return Err(ApiError::bad_request(format!(
                    "Unknown part '{other}' (expected {}).",
                    if kind == ListKind::OfacSdn {
                        "sdn, alt, add, comments"
                    } else {
                        "file"
                    }
                )));
            }
        };
        files[slot] = field
            .bytes()
            .await
            .map_err(|_| ApiError::bad_request("The multipart body could not be read."))?
            .to_vec();
    }
    if files[0].is_empty() {
        return Err(AppError::invalid("file", "The list file is missing.").into());
    }
    Ok(files)
}

/// The list formats `format` names.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    Ofac,
    Un,
    Senzing,
    Csl,
}

/// The list file (OFAC: the SDN CSV).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ListFile(pub Vec<u8>);

/// OFAC: parts sdn (required), alt, add, comments; other formats: file.
#[derive(ToSchema)]
pub struct ListUpload {
    #[schema(value_type = String, format = Binary, required = false)]
    pub sdn: Vec<u8>,
    #[schema(value_type = String, format = Binary, required = false)]
    pub alt: Vec<u8>,
    #[schema(value_type = String, format = Binary, required = false)]
    pub add: Vec<u8>,
    #[schema(value_type = String, format = Binary, required = false)]
    pub comments: Vec<u8>,
    #[schema(value_type = String, format = Binary, required = false)]
    pub file: Vec<u8>,
}

/// Import a screening list (operator only)
#[utoipa::path(
    post, path = "/admin/screening/lists", tag = "admin",
    operation_id = "importScreeningList", security(("adminToken" = [])),
    params(
        ("format" = inline(ListFormat), Query, description = "ofac | un | senzing | csl"),
        ("name" = Option<String>, Query, max_length = 64, pattern = r"^\s*[a-z0-9_.-]*\s*$",
            description = "The list's name (default: the format); surrounding spaces are trimmed."),
    ),
    request_body(content(
        (inline(ListFile) = "application/octet-stream"),
        (inline(ListUpload) = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The stored version", body = Envelope<Imported>),
        (status = 400, description = "Invalid format or file"),
        (status = 404, description = "No admin_token is configured"),
    )
)]
pub async fn import_list(State(state): State<AppState>, request: Request) -> ApiResult<Imported> {
    authorise(&state, request.headers())?;
    let params = crate::api::common::parse_query(request.uri().query().unwrap_or(""))
        .map_err(super::konnectnxt::extract::query_error)?;
    let format = params
        .get("format")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::from(AppError::invalid(
                "format",
                "format is required (ofac, un, senzing or csl).",
            ))
        })?;
    let kind = list_kind(format)?;
    let name = list_name(kind, params.get("name").map(String::as_str))?;
    let files = read_upload(kind, request, &state).await?;
    let imported = screening::import(
        &state.store,
        Some(&state.providers.engine),
        kind,
        &name,
        files,
    )
    .await?;
    let message = if imported.created {
        format!(
            "List {} version {} imported.",
            imported.list, imported.version
        )
    } else {
        format!(
            "List {} is unchanged (same file as version {}).",
            imported.list, imported.version
        )
    };
    Ok(Envelope::ok(message, imported))
}
