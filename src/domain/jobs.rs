//! The life of a durable job.

use super::state::text_enum;

text_enum! {
    /// `queued` → `running` (leased) → `completed`, or back to `queued` for a retry, or `dead`.
    pub enum JobState {
        Queued => "queued",
        Running => "running",
        Completed => "completed",
        Dead => "dead",
    }
}
