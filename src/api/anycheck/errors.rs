//! The AnyCheck error body `{error_code, message, errors: [{field, message}]}` and the one place
//! where every error of the AnyCheck surface becomes a status code and a body — framework
//! rejections (malformed JSON, 404, 405, 413) included. Internal causes are logged here with the
//! request's span and never sent.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::common::{HttpError, Rejection, Surface};
use crate::app::{AppError, AuthFailure, Resource};
use crate::domain::FieldIssue;
use crate::domain::ratelimit::Exceeded;

/// The vendor's error codes, each with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    InvalidId,
    InvalidValue,
    AlreadyExists,
    Unauthorized,
    InvalidCredentials,
    TokenExpired,
    ApiKeyExpired,
    InvalidToken,
    InvalidApiKey,
    Forbidden,
    InsufficientBalance,
    NotFound,
    RequestTimeout,
    QuotaExceeded,
    InternalServerError,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidId,
        ErrorCode::InvalidValue,
        ErrorCode::AlreadyExists,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidCredentials,
        ErrorCode::TokenExpired,
        ErrorCode::ApiKeyExpired,
        ErrorCode::InvalidToken,
        ErrorCode::InvalidApiKey,
        ErrorCode::Forbidden,
        ErrorCode::InsufficientBalance,
        ErrorCode::NotFound,
        ErrorCode::RequestTimeout,
        ErrorCode::QuotaExceeded,
        ErrorCode::InternalServerError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "INVALID_REQUEST",
            ErrorCode::InvalidId => "INVALID_ID",
            ErrorCode::InvalidValue => "INVALID_VALUE",
            ErrorCode::AlreadyExists => "ALREADY_EXISTS",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::ApiKeyExpired => "API_KEY_EXPIRED",
            ErrorCode::InvalidToken => "INVALID_TOKEN",
            ErrorCode::InvalidApiKey => "INVALID_API_KEY",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::InsufficientBalance => "INSUFFICIENT_BALANCE",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::RequestTimeout => "REQUEST_TIMEOUT",
            ErrorCode::QuotaExceeded => "QUOTA_EXCEEDED",
            ErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The documented status of each code.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidRequest
            | ErrorCode::InvalidId
            | ErrorCode::InvalidValue
            | ErrorCode::AlreadyExists => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized
            | ErrorCode::InvalidCredentials
            | ErrorCode::TokenExpired
            | ErrorCode::ApiKeyExpired
            | ErrorCode::InvalidToken
            | ErrorCode::InvalidApiKey => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::InsufficientBalance => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error answer of the AnyCheck surface.
#[derive(Debug)]
pub struct AcError {
    pub code: ErrorCode,
    /// The code's status, except where HTTP has a more precise one the vendor names no code
    /// for (405, 413, 415: `INVALID_REQUEST`).
    pub status: StatusCode,
    pub message: String,
    pub errors: Vec<FieldIssue>,
    rate: Option<Exceeded>,
    cause: Option<anyhow::Error>,
}

impl AcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AcError {
            code,
            status: code.status(),
            message: message.into(),
            errors: Vec::new(),
            rate: None,
            cause: None,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldIssue>) -> Self {
        self.errors = errors;
        self
    }

    /// A 400 `INVALID_REQUEST` naming one field.
    pub fn request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AcError::new(ErrorCode::InvalidRequest, format!("{field} {message}."))
            .with_errors(vec![FieldIssue::new(field, message)])
    }

    /// A 400 `INVALID_VALUE` naming one field.
    pub fn value(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AcError::new(ErrorCode::InvalidValue, format!("{field} {message}."))
            .with_errors(vec![FieldIssue::new(field, message)])
    }

    /// A 400 `INVALID_ID`: `field` is not a well-formed id.
    pub fn id(field: &str) -> Self {
        AcError::new(ErrorCode::InvalidId, format!("{field} is not a valid id."))
            .with_errors(vec![FieldIssue::new(field, "must be a UUID")])
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = AcError::new(ErrorCode::InternalServerError, "Internal server error.");
        error.cause = Some(cause.into());
        error
    }
}

/// The AnyCheck surface: every shared failure leaves in its body.
pub struct AnyCheck;

impl Surface for AnyCheck {
    fn render(error: HttpError) -> Response {
        AcError::from(error).into_response()
    }
}

impl From<HttpError> for AcError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::MissingCredentials => AcError::new(
                ErrorCode::Unauthorized,
                "Authentication is required: send Authorization: Bearer <access token>, or X-API-Key.",
            ),
            HttpError::MalformedCredentials => AcError::new(
                ErrorCode::Unauthorized,
                "The Authorization header must be 'Bearer <access token>'.",
            ),
            HttpError::UnknownKey => {
                AcError::new(ErrorCode::InvalidApiKey, "The API key is invalid.")
            }
            HttpError::KeyRevoked => {
                AcError::new(ErrorCode::ApiKeyExpired, "The API key has been revoked.")
            }
            HttpError::KeyInactive => {
                AcError::new(ErrorCode::ApiKeyExpired, "The API key is inactive.")
            }
            HttpError::RouteNotFound => {
                AcError::new(ErrorCode::NotFound, "The requested resource was not found.")
            }
            HttpError::MethodNotAllowed => AcError::new(
                ErrorCode::InvalidRequest,
                "Method not allowed for this resource.",
            )
            .with_status(StatusCode::METHOD_NOT_ALLOWED),
            HttpError::PayloadTooLarge => {
                AcError::new(ErrorCode::InvalidRequest, "The request body is too large.")
                    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
            }
            HttpError::BodyUnreadable => AcError::new(
                ErrorCode::InvalidRequest,
                "The request body could not be read.",
            ),
            HttpError::MalformedRequest => AcError::new(
                ErrorCode::InvalidRequest,
                "The request could not be parsed.",
            ),
            HttpError::UriTooLong => {
                AcError::new(ErrorCode::InvalidRequest, "The request URI is too long.")
                    .with_status(StatusCode::URI_TOO_LONG)
            }
            HttpError::HeadersTooLarge => AcError::new(
                ErrorCode::InvalidRequest,
                "The request headers are too large.",
            )
            .with_status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
            HttpError::Timeout => AcError::new(
                ErrorCode::RequestTimeout,
                "The request took too long and was stopped.",
            ),
            HttpError::IdempotencyMismatch => AcError::new(
                ErrorCode::InvalidRequest,
                "Idempotency-Key has already been used with a different request.",
            )
            .with_status(StatusCode::UNPROCESSABLE_ENTITY),
            HttpError::IdempotencyInFlight => AcError::new(
                ErrorCode::InvalidRequest,
                "A request with this Idempotency-Key is still being processed.",
            )
            .with_status(StatusCode::CONFLICT),
            HttpError::IdempotencyKeyInvalid => AcError::new(
                ErrorCode::InvalidRequest,
                "Idempotency-Key must be between 1 and 255 printable characters.",
            ),
            HttpError::LinkInvalid => {
                AcError::new(ErrorCode::Forbidden, "This link is invalid or has expired.")
            }
            HttpError::App(error) => error.into(),
        }
    }
}

impl From<AppError> for AcError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(resource) => AcError::new(
                ErrorCode::NotFound,
                match resource {
                    Resource::Verification => "Verification not found.",
                    Resource::Folder => "Folder not found.",
                    Resource::Group => "Group not found.",
                    Resource::ResultGroup => "Result group not found.",
                    Resource::Service => "Service not found.",
                    Resource::File => "File not found.",
                    Resource::Case | Resource::Report => "Case not found.",
                    Resource::GstRequest => "Request not found.",
                    Resource::WebhookEvent => "Webhook event not found.",
                    Resource::ScreeningSubject => "Screening subject not found.",
                    Resource::ApiKey => "API key not found.",
                },
            ),
            AppError::Invalid { field, message } => AcError::value(&field, message),
            AppError::InvalidFields(issues) => AcError::new(
                ErrorCode::InvalidValue,
                match issues.as_slice() {
                    [one] => format!("{} {}.", one.field, one.message),
                    _ => format!("{} fields are invalid; see errors.", issues.len()),
                },
            )
            .with_errors(issues),
            AppError::InsufficientCredits {
                required,
                remaining,
            } => AcError::new(
                ErrorCode::InsufficientBalance,
                format!(
                    "Insufficient balance: {required} credits required, {remaining} available."
                ),
            ),
            AppError::Conflict(message) => AcError::new(ErrorCode::InvalidRequest, message),
            AppError::AlreadyExists(message) => AcError::new(ErrorCode::AlreadyExists, message),
            AppError::Unauthenticated(AuthFailure::InvalidCredentials) => AcError::new(
                ErrorCode::InvalidCredentials,
                "The e-mail or password is incorrect.",
            ),
            AppError::Unauthenticated(AuthFailure::TokenExpired) => {
                AcError::new(ErrorCode::TokenExpired, "The token has expired.")
            }
            AppError::Unauthenticated(AuthFailure::InvalidToken) => {
                AcError::new(ErrorCode::InvalidToken, "The token is invalid.")
            }
            AppError::Forbidden(message) => AcError::new(ErrorCode::Forbidden, message),
            AppError::RateLimited(exceeded) => {
                let mut error = AcError::new(
                    ErrorCode::QuotaExceeded,
                    "Too many attempts; try again after the time in X-RateLimit-Reset.",
                );
                error.rate = Some(exceeded);
                error
            }
            AppError::UpstreamUnavailable(message) => {
                AcError::new(ErrorCode::InternalServerError, message)
            }
            AppError::NotReady(message) => AcError::new(ErrorCode::InternalServerError, message)
                .with_status(StatusCode::SERVICE_UNAVAILABLE),
            AppError::Internal(cause) => AcError::internal(cause),
        }
    }
}

impl From<crate::store::StoreError> for AcError {
    fn from(error: crate::store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<Rejection<AnyCheck>> for AcError {
    fn from(rejection: Rejection<AnyCheck>) -> Self {
        rejection.error.into()
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error_code: &'static str,
    message: &'a str,
    errors: &'a [FieldIssue],
}

impl IntoResponse for AcError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(error = ?cause, "internal error");
        }
        let body = Body {
            error_code: self.code.as_str(),
            message: &self.message,
            errors: &self.errors,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(rate) = self.rate {
            let wait = (rate.reset_at - chrono::Utc::now().timestamp()).max(1);
            let headers = response.headers_mut();
            for (name, value) in [
                ("x-ratelimit-limit", rate.limit.to_string()),
                ("x-ratelimit-remaining", "0".to_string()),
                ("x-ratelimit-reset", rate.reset_at.to_string()),
            ] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            }
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

pub type AcResult<T> = Result<T, AcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_answer_with_their_documented_status() {
        assert_eq!(ErrorCode::InvalidId.status(), 400);
        assert_eq!(ErrorCode::ApiKeyExpired.status(), 401);
        assert_eq!(ErrorCode::InsufficientBalance.status(), 403);
        assert_eq!(ErrorCode::QuotaExceeded.status(), 429);
        assert_eq!(ErrorCode::RequestTimeout.status(), 408);
        let error = AcError::from(AppError::RateLimited(Exceeded {
            limit: 5,
            reset_at: 4_102_444_800,
        }));
        let response = error.into_response();
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()["x-ratelimit-limit"], "5");
        assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
        assert_eq!(response.headers()["x-ratelimit-reset"], "4102444800");
    }
}
