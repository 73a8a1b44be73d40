//! Durable jobs: leases, retries, dead-letters, wake-ups, shutdown, and no double claims.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use satyapan::jobs::{Job, JobError, JobHandler, NewJob, Registry, WorkerConfig, WorkerPool};
use satyapan::store::Store;
use tokio_util::sync::CancellationToken;

use crate::helpers::{eventually, fresh_database};

/// Records every run; optionally fails or sleeps; flags two holders of one job at once.
#[derive(Default)]
struct Recorder {
    runs: Mutex<HashMap<String, u32>>,
    running: Mutex<std::collections::HashSet<String>>,
    overlaps: Mutex<u32>,
    deaths: Mutex<u32>,
    fail_with: Option<fn(&Job) -> JobError>,
    sleep: Duration,
}

#[async_trait]
impl JobHandler for Recorder {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        if !self.running.lock().unwrap().insert(job.id.clone()) {
            *self.overlaps.lock().unwrap() += 1;
        }
        tokio::time::sleep(self.sleep).await;
        *self.runs.lock().unwrap().entry(job.id.clone()).or_default() += 1;
        self.running.lock().unwrap().remove(&job.id);
        match self.fail_with {
            Some(fail) => Err(fail(job)),
            None => Ok(()),
        }
    }

    async fn on_dead(&self, _job: &Job, _error: &str) {
        *self.deaths.lock().unwrap() += 1;
    }
}

struct Fixture {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn fixture() -> Fixture {
    crate::helpers::init_test_logging();
    let (url, dir) = fresh_database().await;
    Fixture {
        store: Store::connect(&url, 10).await.unwrap(),
        _dir: dir,
    }
}

fn config() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        poll_interval: Duration::from_millis(50),
        lease: Duration::from_millis(600),
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        shutdown_grace: Duration::from_secs(5),
    }
}

fn start(
    store: &Store,
    handler: Arc<Recorder>,
    config: WorkerConfig,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let mut registry = Registry::new();
    registry.register("test.record", handler);
    let stop = CancellationToken::new();
    let pool = WorkerPool::new(store.clone(), registry, config);
    let handle = tokio::spawn(pool.run(stop.clone()));
    (stop, handle)
}

async fn wait_status(store: &Store, id: &str, status: &str) -> Job {
    eventually(20, || async {
        let job = store.job(id).await.unwrap().unwrap();
        (job.status.as_str() == status).then_some(job)
    })
    .await
}

#[tokio::test]
async fn a_job_whose_worker_died_runs_again_and_completes_once() {
    let f = fixture().await;
    let job = NewJob::new("test.record", serde_json::json!({"n": 1}));
    f.store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    // A worker claims it and dies: it never renews or completes.
    let claimed = f.store.claim_jobs("dead-worker", 300, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    // While the lease holds, nobody else can take it.
    assert!(
        f.store
            .claim_jobs("other", 300, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let recorder = Arc::new(Recorder::default());
    let (stop, handle) = start(&f.store, recorder.clone(), config());
    let done = wait_status(&f.store, &job.id, "completed").await;
    stop.cancel();
    handle.await.unwrap();
    assert_eq!(done.attempts, 2);
    assert_eq!(recorder.runs.lock().unwrap().get(&job.id), Some(&1));
    // The dead worker coming back cannot complete it a second time.
    assert!(!f.store.complete_job(&job.id, "dead-worker").await.unwrap());
}

#[tokio::test]
async fn concurrent_workers_never_hold_the_same_job() {
    let f = fixture().await;
    let jobs: Vec<NewJob> = (0..120)
        .map(|i| NewJob::new("test.record", serde_json::json!({"n": i})))
        .collect();
    f.store.enqueue(&jobs).await.unwrap();
    let recorder = Arc::new(Recorder {
        sleep: Duration::from_millis(5),
        ..Recorder::default()
    });
    let pools: Vec<_> = (0..3)
        .map(|_| start(&f.store, recorder.clone(), config()))
        .collect();
    eventually(60, || async {
        let counts = f.store.job_counts().await.unwrap();
        (counts.completed == 120).then_some(())
    })
    .await;
    for (stop, handle) in pools {
        stop.cancel();
        handle.await.unwrap();
    }
    let runs = recorder.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 120);
    assert!(runs.values().all(|&n| n == 1), "a job ran twice: {runs:?}");
    assert_eq!(*recorder.overlaps.lock().unwrap(), 0);
    for job in &jobs {
        assert_eq!(f.store.job(&job.id).await.unwrap().unwrap().attempts, 1);
    }
}

#[tokio::test]
async fn retryable_failures_back_off_then_dead_letter() {
    let f = fixture().await;
    let job = NewJob::new("test.record", serde_json::json!({})).max_attempts(3);
    f.store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let recorder = Arc::new(Recorder {
        fail_with: Some(|job| {
            JobError::Retry(format!("upstream timeout on attempt {}", job.attempts))
        }),
        ..Recorder::default()
    });
    let (stop, handle) = start(&f.store, recorder.clone(), config());
    let dead = wait_status(&f.store, &job.id, "dead").await;
    stop.cancel();
    handle.await.unwrap();
    assert_eq!(dead.attempts, 3);
    assert_eq!(
        dead.last_error.as_deref(),
        Some("upstream timeout on attempt 3")
    );
    assert_eq!(recorder.runs.lock().unwrap().get(&job.id), Some(&3));
    assert_eq!(*recorder.deaths.lock().unwrap(), 1);
}

#[tokio::test]
async fn fatal_failures_and_unknown_kinds_dead_letter_at_once() {
    let f = fixture().await;
    let fatal = NewJob::new("test.record", serde_json::json!({}));
    let unknown = NewJob::new("test.nobody-handles-this", serde_json::json!({}));
    f.store
        .enqueue(&[fatal.clone(), unknown.clone()])
        .await
        .unwrap();
    let recorder = Arc::new(Recorder {
        fail_with: Some(|_| JobError::Fatal("bad payload".into())),
        ..Recorder::default()
    });
    let (stop, handle) = start(&f.store, recorder, config());
    let dead = wait_status(&f.store, &fatal.id, "dead").await;
    let orphan = wait_status(&f.store, &unknown.id, "dead").await;
    stop.cancel();
    handle.await.unwrap();
    assert_eq!(
        (dead.attempts, dead.last_error.as_deref()),
        (1, Some("bad payload"))
    );
    assert!(orphan.last_error.unwrap().contains("no handler registered"));
}

#[tokio::test]
async fn an_enqueue_wakes_idle_workers_without_waiting_for_the_poll() {
    let f = fixture().await;
    let recorder = Arc::new(Recorder::default());
    let (stop, handle) = start(
        &f.store,
        recorder,
        WorkerConfig {
            poll_interval: Duration::from_secs(3600),
            ..config()
        },
    );
    // Let the pool go idle, then enqueue.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let job = NewJob::new("test.record", serde_json::json!({}));
    f.store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    wait_status(&f.store, &job.id, "completed").await;
    stop.cancel();
    handle.await.unwrap();
}

#[tokio::test]
async fn shutdown_hands_back_jobs_that_outlive_the_grace_period() {
    let f = fixture().await;
    let job = NewJob::new("test.record", serde_json::json!({}));
    f.store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let recorder = Arc::new(Recorder {
        sleep: Duration::from_secs(30),
        ..Recorder::default()
    });
    let (stop, handle) = start(
        &f.store,
        recorder,
        WorkerConfig {
            shutdown_grace: Duration::from_millis(100),
            ..config()
        },
    );
    wait_status(&f.store, &job.id, "running").await;
    stop.cancel();
    handle.await.unwrap();
    let job = f.store.job(&job.id).await.unwrap().unwrap();
    assert_eq!(
        (job.status.as_str(), job.attempts, job.locked_by),
        ("queued", 0, None)
    );
}
