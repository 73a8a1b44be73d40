//! The sandbox's deterministic data, as pure code: synthetic people drawn from `domain::rng`.
//! `providers::sandbox` serves it; the check types' sandbox records (`domain::checks::sandbox`)
//! and the KYC stages' (`kyc`) are built from it.

pub mod kyc;
mod people;

pub use people::{Address, PLACES, Person, person, sandbox_gstin, sandbox_pan};

/// What every sandbox record names as its source.
pub const SOURCE: &str = "SANDBOX";
