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
    let options = match password {
        Some(password) => lopdf::LoadOptions::with_password(password),
        None => lopdf::LoadOptions::default(),
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
    let pages = document.page_iter().count();
    if pages == 0 {
        return Err(PdfError::NoPages);
    }
    u32::try_from(pages).map_err(|_| PdfError::Unreadable)
}

/// A minimal valid PDF of `pages` blank pages (for tests and examples).
pub fn blank_pdf(pages: usize) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", i + 3))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for _ in 0..pages {
        objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_string());
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
