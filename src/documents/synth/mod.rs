//! Synthetic test data: KTP card images rendered from known field values with Debian's DejaVu
//! fonts, degraded like a phone photo (rotation, perspective, a photo-like background, blur,
//! noise, lighting, JPEG re-encoding), and face pairs made from the sample photos that Debian's
//! `libdlib19.1` ships. The ground truth is always the values that were rendered.
//!
//! Used by the tests and the measurements (`examples/`); it is also what the sandbox can show.

pub mod card;
pub mod degrade;
pub mod faces;

pub use card::{KtpTruth, render_card};
pub use degrade::{Degradation, degrade};
// The one seeded generator, kept at this path for the tests and measurements that draw cards.
pub use crate::domain::rng::Rng;
