//! KTP OCR: find and rectify the card, measure its quality, recognise its text with Tesseract's
//! Indonesian model (one block pass, page segmentation 6) and its NIK with a digits-only pass,
//! parse the labelled lines into typed fields, and cross-check the NIK against them.

pub mod digits;
pub mod engine;
pub mod nik_check;
mod ocra_digits;
pub mod parse;
pub mod preprocess;
pub mod quality;
pub mod rows;

use chrono::NaiveDate;
use image::{GrayImage, RgbImage, imageops};
use serde::Serialize;

use super::imaging::{decode_rgb, sauvola};
use engine::{EngineError, Engines, Line, Pass};
use nik_check::{DecodedNik, Finding, cross_check};
use preprocess::{CARD_H, CARD_W, Prepared, prepare, prepare_whole, text_gray, turned};
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

    /// `(key, field)` for every field, to change them.
    pub fn all_mut(&mut self) -> [(&'static str, &mut Option<FieldReading>); 17] {
        [
            ("nik", &mut self.nik),
            ("nama", &mut self.nama),
            ("tempat_lahir", &mut self.tempat_lahir),
            ("tanggal_lahir", &mut self.tanggal_lahir),
            ("jenis_kelamin", &mut self.jenis_kelamin),
            ("golongan_darah", &mut self.golongan_darah),
            ("alamat", &mut self.alamat),
            ("rt_rw", &mut self.rt_rw),
            ("kelurahan_desa", &mut self.kelurahan_desa),
            ("kecamatan", &mut self.kecamatan),
            ("agama", &mut self.agama),
            ("status_perkawinan", &mut self.status_perkawinan),
            ("pekerjaan", &mut self.pekerjaan),
            ("kewarganegaraan", &mut self.kewarganegaraan),
            ("berlaku_hingga", &mut self.berlaku_hingga),
            ("provinsi", &mut self.provinsi),
            ("kabupaten_kota", &mut self.kabupaten_kota),
        ]
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

/// A field read with a lower confidence is left null (with a `field_unreadable` finding):
/// better no value than a wrong one.
pub const MIN_FIELD_CONFIDENCE: f32 = 0.35;

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
        let read = self.read_prepared(&prepared, today).and_then(|r| {
            if !prepared.located || plausible(&r.fields) {
                return Ok(r);
            }
            // The outline found may be inside the card (its photo, a frame of the pattern)
            // when the picture is a crop of the card: read the whole picture too.
            let whole = self.read_prepared(&prepare_whole(&img), today)?;
            Ok(if score(&whole.fields) > score(&r.fields) {
                whole
            } else {
                r
            })
        });
        match read {
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
        let mut fields = self.read_card(&prepared.card, today)?;
        if !plausible(&fields) {
            // Upside down (or the other quarter turn of a portrait photo): read it turned.
            let other = self.read_card(&turned(&prepared.card), today)?;
            if score(&other) > score(&fields) {
                fields = other;
            }
        }
        // A value read with too little confidence is not given: it is null, with a finding.
        let mut doubtful = Vec::new();
        for (key, field) in fields.all_mut() {
            if key != "nik"
                && let Some(f) = field
                && f.confidence < MIN_FIELD_CONFIDENCE
            {
                doubtful.push((key, f.confidence));
                *field = None;
            }
        }
        let check = cross_check(&fields, today);
        let mut findings = check.findings;
        // After the status is decided: an unread field the cross-check needs is already named
        // there (`birth_date_unreadable` …); the others do not change the status.
        for (key, field) in fields.all() {
            if key == "nik" || field.is_some() {
                continue;
            }
            let message = match doubtful.iter().find(|(k, _)| *k == key) {
                Some((_, c)) => format!(
                    "{key} was read with confidence {c:.2} (below {MIN_FIELD_CONFIDENCE}) and is left null"
                ),
                None => format!("{key} could not be read on the card and is left null"),
            };
            findings.push(Finding {
                code: "field_unreadable",
                kind: nik_check::FindingKind::Unchecked,
                message,
            });
        }
        Ok(KtpReading {
            output_status: check.output_status,
            fields,
            quality,
            quality_measures: Some(measures),
            nik_decoded: check.decoded,
            findings,
            card_located: prepared.located,
            failure: None,
        })
    }

    /// The text area's block pass, then the digits-only pass on the NIK line.
    fn read_card(&self, card: &RgbImage, today: NaiveDate) -> Result<KtpFields, EngineError> {
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
        // Each row's value read again on its own, enlarged, with its field's characters only:
        // the rows found by their printed labels (a row whose label was not read is placed
        // between its neighbours).
        if let Some(rows) = rows::locate(&lines, gray.height()) {
            let mut by_row = KtpFields::default();
            for row in &rows.rows {
                let x = row.value_x.saturating_sub(8);
                let (y0, y1) = (
                    row.top.max(0.0) as u32,
                    (row.bottom as u32).min(gray.height()),
                );
                if y1 <= y0 + 6 || x + 40 >= gray.width() {
                    continue;
                }
                let crop =
                    imageops::crop_imm(&gray, x, y0, gray.width() - x - m, y1 - y0).to_image();
                let big = imageops::resize(
                    &crop,
                    crop.width() * 2,
                    crop.height() * 2,
                    imageops::FilterType::CatmullRom,
                );
                let pass = match row.label {
                    parse::Label::JenisKelamin => Pass::Mixed,
                    parse::Label::RtRw => Pass::Upper,
                    _ => Pass::Upper,
                };
                let read = self.engines.recognize(pass, &pad(&big))?;
                let words: Vec<engine::Word> = read.into_iter().flat_map(|l| l.words).collect();
                if std::env::var_os("DOCUMENTS_DEBUG_OCR").is_some() {
                    let text: Vec<String> = words
                        .iter()
                        .map(|w| format!("{}({:.0})", w.text, w.conf))
                        .collect();
                    eprintln!("row| {:?} {}", row.label, text.join(" "));
                }
                parse::assign_words(&mut by_row, row.label, &words);
            }
            merge(&mut fields, by_row);
        }

        // The header (province, regency or city) spans the card above the NIK, over the photo
        // column too: read on its own.
        let band = nik_band(&lines, &gray);
        let header_h = band.1.clamp(CARD_H / 10, CARD_H / 5);
        let (hx, hw) = (CARD_W * 15 / 100, CARD_W * 80 / 100);
        let header = text_gray(&imageops::crop_imm(card, hx, 0, hw, header_h).to_image());
        let header_lines = self.engines.recognize(Pass::Block, &pad(&header))?;
        if std::env::var_os("DOCUMENTS_DEBUG_OCR").is_some() {
            for l in &header_lines {
                eprintln!("header| {}", l.text());
            }
        }
        let head = parse::parse(&header_lines);
        for (mine, theirs) in [
            (&mut fields.provinsi, head.provinsi),
            (&mut fields.kabupaten_kota, head.kabupaten_kota),
        ] {
            if let Some(t) = theirs
                && mine
                    .as_ref()
                    .is_none_or(|m| m.confidence <= t.confidence + 0.1)
            {
                *mine = Some(t);
            }
        }

        // The digits-only pass on the NIK line: on the ink grey (blue suppressed), on the
        // binarised line, and on the plain brightest channel; three readings of differing
        // errors for the vote.
        let plain = super::imaging::stretch(&super::imaging::to_max_channel(&text), 0.01, 0.6);
        let mut readings = Vec::new();
        for (i, source) in [&gray, &binary, &plain].into_iter().enumerate() {
            let crop = imageops::crop_imm(source, band.0, band.1, band.2, band.3).to_image();
            if let Some(dir) = std::env::var_os("DOCUMENTS_DEBUG_DIR") {
                let _ = crop.save(std::path::Path::new(&dir).join(format!("nik{i}.png")));
            }
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
                readings.push(NikReading::flat(digits, conf));
            }
        }
        // The OCR-A reader (the NIK's typeface), on the ink grey and the plain grey: it tells
        // the 6 from the 5 and the 9 from the 4 that Tesseract confuses.
        for source in [&gray, &plain] {
            let crop = imageops::crop_imm(source, band.0, band.1, band.2, band.3).to_image();
            if let Some(r) = digits::read_line(&crop) {
                if std::env::var_os("DOCUMENTS_DEBUG_OCR").is_some() {
                    eprintln!("ocr-a| {} {:.2}", r.digits, r.confidence());
                }
                readings.insert(0, NikReading::ocr_a(&r));
            }
        }
        readings.extend(
            fields
                .nik
                .take()
                .map(|b| NikReading::flat(b.value, b.confidence)),
        );
        fields.nik = choose_nik(readings, &fields, today);
        Ok(fields)
    }
}

/// Takes each field's value from the row reading where it has one (the value region read on
/// its own with its characters), else keeps the block pass's.
fn merge(fields: &mut KtpFields, by_row: KtpFields) {
    let mut by_row = by_row;
    for ((key, mine), (_, theirs)) in fields.all_mut().into_iter().zip(by_row.all_mut()) {
        if key == "nik" || key == "provinsi" || key == "kabupaten_kota" {
            continue;
        }
        match (mine.as_mut(), theirs.take()) {
            (_, None) => {}
            (Some(m), Some(t)) if m.value == t.value => {
                m.confidence = m.confidence.max(t.confidence)
            }
            (Some(m), Some(t)) if m.confidence > t.confidence + 0.1 => {}
            (_, Some(t)) => *mine = Some(t),
        }
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

/// The NIK from several readings (the digits-only passes, then the block pass): the 16-digit
/// readings vote digit by digit (weighted by their confidence). Where they disagree, each
/// combination of the digits read there is a candidate, and the NIK's own structure decides
/// among them: a valid NIK (known province, a real date) first, then one whose date and sex
/// agree with the card's printed date of birth and sex, and whose province is the printed one;
/// then the votes. A digit no reading disputes is never changed, so a NIK that genuinely
/// contradicts its card stays as printed (and the cross-check names it). Each disputed digit
/// lowers the confidence by 15 %. Without a 16-digit reading, the longest one is kept.
fn choose_nik(
    readings: Vec<NikReading>,
    fields: &KtpFields,
    today: NaiveDate,
) -> Option<FieldReading> {
    let full: Vec<&NikReading> = readings.iter().filter(|r| r.value.len() == 16).collect();
    if full.is_empty() {
        return readings
            .into_iter()
            .max_by_key(|r| r.value.len())
            .map(|r| FieldReading::new(r.value, r.confidence));
    }
    // Votes per position: digit → weight.
    let mut votes: Vec<Vec<(u8, f32)>> = vec![Vec::new(); 16];
    for r in &full {
        for (i, d) in r.value.bytes().enumerate() {
            let w = r.weights.get(i).copied().unwrap_or(0.2);
            match votes[i].iter_mut().find(|(x, _)| *x == d) {
                Some((_, v)) => *v += w,
                None => votes[i].push((d, w)),
            }
        }
    }
    for v in &mut votes {
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
    }
    let disputed: Vec<usize> = (0..16).filter(|&i| votes[i].len() > 1).collect();
    let share = |i: usize, d: u8| -> f32 {
        let total: f32 = votes[i].iter().map(|(_, w)| w).sum();
        votes[i]
            .iter()
            .find(|(x, _)| *x == d)
            .map_or(0.0, |(_, w)| w / total.max(1e-6))
    };
    let voted: Vec<u8> = votes.iter().map(|v| v[0].0).collect();
    let mut candidates: Vec<Vec<u8>> = vec![voted.clone()];
    if disputed.len() <= 6 {
        // Every combination of the digits read at the disputed positions (at most 3^6).
        for i in &disputed {
            let mut next = Vec::new();
            for c in &candidates {
                for (d, _) in votes[*i].iter().take(3) {
                    let mut c = c.clone();
                    c[*i] = *d;
                    next.push(c);
                }
            }
            candidates = next;
        }
    } else {
        candidates.extend(full.iter().map(|r| r.value.as_bytes().to_vec()));
    }
    let printed_birth = fields
        .tanggal_lahir
        .as_ref()
        .and_then(|f| NaiveDate::parse_from_str(&f.value, "%d-%m-%Y").ok());
    let printed_sex = fields.jenis_kelamin.as_ref().map(|f| f.value.as_str());
    let printed_province = fields.provinsi.as_ref().map(|f| f.value.as_str());
    let score = |c: &[u8]| -> f32 {
        let vote: f32 = c
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let total: f32 = votes[i].iter().map(|(_, w)| w).sum();
                votes[i]
                    .iter()
                    .find(|(x, _)| x == d)
                    .map_or(0.0, |(_, w)| w / total.max(1e-6))
            })
            .sum();
        let text = String::from_utf8_lossy(c);
        let mut s = vote / 16.0;
        if let Ok(n) = crate::domain::ids::Nik::parse_at(&text, today) {
            s += 4.0;
            let sex = match n.gender() {
                crate::domain::ids::Gender::Male => "LAKI-LAKI",
                crate::domain::ids::Gender::Female => "PEREMPUAN",
            };
            if let Some(b) = printed_birth {
                // Day and month, then the year (a printed year is misread more often).
                use chrono::Datelike;
                let d = n.birth_date();
                if (d.day(), d.month()) == (b.day(), b.month()) {
                    s += 1.5;
                }
                if d.year().rem_euclid(100) == b.year().rem_euclid(100) {
                    s += 0.5;
                }
            }
            if printed_sex == Some(sex) {
                s += 1.0;
            }
            if printed_province == Some(&n.province_name().to_uppercase()) {
                s += 0.5;
            }
        }
        s
    };
    let best = candidates
        .iter()
        .map(|c| (score(c), c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
        .unwrap_or(voted);
    let value = String::from_utf8_lossy(&best).into_owned();
    // The confidence of the readings that read it, lowered by 15 % per digit that less than
    // 60 % of the votes chose (a digit one unsure reading disputes is not in doubt).
    let agreeing: Vec<f32> = full
        .iter()
        .filter(|r| r.value == value)
        .map(|r| r.confidence)
        .collect();
    let base = if agreeing.is_empty() {
        full.iter().map(|r| r.confidence).sum::<f32>() / full.len() as f32
    } else {
        agreeing.iter().copied().fold(0.0, f32::max)
    };
    let doubtful = (0..16).filter(|&i| share(i, best[i]) < 0.6).count();
    let confidence = base * 0.85f32.powi(i32::try_from(doubtful).unwrap_or(16));
    Some(FieldReading::new(value, confidence))
}

/// One reading of the NIK line with a voting weight per digit.
struct NikReading {
    value: String,
    confidence: f32,
    weights: Vec<f32>,
}

impl NikReading {
    /// A Tesseract reading: one confidence for the line.
    fn flat(value: String, confidence: f32) -> Self {
        let weights = vec![0.2 + confidence; value.len()];
        Self {
            value,
            confidence,
            weights,
        }
    }

    /// The OCR-A reader's: a weight per digit from its match margin, above Tesseract's (it is
    /// made for this typeface).
    fn ocr_a(r: &digits::DigitReading) -> Self {
        Self {
            value: r.digits.clone(),
            confidence: r.confidence(),
            weights: r.confidences.iter().map(|c| 0.2 + 1.5 * c).collect(),
        }
    }
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
