//! Loaders for the list files. Each returns a [`LoadReport`]: every record either becomes an
//! [`Entity`] or is reported in `skipped` with where it was and why.

pub mod csl;
pub mod ofac;
pub mod senzing;
pub mod un;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::model::{Entity, ListKind};

/// What a loader made of one list.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub entities: Vec<Entity>,
    /// `(where, why)`: `where` names the file and line or record (`ofac_alt.csv line 11911`).
    pub skipped: Vec<(String, String)>,
}

impl LoadReport {
    /// Total number of aliases over all entities.
    pub fn alias_count(&self) -> usize {
        self.entities.iter().map(|e| e.aliases.len()).sum()
    }

    fn skip(&mut self, at: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push((at.into(), reason.into()));
    }
}

/// A list could not be read at all (a bad record is reported in [`LoadReport::skipped`]
/// instead).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("{path}: XML error at byte {position}: {message}")]
    Xml {
        path: PathBuf,
        position: u64,
        message: String,
    },
}

/// The file names of each list inside a list directory (the layout of `shared/data/sanctions`).
pub const OFAC_SDN_FILE: &str = "ofac_sdn.csv";
pub const OFAC_ALT_FILE: &str = "ofac_alt.csv";
pub const OFAC_ADD_FILE: &str = "ofac_add.csv";
pub const OFAC_COMMENTS_FILE: &str = "ofac_sdn_comments.csv";
pub const UN_FILE: &str = "un_consolidated.xml";
pub const SENZING_FILE: &str = "opensanctions_us_congress_senzing.json";
pub const CSL_FILE: &str = "us_csl_sample.csv";

/// Loads one list from a directory laid out like `shared/data/sanctions`.
pub fn load_list(kind: ListKind, dir: &Path) -> Result<LoadReport, LoadError> {
    match kind {
        ListKind::OfacSdn => ofac::load(dir),
        ListKind::UnConsolidated => un::load(&dir.join(UN_FILE)),
        ListKind::OpenSanctionsPep => senzing::load(&dir.join(SENZING_FILE)),
        ListKind::UsCsl => csl::load(&dir.join(CSL_FILE)),
    }
}

/// The bytes of one list upload: `main` is the list file (for OFAC the `sdn` file); `alt`,
/// `add` and `comments` are OFAC's other files (empty when absent or for other lists).
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFiles<'a> {
    pub main: &'a [u8],
    pub alt: &'a [u8],
    pub add: &'a [u8],
    pub comments: &'a [u8],
}

impl ListFiles<'_> {
    /// SHA-256 (hex) over the files in the order main, alt, add, comments, each preceded by its
    /// length: the same upload always has the same digest, and a change in any file changes it.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [self.main, self.alt, self.add, self.comments] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        hex::encode(h.finalize())
    }
}

/// Parses an uploaded list. A file that cannot be read at all is an error (a message naming
/// the file and the position); bad records are reported in [`LoadReport::skipped`].
pub fn parse_files(kind: ListKind, files: ListFiles<'_>) -> Result<LoadReport, String> {
    match kind {
        ListKind::OfacSdn => ofac::parse(files.main, files.alt, files.add, files.comments)
            .map_err(|e| format!("OFAC CSV: {e}")),
        ListKind::UnConsolidated => un::parse(files.main, UN_FILE)
            .map_err(|(at, message)| format!("UN XML at byte {at}: {message}")),
        ListKind::OpenSanctionsPep => {
            senzing::parse(files.main, SENZING_FILE).map_err(|e| format!("Senzing JSON: {e}"))
        }
        ListKind::UsCsl => csl::parse(files.main, CSL_FILE).map_err(|e| format!("CSL CSV: {e}")),
    }
}

/// The files of a list given by its main file: for OFAC, `FILE` is the `sdn` file and the
/// others are found beside it by their standard names (`sdn.csv` → `alt.csv`, `add.csv`,
/// `sdn_comments.csv`; `ofac_sdn.csv` → `ofac_alt.csv` …). `alt` and `add` must exist; the
/// comments file may be absent.
pub fn read_list_files(kind: ListKind, file: &Path) -> Result<[Vec<u8>; 4], LoadError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let main = read(file)?;
    if kind != ListKind::OfacSdn {
        return Ok([main, Vec::new(), Vec::new(), Vec::new()]);
    }
    let name = file_label(file);
    let dir = file.parent().unwrap_or_else(|| Path::new("."));
    let sibling = |part: &str| -> PathBuf {
        match name.rfind("sdn") {
            Some(i) => dir.join(format!("{}{part}{}", &name[..i], &name[i + 3..])),
            None => dir.join(format!("{part}.csv")),
        }
    };
    let alt = read(&sibling("alt"))?;
    let add = read(&sibling("add"))?;
    let comments_path = sibling("sdn_comments");
    let comments = if comments_path.is_file() {
        read(&comments_path)?
    } else {
        Vec::new()
    };
    Ok([main, alt, add, comments])
}

pub(crate) fn open(path: &Path) -> Result<BufReader<File>, LoadError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// The file name of a path, for `skipped` locations.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Splits a list-separated field (`a; b;c`) into trimmed non-empty parts.
pub(crate) fn split_list(s: &str, sep: char) -> impl Iterator<Item = &str> {
    s.split(sep).map(str::trim).filter(|p| !p.is_empty())
}
