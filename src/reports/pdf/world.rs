//! What one compilation sees: the template, the data and the evidence
//! images as virtual files, and the fonts.

use std::path::PathBuf;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::PdfError;
use super::fonts::FONTS;

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

pub(super) fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| PdfError::Typeset(format!("bad virtual path {path}: {e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// Sniffs the format from the magic bytes, so a mislabelled upload still
/// gets the right decoder and anything else is refused before typesetting.
pub(super) fn image_extension(bytes: &[u8]) -> Option<&'static str> {
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
pub(super) fn is_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg") || head.starts_with("<?xml")) && head.contains("<svg")
}

/// Everything one compilation can see: the template, the data and the images.
pub(super) struct ReportWorld {
    pub(super) main: Source,
    pub(super) data_id: FileId,
    pub(super) data: Bytes,
    pub(super) images: Vec<(FileId, Bytes)>,
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
