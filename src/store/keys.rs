//! API keys as authentication reads them, held briefly in memory so a request by a known key
//! costs no database round trip.
//!
//! Only active keys are held (an unknown, inactive or revoked key is looked up every time, so a
//! key created or re-activated elsewhere works at once). An entry is dropped:
//! - at once in this process when the key's state is changed through this store;
//! - at once in every process on PostgreSQL: a trigger on `api_keys` (and on an organisation's
//!   name or sandbox flag) sends `NOTIFY satyapan_api_keys` at commit, and each serving process
//!   listens ([`super::Store::listen_for_key_changes`]); when its listener (re)connects it drops
//!   everything, since it may have missed a notification;
//! - otherwise after `api_key_cache_secs` (SQLite with the change made by another process, such
//!   as `satyapan admin key revoke`): the bound on how long a revoked key keeps working there.
//!
//! A look-up that started before a change must not put the old state back after the change
//! dropped it: every drop raises a generation, and a result is only kept if the generation is
//! the one seen before the look-up began.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::StoreResult;
use super::orgs::KeyWithOrg;

/// Entries held at most; a full cache starts again empty (real keys are few).
const CAPACITY: usize = 100_000;

#[derive(Default)]
pub(crate) struct KeyCache {
    ttl_ms: AtomicU64,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    by_hash: HashMap<String, (KeyWithOrg, Instant)>,
}

impl KeyCache {
    pub(crate) fn set_ttl(&self, ttl: Duration) {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        self.ttl_ms.store(ms, Ordering::Relaxed);
        if ms == 0 {
            self.clear();
        }
    }

    fn ttl(&self) -> Duration {
        Duration::from_millis(self.ttl_ms.load(Ordering::Relaxed))
    }

    /// A fresh entry for the key hash, and otherwise the generation a look-up starts from.
    pub(crate) fn get(&self, hash: &str) -> Result<KeyWithOrg, u64> {
        let ttl = self.ttl();
        let Ok(inner) = self.inner.lock() else {
            return Err(u64::MAX);
        };
        match inner.by_hash.get(hash) {
            Some((key, at)) if !ttl.is_zero() && at.elapsed() < ttl => Ok(key.clone()),
            _ => Err(inner.generation),
        }
    }

    /// Holds an active key found by a look-up that began at `generation`, unless something was
    /// dropped since.
    pub(crate) fn put(&self, generation: u64, hash: &str, key: &KeyWithOrg) {
        if self.ttl().is_zero() || key.key_state != crate::domain::api_keys::KeyState::Active {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.generation != generation {
            return;
        }
        if inner.by_hash.len() >= CAPACITY {
            inner.by_hash.clear();
        }
        inner
            .by_hash
            .insert(hash.to_string(), (key.clone(), Instant::now()));
    }

    /// Drops the entries of one key (by its id).
    pub(crate) fn forget_key(&self, key_id: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.generation += 1;
            inner.by_hash.retain(|_, (key, _)| key.key_id != key_id);
        }
    }

    /// Drops everything.
    pub(crate) fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.generation += 1;
            inner.by_hash.clear();
        }
    }
}

/// The channel the PostgreSQL triggers notify: the key id changed, or `*` for all.
pub(super) const KEYS_CHANNEL: &str = "satyapan_api_keys";

/// What a notification on [`KEYS_CHANNEL`] asks of the cache.
pub(super) fn on_notification(cache: &KeyCache, payload: &str) {
    if payload == "*" {
        cache.clear();
    } else {
        cache.forget_key(payload);
    }
}

impl super::Store {
    /// The key with this hash and its organisation, as authentication needs it: an active key
    /// from this process's cache while its entry is fresh, otherwise from the database.
    pub async fn authenticate_key(&self, hash: &str) -> StoreResult<Option<KeyWithOrg>> {
        let generation = match self.keys.get(hash) {
            Ok(key) => return Ok(Some(key)),
            Err(generation) => generation,
        };
        let found = self.find_key_by_hash(hash).await?;
        if let Some(key) = &found {
            self.keys.put(generation, hash, key);
        }
        Ok(found)
    }

    /// How long an active key is held in memory (0: not at all).
    pub fn set_key_cache_ttl(&self, ttl: Duration) {
        self.keys.set_ttl(ttl);
    }

    /// Drops a key from this process's cache (its state was changed here).
    pub(super) fn forget_key(&self, key_id: &str) {
        self.keys.forget_key(key_id);
    }

    /// On PostgreSQL, drops cached keys as soon as any process changes them (`NOTIFY` from the
    /// `api_keys` trigger). Reconnects after errors, dropping everything each time it connects.
    pub fn listen_for_key_changes(&self, shutdown: tokio_util::sync::CancellationToken) {
        let super::Pool::Postgres(pool) = &self.pool else {
            return;
        };
        let (pool, cache) = (pool.clone(), self.keys.clone());
        tokio::spawn(async move {
            while !shutdown.is_cancelled() {
                let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "key listener could not connect; retrying");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        continue;
                    }
                };
                if let Err(error) = listener.listen(KEYS_CHANNEL).await {
                    tracing::warn!(%error, "key listener could not LISTEN; retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
                // Changes made while no listener was connected went unheard.
                cache.clear();
                loop {
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        msg = listener.recv() => match msg {
                            Ok(notification) => on_notification(&cache, notification.payload()),
                            Err(error) => {
                                tracing::warn!(%error, "key listener lost its connection");
                                cache.clear();
                                break;
                            }
                        }
                    }
                }
            }
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::api_keys::KeyState;

    fn key(id: &str, state: KeyState) -> KeyWithOrg {
        KeyWithOrg {
            key_id: id.into(),
            key_state: state,
            org_id: "org".into(),
            org_name: "Org".into(),
            is_sandbox: true,
        }
    }

    fn cache(ttl: Duration) -> KeyCache {
        let cache = KeyCache::default();
        cache.set_ttl(ttl);
        cache
    }

    #[test]
    fn holds_active_keys_until_dropped() {
        let cache = cache(Duration::from_secs(3600));
        let generation = cache.get("h1").unwrap_err();
        cache.put(generation, "h1", &key("k1", KeyState::Active));
        assert_eq!(cache.get("h1").unwrap().key_id, "k1");
        cache.forget_key("k1");
        assert!(cache.get("h1").is_err());
        // Other keys stay; `*` drops everything.
        let generation = cache.get("h2").unwrap_err();
        cache.put(generation, "h2", &key("k2", KeyState::Active));
        on_notification(&cache, "k1");
        assert!(cache.get("h2").is_ok());
        on_notification(&cache, "*");
        assert!(cache.get("h2").is_err());
    }

    #[test]
    fn never_holds_a_key_that_is_not_active() {
        let cache = cache(Duration::from_secs(3600));
        for state in [KeyState::Inactive, KeyState::Revoked] {
            let generation = cache.get("h").unwrap_err();
            cache.put(generation, "h", &key("k", state));
            assert!(cache.get("h").is_err());
        }
    }

    #[test]
    fn a_look_up_overtaken_by_a_change_is_not_kept() {
        let cache = cache(Duration::from_secs(3600));
        let generation = cache.get("h").unwrap_err();
        // The key is revoked (and its entry dropped) while the look-up is under way.
        cache.forget_key("k");
        cache.put(generation, "h", &key("k", KeyState::Active));
        assert!(cache.get("h").is_err());
    }

    #[test]
    fn entries_expire_and_a_zero_ttl_holds_nothing() {
        let cache = cache(Duration::from_millis(1));
        let generation = cache.get("h").unwrap_err();
        cache.put(generation, "h", &key("k", KeyState::Active));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.get("h").is_err());
        let off = self::cache(Duration::ZERO);
        let generation = off.get("h").unwrap_err();
        off.put(generation, "h", &key("k", KeyState::Active));
        assert!(off.get("h").is_err());
    }
}
