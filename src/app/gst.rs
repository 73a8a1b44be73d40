//! GST verification: initiation (charge + request + job in one transaction) and the fetch job.

use async_trait::async_trait;

use crate::app::AppResult;
use crate::domain::credits::LedgerKind;
use crate::domain::gst::GstStatus;
use crate::domain::ids::Gstin;
use crate::jobs::{Job, JobError, JobHandler, JobKind, job_kind};
use crate::providers::{ProviderError, Providers};
use crate::store::credits::Movement;
use crate::store::{Store, StoreResult};

pub const SERVICE: &str = "gst_verification";

job_kind! {
    /// The job that fetches one GST request's record.
    FetchJob = "gst.fetch", payload FetchPayload { request_id: String }
}

/// Charges `cost`, records the request and enqueues its fetch, in one transaction. Returns the
/// request id and the balance after the charge.
pub async fn initiate(
    store: &Store,
    org_id: &str,
    gstin: &Gstin,
    cost: i64,
) -> AppResult<(String, i64)> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let input = serde_json::json!({ "gstin": gstin.as_str() });
    let charge = Movement {
        org_id,
        kind: LedgerKind::Debit,
        amount: cost,
        service: SERVICE,
        reference_id: Some(&request_id),
        input: Some(&input),
        output: None,
    };
    let payload = FetchPayload {
        request_id: request_id.clone(),
    };
    let mut tx = store.begin().await?;
    let balance = tx.apply_movement(&charge).await??;
    tx.insert_gst_request(&request_id, org_id, gstin.as_str(), cost)
        .await?;
    tx.enqueue::<FetchJob>(&payload, Some(org_id), 5).await?;
    tx.commit().await?;
    Ok((request_id, balance))
}

/// Ends a request in `status` on its own.
async fn finish(
    store: &Store,
    id: &str,
    status: GstStatus,
    result: Option<&serde_json::Value>,
    error: Option<&str>,
) -> Result<(), JobError> {
    let mut tx = store.begin().await?;
    tx.finish_gst(id, status, result, error).await?;
    tx.commit().await?;
    Ok(())
}

/// Fails a running request and refunds what it was charged, in one transaction.
async fn fail_with_refund(store: &Store, id: &str, error: &str) -> StoreResult<()> {
    let mut tx = store.begin().await?;
    let Some(done) = tx
        .finish_gst(id, GstStatus::Failed, None, Some(error))
        .await?
    else {
        return Ok(());
    };
    if done.credits_used > 0 {
        let refund = Movement {
            org_id: &done.org_id,
            kind: LedgerKind::Refund,
            amount: done.credits_used,
            service: SERVICE,
            reference_id: Some(id),
            input: None,
            output: None,
        };
        // A refund adds credits, so it cannot be short.
        let _ = tx.apply_movement(&refund).await?;
    }
    tx.commit().await
}

/// Fetches the GSTIN's record from the configured source. Re-runs after a crash are harmless:
/// a request that is already final is left alone.
pub struct FetchHandler {
    pub store: Store,
    pub providers: Providers,
}

#[async_trait]
impl JobHandler for FetchHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload = FetchJob::payload(job)?;
        let Some(request) = self.store.gst_request_for_job(&payload.request_id).await? else {
            return Err(JobError::Fatal("GST request no longer exists".into()));
        };
        if request.status.is_terminal() {
            return Ok(());
        }
        let gstin = Gstin::parse(&request.gstin)
            .map_err(|e| JobError::Fatal(format!("stored GSTIN is invalid: {e}")))?;
        match self.providers.call(self.providers.gst.lookup(&gstin)).await {
            Ok(record) => {
                let value = serde_json::to_value(&record)
                    .map_err(|e| JobError::Fatal(format!("record: {e}")))?;
                finish(
                    &self.store,
                    &request.id,
                    GstStatus::Completed,
                    Some(&value),
                    None,
                )
                .await
            }
            Err(ProviderError::NotFound) => {
                finish(
                    &self.store,
                    &request.id,
                    GstStatus::NotFound,
                    None,
                    Some("no registration found"),
                )
                .await
            }
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }

    async fn on_dead(&self, job: &Job, error: &str) {
        let Ok(payload) = FetchJob::payload(job) else {
            return;
        };
        if let Err(e) = fail_with_refund(&self.store, &payload.request_id, error).await {
            tracing::error!(error = %e, "could not mark GST request failed; it stays in progress");
        }
    }
}

/// One of the organisation's GST requests (not found for another organisation's).
pub async fn request(
    store: &Store,
    org_id: &str,
    request_id: &str,
) -> AppResult<crate::store::gst::GstRequest> {
    store
        .gst_request(org_id, request_id)
        .await?
        .ok_or(crate::app::AppError::NotFound(
            crate::app::Resource::GstRequest,
        ))
}
