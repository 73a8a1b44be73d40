//! API keys as authentication reads them, held in memory so a request by a known key costs no
//! look-up of the key.
//!
//! Only active keys are held (an unknown, inactive or revoked key is looked up every time, so a
//! key created or re-activated elsewhere works at once). Every change of a key — or of its
//! organisation's name or sandbox flag — raises the `key_generation` counter in the same
//! transaction (triggers, so no process or code path can forget it, `satyapan admin key revoke`
//! included), and whatever was read at an older value of the counter is dropped. A key revoked by
//! any process, on either backend, is refused on the next request after the revocation returned.
//!
//! A request needs a read of the counter that began after the change it must see was committed.
//! Reading it on every request costs a round trip to the database each (about 40 % of the
//! report-read throughput on both backends, `docs/benchmarks.md`), so reads are leased instead:
//! - a serving process reads the counter in the background every [`POLL_EVERY`]
//!   ([`super::Store::watch_key_generation`]), and a read vouches for the requests that come up to
//!   [`FRESH_FOR`] after it *began*;
//! - a change of a key waits [`SETTLE`] (longer than `FRESH_FOR`) after its commit before it
//!   returns ([`super::Store::settle_key_change`]): a request that arrives after the revocation
//!   returned is then answered on a read that began after the commit, in every process;
//! - when no read that fresh has finished (the poller is late, or none runs: the CLI), the
//!   request reads the counter itself, sharing the read with the requests that arrive together
//!   ([`SharedRead`]: a request waits for a read that began after it arrived, never one already
//!   under way, which may have missed a change committed just before).
//!
//! `api_key_cache_secs` only bounds how long an entry is held (memory, not correctness); 0
//! holds nothing and reads the key on every request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::orgs::KeyWithOrg;
use super::{StoreResult, with_conn};

/// Entries held at most; a full cache starts again empty (real keys are few).
const CAPACITY: usize = 100_000;

/// How long after it began a read of the key generation answers for the requests that follow.
pub const FRESH_FOR: Duration = Duration::from_millis(100);

/// How often a serving process reads the key generation in the background.
pub const POLL_EVERY: Duration = Duration::from_millis(25);

/// How long a change that takes a key out of use waits after its commit before it returns:
/// [`FRESH_FOR`], and a margin for the drift of clocks on different machines.
pub const SETTLE: Duration = Duration::from_millis(120);

#[derive(Default)]
pub(crate) struct KeyCache {
    ttl_ms: AtomicU64,
    inner: Mutex<Entries>,
    generation: SharedRead,
    /// The key generation read most recently (by when the read began), and when it began.
    latest: Mutex<Option<(Instant, i64)>>,
}

#[derive(Default)]
struct Entries {
    /// The highest key generation seen: every entry was read at it.
    generation: i64,
    by_hash: HashMap<String, (KeyWithOrg, Instant)>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded state is consistent after every statement; a panic elsewhere leaves it usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl KeyCache {
    pub(crate) fn set_ttl(&self, ttl: Duration) {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        self.ttl_ms.store(ms, Ordering::Relaxed);
        if ms == 0 {
            lock(&self.inner).by_hash.clear();
        }
    }

    fn ttl(&self) -> Duration {
        Duration::from_millis(self.ttl_ms.load(Ordering::Relaxed))
    }

    fn enabled(&self) -> bool {
        !self.ttl().is_zero()
    }

    /// Records a read of the key generation that began at `began` (a later beginning wins).
    fn record(&self, began: Instant, generation: i64) {
        let mut latest = lock(&self.latest);
        if (*latest).is_none_or(|(at, _)| began >= at) {
            *latest = Some((began, generation));
        }
    }

    /// The key generation of a read that began at most [`FRESH_FOR`] before `now`, if any.
    fn fresh_generation(&self, now: Instant) -> Option<i64> {
        let latest = *lock(&self.latest);
        latest
            .filter(|(began, _)| now.saturating_duration_since(*began) <= FRESH_FOR)
            .map(|(_, generation)| generation)
    }

    /// The entry for the key hash, if it was read at the current key generation `generation`
    /// (or later) and is younger than the TTL. A generation newer than the entries' drops them.
    pub(crate) fn get(&self, generation: i64, hash: &str) -> Option<KeyWithOrg> {
        let ttl = self.ttl();
        let mut inner = lock(&self.inner);
        if generation > inner.generation {
            inner.generation = generation;
            inner.by_hash.clear();
            return None;
        }
        match inner.by_hash.get(hash) {
            Some((key, at)) if !ttl.is_zero() && at.elapsed() < ttl => Some(key.clone()),
            _ => None,
        }
    }

    /// Holds an active key read by a look-up that followed the generation read `generation`,
    /// unless a newer generation has been seen since (the key may have changed in between).
    pub(crate) fn put(&self, generation: i64, hash: &str, key: &KeyWithOrg) {
        if !self.enabled() || key.key_state != crate::domain::api_keys::KeyState::Active {
            return;
        }
        let mut inner = lock(&self.inner);
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
}

/// One value read from the database on behalf of many concurrent callers, each of which gets
/// a read that began after its call: what a caller learns is never older than its call.
#[derive(Default)]
pub(crate) struct SharedRead {
    state: Mutex<ReadState>,
    finished: Notify,
}

#[derive(Default)]
struct ReadState {
    /// Reads begun so far (the sequence number of the latest).
    started: u64,
    in_flight: bool,
    /// The sequence number of the latest read that succeeded, and its value.
    done: u64,
    value: i64,
}

/// Ends the read in flight however its caller leaves (a dropped request included), waking the
/// waiters: one of them reads next.
struct InFlight<'a> {
    shared: &'a SharedRead,
    seq: u64,
    value: Option<i64>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        {
            let mut state = lock(&self.shared.state);
            state.in_flight = false;
            if let Some(value) = self.value {
                state.done = self.seq;
                state.value = value;
            }
        }
        self.shared.finished.notify_waiters();
    }
}

impl SharedRead {
    /// The value of a read that began after this call: a finished one if there is such,
    /// otherwise the next one (this caller's own `read` when no read is in flight).
    pub(crate) async fn get<E, Fut>(&self, read: impl FnOnce() -> Fut) -> Result<i64, E>
    where
        Fut: Future<Output = Result<i64, E>>,
    {
        let needed = lock(&self.state).started + 1;
        let seq = loop {
            let finished = self.finished.notified();
            let mut finished = std::pin::pin!(finished);
            // Registered before the state is looked at, so no wake-up is missed.
            finished.as_mut().enable();
            {
                let mut state = lock(&self.state);
                if state.done >= needed {
                    return Ok(state.value);
                }
                if !state.in_flight {
                    state.in_flight = true;
                    state.started += 1;
                    break state.started;
                }
            }
            finished.await;
        };
        let mut in_flight = InFlight {
            shared: self,
            seq,
            value: None,
        };
        let value = read().await?;
        in_flight.value = Some(value);
        drop(in_flight);
        Ok(value)
    }
}

impl super::Store {
    /// The key with this hash and its organisation, as authentication needs it: an active key
    /// from this process's memory when nothing changed since it was read, otherwise from the
    /// database.
    pub async fn authenticate_key(&self, hash: &str) -> StoreResult<Option<KeyWithOrg>> {
        if !self.keys.enabled() {
            return self.find_key_by_hash(hash).await;
        }
        let generation = match self.keys.fresh_generation(Instant::now()) {
            Some(generation) => generation,
            None => self.keys.generation.get(|| self.key_generation()).await?,
        };
        if let Some(key) = self.keys.get(generation, hash) {
            return Ok(Some(key));
        }
        let found = self.find_key_by_hash(hash).await?;
        if let Some(key) = &found {
            self.keys.put(generation, hash, key);
        }
        Ok(found)
    }

    /// The current key generation (raised by every change of a key, in its transaction), read
    /// now and recorded with when the read began.
    async fn key_generation(&self) -> StoreResult<i64> {
        let began = Instant::now();
        let generation = with_conn!(self, |pool| {
            let (generation,): (i64,) = sqlx::query_as(KEY_GENERATION).fetch_one(pool).await?;
            generation
        });
        self.keys.record(began, generation);
        Ok(generation)
    }

    /// Reads the key generation every [`POLL_EVERY`] until `shutdown`, so requests find a fresh
    /// one (a serving process; without it every request reads the generation itself).
    pub fn watch_key_generation(&self, shutdown: tokio_util::sync::CancellationToken) {
        if !self.keys.enabled() {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(POLL_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = every.tick() => {}
                }
                if let Err(error) = store.key_generation().await {
                    tracing::warn!(%error, "reading the key generation failed; requests read it");
                }
            }
        });
    }

    /// Called after a change that took a key out of use committed: returns once every serving
    /// process answers its next request on a key generation read after the commit.
    pub(super) async fn settle_key_change(&self) {
        tokio::time::sleep(SETTLE).await;
    }

    /// How long an active key is held in memory at most (0: not at all).
    pub fn set_key_cache_ttl(&self, ttl: Duration) {
        self.keys.set_ttl(ttl);
    }
}

/// On the request path (`store::hot`).
pub(super) const KEY_GENERATION: &str = "SELECT generation FROM key_generation WHERE id = 1";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

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
    fn holds_active_keys_until_the_generation_moves() {
        let cache = cache(Duration::from_secs(3600));
        assert!(cache.get(1, "h1").is_none());
        cache.put(1, "h1", &key("k1", KeyState::Active));
        cache.put(1, "h2", &key("k2", KeyState::Active));
        assert_eq!(cache.get(1, "h1").unwrap().key_id, "k1");
        // A request that read an older generation (its read began earlier) may use them too.
        assert_eq!(cache.get(0, "h2").unwrap().key_id, "k2");
        // Any change anywhere: everything read before it is dropped.
        assert!(cache.get(2, "h1").is_none());
        assert!(cache.get(2, "h2").is_none());
    }

    #[test]
    fn a_generation_read_vouches_for_what_follows_its_beginning_for_a_while() {
        let cache = cache(Duration::from_secs(3600));
        let began = Instant::now();
        assert_eq!(cache.fresh_generation(began), None, "nothing read yet");
        cache.record(began, 4);
        assert_eq!(cache.fresh_generation(began + FRESH_FOR), Some(4));
        assert_eq!(
            cache.fresh_generation(began + FRESH_FOR + Duration::from_millis(1)),
            None,
            "a read that began too long ago answers for nothing"
        );
        // A read that began earlier but finished later does not replace a later one.
        cache.record(began + Duration::from_millis(50), 5);
        cache.record(began + Duration::from_millis(10), 4);
        assert_eq!(cache.fresh_generation(began + FRESH_FOR), Some(5));
        assert_eq!(
            cache.fresh_generation(began + Duration::from_millis(50) + FRESH_FOR),
            Some(5)
        );
        // A change waits longer than a read answers for: a request that arrives after the change
        // returned is answered on a read that began after the change committed.
        assert!(SETTLE > FRESH_FOR && POLL_EVERY < FRESH_FOR);
    }

    #[test]
    fn never_holds_a_key_that_is_not_active() {
        let cache = cache(Duration::from_secs(3600));
        for state in [KeyState::Inactive, KeyState::Revoked] {
            cache.put(0, "h", &key("k", state));
            assert!(cache.get(0, "h").is_none());
        }
    }

    #[test]
    fn a_look_up_overtaken_by_a_change_is_not_kept() {
        let cache = cache(Duration::from_secs(3600));
        assert!(cache.get(1, "h").is_none());
        // Another request has seen generation 2 (the key changed) while this look-up, which
        // followed the read of generation 1, was under way.
        assert!(cache.get(2, "other").is_none());
        cache.put(1, "h", &key("k", KeyState::Active));
        assert!(cache.get(2, "h").is_none());
    }

    #[test]
    fn entries_expire_and_a_zero_ttl_holds_nothing() {
        let cache = cache(Duration::from_millis(1));
        cache.put(0, "h", &key("k", KeyState::Active));
        std::thread::sleep(Duration::from_millis(5));
        assert!(cache.get(0, "h").is_none());
        let off = self::cache(Duration::ZERO);
        off.put(0, "h", &key("k", KeyState::Active));
        assert!(off.get(0, "h").is_none());
    }

    type Read = std::pin::Pin<Box<dyn Future<Output = Result<i64, ()>> + Send>>;

    /// A read that waits until `gate` holds a value (an error if the gate is dropped first),
    /// counting the reads made.
    fn gated(
        gate: &tokio::sync::watch::Sender<Option<i64>>,
        reads: &Arc<AtomicUsize>,
    ) -> impl FnOnce() -> Read + use<> {
        let mut gate = gate.subscribe();
        let reads = reads.clone();
        move || {
            reads.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                let value = *gate.wait_for(Option::is_some).await.map_err(|_| ())?;
                value.ok_or(())
            }) as Read
        }
    }

    fn gate() -> tokio::sync::watch::Sender<Option<i64>> {
        tokio::sync::watch::channel(None).0
    }

    /// Lets every spawned task run until it waits (a current-thread runtime polls in turn).
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_caller_never_takes_a_read_that_began_before_it() {
        let shared = Arc::new(SharedRead::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let first_value = gate();
        let first_read = gated(&first_value, &reads);
        let first = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(first_read).await }
        });
        settle().await;
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        // Two callers arrive while the first read is under way: they share the next read.
        let second_value = gate();
        let second_read = gated(&second_value, &reads);
        let third_read = gated(&second_value, &reads);
        let second = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(second_read).await }
        });
        let third = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(third_read).await }
        });
        settle().await;
        first_value.send_replace(Some(1));
        assert_eq!(first.await.unwrap(), Ok(1));
        settle().await;
        assert_eq!(
            reads.load(Ordering::SeqCst),
            2,
            "one read for both late callers"
        );
        second_value.send_replace(Some(2));
        assert_eq!(second.await.unwrap(), Ok(2));
        assert_eq!(third.await.unwrap(), Ok(2));
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_reader_that_goes_away_or_fails_hands_on_to_a_waiter() {
        let shared = Arc::new(SharedRead::default());
        let reads = Arc::new(AtomicUsize::new(0));
        let never = gate();
        let first_read = gated(&never, &reads);
        let first = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(first_read).await }
        });
        settle().await;
        let second_value = gate();
        let second_read = gated(&second_value, &reads);
        let second = tokio::spawn({
            let shared = shared.clone();
            async move { shared.get(second_read).await }
        });
        settle().await;
        // The request holding the read is dropped (its client went away).
        first.abort();
        settle().await;
        assert_eq!(reads.load(Ordering::SeqCst), 2, "the waiter read");
        second_value.send_replace(Some(7));
        assert_eq!(second.await.unwrap(), Ok(7));
        drop(never);

        // A failed read answers its caller with the error; the next caller reads again.
        let failing = gate();
        let failing_read = gated(&failing, &reads);
        drop(failing);
        assert_eq!(shared.get(failing_read).await, Err(()));
        let value = gate();
        value.send_replace(Some(8));
        assert_eq!(shared.get(gated(&value, &reads)).await, Ok(8));
    }
}
