//! HTTP code shared by every API surface: API-key authentication, idempotency, signed files,
//! query parsing and the fallbacks. None of it knows a vendor's wording: each failure is an
//! [`HttpError`], and the surface a route belongs to renders it ([`Surface`]) in its own body.

pub mod auth;
pub mod fields;
pub mod files;
pub mod idempotency;
pub mod keep_alive;
pub mod security;
pub mod timeouts;
pub mod wire;

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::response::{IntoResponse, Response};

use crate::app::AppError;

/// Everything shared HTTP code can answer with besides success.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("missing credentials")]
    MissingCredentials,
    #[error("malformed credentials")]
    MalformedCredentials,
    #[error("unknown API key")]
    UnknownKey,
    #[error("revoked API key")]
    KeyRevoked,
    #[error("inactive API key")]
    KeyInactive,
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("request timed out")]
    Timeout,
    #[error("request body could not be read")]
    BodyUnreadable,
    #[error("request could not be parsed")]
    MalformedRequest,
    #[error("request URI too long")]
    UriTooLong,
    #[error("request headers too large")]
    HeadersTooLarge,
    #[error("idempotency key reused with another body")]
    IdempotencyMismatch,
    #[error("idempotency key in flight")]
    IdempotencyInFlight,
    #[error("idempotency key invalid")]
    IdempotencyKeyInvalid,
    #[error("invalid or expired signed link")]
    LinkInvalid,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<crate::store::StoreError> for HttpError {
    fn from(error: crate::store::StoreError) -> Self {
        HttpError::App(error.into())
    }
}

/// An API surface: how its routes answer errors. Implemented once per surface, in its folder.
pub trait Surface: Send + Sync + 'static {
    fn render(error: HttpError) -> Response;
}

/// An [`HttpError`] on its way out through surface `S`'s renderer: the rejection type of the
/// shared extractors and middleware.
pub struct Rejection<S: Surface> {
    pub error: HttpError,
    surface: PhantomData<S>,
}

impl<S: Surface> Rejection<S> {
    pub fn new(error: impl Into<HttpError>) -> Self {
        Rejection {
            error: error.into(),
            surface: PhantomData,
        }
    }
}

impl<S: Surface> IntoResponse for Rejection<S> {
    fn into_response(self) -> Response {
        S::render(self.error)
    }
}

impl<S: Surface, E: Into<HttpError>> From<E> for Rejection<S> {
    fn from(error: E) -> Self {
        Rejection::new(error)
    }
}

/// Why a query string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// Not valid form encoding.
    Unparseable,
    /// A parameter given more than once: which value was meant cannot be known.
    Repeated(String),
}

impl QueryError {
    /// The repeated name as an answer may echo it: short and printable, else a placeholder.
    pub fn shown_name(name: &str) -> &str {
        if name.chars().count() <= 64 && !name.chars().any(char::is_control) {
            name
        } else {
            "a query parameter"
        }
    }
}

/// Parses a raw query string into its pairs; a name may appear once.
pub fn parse_query(query: &str) -> Result<HashMap<String, String>, QueryError> {
    let uri = format!("/?{query}")
        .parse()
        .map_err(|_| QueryError::Unparseable)?;
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map_err(|_| QueryError::Unparseable)?
        .0;
    let mut map = HashMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        if map.contains_key(&name) {
            return Err(QueryError::Repeated(name));
        }
        map.insert(name, value);
    }
    Ok(map)
}
