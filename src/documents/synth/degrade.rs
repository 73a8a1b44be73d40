//! Makes a rendered card look photographed: placed on a photo-like background with rotation and
//! perspective, then lighting, blur, sensor noise and JPEG re-encoding.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, Rgb, RgbImage};
use imageproc::geometric_transformations::Projection;

use super::Rng;

/// How a card is degraded. `Degradation::clean()` changes nothing (and encodes PNG).
#[derive(Debug, Clone, PartialEq)]
pub struct Degradation {
    /// In-plane rotation, degrees.
    pub rotation_deg: f32,
    /// Largest corner displacement, as a fraction of the card's width (a tilted camera).
    pub perspective: f32,
    /// Put the card on a photo-like background (else the card fills the image).
    pub background: bool,
    /// The card's width in the output image, pixels.
    pub card_width: u32,
    pub blur_sigma: f32,
    pub noise_sigma: f32,
    /// Multiplies every pixel (under 1 darkens).
    pub brightness: f32,
    /// JPEG quality, else PNG.
    pub jpeg_quality: Option<u8>,
    pub seed: u64,
}

impl Degradation {
    pub fn clean() -> Self {
        Self {
            rotation_deg: 0.0,
            perspective: 0.0,
            background: false,
            card_width: super::card::CARD_W,
            blur_sigma: 0.0,
            noise_sigma: 0.0,
            brightness: 1.0,
            jpeg_quality: None,
            seed: 0,
        }
    }

    /// What the tests call "moderately degraded": rotation up to 10°, a tilted camera, a
    /// background, slight blur, noise and lighting, JPEG quality 40.
    pub fn moderate(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        Self {
            rotation_deg: rng.uniform(-10.0, 10.0),
            perspective: rng.uniform(0.0, 0.05),
            background: true,
            card_width: rng.uniform(900.0, 1150.0) as u32,
            blur_sigma: rng.uniform(0.0, 1.0),
            noise_sigma: rng.uniform(0.0, 6.0),
            brightness: rng.uniform(0.8, 1.1),
            jpeg_quality: Some(40),
            seed,
        }
    }
}

/// Applies `d` to `card` and returns the encoded file.
pub fn degrade(card: &RgbImage, d: &Degradation) -> Vec<u8> {
    let mut rng = Rng::new(d.seed.wrapping_mul(31).wrapping_add(7));
    let scale = d.card_width as f32 / card.width() as f32;
    let (cw, ch) = (card.width() as f32 * scale, card.height() as f32 * scale);
    let mut img = if d.background {
        let (w, h) = ((cw * 1.45) as u32, (ch * 1.75) as u32);
        let mut bg = background(w, h, &mut rng);
        // Card corners: centred (a little off), rotated, each corner moved by the tilt.
        let (cx, cy) = (
            w as f32 / 2.0 + rng.uniform(-0.05, 0.05) * w as f32,
            h as f32 / 2.0 + rng.uniform(-0.05, 0.05) * h as f32,
        );
        let (s, c) = d.rotation_deg.to_radians().sin_cos();
        let mut to = [(0.0f32, 0.0f32); 4];
        for (i, (x, y)) in [
            (-cw / 2.0, -ch / 2.0),
            (cw / 2.0, -ch / 2.0),
            (cw / 2.0, ch / 2.0),
            (-cw / 2.0, ch / 2.0),
        ]
        .into_iter()
        .enumerate()
        {
            let jx = rng.uniform(-d.perspective, d.perspective) * cw;
            let jy = rng.uniform(-d.perspective, d.perspective) * cw;
            to[i] = (cx + x * c - y * s + jx, cy + x * s + y * c + jy);
        }
        let from = [
            (0.0, 0.0),
            (card.width() as f32, 0.0),
            (card.width() as f32, card.height() as f32),
            (0.0, card.height() as f32),
        ];
        if let Some(p) = Projection::from_control_points(from, to) {
            let inv = p.invert();
            for y in 0..h {
                for x in 0..w {
                    let (u, v) = inv * (x as f32 + 0.5, y as f32 + 0.5);
                    if let Some(px) = sample(card, u - 0.5, v - 0.5) {
                        bg.put_pixel(x, y, px);
                    }
                }
            }
        }
        bg
    } else if (scale - 1.0).abs() > 1e-3 {
        image::imageops::resize(
            card,
            cw as u32,
            ch as u32,
            image::imageops::FilterType::Triangle,
        )
    } else {
        card.clone()
    };
    if d.blur_sigma > 0.05 {
        img = imageproc::filter::gaussian_blur_f32(&img, d.blur_sigma);
    }
    if d.noise_sigma > 0.0 || (d.brightness - 1.0).abs() > 1e-3 {
        for p in img.pixels_mut() {
            let n = rng.normal() * d.noise_sigma;
            for ch in p.0.iter_mut() {
                *ch = (f32::from(*ch) * d.brightness + n).clamp(0.0, 255.0) as u8;
            }
        }
    }
    encode(&img, d.jpeg_quality)
}

/// Encodes as JPEG at `quality`, or PNG.
pub fn encode(img: &RgbImage, jpeg_quality: Option<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let result = match jpeg_quality {
        Some(q) => JpegEncoder::new_with_quality(&mut out, q).encode_image(img),
        None => img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png),
    };
    if result.is_err() {
        out.clear();
    }
    out
}

/// Bilinear sample, `None` outside the image.
fn sample(img: &RgbImage, u: f32, v: f32) -> Option<Rgb<u8>> {
    if u < 0.0 || v < 0.0 || u > (img.width() - 1) as f32 || v > (img.height() - 1) as f32 {
        return None;
    }
    let (x0, y0) = (u.floor() as u32, v.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let (fx, fy) = (u - x0 as f32, v - y0 as f32);
    let (a, b, c, d) = (
        img.get_pixel(x0, y0),
        img.get_pixel(x1, y0),
        img.get_pixel(x0, y1),
        img.get_pixel(x1, y1),
    );
    let mut out = [0u8; 3];
    for i in 0..3 {
        let top = f32::from(a[i]) * (1.0 - fx) + f32::from(b[i]) * fx;
        let bottom = f32::from(c[i]) * (1.0 - fx) + f32::from(d[i]) * fx;
        out[i] = (top * (1.0 - fy) + bottom * fy).round() as u8;
    }
    Some(Rgb(out))
}

/// A photo-like surface: a wood-grain or fabric-like table top under uneven light.
fn background(w: u32, h: u32, rng: &mut Rng) -> RgbImage {
    let base = *rng.pick(&[
        [120.0f32, 84.0, 52.0],
        [90.0, 92.0, 98.0],
        [140.0, 110.0, 80.0],
        [60.0, 66.0, 58.0],
    ]);
    let (lx, ly) = (rng.unit() * w as f32, rng.unit() * h as f32);
    let freq = rng.uniform(0.02, 0.06);
    let phase = rng.uniform(0.0, 6.0);
    let diag = ((w * w + h * h) as f32).sqrt();
    RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (x as f32, y as f32);
        let light = 1.15 - 0.5 * (((xf - lx).powi(2) + (yf - ly).powi(2)).sqrt() / diag);
        let grain = 1.0 + 0.12 * (yf * freq + (xf * 0.01 + phase).sin() * 4.0).sin();
        let mut px = [0u8; 3];
        for i in 0..3 {
            px[i] = (base[i] * light * grain).clamp(0.0, 255.0) as u8;
        }
        Rgb(px)
    })
}
