//! Satyapan: background verification and KYC, as a library. `main.rs` is a thin CLI over it;
//! the integration tests build the same [`App`] on port 0.
#![deny(clippy::unwrap_used)]

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod documents;
pub mod domain;
pub mod files;
pub mod jobs;
pub mod providers;
pub mod reports;
pub mod screening;
pub mod secret;
pub mod store;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use api::AppState;
use config::Config;
use jobs::{Registry, WorkerPool};
use providers::Providers;
use store::Store;

/// What API and worker processes share beyond the store: sources and instance keys.
#[derive(Clone)]
pub struct Shared {
    pub providers: Providers,
    /// Seals secrets at rest (an Aadhaar number).
    pub vault: Arc<crypto::Vault>,
    /// Signs expiring links to evidence files and reports.
    pub link_key: Arc<Vec<u8>>,
    /// Which addresses webhook deliveries may reach.
    pub webhook_targets: Arc<domain::webhooks::TargetPolicy>,
    /// Signs the AnyCheck surface's JWTs (one key per installation, like the link key).
    pub jwt_key: Arc<Vec<u8>>,
    /// Uploaded files, verification outputs and exports.
    pub files: files::FileStore,
}

impl Shared {
    /// Loads (creating on first start) the instance keys every process must agree on.
    pub async fn load(store: &Store, config: &Config) -> anyhow::Result<Shared> {
        let data_key = match &config.data_encryption_key {
            Some(key) => key.expose().clone(),
            None => {
                store
                    .setting_or_init("data_key", &crypto::generate_key())
                    .await?
            }
        };
        let link_key = store
            .setting_or_init("link_signing_key", &crypto::generate_key())
            .await?;
        let jwt_key = store
            .setting_or_init("jwt_signing_key", &crypto::generate_key())
            .await?;
        let files = match &config.files_s3 {
            Some(s3) => files::FileStore::s3(s3),
            None => files::FileStore::local(&config.files_dir),
        }
        .map_err(|e| anyhow::anyhow!("file store: {e}"))?;
        for check_type in config.connectors.keys() {
            if domain::catalog::spec(check_type).is_none() {
                anyhow::bail!(
                    "connectors.{check_type}: not a check type ({})",
                    domain::catalog::keys().join(", ")
                );
            }
        }
        let engine = Arc::new(screening::engine::Engine::new());
        if !store.has_list_versions().await? {
            // Nothing to build: searches answer (with no list) from the start.
            engine.install(screening::index::Index::build(Vec::new()));
        }
        app::screening::spawn_refresher(
            store.clone(),
            &engine,
            std::time::Duration::from_secs(config.screening_refresh_secs.max(1)),
            None,
        );
        let vault = Arc::new(
            crypto::Vault::new(&data_key)
                .map_err(|e| anyhow::anyhow!("data_encryption_key: {e}"))?,
        );
        let mut providers = Providers::from_config(config, engine)
            .map_err(|e| anyhow::anyhow!("connector configuration: {e}"))?;
        providers.kyc = crate::providers::documents::DocumentStages::new(
            vault.clone(),
            config.max_concurrent_document_renders,
        )
        .install(providers.kyc);
        Ok(Shared {
            providers,
            vault,
            link_key: Arc::new(link_key.into_bytes()),
            webhook_targets: Arc::new(
                domain::webhooks::TargetPolicy::parse(&config.webhook_allowed_networks)
                    .map_err(|e| anyhow::anyhow!("webhook_allowed_networks: {e}"))?,
            ),
            jwt_key: Arc::new(jwt_key.into_bytes()),
            files,
        })
    }

    /// Attempts a webhook delivery job gets.
    pub fn webhook_attempts(config: &Config) -> i64 {
        app::webhooks::DeliveryHandler::max_attempts(config.webhook_retry_schedule_secs.len())
    }
}

/// The job handlers every worker process runs.
pub fn job_registry(store: &Store, shared: &Shared, config: &Config) -> Registry {
    let mut registry = Registry::new();
    registry.register_kind::<app::gst::FetchJob>(Arc::new(app::gst::FetchHandler {
        store: store.clone(),
        providers: shared.providers.clone(),
    }));
    registry.register_kind::<app::cases::CheckJob>(Arc::new(app::cases::CheckHandler {
        store: store.clone(),
        providers: shared.providers.clone(),
        vault: shared.vault.clone(),
        webhook_attempts: Shared::webhook_attempts(config),
        files: shared.files.clone(),
    }));
    registry.register_kind::<app::verifications::StageJob>(Arc::new(
        app::verifications::StageHandler {
            store: store.clone(),
            files: shared.files.clone(),
            stages: shared.providers.kyc.clone(),
            vault: shared.vault.clone(),
            webhook_attempts: Shared::webhook_attempts(config),
            timeout: shared.providers.timeout,
        },
    ));
    registry.register_kind::<app::screening::RescreenJob>(Arc::new(
        app::screening::RescreenHandler {
            store: store.clone(),
            engine: shared.providers.engine.clone(),
            webhook_attempts: Shared::webhook_attempts(config),
        },
    ));
    registry.register_kind::<app::webhooks::DeliveryJob>(Arc::new(
        app::webhooks::DeliveryHandler::new(
            store.clone(),
            shared.webhook_targets.clone(),
            std::time::Duration::from_secs(config.webhook_timeout_secs.max(1)),
            config
                .webhook_retry_schedule_secs
                .iter()
                .map(|s| std::time::Duration::from_secs(*s))
                .collect(),
        ),
    ));
    registry
}

/// A built server: the listener is bound, the database migrated, nothing is running yet.
pub struct App {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    registry: Registry,
    shutdown: CancellationToken,
}

impl App {
    /// Connects the database (running migrations) and binds the listener (`listen` may use
    /// port 0). Workers start with [`App::run_until_stopped`] when `config.workers` is set.
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let store = Store::connect(
            config.database_url.expose(),
            config.database_max_connections,
        )
        .await
        .with_context(|| {
            format!(
                "connecting to {}",
                store::redact_url(config.database_url.expose())
            )
        })?;
        Self::build_with_store(config, store).await
    }

    /// As [`App::build`], over an already connected store.
    pub async fn build_with_store(config: Config, store: Store) -> anyhow::Result<App> {
        let listener = TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        let shared = Shared::load(&store, &config).await?;
        let registry = job_registry(&store, &shared, &config);
        store.set_key_cache_ttl(std::time::Duration::from_secs(config.api_key_cache_secs));
        let links = app::links::Links {
            base_url: config
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{addr}")),
            key: shared.link_key.clone(),
            ttl_secs: i64::try_from(config.signed_url_ttl_secs).unwrap_or(3600),
        };
        let state = AppState {
            store,
            providers: shared.providers.clone(),
            vault: shared.vault.clone(),
            links,
            webhook_targets: shared.webhook_targets.clone(),
            webhook_attempts: Shared::webhook_attempts(&config),
            pdf_renders: app::cases::RenderGate::new(config.max_concurrent_pdf_renders),
            reports: app::cases::ReportCache::new(config.report_cache_entries),
            poll_limiter: Arc::new(api::konnectnxt::recruiter::poll_limiter(
                config.report_poll_interval_secs,
            )),
            tokens: Arc::new(app::auth::Tokens::new(&shared.jwt_key)),
            login_limiter: Arc::new(app::auth::LoginLimiter::new(
                config.login_max_failures,
                config.login_max_attempts_per_address,
                i64::try_from(config.login_window_secs).unwrap_or(900),
            )),
            files: shared.files.clone(),
            upload_budget: crate::files::spool::UploadBudget::new(config.upload_buffer_bytes),
            config: Arc::new(config),
            metrics: telemetry::metrics_handle(),
        };
        Ok(App {
            listener,
            addr,
            state,
            registry,
            shutdown: CancellationToken::new(),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Cancel this token to stop the server and its workers gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves HTTP (and runs workers, if configured) until the shutdown token is cancelled;
    /// in-flight requests finish and claimed jobs finish or are handed back.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let App {
            listener,
            state,
            registry,
            shutdown,
            ..
        } = self;
        let workers = state.config.workers.then(|| {
            spawn_workers(
                state.store.clone(),
                registry,
                &state.config,
                shutdown.clone(),
            )
        });
        state.store.watch_key_generation(shutdown.clone());
        let listener = api::listener(listener, &state.config).await;
        let router = api::router(state);
        let stop = shutdown.clone();
        axum::serve(listener, api::common::timeouts::Connections::new(router))
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
            .context("serving HTTP")?;
        if let Some(workers) = workers {
            let _ = workers.await;
        }
        Ok(())
    }
}

/// Starts the worker pool (and, on PostgreSQL, the cross-process wake-up listener).
pub fn spawn_workers(
    store: Store,
    registry: Registry,
    config: &Config,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    store.listen_for_jobs(shutdown.clone());
    let pool = WorkerPool::new(store, registry, config.worker_config());
    tokio::spawn(pool.run(shutdown))
}

/// Cancels `token` on SIGINT or SIGTERM.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(term) => term,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for SIGTERM");
                        let _ = ctrl_c.await;
                        token.cancel();
                        return;
                    }
                };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        tracing::info!("shutdown signal received; finishing in-flight work");
        token.cancel();
    });
}
