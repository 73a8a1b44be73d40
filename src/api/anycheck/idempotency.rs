//! `Idempotency-Key` on the AnyCheck surface's POSTs (`common::idempotency` keeps and replays
//! the answers): the caller, a signed-in user or an API key, is authenticated first.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::auth::Caller;
use super::errors::AcError;
use crate::api::AppState;
use crate::api::common::HttpError;
use crate::api::common::idempotency::{Claimed, claimed_key, run};

/// The middleware for the AnyCheck routes: the caller (a signed-in user or an API key) is
/// authenticated first, and keys are scoped by who it is, so a user's key survives the hourly
/// change of their access token.
pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let key = match claimed_key(&request) {
        Claimed::None => return next.run(request).await,
        Claimed::Invalid => {
            return AcError::from(HttpError::IdempotencyKeyInvalid).into_response();
        }
        Claimed::Key(key) => key,
    };
    let (mut parts, body) = request.into_parts();
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let actor = &caller.actor;
    let who = actor
        .user_id
        .as_deref()
        .map(|u| format!("user:{u}"))
        .or_else(|| actor.api_key_id.as_deref().map(|k| format!("key:{k}")))
        .unwrap_or_default();
    let scope = hex::encode(Sha256::digest(format!("anycheck\0{}\0{who}", actor.org_id)));
    match run(state, scope, key, Request::from_parts(parts, body), next).await {
        Ok(response) => response,
        Err(error) => AcError::from(error).into_response(),
    }
}
