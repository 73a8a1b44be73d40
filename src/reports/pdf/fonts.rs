//! The fonts a report can use: Typst's embedded ones plus the system's,
//! scanned once per process.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

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

/// The preferred families that this machine has, so the template never
/// names a missing font (Typst would warn on each).
pub(super) fn available_fonts() -> Vec<&'static str> {
    FONT_PREFERENCE
        .into_iter()
        // The book keys families in lower case.
        .filter(|family| FONTS.book.contains_family(&family.to_lowercase()))
        .collect()
}

/// Scanned once per process; system font files are only read when a page
/// actually uses them.
pub(super) static FONTS: LazyLock<FontStore> = LazyLock::new(FontStore::load);

pub(super) struct FontStore {
    pub(super) book: LazyHash<FontBook>,
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

    pub(super) fn get(&self, index: usize) -> Option<Font> {
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
