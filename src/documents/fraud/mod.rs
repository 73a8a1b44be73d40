//! Fraud signals (`fraud_detection: true`): the same card image or the same face reused under
//! different identities in one tenant (perceptual hashes and an embedding index), a NIK
//! inconsistent with the card, editing-software traces in the file's metadata, a screenshot or a
//! photo of a screen. Each signal carries its explanation; one strong signal is fraud
//! (`FRAUD_DETECTED`), weak ones are reported for review.

pub mod index;
pub mod metadata;
pub mod phash;
pub mod screen;

use serde::Serialize;

use super::ocr::KtpReading;
use super::ocr::nik_check::FindingKind;
pub use index::{Fingerprint, FraudIndex};
pub use phash::Phash;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Worth a look; not fraud on its own.
    Weak,
    /// Fraud.
    Strong,
}

/// One signal and why it was raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// `card_image_reused`, `face_reused`, `nik_inconsistent`, `editing_software`,
    /// `metadata_edited`, `screenshot`, `screen_photo`.
    pub code: &'static str,
    pub strength: Strength,
    pub explanation: String,
}

impl Signal {
    pub fn new(code: &'static str, strength: Strength, explanation: impl Into<String>) -> Self {
        Self {
            code,
            strength,
            explanation: explanation.into(),
        }
    }
}

/// The signals of one verification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FraudReport {
    /// A strong signal was raised (the verification's status becomes FRAUD_DETECTED).
    pub fraud_detected: bool,
    pub signals: Vec<Signal>,
}

impl FraudReport {
    pub fn from_signals(signals: Vec<Signal>) -> Self {
        Self {
            fraud_detected: signals.iter().any(|s| s.strength == Strength::Strong),
            signals,
        }
    }
}

/// Signals in one file's bytes: metadata traces, screenshot, photo of a screen. `what` names the
/// file in explanations ("KTP image", "selfie").
pub fn file_signals(bytes: &[u8], what: &str) -> Vec<Signal> {
    let mut out = metadata::signals(bytes, what);
    if let Ok(img) = super::imaging::decode_rgb(bytes) {
        out.extend(screen::signals(bytes, &img, what));
    }
    out
}

/// A NIK that contradicts its own card: a birth date or sex not what the NIK encodes, or a NIK
/// that is not valid, is strong; a province or regency disagreement alone is weak (a misread
/// header, or a card reissued after a province split).
pub fn nik_signals(reading: &KtpReading) -> Vec<Signal> {
    let mut out = Vec::new();
    for f in &reading.findings {
        let strength = match (f.kind, f.code) {
            (FindingKind::Contradiction, "birth_date_mismatch" | "gender_mismatch") => {
                Strength::Strong
            }
            (FindingKind::Fatal, "nik_invalid") => Strength::Strong,
            (FindingKind::Contradiction, _) => Strength::Weak,
            _ => continue,
        };
        out.push(Signal::new(
            "nik_inconsistent",
            strength,
            format!("{} ({})", f.message, f.code),
        ));
    }
    out
}
