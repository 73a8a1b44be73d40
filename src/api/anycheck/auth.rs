//! Who calls the AnyCheck surface: a user with a JWT access token from `/auth/login`
//! (`Authorization: Bearer …`), or a server-to-server client with one of its organisation's API
//! keys (`X-API-Key: …`, or an API key as the bearer token). Failures are AnyCheck errors.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::errors::AcError;
use crate::api::AppState;
use crate::api::common::HttpError;
use crate::api::common::auth::{BearerToken, bearer_token};
use crate::app::auth::{Actor, authenticate};
use crate::domain::api_keys::{KeyState, hash_key};
use crate::domain::users::Access;
use crate::store::orgs::UserRow;

pub const API_KEY_HEADER: &str = "x-api-key";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    /// The signed-in user, when the caller is one.
    pub user: Option<UserRow>,
}

impl Caller {
    pub fn org_id(&self) -> &str {
        &self.actor.org_id
    }
}

async fn by_api_key(state: &AppState, key: &str) -> Result<Caller, AcError> {
    let key = crate::app::auth::api_key(&state.store, &hash_key(key.trim()))
        .await?
        .ok_or(HttpError::UnknownKey)?;
    match key.key_state {
        KeyState::Active => Ok(Caller {
            actor: Actor {
                org_id: key.org_id,
                user_id: None,
                api_key_id: Some(key.key_id),
                access: Access::Organisation,
            },
            user: None,
        }),
        KeyState::Revoked => Err(HttpError::KeyRevoked.into()),
        KeyState::Inactive => Err(HttpError::KeyInactive.into()),
    }
}

fn looks_like_api_key(token: &str) -> bool {
    token.starts_with("sat_test_") || token.starts_with("sat_live_")
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AcError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AcError> {
        let caller = if let Some(key) = parts.headers.get(API_KEY_HEADER) {
            let key = key.to_str().map_err(|_| HttpError::UnknownKey)?;
            by_api_key(state, key).await?
        } else {
            let header = parts
                .headers
                .get(AUTHORIZATION)
                .map(|v| v.to_str().unwrap_or("\u{0}invalid"));
            match bearer_token(header) {
                BearerToken::Missing => return Err(HttpError::MissingCredentials.into()),
                BearerToken::Malformed => return Err(HttpError::MalformedCredentials.into()),
                BearerToken::Token(token) if looks_like_api_key(token) => {
                    by_api_key(state, token).await?
                }
                BearerToken::Token(token) => {
                    let signed_in = authenticate(&state.store, &state.tokens, token).await?;
                    Caller {
                        actor: Actor {
                            org_id: signed_in.user.org_id.clone(),
                            user_id: Some(signed_in.user.id.clone()),
                            api_key_id: None,
                            access: signed_in.access,
                        },
                        user: Some(signed_in.user),
                    }
                }
            }
        };
        tracing::Span::current().record("org_id", caller.actor.org_id.as_str());
        Ok(caller)
    }
}
