//! `GET /api/verification/bgv/download?case_id=&type=pdf`: the completed case's PDF report, as
//! a signed, expiring link (`type=pdf`) or inline as base64 (no `type`).

use axum::extract::State;
use base64::Engine;
use serde::Serialize;

use super::ApiKeyAuth;
use super::envelope::{ApiError, ApiResult, Envelope};
use super::extract::QueryParams;
use super::recruiter::case_id;
use crate::api::AppState;
use crate::app::cases as bgv;
use crate::app::{AppError, Resource};
use crate::domain::cases::CaseStatus;
use crate::domain::time::format_timestamp;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Download {
    pub case_id: String,
    pub candidate_name: String,
    pub status: CaseStatus,
    pub created_at: String,
    pub completed_at: Option<String>,
    /// A signed link to the PDF (`type=pdf`) or the PDF itself, base64.
    pub report: String,
}

/// Download the BGV report (PDF)
#[utoipa::path(
    get, path = "/api/verification/bgv/download", tag = "recruiter",
    operation_id = "downloadReport", security(("bearerAuth" = [])),
    params(
        ("case_id" = String, Query, format = Uuid),
        ("type" = Option<String>, Query, description = "`pdf`: a signed link; absent: the PDF as base64."),
    ),
    responses(
        (status = 200, description = "The report PDF", body = Envelope<Download>),
        (status = 400, description = "Invalid case_id or type"),
        (status = 404, description = "No such case, or not yet submitted"),
        (status = 503, description = "Too many PDFs being rendered; retry"),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    params: QueryParams,
) -> ApiResult<Download> {
    let case_id = case_id(&params)?;
    let as_link = match params.get("type") {
        None => false,
        Some(t) if t.eq_ignore_ascii_case("pdf") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "Invalid type: only 'pdf' is supported.",
            ));
        }
    };
    let view = crate::app::cases::view::view(&state.store, &auth.org_id, &case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::Case))?;
    if !view.case.status.is_terminal() {
        return Err(ApiError::not_found(
            "Candidate has not submitted the BGV yet.",
        ));
    }
    let report = if as_link {
        state.links.url(&format!("/files/reports/{case_id}.pdf"))
    } else {
        let pdf = bgv::pdf(&state.store, &state.files, &state.pdf_renders, &view)
            .await?
            .into_bytes()
            .await
            .map_err(AppError::internal)?;
        base64::engine::general_purpose::STANDARD.encode(pdf)
    };
    Ok(Envelope::ok(
        "Report Fetched Successfully.",
        Download {
            case_id,
            candidate_name: view.case.candidate_name.clone(),
            status: view.case.status,
            created_at: format_timestamp(view.case.created_at),
            completed_at: view.case.completed_at.map(format_timestamp),
            report,
        },
    )
    .with_success())
}
