//! Authentication by API key: `Authorization: Bearer <api key>` becomes the calling
//! organisation. Its failures are rendered by the surface `S` the route belongs to.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{HttpError, Rejection, Surface};
use crate::api::AppState;
use crate::domain::api_keys::{KeyState, hash_key};
use crate::store::orgs::KeyWithOrg;

/// The authenticated caller: every query that takes an id also takes `org_id`.
#[derive(Debug, Clone)]
pub struct ApiKeyAuth<S> {
    pub org_id: String,
    pub org_name: String,
    pub key_id: String,
    pub is_sandbox: bool,
    surface: PhantomData<S>,
}

/// What the `Authorization` header holds, before any database look-up.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BearerToken<'a> {
    Missing,
    Malformed,
    Token(&'a str),
}

pub(crate) fn bearer_token(header: Option<&str>) -> BearerToken<'_> {
    let Some(value) = header.map(str::trim).filter(|v| !v.is_empty()) else {
        return BearerToken::Missing;
    };
    let mut parts = value.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(scheme), None, None) if scheme.eq_ignore_ascii_case("bearer") => BearerToken::Missing,
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case("bearer") => {
            BearerToken::Token(token)
        }
        _ => BearerToken::Malformed,
    }
}

/// Resolves the `Authorization` header to an active key and its organisation. Used by the
/// extractor and by the idempotency middleware, which must authenticate before it replays.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<KeyWithOrg, HttpError> {
    let header = headers
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
    let token = match bearer_token(header) {
        BearerToken::Missing => return Err(HttpError::MissingCredentials),
        BearerToken::Malformed => return Err(HttpError::MalformedCredentials),
        BearerToken::Token(token) => token,
    };
    let key = crate::app::auth::api_key(&state.store, &hash_key(token))
        .await?
        .ok_or(HttpError::UnknownKey)?;
    match key.key_state {
        KeyState::Active => Ok(key),
        KeyState::Revoked => Err(HttpError::KeyRevoked),
        KeyState::Inactive => Err(HttpError::KeyInactive),
    }
}

impl<S: Surface> FromRequestParts<AppState> for ApiKeyAuth<S> {
    type Rejection = Rejection<S>;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection<S>> {
        let key = authenticate(state, &parts.headers).await?;
        let auth = ApiKeyAuth {
            org_id: key.org_id,
            org_name: key.org_name,
            key_id: key.key_id,
            is_sandbox: key.is_sandbox,
            surface: PhantomData,
        };
        tracing::Span::current().record("org_id", auth.org_id.as_str());
        Ok(auth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization_header() {
        assert_eq!(bearer_token(None), BearerToken::Missing);
        assert_eq!(bearer_token(Some("")), BearerToken::Missing);
        assert_eq!(bearer_token(Some("Bearer")), BearerToken::Missing);
        assert_eq!(bearer_token(Some("Bearer   ")), BearerToken::Missing);
        assert_eq!(bearer_token(Some("Token abc")), BearerToken::Malformed);
        assert_eq!(bearer_token(Some("abc")), BearerToken::Malformed);
        assert_eq!(bearer_token(Some("Bearer a b")), BearerToken::Malformed);
        assert_eq!(bearer_token(Some("bearer abc")), BearerToken::Token("abc"));
        assert_eq!(bearer_token(Some("Bearer abc")), BearerToken::Token("abc"));
    }
}
