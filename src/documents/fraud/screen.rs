//! A screenshot, or a photo of a screen, instead of a photo of the card.
//!
//! - Screenshot: a PNG at an exact phone or monitor resolution with no camera in its metadata
//!   (weak: a scan can look like that too); the explicit marker is in `metadata`.
//! - Photo of a screen: the screen's pixel grid beats against the camera's into moiré, narrow
//!   peaks in the spectrum of the image's rows or columns that paper and print do not make.
//!   The score is the strongest peak over its local median (JPEG's 8-pixel block frequencies
//!   excluded); above `MOIRE_STRONG` it is strong, above `MOIRE_WEAK` weak.

use image::RgbImage;

use super::super::imaging::to_luma;
use super::{Signal, Strength};

/// Peak-to-median ratio of the row/column spectrum above which moiré is certain.
pub const MOIRE_STRONG: f64 = 40.0;
/// ... and above which it is suspected.
pub const MOIRE_WEAK: f64 = 20.0;

/// Screen resolutions (width × height, either orientation).
const SCREENS: &[(u32, u32)] = &[
    (720, 1280),
    (720, 1600),
    (750, 1334),
    (828, 1792),
    (1080, 1920),
    (1080, 2220),
    (1080, 2340),
    (1080, 2400),
    (1125, 2436),
    (1170, 2532),
    (1179, 2556),
    (1242, 2688),
    (1284, 2778),
    (1290, 2796),
    (1440, 2560),
    (1440, 3040),
    (1440, 3200),
    (1366, 768),
    (1280, 720),
    (1280, 800),
    (1440, 900),
    (1536, 864),
    (1600, 900),
    (1680, 1050),
    (1920, 1080),
    (1920, 1200),
    (2560, 1440),
    (2560, 1600),
    (2880, 1800),
    (3840, 2160),
];

pub fn signals(bytes: &[u8], img: &RgbImage, what: &str) -> Vec<Signal> {
    let mut out = Vec::new();
    let (w, h) = (img.width(), img.height());
    let is_png = bytes.starts_with(b"\x89PNG");
    let screen_sized = SCREENS
        .iter()
        .any(|&(a, b)| (w, h) == (a, b) || (w, h) == (b, a));
    let has_camera = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()
        .is_some_and(|e| e.get_field(exif::Tag::Make, exif::In::PRIMARY).is_some());
    if is_png && screen_sized && !has_camera {
        out.push(Signal::new(
            "screenshot",
            Strength::Weak,
            format!("the {what} is a PNG at a screen's exact resolution ({w}x{h}) with no camera metadata"),
        ));
    }
    let score = moire_score(img);
    if score >= MOIRE_WEAK {
        let strength = if score >= MOIRE_STRONG {
            Strength::Strong
        } else {
            Strength::Weak
        };
        out.push(Signal::new(
            "screen_photo",
            strength,
            format!("the {what} shows moiré (a periodic pattern {score:.0}× above its surroundings in the spectrum): it looks like a photo of a screen"),
        ));
    }
    out
}

/// The moiré score of an image (see the module doc).
pub fn moire_score(img: &RgbImage) -> f64 {
    const N: usize = 256;
    let gray = to_luma(img);
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    if w < N || h < N {
        return 0.0;
    }
    let mut best = 0f64;
    for horizontal in [true, false] {
        let mut power = vec![0f64; N / 2];
        // Up to 64 windows across the image's middle.
        let lines = if horizontal { h } else { w };
        let span = if horizontal { w } else { h };
        let start = (span - N) / 2;
        let step = (lines / 64).max(1);
        let mut count = 0;
        for l in (0..lines).step_by(step) {
            let mut re: Vec<f64> = (0..N)
                .map(|i| {
                    let (x, y) = if horizontal {
                        (start + i, l)
                    } else {
                        (l, start + i)
                    };
                    f64::from(gray.get_pixel(x as u32, y as u32)[0])
                })
                .collect();
            let mean = re.iter().sum::<f64>() / N as f64;
            for (i, v) in re.iter_mut().enumerate() {
                // Hann window.
                let win = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / N as f64).cos();
                *v = (*v - mean) * win;
            }
            let mut im = vec![0f64; N];
            fft(&mut re, &mut im);
            for k in 0..N / 2 {
                power[k] += re[k] * re[k] + im[k] * im[k];
            }
            count += 1;
        }
        if count == 0 {
            continue;
        }
        // Peaks from 0.1 cycles/pixel up, away from JPEG's block frequencies (multiples of N/8).
        for k in (N / 10)..(N / 2 - 2) {
            if (k % (N / 8)).min(N / 8 - k % (N / 8)) <= 2 {
                continue;
            }
            let mut around: Vec<f64> = ((k.saturating_sub(12))..(k + 13).min(N / 2))
                .filter(|j| j.abs_diff(k) > 2)
                .map(|j| power[j])
                .collect();
            if around.is_empty() {
                continue;
            }
            around.sort_by(|a, b| a.total_cmp(b));
            let median = around[around.len() / 2].max(1e-9);
            best = best.max(power[k] / median);
        }
    }
    best
}

/// In-place radix-2 FFT (length a power of two).
fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let ang = -std::f64::consts::TAU / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (ang * k as f64).sin_cos();
                let (a, b) = (start + k, start + k + len / 2);
                let (tr, ti) = (re[b] * c - im[b] * s, re[b] * s + im[b] * c);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// Test data: `img` as if shown on a screen and photographed (an RGB sub-pixel grid at a slight
/// angle, resampled by the camera). Used by the tests and measurements.
pub fn as_screen_photo(img: &RgbImage, pitch: f32) -> RgbImage {
    let (w, h) = (img.width(), img.height());
    let angle: f32 = 2.0f32.to_radians();
    let (s, c) = angle.sin_cos();
    RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (x as f32 * c + y as f32 * s, -(x as f32) * s + y as f32 * c);
        let p = img.get_pixel(x, y);
        let phase = (u / pitch).fract();
        let row = (v / pitch).fract();
        let sub = (phase * 3.0) as usize;
        let gap = if row < 0.2 { 0.55 } else { 1.0 };
        let mut out = [0u8; 3];
        for (i, o) in out.iter_mut().enumerate() {
            let lit = if i == sub.min(2) { 1.0 } else { 0.72 };
            *o = (f32::from(p[i]) * lit * gap).clamp(0.0, 255.0) as u8;
        }
        image::Rgb(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_of_a_sine_peaks_at_its_frequency() {
        let n = 64;
        let mut re: Vec<f64> = (0..n)
            .map(|i| (std::f64::consts::TAU * 5.0 * i as f64 / n as f64).sin())
            .collect();
        let mut im = vec![0.0; n];
        fft(&mut re, &mut im);
        let mag: Vec<f64> = (0..n / 2).map(|k| re[k].hypot(im[k])).collect();
        let peak = (0..n / 2)
            .max_by(|a, b| mag[*a].total_cmp(&mag[*b]))
            .unwrap_or(0);
        assert_eq!(peak, 5);
    }
}
