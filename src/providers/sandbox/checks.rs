//! Sandbox records for background checks. By default the source mirrors what the candidate
//! declared (so checks come out clear); a `sandbox_outcome` bends the record so the *decision
//! engine* reaches the asked-for result — the result itself is always computed, never forced.
//! Each check type's record is built by its module in `domain::checks`.

use async_trait::async_trait;

use super::Sandbox;
use crate::domain::checks::sandbox::SandboxContext;
use crate::domain::source::SandboxOutcome;
use crate::providers::ProviderError;
use crate::providers::check::{CheckInput, CheckProvider, SourceRecord};

#[async_trait]
impl CheckProvider for Sandbox {
    async fn fetch(&self, input: &CheckInput) -> Result<SourceRecord, ProviderError> {
        self.wait().await;
        match input.sandbox_outcome {
            Some(SandboxOutcome::NotAvailable) => return Err(ProviderError::NotFound),
            Some(SandboxOutcome::UnableToVerify) => return Err(ProviderError::Timeout),
            Some(SandboxOutcome::Flaky) if input.attempt <= 2 => {
                return Err(ProviderError::Unavailable(format!(
                    "sandbox source failed on attempt {}",
                    input.attempt
                )));
            }
            _ => {}
        }
        let mut ctx = SandboxContext::new(input);
        Ok(input.kind.sandbox_record(input, &mut ctx))
    }
}
