//! Tesseract (Debian's `tesseract-ocr` with the `ind` model) behind a small pool: an engine is
//! initialised once and reused (initialising costs more than reading a card line).

use image::GrayImage;
#[cfg(feature = "documents")]
use std::sync::Mutex;
#[cfg(feature = "documents")]
use tesseract::{PageSegMode, Tesseract};

/// One recognised word with its box (in the image given) and Tesseract's confidence (0–100).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub conf: f32,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// A text line: its words left to right.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub words: Vec<Word>,
}

impl Line {
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    pub fn top(&self) -> u32 {
        self.words.iter().map(|w| w.top).min().unwrap_or(0)
    }
    pub fn bottom(&self) -> u32 {
        self.words
            .iter()
            .map(|w| w.top + w.height)
            .max()
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error(
        "Tesseract could not start with the Indonesian model ('ind'): is tesseract-ocr-ind installed? ({0})"
    )]
    Init(String),
    #[error("Tesseract failed: {0}")]
    Run(String),
    #[error("KTP OCR is not available in this build (built without the `documents` feature)")]
    NotInThisBuild,
}

/// What a pass recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The card's text block (page segmentation 6: one uniform block).
    Block,
    /// One line of digits only (the NIK).
    Digits,
    /// One value line in upper case (names, places, addresses, closed vocabularies; digits for
    /// addresses and dates).
    Upper,
    /// The sex line, which also prints "Gol. Darah" in mixed case.
    Mixed,
    /// RT/RW: digits and the slash.
    RtRw,
}

#[cfg_attr(not(feature = "documents"), allow(dead_code))]
impl Pass {
    const ALL: [Pass; 5] = [
        Pass::Block,
        Pass::Digits,
        Pass::Upper,
        Pass::Mixed,
        Pass::RtRw,
    ];

    fn index(self) -> usize {
        match self {
            Pass::Block => 0,
            Pass::Digits => 1,
            Pass::Upper => 2,
            Pass::Mixed => 3,
            Pass::RtRw => 4,
        }
    }

    /// The characters a pass may read (`None`: any).
    pub fn charset(self) -> Option<&'static str> {
        match self {
            Pass::Block => None,
            Pass::Digits => Some("0123456789"),
            Pass::Upper => Some("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-/'() "),
            Pass::Mixed => {
                Some("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,:-+/ ")
            }
            Pass::RtRw => Some("0123456789/"),
        }
    }
}

/// A pool of initialised engines per pass.
#[cfg(feature = "documents")]
#[derive(Default)]
pub struct Engines {
    pools: [Mutex<Vec<Tesseract>>; 5],
}

#[cfg(feature = "documents")]
impl Engines {
    pub fn new() -> Self {
        Self::default()
    }

    fn pool(&self, pass: Pass) -> &Mutex<Vec<Tesseract>> {
        &self.pools[pass.index()]
    }

    fn create(pass: Pass) -> Result<Tesseract, EngineError> {
        let init = |e: &dyn std::fmt::Display| EngineError::Init(e.to_string());
        let mut t = Tesseract::new(None, Some("ind")).map_err(|e| init(&e))?;
        // Inverted-text retries double the time on low-confidence lines; a KTP is dark on light.
        t = t
            .set_variable("tessedit_do_invert", "0")
            .map_err(|e| init(&e))?;
        match pass.charset() {
            None => t.set_page_seg_mode(PageSegMode::PsmSingleBlock),
            Some(chars) => {
                t = t
                    .set_variable("tessedit_char_whitelist", chars)
                    .map_err(|e| init(&e))?;
                t.set_page_seg_mode(PageSegMode::PsmSingleLine);
            }
        }
        Ok(t)
    }

    /// Ends the pooled engines (Tesseract complains at exit about engines still alive).
    pub fn release(&self) {
        for pass in Pass::ALL {
            if let Ok(mut p) = self.pool(pass).lock() {
                p.clear();
            }
        }
    }

    /// Checks that an engine starts (the model is installed).
    pub fn warm_up(&self) -> Result<(), EngineError> {
        let t = Self::create(Pass::Block)?;
        if let Ok(mut pool) = self.pool(Pass::Block).lock() {
            pool.push(t);
        }
        Ok(())
    }

    /// Recognises `img` and returns its lines.
    pub fn recognize(&self, pass: Pass, img: &GrayImage) -> Result<Vec<Line>, EngineError> {
        let taken = self.pool(pass).lock().ok().and_then(|mut p| p.pop());
        let t = match taken {
            Some(t) => t,
            None => Self::create(pass)?,
        };
        let run = |e: &dyn std::fmt::Display| EngineError::Run(e.to_string());
        let (w, h) = (img.width(), img.height());
        let w_i = i32::try_from(w).map_err(|e| run(&e))?;
        let h_i = i32::try_from(h).map_err(|e| run(&e))?;
        let mut t = t
            .set_frame(img.as_raw(), w_i, h_i, 1, w_i)
            .map_err(|e| run(&e))?
            .set_source_resolution(300)
            .recognize()
            .map_err(|e| run(&e))?;
        let tsv = t.get_tsv_text(0).map_err(|e| run(&e))?;
        if let Ok(mut pool) = self.pool(pass).lock() {
            pool.push(t);
        }
        Ok(parse_tsv(&tsv))
    }
}

/// Without the `documents` feature: no engine, every call says so.
#[cfg(not(feature = "documents"))]
#[derive(Default)]
pub struct Engines;

#[cfg(not(feature = "documents"))]
impl Engines {
    pub fn new() -> Self {
        Self
    }
    pub fn warm_up(&self) -> Result<(), EngineError> {
        Err(EngineError::NotInThisBuild)
    }
    pub fn release(&self) {}
    pub fn recognize(&self, _pass: Pass, _img: &GrayImage) -> Result<Vec<Line>, EngineError> {
        Err(EngineError::NotInThisBuild)
    }
}

/// Tesseract's TSV: `level page block par line word left top width height conf text`; words
/// are level 5.
#[cfg_attr(not(feature = "documents"), allow(dead_code))]
fn parse_tsv(tsv: &str) -> Vec<Line> {
    let mut lines: Vec<((u32, u32, u32), Line)> = Vec::new();
    for row in tsv.lines() {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().unwrap_or(0);
        let text = cols[11..].join("\t").trim().to_owned();
        if text.is_empty() {
            continue;
        }
        let key = (num(2), num(3), num(4));
        let word = Word {
            text,
            conf: cols[10].trim().parse::<f32>().unwrap_or(0.0).max(0.0),
            left: num(6),
            top: num(7),
            width: num(8),
            height: num(9),
        };
        match lines.last_mut() {
            Some((k, line)) if *k == key => line.words.push(word),
            _ => lines.push((key, Line { words: vec![word] })),
        }
    }
    lines.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_group_into_lines() {
        let tsv = "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t5\t30\t20\t91.5\tNIK\n\
                   5\t1\t1\t1\t1\t2\t50\t5\t5\t20\t80\t:\n\
                   5\t1\t1\t1\t2\t1\t10\t40\t60\t20\t70\tNama\n";
        let lines = parse_tsv(tsv);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "NIK :");
        assert_eq!(lines[1].words[0].conf, 70.0);
        assert_eq!(lines[0].top(), 5);
        assert_eq!(lines[0].bottom(), 25);
    }
}
