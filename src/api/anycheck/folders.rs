//! `POST /folders`, `GET /folders/{id}`, `GET /groups/{group_id}/folders`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::{AcError, AcResult};
use super::extract::{AcJson, Query, parse_uuid};
use crate::api::AppState;
use crate::app::folders;
use crate::domain::time::format_iso;
use crate::store::folders::{FolderFilter, FolderRow};

pub fn folder_json(folder: &FolderRow) -> Value {
    json!({
        "id": folder.id,
        "group": {"id": folder.group_id, "name": folder.group_name},
        "name": folder.name,
        "is_starred": folder.is_starred,
        "total_service": folder.total_service,
        "total_result": folder.total_result,
        "created_at": format_iso(folder.created_at),
        "created_by": folder.created_by,
        "updated_at": format_iso(folder.updated_at),
        "updated_by": folder.updated_by,
    })
}

/// `{name, group_id?}` → the new folder (in the caller's group unless `group_id` names one).
#[utoipa::path(post, path = "/folders", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    AcJson(body): AcJson<Value>,
) -> AcResult<(StatusCode, Json<Value>)> {
    let name = match body.get("name") {
        Some(Value::String(name)) => name.as_str(),
        None | Some(Value::Null) => return Err(AcError::request("name", "is required")),
        Some(_) => return Err(AcError::value("name", "must be a string")),
    };
    let group_id = match body.get("group_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(parse_uuid(id, "group_id")?),
        Some(_) => return Err(AcError::id("group_id")),
    };
    let folder = folders::create(&state.store, &caller.actor, group_id.as_deref(), name).await?;
    Ok((StatusCode::CREATED, Json(folder_json(&folder))))
}

/// The folder, if it is the caller's organisation's (404) in a group the caller reaches (403).
#[utoipa::path(get, path = "/folders/{id}", tag = "anycheck", params(("id" = String, Path)))]
#[tracing::instrument(skip_all, fields(folder_id = %id))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let folder = folders::reachable(&state.store, &caller.actor, &id).await?;
    Ok(Json(folder_json(&folder)))
}

/// `?page_size=&page_offset=&search=` → `{total, items}`.
#[utoipa::path(
    get, path = "/groups/{group_id}/folders", tag = "anycheck",
    params(("group_id" = String, Path), ("page_size" = Option<i64>, Query), ("page_offset" = Option<i64>, Query), ("search" = Option<String>, Query))
)]
#[tracing::instrument(skip_all, fields(group_id = %group_id))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    query: Query,
) -> AcResult<Json<Value>> {
    let group_id = parse_uuid(&group_id, "group_id")?;
    let limit = query.integer("page_size", 10, 1, 100)?;
    let offset = query.integer("page_offset", 0, 0, i64::MAX)?;
    let search = query.get("search");
    if search.is_some_and(|s| s.chars().count() > 100) {
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
    Ok(Json(json!({
        "total": total,
        "items": rows.iter().map(folder_json).collect::<Vec<_>>(),
    })))
}
