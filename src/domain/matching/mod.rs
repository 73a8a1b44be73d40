//! Comparison of what a candidate *declared* with what a *source* (a
//! government or bureau record) returned.
//!
//! Every comparison yields a [`Comparison`]: a [`MatchLevel`], a score in
//! `0.0..=1.0` and one short human sentence explaining the decision. The level
//! is decided by explicit rules (see `docs/matching.md`); the score is a
//! similarity that always lies inside the band of its level, so sorting by
//! score never contradicts the level.
//!
//! The check engine maps levels to check results:
//!
//! | level      | check result        |
//! |------------|---------------------|
//! | `Exact`    | `clear`             |
//! | `Strong`   | `clear`             |
//! | `Partial`  | `minor_discrepancy` |
//! | `Mismatch` | `discrepancy`       |
//!
//! The rules are therefore designed so that `Strong` is only reached when a
//! reviewer would accept the pair without looking, and anything that needs a
//! human eye is at most `Partial`.

mod addresses;
mod dates;
mod names;
mod words;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use addresses::compare_addresses;
pub use dates::{compare_dates, parse_date};
pub use names::compare_names;

/// How well a declared value agrees with a source value.
///
/// Variants are declared from weakest to strongest, so the derived ordering
/// means "better match is greater": `MatchLevel::Exact > MatchLevel::Strong`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchLevel {
    /// The values refer to different things (check result: discrepancy).
    Mismatch,
    /// The values agree in part; a reviewer should look (minor discrepancy).
    Partial,
    /// The values agree once known, harmless variations are allowed for
    /// (clear).
    Strong,
    /// The values are the same after normalisation (clear).
    Exact,
}

impl MatchLevel {
    /// Whether the check engine treats this level as a clear result.
    #[must_use]
    pub fn is_clear(self) -> bool {
        self >= MatchLevel::Strong
    }

    /// The inclusive score band of this level. Bands do not overlap, so a
    /// higher score never comes with a lower level.
    fn score_band(self) -> (f64, f64) {
        match self {
            MatchLevel::Exact => (1.0, 1.0),
            MatchLevel::Strong => (0.85, 0.99),
            MatchLevel::Partial => (0.5, 0.84),
            MatchLevel::Mismatch => (0.0, 0.49),
        }
    }
}

/// The outcome of comparing one declared value with one source value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The decided level.
    pub level: MatchLevel,
    /// Similarity in `0.0..=1.0`, always inside the band of `level`.
    pub score: f64,
    /// One short sentence saying why, for reviewers and reports.
    pub reason: String,
}

impl Comparison {
    /// Builds a comparison, forcing `raw_score` into the band of `level` so
    /// that score and level can never disagree.
    fn new(level: MatchLevel, raw_score: f64, reason: impl Into<String>) -> Self {
        let (low, high) = level.score_band();
        // NaN cannot come out of our arithmetic, but never let one escape.
        let raw = if raw_score.is_nan() { low } else { raw_score };
        Comparison {
            level,
            // `+ 0.0` turns a negative zero into a positive one.
            score: raw.clamp(low, high) + 0.0,
            reason: reason.into(),
        }
    }
}
