//! Business rules: no SQL, no HTTP.

pub mod api_keys;
pub mod bureau;
pub mod cases;
pub mod catalog;
pub mod checks;
pub mod credits;
pub mod decision;
pub mod events;
pub mod gst;
pub mod ids;
pub mod jobs;
pub mod matching;
pub mod orgs;
pub mod person;
pub mod sandbox;
pub mod source;
pub mod state;
pub mod text;
pub mod time;
pub mod webhooks;
