//! `POST /uploads`: multipart `file_category`, `files[]` and optional `file_passwords[]`.

use axum::Json;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{
    ArrayBuilder, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{KnownFormat, RefOr};

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

fn files_schema() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))),
        )
        .description(Some("JPEG, PNG or PDF, by content."))
        .into()
}

fn passwords_schema() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(SchemaType::new(Type::String)))
        .description(Some(
            "Passwords of encrypted PDFs, in the order of files[].",
        ))
        .into()
}

/// The form of `POST /uploads` (read part by part as it arrives, not deserialised).
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the form; the parts are read by hand below.
pub struct UploadForm {
    file_category: FileCategory,
    #[serde(rename = "files[]")]
    #[schema(schema_with = files_schema, required = true)]
    files: Vec<String>,
    #[serde(rename = "file_passwords[]")]
    #[schema(schema_with = passwords_schema)]
    file_passwords: Option<Vec<String>>,
}

// The answer keeps the field order the surface has always written (alphabetical).

/// One stored file.
#[derive(Serialize, ToSchema)]
pub struct UploadedFile {
    page_count: i64,
    /// The path to name the file by in a verification's configuration.
    path: String,
    /// A signed link to the file.
    url: String,
}

/// The files stored by one upload.
#[derive(Serialize, ToSchema)]
pub struct Upload {
    file_category: FileCategory,
    files: Vec<UploadedFile>,
    object_id: String,
}

/// Stores the files; each is recognised by its content and the answer lists their paths (to
/// name in a verification's configuration), signed links and page counts.
#[utoipa::path(
    post, path = "/uploads", tag = "anycheck", operation_id = "upload",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Upload),
        (status = 400, description = "Invalid form or file"),
        (status = 413, description = "A file or the body is too large"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, MultipartRejection>,
) -> AcResult<(StatusCode, Json<Upload>)> {
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
        Json(Upload {
            file_category: uploaded.file_category,
            files: uploaded
                .files
                .iter()
                .map(|f| UploadedFile {
                    page_count: f.page_count,
                    path: f.path.clone(),
                    url: state.links.url(&link_path(&f.id, f.kind)),
                })
                .collect(),
            object_id: uploaded.object_id,
        }),
    ))
}
