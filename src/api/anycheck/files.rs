//! Files of the AnyCheck surface — uploads, verification outputs, group exports — served to
//! their tenant (JWT or API key) or to anyone holding a signed, unexpired link.

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::auth::Caller;
use super::errors::{AcError, AcResult};
use crate::api::AppState;
use crate::api::common::files::{attachment, authorise, download};
use crate::api::common::parse_query;
use crate::app::auth::Actor;
use crate::app::{AppError, Resource};
use crate::files::Content;

/// The authenticated caller, or `None` for a valid signed link.
async fn reader(state: &AppState, link_path: &str, request: Request) -> AcResult<Option<Actor>> {
    let (mut parts, _) = request.into_parts();
    let query = parts.uri.query().map(str::to_string);
    let signed =
        parse_query(query.as_deref().unwrap_or("")).is_ok_and(|q| q.contains_key("signature"));
    if signed {
        authorise(state, link_path, query.as_deref())?;
        return Ok(None);
    }
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    Ok(Some(caller.actor))
}

fn split(file: &str, ext: &str) -> AcResult<String> {
    file.strip_suffix(ext)
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .map(|u| u.to_string())
        .ok_or_else(|| AcError::from(AppError::NotFound(Resource::File)))
}

/// A file this server made (an output, an export), as a download.
fn serve(content_type: &str, disposition: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, max-age=300".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /files/uploads/{id}.{ext}`.
#[tracing::instrument(skip_all, fields(file = %file))]
pub async fn upload(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> AcResult<Response> {
    let actor = reader(&state, &format!("/files/uploads/{file}"), request).await?;
    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let id = split(&file, &format!(".{ext}"))?;
    let (row, bytes) =
        crate::app::uploads::read(&state.store, &state.files, actor.as_ref(), &id).await?;
    // Typed by its bytes and named by that kind, whatever extension the path gives.
    let mut response = download(Content::Bytes(bytes), &row.id).await;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}

/// `GET /files/outputs/{verification_id}.json`: a verification's output as a JSON file.
#[tracing::instrument(skip_all, fields(file = %file))]
pub async fn output(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> AcResult<Response> {
    let link = format!("/files/outputs/{file}");
    let id = split(&file, ".json")?;
    let actor = reader(&state, &link, request).await?;
    let bytes =
        crate::app::verifications::read_output(&state.store, &state.files, actor.as_ref(), &id)
            .await?;
    Ok(serve(
        "application/json",
        attachment(&format!("output-{id}"), "json"),
        bytes,
    ))
}

/// `GET /files/exports/{result_id}.xlsx`: the result group as a spreadsheet.
#[tracing::instrument(skip_all, fields(file = %file))]
pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> AcResult<Response> {
    let link = format!("/files/exports/{file}");
    let id = split(&file, ".xlsx")?;
    let actor = reader(&state, &link, request).await?;
    let bytes =
        crate::app::verifications::export(&state.store, &state.files, actor.as_ref(), &id).await?;
    Ok(serve(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        attachment(&format!("verifications-{id}"), "xlsx"),
        bytes,
    ))
}
