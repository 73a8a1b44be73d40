//! The BGV report as a PDF, typeset by Typst used as a library.
//!
//! The report never becomes markup: it is turned into a small view model
//! (labels, colours and dates already worked out), serialised to JSON and
//! served to `report.typ` as the virtual file `/data.json`. The template only
//! ever shows those strings as text, so a name like `#set page(..)` prints as
//! written. Evidence images are served as virtual files too.
//!
//! Rendering is CPU-bound (tens to hundreds of milliseconds): call it from
//! `tokio::task::spawn_blocking` in async code.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use chrono::DateTime;
use serde::Serialize;
use serde_json::Value;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::model::{CheckReport, Report};

/// An image of evidence (a document page, a screenshot) shown under its check.
#[derive(Debug, Clone)]
pub struct EvidenceImage {
    /// Index into `Report::checks` of the check this image belongs to.
    pub check_index: usize,
    /// Caption shown under the image.
    pub name: String,
    /// PNG or JPEG bytes.
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Shown on the cover and in every page header.
    pub organisation: String,
    /// Labels every page as sandbox (test) data.
    pub sandbox: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "evidence image {name:?} belongs to check {check_index}, but the report has {checks} checks"
    )]
    UnknownCheck {
        name: String,
        check_index: usize,
        checks: usize,
    },
    #[error("evidence image {name:?} is not a PNG, JPEG or SVG image")]
    UnsupportedImage { name: String },
    #[error("cannot prepare the report data: {0}")]
    Data(#[from] serde_json::Error),
    #[error("cannot typeset the report: {0}")]
    Typeset(String),
    #[error("cannot write the PDF: {0}")]
    Export(String),
}

/// The layout; it reads everything it shows from `/data.json`.
const TEMPLATE: &str = include_str!("report.typ");

/// Body fonts in order of preference; the first ones come from the system,
/// Libertinus Serif is embedded so there is always one. Typst falls back per
/// glyph along this list, which is how Devanagari finds its font.
const FONT_PREFERENCE: [&str; 5] = [
    "Noto Sans",
    "DejaVu Sans",
    "Noto Sans Devanagari",
    "Lohit Devanagari",
    "Libertinus Serif",
];

/// Where fonts installed with the system's packages live.
const SYSTEM_FONT_DIRS: [&str; 2] = ["/usr/share/fonts", "/usr/local/share/fonts"];

/// Renders `report` as a PDF, with each of `evidence` under its check.
pub fn render(
    report: &Report,
    evidence: &[EvidenceImage],
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    let mut images = Vec::with_capacity(evidence.len());
    let mut evidence_views = vec![Vec::new(); report.checks.len()];
    for (n, image) in evidence.iter().enumerate() {
        let Some(views) = evidence_views.get_mut(image.check_index) else {
            return Err(PdfError::UnknownCheck {
                name: image.name.clone(),
                check_index: image.check_index,
                checks: report.checks.len(),
            });
        };
        let ext = image_extension(&image.bytes).ok_or_else(|| PdfError::UnsupportedImage {
            name: image.name.clone(),
        })?;
        // Paths are made from the position only, so the file-id interner
        // (which never forgets) stays bounded by the largest evidence count.
        let path = format!("/evidence/{n}.{ext}");
        images.push((file_id(&path)?, Bytes::new(image.bytes.clone())));
        views.push(EvidenceView {
            path,
            name: image.name.clone(),
        });
    }

    let view = ReportView::new(report, options, evidence_views);
    let world = ReportWorld {
        main: Source::new(file_id("/report.typ")?, TEMPLATE.to_owned()),
        data_id: file_id("/data.json")?,
        data: Bytes::new(serde_json::to_vec(&view)?),
        images,
    };

    let compiled = typst::compile::<PagedDocument>(&world).output;
    let result = compiled
        .map_err(|errors| PdfError::Typeset(describe(&errors)))
        .and_then(|document| {
            let pdf_options = typst_pdf::PdfOptions {
                // A stable document id: re-rendering the same case gives the same id.
                ident: Smart::Custom(format!("satyapan-bgv-{}", report.reference_id)),
                timestamp: pdf_timestamp(&report.generated_at),
                ..typst_pdf::PdfOptions::default()
            };
            typst_pdf::pdf(&document, &pdf_options)
                .map_err(|errors| PdfError::Export(describe(&errors)))
        });
    // Typst memoises across compilations; drop what this one left behind so a
    // long-running server does not grow without bound.
    typst::comemo::evict(0);
    result
}

fn describe(diagnostics: &EcoVec<SourceDiagnostic>) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| PdfError::Typeset(format!("bad virtual path {path}: {e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// Sniffs the format from the magic bytes, so a mislabelled upload still
/// gets the right decoder and anything else is refused before typesetting.
fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if is_svg(bytes) {
        // Sources often produce SVG pages (the sandbox does); Typst draws them natively.
        Some("svg")
    } else {
        None
    }
}

/// An XML document whose root element is `<svg`, judged from its first kilobyte.
fn is_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg") || head.starts_with("<?xml")) && head.contains("<svg")
}

/// The PDF creation date, taken from the report snapshot rather than the
/// clock so the same report renders to the same bytes.
fn pdf_timestamp(generated_at: &str) -> Option<typst_pdf::Timestamp> {
    use chrono::{Datelike, Timelike};
    let at = DateTime::parse_from_rfc3339(generated_at).ok()?;
    let datetime = Datetime::from_ymd_hms(
        at.year(),
        u8::try_from(at.month()).ok()?,
        u8::try_from(at.day()).ok()?,
        u8::try_from(at.hour()).ok()?,
        u8::try_from(at.minute()).ok()?,
        u8::try_from(at.second()).ok()?,
    )?;
    typst_pdf::Timestamp::new_local(datetime, at.offset().local_minus_utc() / 60)
}

/// `2026-06-15T10:30:00.123456+00:00` as `15 Jun 2026, 10:30 UTC`; anything
/// unparseable is shown as given rather than hidden.
fn human_time(generated_at: &str) -> String {
    match DateTime::parse_from_rfc3339(generated_at) {
        Ok(at) => {
            let offset = at.offset().local_minus_utc();
            let zone = match offset {
                0 => "UTC".to_owned(),
                19_800 => "IST".to_owned(),
                _ => format!("UTC{}", at.format("%:z")),
            };
            format!("{} {zone}", at.format("%-d %b %Y, %H:%M"))
        }
        Err(_) => generated_at.to_owned(),
    }
}

/// Colour family of a result; `report.typ` maps each to a colour.
fn result_tone(result: &str) -> &'static str {
    match result {
        "clear" => "green",
        "minor_discrepancy" => "amber",
        "discrepancy" => "red",
        "pending" => "blue",
        _ => "grey",
    }
}

fn result_label(result: &str) -> String {
    match result {
        "clear" => "Clear".to_owned(),
        "minor_discrepancy" => "Minor discrepancy".to_owned(),
        "discrepancy" => "Discrepancy".to_owned(),
        "unable_to_verify" => "Unable to verify".to_owned(),
        "not_available" => "Not available".to_owned(),
        "pending" => "Pending".to_owned(),
        other => humanise(other),
    }
}

/// `in_progress` → `In progress`, `hr_contact` → `HR contact`; used for
/// status codes and entry keys.
fn humanise(key: &str) -> String {
    let words: Vec<String> = key
        .split(|c: char| c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            if ACRONYMS.contains(&word.to_ascii_lowercase().as_str()) {
                word.to_ascii_uppercase()
            } else if i == 0 {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                word.to_owned()
            }
        })
        .collect();
    if words.is_empty() {
        DASH.to_owned()
    } else {
        words.join(" ")
    }
}

/// Abbreviations that appear in Indian and Indonesian BGV entry keys.
const ACRONYMS: [&str; 14] = [
    "hr", "id", "dob", "pan", "uan", "gst", "url", "ifsc", "nik", "npwp", "kyc", "bgv", "cin",
    "epf",
];

/// Shown for empty values so a blank cell is never mistaken for a layout bug.
const DASH: &str = "—";

fn or_dash(value: &str) -> &str {
    if value.trim().is_empty() { DASH } else { value }
}

/// Longest run of ASCII characters without a break opportunity before a
/// zero-width space is slipped in, so that a hash or an encoded id wraps
/// inside its table cell instead of running off the page. Non-ASCII text is
/// left alone so no grapheme cluster (Devanagari conjuncts) is split.
const MAX_UNBROKEN: usize = 32;

fn wrappable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for ch in text.chars() {
        if ch.is_whitespace() || ch == '-' || !ch.is_ascii() {
            run = 0;
        } else {
            run += 1;
            if run > MAX_UNBROKEN {
                out.push('\u{200B}');
                run = 1;
            }
        }
        out.push(ch);
    }
    out
}

/// One JSON value as a line of text for a table cell.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => DASH.to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => or_dash(s).to_owned(),
        Value::Array(items) if items.is_empty() => DASH.to_owned(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) if map.is_empty() => DASH.to_owned(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", humanise(k), value_text(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// An entry as label/value rows; a non-object entry becomes a single row.
fn entry_rows(entry: &Value) -> Vec<[String; 2]> {
    match entry {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                // Entries carry the same result/status codes as checks.
                let text = match (k.as_str(), v) {
                    ("result", Value::String(code)) => result_label(code),
                    ("status", Value::String(code)) => humanise(code),
                    _ => value_text(v),
                };
                [wrappable(&humanise(k)), wrappable(&text)]
            })
            .collect(),
        other => vec![["Detail".to_owned(), wrappable(&value_text(other))]],
    }
}

#[derive(Debug, Serialize)]
struct ReportView<'a> {
    fonts: Vec<&'static str>,
    organisation: &'a str,
    sandbox: bool,
    reference_id: &'a str,
    generated_at: String,
    status: String,
    result: Outcome,
    candidate: &'a str,
    total: i64,
    summary: Vec<SummaryCell>,
    checks: Vec<CheckView<'a>>,
}

#[derive(Debug, Serialize)]
struct Outcome {
    label: String,
    tone: &'static str,
}

impl Outcome {
    fn of(result: &str) -> Self {
        Self {
            label: result_label(result),
            tone: result_tone(result),
        }
    }
}

#[derive(Debug, Serialize)]
struct SummaryCell {
    outcome: Outcome,
    count: i64,
}

#[derive(Debug, Serialize)]
struct CheckView<'a> {
    number: usize,
    name: &'a str,
    category: &'a str,
    status: String,
    result: Outcome,
    completed_at: &'a str,
    fields: Vec<[String; 2]>,
    remark: Option<String>,
    entries: Vec<Vec<[String; 2]>>,
    documents: Vec<String>,
    evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize)]
struct EvidenceView {
    path: String,
    name: String,
}

impl<'a> ReportView<'a> {
    fn new(report: &'a Report, options: &'a PdfOptions, evidence: Vec<Vec<EvidenceView>>) -> Self {
        let s = &report.summary;
        let summary = [
            ("clear", s.clear),
            ("minor_discrepancy", s.minor_discrepancy),
            ("discrepancy", s.discrepancy),
            ("unable_to_verify", s.unable_to_verify),
            ("not_available", s.not_available),
            ("pending", s.pending),
        ]
        .into_iter()
        .map(|(result, count)| SummaryCell {
            outcome: Outcome::of(result),
            count,
        })
        .collect();
        let checks = report
            .checks
            .iter()
            .zip(evidence)
            .enumerate()
            .map(|(i, (check, evidence))| CheckView::new(i + 1, check, evidence))
            .collect();
        Self {
            fonts: available_fonts(),
            organisation: or_dash(&options.organisation),
            sandbox: options.sandbox,
            reference_id: or_dash(&report.reference_id),
            generated_at: human_time(&report.generated_at),
            status: humanise(report.status.as_str()),
            result: Outcome::of(report.result.as_str()),
            candidate: or_dash(&report.candidate.name),
            total: s.total,
            summary,
            checks,
        }
    }
}

impl<'a> CheckView<'a> {
    fn new(number: usize, check: &'a CheckReport, evidence: Vec<EvidenceView>) -> Self {
        Self {
            number,
            name: or_dash(&check.name),
            category: or_dash(&check.category),
            status: humanise(check.status.as_str()),
            result: Outcome::of(check.result.as_str()),
            completed_at: check.completed_at.as_deref().map_or(DASH, or_dash),
            fields: check
                .fields
                .iter()
                .flatten()
                .map(|f| [wrappable(or_dash(&f.label)), wrappable(or_dash(&f.value))])
                .collect(),
            remark: check
                .remark
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .map(wrappable),
            entries: check.entries.iter().flatten().map(entry_rows).collect(),
            documents: check
                .documents
                .iter()
                .flatten()
                .filter(|d| !d.trim().is_empty())
                .map(|d| wrappable(d))
                .collect(),
            evidence,
        }
    }
}

/// The preferred families that this machine has, so the template never
/// names a missing font (Typst would warn on each).
fn available_fonts() -> Vec<&'static str> {
    FONT_PREFERENCE
        .into_iter()
        // The book keys families in lower case.
        .filter(|family| FONTS.book.contains_family(&family.to_lowercase()))
        .collect()
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Scanned once per process; system font files are only read when a page
/// actually uses them.
static FONTS: LazyLock<FontStore> = LazyLock::new(FontStore::load);

struct FontStore {
    book: LazyHash<FontBook>,
    slots: Vec<FontSlot>,
}

struct FontSlot {
    /// `None` for fonts embedded in the binary, which are loaded up front.
    path: Option<PathBuf>,
    index: u32,
    font: OnceLock<Option<Font>>,
}

impl FontStore {
    fn load() -> Self {
        let mut book = FontBook::new();
        let mut slots = Vec::new();
        for data in typst_assets::fonts() {
            for font in Font::iter(Bytes::new(data)) {
                book.push(font.info().clone());
                slots.push(FontSlot {
                    path: None,
                    index: font.index(),
                    font: OnceLock::from(Some(font)),
                });
            }
        }
        let mut files = Vec::new();
        for dir in SYSTEM_FONT_DIRS {
            collect_font_files(Path::new(dir), &mut files);
        }
        // Sorted so font indices (and fallback choices) are the same on every run.
        files.sort();
        for path in files {
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            for index in 0..face_count(&data) {
                if let Some(info) = FontInfo::new(&data, index) {
                    book.push(info);
                    slots.push(FontSlot {
                        path: Some(path.clone()),
                        index,
                        font: OnceLock::new(),
                    });
                }
            }
        }
        Self {
            book: LazyHash::new(book),
            slots,
        }
    }

    fn get(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let data = std::fs::read(slot.path.as_ref()?).ok()?;
                Font::new(Bytes::new(data), slot.index)
            })
            .clone()
    }
}

/// Number of faces in a font file: collections (`ttcf`) say so in their header.
fn face_count(data: &[u8]) -> u32 {
    match data.get(..12) {
        Some([b't', b't', b'c', b'f', _, _, _, _, a, b, c, d]) => {
            u32::from_be_bytes([*a, *b, *c, *d]).min(256)
        }
        _ => 1,
    }
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_font_files(&path, out);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(path);
        }
    }
}

/// Everything one compilation can see: the template, the data and the images.
struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    images: Vec<(FileId, Bytes)>,
}

impl ReportWorld {
    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(Self::not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        self.images
            .iter()
            .find(|(image_id, _)| *image_id == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index)
    }

    /// No clock: the report shows its own `generated_at`, and output should
    /// not depend on the day it is rendered.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::model::{Candidate, Field, Summary};
    use super::*;
    use crate::domain::cases::{CaseStatus, CheckResult, CheckStatus};
    use serde_json::json;
    use std::process::Command;

    fn check(name: &str, category: &str, status: &str, result: &str) -> CheckReport {
        CheckReport {
            kind: name.to_lowercase().replace(' ', "_"),
            name: name.to_owned(),
            category: category.to_owned(),
            status: CheckStatus::parse(status).unwrap(),
            result: CheckResult::parse(result).unwrap(),
            completed_at: (status == "completed").then(|| "13 May, 2026, 11:02".to_owned()),
            fields: None,
            documents: None,
            remark: None,
            entries: None,
        }
    }

    fn sample_report() -> Report {
        let mut aadhaar = check("Aadhaar Verification", "Identity", "completed", "clear");
        aadhaar.fields = Some(
            [
                ("Name", "Sreenivas Chowdary Nallala"),
                ("Date of Birth", "08-01-2001"),
                ("Gender", "Male"),
                ("Aadhaar Number", "xxxxxxxx8300"),
                ("Address", "Jl. Raya Ubud No. 8, Gianyar, Bali"),
            ]
            .into_iter()
            .map(|(label, value)| Field {
                label: label.to_owned(),
                value: value.to_owned(),
            })
            .collect(),
        );
        aadhaar.documents = Some(vec![
            "https://storage.example.com/aadhaar/page_1.png".to_owned(),
        ]);

        let mut employment = check(
            "Employment Verification",
            "Employment",
            "completed",
            "minor_discrepancy",
        );
        employment.remark =
            Some("Joining date differs by one month from the one declared.".to_owned());
        employment.entries = Some(vec![
            json!({
                "company_name": "PT Sinar Jaya Abadi",
                "designation": "Data Analyst",
                "date_of_joining": "2022-02-01",
                "date_of_leaving": "2024-03-31",
                "rehire_eligible": true,
                "result": "minor_discrepancy",
            }),
            json!({
                "company_name": "Infosys Limited",
                "designation": "Intern",
                "verified_by": null,
                "result": "clear",
            }),
        ]);

        let mut criminal = check(
            "Criminal Record Check",
            "Criminal & Compliance",
            "in_progress",
            "pending",
        );
        criminal.remark = Some("Criminal verification is still in progress.".to_owned());

        let address = check(
            "Address Verification",
            "Address",
            "completed",
            "discrepancy",
        );

        Report {
            reference_id: "2605310236148021".to_owned(),
            generated_at: "2026-06-15T10:30:00.123456+00:00".to_owned(),
            status: CaseStatus::InProgress,
            result: CheckResult::MinorDiscrepancy,
            candidate: Candidate {
                name: "Putu Ayu Déwi Lestari".to_owned(),
                photo: String::new(),
            },
            summary: Summary {
                total: 4,
                clear: 1,
                minor_discrepancy: 1,
                discrepancy: 1,
                pending: 1,
                ..Summary::default()
            },
            checks: vec![aadhaar, employment, criminal, address],
        }
    }

    fn options(sandbox: bool) -> PdfOptions {
        PdfOptions {
            organisation: "Satyapan Demo Pvt. Ltd.".to_owned(),
            sandbox,
        }
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn adler32(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in bytes {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16) | a
    }

    /// A real RGB PNG, compressed with "stored" deflate blocks so no
    /// compression crate is needed.
    fn test_png(width: u32, height: u32) -> Vec<u8> {
        let mut raw = Vec::new();
        for y in 0..height {
            raw.push(0); // filter: none
            for x in 0..width {
                let stripe = (x / 20 + y / 20) % 2 == 0;
                let shade = u8::try_from(x * 255 / width).unwrap();
                raw.extend_from_slice(&if stripe {
                    [30, 80, shade]
                } else {
                    [230, 236, 245]
                });
            }
        }
        let mut zlib = vec![0x78, 0x01];
        let chunks: Vec<&[u8]> = raw.chunks(65_535).collect();
        for (i, block) in chunks.iter().enumerate() {
            zlib.push(u8::from(i + 1 == chunks.len()));
            let len = u16::try_from(block.len()).unwrap();
            zlib.extend_from_slice(&len.to_le_bytes());
            zlib.extend_from_slice(&(!len).to_le_bytes());
            zlib.extend_from_slice(block);
        }
        zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace

        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
            png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(&data);
            png.extend_from_slice(&body);
            png.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        png
    }

    fn sample_evidence() -> Vec<EvidenceImage> {
        vec![EvidenceImage {
            check_index: 0,
            name: "Aadhaar card, front (masked)".to_owned(),
            bytes: test_png(240, 150),
        }]
    }

    /// The PDF's text as poppler's `pdftotext` reads it, pages split on form feeds.
    fn pdf_text(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, pdf).unwrap();
        let output = Command::new("pdftotext")
            .arg("-enc")
            .arg("UTF-8")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext not found: apt-get install -y poppler-utils");
        assert!(output.status.success(), "pdftotext failed: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// Set `SATYAPAN_PDF_SAMPLE` to a path to keep the sample PDF for a look.
    fn keep_sample(pdf: &[u8]) {
        if let Some(path) = std::env::var_os("SATYAPAN_PDF_SAMPLE") {
            std::fs::write(path, pdf).unwrap();
        }
    }

    #[test]
    fn renders_sample_report_with_every_check() {
        let report = sample_report();
        let pdf = render(&report, &sample_evidence(), &options(false)).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        keep_sample(&pdf);

        let text = pdf_text(&pdf);
        for expected in [
            "Background Verification Report",
            "Satyapan Demo Pvt. Ltd.",
            "Putu Ayu Déwi Lestari",
            "2605310236148021",
            "15 Jun 2026, 10:30 UTC",
            "Sreenivas Chowdary Nallala",
            "PT Sinar Jaya Abadi",
            "Joining date differs by one month",
            "Criminal verification is still in progress.",
            "Aadhaar card, front (masked)",
            "Page 1 of",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        for check in &report.checks {
            assert!(text.contains(&check.name), "missing check {:?}", check.name);
            let label = result_label(check.result.as_str());
            assert!(text.contains(&label), "missing result {label:?}");
        }
        assert!(!text.contains("SANDBOX"));
    }

    #[test]
    fn sandbox_banner_on_every_page() {
        let pdf = render(&sample_report(), &sample_evidence(), &options(true)).unwrap();
        let text = pdf_text(&pdf);
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(
            pages.len() >= 2,
            "expected several pages, got {}",
            pages.len()
        );
        let total = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains("SANDBOX — test data, not a real verification"),
                "page {} has no sandbox banner:\n{page}",
                i + 1
            );
            assert!(page.contains(&format!("Page {} of {total}", i + 1)));
        }
    }

    #[test]
    fn markup_in_report_text_prints_literally() {
        let hostile = [
            "#set page(width: 1pt)",
            "*x*",
            "$y$",
            "<z>",
            "back\\slash",
            "#panic(\"boom\")",
            "_under_ @ref // not a comment",
        ];
        let mut report = sample_report();
        report.candidate.name = hostile[0].to_owned();
        report.reference_id = "#pagebreak()".to_owned();
        report.checks[0].fields = Some(
            hostile
                .iter()
                .map(|value| Field {
                    label: "Value".to_owned(),
                    value: (*value).to_owned(),
                })
                .collect(),
        );
        report.checks[1].remark = Some("```raw``` ] ) } #{".to_owned());
        report.checks[1].entries = Some(vec![json!({ "#let": "= heading", "x": "- list" })]);

        let pdf = render(&report, &[], &options(false)).unwrap();
        let text = pdf_text(&pdf);
        for expected in hostile.iter().copied().chain([
            "#pagebreak()",
            "```raw``` ] ) } #{",
            "= heading",
            "- list",
            "#let",
        ]) {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }

    #[test]
    fn same_report_renders_to_same_bytes() {
        let first = render(&sample_report(), &sample_evidence(), &options(true)).unwrap();
        let second = render(&sample_report(), &sample_evidence(), &options(true)).unwrap();
        assert!(first == second, "PDF output is not deterministic");
    }

    #[test]
    fn devanagari_name_renders() {
        let mut report = sample_report();
        report.candidate.name = "विवेक पटेल".to_owned();
        let pdf = render(&report, &[], &options(false)).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // Only checkable where a Devanagari font is installed (fonts-noto-core).
        if FONTS.book.contains_family("noto sans devanagari") {
            let text = pdf_text(&pdf);
            assert!(text.contains("विवेक पटेल"), "Devanagari name lost:\n{text}");
        }
    }

    #[test]
    fn rejects_evidence_for_unknown_check() {
        let evidence = [EvidenceImage {
            check_index: 9,
            name: "stray".to_owned(),
            bytes: test_png(4, 4),
        }];
        let err = render(&sample_report(), &evidence, &options(false)).unwrap_err();
        assert!(
            matches!(err, PdfError::UnknownCheck { check_index: 9, .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_evidence_that_is_not_png_or_jpeg() {
        let evidence = [EvidenceImage {
            check_index: 0,
            name: "notes.txt".to_owned(),
            bytes: b"not an image".to_vec(),
        }];
        let err = render(&sample_report(), &evidence, &options(false)).unwrap_err();
        assert!(matches!(err, PdfError::UnsupportedImage { .. }), "{err}");
    }

    #[test]
    fn svg_evidence_is_drawn() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#eee"/><text x="20" y="100" font-size="24">Court records search</text></svg>"##;
        let evidence = [EvidenceImage {
            check_index: 0,
            name: "page_1.svg".to_owned(),
            bytes: svg.to_vec(),
        }];
        let pdf = render(&sample_report(), &evidence, &options(true)).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(is_svg(b"  <?xml version=\"1.0\"?>\n<svg></svg>"));
        assert!(!is_svg(b"<html><body>svg</body></html>"));
    }

    #[test]
    fn corrupt_png_is_an_error_not_a_panic() {
        let mut bytes = test_png(8, 8);
        bytes.truncate(30);
        let evidence = [EvidenceImage {
            check_index: 0,
            name: "broken.png".to_owned(),
            bytes,
        }];
        let err = render(&sample_report(), &evidence, &options(false)).unwrap_err();
        assert!(matches!(err, PdfError::Typeset(_)), "{err}");
    }

    #[test]
    fn generated_at_is_shown_for_people() {
        assert_eq!(
            human_time("2026-06-15T10:30:00.123456+00:00"),
            "15 Jun 2026, 10:30 UTC"
        );
        assert_eq!(
            human_time("2026-06-15T16:00:00+05:30"),
            "15 Jun 2026, 16:00 IST"
        );
        assert_eq!(
            human_time("2026-06-15T17:30:00+07:00"),
            "15 Jun 2026, 17:30 UTC+07:00"
        );
        assert_eq!(human_time("yesterday"), "yesterday");
    }

    #[test]
    fn entries_become_label_value_rows() {
        let rows = entry_rows(&json!({
            "company_name": "Infosys",
            "rehire_eligible": false,
            "verified_by": null,
            "periods": ["2021", "2022"],
            "hr": { "name": "Asha", "phone": 98 },
        }));
        assert_eq!(
            rows,
            vec![
                ["Company name".to_owned(), "Infosys".to_owned()],
                ["HR".to_owned(), "Name: Asha; Phone: 98".to_owned()],
                ["Periods".to_owned(), "2021, 2022".to_owned()],
                ["Rehire eligible".to_owned(), "No".to_owned()],
                ["Verified by".to_owned(), DASH.to_owned()],
            ]
        );
        assert_eq!(humanise("employee_id_number"), "Employee ID number");
        assert_eq!(
            entry_rows(&json!("plain")),
            vec![["Detail".to_owned(), "plain".to_owned()]]
        );
    }

    #[test]
    fn long_tokens_get_break_opportunities() {
        let hash = "a".repeat(70);
        let wrapped = wrappable(&hash);
        assert_eq!(wrapped.replace('\u{200B}', ""), hash);
        assert_eq!(wrapped.matches('\u{200B}').count(), 2);
        for text in ["Sreenivas Chowdary", "xxxxxxxx8300", "विवेक पटेल"] {
            assert_eq!(wrappable(text), text);
        }
    }

    #[test]
    fn result_labels_and_tones() {
        for (result, label, tone) in [
            ("clear", "Clear", "green"),
            ("minor_discrepancy", "Minor discrepancy", "amber"),
            ("discrepancy", "Discrepancy", "red"),
            ("unable_to_verify", "Unable to verify", "grey"),
            ("not_available", "Not available", "grey"),
            ("pending", "Pending", "blue"),
            ("on_hold", "On hold", "grey"),
            ("", DASH, "grey"),
        ] {
            assert_eq!(result_label(result), label);
            assert_eq!(result_tone(result), tone);
        }
    }
}
