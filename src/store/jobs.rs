//! The durable job table. A job is inserted in the transaction of the business write that needs
//! it ([`Tx::insert_job`]), claimed with a lease, renewed while it runs, and ends `completed` or
//! `dead` (dead-lettered with its last error). A job whose lease lapses is claimed again.

use serde::Serialize;
use sqlx::FromRow;

use super::tx::{Tx, on_tx};
use super::{Pool, StoreResult, now_ms, postgres, sqlite, with_conn};
use crate::domain::jobs::JobState;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub org_id: Option<String>,
    pub status: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_until: Option<i64>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub org_id: Option<String>,
    pub max_attempts: i64,
    /// Epoch ms at which the job becomes runnable.
    pub run_at: i64,
}

impl NewJob {
    pub fn new(kind: &str, payload: serde_json::Value) -> Self {
        NewJob {
            id: uuid::Uuid::new_v4().to_string(),
            kind: kind.to_string(),
            payload,
            org_id: None,
            max_attempts: 5,
            run_at: now_ms(),
        }
    }

    pub fn for_org(mut self, org_id: &str) -> Self {
        self.org_id = Some(org_id.to_string());
        self
    }

    pub fn max_attempts(mut self, n: i64) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    pub fn run_at(mut self, at_ms: i64) -> Self {
        self.run_at = at_ms;
        self
    }
}

impl Tx {
    /// Enqueues a job in this transaction: it exists only if the transaction commits, and the
    /// workers are woken by the commit.
    pub async fn insert_job(&mut self, job: &NewJob) -> StoreResult<()> {
        let now = now_ms();
        on_tx!(self, |conn| {
            sqlx::query(
                "INSERT INTO jobs (id, kind, payload, org_id, status, attempts, max_attempts, run_at,
                                   created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $8)",
            )
            .bind(&job.id)
            .bind(&job.kind)
            .bind(job.payload.to_string())
            .bind(job.org_id.as_deref())
            .bind(JobState::Queued)
            .bind(job.max_attempts)
            .bind(job.run_at)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        });
        self.enqueued = true;
        Ok(())
    }
}

/// Jobs not yet finished well, for `/metrics`: counted through the index on the status, so the
/// count costs what is open, not everything ever run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpenJobs {
    pub queued: i64,
    pub running: i64,
    pub dead: i64,
}

/// Job counts by status (every job ever run: a full count, for tests and tools — `/metrics`
/// uses [`OpenJobs`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub completed: i64,
    pub dead: i64,
}

impl super::Store {
    /// Enqueues jobs on their own (when there is no business write to share a transaction with).
    pub async fn enqueue(&self, jobs: &[NewJob]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for job in jobs {
            tx.insert_job(job).await?;
        }
        tx.commit().await
    }

    /// Wakes workers after a commit that enqueued jobs: this process's at once, other processes'
    /// through PostgreSQL `NOTIFY` (SQLite is single-host; other processes there rely on polling).
    pub(crate) async fn jobs_committed(&self) {
        self.wake_local_workers();
        if let Pool::Postgres(pool) = &self.pool
            && let Err(error) = sqlx::query("SELECT pg_notify($1, '')")
                .bind(postgres::JOBS_CHANNEL)
                .execute(pool)
                .await
        {
            tracing::warn!(%error, "could not notify remote workers; they will poll");
        }
    }

    /// Claims up to `limit` runnable jobs for `worker_id`, leased until now + `lease_ms`.
    pub async fn claim_jobs(
        &self,
        worker_id: &str,
        lease_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<Job>> {
        let now = now_ms();
        let sql = match &self.pool {
            Pool::Sqlite(_) => sqlite::CLAIM_JOBS,
            Pool::Postgres(_) => postgres::CLAIM_JOBS,
        };
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, Job>(sql)
                .bind(worker_id)
                .bind(now + lease_ms)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?)
        })
    }

    /// Extends the lease; `false` when the job is no longer this worker's.
    pub async fn renew_lease(
        &self,
        job_id: &str,
        worker_id: &str,
        lease_ms: i64,
    ) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query(RENEW_LEASE)
                .bind(job_id)
                .bind(worker_id)
                .bind(now_ms() + lease_ms)
                .bind(now_ms())
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Marks the job completed; `false` when the job is no longer this worker's.
    pub async fn complete_job(&self, job_id: &str, worker_id: &str) -> StoreResult<bool> {
        let now = now_ms();
        with_conn!(self, |pool| {
            let done = sqlx::query(COMPLETE_JOB)
                .bind(job_id)
                .bind(worker_id)
                .bind(now)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Records a failed attempt: back to the queue at `retry_at`, or dead-lettered when `None`.
    pub async fn fail_job(
        &self,
        job_id: &str,
        worker_id: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<bool> {
        let now = now_ms();
        with_conn!(self, |pool| {
            let done = match retry_at {
                Some(at) => {
                    sqlx::query(RETRY_JOB)
                        .bind(job_id)
                        .bind(worker_id)
                        .bind(error)
                        .bind(at)
                        .bind(now)
                        .execute(pool)
                        .await?
                }
                None => {
                    sqlx::query(BURY_JOB)
                        .bind(job_id)
                        .bind(worker_id)
                        .bind(error)
                        .bind(now)
                        .execute(pool)
                        .await?
                }
            };
            Ok(done.rows_affected() == 1)
        })
    }

    /// Gives a claimed job back untouched (graceful shutdown): the attempt does not count.
    pub async fn release_job(&self, job_id: &str, worker_id: &str) -> StoreResult<bool> {
        with_conn!(self, |pool| {
            let done = sqlx::query(RELEASE_JOB)
                .bind(job_id)
                .bind(worker_id)
                .bind(now_ms())
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn job(&self, job_id: &str) -> StoreResult<Option<Job>> {
        with_conn!(self, |pool| {
            Ok(sqlx::query_as::<_, Job>("SELECT * FROM jobs WHERE id = $1")
                .bind(job_id)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Queued, running and dead jobs (`/metrics`).
    pub async fn open_jobs(&self) -> StoreResult<OpenJobs> {
        let rows: Vec<(JobState, i64)> = with_conn!(self, |pool| {
            sqlx::query_as(OPEN_JOBS)
                .bind(JobState::Queued)
                .bind(JobState::Running)
                .bind(JobState::Dead)
                .fetch_all(pool)
                .await?
        });
        let mut open = OpenJobs::default();
        for (status, n) in rows {
            match status {
                JobState::Queued => open.queued = n,
                JobState::Running => open.running = n,
                JobState::Dead => open.dead = n,
                JobState::Completed => {}
            }
        }
        Ok(open)
    }

    pub async fn job_counts(&self) -> StoreResult<JobCounts> {
        let rows: Vec<(JobState, i64)> = with_conn!(self, |pool| {
            sqlx::query_as("SELECT status, COUNT(*) FROM jobs GROUP BY status")
                .fetch_all(pool)
                .await?
        });
        let mut counts = JobCounts::default();
        for (status, n) in rows {
            match status {
                JobState::Queued => counts.queued = n,
                JobState::Running => counts.running = n,
                JobState::Completed => counts.completed = n,
                JobState::Dead => counts.dead = n,
            }
        }
        Ok(counts)
    }
}

// Statements on the request and job paths: named, so `store::hot` can check their plans.

pub(super) const RENEW_LEASE: &str = "UPDATE jobs SET lease_until = $3, updated_at = $4
    WHERE id = $1 AND locked_by = $2 AND status = 'running'";

pub(super) const COMPLETE_JOB: &str =
    "UPDATE jobs SET status = 'completed', completed_at = $3, updated_at = $3,
    lease_until = NULL, last_error = NULL
    WHERE id = $1 AND locked_by = $2 AND status = 'running'";

pub(super) const RETRY_JOB: &str =
    "UPDATE jobs SET status = 'queued', run_at = $4, last_error = $3,
    locked_by = NULL, lease_until = NULL, updated_at = $5
    WHERE id = $1 AND locked_by = $2 AND status = 'running'";

pub(super) const BURY_JOB: &str =
    "UPDATE jobs SET status = 'dead', last_error = $3, lease_until = NULL,
    completed_at = $4, updated_at = $4
    WHERE id = $1 AND locked_by = $2 AND status = 'running'";

pub(super) const RELEASE_JOB: &str =
    "UPDATE jobs SET status = 'queued', locked_by = NULL, lease_until = NULL,
    attempts = attempts - 1, updated_at = $3
    WHERE id = $1 AND locked_by = $2 AND status = 'running'";

pub(super) const OPEN_JOBS: &str =
    "SELECT status, COUNT(*) FROM jobs WHERE status IN ($1, $2, $3) GROUP BY status";
