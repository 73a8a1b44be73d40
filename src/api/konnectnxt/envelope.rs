//! The KonnectNXT envelope `{status, code, message, data, …}` and the one place where every error
//! of the `/api/…` surface becomes a status code and a body. Internal causes are logged here with
//! the request's span (which carries its request id) and never sent to the client.

use std::borrow::Cow;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::common::{HttpError, Surface};
use crate::app::{AppError, Resource};

/// A successful answer. `credits_used`/`credits_remaining` and `errors: null` appear only on the
/// endpoints whose documented bodies carry them.
#[derive(Debug, Serialize)]
pub struct Envelope<T: Serialize> {
    pub status: &'static str,
    pub code: u16,
    /// The vendor's `success: true`, on the endpoints whose pages show it (the report download).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    pub message: Cow<'static, str>,
    pub data: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_used: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_remaining: Option<i64>,
    /// The same value as `credits_remaining`: the vendor's examples name it one way and its
    /// `Credits` schema the other, so both are sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_left: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<serde_json::Value>,
}

impl<T: Serialize> Envelope<T> {
    pub fn ok(message: impl Into<Cow<'static, str>>, data: T) -> Self {
        Envelope {
            status: "success",
            code: 200,
            success: None,
            message: message.into(),
            data,
            credits_used: None,
            credits_remaining: None,
            credits_left: None,
            errors: None,
        }
    }

    pub fn with_credits(mut self, used: i64, remaining: i64) -> Self {
        self.credits_used = Some(used);
        self.credits_remaining = Some(remaining);
        self.credits_left = Some(remaining);
        self
    }

    /// Adds `"success": true`, as the endpoints whose pages show it.
    pub fn with_success(mut self) -> Self {
        self.success = Some(true);
        self
    }

    /// Adds `"errors": null`, as the report endpoints document.
    pub fn with_null_errors(mut self) -> Self {
        self.errors = Some(serde_json::Value::Null);
        self
    }
}

/// The envelope's schema around `T`'s (named `<T>Envelope`): every field the type can send, the
/// four always sent required. (A generic body type gives its schema through `ComposeSchema`,
/// which utoipa's `PartialSchema` is implemented over.)
impl<T: Serialize + utoipa::ToSchema> utoipa::__dev::ComposeSchema for Envelope<T> {
    fn compose(
        _: Vec<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
    ) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let count = || {
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::Integer))
                .minimum(Some(0))
        };
        ObjectBuilder::new()
            .property(
                "status",
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(["success"])),
            )
            .property(
                "code",
                ObjectBuilder::new().schema_type(SchemaType::new(Type::Integer)),
            )
            .property(
                "success",
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Boolean))
                    .enum_values(Some([true])),
            )
            .property(
                "message",
                ObjectBuilder::new().schema_type(SchemaType::new(Type::String)),
            )
            .property("data", T::schema())
            .property("credits_used", count())
            .property("credits_remaining", count())
            .property("credits_left", count())
            .property(
                "errors",
                ObjectBuilder::new().schema_type(SchemaType::new(Type::Null)),
            )
            .required("status")
            .required("code")
            .required("message")
            .required("data")
            .into()
    }
}

impl<T: Serialize + utoipa::ToSchema> utoipa::ToSchema for Envelope<T> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("{}Envelope", T::name()))
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        // `data` is `T`'s schema inline; what it refers to is registered.
        T::schemas(schemas);
    }
}

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::OK);
        (status, Json(self)).into_response()
    }
}

/// Everything that can go wrong on the `/api/…` surface.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    #[error("missing bearer token")]
    MissingToken,
    #[error("malformed authorization header")]
    BadTokenFormat,
    #[error("unknown API key")]
    UnknownKey,
    #[error("revoked API key")]
    KeyRevoked,
    #[error("inactive API key")]
    KeyInactive,
    #[error("insufficient credits")]
    InsufficientCredits { required: i64, remaining: i64 },
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A 400 with a list of every problem found (`errors`).
    #[error("validation failed: {message}")]
    Validation {
        message: String,
        errors: serde_json::Value,
    },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("request URI too long")]
    UriTooLong,
    #[error("request headers too large")]
    HeadersTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("idempotency key reused with another body")]
    IdempotencyMismatch,
    #[error("invalid or expired signed link")]
    LinkInvalid,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("idempotency key in flight")]
    IdempotencyInFlight,
    #[error("idempotency key invalid")]
    IdempotencyKeyInvalid,
    #[error("too many requests")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// The service cannot answer yet: a 503 that says so.
    #[error("service unavailable: {0}")]
    ServiceUnavailable(&'static str),
    /// An upstream source could not be reached: a 500 that says so, with no internals.
    #[error("source unavailable: {0}")]
    SourceUnavailable(&'static str),
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

/// An error answer: the kind, plus the credit fields on endpoints whose error bodies carry them.
#[derive(Debug)]
pub struct ApiError {
    pub kind: ErrorKind,
    credits: Option<(i64, i64)>,
}

impl ApiError {
    pub fn with_credits(mut self, used: i64, remaining: i64) -> Self {
        self.credits = Some((used, remaining));
        self
    }

    /// This error with the organisation's credit fields (none used, its balance remaining): the
    /// one place a KonnectNXT error looks the balance up. A failed look-up is the error instead.
    pub async fn with_balance(self, state: &crate::api::AppState, org_id: &str) -> Self {
        match crate::app::credits::balance(&state.store, org_id).await {
            Ok(remaining) => self.with_credits(0, remaining),
            Err(error) => error.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ErrorKind::BadRequest(message.into()).into()
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ErrorKind::NotFound(message.into()).into()
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ErrorKind::Internal(error.into()).into()
    }

    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match &self.kind {
            ErrorKind::MissingToken | ErrorKind::BadTokenFormat | ErrorKind::UnknownKey => {
                StatusCode::UNAUTHORIZED
            }
            ErrorKind::KeyRevoked
            | ErrorKind::KeyInactive
            | ErrorKind::LinkInvalid
            | ErrorKind::Forbidden(_) => StatusCode::FORBIDDEN,
            ErrorKind::InsufficientCredits { .. } => StatusCode::PAYMENT_REQUIRED,
            ErrorKind::BadRequest(_)
            | ErrorKind::Validation { .. }
            | ErrorKind::IdempotencyKeyInvalid => StatusCode::BAD_REQUEST,
            ErrorKind::NotFound(_) | ErrorKind::RouteNotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UriTooLong => StatusCode::URI_TOO_LONG,
            ErrorKind::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::IdempotencyInFlight | ErrorKind::Conflict(_) => StatusCode::CONFLICT,
            ErrorKind::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::SourceUnavailable(_) | ErrorKind::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The client-facing message. Internal causes never appear here.
    pub fn message(&self) -> Cow<'static, str> {
        match &self.kind {
            ErrorKind::MissingToken => "Bearer token is missing or invalid.".into(),
            ErrorKind::BadTokenFormat => "Token format is incorrect".into(),
            ErrorKind::UnknownKey => "Invalid API key (organization ID)".into(),
            ErrorKind::KeyRevoked => "Token access has been Revoked, Contact Support.".into(),
            ErrorKind::KeyInactive => "Token is Inactive, Contact Support.".into(),
            ErrorKind::InsufficientCredits {
                required,
                remaining,
            } => {
                format!("Insufficient credits: {required} required, {remaining} remaining.").into()
            }
            ErrorKind::BadRequest(message) | ErrorKind::NotFound(message) => message.clone().into(),
            ErrorKind::Validation { message, .. }
            | ErrorKind::Conflict(message)
            | ErrorKind::Forbidden(message) => message.clone().into(),
            ErrorKind::RouteNotFound => "The requested resource was not found.".into(),
            ErrorKind::LinkInvalid => "This link is invalid or has expired.".into(),
            ErrorKind::MethodNotAllowed => "Method not allowed for this resource.".into(),
            ErrorKind::PayloadTooLarge => "Request body is too large.".into(),
            ErrorKind::UriTooLong => format!(
                "Request URI is too long: at most {} bytes.",
                crate::api::common::wire::MAX_URI_BYTES
            )
            .into(),
            ErrorKind::HeadersTooLarge => "Request headers are too large.".into(),
            ErrorKind::UnsupportedMediaType => "Content-Type must be application/json.".into(),
            ErrorKind::IdempotencyMismatch => {
                "Idempotency-Key has already been used with a different request.".into()
            }
            ErrorKind::IdempotencyInFlight => {
                "A request with this Idempotency-Key is still being processed.".into()
            }
            ErrorKind::IdempotencyKeyInvalid => {
                "Idempotency-Key must be between 1 and 255 printable characters.".into()
            }
            ErrorKind::TooManyRequests { message, .. } => message.clone().into(),
            ErrorKind::SourceUnavailable(message) | ErrorKind::ServiceUnavailable(message) => {
                (*message).into()
            }
            ErrorKind::Internal(_) => "Internal Server Error.".into(),
        }
    }
}

impl From<ErrorKind> for ApiError {
    fn from(kind: ErrorKind) -> Self {
        ApiError {
            kind,
            credits: None,
        }
    }
}

/// The KonnectNXT surface: every shared failure leaves in its envelope, with its texts.
pub struct KonnectNxt;

impl Surface for KonnectNxt {
    fn render(error: HttpError) -> Response {
        ApiError::from(error).into_response()
    }
}

impl From<HttpError> for ApiError {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::MissingCredentials => ErrorKind::MissingToken.into(),
            HttpError::MalformedCredentials => ErrorKind::BadTokenFormat.into(),
            HttpError::UnknownKey => ErrorKind::UnknownKey.into(),
            HttpError::KeyRevoked => ErrorKind::KeyRevoked.into(),
            HttpError::KeyInactive => ErrorKind::KeyInactive.into(),
            HttpError::RouteNotFound => ErrorKind::RouteNotFound.into(),
            HttpError::MethodNotAllowed => ErrorKind::MethodNotAllowed.into(),
            HttpError::PayloadTooLarge => ErrorKind::PayloadTooLarge.into(),
            HttpError::Timeout => ErrorKind::SourceUnavailable("The request timed out.").into(),
            HttpError::BodyUnreadable => ApiError::bad_request("Request body could not be read."),
            HttpError::MalformedRequest => ApiError::bad_request("Request could not be parsed."),
            HttpError::UriTooLong => ErrorKind::UriTooLong.into(),
            HttpError::HeadersTooLarge => ErrorKind::HeadersTooLarge.into(),
            HttpError::IdempotencyMismatch => ErrorKind::IdempotencyMismatch.into(),
            HttpError::IdempotencyInFlight => ErrorKind::IdempotencyInFlight.into(),
            HttpError::IdempotencyKeyInvalid => ErrorKind::IdempotencyKeyInvalid.into(),
            HttpError::LinkInvalid => ErrorKind::LinkInvalid.into(),
            HttpError::App(error) => error.into(),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound(resource) => ApiError::not_found(match resource {
                Resource::Case | Resource::Report => "No case found for this case_id.",
                Resource::GstRequest => "No record found for this `request_id.",
                Resource::WebhookEvent => "No webhook event found for this id.",
                Resource::File => "No such file.",
                Resource::Verification => "No verification found for this id.",
                Resource::Folder => "No folder found for this id.",
                Resource::Group => "No group found for this id.",
                Resource::ResultGroup => "No result group found for this id.",
                Resource::Service => "No service found for this id.",
                Resource::ScreeningSubject => "No screening subject found for this id.",
                Resource::ApiKey => "No API key found for this id.",
            }),
            AppError::Invalid { message, .. } => ApiError::bad_request(message),
            AppError::InvalidFields(issues) => ApiError::bad_request(
                issues
                    .iter()
                    .map(|i| format!("{} {}.", i.field, i.message))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            AppError::AlreadyExists(message) => ErrorKind::Conflict(message).into(),
            AppError::Unauthenticated(_) => ErrorKind::MissingToken.into(),
            AppError::Forbidden(message) => ErrorKind::Forbidden(message).into(),
            AppError::RateLimited(exceeded) => ErrorKind::TooManyRequests {
                message: "Too many requests.".into(),
                retry_after_secs: (exceeded.reset_at - chrono::Utc::now().timestamp()).max(1)
                    as u64,
            }
            .into(),
            AppError::InsufficientCredits {
                required,
                remaining,
            } => ErrorKind::InsufficientCredits {
                required,
                remaining,
            }
            .into(),
            AppError::Conflict(message) => ErrorKind::Conflict(message).into(),
            AppError::UpstreamUnavailable(message) => ErrorKind::SourceUnavailable(message).into(),
            AppError::NotReady(message) => ErrorKind::ServiceUnavailable(message).into(),
            AppError::Internal(cause) => ErrorKind::Internal(cause).into(),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<crate::api::common::Rejection<KonnectNxt>> for ApiError {
    fn from(rejection: crate::api::common::Rejection<KonnectNxt>) -> Self {
        rejection.error.into()
    }
}

/// The error body: exactly `status, code, message, data` (+ the credit fields, + `errors`).
#[derive(Serialize)]
struct ErrorBody {
    status: &'static str,
    code: u16,
    message: Cow<'static, str>,
    data: Option<()>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credits_used: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credits_remaining: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credits_left: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<serde_json::Value>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ErrorKind::Internal(cause) = &self.kind {
            tracing::error!(error = ?cause, "internal error");
        }
        let retry_after = match &self.kind {
            ErrorKind::TooManyRequests {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        let body = ErrorBody {
            status: "error",
            code: status.as_u16(),
            message: self.message(),
            data: None,
            credits_used: self.credits.map(|c| c.0),
            credits_remaining: self.credits.map(|c| c.1),
            credits_left: self.credits.map(|c| c.1),
            errors: match self.kind {
                ErrorKind::Validation { errors, .. } => Some(errors),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type ApiResult<T> = Result<Envelope<T>, ApiError>;
