//! Business rules: no SQL, no HTTP.

pub mod api_keys;
pub mod time;
