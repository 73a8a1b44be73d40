//! The one fixed-window counter: at most `limit` events per `window` for one key, the window
//! opening at the key's first event. Pure: the caller passes the time, in whatever unit its
//! window is in, so the rule is tested without clocks. The login limiter keeps one per account
//! and one per client address in unix seconds (`app::auth::LoginLimiter`); the report-poll
//! guard keeps one per (API key, case) with a limit of one, in nanoseconds of a monotonic clock
//! (`api::konnectnxt::recruiter`).

use std::collections::HashMap;

/// What a refused attempt reports (the `X-RateLimit-*` headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: u32,
    /// When the window resets, in the caller's unit (unix seconds for the login limits).
    pub reset_at: i64,
}

/// Counts per key within windows of `window` that open at the key's first event (not at
/// clock-aligned boundaries, which would let a burst straddling one count twice the limit, and
/// make a limit's effect depend on when in the window the burst fell).
#[derive(Debug, Clone)]
pub struct FixedWindow {
    pub limit: u32,
    /// The window's length, in the unit the caller passes its times in.
    pub window: i64,
    /// Per key: when its window opened, and the events counted in it.
    counts: HashMap<String, (i64, u32)>,
}

impl FixedWindow {
    pub fn new(limit: u32, window: i64) -> Self {
        FixedWindow {
            limit,
            window: window.max(1),
            counts: HashMap::new(),
        }
    }

    fn open(&self, opened: i64, now: i64) -> bool {
        now < opened.saturating_add(self.window)
    }

    /// Refused if `key` already used up its window at `now`; does not count.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Exceeded> {
        match self.counts.get(key) {
            Some((opened, n)) if self.open(*opened, now) && *n >= self.limit => Err(Exceeded {
                limit: self.limit,
                reset_at: opened.saturating_add(self.window),
            }),
            _ => Ok(()),
        }
    }

    /// Counts one event for `key` at `now` (opening a window if it has none open).
    pub fn record(&mut self, key: &str, now: i64) {
        if self.counts.len() > 100_000 {
            let window = self.window;
            self.counts
                .retain(|_, (opened, _)| now < opened.saturating_add(window));
        }
        let open = self
            .counts
            .get(key)
            .is_some_and(|(opened, _)| self.open(*opened, now));
        let entry = self.counts.entry(key.to_string()).or_insert((now, 0));
        if !open {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Checks and, when allowed, counts one event: refused events do not count.
    pub fn admit(&mut self, key: &str, now: i64) -> Result<(), Exceeded> {
        self.check(key, now)?;
        self.record(key, now);
        Ok(())
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

    #[test]
    fn a_burst_across_a_minute_boundary_is_one_window() {
        // Events at 50, 55 and 65 s: a clock-aligned minute would have reset at 60.
        let mut w = FixedWindow::new(3, 60);
        for t in [50, 55, 65] {
            assert!(w.check("a", t).is_ok());
            w.record("a", t);
        }
        assert_eq!(
            w.check("a", 70),
            Err(Exceeded {
                limit: 3,
                reset_at: 110
            })
        );
        assert!(w.check("a", 110).is_ok());
    }

    #[test]
    fn a_limit_of_one_admits_once_per_window_from_the_last_admitted() {
        let mut w = FixedWindow::new(1, 15);
        assert!(w.admit("k", 0).is_ok());
        assert_eq!(
            w.admit("k", 14),
            Err(Exceeded {
                limit: 1,
                reset_at: 15
            })
        );
        // The refused attempt did not move the window.
        assert!(w.admit("k", 15).is_ok());
        assert!(w.admit("other", 16).is_ok());
        assert!(w.admit("k", 29).is_err());
    }
}
