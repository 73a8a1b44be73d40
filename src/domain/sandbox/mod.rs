//! The sandbox's deterministic data, as pure code: a seeded generator and synthetic people.
//! `providers::sandbox` serves it; the check types' sandbox records (`domain::checks::sandbox`)
//! and the KYC stages' (`kyc`) are built from it.

pub mod kyc;
mod people;
mod seeded;

pub use people::{Address, PLACES, Person, person, sandbox_gstin, sandbox_pan};
pub use seeded::Seeded;

/// What every sandbox record names as its source.
pub const SOURCE: &str = "SANDBOX";
