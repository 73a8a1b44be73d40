//! The BGV report as a PDF, typeset by Typst used as a library.
//!
//! The report never becomes markup: it is turned into a small view model
//! (labels, colours and dates already worked out), serialised to JSON and
//! served to `report.typ` as the virtual file `/data.json`. The template only
//! ever shows those strings as text, so a name like `#set page(..)` prints as
//! written. Evidence images are served as virtual files too.
//!
//! A PDF is meant to last, so it never prints a link that expires: evidence
//! that is an image (PNG, JPEG, SVG) is drawn under its check, and any other
//! evidence file is named there (name, type, size). The report's `documents`
//! (signed links in the JSON report) are not printed.
//!
//! Rendering is CPU-bound (tens to hundreds of milliseconds): call it from
//! `tokio::task::spawn_blocking` in async code.
//!
//! `view` builds the view model (labels, tones, dates), `fonts` finds the
//! fonts, `world` is what the Typst compiler sees.

mod fonts;
mod view;
mod world;

use chrono::DateTime;
use typst::diag::SourceDiagnostic;
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::Source;
use typst_layout::PagedDocument;

use super::model::Report;
use view::{CheckEvidence, EvidenceView, ReportView};
use world::{ReportWorld, file_id, image_extension};

/// A file of evidence (a document page, a screenshot, a certificate) under its check: drawn
/// when it is an image, named otherwise.
#[derive(Debug, Clone)]
pub struct EvidenceItem {
    /// Index into `Report::checks` of the check this file belongs to.
    pub check_index: usize,
    /// Caption shown under the image, or the name it is listed by.
    pub name: String,
    /// The content type the source gave (shown for a file that is not drawn).
    pub content_type: String,
    /// PNG, JPEG or SVG bytes are drawn; anything else is named.
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
    #[error("cannot prepare the report data: {0}")]
    Data(#[from] serde_json::Error),
    #[error("cannot typeset the report: {0}")]
    Typeset(String),
    #[error("cannot write the PDF: {0}")]
    Export(String),
}

/// The layout; it reads everything it shows from `/data.json`.
const TEMPLATE: &str = include_str!("../report.typ");

/// Renders `report` as a PDF, with each of `evidence` under its check: images drawn, other
/// files named.
pub fn render(
    report: &Report,
    evidence: &[EvidenceItem],
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    let mut images = Vec::with_capacity(evidence.len());
    let mut evidence_views = vec![CheckEvidence::default(); report.checks.len()];
    for (n, item) in evidence.iter().enumerate() {
        let Some(views) = evidence_views.get_mut(item.check_index) else {
            return Err(PdfError::UnknownCheck {
                name: item.name.clone(),
                check_index: item.check_index,
                checks: report.checks.len(),
            });
        };
        let Some(ext) = image_extension(&item.bytes) else {
            views.named.push(named_file(item));
            continue;
        };
        // Paths are made from the position only, so the file-id interner
        // (which never forgets) stays bounded by the largest evidence count.
        let path = format!("/evidence/{n}.{ext}");
        images.push((file_id(&path)?, Bytes::new(item.bytes.clone())));
        views.drawn.push(EvidenceView {
            path,
            name: item.name.clone(),
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

/// How a file that is not drawn is listed: `court-order.pdf (application/pdf, 12 KB)`.
fn named_file(item: &EvidenceItem) -> String {
    let size = item.bytes.len();
    let size = if size < 1024 {
        format!("{size} bytes")
    } else {
        format!("{} KB", size.div_ceil(1024))
    };
    let kind = if item.content_type.trim().is_empty() {
        "file"
    } else {
        item.content_type.as_str()
    };
    format!("{} ({kind}, {size}), kept on file", item.name)
}

fn describe(diagnostics: &EcoVec<SourceDiagnostic>) -> String {
    diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::model::{Candidate, Field, Summary};
    use super::fonts::FONTS;
    use super::world::is_svg;
    use super::*;
    use crate::domain::cases::{CaseStatus, CheckResult, CheckStatus};
    use crate::reports::model::CheckReport;
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

    fn sample_evidence() -> Vec<EvidenceItem> {
        vec![EvidenceItem {
            check_index: 0,
            name: "Aadhaar card, front (masked)".to_owned(),
            content_type: "image/png".to_owned(),
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
            let label = check.result.label();
            assert!(text.contains(label), "missing result {label:?}");
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
        let evidence = [EvidenceItem {
            check_index: 9,
            name: "stray".to_owned(),
            content_type: "image/png".to_owned(),
            bytes: test_png(4, 4),
        }];
        let err = render(&sample_report(), &evidence, &options(false)).unwrap_err();
        assert!(
            matches!(err, PdfError::UnknownCheck { check_index: 9, .. }),
            "{err}"
        );
    }

    #[test]
    fn evidence_that_is_not_an_image_is_named_and_no_link_is_printed() {
        let mut evidence = sample_evidence();
        evidence.push(EvidenceItem {
            check_index: 1,
            name: "relieving-letter.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            bytes: vec![b'%'; 3000],
        });
        evidence.push(EvidenceItem {
            check_index: 1,
            name: "notes.txt".to_owned(),
            content_type: String::new(),
            bytes: b"not an image".to_vec(),
        });
        // The report's documents are signed links that expire: never printed.
        let mut report = sample_report();
        report.checks[1].documents = Some(vec![
            "https://satyapan.example.com/files/evidence/e1?expires=1781000000&signature=abc"
                .to_owned(),
        ]);
        let pdf = render(&report, &evidence, &options(false)).unwrap();
        let text = pdf_text(&pdf);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "relieving-letter.pdf (application/pdf, 3 KB), kept on file",
            "notes.txt (file, 12 bytes), kept on file",
            "Aadhaar card, front (masked)",
        ] {
            assert!(flat.contains(expected), "missing {expected:?} in:\n{text}");
        }
        for link in ["http", "signature", "expires=", "/files/"] {
            assert!(!flat.contains(link), "{link:?} printed in:\n{text}");
        }
    }

    #[test]
    fn svg_evidence_is_drawn() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#eee"/><text x="20" y="100" font-size="24">Court records search</text></svg>"##;
        let evidence = [EvidenceItem {
            check_index: 0,
            name: "page_1.svg".to_owned(),
            content_type: "image/svg+xml".to_owned(),
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
        let evidence = [EvidenceItem {
            check_index: 0,
            name: "broken.png".to_owned(),
            content_type: "image/png".to_owned(),
            bytes,
        }];
        let err = render(&sample_report(), &evidence, &options(false)).unwrap_err();
        assert!(matches!(err, PdfError::Typeset(_)), "{err}");
    }
}
