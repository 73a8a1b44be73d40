//! Sessions: `POST /auth/login`, `POST /auth/refresh`, `GET /auth/methods`, `GET /profile`.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::auth::Caller;
use super::errors::{AcError, AcResult};
use super::extract::{AcJson, ClientAddress};
use crate::api::AppState;
use crate::app::auth::{self, TokenPair};
use crate::domain::FieldIssue;
use crate::domain::time::format_iso;
use crate::domain::users::Role;

/// Required string fields of a JSON object, every missing one reported.
fn required<'a>(body: &'a Value, fields: &[&str]) -> Result<Vec<&'a str>, AcError> {
    let mut values = Vec::new();
    let mut issues = Vec::new();
    for field in fields {
        match body.get(*field) {
            Some(Value::String(s)) if !s.is_empty() => values.push(s.as_str()),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                issues.push(FieldIssue::new(*field, "is required"))
            }
            Some(_) => issues.push(FieldIssue::new(*field, "must be a string")),
        }
    }
    if !body.is_object() {
        return Err(AcError::new(
            super::errors::ErrorCode::InvalidRequest,
            "The request body must be a JSON object.",
        ));
    }
    if issues.is_empty() {
        Ok(values)
    } else {
        Err(AcError::new(
            super::errors::ErrorCode::InvalidRequest,
            "Required fields are missing; see errors.",
        )
        .with_errors(issues))
    }
}

/// `{email, password}` → `{access_token, refresh_token, expires_in}`.
#[utoipa::path(post, path = "/auth/login", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    AcJson(body): AcJson<Value>,
) -> AcResult<Json<TokenPair>> {
    let fields = required(&body, &["email", "password"])?;
    let pair = auth::login(
        &state.store,
        &state.tokens,
        &state.login_limiter,
        fields[0],
        fields[1],
        &address,
    )
    .await?;
    Ok(Json(pair))
}

/// `{refresh_token}` → a new pair; the token given is spent.
#[utoipa::path(post, path = "/auth/refresh", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    State(state): State<AppState>,
    AcJson(body): AcJson<Value>,
) -> AcResult<Json<TokenPair>> {
    let fields = required(&body, &["refresh_token"])?;
    Ok(Json(
        auth::refresh(&state.store, &state.tokens, fields[0]).await?,
    ))
}

/// The sign-in methods: passwords only (single sign-on is not offered).
#[utoipa::path(get, path = "/auth/methods", tag = "anycheck")]
pub async fn methods() -> Json<Value> {
    Json(json!({
        "PASSWORD": {"enabled": true},
        "ENTRA": {"enabled": false, "tenant_id": null, "client_id": null, "authority_url": null},
        "LDAP": {"enabled": false, "url": null},
    }))
}

/// The caller: the user (or the API key's organisation), its role, groups and balance.
#[utoipa::path(get, path = "/profile", tag = "anycheck")]
#[tracing::instrument(skip_all)]
pub async fn profile(State(state): State<AppState>, caller: Caller) -> AcResult<Json<Value>> {
    let user_id = caller.user.as_ref().map(|u| u.id.as_str());
    let (org, groups) = auth::profile(&state.store, caller.org_id(), user_id).await?;
    let created_at = format_iso(
        caller
            .user
            .as_ref()
            .map_or(org.created_at, |u| u.created_at),
    );
    Ok(Json(json!({
        "id": caller.user.as_ref().map(|u| u.id.as_str()),
        "email": caller.user.as_ref().map(|u| u.email.as_str()),
        "name": caller.user.as_ref().map(|u| u.name.as_str()),
        "role": caller.user.as_ref().map(|u| u.role).unwrap_or(Role::Owner),
        "auth_type": if caller.user.is_some() { "PASSWORD" } else { "API_KEY" },
        "api_key_id": caller.actor.api_key_id,
        "organization": {"id": org.id, "name": org.name, "credit_balance": org.credits},
        "groups": groups.iter().map(|g| json!({"id": g.id, "name": g.name})).collect::<Vec<_>>(),
        "created_at": created_at,
    })))
}
