//! `GET /api-keys`, `POST /api-keys/{id}/revoke`: a signed-in owner lists and revokes the
//! organisation's API keys.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::AcResult;
use super::extract::parse_uuid;
use crate::api::AppState;
use crate::app::keys;
use crate::domain::time::format_iso;
use crate::store::orgs::ApiKeyRow;

fn key_json(key: &ApiKeyRow) -> Value {
    json!({
        "id": key.id,
        "prefix": key.prefix,
        "state": key.state,
        "created_at": format_iso(key.created_at),
    })
}

/// The organisation's keys, oldest first: `{total, items}`.
#[utoipa::path(get, path = "/api-keys", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> AcResult<Json<Value>> {
    let keys = keys::list(&state.store, &caller.actor).await?;
    Ok(Json(json!({
        "total": keys.len(),
        "items": keys.iter().map(key_json).collect::<Vec<_>>(),
    })))
}

/// Revokes the key: refused from the next request on, for good.
#[utoipa::path(post, path = "/api-keys/{id}/revoke", tag = "anycheck", params(("id" = String, Path)))]
#[tracing::instrument(skip_all, fields(key_id = %id))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<Value>> {
    let id = parse_uuid(&id, "id")?;
    let key = keys::revoke(&state.store, &caller.actor, &id).await?;
    Ok(Json(key_json(&key)))
}
