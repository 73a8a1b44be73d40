//! Operational reads for the readiness and metrics endpoints.

use crate::store::jobs::OpenJobs;
use crate::store::{Store, StoreResult};

/// The database answers.
pub async fn ready(store: &Store) -> StoreResult<()> {
    store.ping().await
}

/// Jobs not finished, by state (for the metrics).
pub async fn open_jobs(store: &Store) -> StoreResult<OpenJobs> {
    store.open_jobs().await
}
