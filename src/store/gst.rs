//! Asynchronous GST verifications: typed reads and writes of the request rows. Initiation (the
//! charge, the row and the fetch job in one transaction) is the application's (`app::gst`).

use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{StoreResult, now_ms, with_conn};
use crate::domain::gst::GstStatus;

#[derive(Debug, Clone, FromRow)]
pub struct GstRequest {
    pub id: String,
    pub org_id: String,
    pub gstin: String,
    pub status: GstStatus,
    pub result: Option<String>,
    pub error: Option<String>,
    pub credits_used: i64,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

/// What a finished request charged, for a refund.
#[derive(Debug, Clone, FromRow)]
pub struct FinishedGst {
    pub org_id: String,
    pub credits_used: i64,
}

impl Tx {
    pub async fn insert_gst_request(
        &mut self,
        request_id: &str,
        org_id: &str,
        gstin: &str,
        credits_used: i64,
    ) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO gst_requests (id, org_id, gstin, status, credits_used, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(request_id)
            .bind(org_id)
            .bind(gstin)
            .bind(GstStatus::InProgress)
            .bind(credits_used)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        Ok(())
    }

    /// Moves a running request to `status`; `None` if it was already final.
    pub async fn finish_gst(
        &mut self,
        id: &str,
        status: GstStatus,
        result: Option<&serde_json::Value>,
        error: Option<&str>,
    ) -> StoreResult<Option<FinishedGst>> {
        let now = now_ms();
        on_tx!(self, |conn| {
            Ok(sqlx::query_as::<_, FinishedGst>(FINISH_GST)
                .bind(id)
                .bind(status)
                .bind(result.map(|v| v.to_string()))
                .bind(error)
                .bind(now)
                .bind(GstStatus::InProgress)
                .fetch_optional(&mut *conn)
                .await?)
        })
    }
}

impl super::Store {
    /// The request, only if it belongs to `org_id`.
    pub async fn gst_request(&self, org_id: &str, id: &str) -> StoreResult<Option<GstRequest>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, GstRequest>(GST_REQUEST)
                .bind(id)
                .bind(org_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Any tenant's request, for the job that works on it.
    pub async fn gst_request_for_job(&self, id: &str) -> StoreResult<Option<GstRequest>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, GstRequest>(GST_REQUEST_FOR_JOB)
                .bind(id)
                .fetch_optional(pool)
                .await?)
        })
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const FINISH_GST: &str =
    "UPDATE gst_requests SET status = $2, result = $3, error = $4, completed_at = $5
    WHERE id = $1 AND status = $6 RETURNING org_id, credits_used";

pub(super) const GST_REQUEST: &str = "SELECT * FROM gst_requests WHERE id = $1 AND org_id = $2";

pub(super) const GST_REQUEST_FOR_JOB: &str = "SELECT * FROM gst_requests WHERE id = $1";
