//! An owner manages the organisation's API keys: lists them and revokes one. A revoked key is
//! refused by every serving process from its next request (`store::keys`); revocation is final.

use crate::app::auth::Actor;
use crate::app::{AppError, AppResult, Resource};
use crate::domain::users::Access;
use crate::store::Store;
use crate::store::orgs::ApiKeyRow;

/// Keys are managed by a signed-in owner only: not with an API key (a leaked key must not be able
/// to lock its owner out by revoking the others), not by a group user.
fn owner_only(actor: &Actor) -> AppResult<()> {
    match (&actor.user_id, &actor.access) {
        (Some(_), Access::Organisation) => Ok(()),
        (None, _) => Err(AppError::Forbidden(
            "API keys are managed by a signed-in owner (a JWT from /auth/login), not with an API key."
                .into(),
        )),
        (Some(_), Access::Groups(_)) => Err(AppError::Forbidden(
            "Only an owner manages the organisation's API keys.".into(),
        )),
    }
}

/// The organisation's keys, oldest first (never the keys themselves: only their prefixes).
pub async fn list(store: &Store, actor: &Actor) -> AppResult<Vec<ApiKeyRow>> {
    owner_only(actor)?;
    Ok(store.org_api_keys(&actor.org_id).await?)
}

/// Revokes one of the organisation's keys; another organisation's key is not found. Revoking a
/// revoked key answers it as it is.
pub async fn revoke(store: &Store, actor: &Actor, key_id: &str) -> AppResult<ApiKeyRow> {
    owner_only(actor)?;
    let key = store
        .revoke_org_key(&actor.org_id, key_id)
        .await?
        .ok_or(AppError::NotFound(Resource::ApiKey))?;
    tracing::info!(key_id = %key.id, by = %actor.label(), "API key revoked");
    Ok(key)
}
