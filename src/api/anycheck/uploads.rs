//! `POST /uploads`: multipart `file_category`, `files[]` and optional `file_passwords[]`.

use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::{AcError, AcResult, ErrorCode};
use crate::api::AppState;
use crate::app::uploads::{self, IncomingFile, link_path};
use crate::domain::FieldIssue;
use crate::domain::verifications::FileCategory;
use crate::files::spool::SpoolWriter;

fn multipart_error(status: StatusCode) -> AcError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AcError::new(ErrorCode::InvalidRequest, "The request body is too large.")
            .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        AcError::new(
            ErrorCode::InvalidRequest,
            "The body must be multipart/form-data with file_category and files[].",
        )
    }
}

fn too_large(index: usize, limit: usize) -> AcError {
    let mb = limit as f64 / (1024.0 * 1024.0);
    let message = format!("is larger than the {mb:.0} MB limit");
    AcError::new(
        ErrorCode::InvalidRequest,
        format!("files[{index}] {message}."),
    )
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    .with_errors(vec![FieldIssue::new(format!("files[{index}]"), message)])
}

/// Stores the files; each is recognised by its content and the answer lists their paths (to
/// name in a verification's configuration), signed links and page counts.
#[utoipa::path(post, path = "/uploads", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> AcResult<(StatusCode, Json<Value>)> {
    let mut multipart = multipart.map_err(|e| multipart_error(e.status()))?;
    let limit = state.config.upload_max_file_bytes;
    let max_files = state.config.upload_max_files.max(1);
    let mut category = None;
    let mut files: Vec<IncomingFile> = Vec::new();
    let mut passwords: Vec<String> = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e.status()))?
    {
        match field.name().unwrap_or("") {
            "file_category" => {
                category = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| multipart_error(e.status()))?,
                );
            }
            "file_passwords[]" | "file_passwords" => passwords.push(
                field
                    .text()
                    .await
                    .map_err(|e| multipart_error(e.status()))?,
            ),
            "files[]" | "files" => {
                let index = files.len();
                if index >= max_files {
                    return Err(AcError::value(
                        "files[]",
                        format!("may hold at most {max_files} files"),
                    ));
                }
                let name = field.file_name().unwrap_or("").to_string();
                // Written to disk as it arrives: only a chunk at a time is in memory.
                let mut spool = SpoolWriter::new().map_err(AcError::internal)?;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| multipart_error(e.status()))?
                {
                    if spool.size() as usize + chunk.len() > limit {
                        return Err(too_large(index, limit));
                    }
                    spool.write(&chunk).await.map_err(AcError::internal)?;
                }
                files.push(IncomingFile {
                    name,
                    spooled: spool.finish().await.map_err(AcError::internal)?,
                    password: None,
                });
            }
            _ => {}
        }
    }
    let category = match category.as_deref().map(str::trim) {
        None | Some("") => return Err(AcError::request("file_category", "is required")),
        Some(raw) => FileCategory::parse(raw).ok_or_else(|| {
            AcError::value(
                "file_category",
                "must be VERIFICATION_INPUT_FILE or PROFILE_PICTURE",
            )
        })?,
    };
    if files.is_empty() {
        return Err(AcError::request("files[]", "is required"));
    }
    if passwords.len() > files.len() {
        return Err(AcError::value(
            "file_passwords[]",
            "may not hold more entries than files[]",
        ));
    }
    for (file, password) in files.iter_mut().zip(passwords) {
        file.password = Some(password).filter(|p| !p.is_empty());
    }
    let uploaded = uploads::upload(
        &state.store,
        &state.files,
        &state.upload_budget,
        &state.vault,
        &caller.actor,
        category,
        files,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "object_id": uploaded.object_id,
            "file_category": uploaded.file_category,
            "files": uploaded.files.iter().map(|f| json!({
                "path": f.path,
                "url": state.links.url(&link_path(&f.id, f.kind)),
                "page_count": f.page_count,
            })).collect::<Vec<_>>(),
        })),
    ))
}
