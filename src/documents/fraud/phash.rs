//! Perceptual hash (pHash): the signs of the 8×8 lowest frequencies of a 32×32 DCT of the grey
//! image, against their median. Re-encoding, resizing, small crops and colour changes move few
//! bits; a different image moves about half of them.

use image::{RgbImage, imageops};
use serde::Serialize;

use super::super::imaging::to_luma;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Phash(pub u64);

/// Two images whose hashes differ in at most this many of 64 bits are the same picture.
pub const SAME_IMAGE_MAX_BITS: u32 = 8;

impl Phash {
    pub fn of(img: &RgbImage) -> Self {
        let small = imageops::resize(&to_luma_rgb(img), 32, 32, imageops::FilterType::Triangle);
        let px: Vec<f64> = small.pixels().map(|p| f64::from(p[0])).collect();
        // 2-D DCT-II, only the 8×8 lowest frequencies.
        let mut coeffs = [0f64; 64];
        let cos: Vec<f64> = (0..8 * 32)
            .map(|i| {
                let (u, x) = (i / 32, i % 32);
                ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 64.0).cos()
            })
            .collect();
        for u in 0..8 {
            for v in 0..8 {
                let mut s = 0.0;
                for y in 0..32 {
                    for x in 0..32 {
                        s += px[y * 32 + x] * cos[u * 32 + y] * cos[v * 32 + x];
                    }
                }
                coeffs[u * 8 + v] = s;
            }
        }
        // The median of all but the DC term.
        let mut sorted: Vec<f64> = coeffs[1..].to_vec();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let median = sorted[sorted.len() / 2];
        let mut bits = 0u64;
        for (i, c) in coeffs.iter().enumerate() {
            if *c > median {
                bits |= 1 << i;
            }
        }
        Phash(bits)
    }

    pub fn distance(self, other: Phash) -> u32 {
        (self.0 ^ other.0).count_ones()
    }

    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

fn to_luma_rgb(img: &RgbImage) -> image::GrayImage {
    to_luma(img)
}

/// The hash of a rectified card. Every KTP shares one template, so a whole-card hash of two
/// different cards is close; the hash is taken of what differs between cards: the photo area and
/// the value column (name, NIK, address), each at hash resolution, combined bitwise.
pub fn card_hash(card: &RgbImage) -> Phash {
    let (w, h) = (card.width(), card.height());
    let photo =
        imageops::crop_imm(card, w * 74 / 100, h * 15 / 100, w * 24 / 100, h * 47 / 100).to_image();
    let values =
        imageops::crop_imm(card, w * 21 / 100, h * 14 / 100, w * 50 / 100, h * 70 / 100).to_image();
    let a = Phash::of(&photo).0;
    let b = Phash::of(&values).0;
    // Interleave halves so both regions count.
    Phash((a & 0xFFFF_FFFF) | (b << 32))
}
