//! Users beyond their creation (`orgs.rs`): roles, groups, the disabled flag, and the refresh
//! tokens of their sessions.

use serde::Serialize;
use sqlx::FromRow;

use super::orgs::UserRow;
use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};
use crate::domain::users::Role;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct GroupRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub is_default: bool,
    pub created_at: i64,
}

/// A refresh token as issued: its family, user and whether it was used or revoked.
#[derive(Debug, Clone, FromRow)]
pub struct RefreshRow {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The user an access token names, and whether the token's family has been revoked.
#[derive(Debug, Clone, FromRow)]
pub struct TokenUser {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub family_revoked: bool,
}

/// A user to create.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub role: Role,
}

impl super::Store {
    /// Creates a user; `Ok(false)` when the e-mail is taken or the organisation does not exist.
    pub async fn insert_user(&self, user: &NewUser<'_>) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query(INSERT_USER)
                .bind(user.id)
                .bind(user.org_id)
                .bind(user.email)
                .bind(user.password_hash)
                .bind(user.name)
                .bind(user.role)
                .bind(now_ms())
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn user(&self, user_id: &str) -> StoreResult<Option<UserRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, UserRow>(USER)
                .bind(user_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// The user an access token of `family` names (`None`: a token from before tokens named
    /// their family), with its family's revocation: one statement, two primary-key reads.
    pub async fn user_for_access_token(
        &self,
        user_id: &str,
        family: Option<&str>,
    ) -> StoreResult<Option<TokenUser>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, TokenUser>(USER_FOR_ACCESS_TOKEN)
                .bind(user_id)
                .bind(family)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Disables (or enables) a user by e-mail; `false` when there is no such user. A disabled
    /// user's refresh tokens are revoked, and its access tokens are refused from the next request.
    pub async fn set_user_disabled(&self, email: &str, disabled: bool) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let user: Option<(String,)> = on_tx!(tx, |conn| {
            sqlx::query_as(SET_USER_DISABLED)
                .bind(email)
                .bind(disabled)
                .fetch_optional(&mut *conn)
                .await?
        });
        let Some((user_id,)) = user else {
            return Ok(false);
        };
        if disabled {
            let now = now_ms();
            on_tx!(tx, |conn| {
                sqlx::query(REVOKE_USER_REFRESH_TOKENS)
                    .bind(&user_id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
            });
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The organisation's group called `name`, created if it does not exist.
    pub async fn group_named(&self, org_id: &str, name: &str) -> StoreResult<GroupRow> {
        with_conn!(self, |pool| {
            sqlx::query(INSERT_NAMED_GROUP)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(org_id)
                .bind(name)
                .bind(now_ms())
                .execute(pool)
                .await?;
            Ok(sqlx::query_as::<_, GroupRow>(GROUP_NAMED)
                .bind(org_id)
                .bind(name)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The organisation's default group ("Default"), created on first use.
    pub async fn default_group(&self, org_id: &str) -> StoreResult<GroupRow> {
        with_conn!(self, |pool| {
            sqlx::query(INSERT_DEFAULT_GROUP)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(org_id)
                .bind(now_ms())
                .execute(pool)
                .await?;
            Ok(sqlx::query_as::<_, GroupRow>(DEFAULT_GROUP)
                .bind(org_id)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The group, only if it belongs to `org_id`.
    pub async fn group(&self, org_id: &str, group_id: &str) -> StoreResult<Option<GroupRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, GroupRow>(GROUP)
                .bind(group_id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    pub async fn add_group_member(&self, group_id: &str, user_id: &str) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query(ADD_GROUP_MEMBER)
                .bind(group_id)
                .bind(user_id)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The groups a user belongs to, by name.
    pub async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<GroupRow>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, GroupRow>(USER_GROUPS)
                .bind(user_id)
                .fetch_all(pool)
                .await?)
        })
    }
}

impl Tx {
    /// The user, read through the transaction.
    pub async fn user(&mut self, user_id: &str) -> StoreResult<Option<UserRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, UserRow>(USER)
                .bind(user_id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    pub async fn insert_refresh_token(
        &mut self,
        id: &str,
        family_id: &str,
        user_id: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(INSERT_REFRESH_TOKEN)
                .bind(id)
                .bind(family_id)
                .bind(user_id)
                .bind(expires_at)
                .bind(now_ms())
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }

    /// Marks the token used, only if it is unused, unrevoked and unexpired at `now`: the one
    /// caller that gets `Some` may rotate it.
    pub async fn use_refresh_token(
        &mut self,
        id: &str,
        now: i64,
    ) -> StoreResult<Option<RefreshRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, RefreshRow>(USE_REFRESH_TOKEN)
                .bind(id)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    pub async fn refresh_token(&mut self, id: &str) -> StoreResult<Option<RefreshRow>> {
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, RefreshRow>(REFRESH_TOKEN)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }

    /// Revokes every token of a login's family (reuse of a rotated token was detected): its
    /// refresh tokens, and — by the family's row, read with every access token — its access
    /// tokens.
    pub async fn revoke_refresh_family(&mut self, family_id: &str, now: i64) -> StoreResult<()> {
        on_tx!(self, |conn| {
            sqlx::query(REVOKE_REFRESH_FAMILY)
                .bind(family_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            sqlx::query(REVOKE_TOKEN_FAMILY)
                .bind(family_id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        Ok(())
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const INSERT_USER: &str =
    "INSERT INTO users (id, org_id, email, password_hash, name, role, created_at)
     SELECT $1, id, $3, $4, $5, $6, $7 FROM orgs WHERE id = $2
     ON CONFLICT (email) DO NOTHING";

pub(super) const USER: &str =
    "SELECT id, org_id, email, password_hash, name, role, disabled, created_at
     FROM users WHERE id = $1";

pub(super) const USER_FOR_ACCESS_TOKEN: &str =
    "SELECT u.id, u.org_id, u.email, u.password_hash, u.name, u.role, u.disabled, u.created_at,
            r.family_id IS NOT NULL AS family_revoked
     FROM users u LEFT JOIN revoked_token_families r ON r.family_id = $2
     WHERE u.id = $1";

pub(super) const SET_USER_DISABLED: &str =
    "UPDATE users SET disabled = $2 WHERE email = $1 RETURNING id";

pub(super) const REVOKE_USER_REFRESH_TOKENS: &str = "UPDATE refresh_tokens SET revoked_at = $2
     WHERE user_id = $1 AND revoked_at IS NULL";

pub(super) const INSERT_NAMED_GROUP: &str =
    "INSERT INTO user_groups (id, org_id, name, is_default, created_at)
     VALUES ($1, $2, $3, FALSE, $4) ON CONFLICT DO NOTHING";

pub(super) const GROUP_NAMED: &str = "SELECT * FROM user_groups WHERE org_id = $1 AND name = $2";

pub(super) const INSERT_DEFAULT_GROUP: &str =
    "INSERT INTO user_groups (id, org_id, name, is_default, created_at)
     VALUES ($1, $2, 'Default', TRUE, $3) ON CONFLICT DO NOTHING";

pub(super) const DEFAULT_GROUP: &str = "SELECT * FROM user_groups WHERE org_id = $1 AND is_default";

pub(super) const GROUP: &str = "SELECT * FROM user_groups WHERE id = $1 AND org_id = $2";

pub(super) const ADD_GROUP_MEMBER: &str =
    "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING";

pub(super) const USER_GROUPS: &str =
    "SELECT g.* FROM user_groups g JOIN group_members m ON m.group_id = g.id
     WHERE m.user_id = $1 ORDER BY g.name, g.id";

pub(super) const INSERT_REFRESH_TOKEN: &str =
    "INSERT INTO refresh_tokens (id, family_id, user_id, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5)";

pub(super) const USE_REFRESH_TOKEN: &str = "UPDATE refresh_tokens SET used_at = $2
     WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     RETURNING id, family_id, user_id, expires_at, used_at, revoked_at";

pub(super) const REFRESH_TOKEN: &str =
    "SELECT id, family_id, user_id, expires_at, used_at, revoked_at
     FROM refresh_tokens WHERE id = $1";

pub(super) const REVOKE_REFRESH_FAMILY: &str = "UPDATE refresh_tokens SET revoked_at = $2
     WHERE family_id = $1 AND revoked_at IS NULL";

pub(super) const REVOKE_TOKEN_FAMILY: &str =
    "INSERT INTO revoked_token_families (family_id, revoked_at) VALUES ($1, $2)
     ON CONFLICT (family_id) DO NOTHING";
