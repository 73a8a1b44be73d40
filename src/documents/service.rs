//! The services as the platform calls them: `ocr_ktp`, `face_match`, `fraud_check`. One
//! process-wide instance is loaded on first use (Tesseract engines, the dlib models from the
//! models directory, the fraud index); call [`init`] at start-up to load it early and log a
//! missing model then. A missing model disables face match only: OCR and the rest still run.

use std::path::Path;
use std::sync::OnceLock;

use super::face::{FaceMatch, FaceMatcher, FaceProblem, ModelError, Source};
use super::fraud::{self, Fingerprint, FraudIndex, FraudReport, Phash, Signal};
use super::imaging::decode_rgb;
use super::ocr::preprocess::prepare;
use super::ocr::{KtpReader, KtpReading, OutputStatus};

/// The loaded services.
pub struct Documents {
    reader: KtpReader,
    faces: Result<FaceMatcher, ModelError>,
    index: FraudIndex,
}

/// What `init` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub ocr: Result<(), String>,
    pub face: Result<(), String>,
}

impl Documents {
    /// Loads everything it can; what is missing is reported by each service's output.
    pub fn load(models_dir: &Path) -> Self {
        Self {
            reader: KtpReader::new(),
            faces: FaceMatcher::load(models_dir),
            index: FraudIndex::new(),
        }
    }

    pub fn readiness(&self) -> Readiness {
        Readiness {
            ocr: self.reader.warm_up().map_err(|e| e.to_string()),
            face: self.faces.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        }
    }

    /// Ends the pooled OCR engines (at shutdown: Tesseract warns about engines alive at exit).
    pub fn release(&self) {
        self.reader.release();
    }

    pub fn ocr_ktp(&self, ktp: &[u8]) -> KtpReading {
        self.reader.read(ktp)
    }

    pub fn face_match(&self, card: &[u8], selfie: &[u8]) -> FaceMatch {
        match &self.faces {
            Ok(m) => m.compare(card, selfie),
            Err(e @ ModelError::NotInThisBuild) => FaceMatch::unusable(
                OutputStatus::Failed,
                "not_available_in_this_build",
                e.to_string(),
            ),
            Err(e) => {
                FaceMatch::unusable(OutputStatus::Failed, "models_unavailable", e.to_string())
            }
        }
    }

    /// Fraud signals for one verification of `tenant`: the files' metadata and screen checks,
    /// the NIK's consistency with its card (from `reading`), and reuse of the card image or the
    /// face under another identity in this tenant (the submission is then indexed under the NIK
    /// read, or `fallback_identity` when none was).
    pub fn fraud_check(
        &self,
        tenant: &str,
        fallback_identity: &str,
        ktp: &[u8],
        selfie: Option<&[u8]>,
        reading: &KtpReading,
    ) -> FraudReport {
        let (mut signals, print) = self.fraud_evidence(ktp, selfie, reading);
        let identity = claimed_nik(reading).unwrap_or_else(|| fallback_identity.to_owned());
        signals.extend(self.index.check_and_add(tenant, &identity, &print));
        FraudReport::from_signals(signals)
    }

    /// The signals one submission carries on its own (metadata, screens, the NIK against its
    /// card) and its fingerprint for the reuse check (the card's hash, the face's hash and
    /// embedding: the selfie's face, else the card's).
    pub fn fraud_evidence(
        &self,
        ktp: &[u8],
        selfie: Option<&[u8]>,
        reading: &KtpReading,
    ) -> (Vec<Signal>, Fingerprint) {
        let mut signals = fraud::file_signals(ktp, "KTP image");
        if let Some(s) = selfie {
            signals.extend(fraud::file_signals(s, "selfie"));
        }
        signals.extend(fraud::nik_signals(reading));

        let mut print = Fingerprint::default();
        if let Ok(img) = decode_rgb(ktp) {
            print.card = Some(fraud::phash::card_hash(&prepare(&img).card));
        }
        if let Ok(m) = &self.faces {
            let face = selfie
                .and_then(|s| m.face_in(s, Source::Selfie).ok())
                .and_then(Result::ok)
                .or_else(|| {
                    m.face_in(ktp, Source::Card)
                        .ok()
                        .and_then(|r: Result<_, FaceProblem>| r.ok())
                });
            if let Some(f) = face {
                print.face = Some(Phash::of(&f.crop));
                print.embedding = Some(f.embedding);
            }
        }
        (signals, print)
    }
}

/// The NIK a reading claims, when it is a valid one (the identity a submission is indexed under).
pub fn claimed_nik(reading: &KtpReading) -> Option<String> {
    reading
        .nik_decoded
        .as_ref()
        .and(reading.fields.nik.as_ref())
        .map(|n| n.value.clone())
}

static GLOBAL: OnceLock<Documents> = OnceLock::new();

/// Loads the process-wide services from `models_dir` (first call wins) and says what works.
pub fn init(models_dir: &Path) -> Readiness {
    GLOBAL
        .get_or_init(|| Documents::load(models_dir))
        .readiness()
}

/// The process-wide services (loaded from `SATYAPAN_MODELS_DIR` or `models/` if `init` was not
/// called).
pub fn global() -> &'static Documents {
    GLOBAL.get_or_init(|| Documents::load(&super::face::models::default_dir()))
}

/// At shutdown: ends the process-wide OCR engines, if they were loaded.
pub fn shutdown() {
    if let Some(d) = GLOBAL.get() {
        d.release();
    }
}

/// Reads a KTP image.
pub fn ocr_ktp(ktp: &[u8]) -> KtpReading {
    global().ocr_ktp(ktp)
}

/// Compares the card's face with the selfie's.
pub fn face_match(card: &[u8], selfie: &[u8]) -> FaceMatch {
    global().face_match(card, selfie)
}

/// Fraud signals (see [`Documents::fraud_check`]).
pub fn fraud_check(
    tenant: &str,
    fallback_identity: &str,
    ktp: &[u8],
    selfie: Option<&[u8]>,
    reading: &KtpReading,
) -> FraudReport {
    global().fraud_check(tenant, fallback_identity, ktp, selfie, reading)
}

/// Tesseract parallelises with OpenMP and dlib's network with OpenBLAS's threads; on a small
/// shared machine those threads spin against each other (measured: a card took 2.3 s against
/// 0.5 s on two busy cores; a face pair 256 ms of CPU against 180 ms with one OpenBLAS thread).
/// Both libraries read their limit (`OMP_THREAD_LIMIT`, `OPENBLAS_NUM_THREADS`) once, when the
/// process starts, so a binary that serves documents calls this first: unless both variables are
/// set (to any value, which is kept), it re-executes itself with the missing ones at 1 (same
/// process id, arguments and environment). Requests are parallel across the blocking pool
/// instead. Returns when nothing needed doing or the re-execution failed.
pub fn limit_openmp_threads() {
    #[cfg(all(unix, feature = "documents"))]
    {
        use std::os::unix::process::CommandExt;
        let missing: Vec<&str> = ["OMP_THREAD_LIMIT", "OPENBLAS_NUM_THREADS"]
            .into_iter()
            .filter(|v| std::env::var_os(v).is_none())
            .collect();
        if missing.is_empty() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut command = std::process::Command::new(exe);
        command.args(std::env::args_os().skip(1));
        for var in &missing {
            command.env(var, "1");
        }
        let err = command.exec();
        eprintln!(
            "warning: could not re-execute with {} at 1 ({err}); documents may be slow",
            missing.join(", ")
        );
    }
}

#[cfg(all(test, not(feature = "documents")))]
mod tests {
    use super::*;

    #[test]
    fn without_the_feature_every_service_says_it_is_not_in_this_build() {
        let docs = Documents::load(Path::new("models"));
        let r = docs.ocr_ktp(b"\x89PNG\r\n\x1a\n");
        assert_eq!(r.output_status, OutputStatus::Failed);
        let png = super::super::synth::degrade::encode(&image::RgbImage::new(64, 64), None);
        let r = docs.ocr_ktp(&png);
        assert_eq!(
            r.failure.map(|f| f.code),
            Some("not_available_in_this_build")
        );
        let m = docs.face_match(&png, &png);
        assert_eq!(m.output_status, OutputStatus::Failed);
        assert_eq!(
            m.failure.map(|f| f.code),
            Some("not_available_in_this_build")
        );
        assert!(docs.readiness().face.is_err());
    }
}
