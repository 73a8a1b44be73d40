//! A reader made for the NIK's digits. The NIK is printed in OCR-A, a typeface Tesseract's
//! Indonesian model misreads (a 6 as a 5, a 9 as a 4 or a 1, a 4 as a 1): its digits are told
//! apart here by shape instead. The line is binarised (Otsu), its glyphs found as connected
//! components of similar height on one baseline, each scaled to 24 px high and compared with the
//! OCR-A templates by normalised correlation. The margin between the best and the second-best
//! template is the digit's confidence.

use image::{GrayImage, Luma, imageops};
use imageproc::region_labelling::{Connectivity, connected_components};

use super::ocra_digits::{CELL_H, CELL_W, DIGITS};

/// A line of digits as read: the digits and, per digit, its confidence (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct DigitReading {
    pub digits: String,
    pub confidences: Vec<f32>,
}

impl DigitReading {
    pub fn confidence(&self) -> f32 {
        if self.confidences.is_empty() {
            return 0.0;
        }
        self.confidences.iter().sum::<f32>() / self.confidences.len() as f32
    }
}

#[derive(Debug, Clone, Copy)]
struct Glyph {
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
}

impl Glyph {
    fn height(&self) -> u32 {
        self.bottom - self.top + 1
    }
    fn width(&self) -> u32 {
        self.right - self.left + 1
    }
}

/// Reads the digits of one line (dark print on light, as cut from the card).
pub fn read_line(gray: &GrayImage) -> Option<DigitReading> {
    let (w, h) = gray.dimensions();
    if w < 32 || h < 10 {
        return None;
    }
    // Light falls unevenly along the line: each pixel is taken relative to the ground near
    // it (the brightest of its columns within a line height), then one Otsu level splits ink
    // from ground.
    let col_max: Vec<u8> = (0..w)
        .map(|x| (0..h).map(|y| gray.get_pixel(x, y)[0]).max().unwrap_or(255))
        .collect();
    let reach = h as usize;
    let ground: Vec<f32> = (0..w as usize)
        .map(|x| {
            let (a, b) = (x.saturating_sub(reach), (x + reach + 1).min(w as usize));
            f32::from(col_max[a..b].iter().copied().max().unwrap_or(255)).max(1.0)
        })
        .collect();
    let flat = GrayImage::from_fn(w, h, |x, y| {
        let v = f32::from(gray.get_pixel(x, y)[0]) / ground[x as usize] * 255.0;
        Luma([v.clamp(0.0, 255.0) as u8])
    });
    let level = imageproc::contrast::otsu_level(&flat);
    let ink = GrayImage::from_fn(w, h, |x, y| {
        Luma([if flat.get_pixel(x, y)[0] <= level {
            255
        } else {
            0
        }])
    });
    let gray = &flat;
    let labels = connected_components(&ink, Connectivity::Eight, Luma([0u8]));
    let mut boxes: Vec<Option<Glyph>> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l[0] as usize;
        if l == 0 {
            continue;
        }
        if boxes.len() <= l {
            boxes.resize(l + 1, None);
        }
        let b = boxes[l].get_or_insert(Glyph {
            left: x,
            top: y,
            right: x,
            bottom: y,
        });
        b.left = b.left.min(x);
        b.right = b.right.max(x);
        b.top = b.top.min(y);
        b.bottom = b.bottom.max(y);
    }
    let mut glyphs: Vec<Glyph> = boxes.into_iter().flatten().collect();
    // The digits are the tallest marks; specks, the colon and the pattern are smaller.
    let mut heights: Vec<u32> = glyphs.iter().map(Glyph::height).collect();
    heights.sort_unstable();
    let tall = *heights.last()?;
    if tall < 8 {
        return None;
    }
    glyphs.retain(|g| {
        g.height() * 10 >= tall * 6 && g.width() * 2 <= tall * 3 && g.top > 0 && g.bottom + 1 < h
    });
    if glyphs.is_empty() {
        return None;
    }
    // One baseline: the median glyph's band.
    let mut tops: Vec<u32> = glyphs.iter().map(|g| g.top).collect();
    tops.sort_unstable();
    let mut bottoms: Vec<u32> = glyphs.iter().map(|g| g.bottom).collect();
    bottoms.sort_unstable();
    let (top, bottom) = (tops[tops.len() / 2], bottoms[bottoms.len() / 2]);
    let digit_h = bottom.saturating_sub(top) + 1;
    let slack = digit_h / 4 + 1;
    glyphs.retain(|g| g.top + slack >= top && g.bottom <= bottom + slack);
    glyphs.sort_by_key(|g| g.left);
    // Pieces of one digit (a broken stroke) overlap in x: merge them.
    let mut merged: Vec<Glyph> = Vec::new();
    for g in glyphs {
        match merged.last_mut() {
            Some(m)
                if g.left + 1 < m.right && (m.right - g.left) * 2 > g.width().min(m.width()) =>
            {
                m.left = m.left.min(g.left);
                m.right = m.right.max(g.right);
                m.top = m.top.min(g.top);
                m.bottom = m.bottom.max(g.bottom);
            }
            _ => merged.push(g),
        }
    }
    // Touching digits: a glyph much wider than a digit is split evenly.
    let mut widths: Vec<u32> = merged.iter().map(Glyph::width).collect();
    widths.sort_unstable();
    let digit_w = widths[widths.len() / 2].max(digit_h / 3);
    let mut cells: Vec<Glyph> = Vec::new();
    for g in merged {
        let n = ((g.width() as f32 / (digit_w as f32 * 1.25)).round() as u32).max(1);
        if n == 1 || g.width() < digit_w * 3 / 2 {
            cells.push(g);
            continue;
        }
        for i in 0..n {
            let l = g.left + g.width() * i / n;
            let r = g.left + g.width() * (i + 1) / n - 1;
            cells.push(Glyph {
                left: l,
                right: r.max(l),
                ..g
            });
        }
    }
    // The run of digits: drop marks far from the others (a stray mark before or after).
    let pitch = median_pitch(&cells).unwrap_or(digit_w as f32 * 1.3);
    let run = longest_run(&cells, pitch * 1.8);
    let mut digits = String::new();
    let mut confidences = Vec::new();
    for g in run {
        // Every OCR-A digit is as tall as the line: a glyph's own extent follows a tilted line;
        // a glyph shorter than the line lost a stroke and takes the line's.
        let (t, b) = if g.height() * 10 >= digit_h * 9 {
            (g.top, g.bottom)
        } else {
            (top.min(g.top), bottom.max(g.bottom))
        };
        let (d, c) = classify(gray, g, t, b);
        if std::env::var_os("DOCUMENTS_DEBUG_OCR").is_some() {
            eprintln!("glyph| {d} {c:.2} {g:?} line {top}..{bottom}");
        }
        digits.push(d);
        confidences.push(c);
    }
    (!digits.is_empty()).then_some(DigitReading {
        digits,
        confidences,
    })
}

fn median_pitch(cells: &[Glyph]) -> Option<f32> {
    let mut d: Vec<f32> = cells
        .windows(2)
        .map(|w| (w[1].left + w[1].right) as f32 / 2.0 - (w[0].left + w[0].right) as f32 / 2.0)
        .collect();
    if d.is_empty() {
        return None;
    }
    d.sort_by(f32::total_cmp);
    Some(d[d.len() / 2])
}

fn longest_run(cells: &[Glyph], max_gap: f32) -> Vec<Glyph> {
    let mut best: Vec<Glyph> = Vec::new();
    let mut cur: Vec<Glyph> = Vec::new();
    for g in cells {
        if let Some(p) = cur.last() {
            let gap = (g.left + g.right) as f32 / 2.0 - (p.left + p.right) as f32 / 2.0;
            if gap > max_gap {
                if cur.len() > best.len() {
                    best = std::mem::take(&mut cur);
                } else {
                    cur.clear();
                }
            }
        }
        cur.push(*g);
    }
    if cur.len() > best.len() {
        best = cur;
    }
    best
}

/// The digit a glyph shows and the margin of its match (0–1).
fn classify(gray: &GrayImage, g: Glyph, top: u32, bottom: u32) -> (char, f32) {
    let crop = imageops::crop_imm(
        gray,
        g.left,
        top,
        g.width(),
        (bottom - top + 1).min(gray.height() - top),
    )
    .to_image();
    let cell = to_cell(&crop);
    let mut scores: Vec<(usize, f32)> = DIGITS
        .iter()
        .enumerate()
        .map(|(d, t)| (d, ncc(&cell, t)))
        .collect();
    scores.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (d, best) = scores[0];
    let second = scores.get(1).map_or(0.0, |s| s.1);
    let margin = ((best - second) * 4.0).clamp(0.0, 1.0);
    let conf = (best.max(0.0) * 0.5 + margin * 0.5).clamp(0.0, 1.0);
    (char::from(b'0' + d as u8), conf)
}

/// The glyph as ink (255) on 0, scaled to `CELL_H` high keeping its aspect, centred in a cell.
fn to_cell(crop: &GrayImage) -> Vec<f32> {
    let (w, h) = crop.dimensions();
    let nw = ((w as f32 * CELL_H as f32 / h.max(1) as f32).round() as u32).clamp(1, CELL_W as u32);
    let scaled = imageops::resize(crop, nw, CELL_H as u32, imageops::FilterType::Triangle);
    // Ink from the crop's own range: darkest → 255, lightest → 0.
    let (lo, hi) = scaled
        .pixels()
        .fold((255u8, 0u8), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
    let span = f32::from(hi.saturating_sub(lo)).max(1.0);
    let mut cell = vec![0f32; CELL_W * CELL_H];
    let x0 = (CELL_W as u32 - nw) / 2;
    for (x, y, p) in scaled.enumerate_pixels() {
        let v = (f32::from(hi) - f32::from(p[0])) / span * 255.0;
        cell[y as usize * CELL_W + (x + x0) as usize] = v;
    }
    cell
}

/// Zero-mean normalised correlation of a cell with a template.
fn ncc(cell: &[f32], template: &[u8]) -> f32 {
    let n = cell.len() as f32;
    let ma = cell.iter().sum::<f32>() / n;
    let mb = template.iter().map(|v| f32::from(*v)).sum::<f32>() / n;
    let (mut num, mut da, mut db) = (0f32, 0f32, 0f32);
    for (a, b) in cell.iter().zip(template) {
        let (a, b) = (a - ma, f32::from(*b) - mb);
        num += a * b;
        da += a * a;
        db += b * b;
    }
    if da <= 0.0 || db <= 0.0 {
        return 0.0;
    }
    num / (da.sqrt() * db.sqrt())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A line drawn from the templates themselves (scaled, spaced, with a colon before it).
    fn line(digits: &str, scale: f32) -> GrayImage {
        let (cw, ch) = (
            (CELL_W as f32 * scale) as u32,
            (CELL_H as f32 * scale) as u32,
        );
        let mut img = GrayImage::from_pixel(cw * (digits.len() as u32 + 3), ch + 20, Luma([235]));
        for (i, d) in digits.bytes().enumerate() {
            let t = &DIGITS[usize::from(d - b'0')];
            let cell = GrayImage::from_fn(CELL_W as u32, CELL_H as u32, |x, y| {
                Luma([255 - t[y as usize * CELL_W + x as usize]])
            });
            let cell = imageops::resize(&cell, cw, ch, imageops::FilterType::Triangle);
            imageops::overlay(&mut img, &cell, i64::from(cw) * (i as i64 + 2), 10);
        }
        img
    }

    #[test]
    fn the_templates_read_themselves_at_any_size() {
        for scale in [1.0, 1.7, 2.5] {
            let r = read_line(&line("3506042602660001", scale)).unwrap();
            assert_eq!(r.digits, "3506042602660001", "scale {scale}");
            assert!(r.confidence() > 0.5);
        }
    }

    #[test]
    fn a_blank_line_reads_nothing() {
        assert_eq!(
            read_line(&GrayImage::from_pixel(300, 40, Luma([240]))),
            None
        );
    }
}
