//! `POST /folders`, `GET /folders/{id}`, `GET /groups/{group_id}/folders`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use super::auth::Caller;
use super::errors::{AcError, AcResult};
use super::extract::{AcBody, Query, optional_uuid_schema, parse_uuid};
use super::session::IdName;
use crate::api::AppState;
use crate::api::common::fields::{Given, Scalar, Text, rule};
use crate::app::folders;
use crate::domain::time::format_iso;
use crate::store::folders::{FolderFilter, FolderRow};

/// The body of `POST /folders`.
#[derive(Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateFolderRequest {
    /// The folder's name (the app applies its rule).
    #[schema(schema_with = Text::<rule::FolderName>::schema, required = true)]
    name: Given,
    /// The group to create it in; the caller's own group when absent.
    #[schema(schema_with = optional_uuid_schema)]
    group_id: Given,
}

/// A folder to create, as the app takes it.
struct NewFolder<'a> {
    name: &'a str,
    group_id: Option<String>,
}

impl CreateFolderRequest {
    fn validate(&self) -> AcResult<NewFolder<'_>> {
        let name = match &self.name.0 {
            Some(Scalar::Str(name)) => name.as_str(),
            None | Some(Scalar::Null) => return Err(AcError::request("name", "is required")),
            Some(_) => return Err(AcError::value("name", "must be a string")),
        };
        let group_id = match &self.group_id.0 {
            None | Some(Scalar::Null) => None,
            Some(Scalar::Str(id)) => Some(parse_uuid(id, "group_id")?),
            Some(_) => return Err(AcError::id("group_id")),
        };
        Ok(NewFolder { name, group_id })
    }
}

// The answers keep the field order the surface has always written (alphabetical).

/// A folder of verifications, in a group.
#[derive(Serialize, ToSchema)]
pub struct Folder {
    created_at: String,
    created_by: String,
    group: IdName,
    #[schema(format = Uuid)]
    id: String,
    is_starred: bool,
    name: String,
    total_result: i64,
    total_service: i64,
    updated_at: String,
    updated_by: String,
}

impl Folder {
    fn of(folder: &FolderRow) -> Self {
        Folder {
            created_at: format_iso(folder.created_at),
            created_by: folder.created_by.clone(),
            group: IdName {
                id: folder.group_id.clone(),
                name: folder.group_name.clone(),
            },
            id: folder.id.clone(),
            is_starred: folder.is_starred,
            name: folder.name.clone(),
            total_result: folder.total_result,
            total_service: folder.total_service,
            updated_at: format_iso(folder.updated_at),
            updated_by: folder.updated_by.clone(),
        }
    }
}

/// A page of a group's folders: `{items, total}`.
#[derive(Serialize, ToSchema)]
pub struct FolderPage {
    items: Vec<Folder>,
    total: i64,
}

/// `{name, group_id?}` → the new folder (in the caller's group unless `group_id` names one).
#[utoipa::path(
    post, path = "/folders", tag = "anycheck", operation_id = "createFolder",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    request_body(content = CreateFolderRequest, example = json!({ "name": "October hires" })),
    responses(
        (status = 201, description = "Created", body = Folder),
        (status = 400, description = "Invalid name or group_id"),
        (status = 403, description = "Not a member of the group"),
        (status = 404, description = "No such group"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    AcBody(body): AcBody<CreateFolderRequest>,
) -> AcResult<(StatusCode, Json<Folder>)> {
    // A body that is not an object has no name (as this operation has always answered).
    let body = body.unwrap_or_default();
    let new = body.validate()?;
    let folder = folders::create(
        &state.store,
        &caller.actor,
        new.group_id.as_deref(),
        new.name,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Folder::of(&folder))))
}

/// The folder, if it is the caller's organisation's (404) in a group the caller reaches (403).
#[utoipa::path(
    get, path = "/folders/{id}", tag = "anycheck", operation_id = "getFolder",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The folder", body = Folder),
        (status = 400, description = "INVALID_ID"),
        (status = 403, description = "Not a member of the folder's group"),
        (status = 404, description = "No such folder"),
    )
)]
#[tracing::instrument(skip_all, fields(folder_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<Folder>> {
    let id = parse_uuid(&id, "id")?;
    let folder = folders::reachable(&state.store, &caller.actor, &id).await?;
    Ok(Json(Folder::of(&folder)))
}

/// The longest `search` a folder listing takes.
const MAX_SEARCH_CHARS: usize = 100;

/// `?page_size=&page_offset=&search=` → `{total, items}`.
#[utoipa::path(
    get, path = "/groups/{group_id}/folders", tag = "anycheck", operation_id = "listFolders",
    params(
        ("group_id" = String, Path, format = Uuid),
        ("page_size" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Default 10."),
        ("page_offset" = Option<i64>, Query, minimum = 0, description = "Default 0."),
        ("search" = Option<String>, Query, max_length = 100, description = "Part of the folder's name."),
    ),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "{total, items}", body = FolderPage),
        (status = 400, description = "INVALID_ID or a paging value"),
        (status = 403, description = "Not a member of the group"),
        (status = 404, description = "No such group"),
    )
)]
#[tracing::instrument(skip_all, fields(group_id = %group_id))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    query: Query,
) -> AcResult<Json<FolderPage>> {
    let group_id = parse_uuid(&group_id, "group_id")?;
    let limit = query.integer("page_size", 10, 1, 100)?;
    let offset = query.integer("page_offset", 0, 0, i64::MAX)?;
    let search = query.get("search");
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS) {
        return Err(AcError::value("search", "must be at most 100 characters"));
    }
    let (rows, total) = folders::list(
        &state.store,
        &caller.actor,
        &group_id,
        &FolderFilter {
            search,
            offset,
            limit,
        },
    )
    .await?;
    Ok(Json(FolderPage {
        items: rows.iter().map(Folder::of).collect(),
        total,
    }))
}
