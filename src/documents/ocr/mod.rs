//! KTP OCR: find and rectify the card, measure its quality, recognise its text with Tesseract's
//! Indonesian model (one block pass, page segmentation 6) and its NIK with a digits-only pass,
//! parse the labelled lines into typed fields, and cross-check the NIK against them.

pub mod engine;
pub mod nik_check;
pub mod parse;
pub mod preprocess;
pub mod quality;

use chrono::NaiveDate;
use image::{GrayImage, RgbImage, imageops};
use serde::Serialize;

use super::imaging::{decode_rgb, sauvola};
use engine::{EngineError, Engines, Line, Pass};
use nik_check::{DecodedNik, Finding, cross_check};
use preprocess::{CARD_H, CARD_W, Prepared, prepare, text_gray, turned};
use quality::{QualityFlags, QualityMeasures};

/// One field as read, with a confidence in [0, 1] (Tesseract's word confidences, lowered when
/// the text had to be corrected to a known word).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldReading {
    pub value: String,
    pub confidence: f32,
}

impl FieldReading {
    pub fn new(value: String, confidence: f32) -> Self {
        Self {
            value,
            confidence: (confidence.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        }
    }
}

/// The card's fields, keyed by its own labels (snake_case). A field not read is `null`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct KtpFields {
    pub nik: Option<FieldReading>,
    pub nama: Option<FieldReading>,
    pub tempat_lahir: Option<FieldReading>,
    pub tanggal_lahir: Option<FieldReading>,
    pub jenis_kelamin: Option<FieldReading>,
    pub golongan_darah: Option<FieldReading>,
    pub alamat: Option<FieldReading>,
    pub rt_rw: Option<FieldReading>,
    pub kelurahan_desa: Option<FieldReading>,
    pub kecamatan: Option<FieldReading>,
    pub agama: Option<FieldReading>,
    pub status_perkawinan: Option<FieldReading>,
    pub pekerjaan: Option<FieldReading>,
    pub kewarganegaraan: Option<FieldReading>,
    pub berlaku_hingga: Option<FieldReading>,
    pub provinsi: Option<FieldReading>,
    pub kabupaten_kota: Option<FieldReading>,
}

impl KtpFields {
    /// `(key, field)` for every field.
    pub fn all(&self) -> [(&'static str, &Option<FieldReading>); 17] {
        [
            ("nik", &self.nik),
            ("nama", &self.nama),
            ("tempat_lahir", &self.tempat_lahir),
            ("tanggal_lahir", &self.tanggal_lahir),
            ("jenis_kelamin", &self.jenis_kelamin),
            ("golongan_darah", &self.golongan_darah),
            ("alamat", &self.alamat),
            ("rt_rw", &self.rt_rw),
            ("kelurahan_desa", &self.kelurahan_desa),
            ("kecamatan", &self.kecamatan),
            ("agama", &self.agama),
            ("status_perkawinan", &self.status_perkawinan),
            ("pekerjaan", &self.pekerjaan),
            ("kewarganegaraan", &self.kewarganegaraan),
            ("berlaku_hingga", &self.berlaku_hingga),
            ("provinsi", &self.provinsi),
            ("kabupaten_kota", &self.kabupaten_kota),
        ]
    }

    pub fn value(&self, key: &str) -> Option<&str> {
        self.all()
            .into_iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, f)| f.as_ref().map(|f| f.value.as_str()))
    }

    fn read_count(&self) -> usize {
        self.all().iter().filter(|(_, f)| f.is_some()).count()
    }
}

/// The verification outcome, in AnyCheck's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutputStatus {
    Verified,
    PartiallyNotVerified,
    NotVerified,
    /// The input could not be processed at all (not an image, engine missing).
    Failed,
}

impl OutputStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputStatus::Verified => "VERIFIED",
            OutputStatus::PartiallyNotVerified => "PARTIALLY_NOT_VERIFIED",
            OutputStatus::NotVerified => "NOT_VERIFIED",
            OutputStatus::Failed => "FAILED",
        }
    }
}

/// Why an input could not be processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// `unreadable_image`, `engine_unavailable`, `models_unavailable`, `not_available_in_this_build`.
    pub code: &'static str,
    pub message: String,
}

/// Everything read from one KTP image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KtpReading {
    pub output_status: OutputStatus,
    pub fields: KtpFields,
    pub quality: QualityFlags,
    pub quality_measures: Option<QualityMeasures>,
    /// What the NIK encodes, when it is valid.
    pub nik_decoded: Option<DecodedNik>,
    /// Each disagreement between the NIK and the card, or comparison not made.
    pub findings: Vec<Finding>,
    /// A card outline was found in the photo (else the whole image was read as the card).
    pub card_located: bool,
    pub failure: Option<Failure>,
}

impl KtpReading {
    pub fn failed(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            output_status: OutputStatus::Failed,
            fields: KtpFields::default(),
            quality: QualityFlags::default(),
            quality_measures: None,
            nik_decoded: None,
            findings: Vec::new(),
            card_located: false,
            failure: Some(Failure {
                code,
                message: message.into(),
            }),
        }
    }
}

/// Reads KTP images; holds the Tesseract engines for reuse (safe to share between threads).
#[derive(Default)]
pub struct KtpReader {
    engines: Engines,
}

/// Where the text of a rectified card is: left of the photo.
const TEXT_AREA_W: u32 = CARD_W * 755 / 1000;
/// The NIK line's band on a rectified card, used when the block pass did not find its label.
const NIK_BAND: (u32, u32, u32, u32) = (
    CARD_W * 21 / 100,
    CARD_H * 14 / 100,
    TEXT_AREA_W - CARD_W * 21 / 100,
    CARD_H * 9 / 100,
);

impl KtpReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ends the pooled engines; later reads start new ones.
    pub fn release(&self) {
        self.engines.release();
    }

    /// Starts one engine now, so a missing model shows at start-up.
    pub fn warm_up(&self) -> Result<(), EngineError> {
        self.engines.warm_up()
    }

    /// Reads a KTP image (JPEG, PNG or WebP bytes). Never panics; an unusable input gives a
    /// `FAILED` reading with its reason.
    pub fn read(&self, bytes: &[u8]) -> KtpReading {
        self.read_at(
            bytes,
            (chrono::Utc::now() + chrono::Duration::hours(14)).date_naive(),
        )
    }

    /// As [`Self::read`], resolving the NIK's two-digit year against `today`.
    pub fn read_at(&self, bytes: &[u8], today: NaiveDate) -> KtpReading {
        let img = match decode_rgb(bytes) {
            Ok(i) => i,
            Err(e) => return KtpReading::failed("unreadable_image", e.to_string()),
        };
        let prepared = prepare(&img);
        match self.read_prepared(&prepared, today) {
            Ok(r) => r,
            Err(e @ EngineError::NotInThisBuild) => {
                KtpReading::failed("not_available_in_this_build", e.to_string())
            }
            Err(e) => KtpReading::failed("engine_unavailable", e.to_string()),
        }
    }

    pub fn read_prepared(
        &self,
        prepared: &Prepared,
        today: NaiveDate,
    ) -> Result<KtpReading, EngineError> {
        let (quality, measures) = quality::measure(&prepared.card, prepared.source_card_width);
        let mut fields = self.read_card(&prepared.card)?;
        if !plausible(&fields) {
            // Upside down (or the other quarter turn of a portrait photo): read it turned.
            let other = self.read_card(&turned(&prepared.card))?;
            if score(&other) > score(&fields) {
                fields = other;
            }
        }
        let check = cross_check(&fields, today);
        Ok(KtpReading {
            output_status: check.output_status,
            fields,
            quality,
            quality_measures: Some(measures),
            nik_decoded: check.decoded,
            findings: check.findings,
            card_located: prepared.located,
            failure: None,
        })
    }

    /// The text area's block pass, then the digits-only pass on the NIK line.
    fn read_card(&self, card: &RgbImage) -> Result<KtpFields, EngineError> {
        let text = imageops::crop_imm(card, 0, 0, TEXT_AREA_W, CARD_H).to_image();
        let gray = text_gray(&text);
        let mut binary = sauvola(&gray, 20, 0.25);
        // The card's edge survives rectification as a dark frame line: blank the margin.
        let m = CARD_W / 80;
        let (bw, bh) = binary.dimensions();
        for (x, y, p) in binary.enumerate_pixels_mut() {
            if x < m || y < m || x + m >= bw || y + m >= bh {
                p.0 = [255];
            }
        }
        let lines = self.engines.recognize(Pass::Block, &binary)?;
        if std::env::var_os("DOCUMENTS_DEBUG_OCR").is_some() {
            for l in &lines {
                eprintln!("ocr| {}", l.text());
            }
        }
        let mut fields = parse::parse(&lines);

        // The digits-only pass, on the grey and on the binarised NIK line.
        let band = nik_band(&lines, &gray);
        let mut readings = Vec::new();
        for source in [&gray, &binary] {
            let crop = imageops::crop_imm(source, band.0, band.1, band.2, band.3).to_image();
            let digit_lines = self.engines.recognize(Pass::Digits, &pad(&crop))?;
            let words: Vec<_> = digit_lines.iter().flat_map(|l| l.words.iter()).collect();
            let digits: String = words
                .iter()
                .flat_map(|w| w.text.chars())
                .filter(char::is_ascii_digit)
                .collect();
            let conf = if words.is_empty() {
                0.0
            } else {
                words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32 / 100.0
            };
            if !digits.is_empty() {
                readings.push(FieldReading::new(digits, conf));
            }
        }
        fields.nik = choose_nik(fields.nik.take(), readings);
        Ok(fields)
    }
}

/// The NIK's value region: right of its label on the line the block pass labelled NIK, else the
/// band where the NIK is printed on a KTP.
fn nik_band(lines: &[Line], gray: &GrayImage) -> (u32, u32, u32, u32) {
    let (w, h) = (gray.width(), gray.height());
    for line in lines {
        let Some(first) = line.words.first() else {
            continue;
        };
        let label: String = first
            .text
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_uppercase)
            .collect();
        if label.is_empty()
            || strsim::normalized_levenshtein(&label, "NIK") < 0.6
            || line.words.len() < 2
        {
            continue;
        }
        // The value starts at the first word holding a digit (after the colon).
        let start = line
            .words
            .iter()
            .skip(1)
            .find(|w| w.text.chars().filter(char::is_ascii_digit).count() >= 3)
            .map(|w| w.left)
            .unwrap_or(first.left + first.width + 20);
        let top = line.top().saturating_sub(8);
        let bottom = (line.bottom() + 8).min(h);
        let left = start.saturating_sub(10).min(w.saturating_sub(1));
        if bottom > top + 8 {
            return (left, top, w - left, bottom - top);
        }
    }
    NIK_BAND
}

/// White margin around a crop (Tesseract reads a tight line poorly).
fn pad(img: &GrayImage) -> GrayImage {
    let m = 16;
    let mut out = GrayImage::from_pixel(
        img.width() + 2 * m,
        img.height() + 2 * m,
        image::Luma([255]),
    );
    imageops::overlay(&mut out, img, i64::from(m), i64::from(m));
    out
}

/// The NIK from up to three readings, in order of trust: the digits-only pass on the grey line,
/// on the binarised line, then the block pass. The first 16-digit reading is taken (a vote
/// among the three read worse: the two binarised readings share their errors); each digit another
/// 16-digit reading disputes lowers its confidence by 15 %. Without a 16-digit reading, the
/// longest one is kept.
fn choose_nik(
    block: Option<FieldReading>,
    mut readings: Vec<FieldReading>,
) -> Option<FieldReading> {
    readings.extend(block);
    let Some(pos) = readings.iter().position(|r| r.value.len() == 16) else {
        return readings.into_iter().max_by_key(|r| r.value.len());
    };
    let chosen = readings[pos].clone();
    let disputed = (0..16)
        .filter(|&i| {
            readings
                .iter()
                .filter(|r| r.value.len() == 16)
                .any(|r| r.value.as_bytes()[i] != chosen.value.as_bytes()[i])
        })
        .count();
    let confidence = chosen.confidence * 0.85f32.powi(i32::try_from(disputed).unwrap_or(16));
    Some(FieldReading::new(chosen.value, confidence))
}

/// A reading that found its NIK and most labels.
fn plausible(f: &KtpFields) -> bool {
    f.nik.as_ref().is_some_and(|n| n.value.len() == 16) && f.read_count() >= 8
}

fn score(f: &KtpFields) -> (bool, usize) {
    (
        f.nik.as_ref().is_some_and(|n| n.value.len() == 16),
        f.read_count(),
    )
}
