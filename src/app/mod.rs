//! The application layer: one module per business operation. Each takes validated domain values,
//! asks the domain for every decision, holds the transaction ([`crate::store::Tx`]) in which the
//! business rows, ledger rows, jobs and events are written together, and returns an [`AppError`]
//! that each API surface renders in its own body. No HTTP here.

pub mod auth;
pub mod bureau;
pub mod cases;
pub mod credits;
pub mod error;
pub mod folders;
pub mod gst;
pub mod idempotency;
pub mod keys;
pub mod links;
pub mod ops;
pub mod screening;
pub mod uploads;
pub mod verifications;
pub mod webhooks;

pub use error::{AppError, AppResult, AuthFailure, Resource};
