//! Authentication extractors. `ApiKeyAuth` turns `Authorization: Bearer <api key>` into the
//! calling organisation, with the exact error bodies the KonnectNXT surface documents.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::AppState;
use super::konnectnxt::envelope::{ApiError, ErrorKind};
use crate::domain::api_keys::hash_key;

/// The authenticated caller: every query that takes an id also takes `org_id`.
#[derive(Debug, Clone)]
pub struct ApiKeyAuth {
    pub org_id: String,
    pub org_name: String,
    pub key_id: String,
    pub is_sandbox: bool,
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

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
        let token = match bearer_token(header) {
            BearerToken::Missing => return Err(ErrorKind::MissingToken.into()),
            BearerToken::Malformed => return Err(ErrorKind::BadTokenFormat.into()),
            BearerToken::Token(token) => token,
        };
        let found = state.store.find_key_by_hash(&hash_key(token)).await?;
        let Some(key) = found else {
            return Err(ErrorKind::UnknownKey.into());
        };
        match key.key_state.as_str() {
            "active" => {}
            "revoked" => return Err(ErrorKind::KeyRevoked.into()),
            _ => return Err(ErrorKind::KeyInactive.into()),
        }
        let auth = ApiKeyAuth {
            org_id: key.org_id,
            org_name: key.org_name,
            key_id: key.key_id,
            is_sandbox: key.is_sandbox,
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
