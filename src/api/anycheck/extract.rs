//! Extractors whose rejections answer in the AnyCheck body: JSON bodies, query strings, and
//! the client's address (for the login limits).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr};

use super::errors::{AcError, ErrorCode};
use crate::api::common::fields;

/// A JSON body; malformed JSON, a wrong content type and an oversized body are AnyCheck errors.
pub struct AcJson<T>(pub T);

impl<S, T> FromRequest<S> for AcJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AcError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        // No text anywhere in a body may hold a NUL (named fields also pass their text rule).
        if let Some(path) = crate::domain::text::nul_path(&value) {
            let field = if path.is_empty() { "body" } else { &path };
            return Err(AcError::request(
                field,
                crate::domain::text::TextError::ControlCharacter.to_string(),
            ));
        }
        serde_json::from_value(value).map(AcJson).map_err(|e| {
            AcError::new(
                ErrorCode::InvalidRequest,
                format!("The request body is invalid: {e}"),
            )
        })
    }
}

/// A typed request body (`common::fields`): `None` when the body is JSON but not an object
/// (each handler answers [`not_an_object`]). The rejections are `AcJson`'s, the NUL refusal
/// included: it reads the raw JSON, whose every text (unnamed fields and free-form values too)
/// may hold no NUL, so it stays here rather than in the fields.
pub struct AcBody<T>(pub Option<T>);

impl<S, T> FromRequest<S> for AcBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AcError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let AcJson(fields::Root(body)) =
            AcJson::<fields::Root<T>>::from_request(req, state).await?;
        Ok(AcBody(body))
    }
}

/// The 400 of a body that is JSON but not an object.
pub fn not_an_object() -> AcError {
    AcError::new(
        ErrorCode::InvalidRequest,
        "The request body must be a JSON object.",
    )
}

/// A typed body that may be left out (`POST /verifications/{id}/retry`): `Ok(None)` when empty
/// or only whitespace, whatever the `Content-Type`; otherwise JSON that must be an object. Only
/// an unreadable body is refused here; what is wrong with it is the handler's to answer, after
/// the path.
pub struct AcOptionalBody<T>(pub Result<Option<T>, AcError>);

impl<S, T> FromRequest<S> for AcOptionalBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(AcOptionalBody(Ok(None)));
        }
        let not_json = || {
            AcError::new(
                ErrorCode::InvalidRequest,
                "The request body is not valid JSON.",
            )
        };
        // Read as a JSON value first, so a repeated key keeps its last value (as it always has).
        let read = serde_json::from_slice::<serde_json::Value>(&body)
            .map_err(|_| not_json())
            .and_then(|value| {
                serde_json::from_value::<fields::Root<T>>(value).map_err(|_| not_json())
            })
            .and_then(|fields::Root(body)| body.map(Some).ok_or_else(not_an_object));
        Ok(AcOptionalBody(read))
    }
}

pub(crate) fn json_rejection(rejection: JsonRejection) -> AcError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AcError::new(
            ErrorCode::InvalidRequest,
            "Content-Type must be application/json.",
        )
        .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE),
        JsonRejection::JsonSyntaxError(_) => AcError::new(
            ErrorCode::InvalidRequest,
            "The request body is not valid JSON.",
        ),
        JsonRejection::JsonDataError(error) => {
            let detail = error.body_text();
            let detail = detail
                .split_once(": ")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or(detail);
            AcError::new(
                ErrorCode::InvalidRequest,
                format!("The request body is invalid: {detail}"),
            )
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AcError::new(ErrorCode::InvalidRequest, "The request body is too large.")
                .with_status(StatusCode::PAYLOAD_TOO_LARGE)
        }
        _ => AcError::new(
            ErrorCode::InvalidRequest,
            "The request body could not be read.",
        ),
    }
}

/// Query parameters, each handler validating the ones it knows.
pub struct Query(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = AcError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        use crate::api::common::{QueryError, parse_query};
        parse_query(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|e| match e {
                QueryError::Unparseable => AcError::new(
                    ErrorCode::InvalidRequest,
                    "The query string could not be parsed.",
                ),
                QueryError::Repeated(name) => {
                    AcError::request(QueryError::shown_name(&name), "is given more than once")
                }
            })
    }
}

impl Query {
    /// The trimmed value of `name`, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A non-negative integer parameter within `max`, `default` when absent.
    pub fn integer(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, AcError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    AcError::value(name, format!("must be an integer from {min} to {max}"))
                }),
        }
    }

    /// A UUID parameter: `INVALID_REQUEST` when missing and required, `INVALID_ID` when
    /// malformed.
    pub fn uuid(&self, name: &str) -> Result<Option<String>, AcError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => parse_uuid(raw, name).map(Some),
        }
    }
}

/// A well-formed id, in canonical (lower-case, hyphenated) form.
pub fn parse_uuid(raw: &str, field: &str) -> Result<String, AcError> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.to_string())
        .map_err(|_| AcError::id(field))
}

fn uuid_builder(kind: SchemaType) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(kind)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

/// The schema of an id field of a body.
pub fn uuid_schema() -> RefOr<Schema> {
    uuid_builder(SchemaType::new(Type::String)).into()
}

/// The schema of an id field of a body that may be absent or `null`.
pub fn optional_uuid_schema() -> RefOr<Schema> {
    uuid_builder(SchemaType::from_iter([Type::String, Type::Null])).into()
}

/// The client's address: the peer of the connection (no proxy header is trusted).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = AcError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<crate::api::common::wire::PeerAddr>>()
                .map(|c| c.0.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into()),
        ))
    }
}
