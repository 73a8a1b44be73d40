//! The test harness: a real server on port 0 over a fresh database per test.
//!
//! Backend: SQLite in a temporary directory by default; PostgreSQL when
//! `SATYAPAN_TEST_DATABASE_URL` is set (a fresh database is created on that server per test).

use std::time::Duration;

use reqwest::header::HeaderMap;
use satyapan::App;
use satyapan::config::Config;
use satyapan::domain::api_keys::GeneratedKey;
use satyapan::secret::Secret;
use satyapan::store::Store;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub http: reqwest::Client,
    /// A sandbox organisation with 1,000 credits, created for every test.
    pub org_id: String,
    pub key: String,
    shutdown: CancellationToken,
    _server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: Option<tempfile::TempDir>,
    /// Where this test's uploaded files and outputs are kept (unless in S3, below).
    pub files_dir: tempfile::TempDir,
    /// This test's bucket when `SATYAPAN_TEST_S3_ENDPOINT` names an S3-compatible server.
    pub files_s3: Option<satyapan::files::S3Config>,
    /// The database the server runs on (for a second connection, as another process would).
    pub database_url: String,
}

pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.text))
    }
}

/// Logs go to the test harness's captured output, warnings and up unless RUST_LOG says more.
pub fn init_test_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// A fresh, migrated database URL for one test (and the temp dir that must outlive it).
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("SATYAPAN_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("satyapan_t_{}", uuid::Uuid::new_v4().simple());
            let admin = Store::connect_admin(&base)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let url = match base.rfind('/') {
                Some(i) if base[..i].contains("://") && i > base.find("://").unwrap() + 2 => {
                    format!("{}/{name}", &base[..i])
                }
                _ => format!("{base}/{name}"),
            };
            (url, None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            (url, Some(dir))
        }
    }
}

/// A fresh bucket for one test on the S3-compatible server `SATYAPAN_TEST_S3_ENDPOINT` names
/// (e.g. `moto_server`), if any: the file store then runs on S3 instead of a local directory.
pub async fn fresh_bucket() -> Option<satyapan::files::S3Config> {
    let endpoint = std::env::var("SATYAPAN_TEST_S3_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())?;
    let bucket = format!("satyapan-t-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{}/{bucket}", endpoint.trim_end_matches('/')))
        .send()
        .await
        .expect("create bucket");
    assert!(created.status().is_success(), "create bucket: {created:?}");
    let config = serde_json::json!({
        "bucket": bucket, "region": "us-east-1", "endpoint": endpoint,
        "access_key_id": "test", "secret_access_key": "test", "allow_http": true,
    });
    Some(serde_json::from_value(config).expect("S3 config"))
}

pub fn test_config(database_url: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".into(),
        database_url: Secret::new(database_url.to_string()),
        job_poll_interval_ms: 50,
        job_base_backoff_ms: 20,
        job_max_backoff_secs: 1,
        shutdown_grace_secs: 5,
        report_poll_interval_secs: 0,
        webhook_retry_schedule_secs: vec![0; 5],
        // The tests' webhook receivers listen on loopback.
        webhook_allowed_networks: vec!["127.0.0.0/8".into(), "::1/128".into()],
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn_prepared(adjust, async |_: &Store| {}).await
    }

    /// As [`TestApp::spawn_with`], running `setup` on the migrated database before the server
    /// is built (data a server finds at its start).
    pub async fn spawn_prepared(
        adjust: impl FnOnce(&mut Config),
        setup: impl AsyncFnOnce(&Store),
    ) -> TestApp {
        init_test_logging();
        let (url, dir) = fresh_database().await;
        let files_dir = tempfile::tempdir().expect("files dir");
        let files_s3 = fresh_bucket().await;
        let mut config = test_config(&url);
        config.files_dir = files_dir.path().display().to_string();
        config.files_s3 = files_s3.clone();
        adjust(&mut config);
        let store = Store::connect(&url, config.database_max_connections)
            .await
            .expect("connect");
        setup(&store).await;
        let app = App::build_with_store(config, store)
            .await
            .expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let store = app.store().clone();
        let shutdown = app.shutdown_token();
        let server = tokio::spawn(app.run_until_stopped());
        let (org_id, key) = create_org(&store, "Acme Hiring", 1000).await;
        TestApp {
            base,
            store,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("http client"),
            org_id,
            key,
            shutdown,
            _server: server,
            _dir: dir,
            files_dir,
            files_s3,
            database_url: url,
        }
    }

    /// The file store the server uses (the same directory or bucket).
    pub fn files(&self) -> satyapan::files::FileStore {
        match &self.files_s3 {
            Some(s3) => satyapan::files::FileStore::s3(s3).expect("S3 file store"),
            None => satyapan::files::FileStore::local(&self.files_dir.path().display().to_string())
                .expect("local file store"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> TestResponse {
        let response = request.send().await.expect("request failed");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        TestResponse {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_as(path, &self.key).await
    }

    pub async fn get_as(&self, path: &str, key: &str) -> TestResponse {
        self.send(self.http.get(self.url(path)).bearer_auth(key))
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.post_as(path, &self.key, body).await
    }

    pub async fn post_as(&self, path: &str, key: &str, body: &Value) -> TestResponse {
        self.send(self.http.post(self.url(path)).bearer_auth(key).json(body))
            .await
    }

    pub async fn balance(&self) -> i64 {
        self.store.balance(&self.org_id).await.expect("balance")
    }
}

/// A worker pool started by a test (as a separate worker process would be).
pub struct Workers {
    stop: CancellationToken,
    handle: tokio::task::JoinHandle<()>,
}

impl Workers {
    pub async fn stop(self) {
        self.stop.cancel();
        self.handle.await.expect("workers stop cleanly");
    }
}

impl TestApp {
    /// Starts a worker pool on the app's database, like `satyapan worker` would.
    pub async fn start_workers(&self) -> Workers {
        let mut config = test_config("unused");
        config.files_dir = self.files_dir.path().display().to_string();
        config.files_s3 = self.files_s3.clone();
        let shared = satyapan::Shared::load(&self.store, &config)
            .await
            .expect("keys");
        let stop = CancellationToken::new();
        let handle = satyapan::spawn_workers(
            self.store.clone(),
            satyapan::job_registry(&self.store, &shared, &config),
            &config,
            stop.clone(),
        );
        Workers { stop, handle }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Creates a sandbox organisation with `credits` and returns `(org_id, api_key)`.
pub async fn create_org(store: &Store, name: &str, credits: i64) -> (String, String) {
    create_org_of_kind(store, name, credits, true).await
}

/// Creates a live organisation (its inputs are never answered by the sandbox).
pub async fn create_live_org(store: &Store, name: &str, credits: i64) -> (String, String) {
    create_org_of_kind(store, name, credits, false).await
}

async fn create_org_of_kind(
    store: &Store,
    name: &str,
    credits: i64,
    sandbox: bool,
) -> (String, String) {
    let key = GeneratedKey::new(sandbox);
    let org_id = uuid::Uuid::new_v4().to_string();
    store
        .create_org(
            &org_id,
            name,
            credits,
            sandbox,
            &satyapan::store::orgs::NewKey::from(&key),
        )
        .await
        .expect("create org");
    (org_id, key.plaintext)
}

/// Polls `check` until it returns `Some`, for up to `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("condition not met within {secs}s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
