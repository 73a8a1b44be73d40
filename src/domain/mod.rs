//! Business rules: no SQL, no HTTP.

pub mod api_keys;
pub mod cases;
pub mod catalog;
pub mod decision;
pub mod ids;
pub mod matching;
pub mod time;
