//! `Idempotency-Key` on every POST: the first response to a key is kept (24 h by default); a retry
//! with the same key and the same request gets it back, marked `Idempotent-Replayed: true`,
//! without the handler running again. The same key with a different request answers 422.
//!
//! Keys are scoped by the caller's credential, so two tenants can use the same key. Responses
//! that did no work — 401/402/403, 409, 429 and 5xx — are not kept, so a retry after fixing the
//! cause (topping up credits, say) runs normally.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::{HttpError, Surface};
use crate::api::AppState;
use crate::app::AppError;
use crate::app::idempotency::{self, IdemBegin};

pub const HEADER: &str = "idempotency-key";

/// The middleware for the KonnectNXT routes (errors rendered by `S`): keys are scoped by the
/// API key sent.
pub async fn middleware<S: Surface>(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let key = match claimed_key(&request) {
        Claimed::None => return next.run(request).await,
        Claimed::Invalid => return S::render(HttpError::IdempotencyKeyInvalid),
        Claimed::Key(key) => key,
    };
    // Only an active key may have a kept answer replayed: authentication runs first, so a key
    // revoked or deactivated since gets its 401/403, never the stored data.
    if let Err(error) = super::auth::authenticate(&state, request.headers()).await {
        return S::render(error);
    }
    let credential = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let scope = hex::encode(Sha256::digest(&credential));
    match run(state, scope, key, request, next).await {
        Ok(response) => response,
        Err(error) => S::render(error),
    }
}

pub(crate) enum Claimed {
    None,
    Invalid,
    Key(String),
}

/// The key a POST names, if any.
pub(crate) fn claimed_key(request: &Request) -> Claimed {
    if request.method() != Method::POST {
        return Claimed::None;
    }
    match request.headers().get(HEADER).map(|k| k.to_str()) {
        None => Claimed::None,
        Some(Ok(k)) if !k.trim().is_empty() && k.len() <= 255 => Claimed::Key(k.trim().to_string()),
        Some(_) => Claimed::Invalid,
    }
}

/// Replays the kept answer to (`scope`, `key`), or runs the request and keeps its answer.
pub(crate) async fn run(
    state: AppState,
    scope: String,
    key: String,
    request: Request,
    next: Next,
) -> Result<Response, HttpError> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| HttpError::PayloadTooLarge)?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(""));
    hasher.update([0]);
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());
    let ttl_ms = i64::try_from(state.config.idempotency_ttl_hours)
        .unwrap_or(24)
        .saturating_mul(3_600_000);

    match idempotency::begin(&state.store, &scope, &key, &request_hash, ttl_ms).await? {
        IdemBegin::Replay { status, body } => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(response)
        }
        IdemBegin::InFlight => Err(HttpError::IdempotencyInFlight),
        IdemBegin::Mismatch => Err(HttpError::IdempotencyMismatch),
        IdemBegin::New => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let status = response.status();
            if !worth_keeping(status) {
                idempotency::abandon(&state.store, &scope, &key).await?;
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .map_err(AppError::internal)?;
            let text = String::from_utf8_lossy(&bytes);
            idempotency::finish(&state.store, &scope, &key, status.as_u16(), &text).await?;
            Ok(Response::from_parts(parts, Body::from(bytes)))
        }
    }
}

fn worth_keeping(status: StatusCode) -> bool {
    !(status.is_server_error()
        || matches!(
            status,
            StatusCode::UNAUTHORIZED
                | StatusCode::PAYMENT_REQUIRED
                | StatusCode::FORBIDDEN
                | StatusCode::CONFLICT
                | StatusCode::TOO_MANY_REQUESTS
        ))
}
