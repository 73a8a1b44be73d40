//! Background checks behind a source: the trait every check source implements. What a check
//! asks and what a source answers are domain values (`domain::source`).

use async_trait::async_trait;

use super::ProviderError;
pub use crate::domain::source::{CheckInput, EmployerClaim, Evidence, SourceRecord};

#[async_trait]
pub trait CheckProvider: Send + Sync {
    /// Looks the candidate up. `Err(NotFound)` means the source holds nothing for them;
    /// `Unavailable`/`Timeout` are retried by the job and end as `unable_to_verify`.
    async fn fetch(&self, input: &CheckInput) -> Result<SourceRecord, ProviderError>;
}
