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
