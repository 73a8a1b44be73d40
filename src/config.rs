//! Configuration: defaults → TOML file (`--config`) → `SATYAPAN_*` environment → command-line
//! flags, each layer overriding the one before.

use std::path::Path;
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::jobs::WorkerConfig;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP API listens on (`host:port`; port 0 picks a free one).
    pub listen: String,
    /// `sqlite://FILE` (created if missing) or `postgres://…`.
    pub database_url: Secret<String>,
    pub database_max_connections: u32,
    /// Run job workers in this process.
    pub workers: bool,
    /// Jobs run at once per process.
    pub worker_concurrency: usize,
    pub job_poll_interval_ms: u64,
    pub job_lease_secs: u64,
    pub job_base_backoff_ms: u64,
    pub job_max_backoff_secs: u64,
    pub shutdown_grace_secs: u64,
    pub log_format: LogFormat,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long an `Idempotency-Key` is remembered.
    pub idempotency_ttl_hours: u64,
    /// Delay added to every sandbox source call (so polling shows work in progress).
    pub sandbox_latency_ms: u64,
    /// How long a call to an upstream source may take before it counts as a timeout.
    pub provider_timeout_secs: u64,
    /// Credits a GST verification costs (charged at initiation, refunded if it fails).
    pub gst_initiate_cost: i64,
    /// Credits a bureau pull costs whenever the bureau is reached.
    pub bureau_pull_cost: i64,
    /// The address clients reach this server at, for signed links (default: the listen address).
    pub public_url: Option<String>,
    /// Base64 of 32 bytes sealing secrets at rest (an Aadhaar). Unset: a key is generated once
    /// and kept in the database's settings table — set this in production so the key lives apart
    /// from the data.
    pub data_encryption_key: Option<Secret<String>>,
    /// Completed reports held in memory per process (0: none); a read of one then costs no
    /// database work beyond authentication. A completed report never changes.
    pub report_cache_entries: usize,
    /// How long a serving process holds an active API key in memory at most instead of looking
    /// it up (0: every request looks it up). A key taken out of use by any process, on either
    /// backend, is refused from the next request after the change returned regardless: requests
    /// check the keys' generation counter (`store::keys`).
    pub api_key_cache_secs: u64,
    /// PDF reports rendered at once per process (each takes a core and tens of MB while it
    /// runs); further downloads wait for a slot. A case's PDF is rendered once per version.
    pub max_concurrent_pdf_renders: usize,
    /// Input PDFs (a KTP or selfie scanned into a PDF) opened and rendered at once per process
    /// by the document stages (each takes a core and up to about 60 MB while it runs); further
    /// stages wait. A file's page is rendered once for all its stages (`docs/documents.md`).
    pub max_concurrent_document_renders: usize,
    /// How long a signed document or report link stays valid.
    pub signed_url_ttl_secs: u64,
    /// Minimum seconds between two report polls of one case by one API key (0: no limit).
    pub report_poll_interval_secs: u64,
    /// Delays between webhook delivery attempts (about a day in all by default).
    pub webhook_retry_schedule_secs: Vec<u64>,
    pub webhook_timeout_secs: u64,
    /// Networks (CIDR) webhook deliveries may reach besides public addresses: internal receivers.
    pub webhook_allowed_networks: Vec<String>,
    /// Credits one screening search costs (`POST /api/v2/screening/search`, `GET /v2/search`).
    pub screening_search_cost: i64,
    /// Seconds between two looks for a newer screening list version (an import in this process
    /// is noticed at once).
    pub screening_refresh_secs: u64,
    /// Bearer token of the operator endpoints under `/admin/…` (list imports). Unset: those
    /// endpoints answer 404.
    pub admin_token: Option<Secret<String>>,
    /// Check types pointed at a real upstream: `[connectors.identity_pan]` … (docs/connectors.md).
    pub connectors: std::collections::BTreeMap<String, crate::providers::http::HttpConnectorConfig>,
    /// Where uploaded files, verification outputs and exports are kept (a local directory,
    /// created if missing), unless `files_s3` names a bucket.
    pub files_dir: String,
    /// An S3-compatible bucket for the files instead of `files_dir` (shared by every API machine).
    pub files_s3: Option<crate::files::S3Config>,
    /// Largest file `POST /uploads` accepts, in bytes.
    pub upload_max_file_bytes: usize,
    /// Most files one `POST /uploads` may carry.
    pub upload_max_files: usize,
    /// Upload bytes held in memory at once across the process (a PDF being counted, a part on
    /// its way to the file store); uploads arrive into temporary files, so a burst waits here
    /// instead of growing the process.
    pub upload_buffer_bytes: usize,
    /// Failed logins one account may make per `login_window_secs` before it must wait.
    pub login_max_failures: u32,
    /// Login attempts one client address may make per `login_window_secs`.
    pub login_max_attempts_per_address: u32,
    pub login_window_secs: u64,
    /// AnyCheck requests running longer are answered 408 REQUEST_TIMEOUT.
    pub request_timeout_secs: u64,
    /// A request's head (request line and headers) must arrive whole within this long, from the
    /// connection's accept or the request's first byte; else the connection is closed (0: no
    /// bound).
    pub http_header_read_timeout_secs: u64,
    /// A kept-alive connection with no request under way is closed when no next request starts
    /// within this long (0: no bound).
    pub http_idle_timeout_secs: u64,
    /// Where the face models are (`scripts/setup.sh` extracts them there); `SATYAPAN_MODELS_DIR`.
    pub models_dir: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: Secret::new("sqlite://satyapan.db".into()),
            database_max_connections: 10,
            workers: true,
            worker_concurrency: 8,
            job_poll_interval_ms: 1000,
            job_lease_secs: 30,
            job_base_backoff_ms: 2000,
            job_max_backoff_secs: 3600,
            shutdown_grace_secs: 30,
            log_format: LogFormat::Human,
            max_body_bytes: 10 * 1024 * 1024,
            idempotency_ttl_hours: 24,
            sandbox_latency_ms: 0,
            provider_timeout_secs: 30,
            gst_initiate_cost: 3,
            bureau_pull_cost: 1,
            public_url: None,
            data_encryption_key: None,
            max_concurrent_pdf_renders: 2,
            max_concurrent_document_renders: 2,
            report_cache_entries: 10_000,
            api_key_cache_secs: 5,
            signed_url_ttl_secs: 3600,
            report_poll_interval_secs: 15,
            webhook_retry_schedule_secs: vec![
                30, 60, 300, 900, 1800, 3600, 7200, 10800, 14400, 21600, 21600,
            ],
            webhook_timeout_secs: 10,
            webhook_allowed_networks: Vec::new(),
            screening_search_cost: 1,
            screening_refresh_secs: 30,
            admin_token: None,
            connectors: std::collections::BTreeMap::new(),
            files_dir: "satyapan-files".into(),
            files_s3: None,
            upload_max_file_bytes: 10 * 1024 * 1024,
            upload_max_files: 10,
            upload_buffer_bytes: 64 * 1024 * 1024,
            login_max_failures: 5,
            login_max_attempts_per_address: 30,
            login_window_secs: 900,
            request_timeout_secs: 60,
            http_header_read_timeout_secs: 10,
            http_idle_timeout_secs: 30,
            models_dir: "models".into(),
        }
    }
}

impl Config {
    /// Layers defaults, the optional TOML file, `SATYAPAN_*` variables and `overrides` (flags,
    /// as a partial document: only the keys the user gave).
    pub fn load(
        file: Option<&Path>,
        overrides: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Config, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        // Only variables naming a configuration key are read, so unrelated `SATYAPAN_*`
        // variables (the test suite's database URL, say) are not mistaken for typos.
        let known: Vec<String> = serde_json::to_value(Config::default())
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_default();
        figment
            .merge(
                Env::prefixed("SATYAPAN_")
                    .filter(move |key| known.iter().any(|k| key.as_str().eq_ignore_ascii_case(k))),
            )
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)
    }

    pub fn worker_config(&self) -> WorkerConfig {
        WorkerConfig {
            concurrency: self.worker_concurrency.max(1),
            poll_interval: Duration::from_millis(self.job_poll_interval_ms.max(10)),
            lease: Duration::from_secs(self.job_lease_secs.max(1)),
            base_backoff: Duration::from_millis(self.job_base_backoff_ms),
            max_backoff: Duration::from_secs(self.job_max_backoff_secs),
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_file_then_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("satyapan.toml");
        std::fs::write(&path, "listen = \"0.0.0.0:9000\"\nworker_concurrency = 3\n").unwrap();
        let mut flags = serde_json::Map::new();
        flags.insert("worker_concurrency".into(), 5.into());
        let config = Config::load(Some(&path), flags).unwrap();
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(config.worker_concurrency, 5);
        assert_eq!(config.database_url.expose(), "sqlite://satyapan.db");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        assert!(Config::load(Some(&path), serde_json::Map::new()).is_err());
    }

    #[test]
    fn debug_never_shows_the_database_url() {
        let config = Config {
            database_url: Secret::new("postgres://u:pw@h/db".into()),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("pw"));
    }
}
