//! Sanctions/PEP screening as application operations: importing list versions, keeping each
//! process's index on the latest versions, paid searches, and ongoing monitoring of screened
//! subjects (`docs/screening.md`).

pub mod blob;
pub mod lists;
pub mod monitor;
pub mod refresh;
pub mod search;
pub mod subjects;

pub use lists::{Imported, ListSummary, import, summary};
pub use monitor::{RescreenHandler, RescreenJob, RescreenPayload};
pub use refresh::spawn_refresher;
pub use search::{Hit, SearchRequest, Searched, search};
