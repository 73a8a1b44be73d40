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
pub mod kyc;
pub mod matching;
pub mod names;
pub mod orgs;
pub mod person;
pub mod ratelimit;
pub mod rng;
pub mod sandbox;
pub mod services;
pub mod source;
pub mod state;
pub mod text;
pub mod time;
pub mod users;
pub mod verifications;
pub mod webhooks;

/// One problem with one field of a request: the field's path and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
}

impl FieldIssue {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldIssue {
            field: field.into(),
            message: message.into(),
        }
    }
}
