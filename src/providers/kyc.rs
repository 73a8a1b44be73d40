//! The stages of AnyCheck verifications behind one trait, [`Stage`]: OCR of the KTP card, the
//! NIK check, the face match, PEP screening and fraud detection. PEP screening is the screening
//! engine (`providers::screening::PepStage`); OCR, face match and fraud detection are the
//! document services (`providers::documents::DocumentStages::install`); the NIK check
//! (the population register, an upstream) is the sandbox until a connector is configured.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;

use super::ProviderError;
use crate::domain::kyc::{KtpCard, StageAnswer};
use crate::domain::sandbox::kyc::{self as sandbox, SandboxFailure};
use crate::domain::verifications::StageKind;
use crate::files::kind::FileKind;

/// One input file of a verification.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub slot: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    /// An encrypted PDF's password.
    pub password: Option<String>,
}

/// Everything a stage may need: the files, the card read by OCR (for the stages after it),
/// and the name and birth date of a screening by name.
#[derive(Debug, Clone, Default)]
pub struct StageInput {
    pub files: Vec<InputFile>,
    pub card: Option<KtpCard>,
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// Whether the verification's organisation is a sandbox organisation.
    pub sandbox_org: bool,
    /// The verification's organisation (the tenant a fraud index is kept per).
    pub org_id: String,
    /// The verification's id.
    pub subject: String,
}

impl StageInput {
    /// The first file of `slot`.
    pub fn file(&self, slot: &str) -> Option<&InputFile> {
        self.files.iter().find(|f| f.slot == slot)
    }

    /// Who a PEP screening screens: the configuration's name (and birth date), else the name
    /// (and birth date) the OCR read from the card.
    pub fn screened(&self) -> Option<(String, Option<NaiveDate>)> {
        let name = self
            .name
            .clone()
            .or_else(|| self.card.as_ref().map(|c| c.name.clone()))?;
        let birth_date = self
            .birth_date
            .or_else(|| self.card.as_ref().and_then(KtpCard::birth_date));
        Some((name, birth_date))
    }

    /// Whether a sandbox organisation steered this input to the sandbox: a file carries
    /// sandbox instructions, the birth date is the sandbox's `1900-01-01`, or the name is one of
    /// the sandbox's fictional PEPs (`docs/sandbox.md`).
    pub fn sandbox_steered(&self) -> bool {
        if !self.sandbox_org {
            return false;
        }
        if !sandbox::instructions(self.files.iter().map(|f| f.bytes.as_slice())).is_empty() {
            return true;
        }
        match self.screened() {
            Some((name, birth_date)) => {
                birth_date == NaiveDate::from_ymd_opt(1900, 1, 1)
                    || sandbox::is_fictional_pep(&name)
            }
            None => false,
        }
    }
}

/// A screening by the screening engine: what a PEP stage screened and found, kept for ongoing
/// monitoring like an `aml_check` subject.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningRun {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    /// The hits as record items (`providers::screening::hit_json`).
    pub hits: Vec<serde_json::Value>,
    /// The list version ids searched.
    pub list_versions: Vec<String>,
    /// `ofac v3, un v1`.
    pub lists_searched: String,
}

/// A stage's answer and who gave it (a stage may hand some inputs to the sandbox).
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub answer: StageAnswer,
    pub source: String,
    pub sandbox: bool,
    /// Set when the screening engine answered.
    pub screening: Option<ScreeningRun>,
    /// What a fraud stage keeps for the reuse checks of later submissions.
    pub fingerprint: Option<NewFingerprint>,
}

/// What a fraud stage leaves behind for later submissions: the fingerprint, under a keyed
/// digest of the identity claimed (never the NIK itself) and the identity's last four
/// characters for explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFingerprint {
    pub identity: String,
    pub label: String,
    pub print: crate::documents::fraud::Fingerprint,
}

/// One stage's source.
#[async_trait]
pub trait Stage: Send + Sync {
    /// The name its answers go by (`SANDBOX` for the sandbox).
    fn source(&self) -> &str;
    fn is_sandbox(&self) -> bool;
    async fn run(&self, input: &StageInput) -> Result<StageAnswer, ProviderError>;

    /// Runs the stage and says who answered.
    async fn answer(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        let answer = self.run(input).await?;
        Ok(Answered {
            answer,
            source: self.source().to_string(),
            sandbox: self.is_sandbox(),
            screening: None,
            fingerprint: None,
        })
    }
}

/// The stage sources this process uses.
#[derive(Clone)]
pub struct KycStages {
    stages: HashMap<StageKind, Arc<dyn Stage>>,
    /// The fraud index the fraud stage checks against, when it keeps one.
    fraud_index: Option<Arc<crate::documents::fraud::FraudIndex>>,
}

impl KycStages {
    /// The sandbox for every stage.
    pub fn sandbox() -> Self {
        KycStages {
            stages: StageKind::ALL
                .iter()
                .map(|kind| (*kind, Arc::new(SandboxStage(*kind)) as Arc<dyn Stage>))
                .collect(),
            fraud_index: None,
        }
    }

    /// Names the index the fraud stage checks against (the pipeline loads it from the table
    /// every process writes to).
    pub fn with_fraud_index(mut self, index: Arc<crate::documents::fraud::FraudIndex>) -> Self {
        self.fraud_index = Some(index);
        self
    }

    pub fn fraud_index(&self) -> Option<Arc<crate::documents::fraud::FraudIndex>> {
        self.fraud_index.clone()
    }

    /// Replaces one stage's source (the real OCR, face matcher or screening engine).
    pub fn with(mut self, kind: StageKind, stage: Arc<dyn Stage>) -> Self {
        self.stages.insert(kind, stage);
        self
    }

    pub fn get(&self, kind: StageKind) -> Arc<dyn Stage> {
        self.stages
            .get(&kind)
            .cloned()
            .unwrap_or_else(|| Arc::new(SandboxStage(kind)))
    }
}

/// The deterministic sandbox of one stage (`domain::sandbox::kyc`).
pub struct SandboxStage(pub StageKind);

fn failure(error: SandboxFailure) -> ProviderError {
    match error {
        SandboxFailure::NotFound => ProviderError::NotFound,
        SandboxFailure::Unavailable => {
            ProviderError::Unavailable("sandbox source is down (as instructed)".into())
        }
    }
}

#[async_trait]
impl Stage for SandboxStage {
    fn source(&self) -> &str {
        sandbox::SOURCE
    }

    fn is_sandbox(&self) -> bool {
        true
    }

    async fn run(&self, input: &StageInput) -> Result<StageAnswer, ProviderError> {
        let all: BTreeMap<String, String> =
            sandbox::instructions(input.files.iter().map(|f| f.bytes.as_slice()));
        let missing = |what: &str| ProviderError::Unavailable(format!("{what} is missing"));
        match self.0 {
            StageKind::Ocr => {
                let card = input.file("ktp_file").ok_or_else(|| missing("ktp_file"))?;
                sandbox::read_card(&card.bytes, &all).map_err(failure)
            }
            StageKind::NikCheck => {
                let card = input.card.as_ref().ok_or_else(|| missing("the card"))?;
                sandbox::check_nik(card, &all).map_err(failure)
            }
            StageKind::FaceMatch => {
                let card = input.file("ktp_file").ok_or_else(|| missing("ktp_file"))?;
                let selfie = input
                    .file("selfie_file")
                    .ok_or_else(|| missing("selfie_file"))?;
                sandbox::compare_faces(&card.bytes, &selfie.bytes, &all).map_err(failure)
            }
            StageKind::PepScreening => {
                let (name, birth_date) = input.screened().ok_or_else(|| missing("the name"))?;
                sandbox::screen(&name, birth_date, &all).map_err(failure)
            }
            StageKind::FraudDetection => {
                let files: Vec<&[u8]> = input.files.iter().map(|f| f.bytes.as_slice()).collect();
                sandbox::inspect(&files, &all).map_err(failure)
            }
        }
    }
}
