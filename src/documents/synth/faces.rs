//! Face pairs from the sample photos Debian's `libdlib19.1` ships (PASCAL VOC images with the
//! faces boxed in `training.xml` / `testing.xml`): every boxed face is one person, cropped into a
//! portrait; transformed copies of a portrait are the same person, other portraits other people.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage, imageops};

use super::Rng;
use super::card::{Fonts, KtpTruth, render_card};
use super::degrade::{Degradation, degrade, encode};

pub const FACES_DIR: &str = "/usr/share/doc/libdlib19.1/examples/faces";

/// One person's portrait, cropped around a boxed face.
#[derive(Debug, Clone)]
pub struct Portrait {
    /// `file#n`.
    pub id: String,
    pub image: RgbImage,
}

/// Side of the square portraits, pixels.
pub const PORTRAIT: u32 = 320;

/// Every boxed face of the sample photos, as a portrait (the face about 45% of the width).
pub fn portraits() -> std::io::Result<Vec<Portrait>> {
    portraits_in(Path::new(FACES_DIR))
}

pub fn portraits_in(dir: &Path) -> std::io::Result<Vec<Portrait>> {
    let mut out = Vec::new();
    for xml in ["training.xml", "testing.xml"] {
        let text = std::fs::read_to_string(dir.join(xml))?;
        for (file, boxes) in parse_boxes(&text) {
            let photo = match image::open(dir.join(&file)) {
                Ok(p) => p.to_rgb8(),
                Err(e) => return Err(std::io::Error::other(format!("{file}: {e}"))),
            };
            for (n, &(top, left, width, height)) in boxes.iter().enumerate() {
                // One person per portrait: the other boxed faces are painted over.
                let mut photo = photo.clone();
                for (m, &(t, l, w, h)) in boxes.iter().enumerate() {
                    if m != n {
                        cover(&mut photo, l, t, w, h);
                    }
                }
                let side = (width.max(height) as f32 * 2.2) as i64;
                let cx = left + width / 2;
                let cy = top + height / 2 + height / 10;
                let crop = crop_padded(&photo, cx - side / 2, cy - side / 2, side as u32);
                let image =
                    imageops::resize(&crop, PORTRAIT, PORTRAIT, imageops::FilterType::CatmullRom);
                out.push(Portrait {
                    id: format!("{file}#{n}"),
                    image,
                });
            }
        }
    }
    Ok(out)
}

/// Fills a face's box (enlarged by a quarter) with its mean colour.
fn cover(img: &mut RgbImage, left: i64, top: i64, width: i64, height: i64) {
    let (x0, y0) = ((left - width / 4).max(0), (top - height / 4).max(0));
    let x1 = (left + width + width / 4).min(i64::from(img.width()));
    let y1 = (top + height + height / 4).min(i64::from(img.height()));
    if x1 <= x0 || y1 <= y0 {
        return;
    }
    let mut sum = [0u64; 3];
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x as u32, y as u32);
            for i in 0..3 {
                sum[i] += u64::from(p[i]);
            }
        }
    }
    let n = ((x1 - x0) * (y1 - y0)) as u64;
    let mean = Rgb([(sum[0] / n) as u8, (sum[1] / n) as u8, (sum[2] / n) as u8]);
    for y in y0..y1 {
        for x in x0..x1 {
            img.put_pixel(x as u32, y as u32, mean);
        }
    }
}

/// `(top, left, width, height)` of a boxed face.
type FaceBoxXml = (i64, i64, i64, i64);

/// `(file, [(top, left, width, height)])` from dlib's imglab XML.
fn parse_boxes(xml: &str) -> Vec<(String, Vec<FaceBoxXml>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}='"))? + name.len() + 2;
        let end = tag[start..].find('\'')? + start;
        Some(tag[start..end].to_owned())
    };
    let mut out: Vec<(String, Vec<FaceBoxXml>)> = Vec::new();
    for tag in xml.split('<').skip(1) {
        if tag.starts_with("image ") {
            if let Some(file) = attr(tag, "file") {
                out.push((file, Vec::new()));
            }
        } else if tag.starts_with("box ") {
            let num = |n: &str| attr(tag, n).and_then(|v| v.parse::<i64>().ok());
            if let (Some(t), Some(l), Some(w), Some(h), Some(last)) = (
                num("top"),
                num("left"),
                num("width"),
                num("height"),
                out.last_mut(),
            ) {
                last.1.push((t, l, w, h));
            }
        }
    }
    out
}

/// A square crop that may reach outside the photo (filled with the edge colour).
fn crop_padded(img: &RgbImage, x0: i64, y0: i64, side: u32) -> RgbImage {
    RgbImage::from_fn(side, side, |x, y| {
        let sx = (x0 + i64::from(x)).clamp(0, i64::from(img.width()) - 1) as u32;
        let sy = (y0 + i64::from(y)).clamp(0, i64::from(img.height()) - 1) as u32;
        *img.get_pixel(sx, sy)
    })
}

/// The changes that keep the person: what a selfie or a card photo of the same face goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Mirror,
    Rotate,
    Darken,
    Grayscale,
    Recompress,
    /// Printed small in the photo box of a rendered card, then photographed (moderate degradation).
    OnCard,
}

impl Transform {
    pub const ALL: [Transform; 6] = [
        Transform::Mirror,
        Transform::Rotate,
        Transform::Darken,
        Transform::Grayscale,
        Transform::Recompress,
        Transform::OnCard,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Transform::Mirror => "mirror",
            Transform::Rotate => "rotate",
            Transform::Darken => "darken",
            Transform::Grayscale => "grayscale",
            Transform::Recompress => "recompress",
            Transform::OnCard => "on_card",
        }
    }
}

/// The portrait as a PNG file.
pub fn original(p: &Portrait) -> Vec<u8> {
    encode(&p.image, None)
}

/// A transformed copy of the portrait, as an encoded file.
pub fn transformed(p: &Portrait, t: Transform, fonts: &Fonts, seed: u64) -> Vec<u8> {
    match t {
        Transform::Mirror => encode(&imageops::flip_horizontal(&p.image), Some(90)),
        Transform::Rotate => {
            let angle = if seed.is_multiple_of(2) {
                12.0f32
            } else {
                -12.0
            };
            let r = imageproc::geometric_transformations::rotate_about_center(
                &p.image,
                angle.to_radians(),
                imageproc::geometric_transformations::Interpolation::Bilinear,
                Rgb([128, 128, 128]),
            );
            encode(&r, Some(90))
        }
        Transform::Darken => {
            let mut d = p.image.clone();
            for px in d.pixels_mut() {
                for c in px.0.iter_mut() {
                    *c = (f32::from(*c) * 0.45) as u8;
                }
            }
            encode(&d, Some(90))
        }
        Transform::Grayscale => {
            let g = imageops::grayscale(&p.image);
            let rgb = RgbImage::from_fn(g.width(), g.height(), |x, y| {
                let v = g.get_pixel(x, y)[0];
                Rgb([v, v, v])
            });
            encode(&rgb, Some(90))
        }
        Transform::Recompress => {
            let small = imageops::resize(
                &p.image,
                PORTRAIT * 3 / 4,
                PORTRAIT * 3 / 4,
                imageops::FilterType::Triangle,
            );
            let once = encode(&small, Some(30));
            match image::load_from_memory(&once) {
                Ok(i) => encode(&i.to_rgb8(), Some(30)),
                Err(_) => once,
            }
        }
        Transform::OnCard => {
            let truth = KtpTruth::random(&mut Rng::new(seed));
            let card = render_card(fonts, &truth, Some(&p.image));
            degrade(&card, &Degradation::moderate(seed))
        }
    }
}

/// Where the sample photos live, if installed.
pub fn faces_dir() -> Option<PathBuf> {
    let p = PathBuf::from(FACES_DIR);
    p.join("training.xml").exists().then_some(p)
}
