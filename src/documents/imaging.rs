//! Pixel helpers shared by the OCR, face and fraud code: decoding with limits, grey conversions,
//! bilinear sampling, perspective warps, Sauvola binarisation, sharpness.

use image::{GrayImage, ImageReader, Luma, Rgb, RgbImage};
use imageproc::geometric_transformations::Projection;

/// Largest accepted side and pixel count: a phone photo is far below; a decompression bomb is not.
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_PIXELS: u64 = 50_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a readable image (JPEG, PNG or WebP): {0}")]
    Unreadable(String),
    #[error("the image is too large ({width}x{height} pixels)")]
    TooLarge { width: u32, height: u32 },
}

/// Decodes a JPEG/PNG/WebP file into RGB, refusing huge images before allocating them.
pub fn decode_rgb(bytes: &[u8]) -> Result<RgbImage, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DecodeError::TooLarge { width, height });
    }
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    // A phone stores its photo as the sensor saw it and says in EXIF how to turn it: turned
    // here, a card or a face photographed in portrait is upright as the person saw it.
    let orientation = image::ImageDecoder::orientation(&mut decoder).ok();
    let mut img = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| DecodeError::Unreadable(e.to_string()))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width() == 0 || img.height() == 0 {
        return Err(DecodeError::Unreadable("the image has no pixels".into()));
    }
    Ok(img.to_rgb8())
}

/// Rec. 601 luma.
pub fn luma(p: &Rgb<u8>) -> u8 {
    ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
}

pub fn to_luma(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([luma(img.get_pixel(x, y))])
    })
}

/// The brightest channel: the KTP's light-blue ground turns near-white while black print stays
/// black, so the print separates better than in luma.
pub fn to_max_channel(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        Luma([p[0].max(p[1]).max(p[2])])
    })
}

/// Ink darkness with the card's blue print suppressed: the brightest channel, raised by how much
/// bluer than red a pixel is. The KTP's text is black or dark grey (its channels close
/// together); its background pattern — the guilloche and the "KARTU TANDA PENDUDUK" watermark —
/// is printed in blues, which this turns to near-white before binarising, however dark the
/// photo makes them.
pub fn to_ink_gray(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        let max = u16::from(p[0].max(p[1]).max(p[2]));
        let blue = u16::from(p[2].saturating_sub(p[0]));
        Luma([(max + blue).min(255) as u8])
    })
}

/// Resizes so the longer side is at most `max_side`; returns the image and the factor applied.
pub fn shrink_to(img: &RgbImage, max_side: u32) -> (RgbImage, f32) {
    let longest = img.width().max(img.height());
    if longest <= max_side {
        return (img.clone(), 1.0);
    }
    let s = max_side as f32 / longest as f32;
    let w = ((img.width() as f32 * s).round() as u32).max(1);
    let h = ((img.height() as f32 * s).round() as u32).max(1);
    (
        image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle),
        s,
    )
}

/// Bilinear sample at pixel-centre coordinates, clamped at the edges.
pub fn sample(img: &RgbImage, u: f32, v: f32) -> Rgb<u8> {
    let max_x = (img.width().max(1) - 1) as f32;
    let max_y = (img.height().max(1) - 1) as f32;
    let u = u.clamp(0.0, max_x);
    let v = v.clamp(0.0, max_y);
    let (x0, y0) = (u.floor() as u32, v.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(max_x as u32), (y0 + 1).min(max_y as u32));
    let (fx, fy) = (u - x0 as f32, v - y0 as f32);
    let (a, b, c, d) = (
        img.get_pixel(x0, y0),
        img.get_pixel(x1, y0),
        img.get_pixel(x0, y1),
        img.get_pixel(x1, y1),
    );
    let mut out = [0u8; 3];
    for (i, o) in out.iter_mut().enumerate() {
        let top = f32::from(a[i]) * (1.0 - fx) + f32::from(b[i]) * fx;
        let bottom = f32::from(c[i]) * (1.0 - fx) + f32::from(d[i]) * fx;
        *o = (top * (1.0 - fy) + bottom * fy).round() as u8;
    }
    Rgb(out)
}

/// Maps the quadrilateral `quad` (TL, TR, BR, BL in `img`) onto a `w`×`h` rectangle.
/// `None` when the four points are degenerate.
pub fn warp_quad(img: &RgbImage, quad: [(f32, f32); 4], w: u32, h: u32) -> Option<RgbImage> {
    let rect = [
        (0.0, 0.0),
        (w as f32, 0.0),
        (w as f32, h as f32),
        (0.0, h as f32),
    ];
    let p = Projection::from_control_points(rect, quad)?;
    Some(RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = p * (x as f32 + 0.5, y as f32 + 0.5);
        sample(img, u - 0.5, v - 0.5)
    }))
}

/// Rotates about the centre by `degrees` (positive: clockwise on screen), keeping the size and
/// filling with the edge colour.
pub fn rotate(img: &RgbImage, degrees: f32) -> RgbImage {
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (img.width() as f32 / 2.0, img.height() as f32 / 2.0);
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        let u = cx + dx * c + dy * s;
        let v = cy - dx * s + dy * c;
        sample(img, u - 0.5, v - 0.5)
    })
}

/// Stretches the `lo`/`hi` percentiles to 0 and 255.
pub fn stretch(img: &GrayImage, lo: f32, hi: f32) -> GrayImage {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[usize::from(p[0])] += 1;
    }
    let total = u64::from(img.width()) * u64::from(img.height());
    let pct = |q: f32| -> u8 {
        let target = (total as f32 * q) as u64;
        let mut acc = 0;
        for (v, n) in hist.iter().enumerate() {
            acc += n;
            if acc > target {
                return v as u8;
            }
        }
        255
    };
    let (a, b) = (pct(lo), pct(hi));
    if b <= a {
        return img.clone();
    }
    let span = f32::from(b - a);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let v = f32::from(img.get_pixel(x, y)[0]);
        Luma([((v - f32::from(a)) * 255.0 / span).clamp(0.0, 255.0) as u8])
    })
}

/// Sauvola binarisation (window `2r+1`, k = 0.2, R = 128): black print, white ground. Robust to
/// uneven light, unlike one global threshold.
pub fn sauvola(img: &GrayImage, r: u32, k: f32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let stride = w + 1;
    let mut sum = vec![0f64; stride * (h + 1)];
    let mut sq = vec![0f64; stride * (h + 1)];
    for y in 0..h {
        let mut row = 0f64;
        let mut row_sq = 0f64;
        for x in 0..w {
            let v = f64::from(img.get_pixel(x as u32, y as u32)[0]);
            row += v;
            row_sq += v * v;
            sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] + row;
            sq[(y + 1) * stride + x + 1] = sq[y * stride + x + 1] + row_sq;
        }
    }
    let r = r as usize;
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let (x, y) = (x as usize, y as usize);
        let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
        let (x1, y1) = ((x + r + 1).min(w), (y + r + 1).min(h));
        let n = ((x1 - x0) * (y1 - y0)) as f64;
        let s = sum[y1 * stride + x1] - sum[y0 * stride + x1] - sum[y1 * stride + x0]
            + sum[y0 * stride + x0];
        let q = sq[y1 * stride + x1] - sq[y0 * stride + x1] - sq[y1 * stride + x0]
            + sq[y0 * stride + x0];
        let mean = s / n;
        let sd = (q / n - mean * mean).max(0.0).sqrt();
        let t = mean * (1.0 + f64::from(k) * (sd / 128.0 - 1.0));
        let v = f64::from(img.get_pixel(x as u32, y as u32)[0]);
        Luma([if v > t { 255 } else { 0 }])
    })
}

/// Variance of the Laplacian: low means blurred.
pub fn laplacian_variance(img: &GrayImage) -> f64 {
    let (w, h) = (img.width(), img.height());
    if w < 3 || h < 3 {
        return 0.0;
    }
    let mut n = 0f64;
    let mut sum = 0f64;
    let mut sum_sq = 0f64;
    let at = |x: u32, y: u32| f64::from(img.get_pixel(x, y)[0]);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y);
            n += 1.0;
            sum += l;
            sum_sq += l * l;
        }
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

/// Encodes a grey image as PNG (for debugging and for Tesseract-independent checks).
pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}
