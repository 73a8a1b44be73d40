//! Upstream sources (credit bureaus, GSTN, UIDAI, courts …) behind traits. The built-in sandbox
//! answers deterministically from the input, with documented magic values for every outcome
//! (see `docs/sandbox.md`); an HTTP connector points a source at a real upstream.

pub mod bureau;
pub mod check;
pub mod documents;
pub mod gst;
pub mod http;
pub mod kyc;
pub mod pictures;
pub mod sandbox;
pub mod screening;

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::domain::checks::{CheckType, SourceKind};

/// The sources this process uses, chosen by configuration.
#[derive(Clone)]
pub struct Providers {
    pub bureau: Arc<dyn bureau::BureauProvider>,
    pub gst: Arc<dyn gst::GstProvider>,
    /// The source of every check type; check types without a connector use `default_check`.
    pub checks: std::collections::HashMap<String, (String, Arc<dyn check::CheckProvider>)>,
    pub default_check: Arc<dyn check::CheckProvider>,
    /// The source of check types whose `source()` is `SourceKind::Screening` (the screening
    /// engine, `screening::ScreeningProvider`), and the name its results go by.
    pub screening: (String, Arc<dyn check::CheckProvider>),
    /// The stages of AnyCheck verifications (OCR, NIK, face, PEP, fraud).
    pub kyc: kyc::KycStages,
    /// The process's screening engine (the index the screening source and the search APIs use).
    pub engine: Arc<crate::screening::engine::Engine>,
    /// Upper bound on any one source call.
    pub timeout: Duration,
}

impl Providers {
    /// The sandbox everywhere, except check types the operator pointed at an upstream
    /// (`[connectors.<check_type>]`). A connector that is misconfigured stops the start-up.
    pub fn from_config(
        config: &Config,
        engine: Arc<crate::screening::engine::Engine>,
    ) -> Result<Self, http::ConnectorConfigError> {
        let sandbox = Arc::new(sandbox::Sandbox::new(Duration::from_millis(
            config.sandbox_latency_ms,
        )));
        let mut checks = std::collections::HashMap::new();
        for (check_type, connector) in &config.connectors {
            let name = connector.source_name.clone();
            let provider: Arc<dyn check::CheckProvider> =
                Arc::new(http::HttpCheckProvider::new(connector.clone())?);
            checks.insert(check_type.clone(), (name, provider));
        }
        Ok(Providers {
            bureau: sandbox.clone(),
            gst: sandbox.clone(),
            checks,
            screening: (
                screening::SOURCE.to_string(),
                Arc::new(screening::ScreeningProvider::new(
                    engine.clone(),
                    sandbox.clone(),
                )),
            ),
            kyc: kyc::KycStages::sandbox().with(
                crate::domain::verifications::StageKind::PepScreening,
                Arc::new(screening::PepStage::new(engine.clone())),
            ),
            engine,
            default_check: sandbox,
            timeout: Duration::from_secs(config.provider_timeout_secs.max(1)),
        })
    }

    /// The source configured for a check type.
    pub fn check_provider(&self, check: CheckType) -> Arc<dyn check::CheckProvider> {
        match check.source() {
            SourceKind::Connector => self
                .checks
                .get(check.key())
                .map(|(_, p)| p.clone())
                .unwrap_or_else(|| self.default_check.clone()),
            SourceKind::Screening => self.screening.1.clone(),
        }
    }

    /// The name a check type's source goes by in reports.
    pub fn source_name(&self, check: CheckType) -> &str {
        match check.source() {
            SourceKind::Connector => self
                .checks
                .get(check.key())
                .map(|(name, _)| name.as_str())
                .unwrap_or(sandbox::SOURCE),
            SourceKind::Screening => &self.screening.0,
        }
    }

    /// The list versions the screening engine serves now (empty before its first index).
    pub fn screening_versions(&self) -> Vec<String> {
        self.engine
            .current()
            .map(|i| i.sources().iter().map(|s| s.version_id.clone()).collect())
            .unwrap_or_default()
    }

    /// Runs a source call under the configured timeout.
    pub async fn call<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, ProviderError>>,
    ) -> Result<T, ProviderError> {
        tokio::time::timeout(self.timeout, call)
            .await
            .unwrap_or(Err(ProviderError::Timeout))
    }
}

/// How a source call failed. Every provider maps its own failures onto these.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ProviderError {
    /// The source was reached and holds no record for the input.
    #[error("no record found at the source")]
    NotFound,
    /// The source could not be reached or answered with an error; retrying may help.
    #[error("source unavailable: {0}")]
    Unavailable(String),
    /// The source did not answer in time; retrying may help.
    #[error("source timed out")]
    Timeout,
    /// The source cannot process this input (not an image, a service not in this build);
    /// retrying will not help.
    #[error("{0}")]
    Unusable(String),
}

impl ProviderError {
    /// `NotFound` means the source was reached (it answered "no record"); the others did not.
    pub fn source_was_reached(&self) -> bool {
        matches!(self, ProviderError::NotFound)
    }
}
