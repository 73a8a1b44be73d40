//! What a check asks a source and what a source answers: defined with the check types
//! (`domain::checks::source`), re-exported here under the name the rest of the code uses.

pub use super::checks::source::*;
