//! GST verification: initiation (charge + request + job in one transaction) and the fetch job.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::domain::ids::Gstin;
use crate::jobs::{Job, JobError, JobHandler, NewJob};
use crate::providers::{ProviderError, Providers};
use crate::store::credits::{Insufficient, LedgerKind, Movement};
use crate::store::{Store, StoreError};

pub const SERVICE: &str = "gst_verification";
pub const JOB_KIND: &str = "gst.fetch";

#[derive(Debug, Serialize, Deserialize)]
struct FetchPayload {
    request_id: String,
}

/// Charges `cost`, records the request and enqueues its fetch. Returns the request id and the
/// balance after the charge.
pub async fn initiate(
    store: &Store,
    org_id: &str,
    gstin: &Gstin,
    cost: i64,
) -> Result<Result<(String, i64), Insufficient>, StoreError> {
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
    let job = NewJob::new(
        JOB_KIND,
        serde_json::to_value(FetchPayload {
            request_id: request_id.clone(),
        })
        .unwrap_or_default(),
    )
    .for_org(org_id)
    .max_attempts(5);
    Ok(store
        .initiate_gst(&request_id, gstin.as_str(), &charge, &job)
        .await?
        .map(|balance| (request_id, balance)))
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
        let payload: FetchPayload = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Fatal(format!("bad payload: {e}")))?;
        let Some(request) = self.store.gst_request_for_job(&payload.request_id).await? else {
            return Err(JobError::Fatal("GST request no longer exists".into()));
        };
        if request.status != "in_progress" {
            return Ok(());
        }
        let gstin = Gstin::parse(&request.gstin)
            .map_err(|e| JobError::Fatal(format!("stored GSTIN is invalid: {e}")))?;
        match self.providers.call(self.providers.gst.lookup(&gstin)).await {
            Ok(record) => {
                let value = serde_json::to_value(&record)
                    .map_err(|e| JobError::Fatal(format!("record: {e}")))?;
                self.store
                    .finish_gst(&request.id, "completed", Some(&value), None)
                    .await?;
                Ok(())
            }
            Err(ProviderError::NotFound) => {
                self.store
                    .finish_gst(
                        &request.id,
                        "not_found",
                        None,
                        Some("no registration found"),
                    )
                    .await?;
                Ok(())
            }
            Err(error) => Err(JobError::Retry(error.to_string())),
        }
    }

    async fn on_dead(&self, job: &Job, error: &str) {
        let Ok(payload) = serde_json::from_str::<FetchPayload>(&job.payload) else {
            return;
        };
        if let Err(e) = self
            .store
            .fail_gst_with_refund(&payload.request_id, error)
            .await
        {
            tracing::error!(error = %e, "could not mark GST request failed; it stays in progress");
        }
    }
}
