//! Users' sessions on the AnyCheck surface: login with a password (argon2), JWT access tokens
//! (HS256, 1 h) and refresh tokens (30 days) that rotate on every use — a rotated token used
//! again revokes its whole family (the login it came from) — and the per-account and
//! per-address login limits.

use std::sync::{LazyLock, Mutex};

use argon2::password_hash::PasswordVerifier;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::app::{AppError, AppResult, AuthFailure};
use crate::domain::ratelimit::{Exceeded, FixedWindow};
use crate::domain::users::{ACCESS_TOKEN_SECS, Access, REFRESH_TOKEN_SECS, Role, normalise_email};
use crate::store::Store;
use crate::store::orgs::{Org, UserRow};
use crate::store::users::GroupRow;

const ISSUER: &str = "satyapan";

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    pub org: String,
    /// `access` or `refresh`.
    pub typ: String,
    pub jti: String,
    /// The login (refresh-token family) the token descends from: an access token is refused
    /// once its family is revoked. Access tokens issued before they carried it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

/// Signs and checks tokens with the installation's key (kept in the settings table, so every
/// API process accepts the tokens of the others).
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

/// A freshly issued pair.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token is valid.
    pub expires_in: i64,
    pub token_type: &'static str,
}

impl Tokens {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs `claims` (tests use it to make expired tokens).
    pub fn sign(&self, claims: &Claims) -> AppResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(AppError::internal)
    }

    /// Issues an access token and a refresh token of `family` for `user` at `now` (unix s).
    fn issue(&self, user: &UserRow, family: &str, now: i64) -> AppResult<(TokenPair, Claims)> {
        let access = Claims {
            sub: user.id.clone(),
            org: user.org_id.clone(),
            typ: "access".into(),
            jti: uuid::Uuid::new_v4().to_string(),
            fam: Some(family.to_string()),
            iat: now,
            exp: now + ACCESS_TOKEN_SECS,
            iss: ISSUER.into(),
        };
        let refresh = Claims {
            sub: user.id.clone(),
            org: user.org_id.clone(),
            typ: "refresh".into(),
            jti: uuid::Uuid::new_v4().to_string(),
            fam: Some(family.to_string()),
            iat: now,
            exp: now + REFRESH_TOKEN_SECS,
            iss: ISSUER.into(),
        };
        Ok((
            TokenPair {
                access_token: self.sign(&access)?,
                refresh_token: self.sign(&refresh)?,
                expires_in: ACCESS_TOKEN_SECS,
                token_type: "Bearer",
            },
            refresh,
        ))
    }

    /// Checks signature, issuer, expiry and type.
    pub fn verify(&self, token: &str, typ: &str) -> Result<Claims, AuthFailure> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthFailure::TokenExpired,
                _ => AuthFailure::InvalidToken,
            })?;
        if data.claims.typ != typ {
            return Err(AuthFailure::InvalidToken);
        }
        Ok(data.claims)
    }
}

/// Login limits: failures per account and attempts per client address, in fixed windows.
pub struct LoginLimiter {
    accounts: Mutex<FixedWindow>,
    addresses: Mutex<FixedWindow>,
}

impl LoginLimiter {
    pub fn new(failures_per_account: u32, attempts_per_address: u32, window_secs: i64) -> Self {
        LoginLimiter {
            accounts: Mutex::new(FixedWindow::new(failures_per_account, window_secs)),
            addresses: Mutex::new(FixedWindow::new(attempts_per_address, window_secs)),
        }
    }

    fn check(&self, account: &str, address: &str, now: i64) -> Result<(), Exceeded> {
        if let Ok(mut addresses) = self.addresses.lock() {
            addresses.check(address, now)?;
            addresses.record(address, now);
        }
        if let Ok(accounts) = self.accounts.lock() {
            accounts.check(account, now)?;
        }
        Ok(())
    }

    fn failed(&self, account: &str, now: i64) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.record(account, now);
        }
    }

    fn succeeded(&self, account: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.clear(account);
        }
    }
}

/// A hash checked when the e-mail is unknown, so both failures take as long.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| crate::cli::admin::hash_password("not a real password").unwrap_or_default());

async fn password_matches(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// Logs a user in: the limits first, then the password; a disabled user is refused even with
/// the right password. Returns a new pair (a new refresh-token family).
pub async fn login(
    store: &Store,
    tokens: &Tokens,
    limiter: &LoginLimiter,
    email: &str,
    password: &str,
    address: &str,
) -> AppResult<TokenPair> {
    let email = normalise_email(email);
    let now = chrono::Utc::now().timestamp();
    limiter
        .check(&email, address, now)
        .map_err(AppError::RateLimited)?;
    let user = store.user_by_email(&email).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let matches = password_matches(password.to_string(), hash).await;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            limiter.failed(&email, now);
            return Err(AppError::Unauthenticated(AuthFailure::InvalidCredentials));
        }
    };
    limiter.succeeded(&email);
    if user.disabled {
        return Err(AppError::Forbidden("This account is disabled.".into()));
    }
    let family = uuid::Uuid::new_v4().to_string();
    let (pair, refresh) = tokens.issue(&user, &family, now)?;
    let mut tx = store.begin().await?;
    tx.insert_refresh_token(&refresh.jti, &family, &user.id, refresh.exp * 1000)
        .await?;
    tx.commit().await?;
    Ok(pair)
}

/// Rotates a refresh token: the token is spent and a new pair of the same family issued. A
/// token already spent (someone replays it) revokes the family, so the thief's and the
/// owner's sessions both end: its refresh tokens, and its access tokens from the next request.
pub async fn refresh(store: &Store, tokens: &Tokens, token: &str) -> AppResult<TokenPair> {
    let claims = tokens
        .verify(token, "refresh")
        .map_err(AppError::Unauthenticated)?;
    let now = chrono::Utc::now().timestamp();
    let mut tx = store.begin().await?;
    let Some(row) = tx.use_refresh_token(&claims.jti, now * 1000).await? else {
        let known = tx.refresh_token(&claims.jti).await?;
        if let Some(row) = known
            && row.used_at.is_some()
        {
            tx.revoke_refresh_family(&row.family_id, now * 1000).await?;
            tx.commit().await?;
            tracing::warn!(family = %row.family_id, "refresh token reused: family revoked");
        }
        return Err(AppError::Unauthenticated(AuthFailure::InvalidToken));
    };
    let user = tx
        .user(&row.user_id)
        .await?
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?;
    if user.disabled {
        return Err(AppError::Forbidden("This account is disabled.".into()));
    }
    let (pair, next) = tokens.issue(&user, &row.family_id, now)?;
    tx.insert_refresh_token(&next.jti, &row.family_id, &user.id, next.exp * 1000)
        .await?;
    tx.commit().await?;
    Ok(pair)
}

/// The user behind an access token, and what they may reach.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: UserRow,
    pub access: Access,
}

/// Who the caller is: its organisation and, for a signed-in user, the user's groups.
pub async fn profile(
    store: &Store,
    org_id: &str,
    user_id: Option<&str>,
) -> AppResult<(Org, Vec<GroupRow>)> {
    let org = store
        .org(org_id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("authenticated org vanished")))?;
    let groups = match user_id {
        Some(user_id) => store.user_groups(user_id).await?,
        None => Vec::new(),
    };
    Ok((org, groups))
}

/// Resolves an access token to its user; a disabled user, and a token of a revoked family, are
/// refused at once (both are read with the user, in one statement).
pub async fn authenticate(store: &Store, tokens: &Tokens, token: &str) -> AppResult<SignedIn> {
    let claims = tokens
        .verify(token, "access")
        .map_err(AppError::Unauthenticated)?;
    let user = store
        .user_for_access_token(&claims.sub, claims.fam.as_deref())
        .await?
        .filter(|u| u.user.org_id == claims.org && !u.family_revoked)
        .ok_or(AppError::Unauthenticated(AuthFailure::InvalidToken))?
        .user;
    if user.disabled {
        return Err(AppError::Forbidden("This account is disabled.".into()));
    }
    let access = match user.role {
        Role::Owner => Access::Organisation,
        Role::GroupUser => Access::Groups(
            store
                .user_groups(&user.id)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect(),
        ),
    };
    Ok(SignedIn { user, access })
}

/// Who is acting, as the application's operations see it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org_id: String,
    /// A signed-in user (JWT), or `None` for a server-to-server client.
    pub user_id: Option<String>,
    /// The API key of a server-to-server client.
    pub api_key_id: Option<String>,
    pub access: Access,
}

impl Actor {
    /// How the actor is named in `created_by` and the audit trail: the user's id, or
    /// `api_key:<key id>`.
    pub fn label(&self) -> String {
        match (&self.user_id, &self.api_key_id) {
            (Some(user), _) => user.clone(),
            (None, Some(key)) => format!("api_key:{key}"),
            (None, None) => "system".into(),
        }
    }
}

/// The API key whose hash is `hash`, with its organisation, in whatever state it is.
pub async fn api_key(
    store: &Store,
    hash: &str,
) -> AppResult<Option<crate::store::orgs::KeyWithOrg>> {
    Ok(store.authenticate_key(hash).await?)
}
