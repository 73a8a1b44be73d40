//! The worker pool: claim → run with a renewed lease → complete, retry with backoff, or
//! dead-letter. Wakes on local enqueues (and PostgreSQL `NOTIFY`), polls as a fallback.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::{Job, JobError, Registry};
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Jobs run at once by this pool.
    pub concurrency: usize,
    /// How often to look for work when nothing woke the pool.
    pub poll_interval: Duration,
    /// How long a claim lasts without renewal; renewed every third of it.
    pub lease: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`, with jitter.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// How long shutdown waits for running jobs before handing them back.
    pub shutdown_grace: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 8,
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(30),
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

pub struct WorkerPool {
    store: Store,
    registry: Registry,
    config: WorkerConfig,
    worker_id: String,
}

impl WorkerPool {
    pub fn new(store: Store, registry: Registry, config: WorkerConfig) -> Self {
        let worker_id = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        WorkerPool {
            store,
            registry,
            config,
            worker_id,
        }
    }

    /// Runs until `shutdown` is cancelled, then drains (see [`WorkerConfig::shutdown_grace`]).
    pub async fn run(self, shutdown: CancellationToken) {
        let pool = Arc::new(self);
        let wakeup = pool.store.job_wakeup();
        let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
        let mut tasks = JoinSet::new();
        tracing::info!(worker_id = %pool.worker_id, concurrency = pool.config.concurrency, "workers started");
        loop {
            // Reap finished tasks so the set reflects what is running.
            while tasks.try_join_next().is_some() {}
            let free = pool.config.concurrency.saturating_sub(tasks.len());
            let claimed = if free > 0 && !shutdown.is_cancelled() {
                // Register interest before claiming, so an enqueue that commits between the
                // claim and the wait still wakes us.
                let notified = wakeup.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                match pool
                    .store
                    .claim_jobs(&pool.worker_id, lease_ms(&pool.config), free as i64)
                    .await
                {
                    Ok(jobs) if !jobs.is_empty() => jobs,
                    Ok(_) => {
                        tokio::select! {
                            _ = shutdown.cancelled() => {}
                            _ = &mut notified => {}
                            _ = tokio::time::sleep(pool.config.poll_interval) => {}
                        }
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "claiming jobs failed; backing off");
                        tokio::select! {
                            _ = shutdown.cancelled() => {}
                            _ = tokio::time::sleep(pool.config.poll_interval) => {}
                        }
                        continue;
                    }
                }
            } else if shutdown.is_cancelled() {
                break;
            } else {
                // Full: wait for a running job to finish.
                tokio::select! {
                    _ = shutdown.cancelled() => {}
                    _ = tasks.join_next() => {}
                }
                continue;
            };
            for job in claimed {
                if let Ok(mut set) = in_flight.lock() {
                    set.insert(job.id.clone());
                }
                let pool = pool.clone();
                let in_flight = in_flight.clone();
                let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
                tasks.spawn(
                    async move {
                        pool.run_one(&job).await;
                        if let Ok(mut set) = in_flight.lock() {
                            set.remove(&job.id);
                        }
                    }
                    .instrument(span),
                );
            }
        }
        pool.drain(tasks, in_flight).await;
    }

    async fn drain(&self, mut tasks: JoinSet<()>, in_flight: Arc<Mutex<HashSet<String>>>) {
        let waited = tokio::time::timeout(self.config.shutdown_grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if waited.is_err() {
            tasks.abort_all();
            let ids: Vec<String> = in_flight
                .lock()
                .map(|set| set.iter().cloned().collect())
                .unwrap_or_default();
            for id in ids {
                match self.store.release_job(&id, &self.worker_id).await {
                    Ok(_) => tracing::info!(job_id = %id, "released unfinished job at shutdown"),
                    Err(error) => {
                        tracing::warn!(job_id = %id, %error, "could not release job; its lease will lapse")
                    }
                }
            }
        }
        tracing::info!(worker_id = %self.worker_id, "workers stopped");
    }

    async fn run_one(&self, job: &Job) {
        let Some(handler) = self.registry.get(&job.kind) else {
            let error = format!("no handler registered for job kind '{}'", job.kind);
            tracing::error!(%error);
            self.finish(job, Err(JobError::Fatal(error)), None).await;
            return;
        };
        let renewer = self.spawn_renewer(job.id.clone());
        let started = std::time::Instant::now();
        let outcome = handler.run(job).await;
        renewer.cancel();
        metrics::histogram!("satyapan_job_duration_seconds", "kind" => job.kind.clone())
            .record(started.elapsed().as_secs_f64());
        self.finish(job, outcome, Some(handler)).await;
    }

    async fn finish(
        &self,
        job: &Job,
        outcome: Result<(), JobError>,
        handler: Option<Arc<dyn super::JobHandler>>,
    ) {
        let result = match &outcome {
            Ok(()) => self.store.complete_job(&job.id, &self.worker_id).await,
            Err(JobError::Retry(error)) if job.attempts < job.max_attempts => {
                let delay = handler
                    .as_ref()
                    .and_then(|h| h.retry_delay(job.attempts))
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                    .unwrap_or_else(|| backoff_ms(&self.config, job.attempts));
                let at = crate::store::now_ms() + delay;
                tracing::warn!(%error, retry_in_ms = at - crate::store::now_ms(), "job failed; will retry");
                self.store
                    .fail_job(&job.id, &self.worker_id, error, Some(at))
                    .await
            }
            Err(error) => {
                let error = error.to_string();
                tracing::error!(%error, attempts = job.attempts, "job dead-lettered");
                if let Some(handler) = &handler {
                    handler.on_dead(job, &error).await;
                }
                self.store
                    .fail_job(&job.id, &self.worker_id, &error, None)
                    .await
            }
        };
        let label = match (&outcome, &result) {
            (_, Ok(false)) | (_, Err(_)) => "lost_lease",
            (Ok(()), _) => "completed",
            (Err(JobError::Retry(_)), _) if job.attempts < job.max_attempts => "retried",
            (Err(_), _) => "dead",
        };
        metrics::counter!("satyapan_jobs_finished_total", "kind" => job.kind.clone(), "outcome" => label)
            .increment(1);
        match result {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!("job lease was lost before it finished; another worker owns it")
            }
            Err(error) => {
                tracing::error!(%error, "could not record the job's outcome; its lease will lapse")
            }
        }
    }

    /// Renews the lease every third of its length until cancelled.
    fn spawn_renewer(&self, job_id: String) -> CancellationToken {
        let stop = CancellationToken::new();
        let store = self.store.clone();
        let worker_id = self.worker_id.clone();
        let lease = lease_ms(&self.config);
        let period = (self.config.lease / 3).max(Duration::from_millis(50));
        let token = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(period) => {}
                }
                match store.renew_lease(&job_id, &worker_id, lease).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => tracing::warn!(%error, %job_id, "lease renewal failed"),
                }
            }
        });
        stop
    }
}

fn lease_ms(config: &WorkerConfig) -> i64 {
    i64::try_from(config.lease.as_millis()).unwrap_or(i64::MAX)
}

/// Exponential backoff with jitter: base × 2^(attempt−1), capped, then a random 50–100 % of it
/// so jobs that failed together do not retry together.
pub(crate) fn backoff_ms(config: &WorkerConfig, attempts: i64) -> i64 {
    let base = config.base_backoff.as_millis() as f64;
    let cap = config.max_backoff.as_millis() as f64;
    let exp = attempts.clamp(1, 30) - 1;
    let full = (base * 2f64.powi(exp as i32)).min(cap);
    let factor = rand::rng().random_range(0.5..=1.0);
    (full * factor) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = WorkerConfig {
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            ..WorkerConfig::default()
        };
        for attempt in 1..40 {
            let ms = backoff_ms(&config, attempt);
            let full = (2000.0 * 2f64.powi((attempt.clamp(1, 30) - 1) as i32)).min(60_000.0);
            assert!(
                ms as f64 >= full * 0.5 - 1.0 && ms as f64 <= full,
                "attempt {attempt}: {ms}"
            );
        }
    }
}
