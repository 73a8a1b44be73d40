//! Editing-software traces in a file's metadata: EXIF `Software`, XMP (`CreatorTool`,
//! `softwareAgent`, edit history, Photoshop's namespace) and PNG text chunks; and the screenshot
//! marker that phones write there.

use std::io::Cursor;

use exif::{In, Reader, Tag};

use super::{Signal, Strength};

/// Image editors whose name in the metadata means the picture was edited.
pub const EDITORS: &[&str] = &[
    "photoshop",
    "gimp",
    "paint.net",
    "pixelmator",
    "affinity photo",
    "canva",
    "picsart",
    "snapseed",
    "lightroom",
    "photopea",
    "fotor",
    "meitu",
    "facetune",
    "krita",
    "corel",
    "pixlr",
    "befunky",
    "photodirector",
    "inshot",
    "remini",
    "luminar",
    "capture one",
];

/// The text fields of a file's metadata that name software, as `(where, text)`.
pub fn software_fields(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(exif) = Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        for tag in [
            Tag::Software,
            Tag::ImageDescription,
            Tag::UserComment,
            Tag::Artist,
            Tag::Make,
            Tag::Model,
        ] {
            if let Some(f) = exif.get_field(tag, In::PRIMARY) {
                out.push((format!("EXIF {tag}"), f.display_value().to_string()));
            }
        }
        let dt = |t| {
            exif.get_field(t, In::PRIMARY)
                .map(|f| f.display_value().to_string())
        };
        if let (Some(modified), Some(taken)) = (dt(Tag::DateTime), dt(Tag::DateTimeOriginal)) {
            out.push(("EXIF DateTime".into(), modified));
            out.push(("EXIF DateTimeOriginal".into(), taken));
        }
    }
    if let Some(xmp) = xmp_packet(bytes) {
        out.push(("XMP".into(), xmp));
    }
    out.extend(png_text(bytes));
    out.extend(pdf_info(bytes));
    out
}

/// A PDF's document information (`/Producer`, `/Creator`) as `(where, text)`: a scan saved by
/// an image editor names it there.
fn pdf_info(bytes: &[u8]) -> Vec<(String, String)> {
    if find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Vec::new();
    }
    let Ok(doc) = lopdf::Document::load_mem(bytes) else {
        return Vec::new();
    };
    let Some(info) = doc.trailer.get(b"Info").ok().and_then(|o| match o {
        lopdf::Object::Reference(r) => doc.get_dictionary(*r).ok(),
        lopdf::Object::Dictionary(d) => Some(d),
        _ => None,
    }) else {
        return Vec::new();
    };
    ["Producer", "Creator"]
        .into_iter()
        .filter_map(|key| {
            let raw = info.get(key.as_bytes()).ok()?.as_str().ok()?;
            Some((format!("PDF {key}"), pdf_text(raw)))
        })
        .collect()
}

/// A PDF text string: UTF-16BE after its byte-order mark, else single bytes.
fn pdf_text(raw: &[u8]) -> String {
    match raw.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => String::from_utf16_lossy(
            &utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        ),
        None => raw.iter().map(|b| char::from(*b)).collect(),
    }
}

/// The XMP packet as text, if any.
fn xmp_packet(bytes: &[u8]) -> Option<String> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = find(&bytes[start..], b"</x:xmpmeta>")
        .map(|e| start + e + 12)
        .unwrap_or(bytes.len().min(start + 65_536));
    Some(String::from_utf8_lossy(&bytes[start..end]).into_owned())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// PNG `tEXt`/`iTXt` chunks as `(keyword, text)`.
fn png_text(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return out;
    }
    let mut pos = 8;
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
            as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let Some(data) = bytes.get(pos + 8..pos + 8 + len) else {
            break;
        };
        if kind == b"tEXt" || kind == b"iTXt" {
            let mut parts = data.splitn(2, |b| *b == 0);
            let key = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
            let text = String::from_utf8_lossy(parts.next().unwrap_or_default())
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>();
            out.push((format!("PNG {key}"), text));
        }
        if kind == b"IEND" {
            break;
        }
        pos += 12 + len;
    }
    out
}

/// Editing traces and the screenshot marker, explained.
pub fn signals(bytes: &[u8], what: &str) -> Vec<Signal> {
    let fields = software_fields(bytes);
    let mut out = Vec::new();
    let mut editor_found = false;
    for (place, text) in &fields {
        let lower = text.to_lowercase();
        if !editor_found && let Some(editor) = EDITORS.iter().find(|e| lower.contains(*e)) {
            out.push(Signal::new(
                "editing_software",
                Strength::Strong,
                format!("the {what}'s metadata ({place}) names the image editor '{editor}': the picture was edited"),
            ));
            editor_found = true;
        }
        if lower.contains("screenshot") && !out.iter().any(|s: &Signal| s.code == "screenshot") {
            out.push(Signal::new(
                "screenshot",
                Strength::Strong,
                format!("the {what}'s metadata ({place}) marks it as a screenshot, not a photo of the card"),
            ));
        }
    }
    if !editor_found {
        let xmp = fields
            .iter()
            .find(|(p, _)| p == "XMP")
            .map(|(_, t)| t.to_lowercase());
        let history = xmp.as_ref().is_some_and(|x| {
            x.contains("xmpmm:history") && (x.contains("saved") || x.contains("derived"))
        });
        let dates: Vec<&str> = fields
            .iter()
            .filter(|(p, _)| p == "EXIF DateTime" || p == "EXIF DateTimeOriginal")
            .map(|(_, t)| t.as_str())
            .collect();
        let redated = dates.len() == 2 && dates[0] != dates[1];
        if history {
            out.push(Signal::new(
                "metadata_edited",
                Strength::Weak,
                format!("the {what}'s XMP records an edit history (saved or derived by software)"),
            ));
        } else if redated {
            out.push(Signal::new(
                "metadata_edited",
                Strength::Weak,
                format!(
                    "the {what} was modified ({}) after it was taken ({})",
                    dates[0], dates[1]
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG with one tEXt chunk (CRC not checked by the reader here).
    fn png_with_text(key: &str, text: &str) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        let data = [key.as_bytes(), &[0], text.as_bytes()].concat();
        v.extend((data.len() as u32).to_be_bytes());
        v.extend(b"tEXt");
        v.extend(&data);
        v.extend([0, 0, 0, 0]);
        v.extend([0, 0, 0, 0]);
        v.extend(b"IEND");
        v.extend([0, 0, 0, 0]);
        v
    }

    #[test]
    fn editors_and_screenshots_in_metadata_are_named() {
        let s = signals(
            &png_with_text("Software", "Adobe Photoshop 25.0 (Windows)"),
            "KTP image",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].code, "editing_software");
        assert_eq!(s[0].strength, Strength::Strong);
        assert!(
            s[0].explanation.contains("photoshop"),
            "{}",
            s[0].explanation
        );

        let s = signals(&png_with_text("Comment", "Screenshot"), "KTP image");
        assert_eq!(s[0].code, "screenshot");

        let xmp = b"....<x:xmpmeta xmlns:x='adobe:ns:meta/'><xmp:CreatorTool>GIMP 2.10</xmp:CreatorTool></x:xmpmeta>....";
        let s = signals(xmp, "selfie");
        assert_eq!(s[0].code, "editing_software");

        let xmp =
            b"<x:xmpmeta><xmpMM:History><rdf:li stEvt:action='saved'/></xmpMM:History></x:xmpmeta>";
        let s = signals(xmp, "selfie");
        assert_eq!(s[0].code, "metadata_edited");
        assert_eq!(s[0].strength, Strength::Weak);

        assert!(signals(&png_with_text("Software", "HDR+ 1.0.5"), "KTP image").is_empty());
        assert!(signals(b"", "KTP image").is_empty());
        assert!(signals(b"\x89PNG\r\n\x1a\n\xff\xff\xff\xff", "KTP image").is_empty());
    }
}
