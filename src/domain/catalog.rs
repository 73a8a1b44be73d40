//! The check catalog, as data: what each check type is called, how it is grouped, what it costs
//! and which candidate details it needs. Each check type's entry is the `SPEC` of its module in
//! `domain::checks`; the catalog is read from `checks::REGISTRY` (see there to add a check type).

use std::sync::LazyLock;

use super::checks::REGISTRY;
pub use super::checks::spec::{CheckSpec, Detail};

/// Every check type's entry, in registry order.
pub static CATALOG: LazyLock<Vec<&'static CheckSpec>> =
    LazyLock::new(|| REGISTRY.iter().map(|k| k.spec()).collect());

pub fn spec(key: &str) -> Option<&'static CheckSpec> {
    super::checks::by_key(key).map(|k| k.spec())
}

/// A check named either by its catalog key or by the type its report shows.
pub fn resolve(name: &str) -> Option<&'static CheckSpec> {
    REGISTRY
        .iter()
        .map(|k| k.spec())
        .find(|s| s.key == name || s.report_type == name)
}

pub fn keys() -> Vec<&'static str> {
    REGISTRY.iter().map(|k| k.spec().key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_report_types_are_unique() {
        let mut keys: Vec<_> = CATALOG.iter().map(|s| s.key).collect();
        let mut types: Vec<_> = CATALOG.iter().map(|s| s.report_type).collect();
        keys.dedup();
        types.sort();
        types.dedup();
        assert_eq!((keys.len(), types.len()), (CATALOG.len(), CATALOG.len()));
        assert_eq!(
            spec("identity_aadhaar").map(|s| s.name),
            Some("Aadhaar Verification")
        );
        assert!(spec("nope").is_none());
    }
}
