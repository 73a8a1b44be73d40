//! Durable jobs: handlers by kind, and the worker pool that claims and runs them.
//!
//! Guarantees: every enqueued job ends `completed` or `dead`; a worker that dies mid-job loses
//! nothing (its lease lapses and another worker claims the job); a job is completed at most once
//! (completion is conditional on still holding the lease). Handlers must make their business
//! effects idempotent, because a job may *start* more than once after a crash.

mod kind;
mod worker;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use crate::store::jobs::{Job, NewJob};
pub use kind::JobKind;
pub(crate) use kind::job_kind;
pub use worker::{WorkerConfig, WorkerPool};

/// How a handler failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (with backoff), until the job's attempts run out.
    #[error("{0}")]
    Retry(String),
    /// Retrying cannot help: dead-letter now.
    #[error("{0}")]
    Fatal(String),
}

impl From<crate::store::StoreError> for JobError {
    fn from(error: crate::store::StoreError) -> Self {
        JobError::Retry(error.to_string())
    }
}

#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Runs one attempt of `job`. Called again after a crash or a retryable error.
    async fn run(&self, job: &Job) -> Result<(), JobError>;

    /// Called once when the job is dead-lettered, so the business record can say so.
    async fn on_dead(&self, _job: &Job, _error: &str) {}

    /// This kind's own delay before retry number `attempts` (the pool's exponential backoff when
    /// `None`): webhooks, say, follow a schedule spread over a day.
    fn retry_delay(&self, _attempts: i64) -> Option<std::time::Duration> {
        None
    }
}

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(&mut self, kind: &str, handler: Arc<dyn JobHandler>) -> &mut Self {
        self.handlers.insert(kind.to_string(), handler);
        self
    }

    /// Registers `handler` for the kind `K`.
    pub fn register_kind<K: JobKind>(&mut self, handler: Arc<dyn JobHandler>) -> &mut Self {
        self.register(K::KIND, handler)
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(kind).cloned()
    }
}
