//! GST verification requests.

use super::state::text_enum;

text_enum! {
    /// Where an asynchronous GST verification stands.
    pub enum GstStatus {
        InProgress => "in_progress",
        Completed => "completed",
        NotFound => "not_found",
        Failed => "failed",
    }
}

impl GstStatus {
    /// Only a running request is worked on; a terminal one is left alone (re-runs are harmless).
    pub fn is_terminal(self) -> bool {
        self != GstStatus::InProgress
    }
}
