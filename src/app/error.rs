//! The one error of the application layer. Every business operation returns it; each API surface
//! renders it in its own body, in one module (`api/<surface>/…`), so no handler maps statuses by
//! hand.

use crate::domain::FieldIssue;
use crate::domain::ratelimit::Exceeded;
use crate::store::StoreError;

/// What a request names that may not exist (or belongs to another tenant: the same answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Case,
    Report,
    GstRequest,
    WebhookEvent,
    File,
    Verification,
    Folder,
    Group,
    ResultGroup,
    Service,
    ScreeningSubject,
    ApiKey,
}

/// Why a caller could not be authenticated (beyond API keys, which the shared HTTP code checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// Unknown e-mail or wrong password (the same answer for both).
    InvalidCredentials,
    TokenExpired,
    /// Malformed, tampered, revoked or rotated token.
    InvalidToken,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0:?} not found")]
    NotFound(Resource),
    /// The request is well-formed but a value breaks a rule; `message` says which and why.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    /// Several fields break rules; each issue names its field.
    #[error("invalid request: {0:?}")]
    InvalidFields(Vec<FieldIssue>),
    /// The thing to create exists already (a folder of that name in the group).
    #[error("already exists: {0}")]
    AlreadyExists(String),
    #[error("not authenticated: {0:?}")]
    Unauthenticated(AuthFailure),
    /// Authenticated, but not allowed to do this (a disabled user, another group's folder).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many attempts; try again after the window resets.
    #[error("rate limited until {}", .0.reset_at)]
    RateLimited(Exceeded),
    #[error("insufficient credits: {required} required, {remaining} remaining")]
    InsufficientCredits { required: i64, remaining: i64 },
    /// The resource is not in a state that allows the operation.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The service cannot answer yet (the screening index is still being built); `0` is a
    /// client-safe sentence. Retrying later helps.
    #[error("not ready: {0}")]
    NotReady(&'static str),
    /// An upstream source could not be reached; `0` is a client-safe sentence.
    #[error("upstream unavailable: {0}")]
    UpstreamUnavailable(&'static str),
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::Internal(error.into())
    }
}

impl From<crate::domain::credits::Insufficient> for AppError {
    fn from(short: crate::domain::credits::Insufficient) -> Self {
        AppError::InsufficientCredits {
            required: short.required,
            remaining: short.remaining,
        }
    }
}
