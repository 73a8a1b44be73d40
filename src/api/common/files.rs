//! Files served by signed, expiring links: evidence images (and rendered reports). The
//! signature is the authorisation; a wrong or expired one is refused (`HttpError::LinkInvalid`),
//! rendered by the surface the route is mounted for.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::{HttpError, Rejection, Surface, parse_query};
use crate::api::AppState;
use crate::app::{AppError, Resource};
use crate::crypto::verify_link;
use crate::files::Content;

/// Checks the link's `expires` and `signature` for `path`.
pub(crate) fn authorise(
    state: &AppState,
    path: &str,
    query: Option<&str>,
) -> Result<(), HttpError> {
    let params = parse_query(query.unwrap_or("")).unwrap_or_default();
    let expires = params
        .get("expires")
        .and_then(|v| v.trim().parse::<i64>().ok());
    let signature = params.get("signature").map(|v| v.trim());
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
        _ => Err(HttpError::LinkInvalid),
    }
}

pub async fn evidence<S: Surface>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Rejection<S>> {
    authorise(&state, &format!("/files/evidence/{id}"), query.as_deref())?;
    let (content_type, content) =
        crate::app::cases::evidence(&state.store, &state.files, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        body(content),
    )
        .into_response())
}

/// A file's content as a response body: streamed from the store, with its length.
fn body(content: Content) -> Response {
    match content {
        Content::Bytes(bytes) => bytes.into_response(),
        Content::Stream { size, stream } => (
            [(header::CONTENT_LENGTH, size.to_string())],
            Body::from_stream(stream),
        )
            .into_response(),
    }
}

/// A completed case's PDF, rendered when the signed link is followed.
pub async fn report_pdf<S: Surface>(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Rejection<S>> {
    authorise(&state, &format!("/files/reports/{file}"), query.as_deref())?;
    let case_id = file.strip_suffix(".pdf").unwrap_or(&file);
    let org_id = state
        .store
        .case_org(case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::File))?;
    let view = state
        .store
        .case_view(&org_id, case_id)
        .await?
        .ok_or(AppError::NotFound(Resource::File))?;
    if !view.case.status.is_final() {
        return Err(AppError::NotFound(Resource::File).into());
    }
    let pdf = crate::app::cases::pdf(&state.store, &state.files, &state.pdf_renders, &view).await?;
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
        body(pdf),
    )
        .into_response())
}
