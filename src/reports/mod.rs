//! Reports: the JSON model (seed 000) and its PDF rendering.

pub mod model;
pub mod pdf;
