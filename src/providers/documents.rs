//! The AnyCheck stages answered on the machine by the document services (`crate::documents`):
//! OCR of the KTP, the card-to-selfie face match and the fraud signals. Each is a [`Stage`] in
//! place of the sandbox (`DocumentStages::install`).
//!
//! Sandbox rule (`docs/sandbox.md`): a sandbox organisation's verification is answered by the
//! sandbox when its files carry sandbox instructions or are not real images (the placeholder
//! files test clients send); a real photo is read for real. A live organisation's files always
//! are. The services are CPU work (0.1–1 s) and run on the blocking pool.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ProviderError;
use super::kyc::{Answered, InputFile, KycStages, NewFingerprint, SandboxStage, Stage, StageInput};
use super::pictures::Pictures;
use crate::crypto::Vault;
use crate::documents::fraud::index::mask;
use crate::documents::fraud::{Fingerprint, FraudIndex, Strength};
use crate::documents::ocr::{Failure, FieldReading, KtpReading, OutputStatus};
use crate::documents::service::{Documents, claimed_nik, global};
use crate::domain::kyc::{CardAssessment, KtpCard, StageAnswer};
use crate::domain::verifications::StageKind;
use crate::files::kind::FileKind;

/// The name these stages' answers go by.
pub const SOURCE: &str = "SATYAPAN";

/// The document stages of one process, sharing the pictures of recent files (a PDF's page is
/// rendered once for all three stages), the readings of recent cards (the fraud stage needs
/// the OCR stage's reading of the same file) and the tenants' fraud index.
#[derive(Clone)]
pub struct DocumentStages {
    pictures: Arc<Pictures>,
    readings: Arc<Readings>,
    pub index: Arc<FraudIndex>,
    vault: Arc<Vault>,
}

impl DocumentStages {
    /// Stages rendering at most `max_concurrent_renders` PDFs at a time
    /// (`max_concurrent_document_renders`).
    pub fn new(vault: Arc<Vault>, max_concurrent_renders: usize) -> Self {
        DocumentStages {
            pictures: Arc::new(Pictures::new(max_concurrent_renders)),
            readings: Arc::new(Readings::default()),
            index: Arc::new(FraudIndex::new()),
            vault,
        }
    }

    /// The picture to read from an input file (`providers::pictures`).
    async fn picture(&self, file: &InputFile) -> Result<Arc<Vec<u8>>, ProviderError> {
        self.pictures.picture(file).await
    }

    /// `stages` with OCR, face match and fraud detection answered by these.
    pub fn install(&self, stages: KycStages) -> KycStages {
        stages
            .with(StageKind::Ocr, Arc::new(DocumentOcr(self.clone())))
            .with(StageKind::FaceMatch, Arc::new(DocumentFace(self.clone())))
            .with(
                StageKind::FraudDetection,
                Arc::new(DocumentFraud(self.clone())),
            )
            .with_fraud_index(self.index.clone())
    }

    /// The reading of `bytes`: a recent one of the same bytes, else a new one.
    async fn read(&self, bytes: &[u8]) -> Result<Arc<KtpReading>, ProviderError> {
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(r) = self.readings.get(&digest) {
            return Ok(r);
        }
        let owned = bytes.to_vec();
        let reading = Arc::new(blocking(move || docs().ocr_ktp(&owned)).await?);
        if reading.output_status != OutputStatus::Failed {
            self.readings.put(digest, reading.clone());
        }
        Ok(reading)
    }
}

fn docs() -> &'static Documents {
    global()
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ProviderError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ProviderError::Unavailable(format!("document service: {e}")))
}

/// The last few cards read (a verification's OCR and fraud stages read the same file within
/// seconds of each other).
#[derive(Default)]
struct Readings(Mutex<VecDeque<([u8; 32], Arc<KtpReading>)>>);

const READINGS_KEPT: usize = 32;

impl Readings {
    fn get(&self, digest: &[u8; 32]) -> Option<Arc<KtpReading>> {
        let kept = self.0.lock().ok()?;
        kept.iter()
            .find(|(d, _)| d == digest)
            .map(|(_, r)| r.clone())
    }

    fn put(&self, digest: [u8; 32], reading: Arc<KtpReading>) {
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() >= READINGS_KEPT {
                kept.pop_front();
            }
            kept.push_back((digest, reading));
        }
    }
}

/// Whether a sandbox organisation's input goes to the sandbox: a file of `slots` carries
/// sandbox instructions or is not a real image.
fn to_sandbox(input: &StageInput, slots: &[&str]) -> bool {
    if !input.sandbox_org {
        return false;
    }
    if input.sandbox_steered() {
        return true;
    }
    slots
        .iter()
        .filter_map(|slot| input.file(slot))
        .any(|f| !is_real_image(f))
}

fn is_real_image(file: &InputFile) -> bool {
    image::ImageReader::new(std::io::Cursor::new(&file.bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .is_some_and(|(w, h)| w >= 16 && h >= 16)
}

fn missing(what: &str) -> ProviderError {
    ProviderError::Unusable(format!("{what} is missing"))
}

/// A service's failure as a source error: an input it cannot read, or a service this process
/// cannot offer (not in this build, models missing), is final; anything else may pass.
fn failed(failure: Option<&Failure>) -> ProviderError {
    match failure {
        Some(f) if f.code == "engine_unavailable" => {
            ProviderError::Unavailable(format!("{}: {}", f.code, f.message))
        }
        Some(f) => ProviderError::Unusable(format!("{}: {}", f.code, f.message)),
        None => ProviderError::Unusable("the document could not be processed".into()),
    }
}

/// One document stage: which stage it is, the file slots the sandbox rule looks at, and its
/// reading of a real input (the sandbox rule, source and labels are common to all three).
#[async_trait]
trait DocumentStage: Send + Sync {
    const KIND: StageKind;
    const SLOTS: &'static [&'static str];
    async fn read(&self, input: &StageInput) -> Result<Answered, ProviderError>;
}

#[async_trait]
impl<T: DocumentStage> Stage for T {
    fn source(&self) -> &str {
        SOURCE
    }

    fn is_sandbox(&self) -> bool {
        false
    }

    async fn run(&self, input: &StageInput) -> Result<StageAnswer, ProviderError> {
        Ok(self.answer(input).await?.answer)
    }

    async fn answer(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        if to_sandbox(input, T::SLOTS) {
            return SandboxStage(T::KIND).answer(input).await;
        }
        self.read(input).await
    }
}

/// A document stage's answer.
fn answered(answer: StageAnswer, fingerprint: Option<NewFingerprint>) -> Answered {
    Answered {
        answer,
        source: SOURCE.into(),
        sandbox: false,
        screening: None,
        fingerprint,
    }
}

/// OCR of the KTP into the card's fields, with the reader's own NIK cross-check.
struct DocumentOcr(DocumentStages);

#[async_trait]
impl DocumentStage for DocumentOcr {
    const KIND: StageKind = StageKind::Ocr;
    const SLOTS: &'static [&'static str] = &["ktp_file"];

    async fn read(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        let file = input.file("ktp_file").ok_or_else(|| missing("ktp_file"))?;
        let reading = self.0.read(&self.0.picture(file).await?).await?;
        if reading.output_status == OutputStatus::Failed {
            return Err(failed(reading.failure.as_ref()));
        }
        Ok(answered(card_answer(&reading), None))
    }
}

/// The card as the stages after OCR use it, the reader's assessment and what it found.
pub fn card_answer(reading: &KtpReading) -> StageAnswer {
    let f = &reading.fields;
    let text =
        |field: &Option<FieldReading>| field.as_ref().map(|r| r.value.clone()).unwrap_or_default();
    // The card prints DD-MM-YYYY; the stages speak ISO dates.
    let birth_date = f
        .tanggal_lahir
        .as_ref()
        .and_then(|r| chrono::NaiveDate::parse_from_str(&r.value, "%d-%m-%Y").ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let card = KtpCard {
        nik: text(&f.nik),
        name: text(&f.nama),
        birth_place: text(&f.tempat_lahir),
        birth_date,
        gender: text(&f.jenis_kelamin),
        blood_type: text(&f.golongan_darah),
        address: text(&f.alamat),
        rt_rw: text(&f.rt_rw),
        village: text(&f.kelurahan_desa),
        district: text(&f.kecamatan),
        city: text(&f.kabupaten_kota),
        province: text(&f.provinsi),
        religion: text(&f.agama),
        marital_status: text(&f.status_perkawinan),
        occupation: text(&f.pekerjaan),
        nationality: text(&f.kewarganegaraan),
        valid_until: text(&f.berlaku_hingga),
    };
    let read: Vec<f64> = f
        .all()
        .iter()
        .filter_map(|(_, r)| r.as_ref().map(|r| f64::from(r.confidence)))
        .collect();
    let confidence = if read.is_empty() {
        0.0
    } else {
        read.iter().sum::<f64>() / read.len() as f64
    };
    let assessment = match reading.output_status {
        OutputStatus::Verified => CardAssessment::Consistent,
        OutputStatus::PartiallyNotVerified => CardAssessment::Doubtful,
        OutputStatus::NotVerified | OutputStatus::Failed => CardAssessment::Contradicted,
    };
    let field_confidence: serde_json::Map<String, Value> = f
        .all()
        .iter()
        .filter_map(|(key, r)| {
            r.as_ref().map(|r| {
                (
                    (*key).to_string(),
                    json!((f64::from(r.confidence) * 1000.0).round() / 1000.0),
                )
            })
        })
        .collect();
    StageAnswer::Card {
        card: Box::new(card),
        confidence,
        assessment: Some(assessment),
        details: Some(json!({
            "output_status": reading.output_status.as_str(),
            "fields": f,
            "field_confidence": field_confidence,
            "quality": reading.quality,
            "quality_measures": reading.quality_measures,
            "nik_decoded": reading.nik_decoded,
            "findings": reading.findings,
            "card_located": reading.card_located,
        })),
    }
}

/// The card's face against the selfie's.
struct DocumentFace(DocumentStages);

#[async_trait]
impl DocumentStage for DocumentFace {
    const KIND: StageKind = StageKind::FaceMatch;
    const SLOTS: &'static [&'static str] = &["ktp_file", "selfie_file"];

    async fn read(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        let card = input.file("ktp_file").ok_or_else(|| missing("ktp_file"))?;
        let selfie = input
            .file("selfie_file")
            .ok_or_else(|| missing("selfie_file"))?;
        let (card, selfie) = (self.0.picture(card).await?, self.0.picture(selfie).await?);
        let m = blocking(move || docs().face_match(&card, &selfie)).await?;
        if m.output_status == OutputStatus::Failed {
            return Err(failed(m.failure.as_ref()));
        }
        // No face, several, too small: a comparison that could not be made scores 0.
        Ok(answered(
            StageAnswer::Face {
                score: m.face_match_confidence_score,
                details: Some(json!({
                    "output_status": m.output_status.as_str(),
                    "distance": m.distance,
                    "card_face": m.card_face,
                    "selfie_face": m.selfie_face,
                    "failure": m.failure,
                })),
            },
            None,
        ))
    }
}

/// Fraud signals: the files' metadata and screens, the NIK against its card, and the card or
/// face submitted before under another identity in the tenant.
struct DocumentFraud(DocumentStages);

#[async_trait]
impl DocumentStage for DocumentFraud {
    const KIND: StageKind = StageKind::FraudDetection;
    const SLOTS: &'static [&'static str] = &["ktp_file", "selfie_file"];

    async fn read(&self, input: &StageInput) -> Result<Answered, ProviderError> {
        let ktp = input.file("ktp_file").ok_or_else(|| missing("ktp_file"))?;
        let ktp_bytes = self.0.picture(ktp).await?;
        let reading = self.0.read(&ktp_bytes).await?;
        let selfie = match input.file("selfie_file") {
            Some(f) => Some(self.0.picture(f).await?),
            None => None,
        };
        let for_evidence = reading.clone();
        let (mut signals, print) = blocking(move || {
            docs().fraud_evidence(
                &ktp_bytes,
                selfie.as_ref().map(|s| s.as_slice()),
                &for_evidence,
            )
        })
        .await?;
        // A PDF was read as its rendered page: its own metadata is looked at too.
        for (slot, what) in [("ktp_file", "KTP PDF"), ("selfie_file", "selfie PDF")] {
            if let Some(file) = input.file(slot).filter(|f| f.kind == FileKind::Pdf) {
                signals.extend(crate::documents::fraud::metadata::signals(
                    &file.bytes,
                    what,
                ));
            }
        }
        // Indexed under the NIK claimed (as a keyed digest), else under the verification.
        let (identity, label) = match claimed_nik(&reading) {
            Some(nik) => (self.0.vault.blind_index(&format!("nik:{nik}")), mask(&nik)),
            None => (
                format!("verification:{}", input.subject),
                format!("verification {}", input.subject),
            ),
        };
        signals.extend(self.0.index.check(&input.org_id, &identity, &print));
        let strong = signals
            .iter()
            .filter(|s| s.strength == Strength::Strong)
            .map(|s| s.code.to_string())
            .collect();
        Ok(answered(
            StageAnswer::Fraud {
                signals: strong,
                details: Some(json!(signals)),
            },
            Some(NewFingerprint {
                identity,
                label,
                print,
            }),
        ))
    }
}

impl NewFingerprint {
    /// The stored columns: the hashes as `i64` (same bits), the embedding as little-endian
    /// `f32`s.
    pub fn columns(&self) -> (Option<i64>, Option<i64>, Option<Vec<u8>>) {
        (
            self.print.card.map(|h| h.0 as i64),
            self.print.face.map(|h| h.0 as i64),
            self.print
                .embedding
                .as_ref()
                .map(|e| e.0.iter().flat_map(|x| x.to_le_bytes()).collect()),
        )
    }
}

/// A stored fingerprint back from its columns (an embedding of the wrong length is dropped).
pub fn fingerprint_from_columns(
    card: Option<i64>,
    face: Option<i64>,
    embedding: Option<&[u8]>,
) -> Fingerprint {
    use crate::documents::face::Embedding;
    use crate::documents::fraud::Phash;
    Fingerprint {
        card: card.map(|h| Phash(h as u64)),
        face: face.map(|h| Phash(h as u64)),
        embedding: embedding
            .filter(|b| !b.is_empty() && b.len() % 4 == 0)
            .map(|b| {
                Embedding(
                    b.chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect(),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_survives_its_columns() {
        use crate::documents::face::Embedding;
        use crate::documents::fraud::Phash;
        let print = NewFingerprint {
            identity: "x".into(),
            label: "…0001".into(),
            print: Fingerprint {
                card: Some(Phash(u64::MAX - 5)),
                face: None,
                embedding: Some(Embedding(vec![0.25, -1.5, 3.0])),
            },
        };
        let (card, face, emb) = print.columns();
        let back = fingerprint_from_columns(card, face, emb.as_deref());
        assert_eq!(back.card, print.print.card);
        assert_eq!(back.face, None);
        assert_eq!(back.embedding.map(|e| e.0), Some(vec![0.25, -1.5, 3.0]));
        assert!(
            fingerprint_from_columns(None, None, Some(&[1, 2, 3]))
                .embedding
                .is_none()
        );
    }

    #[test]
    fn placeholders_and_instructed_files_of_a_sandbox_org_go_to_the_sandbox() {
        let png = {
            let mut out = Vec::new();
            image::RgbImage::new(64, 64)
                .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
                .unwrap();
            out
        };
        let file = |bytes: Vec<u8>| InputFile {
            slot: "ktp_file".into(),
            kind: crate::files::kind::FileKind::Png,
            bytes,
            password: None,
        };
        let input = |bytes: Vec<u8>, sandbox_org: bool| StageInput {
            files: vec![file(bytes)],
            sandbox_org,
            ..StageInput::default()
        };
        assert!(!to_sandbox(&input(png.clone(), true), &["ktp_file"]));
        assert!(to_sandbox(
            &input(b"\xFF\xD8\xFF\xD9".to_vec(), true),
            &["ktp_file"]
        ));
        let mut instructed = png.clone();
        instructed.extend_from_slice(b"satyapan-sandbox: face=10");
        assert!(to_sandbox(&input(instructed.clone(), true), &["ktp_file"]));
        // A live organisation's files are always read for real.
        assert!(!to_sandbox(&input(instructed, false), &["ktp_file"]));
    }
}
