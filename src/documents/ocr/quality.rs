//! Image quality flags, as Indonesian e-KYC APIs return them: `blur`, `dark`, `glare`,
//! `grayscale`, `too_small`. Each is measured on the rectified card (so the background of the
//! photo does not count) with the thresholds below, chosen on the synthetic renders
//! (see `docs/documents.md`).

use image::RgbImage;
use serde::Serialize;

use super::super::imaging::{laplacian_variance, luma, to_luma};

/// Below this variance of the Laplacian (grey card at 1012×638) the card is blurred.
pub const BLUR_MAX_LAPLACIAN_VAR: f64 = 120.0;
/// Below this mean luma (0–255) the card is dark.
pub const DARK_MAX_MEAN_LUMA: f64 = 85.0;
/// A glare spot: at least this share of the card burnt out (every channel ≥ 250).
pub const GLARE_MIN_BURNT_SHARE: f64 = 0.015;
/// Below this mean channel spread (max − min, 0–255) the photo has no colour.
pub const GRAYSCALE_MAX_SPREAD: f64 = 6.0;
/// Narrower than this in the photo (pixels), the card is too small to read reliably.
pub const TOO_SMALL_MIN_CARD_WIDTH: f32 = 600.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct QualityFlags {
    pub blur: bool,
    pub dark: bool,
    pub glare: bool,
    pub grayscale: bool,
    pub too_small: bool,
}

impl QualityFlags {
    pub fn any(&self) -> bool {
        self.blur || self.dark || self.glare || self.grayscale || self.too_small
    }
}

/// The measures behind the flags (reported for transparency and tuning).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QualityMeasures {
    pub laplacian_variance: f64,
    pub mean_luma: f64,
    pub burnt_share: f64,
    pub colour_spread: f64,
    pub card_width_px: f32,
}

pub fn measure(card: &RgbImage, source_card_width: f32) -> (QualityFlags, QualityMeasures) {
    let n = f64::from(card.width()) * f64::from(card.height());
    let mut luma_sum = 0f64;
    let mut burnt = 0f64;
    let mut spread = 0f64;
    for p in card.pixels() {
        luma_sum += f64::from(luma(p));
        if p[0] >= 250 && p[1] >= 250 && p[2] >= 250 {
            burnt += 1.0;
        }
        let max = p[0].max(p[1]).max(p[2]);
        let min = p[0].min(p[1]).min(p[2]);
        spread += f64::from(max - min);
    }
    let m = QualityMeasures {
        laplacian_variance: laplacian_variance(&to_luma(card)),
        mean_luma: luma_sum / n.max(1.0),
        burnt_share: burnt / n.max(1.0),
        colour_spread: spread / n.max(1.0),
        card_width_px: source_card_width,
    };
    let flags = QualityFlags {
        blur: m.laplacian_variance < BLUR_MAX_LAPLACIAN_VAR,
        dark: m.mean_luma < DARK_MAX_MEAN_LUMA,
        glare: m.burnt_share >= GLARE_MIN_BURNT_SHARE,
        grayscale: m.colour_spread < GRAYSCALE_MAX_SPREAD,
        too_small: m.card_width_px < TOO_SMALL_MIN_CARD_WIDTH,
    };
    (flags, m)
}
