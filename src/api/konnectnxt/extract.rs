//! Extractors whose rejections answer in the envelope instead of the framework's plain text.

use std::collections::HashMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::envelope::{ApiError, ErrorKind};
use crate::api::common::{QueryError, fields, parse_query};
use crate::domain::text::limits;

/// JSON body. Malformed JSON, a wrong content type and an oversized body become envelope errors.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

pub(crate) fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ErrorKind::UnsupportedMediaType.into(),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("Request body is not valid JSON.")
        }
        JsonRejection::JsonDataError(error) => {
            // serde's text names the field and the expectation (e.g. "missing field `checks`");
            // it carries client input only, never server internals.
            let detail = error.body_text();
            let detail = detail
                .split_once(": ")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or(detail);
            ApiError::bad_request(format!("Invalid request body: {detail}"))
        }
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ErrorKind::PayloadTooLarge.into()
        }
        other => {
            if other.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ErrorKind::PayloadTooLarge.into()
            } else {
                ApiError::bad_request("Request body could not be read.")
            }
        }
    }
}

/// A typed request body (`common::fields`): `None` when the body is JSON but not an object. The
/// rejections are `ApiJson`'s.
pub struct ApiBody<T>(pub Option<T>);

impl<S, T> FromRequest<S> for ApiBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ApiJson(fields::Root(body)) =
            ApiJson::<fields::Root<T>>::from_request(req, state).await?;
        Ok(ApiBody(body))
    }
}

/// The 400 message of a body that is not a JSON object.
pub const NOT_AN_OBJECT: &str = "Request body must be a JSON object.";

/// Raw query parameters; each handler validates the ones it knows with its own messages.
pub struct QueryParams(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let pairs = parse_query(parts.uri.query().unwrap_or("")).map_err(query_error)?;
        // Every value passes the one text rule of query parameters (no control characters,
        // at most its maximum), whatever the endpoint does with it afterwards.
        for (name, value) in &pairs {
            if limits::QUERY_NAME.parse(name).is_err() {
                return Err(ApiError::bad_request(format!(
                    "Query parameter names must be at most {} characters, without control characters.",
                    limits::QUERY_NAME.max_chars
                )));
            }
            limits::QUERY_VALUE
                .parse(value)
                .map_err(|e| ApiError::bad_request(format!("{name} {e}.")))?;
        }
        Ok(QueryParams(pairs))
    }
}

/// The envelope's 400 for a query string that was refused.
pub(crate) fn query_error(error: QueryError) -> ApiError {
    match error {
        QueryError::Unparseable => ApiError::bad_request("Query string could not be parsed."),
        QueryError::Repeated(name) => ApiError::bad_request(format!(
            "{} must be given at most once.",
            QueryError::shown_name(&name)
        )),
    }
}

impl QueryParams {
    /// The trimmed value of `name`, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}
