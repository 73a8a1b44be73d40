//! The kept answers behind `Idempotency-Key` (the HTTP side is `api::common::idempotency`).

use crate::app::AppResult;
use crate::store::Store;
pub use crate::store::idempotency::IdemBegin;

/// How long an unfinished claim blocks retries before it is considered abandoned (a crash).
const IN_FLIGHT_TIMEOUT_MS: i64 = 5 * 60 * 1000;

/// Claims `key` in `scope` for a request whose body hashes to `hash`; answers kept longer than
/// `ttl_ms` are forgotten.
pub async fn begin(
    store: &Store,
    scope: &str,
    key: &str,
    hash: &str,
    ttl_ms: i64,
) -> AppResult<IdemBegin> {
    Ok(store
        .idem_begin(scope, key, hash, ttl_ms, IN_FLIGHT_TIMEOUT_MS)
        .await?)
}

/// Keeps the answer to a claimed key.
pub async fn finish(
    store: &Store,
    scope: &str,
    key: &str,
    status: u16,
    body: &str,
) -> AppResult<()> {
    Ok(store.idem_finish(scope, key, status, body).await?)
}

/// Lets a claimed key go: its answer is not worth keeping.
pub async fn abandon(store: &Store, scope: &str, key: &str) -> AppResult<()> {
    Ok(store.idem_abandon(scope, key).await?)
}
