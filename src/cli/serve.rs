//! `satyapan serve` and `satyapan worker`.

use crate::config::Config;
use crate::domain::api_keys::GeneratedKey;
use crate::store::{Store, redact_url};
use crate::{App, cancel_on_signal, job_registry, spawn_workers};

/// Credits the first-start demo organisation gets.
const DEMO_CREDITS: i64 = 1000;

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let app = App::build(config.clone()).await?;
    tracing::info!(
        database = %redact_url(config.database_url.expose()),
        backend = ?app.store().backend(),
        workers = config.workers,
        "Satyapan listening on http://{}", app.addr()
    );
    load_documents(&config).await;
    if let Some(key) = ensure_demo_org(app.store()).await? {
        print_demo_key(&key, app.addr());
    }
    cancel_on_signal(app.shutdown_token());
    let result = app.run_until_stopped().await;
    crate::documents::service::shutdown();
    result
}

pub async fn worker(config: Config) -> anyhow::Result<()> {
    let store = Store::connect(
        config.database_url.expose(),
        config.database_max_connections,
    )
    .await?;
    tracing::info!(database = %redact_url(config.database_url.expose()), "Satyapan workers starting");
    let shutdown = tokio_util::sync::CancellationToken::new();
    cancel_on_signal(shutdown.clone());
    let shared = crate::Shared::load(&store, &config).await?;
    load_documents(&config).await;
    let registry = job_registry(&store, &shared, &config);
    spawn_workers(store, registry, &config, shutdown).await?;
    crate::documents::service::shutdown();
    Ok(())
}

/// Loads the document services (Tesseract, the face models) now, so that a missing model is
/// reported at start-up; the rest of the platform runs either way.
async fn load_documents(config: &Config) {
    let dir = std::path::PathBuf::from(&config.models_dir);
    let ready = tokio::task::spawn_blocking(move || crate::documents::init(&dir)).await;
    match ready {
        Ok(r) => {
            match r.ocr {
                Ok(()) => tracing::info!("KTP OCR ready (Tesseract, ind)"),
                Err(e) => tracing::warn!(error = %e, "KTP OCR unavailable"),
            }
            match r.face {
                Ok(()) => {
                    tracing::info!(models_dir = %config.models_dir, "face match ready (dlib)")
                }
                Err(e) => tracing::warn!(error = %e, "face match unavailable"),
            }
        }
        Err(e) => tracing::warn!(error = %e, "document services failed to load"),
    }
}

/// On an empty database, creates the sandbox organisation "Demo" and returns its key (shown once).
pub async fn ensure_demo_org(store: &Store) -> anyhow::Result<Option<String>> {
    if store.org_count().await? > 0 {
        return Ok(None);
    }
    let key = GeneratedKey::new(true);
    let org_id = uuid::Uuid::new_v4().to_string();
    store
        .create_org(
            &org_id,
            "Demo",
            DEMO_CREDITS,
            true,
            &crate::store::orgs::NewKey::from(&key),
        )
        .await?;
    Ok(Some(key.plaintext))
}

fn print_demo_key(key: &str, addr: std::net::SocketAddr) {
    println!();
    println!("  A sandbox organisation \"Demo\" was created with {DEMO_CREDITS} credits.");
    println!("  Its API key (shown once, keep it):");
    println!();
    println!("    {key}");
    println!();
    println!("  Try it:");
    println!(
        "    curl -s -H 'Authorization: Bearer {key}' http://{addr}/api/v2/credits/transactions"
    );
    println!();
}
