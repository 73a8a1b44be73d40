//! Files served by signed, expiring links: evidence images (and rendered reports). The
//! signature is the authorisation; a wrong or expired one answers 403 in the envelope.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::konnectnxt::envelope::{ApiError, ErrorKind};
use super::konnectnxt::extract::QueryParams;
use crate::crypto::verify_link;

/// Checks the link's `expires` and `signature` for `path`.
pub(crate) fn authorise(
    state: &AppState,
    path: &str,
    params: &QueryParams,
) -> Result<(), ApiError> {
    let expires = params.get("expires").and_then(|v| v.parse::<i64>().ok());
    let signature = params.get("signature");
    match (expires, signature) {
        (Some(expires), Some(signature))
            if verify_link(
                &state.links.key,
                path,
                expires,
                signature,
                chrono::Utc::now().timestamp(),
            ) =>
        {
            Ok(())
        }
        _ => Err(ErrorKind::LinkInvalid.into()),
    }
}

pub async fn evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: QueryParams,
) -> Result<Response, ApiError> {
    authorise(&state, &format!("/files/evidence/{id}"), &params)?;
    let (content_type, bytes) = state
        .store
        .evidence_file(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such file."))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// A completed case's PDF, rendered when the signed link is followed.
pub async fn report_pdf(
    State(state): State<AppState>,
    Path(file): Path<String>,
    params: QueryParams,
) -> Result<Response, ApiError> {
    authorise(&state, &format!("/files/reports/{file}"), &params)?;
    let case_id = file.strip_suffix(".pdf").unwrap_or(&file);
    let org_id = state
        .store
        .case_org(case_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such file."))?;
    let view = state
        .store
        .case_view(&org_id, case_id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such file."))?;
    let pdf = crate::services::bgv::render_pdf(&state.store, &state.links, &view)
        .await
        .map_err(ApiError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"bgv-report-{}.pdf\"",
                    view.case.reference_id
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}
