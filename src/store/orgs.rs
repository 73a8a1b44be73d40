//! Organisations (tenants), their API keys and their users.

use serde::Serialize;
use sqlx::FromRow;

use super::{StoreResult, decode_json, in_tx, now_ms, with_conn};
use crate::domain::api_keys::KeyState;
use crate::domain::orgs::OrgSettings;
use crate::domain::users::Role;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub credits: i64,
    pub is_sandbox: bool,
    pub settings: String,
    pub created_at: i64,
}

/// An API key as the auth layer sees it: the key row joined with its organisation.
#[derive(Debug, Clone, FromRow)]
pub struct KeyWithOrg {
    pub key_id: String,
    pub key_state: KeyState,
    pub org_id: String,
    pub org_name: String,
    pub is_sandbox: bool,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ApiKeyRow {
    pub id: String,
    pub org_id: String,
    pub prefix: String,
    pub state: KeyState,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub password_hash: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: i64,
}

/// What a new API key is stored as: never the key itself.
pub struct NewKey<'a> {
    pub id: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
}

impl<'a> From<&'a crate::domain::api_keys::GeneratedKey> for NewKey<'a> {
    fn from(key: &'a crate::domain::api_keys::GeneratedKey) -> Self {
        NewKey {
            id: &key.id,
            prefix: &key.prefix,
            hash: &key.hash,
        }
    }
}

impl Org {
    /// The organisation's settings document, decoded (a corrupt one is an error, not a default).
    pub fn settings(&self) -> StoreResult<OrgSettings> {
        decode_json("organisation settings", &self.settings)
    }
}

impl super::Store {
    /// Creates an organisation with an opening balance (a `purchase` ledger row when non-zero)
    /// and its first API key, in one transaction.
    pub async fn create_org(
        &self,
        org_id: &str,
        name: &str,
        credits: i64,
        is_sandbox: bool,
        key: &NewKey<'_>,
    ) -> StoreResult<()> {
        let now = now_ms();
        in_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO orgs (id, name, credits, is_sandbox, settings, created_at)
                 VALUES ($1, $2, $3, $4, '{}', $5)",
            )
            .bind(org_id)
            .bind(name)
            .bind(credits)
            .bind(is_sandbox)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if credits > 0 {
                sqlx::query(
                    "INSERT INTO credit_ledger (id, org_id, kind, amount, balance_after, service,
                                                reference_id, created_at)
                     VALUES ($1, $2, 'purchase', $3, $3, 'opening_balance', NULL, $4)",
                )
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(org_id)
                .bind(credits)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO api_keys (id, org_id, prefix, key_hash, state, created_at)
                 VALUES ($1, $2, $3, $4, 'active', $5)",
            )
            .bind(key.id)
            .bind(org_id)
            .bind(key.prefix)
            .bind(key.hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    pub async fn org(&self, org_id: &str) -> StoreResult<Option<Org>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, Org>(ORG_BY_ID)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    pub async fn org_count(&self) -> StoreResult<i64> {
        with_conn!(self, |pool| {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orgs")
                .fetch_one(pool)
                .await?;
            Ok(n)
        })
    }

    /// Whether every decided case goes to audit; `false` if there is no such organisation.
    pub async fn set_always_audit(&self, org_id: &str, enabled: bool) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query("UPDATE orgs SET always_audit = $2 WHERE id = $1")
                .bind(org_id)
                .bind(enabled)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Replaces the organisation's settings document (prices …).
    pub async fn set_org_settings(
        &self,
        org_id: &str,
        settings: &OrgSettings,
    ) -> StoreResult<bool> {
        let text = serde_json::to_string(settings).map_err(|error| super::StoreError::Corrupt {
            what: "organisation settings",
            error,
        })?;
        with_conn!(self, |pool| {
            let done = sqlx::query("UPDATE orgs SET settings = $2 WHERE id = $1")
                .bind(org_id)
                .bind(text)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn add_api_key(&self, org_id: &str, key: &NewKey<'_>) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query(
                "INSERT INTO api_keys (id, org_id, prefix, key_hash, state, created_at)
                 SELECT $1, id, $3, $4, 'active', $5 FROM orgs WHERE id = $2",
            )
            .bind(key.id)
            .bind(org_id)
            .bind(key.prefix)
            .bind(key.hash)
            .bind(now_ms())
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn find_key_by_hash(&self, hash: &str) -> StoreResult<Option<KeyWithOrg>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, KeyWithOrg>(KEY_BY_HASH)
                .bind(hash)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Moves a key to `state`. A revoked key is left alone: revocation is final. A key taken out
    /// of use is refused by every serving process once this returns.
    pub async fn set_key_state(
        &self,
        key_id: &str,
        state: KeyState,
    ) -> StoreResult<Option<ApiKeyRow>> {
        // The `api_keys` trigger raises the key generation in the same statement (`store::keys`).
        let changed = with_conn!(self, |pool| {
            sqlx::query_as::<_, ApiKeyRow>(
                "UPDATE api_keys SET state = $2 WHERE id = $1 AND state <> $3
                 RETURNING id, org_id, prefix, state, created_at",
            )
            .bind(key_id)
            .bind(state)
            .bind(KeyState::Revoked)
            .fetch_optional(pool)
            .await?
        });
        if changed.is_some() && state != KeyState::Active {
            self.settle_key_change().await;
        }
        Ok(changed)
    }

    /// The organisation's API keys, oldest first.
    pub async fn org_api_keys(&self, org_id: &str) -> StoreResult<Vec<ApiKeyRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ApiKeyRow>(ORG_API_KEYS)
                .bind(org_id)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Revokes the organisation's key `key_id`: the key as it now is (a key revoked already is
    /// left alone), or `None` when the organisation has no such key. The key is refused by every
    /// serving process once this returns.
    pub async fn revoke_org_key(
        &self,
        org_id: &str,
        key_id: &str,
    ) -> StoreResult<Option<ApiKeyRow>> {
        let revoked = with_conn!(self, |pool| {
            sqlx::query_as::<_, ApiKeyRow>(REVOKE_ORG_KEY)
                .bind(key_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?
        });
        if revoked.is_some() {
            self.settle_key_change().await;
            return Ok(revoked);
        }
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ApiKeyRow>(ORG_API_KEY)
                .bind(key_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    pub async fn api_key(&self, key_id: &str) -> StoreResult<Option<ApiKeyRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, ApiKeyRow>(
                "SELECT id, org_id, prefix, state, created_at FROM api_keys WHERE id = $1",
            )
            .bind(key_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, UserRow>(USER_BY_EMAIL)
                .bind(email)
                .fetch_optional(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const ORG_BY_ID: &str = "SELECT * FROM orgs WHERE id = $1";

pub(super) const KEY_BY_HASH: &str =
    "SELECT k.id AS key_id, k.state AS key_state, o.id AS org_id, o.name AS org_name,
    o.is_sandbox AS is_sandbox
    FROM api_keys k JOIN orgs o ON o.id = k.org_id
    WHERE k.key_hash = $1";

pub(super) const ORG_API_KEYS: &str = "SELECT id, org_id, prefix, state, created_at
     FROM api_keys WHERE org_id = $1 ORDER BY created_at, id";

pub(super) const ORG_API_KEY: &str = "SELECT id, org_id, prefix, state, created_at
     FROM api_keys WHERE id = $1 AND org_id = $2";

pub(super) const REVOKE_ORG_KEY: &str = "UPDATE api_keys SET state = 'revoked'
     WHERE id = $1 AND org_id = $2 AND state <> 'revoked'
     RETURNING id, org_id, prefix, state, created_at";

pub(super) const USER_BY_EMAIL: &str =
    "SELECT id, org_id, email, password_hash, name, role, disabled, created_at
     FROM users WHERE email = $1";
