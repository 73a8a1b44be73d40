//! Where each field's row is on a rectified card, found by its printed label.
//!
//! The block pass reads most labels (`Nama`, `Tempat/Tgl Lahir` … `Berlaku Hingga`) even where it
//! garbles the values after them. Each label read gives its row's vertical extent and where the
//! value starts (after the colon). A row whose label was not read is placed from its neighbours:
//! between the nearest rows found above and below it (so a two-line address shifting the rows
//! under it is followed), else one median row pitch from the nearest. The value column is the
//! median of the values' starts. Each value is then read on its own (see `KtpReader`).

use super::engine::Line;
use super::parse::{Label, label_row};

/// One field's row: its label and its vertical extent in the text area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub label: Label,
    pub top: f32,
    pub bottom: f32,
    /// Where this row's value starts: after its own colon when that was read, else the value
    /// column's.
    pub value_x: u32,
}

/// The rows found and the value column's left edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub value_x: u32,
}

/// The rows of `lines` (the block pass over the text area, `height` pixels high); `None` when
/// fewer than three labelled rows were read (nothing to place the others from).
pub fn locate(lines: &[Line], height: u32) -> Option<Rows> {
    // Label rows read: (row index, centre y, line height, value x).
    let mut found: Vec<(usize, f32, f32, Option<u32>)> = Vec::new();
    for line in lines {
        let Some((label, x)) = label_row(line) else {
            continue;
        };
        let Some(row) = label.row() else { continue };
        if found.iter().any(|(r, ..)| *r == row) {
            continue;
        }
        // The line's extent from its words' median top and bottom: a mark of the background
        // read into the line (a tall '|') does not stretch it.
        let mut tops: Vec<u32> = line.words.iter().map(|w| w.top).collect();
        let mut bottoms: Vec<u32> = line.words.iter().map(|w| w.top + w.height).collect();
        tops.sort_unstable();
        bottoms.sort_unstable();
        let (top, bottom) = (
            tops[tops.len() / 2] as f32,
            bottoms[bottoms.len() / 2] as f32,
        );
        found.push((row, (top + bottom) / 2.0, bottom - top, x));
    }
    if found.len() < 3 {
        return None;
    }
    found.sort_by_key(|a| a.0);
    // Keep rows in order down the card (a label misread as another's breaks the order).
    let mut ordered: Vec<(usize, f32, f32, Option<u32>)> = Vec::new();
    for f in found {
        if ordered.last().is_none_or(|l| f.1 > l.1 + 4.0) {
            ordered.push(f);
        }
    }
    if ordered.len() < 3 {
        return None;
    }
    let mut pitches: Vec<f32> = ordered
        .windows(2)
        .map(|w| (w[1].1 - w[0].1) / (w[1].0 - w[0].0) as f32)
        .collect();
    pitches.sort_by(f32::total_cmp);
    let pitch = pitches[pitches.len() / 2];
    if !(8.0..=120.0).contains(&pitch) {
        return None;
    }
    let mut xs: Vec<u32> = ordered.iter().filter_map(|f| f.3).collect();
    xs.sort_unstable();
    let value_x = xs.get(xs.len() / 2).copied()?;

    let mut rows = Vec::new();
    for label in Label::ROWS {
        let Some(r) = label.row() else { continue };
        let own_x = ordered.iter().find(|f| f.0 == r).and_then(|f| f.3);
        let centre = match ordered.iter().find(|f| f.0 == r) {
            Some(f) => f.1,
            None => {
                let above = ordered.iter().rev().find(|f| f.0 < r);
                let below = ordered.iter().find(|f| f.0 > r);
                match (above, below) {
                    (Some(a), Some(b)) => a.1 + (b.1 - a.1) * (r - a.0) as f32 / (b.0 - a.0) as f32,
                    (Some(a), None) => a.1 + pitch * (r - a.0) as f32,
                    (None, Some(b)) => b.1 - pitch * (b.0 - r) as f32,
                    (None, None) => continue,
                }
            }
        };
        let (top, bottom) = (centre - pitch * 0.5, centre + pitch * 0.5);
        if top < 0.0 || bottom > height as f32 {
            continue;
        }
        // A colon read far from the column (a misread mark) is not trusted.
        let value_x = own_x
            .filter(|x| x.abs_diff(value_x) * 12 < value_x)
            .unwrap_or(value_x);
        rows.push(Row {
            label,
            top,
            bottom,
            value_x,
        });
    }
    Some(Rows { rows, value_x })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::engine::Word;
    use super::*;

    fn line(text: &str, top: u32) -> Line {
        let mut left = 10;
        Line {
            words: text
                .split_whitespace()
                .map(|t| {
                    let w = Word {
                        text: t.to_owned(),
                        conf: 90.0,
                        left,
                        top,
                        width: t.len() as u32 * 10,
                        height: 16,
                    };
                    left += t.len() as u32 * 10 + 8;
                    w
                })
                .collect(),
        }
    }

    #[test]
    fn rows_not_read_are_placed_between_their_neighbours() {
        let lines = [
            line("Nama : SITI", 100),
            line("Alamat : JL. X", 190),
            // Two address lines: the rows under it are one pitch lower.
            line("RT/RW : 001/002", 250),
            line("Agama : ISLAM", 340),
        ];
        let r = locate(&lines, 600).unwrap();
        let centre = |l: Label| {
            let row = r.rows.iter().find(|x| x.label == l).unwrap();
            (row.top + row.bottom) / 2.0
        };
        assert!((centre(Label::TempatTgl) - 138.0).abs() < 1.0);
        assert!((centre(Label::KelDesa) - 288.0).abs() < 1.0);
        assert!((centre(Label::Berlaku) - (348.0 + 4.0 * 30.0)).abs() < 1.0);
        assert!(r.value_x > 10);
    }
}
