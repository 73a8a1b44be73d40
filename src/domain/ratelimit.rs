//! A fixed-window counter: at most `limit` events per `window` for one key. Pure: the caller
//! passes the time, so the rule is tested without clocks. The login limiter keeps one per
//! account and one per client address (`app::auth::LoginLimiter`).

use std::collections::HashMap;

/// What a refused attempt reports (the `X-RateLimit-*` headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: u32,
    /// Unix seconds at which the window resets.
    pub reset_at: i64,
}

/// Counts per key within fixed windows of `window_secs`.
#[derive(Debug, Clone)]
pub struct FixedWindow {
    pub limit: u32,
    pub window_secs: i64,
    counts: HashMap<String, (i64, u32)>,
}

impl FixedWindow {
    pub fn new(limit: u32, window_secs: i64) -> Self {
        FixedWindow {
            limit,
            window_secs: window_secs.max(1),
            counts: HashMap::new(),
        }
    }

    fn window_start(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_secs)
    }

    /// Refused if `key` already used up its window at `now` (unix seconds); does not count.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Exceeded> {
        let start = self.window_start(now);
        match self.counts.get(key) {
            Some((s, n)) if *s == start && *n >= self.limit => Err(Exceeded {
                limit: self.limit,
                reset_at: start + self.window_secs,
            }),
            _ => Ok(()),
        }
    }

    /// Counts one event for `key` at `now`.
    pub fn record(&mut self, key: &str, now: i64) {
        let start = self.window_start(now);
        if self.counts.len() > 100_000 {
            self.counts.retain(|_, (s, _)| *s == start);
        }
        let entry = self.counts.entry(key.to_string()).or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key` (a successful login clears its account's failures).
    pub fn clear(&mut self, key: &str) {
        self.counts.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_limit_until_the_window_turns() {
        let mut w = FixedWindow::new(2, 60);
        assert!(w.check("a", 0).is_ok());
        w.record("a", 0);
        w.record("a", 10);
        assert_eq!(
            w.check("a", 30),
            Err(Exceeded {
                limit: 2,
                reset_at: 60
            })
        );
        assert!(w.check("b", 30).is_ok());
        assert!(w.check("a", 60).is_ok());
        w.record("a", 61);
        assert!(w.check("a", 62).is_ok());
        w.clear("a");
        assert!(w.check("a", 30).is_ok());
    }
}
