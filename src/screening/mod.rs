//! Sanctions and PEP screening: list loaders, a scorer and an index over the one name normaliser
//! (`domain::names`, whose Latin form screening compares).
//!
//! A domain-level subsystem: pure (no SQL, no HTTP). The store keeps list versions, the
//! application builds an [`index::Index`] from them and swaps it into the shared
//! [`index::IndexHandle`]; see `docs/screening.md`.

pub mod bench_queries;
pub mod countries;
pub mod data_dir;
pub mod engine;
pub mod index;
pub mod loaders;
pub mod model;
pub mod score;
