//! Asynchronous GST verifications: the request row, its charge and its fetch job are written in
//! one transaction; the job fills in the result.

use sqlx::FromRow;

use super::credits::{Insufficient, LedgerKind, Movement, apply_movement};
use super::jobs::{NewJob, insert_job};
use super::{StoreResult, in_tx, now_ms, with_conn};

#[derive(Debug, Clone, FromRow)]
pub struct GstRequest {
    pub id: String,
    pub org_id: String,
    pub gstin: String,
    /// `in_progress`, `completed`, `not_found` or `failed`.
    pub status: String,
    pub result: Option<String>,
    pub error: Option<String>,
    pub credits_used: i64,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

impl super::Store {
    /// Charges `charge`, inserts the request and enqueues `job`, atomically.
    pub async fn initiate_gst(
        &self,
        request_id: &str,
        gstin: &str,
        charge: &Movement<'_>,
        job: &NewJob,
    ) -> StoreResult<Result<i64, Insufficient>> {
        let now = now_ms();
        let outcome = in_tx!(self, |tx| {
            let balance = match apply_movement!(tx, charge) {
                Ok(after) => after,
                Err(short) => return Ok(Err(short)),
            };
            sqlx::query(
                "INSERT INTO gst_requests (id, org_id, gstin, status, credits_used, created_at)
                 VALUES ($1, $2, $3, 'in_progress', $4, $5)",
            )
            .bind(request_id)
            .bind(charge.org_id)
            .bind(gstin)
            .bind(charge.amount)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            insert_job!(tx, job);
            balance
        });
        self.jobs_committed().await;
        Ok(Ok(outcome))
    }

    /// The request, only if it belongs to `org_id`.
    pub async fn gst_request(&self, org_id: &str, id: &str) -> StoreResult<Option<GstRequest>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, GstRequest>(
                "SELECT * FROM gst_requests WHERE id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(org_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Any tenant's request, for the job that works on it.
    pub async fn gst_request_for_job(&self, id: &str) -> StoreResult<Option<GstRequest>> {
        with_conn!(self, |pool| {
            Ok(
                sqlx::query_as::<_, GstRequest>("SELECT * FROM gst_requests WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?,
            )
        })
    }

    /// Moves an in-progress request to its final state; `false` if it was already final (a
    /// re-run after a crash changes nothing).
    pub async fn finish_gst(
        &self,
        id: &str,
        status: &str,
        result: Option<&serde_json::Value>,
        error: Option<&str>,
    ) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query(
                "UPDATE gst_requests SET status = $2, result = $3, error = $4, completed_at = $5
                 WHERE id = $1 AND status = 'in_progress'",
            )
            .bind(id)
            .bind(status)
            .bind(result.map(|v| v.to_string()))
            .bind(error)
            .bind(now_ms())
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Fails an in-progress request and refunds what it was charged, in one transaction.
    pub async fn fail_gst_with_refund(&self, id: &str, error: &str) -> StoreResult<bool> {
        let now = now_ms();
        in_tx!(self, |tx| {
            let row: Option<(String, i64)> = sqlx::query_as(
                "UPDATE gst_requests SET status = 'failed', error = $2, completed_at = $3
                 WHERE id = $1 AND status = 'in_progress' RETURNING org_id, credits_used",
            )
            .bind(id)
            .bind(error)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((org_id, amount)) = row else {
                return Ok(false);
            };
            if amount > 0 {
                let refund = Movement {
                    org_id: &org_id,
                    kind: LedgerKind::Refund,
                    amount,
                    service: "gst_verification",
                    reference_id: Some(id),
                    input: None,
                    output: None,
                };
                // A refund adds credits, so it cannot be short.
                let _ = apply_movement!(tx, &refund);
            }
        });
        Ok(true)
    }
}
