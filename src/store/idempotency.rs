//! Idempotency records: the first response to a POST with an `Idempotency-Key` is kept for a
//! while, so a retry with the same key and body gets it back without the work being done again.

use sqlx::FromRow;

use super::{StoreResult, in_tx, now_ms, with_conn};

/// What the store knows about a key when a request arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdemBegin {
    /// First use: the caller runs the request and then calls `idem_finish` or `idem_abandon`.
    New,
    /// Same key, same body, finished: send this back.
    Replay { status: u16, body: String },
    /// Same key, same body, still running in another request.
    InFlight,
    /// Same key, different body.
    Mismatch,
}

#[derive(FromRow)]
struct IdemRow {
    request_hash: String,
    status_code: Option<i64>,
    response_body: Option<String>,
}

impl super::Store {
    /// Claims `key` for a request whose body hashes to `hash`. Records older than `ttl_ms`, and
    /// unfinished ones older than `in_flight_timeout_ms` (their request crashed), are forgotten.
    pub async fn idem_begin(
        &self,
        scope: &str,
        key: &str,
        hash: &str,
        ttl_ms: i64,
        in_flight_timeout_ms: i64,
    ) -> StoreResult<IdemBegin> {
        let now = now_ms();
        let outcome = in_tx!(self, |tx| {
            sqlx::query(IDEM_EXPIRE)
                .bind(scope)
                .bind(key)
                .bind(now - ttl_ms)
                .bind(now - in_flight_timeout_ms)
                .execute(&mut *tx)
                .await?;
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (scope, idem_key) DO NOTHING",
            )
            .bind(scope)
            .bind(key)
            .bind(hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 1 {
                IdemBegin::New
            } else {
                let row = sqlx::query_as::<_, IdemRow>(IDEM_READ)
                    .bind(scope)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                match (row.request_hash == hash, row.status_code, row.response_body) {
                    (false, _, _) => IdemBegin::Mismatch,
                    (true, Some(status), Some(body)) => IdemBegin::Replay {
                        status: u16::try_from(status).unwrap_or(500),
                        body,
                    },
                    (true, _, _) => IdemBegin::InFlight,
                }
            }
        });
        Ok(outcome)
    }

    /// Stores the response to replay for this key.
    pub async fn idem_finish(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query(IDEM_FINISH)
                .bind(scope)
                .bind(key)
                .bind(i64::from(status))
                .bind(body)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Forgets the key: the response is not one to replay (the request did no work).
    pub async fn idem_abandon(&self, scope: &str, key: &str) -> StoreResult<()> {
        with_conn!(self, |pool| {
            sqlx::query(IDEM_FORGET)
                .bind(scope)
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const IDEM_EXPIRE: &str =
    "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2
    AND (created_at < $3 OR (status_code IS NULL AND created_at < $4))";

pub(super) const IDEM_READ: &str =
    "SELECT request_hash, status_code, response_body FROM idempotency_keys
    WHERE scope = $1 AND idem_key = $2";

pub(super) const IDEM_FINISH: &str =
    "UPDATE idempotency_keys SET status_code = $3, response_body = $4
    WHERE scope = $1 AND idem_key = $2";

pub(super) const IDEM_FORGET: &str =
    "DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2";
