//! What a file is, from its bytes (never its name or declared type), and how many pages a PDF
//! has (its page tree, read with `lopdf`).

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    /// Recognises JPEG (`FF D8 FF`), PNG (its 8-byte signature) and PDF (`%PDF-` within the
    /// first 1,024 bytes, as readers allow).
    pub fn detect(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else if bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
        {
            Some(FileKind::Pdf)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn from_extension(ext: &str) -> Option<FileKind> {
        match ext {
            "jpg" => Some(FileKind::Jpeg),
            "png" => Some(FileKind::Png),
            "pdf" => Some(FileKind::Pdf),
            _ => None,
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png)
    }
}

/// Why a PDF's pages could not be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("is not a readable PDF")]
    Unreadable,
    #[error("is encrypted: give its password in file_passwords[]")]
    PasswordNeeded,
    #[error("has a wrong password in file_passwords[]")]
    WrongPassword,
    #[error("has no pages")]
    NoPages,
}

/// Counts the pages of a PDF by walking its page tree. An encrypted PDF needs its password
/// (an empty user password is tried when none is given).
pub fn pdf_page_count(bytes: &[u8], password: Option<&str>) -> Result<u32, PdfError> {
    let document = load_pdf(bytes, password)?;
    let pages = document.page_iter().count();
    if pages == 0 {
        return Err(PdfError::NoPages);
    }
    u32::try_from(pages).map_err(|_| PdfError::Unreadable)
}

/// The largest size one stream may decompress to while a PDF is loaded here (lopdf decodes
/// object and cross-reference streams as it loads; a real file's are a few kilobytes).
const PDF_MAX_DECOMPRESSED_STREAM: usize = 64 * 1024 * 1024;

/// A PDF loaded in memory, decrypted with `password` (or the empty user password) when it is
/// encrypted.
fn load_pdf(bytes: &[u8], password: Option<&str>) -> Result<lopdf::Document, PdfError> {
    let options = lopdf::LoadOptions {
        password: password.map(str::to_string),
        max_decompressed_size: Some(PDF_MAX_DECOMPRESSED_STREAM),
        ..lopdf::LoadOptions::default()
    };
    let document = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::InvalidPassword => PdfError::WrongPassword,
        _ => PdfError::Unreadable,
    })?;
    if document.trailer.has(b"Encrypt") && document.encryption_state.is_none() {
        return Err(if password.is_some() {
            PdfError::WrongPassword
        } else {
            PdfError::PasswordNeeded
        });
    }
    Ok(document)
}

/// The size of a page as it is shown: width and height in points (1/72 inch) of its media
/// box, times its `/UserUnit`, turned by its `/Rotate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f64,
    pub height: f64,
}

impl PageSize {
    pub fn longer_side(&self) -> f64 {
        self.width.max(self.height)
    }
}

/// A PDF opened for rendering its first page.
#[derive(Debug, Clone)]
pub struct OpenedPdf {
    pub first_page: PageSize,
    /// The file in the clear when it was encrypted (decrypted here, in memory, so that its
    /// password never has to reach a renderer); `None` when the file's own bytes are.
    pub decrypted: Option<Vec<u8>>,
}

/// Opens a PDF for rendering: its first page's size, and an encrypted file decrypted with
/// `password` and written again without its encryption.
pub fn open_pdf(bytes: &[u8], password: Option<&str>) -> Result<OpenedPdf, PdfError> {
    let mut document = load_pdf(bytes, password)?;
    let page = document.page_iter().next().ok_or(PdfError::NoPages)?;
    let first_page = page_size(&document, page).ok_or(PdfError::Unreadable)?;
    let decrypted = if document.encryption_state.is_some() {
        // Loading decrypted every object; what remains is to write them without `/Encrypt`.
        document.trailer.remove(b"Encrypt");
        document.encryption_state = None;
        let mut out = Vec::new();
        document
            .save_to(&mut out)
            .map_err(|_| PdfError::Unreadable)?;
        Some(out)
    } else {
        None
    };
    Ok(OpenedPdf {
        first_page,
        decrypted,
    })
}

/// `object`, or the object it refers to.
fn resolved<'a>(
    document: &'a lopdf::Document,
    object: &'a lopdf::Object,
) -> Option<&'a lopdf::Object> {
    document.dereference(object).ok().map(|(_, o)| o)
}

/// US Letter, the size readers give a page whose tree names no media box.
const DEFAULT_MEDIA_BOX: [f64; 4] = [0.0, 0.0, 612.0, 792.0];

/// A page's shown size: its `/MediaBox` and `/Rotate` (the page's own, else inherited from
/// the page tree) and its `/UserUnit` (a page's own attribute, 1 by default). `None` when a
/// value is malformed or the box is empty.
fn page_size(document: &lopdf::Document, page: lopdf::ObjectId) -> Option<PageSize> {
    let number = |object: &lopdf::Object| {
        resolved(document, object)
            .and_then(|o| o.as_float().ok())
            .map(f64::from)
            .filter(|n| n.is_finite())
    };
    let page_dict = document.get_dictionary(page).ok()?;
    let (mut media_box, mut rotate) = (None, None);
    let mut node = Some(page_dict);
    // The page tree's depth is bounded here: a cycle of `/Parent`s ends too.
    for _ in 0..64 {
        let Some(dict) = node else { break };
        if media_box.is_none()
            && let Ok(object) = dict.get(b"MediaBox")
        {
            let values = resolved(document, object)?.as_array().ok()?;
            let values: Vec<f64> = values.iter().map(number).collect::<Option<_>>()?;
            media_box = Some(<[f64; 4]>::try_from(values).ok()?);
        }
        if rotate.is_none()
            && let Ok(object) = dict.get(b"Rotate")
        {
            rotate = Some(resolved(document, object)?.as_i64().ok()?);
        }
        if media_box.is_some() && rotate.is_some() {
            break;
        }
        node = dict
            .get(b"Parent")
            .ok()
            .and_then(|p| resolved(document, p))
            .and_then(|p| p.as_dict().ok());
    }
    let [x0, y0, x1, y1] = media_box.unwrap_or(DEFAULT_MEDIA_BOX);
    let user_unit = match page_dict.get(b"UserUnit") {
        Ok(object) => number(object).filter(|u| *u > 0.0)?,
        Err(_) => 1.0,
    };
    let (width, height) = ((x1 - x0).abs() * user_unit, (y1 - y0).abs() * user_unit);
    if !(width > 0.0 && height > 0.0 && width.is_finite() && height.is_finite()) {
        return None;
    }
    Some(if rotate.unwrap_or(0).rem_euclid(180) == 90 {
        PageSize {
            width: height,
            height: width,
        }
    } else {
        PageSize { width, height }
    })
}

/// A minimal valid PDF of `pages` blank pages (for tests and examples).
pub fn blank_pdf(pages: usize) -> Vec<u8> {
    pdf_of_pages("", &vec!["/MediaBox [0 0 200 200]"; pages])
}

/// A minimal valid PDF of blank pages, `tree` added to its page tree's root and each of
/// `pages` to a page's dictionary (`/MediaBox [0 0 5000 5000]`; for tests and examples).
pub fn pdf_of_pages(tree: &str, pages: &[&str]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} {tree} >>",
            (0..pages.len())
                .map(|i| format!("{} 0 R", i + 3))
                .collect::<Vec<_>>()
                .join(" "),
            pages.len()
        ),
    ];
    for page in pages {
        objects.push(format!("<< /Type /Page /Parent 2 0 R {page} >>"));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// `pdf` encrypted (RC4, 128-bit key) with the user password `password` and another owner
/// password (for tests).
#[cfg(test)]
pub(crate) fn encrypted_pdf(pdf: &[u8], password: &str) -> Vec<u8> {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let mut document = lopdf::Document::load_mem(pdf).expect("a PDF");
    document.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::string_literal(b"0123456789abcdef".to_vec()),
            lopdf::Object::string_literal(b"0123456789abcdef".to_vec()),
        ]),
    );
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &document,
        owner_password: "the owner's",
        user_password: password,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("an encryption state");
    document.encrypt(&state).expect("encrypted");
    let mut out = Vec::new();
    document.save_to(&mut out).expect("saved");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_content_only() {
        assert_eq!(
            FileKind::detect(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::detect(b"\x89PNG\r\n\x1a\n...."),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::detect(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(FileKind::detect(b"hello, I am a text file.png"), None);
        assert_eq!(FileKind::detect(b""), None);
    }

    fn first_page(tree: &str, page: &str) -> Result<PageSize, PdfError> {
        open_pdf(&pdf_of_pages(tree, &[page]), None).map(|p| p.first_page)
    }

    #[test]
    fn the_first_pages_size_is_read_as_it_is_shown() {
        let size = |width, height| Ok(PageSize { width, height });
        assert_eq!(
            first_page("", "/MediaBox [0 0 5000 5000]"),
            size(5000.0, 5000.0)
        );
        assert_eq!(
            first_page("", "/MediaBox [10 20 253.5 173]"),
            size(243.5, 153.0)
        );
        // Inherited from the page tree; turned by an inherited /Rotate.
        assert_eq!(
            first_page("/MediaBox [0 0 300 100] /Rotate 270", ""),
            size(100.0, 300.0)
        );
        assert_eq!(
            first_page("/MediaBox [0 0 300 100]", "/Rotate 180"),
            size(300.0, 100.0)
        );
        // A page's own box wins; /UserUnit scales it (here 75 × 40 units of 10 pt).
        assert_eq!(
            first_page(
                "/MediaBox [0 0 300 100]",
                "/MediaBox [0 0 75 40] /UserUnit 10"
            ),
            size(750.0, 400.0)
        );
        // No box anywhere: US Letter, as readers do. An empty or malformed one: unreadable.
        assert_eq!(first_page("", ""), size(612.0, 792.0));
        for bad in [
            "/MediaBox [0 0 0 500]",
            "/MediaBox [0 0 500]",
            "/MediaBox [0 0 (a) 500]",
            "/MediaBox [0 0 500 500] /UserUnit -1",
        ] {
            assert_eq!(first_page("", bad), Err(PdfError::Unreadable), "{bad}");
        }
        let unencrypted = open_pdf(&blank_pdf(2), None).unwrap();
        assert!(unencrypted.decrypted.is_none());
    }

    #[test]
    fn an_encrypted_pdf_is_opened_in_the_clear_with_its_password() {
        let encrypted = encrypted_pdf(&blank_pdf(1), "s3cret-pw");
        assert_eq!(
            pdf_page_count(&encrypted, None),
            Err(PdfError::PasswordNeeded)
        );
        assert_eq!(
            open_pdf(&encrypted, Some("wrong")).map(|_| ()),
            Err(PdfError::WrongPassword)
        );
        let opened = open_pdf(&encrypted, Some("s3cret-pw")).unwrap();
        assert_eq!(opened.first_page.longer_side(), 200.0);
        let plain = opened.decrypted.expect("decrypted bytes");
        // The bytes handed on need no password and hold no encryption dictionary.
        assert_eq!(pdf_page_count(&plain, None), Ok(1));
        assert!(!plain.windows(8).any(|w| w == b"/Encrypt"));
    }

    #[test]
    fn counts_pdf_pages_from_the_page_tree() {
        assert_eq!(pdf_page_count(&blank_pdf(1), None), Ok(1));
        assert_eq!(pdf_page_count(&blank_pdf(5), None), Ok(5));
        assert_eq!(
            pdf_page_count(b"%PDF-1.4\ngarbage", None),
            Err(PdfError::Unreadable)
        );
    }
}
