//! `GET /api-keys`, `POST /api-keys/{id}/revoke`: a signed-in owner lists and revokes the
//! organisation's API keys.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::Caller;
use super::errors::AcResult;
use super::extract::parse_uuid;
use crate::api::AppState;
use crate::app::keys;
use crate::domain::api_keys::KeyState;
use crate::domain::time::format_iso;
use crate::store::orgs::ApiKeyRow;

// The answers keep the field order the surface has always written (alphabetical).

/// An API key of the organisation.
#[derive(Serialize, ToSchema)]
pub struct ApiKey {
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = Uuid)]
    id: String,
    /// The key's first characters (sat_test_… or sat_live_…); the key itself is shown once,
    /// when it is made.
    prefix: String,
    state: KeyState,
}

impl ApiKey {
    fn of(key: &ApiKeyRow) -> Self {
        ApiKey {
            created_at: format_iso(key.created_at),
            id: key.id.clone(),
            prefix: key.prefix.clone(),
            state: key.state,
        }
    }
}

/// The organisation's keys: `{items, total}`.
#[derive(Serialize, ToSchema)]
pub struct ApiKeyPage {
    items: Vec<ApiKey>,
    total: usize,
}

/// The organisation's keys, oldest first: `{total, items}`.
#[utoipa::path(
    get, path = "/api-keys", tag = "anycheck", operation_id = "listApiKeys",
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "{total, items}, oldest first", body = ApiKeyPage),
        (status = 403, description = "FORBIDDEN: not a signed-in owner (an API key or a group user)"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, caller: Caller) -> AcResult<Json<ApiKeyPage>> {
    let keys = keys::list(&state.store, &caller.actor).await?;
    Ok(Json(ApiKeyPage {
        items: keys.iter().map(ApiKey::of).collect(),
        total: keys.len(),
    }))
}

/// Revokes the key: refused from the next request on, for good.
#[utoipa::path(
    post, path = "/api-keys/{id}/revoke", tag = "anycheck", operation_id = "revokeApiKey",
    params(("id" = String, Path, format = Uuid)),
    security(("bearerJwt" = []), ("apiKey" = []), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "The key, revoked (refused from the next request; final)", body = ApiKey),
        (status = 400, description = "INVALID_ID"),
        (status = 403, description = "FORBIDDEN: not a signed-in owner (an API key or a group user)"),
        (status = 404, description = "No such key in the organisation"),
    )
)]
#[tracing::instrument(skip_all, fields(key_id = %id))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AcResult<Json<ApiKey>> {
    let id = parse_uuid(&id, "id")?;
    let key = keys::revoke(&state.store, &caller.actor, &id).await?;
    Ok(Json(ApiKey::of(&key)))
}
