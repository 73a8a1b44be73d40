//! Where the shared list files are: `shared/data/sanctions` in the first ancestor of the crate
//! directory that has it (so the same code finds it from `/work/scratch/screening` and from a
//! repo whose `shared/` sits beside it), or `$SATYAPAN_SANCTIONS_DIR` when that is set.

use std::path::{Path, PathBuf};

/// Environment variable that overrides the search.
pub const SANCTIONS_DIR_ENV: &str = "SATYAPAN_SANCTIONS_DIR";

/// The relative path searched for in each ancestor.
pub const SANCTIONS_SUBDIR: &str = "shared/data/sanctions";

/// The list directory, if it can be found.
pub fn sanctions_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SANCTIONS_DIR_ENV).map(PathBuf::from)
        && dir.is_dir()
    {
        return Some(dir);
    }
    find_sanctions_dir_from(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The first `<ancestor>/shared/data/sanctions` that is a directory, walking up from `start`
/// (itself included).
pub fn find_sanctions_dir_from(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|a| a.join(SANCTIONS_SUBDIR))
        .find(|p| p.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_shared_lists_from_the_crate() {
        let dir = sanctions_dir().expect("shared/data/sanctions above the crate");
        assert!(dir.join("ofac_sdn.csv").is_file());
    }

    #[test]
    fn walks_up_from_a_nested_module_directory() {
        // A layout like /work/{main/src/screening, shared/data/sanctions}.
        let root = std::env::temp_dir().join(format!("screening-data-dir-{}", std::process::id()));
        let nested = root.join("main/src/screening");
        let lists = root.join("shared/data/sanctions");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(&lists).unwrap();
        assert_eq!(find_sanctions_dir_from(&nested), Some(lists.clone()));
        assert_eq!(find_sanctions_dir_from(&root.join("main")), Some(lists));
        std::fs::remove_dir_all(&root).unwrap();
    }
}

/// Lists and indexes loaded once per test binary.
#[cfg(test)]
pub(crate) mod shared {
    use std::sync::OnceLock;

    use super::super::index::Index;
    use super::super::loaders::{LoadReport, load_list};
    use super::super::model::{Entity, ListKind};
    use super::sanctions_dir;

    /// The OFAC and UN entities, OFAC first.
    pub(crate) fn ofac_un_entities() -> &'static [Entity] {
        static E: OnceLock<Vec<Entity>> = OnceLock::new();
        E.get_or_init(|| {
            let dir = sanctions_dir().expect("shared/data/sanctions");
            let mut all = Vec::new();
            for kind in [ListKind::OfacSdn, ListKind::UnConsolidated] {
                let r: LoadReport = load_list(kind, &dir).expect("list loads");
                all.extend(r.entities);
            }
            all
        })
    }

    /// An index over the OFAC and UN entities.
    pub(crate) fn ofac_un_index() -> &'static Index {
        static I: OnceLock<Index> = OnceLock::new();
        I.get_or_init(|| Index::build(ofac_un_entities().to_vec()))
    }
}
