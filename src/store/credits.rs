//! The credit ledger. `orgs.credits` is the balance; every change to it writes one append-only
//! ledger row carrying the balance after it, in the same transaction. A debit is a conditional
//! `UPDATE … WHERE credits >= amount`, so concurrent debits can never take the balance below zero.

use serde::Serialize;
use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};

pub use crate::domain::credits::{Insufficient, LedgerKind};

/// One movement of credits, described by the caller and written by the store.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    pub org_id: &'a str,
    pub kind: LedgerKind,
    /// Always positive; the direction comes from `kind`.
    pub amount: i64,
    pub service: &'a str,
    pub reference_id: Option<&'a str>,
    pub input: Option<&'a serde_json::Value>,
    pub output: Option<&'a serde_json::Value>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct LedgerRow {
    pub id: String,
    pub kind: LedgerKind,
    /// Signed: negative for debits and deductions.
    pub amount: i64,
    pub balance_after: i64,
    pub service: String,
    pub reference_id: Option<String>,
    pub input: Option<String>,
    pub output: Option<String>,
    pub created_at: i64,
}

/// Filters of the credits transactions listing; times in epoch ms, `to_ms` exclusive.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub kind: Option<LedgerKind>,
    pub offset: i64,
    pub limit: i64,
}

impl Tx {
    /// Applies a [`Movement`]: the balance changes and one ledger row records it. A debit that
    /// would take the balance below zero changes nothing and reports what was short.
    pub async fn apply_movement(
        &mut self,
        m: &Movement<'_>,
    ) -> StoreResult<Result<i64, Insufficient>> {
        let delta = if m.kind.is_outflow() {
            -m.amount
        } else {
            m.amount
        };
        on_tx!(self, |conn| {
            let balance: Option<(i64,)> = sqlx::query_as(MOVE_BALANCE)
                .bind(m.org_id)
                .bind(delta)
                .fetch_optional(&mut *conn)
                .await?;
            match balance {
                Some((after,)) => {
                    sqlx::query(
                        "INSERT INTO credit_ledger (id, org_id, kind, amount, balance_after, service,
                                                    reference_id, input, output, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(m.org_id)
                    .bind(m.kind)
                    .bind(delta)
                    .bind(after)
                    .bind(m.service)
                    .bind(m.reference_id)
                    .bind(m.input.map(|v| v.to_string()))
                    .bind(m.output.map(|v| v.to_string()))
                    .bind(now_ms())
                    .execute(&mut *conn)
                    .await?;
                    Ok(Ok(after))
                }
                None => {
                    let remaining: Option<(i64,)> = sqlx::query_as(BALANCE)
                        .bind(m.org_id)
                        .fetch_optional(&mut *conn)
                        .await?;
                    Ok(Err(Insufficient {
                        required: m.amount,
                        remaining: remaining.map(|r| r.0).unwrap_or(0),
                    }))
                }
            }
        })
    }
}

impl super::Store {
    /// The organisation's balance (0 for an unknown organisation).
    pub async fn balance(&self, org_id: &str) -> StoreResult<i64> {
        with_conn!(self, |pool| {
            let row: Option<(i64,)> = sqlx::query_as(BALANCE)
                .bind(org_id)
                .fetch_optional(pool)
                .await?;
            Ok(row.map(|r| r.0).unwrap_or(0))
        })
    }

    /// Applies one movement on its own. A debit that would go below zero changes nothing.
    pub async fn move_credits(
        &self,
        movement: &Movement<'_>,
    ) -> StoreResult<Result<i64, Insufficient>> {
        let mut tx = self.begin().await?;
        let outcome = tx.apply_movement(movement).await?;
        if outcome.is_ok() {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// A page of ledger rows, newest first, and the total count under the same filter.
    pub async fn ledger(
        &self,
        org_id: &str,
        filter: &LedgerFilter,
    ) -> StoreResult<(Vec<LedgerRow>, i64)> {
        let kind = filter.kind;
        with_conn!(self, |pool| {
            let (total,): (i64,) = sqlx::query_as(LEDGER_COUNT)
                .bind(org_id)
                .bind(filter.from_ms)
                .bind(filter.to_ms)
                .bind(kind)
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query_as::<_, LedgerRow>(LEDGER_PAGE)
                .bind(org_id)
                .bind(filter.from_ms)
                .bind(filter.to_ms)
                .bind(kind)
                .bind(filter.limit)
                .bind(filter.offset)
                .fetch_all(pool)
                .await?;
            Ok((rows, total))
        })
    }

    /// Sum of the signed ledger amounts: equals the balance (an invariant the tests check).
    pub async fn ledger_sum(&self, org_id: &str) -> StoreResult<i64> {
        with_conn!(self, |pool| {
            let (sum,): (Option<i64>,) = sqlx::query_as(
                "SELECT CAST(SUM(amount) AS BIGINT) FROM credit_ledger WHERE org_id = $1",
            )
            .bind(org_id)
            .fetch_one(pool)
            .await?;
            Ok(sum.unwrap_or(0))
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const MOVE_BALANCE: &str =
    "UPDATE orgs SET credits = credits + $2 WHERE id = $1 AND credits + $2 >= 0
    RETURNING credits";

pub(super) const BALANCE: &str = "SELECT credits FROM orgs WHERE id = $1";

pub(super) const LEDGER_COUNT: &str = "SELECT COUNT(*) FROM credit_ledger
    WHERE org_id = $1 AND ($2 IS NULL OR created_at >= $2)
    AND ($3 IS NULL OR created_at < $3) AND ($4 IS NULL OR kind = $4)";

pub(super) const LEDGER_PAGE: &str =
    "SELECT id, kind, amount, balance_after, service, reference_id, input, output,
    created_at
    FROM credit_ledger
    WHERE org_id = $1 AND ($2 IS NULL OR created_at >= $2)
    AND ($3 IS NULL OR created_at < $3) AND ($4 IS NULL OR kind = $4)
    ORDER BY seq DESC LIMIT $5 OFFSET $6";
