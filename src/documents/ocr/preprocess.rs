//! Finds the card in a photo and rectifies it: the card's outline is the largest convex,
//! card-shaped edge contour; its four corners are mapped onto an upright ID-1 rectangle (this
//! undoes perspective and rotation at once). When no outline is found (the photo is already a
//! crop of the card), the whole image is used and its skew is measured from the text lines.

use image::{GrayImage, Luma, RgbImage};
use imageproc::contours::{BorderType, find_contours};
use imageproc::distance_transform::Norm;
use imageproc::geometry::{contour_area, convex_hull};
use imageproc::point::Point;

use super::super::imaging::{rotate, shrink_to, to_luma, warp_quad};

/// Rectified card size: ID-1 at 300 dpi.
pub const CARD_W: u32 = 1012;
pub const CARD_H: u32 = 638;
const ID1_ASPECT: f32 = 85.60 / 53.98;

/// The card, rectified, and what was learnt finding it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Upright, `CARD_W`×`CARD_H`.
    pub card: RgbImage,
    /// A card outline was found in the photo (else the whole image was taken as the card).
    pub located: bool,
    /// The card's width in the source photo, pixels.
    pub source_card_width: f32,
    /// The card's corners in the source (TL, TR, BR, BL), when located.
    pub corners: Option<[(f32, f32); 4]>,
}

/// Locates and rectifies the card (see the module doc).
pub fn prepare(img: &RgbImage) -> Prepared {
    if let Some(quad) = locate(img) {
        let (quad, width) = orient(quad);
        if let Some(card) = warp_quad(img, quad, CARD_W, CARD_H) {
            return Prepared {
                card,
                located: true,
                source_card_width: width,
                corners: Some(quad),
            };
        }
    }
    prepare_whole(img)
}

/// The whole image taken as the card (maybe rotated, maybe slightly skewed): for a photo that is
/// already a crop of the card, or when an outline found inside the card (the photo, a frame of
/// the guilloche) gave no reading.
pub fn prepare_whole(img: &RgbImage) -> Prepared {
    let mut whole = img.clone();
    if whole.height() > whole.width() {
        whole = image::imageops::rotate90(&whole);
    }
    let angle = skew_angle(&whole);
    if angle.abs() > 0.2 {
        whole = rotate(&whole, -angle);
    }
    let source_card_width = whole.width() as f32;
    let card = image::imageops::resize(
        &whole,
        CARD_W,
        CARD_H,
        image::imageops::FilterType::CatmullRom,
    );
    Prepared {
        card,
        located: false,
        source_card_width,
        corners: None,
    }
}

/// The card's four corners in `img` (any order), if a card-shaped outline is found.
fn locate(img: &RgbImage) -> Option<[(f32, f32); 4]> {
    let (small, s) = shrink_to(img, 640);
    let gray = imageproc::filter::gaussian_blur_f32(&to_luma(&small), 1.6);
    // Two views of the outline: edges, and the bright card against a darker ground.
    let edges = imageproc::edges::canny(&gray, 12.0, 36.0);
    let edges = imageproc::morphology::dilate(&edges, Norm::LInf, 1);
    let level = imageproc::contrast::otsu_level(&gray);
    let bright =
        imageproc::contrast::threshold(&gray, level, imageproc::contrast::ThresholdType::Binary);
    let bright = imageproc::morphology::close(&bright, Norm::LInf, 4);
    let a = best_quad(&edges, small.width(), small.height());
    let b = best_quad(&bright, small.width(), small.height());
    // The better fit (hull area closest to its quadrilateral's) wins.
    let best = match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    };
    best.map(|(_, q)| q.map(|(x, y)| (x / s, y / s)))
}

/// The largest card-shaped quadrilateral among the outer contours of a binary image, with its
/// area.
fn best_quad(binary: &GrayImage, w: u32, h: u32) -> Option<(f64, [(f32, f32); 4])> {
    let image_area = f64::from(w) * f64::from(h);
    let mut best: Option<(f64, [(f32, f32); 4])> = None;
    for contour in find_contours::<i32>(binary) {
        if contour.border_type != BorderType::Outer || contour.points.len() < 20 {
            continue;
        }
        let hull = convex_hull(contour.points.clone());
        let area = contour_area(&hull);
        if area < 0.12 * image_area || area > 0.985 * image_area {
            continue;
        }
        let Some(quad) = quad_of(&hull) else { continue };
        let quad_area = polygon_area(&quad);
        // The hull must be (nearly) the quadrilateral itself, and card-shaped.
        if quad_area <= 0.0 || area / quad_area > 1.08 || area / quad_area < 0.92 {
            continue;
        }
        if !card_shaped(&quad) {
            continue;
        }
        let quad = refine(quad, &contour.points);
        let misfit = (1.0 - area / polygon_area(&quad)).abs() - area / image_area * 0.05;
        if best.as_ref().is_none_or(|(m, _)| misfit < *m) {
            best = Some((misfit, quad));
        }
    }
    best
}

/// Refits each side to the contour points along it (least squares) and intersects the sides:
/// corners of a hull are blunt, the sides are long and straight.
fn refine(q: [(f32, f32); 4], points: &[Point<i32>]) -> [(f32, f32); 4] {
    let mut lines = Vec::with_capacity(4);
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let len = dist(a, b);
        if len < 1.0 {
            return q;
        }
        let (dx, dy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let near: Vec<(f32, f32)> = points
            .iter()
            .map(|p| (p.x as f32, p.y as f32))
            .filter(|&(x, y)| {
                let t = (x - a.0) * dx + (y - a.1) * dy;
                let d = ((x - a.0) * dy - (y - a.1) * dx).abs();
                d <= 4.0 && t > 0.1 * len && t < 0.9 * len
            })
            .collect();
        if near.len() < 10 {
            return q;
        }
        // Principal direction of the points.
        let n = near.len() as f32;
        let (mx, my) = (
            near.iter().map(|p| p.0).sum::<f32>() / n,
            near.iter().map(|p| p.1).sum::<f32>() / n,
        );
        let (mut sxx, mut sxy, mut syy) = (0f32, 0f32, 0f32);
        for (x, y) in &near {
            sxx += (x - mx) * (x - mx);
            sxy += (x - mx) * (y - my);
            syy += (y - my) * (y - my);
        }
        let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
        lines.push(((mx, my), (theta.cos(), theta.sin())));
    }
    let mut out = q;
    for i in 0..4 {
        let (p1, d1) = lines[(i + 3) % 4];
        let (p2, d2) = lines[i];
        let det = d1.0 * d2.1 - d1.1 * d2.0;
        if det.abs() < 1e-3 {
            return q;
        }
        let t = ((p2.0 - p1.0) * d2.1 - (p2.1 - p1.1) * d2.0) / det;
        let c = (p1.0 + t * d1.0, p1.1 + t * d1.1);
        if dist(c, q[i]) > 25.0 {
            return q;
        }
        out[i] = c;
    }
    out
}

/// Four corners of a convex hull: the four hull vertices spanning the largest area (hulls have
/// a few dozen vertices, so all combinations are tried).
fn quad_of(hull: &[Point<i32>]) -> Option<[(f32, f32); 4]> {
    let pts: Vec<(f32, f32)> = hull.iter().map(|p| (p.x as f32, p.y as f32)).collect();
    let n = pts.len();
    if !(4..=80).contains(&n) {
        return None;
    }
    let mut best: Option<(f64, [(f32, f32); 4])> = None;
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                for d in c + 1..n {
                    let q = [pts[a], pts[b], pts[c], pts[d]];
                    let area = polygon_area(&q);
                    if best.is_none_or(|(x, _)| area > x) {
                        best = Some((area, q));
                    }
                }
            }
        }
    }
    best.map(|(_, q)| q)
}

fn polygon_area(q: &[(f32, f32); 4]) -> f64 {
    let mut a = 0.0f64;
    for i in 0..4 {
        let (x0, y0) = q[i];
        let (x1, y1) = q[(i + 1) % 4];
        a += f64::from(x0) * f64::from(y1) - f64::from(x1) * f64::from(y0);
    }
    a.abs() / 2.0
}

fn dist(a: (f32, f32), b: (f32, f32)) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Opposite sides of similar length and an aspect near ID-1's (allowing for tilt).
fn card_shaped(q: &[(f32, f32); 4]) -> bool {
    let sides = [
        dist(q[0], q[1]),
        dist(q[1], q[2]),
        dist(q[2], q[3]),
        dist(q[3], q[0]),
    ];
    let a = (sides[0] + sides[2]) / 2.0;
    let b = (sides[1] + sides[3]) / 2.0;
    if a < 1.0 || b < 1.0 {
        return false;
    }
    let aspect = a.max(b) / a.min(b);
    let parallel = |x: f32, y: f32| x.min(y) / x.max(y) > 0.7;
    (ID1_ASPECT * 0.78..ID1_ASPECT * 1.25).contains(&aspect)
        && parallel(sides[0], sides[2])
        && parallel(sides[1], sides[3])
}

/// Orders corners TL, TR, BR, BL of a landscape card: clockwise from the corner that starts the
/// longer top edge. Returns the corners and the card's width.
fn orient(q: [(f32, f32); 4]) -> ([(f32, f32); 4], f32) {
    let cx = q.iter().map(|p| p.0).sum::<f32>() / 4.0;
    let cy = q.iter().map(|p| p.1).sum::<f32>() / 4.0;
    let mut pts = q.to_vec();
    // Clockwise on screen (y down): increasing atan2.
    pts.sort_by(|a, b| {
        let ta = (a.1 - cy).atan2(a.0 - cx);
        let tb = (b.1 - cy).atan2(b.0 - cx);
        ta.total_cmp(&tb)
    });
    // Start at the top-left-most point.
    let start = (0..4)
        .min_by(|&i, &j| (pts[i].0 + pts[i].1).total_cmp(&(pts[j].0 + pts[j].1)))
        .unwrap_or(0);
    let mut o = [(0.0, 0.0); 4];
    for (i, slot) in o.iter_mut().enumerate() {
        *slot = pts[(start + i) % 4];
    }
    let top = (dist(o[0], o[1]) + dist(o[3], o[2])) / 2.0;
    let side = (dist(o[1], o[2]) + dist(o[0], o[3])) / 2.0;
    if side > top {
        // Portrait in the photo: the card lies rotated 90°; take the left edge as its top
        // (a quarter turn clockwise; the reader tries the opposite turn if reading fails).
        ([o[3], o[0], o[1], o[2]], side)
    } else {
        (o, top)
    }
}

/// The text lines' skew in degrees (positive: clockwise), from the projection profile of the
/// binarised image over ±10°.
pub fn skew_angle(img: &RgbImage) -> f32 {
    let (small, _) = shrink_to(img, 500);
    let gray = to_luma(&small);
    let level = imageproc::contrast::otsu_level(&gray);
    let ink: Vec<(f32, f32)> = gray
        .enumerate_pixels()
        .filter(|(_, _, p)| p[0] < level)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    if ink.len() < 50 {
        return 0.0;
    }
    let h = small.height() as f32;
    let score = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let bins = (h * 1.6) as usize + 2;
        let mut hist = vec![0u32; bins];
        for (x, y) in &ink {
            let r = y - x * t + h * 0.3;
            if r >= 0.0 && (r as usize) < bins {
                hist[r as usize] += 1;
            }
        }
        hist.iter().map(|&c| f64::from(c) * f64::from(c)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut a = -10.0f32;
    while a <= 10.0 {
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
        a += 0.5;
    }
    let centre = best.0;
    let mut a = centre - 0.5;
    while a <= centre + 0.5 {
        let s = score(a);
        if s > best.1 {
            best = (a, s);
        }
        a += 0.1;
    }
    best.0
}

/// A 180° turn of the rectified card (for an upside-down photo).
pub fn turned(card: &RgbImage) -> RgbImage {
    image::imageops::rotate180(card)
}

/// The grey image of `card` used for the text: the blue background suppressed
/// ([`to_ink_gray`](super::super::imaging::to_ink_gray)), contrast stretched.
pub fn text_gray(card: &RgbImage) -> GrayImage {
    let g = super::super::imaging::to_ink_gray(card);
    super::super::imaging::stretch(&g, 0.01, 0.6)
}

/// Whether a grey pixel is ink after binarisation.
pub fn is_ink(p: &Luma<u8>) -> bool {
    p[0] < 128
}
