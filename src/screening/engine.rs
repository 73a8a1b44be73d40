//! The screening engine of a running process: the current [`Index`] behind an [`IndexHandle`],
//! and whether one has been installed yet. Pure: whoever reads the list versions (the
//! application layer) builds the next index aside and [`Engine::install`]s it; searches in flight
//! finish on the index they started with, new ones use the new one.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

use tokio::sync::Notify;

use super::index::{Index, IndexHandle};

/// The shared engine of one process. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Engine {
    handle: IndexHandle,
    ready: AtomicBool,
    /// Incremented by every install (so a waiter can tell a new index arrived).
    generation: AtomicU64,
    /// Wakes the refresher at once (after a local import) instead of at its next poll.
    wake: Arc<Notify>,
    /// When the current index's build started and when it was installed (epoch ms).
    build_started_ms: AtomicI64,
    installed_ms: AtomicI64,
}

fn epoch_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine with no index yet: [`Engine::current`] is `None` until the first install.
    pub fn new() -> Engine {
        Engine {
            handle: IndexHandle::new(Index::build(Vec::new())),
            ready: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            wake: Arc::new(Notify::new()),
            build_started_ms: AtomicI64::new(0),
            installed_ms: AtomicI64::new(0),
        }
    }

    /// An engine serving `index` at once (tests, tools).
    pub fn with_index(index: Index) -> Engine {
        let engine = Engine::new();
        engine.install(index);
        engine
    }

    /// The index to answer with, or `None` while the first one is still being built.
    pub fn current(&self) -> Option<Arc<Index>> {
        self.ready
            .load(Ordering::Acquire)
            .then(|| self.handle.current())
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Makes `index` current, atomically: a search sees either the old index or the new one.
    pub fn install(&self, index: Index) {
        self.install_built(index, epoch_ms());
    }

    /// [`Engine::install`], remembering when the build of `index` started (epoch ms).
    pub fn install_built(&self, index: Index, build_started_ms: i64) {
        self.handle.replace(index);
        self.build_started_ms
            .store(build_started_ms, Ordering::Release);
        self.installed_ms.store(epoch_ms(), Ordering::Release);
        self.ready.store(true, Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// When the current index's build started and when it was installed (epoch ms; 0 before
    /// the first install).
    pub fn build_times(&self) -> (i64, i64) {
        (
            self.build_started_ms.load(Ordering::Acquire),
            self.installed_ms.load(Ordering::Acquire),
        )
    }

    /// How many indexes have been installed.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Asks the refresher to look for a new list version now.
    pub fn refresh_soon(&self) {
        self.wake.notify_one();
    }

    /// What the refresher waits on besides its poll interval.
    pub fn wake_signal(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::Query;
    use super::super::model::{Entity, EntityType, ListKind};
    use super::*;

    #[test]
    fn not_ready_until_an_index_is_installed() {
        let engine = Engine::new();
        assert!(engine.current().is_none());
        let mut e = Entity::new(
            ListKind::OfacSdn,
            "1",
            EntityType::Person,
            "Jorge Cifuentes",
        );
        e.add_alias("Jorge Villa");
        engine.install(Index::build(vec![e]));
        assert_eq!(engine.generation(), 1);
        let index = engine.current().expect("ready");
        assert_eq!(index.search(&Query::new("Jorge Cifuentes")).len(), 1);
    }
}
