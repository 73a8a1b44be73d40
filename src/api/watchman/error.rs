//! The Watchman surface's one renderer: every error is `{"error": "<message>"}` (Watchman's
//! `ErrorResponse`). Watchman itself answers every failure with 400; the statuses here say more
//! (401/403 for credentials, 402 for credits, 404, 503 while the index is built, 500 internal),
//! with the same body.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::common::{HttpError, Surface};
use crate::app::AppError;

/// The Watchman surface.
pub struct Watchman;

#[derive(Serialize)]
struct ErrorResponse {
    error: String,
}

/// An error of the Watchman surface: a status and the message of its body.
#[derive(Debug)]
pub struct WatchmanError {
    pub status: StatusCode,
    pub message: String,
}

impl WatchmanError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        WatchmanError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl IntoResponse for WatchmanError {
    fn into_response(self) -> Response {
        (
            self.status,
            [("Access-Control-Allow-Origin", "*")],
            Json(ErrorResponse {
                error: self.message,
            }),
        )
            .into_response()
    }
}

impl From<HttpError> for WatchmanError {
    fn from(error: HttpError) -> Self {
        let (status, message): (StatusCode, String) = match error {
            HttpError::MissingCredentials => (
                StatusCode::UNAUTHORIZED,
                "missing Authorization: Bearer <API key>".into(),
            ),
            HttpError::MalformedCredentials => (
                StatusCode::UNAUTHORIZED,
                "malformed Authorization header (expected: Bearer <API key>)".into(),
            ),
            HttpError::UnknownKey => (StatusCode::UNAUTHORIZED, "unknown API key".into()),
            HttpError::KeyRevoked => (StatusCode::FORBIDDEN, "API key revoked".into()),
            HttpError::KeyInactive => (StatusCode::FORBIDDEN, "API key inactive".into()),
            HttpError::RouteNotFound => (StatusCode::NOT_FOUND, "not found".into()),
            HttpError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "method not allowed".into())
            }
            HttpError::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "request too large".into())
            }
            HttpError::BodyUnreadable => (
                StatusCode::BAD_REQUEST,
                "request body could not be read".into(),
            ),
            HttpError::MalformedRequest => (
                StatusCode::BAD_REQUEST,
                "request could not be parsed".into(),
            ),
            HttpError::UriTooLong => (StatusCode::URI_TOO_LONG, "request URI too long".into()),
            HttpError::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "request headers too large".into(),
            ),
            HttpError::IdempotencyMismatch => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Idempotency-Key already used with a different request".into(),
            ),
            HttpError::IdempotencyInFlight => (
                StatusCode::CONFLICT,
                "a request with this Idempotency-Key is in progress".into(),
            ),
            HttpError::IdempotencyKeyInvalid => {
                (StatusCode::BAD_REQUEST, "invalid Idempotency-Key".into())
            }
            HttpError::LinkInvalid => (StatusCode::FORBIDDEN, "invalid or expired link".into()),
            HttpError::Timeout => (StatusCode::REQUEST_TIMEOUT, "request timed out".into()),
            HttpError::App(error) => return error.into(),
        };
        WatchmanError { status, message }
    }
}

impl From<AppError> for WatchmanError {
    fn from(error: AppError) -> Self {
        let (status, message) = match error {
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not found".to_string()),
            AppError::Invalid { message, .. } => (StatusCode::BAD_REQUEST, message),
            AppError::InvalidFields(issues) => (
                StatusCode::BAD_REQUEST,
                issues
                    .iter()
                    .map(|i| format!("{}: {}", i.field, i.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            AppError::AlreadyExists(message) => (StatusCode::CONFLICT, message),
            AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthorized".to_string()),
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, message),
            AppError::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests".to_string(),
            ),
            AppError::InsufficientCredits {
                required,
                remaining,
            } => (
                StatusCode::PAYMENT_REQUIRED,
                format!("insufficient credits: {required} required, {remaining} remaining"),
            ),
            AppError::Conflict(message) => (StatusCode::CONFLICT, message),
            AppError::NotReady(message) => (StatusCode::SERVICE_UNAVAILABLE, message.to_string()),
            AppError::UpstreamUnavailable(message) => {
                (StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_string(),
                )
            }
        };
        WatchmanError { status, message }
    }
}

impl From<crate::store::StoreError> for WatchmanError {
    fn from(error: crate::store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl Surface for Watchman {
    fn render(error: HttpError) -> Response {
        WatchmanError::from(error).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_error_is_an_error_response_body() {
        for (error, status) in [
            (HttpError::MissingCredentials, 401),
            (HttpError::App(AppError::NotReady("building")), 503),
            (
                HttpError::App(AppError::InsufficientCredits {
                    required: 1,
                    remaining: 0,
                }),
                402,
            ),
            (HttpError::App(AppError::invalid("minMatch", "bad")), 400),
        ] {
            let response = Watchman::render(error);
            assert_eq!(response.status().as_u16(), status);
            let body = axum::body::to_bytes(response.into_body(), 1 << 16)
                .await
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(json.as_object().unwrap().len(), 1, "{json}");
            assert!(json["error"].is_string());
        }
    }
}
