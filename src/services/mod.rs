//! Orchestration of one business operation: validated input in, store and providers called in
//! the right order, an outcome out. No HTTP here; the API layer maps outcomes to responses.

pub mod bgv;
pub mod bureau;
pub mod gst;
pub mod webhooks;
