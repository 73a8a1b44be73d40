//! Keeping a process's index on the latest list versions. At start and then every
//! `screening_refresh_secs` (and at once after an import in this process) the refresher reads
//! which version of each list is the newest; when that set differs from what the index was built
//! from, it loads those versions, builds the new index aside (on a blocking thread) and installs
//! it atomically — searches never wait for a build.

use std::sync::Arc;
use std::time::Duration;

use super::blob::decompress;
use crate::screening::engine::Engine;
use crate::screening::index::{Index, ListSource};
use crate::store::{Store, StoreError};

/// Why a refresh failed (the index in use stays).
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("list version {0} has no stored entities")]
    MissingData(String),
    #[error("index build failed: {0}")]
    Build(String),
}

/// Builds the index of the newest version of every list, as stored now.
pub async fn load_index(store: &Store) -> Result<Index, RefreshError> {
    let latest = store.latest_list_versions().await?;
    let mut lists = Vec::with_capacity(latest.len());
    for v in latest {
        let gz = store
            .list_entities_gz(&v.id)
            .await?
            .ok_or_else(|| RefreshError::MissingData(v.id.clone()))?;
        lists.push((v, gz));
    }
    tokio::task::spawn_blocking(move || -> Result<Index, RefreshError> {
        let mut decoded = Vec::with_capacity(lists.len());
        for (v, gz) in lists {
            let entities = decompress(&gz)?;
            decoded.push((
                ListSource {
                    version_id: v.id,
                    kind: v.list_kind,
                    name: v.name,
                    version: v.version,
                    first_entity: 0,
                    entity_count: 0,
                },
                entities,
            ));
        }
        Ok(Index::build_from_lists(decoded))
    })
    .await
    .map_err(|e| RefreshError::Build(e.to_string()))?
}

/// Installs a new index if the newest versions differ from the ones served. `Ok(true)` when it
/// installed one.
pub async fn refresh(store: &Store, engine: &Engine) -> Result<bool, RefreshError> {
    let latest: Vec<String> = store
        .latest_list_versions()
        .await?
        .into_iter()
        .map(|v| v.id)
        .collect();
    if let Some(current) = engine.current() {
        let serving: Vec<&str> = current
            .sources()
            .iter()
            .map(|s| s.version_id.as_str())
            .collect();
        if serving == latest.iter().map(String::as_str).collect::<Vec<_>>() {
            return Ok(false);
        }
    }
    let started = std::time::Instant::now();
    let started_ms = crate::store::now_ms();
    let index = load_index(store).await?;
    let stats = index.stats();
    engine.install_built(index, started_ms);
    tracing::info!(
        entities = stats.entities,
        names = stats.names,
        build_ms = started.elapsed().as_millis() as u64,
        "screening index installed"
    );
    Ok(true)
}

/// Starts the refresher of `engine`. It holds the engine weakly and stops once the engine is
/// dropped (its process, or its test, is done) or `shutdown` is cancelled.
pub fn spawn_refresher(
    store: Store,
    engine: &Arc<Engine>,
    every: Duration,
    shutdown: Option<tokio_util::sync::CancellationToken>,
) {
    let weak = Arc::downgrade(engine);
    let wake = engine.wake_signal();
    let shutdown = shutdown.unwrap_or_default();
    tokio::spawn(async move {
        while let Some(engine) = weak.upgrade() {
            if let Err(error) = refresh(&store, &engine).await {
                tracing::warn!(%error, "screening index refresh failed; the current index stays");
            }
            drop(engine);
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = wake.notified() => {}
                _ = shutdown.cancelled() => break,
            }
        }
    });
}
