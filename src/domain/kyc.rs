//! What the stages of an AnyCheck verification answer (a KTP card read, a population-register
//! record, a face comparison, PEP matches, fraud signals) and the rules that turn each answer
//! into a verdict and the fields of the output. Pure: the stages themselves are providers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ids::Nik;
use super::verifications::{StageKind, Verdict};

/// A KTP (Indonesian identity card) as read from its image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KtpCard {
    pub nik: String,
    pub name: String,
    pub birth_place: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub gender: String,
    pub blood_type: String,
    pub address: String,
    pub rt_rw: String,
    pub village: String,
    pub district: String,
    pub city: String,
    pub province: String,
    pub religion: String,
    pub marital_status: String,
    pub occupation: String,
    pub nationality: String,
    pub valid_until: String,
}

impl KtpCard {
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.birth_date, "%Y-%m-%d").ok()
    }
}

/// What a stage's source answered.
#[derive(Debug, Clone, PartialEq)]
pub enum StageAnswer {
    /// OCR: the card and the reader's confidence (0–1). A reader that checks the card itself
    /// (the NIK against the fields it encodes, image quality) gives its assessment and the
    /// details behind it; the sandbox gives neither.
    Card {
        card: Box<KtpCard>,
        confidence: f64,
        assessment: Option<CardAssessment>,
        details: Option<Value>,
    },
    /// The population register's record of the NIK.
    Nik {
        registered: bool,
        name: Option<String>,
        birth_date: Option<NaiveDate>,
    },
    /// Face comparison, 0–100, and what the matcher measured (distance, face boxes, why no
    /// comparison was made).
    Face { score: f64, details: Option<Value> },
    /// PEP screening: the entries found, best first.
    Pep {
        screened_name: String,
        matches: Vec<PepMatch>,
    },
    /// The strong signals' codes (fraud), and every signal explained (weak ones included).
    Fraud {
        signals: Vec<String>,
        details: Option<Value>,
    },
}

/// What a reader concluded from comparing the NIK with the card it is printed on
/// (`docs/documents.md`, "NIK cross-check").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAssessment {
    /// The NIK is valid and every comparison agrees.
    Consistent,
    /// The NIK is valid, but a comparison could not be made or only the province/regency
    /// disagrees: a person looks.
    Doubtful,
    /// The NIK is missing or invalid, or the identity's own data contradict it.
    Contradicted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PepMatch {
    pub name: String,
    /// 0–100.
    pub score: f64,
    pub position: String,
    pub country: String,
    pub birth_date: Option<String>,
    pub source: String,
    /// The screening engine's hits also name the list, the entity, its names and programs and
    /// why it matched (absent from sandbox answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Value>,
}

/// A stage's verdict and its fields of the verification's output.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDecision {
    pub verdict: Verdict,
    pub fraud: bool,
    pub output: Value,
}

/// Face match: a score of 80 or more is a match (`HIGH`); 60 to 80 is `MEDIUM`, a grey zone a
/// person reviews; below 60 `LOW`, no match.
pub const FACE_MATCH: f64 = 80.0;
pub const FACE_GREY: f64 = 60.0;
/// PEP screening: a match of 90 or more is a hit; 75 to 90 a possible match to review.
pub const PEP_HIT: f64 = 90.0;
pub const PEP_GREY: f64 = 75.0;

pub fn face_level(score: f64) -> &'static str {
    if score >= FACE_MATCH {
        "HIGH"
    } else if score >= FACE_GREY {
        "MEDIUM"
    } else {
        "LOW"
    }
}

/// What the OCR stage keeps: the card as read, the reader's confidence, whether the NIK agrees
/// with the printed date of birth, and the reader's own details. Later stages (NIK check, PEP
/// screening) read the card back through [`CardOutput::card_of`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardOutput {
    pub ktp: KtpCard,
    pub ocr_confidence: f64,
    pub is_valid_nik: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<Value>,
}

impl CardOutput {
    /// The card in a stored OCR stage output.
    pub fn card_of(output: &Value) -> Result<KtpCard, serde_json::Error> {
        #[derive(Deserialize)]
        struct Stored {
            ktp: KtpCard,
        }
        Stored::deserialize(output).map(|stored| stored.ktp)
    }
}

/// Decides one stage's answer. `sandbox` labels the output.
pub fn decide(kind: StageKind, answer: &StageAnswer, sandbox: bool) -> StageDecision {
    let (verdict, fraud, mut output) = match answer {
        StageAnswer::Card {
            card,
            confidence,
            assessment,
            details,
        } => {
            let nik = Nik::parse(&card.nik).ok();
            let consistent = nik
                .as_ref()
                .is_some_and(|n| Some(n.birth_date()) == card.birth_date());
            // The reader's own assessment can only lower the verdict.
            let verdict = match (consistent, assessment) {
                (false, _) | (_, Some(CardAssessment::Contradicted)) => Verdict::Fail,
                (true, Some(CardAssessment::Doubtful)) => Verdict::Review,
                (true, _) => Verdict::Pass,
            };
            let output = CardOutput {
                ktp: (**card).clone(),
                ocr_confidence: (confidence * 1000.0).round() / 1000.0,
                is_valid_nik: consistent,
                ocr: details.clone(),
            };
            (
                verdict,
                false,
                serde_json::to_value(output).unwrap_or(Value::Null),
            )
        }
        StageAnswer::Nik {
            registered,
            name,
            birth_date,
        } => {
            let verdict = if *registered {
                Verdict::Pass
            } else {
                Verdict::Fail
            };
            (
                verdict,
                false,
                json!({
                    "nik_check": {
                        "is_registered": registered,
                        "registered_name": name,
                        "registered_birth_date": birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
                    }
                }),
            )
        }
        StageAnswer::Face { score, details } => {
            let score = score.clamp(0.0, 100.0);
            let verdict = if score >= FACE_MATCH {
                Verdict::Pass
            } else if score >= FACE_GREY {
                Verdict::Review
            } else {
                Verdict::Fail
            };
            (
                verdict,
                false,
                with_details(
                    json!({
                        "face_match_confidence_level": face_level(score),
                        "face_match_confidence_score": score,
                        "is_match_face": score >= FACE_MATCH,
                    }),
                    "face_match",
                    details,
                ),
            )
        }
        StageAnswer::Pep {
            screened_name,
            matches,
        } => {
            let best = matches.iter().map(|m| m.score).fold(0.0, f64::max);
            let verdict = if best >= PEP_HIT {
                Verdict::Fail
            } else if best >= PEP_GREY {
                Verdict::Review
            } else {
                Verdict::Pass
            };
            (
                verdict,
                false,
                json!({
                    "pep": {
                        "screened_name": screened_name,
                        "is_pep": best >= PEP_HIT,
                        "is_possible_match": (PEP_GREY..PEP_HIT).contains(&best),
                        "best_score": best,
                        "matches": matches,
                    }
                }),
            )
        }
        StageAnswer::Fraud { signals, details } => {
            let mut fraud = json!({"is_fraud": !signals.is_empty(), "signals": signals});
            if let (Some(details), Value::Object(map)) = (details, &mut fraud) {
                map.insert("explained".into(), details.clone());
            }
            (
                if signals.is_empty() {
                    Verdict::Pass
                } else {
                    Verdict::Fail
                },
                !signals.is_empty(),
                json!({ "fraud_detection": fraud }),
            )
        }
    };
    if let Value::Object(map) = &mut output {
        map.insert("sandbox".into(), Value::Bool(sandbox));
    }
    let _ = kind;
    StageDecision {
        verdict,
        fraud,
        output,
    }
}

/// `output` with `details` under `key`, when there are details.
fn with_details(mut output: Value, key: &str, details: &Option<Value>) -> Value {
    if let (Some(details), Value::Object(map)) = (details, &mut output) {
        map.insert(key.into(), details.clone());
    }
    output
}

/// How alike two names are, 0–100: Jaro-Winkler over the names in the one normaliser's Latin
/// form (`domain::names::fold_latin`: case, accents, punctuation and script ignored, as the
/// screening engine that answers the live PEP stage ignores them), their words sorted.
pub fn name_score(a: &str, b: &str) -> f64 {
    let sorted = |s: &str| {
        let folded = super::names::fold_latin(s);
        let mut words: Vec<&str> = folded.split(' ').collect();
        words.sort_unstable();
        words.join(" ")
    };
    (strsim::jaro_winkler(&sorted(a), &sorted(b)) * 1000.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_scores_fall_in_three_levels() {
        let d = |score| {
            decide(
                StageKind::FaceMatch,
                &StageAnswer::Face {
                    score,
                    details: None,
                },
                true,
            )
        };
        assert_eq!(d(92.0).verdict, Verdict::Pass);
        assert_eq!(d(92.0).output["is_match_face"], true);
        assert_eq!(d(70.0).verdict, Verdict::Review);
        assert_eq!(d(70.0).output["face_match_confidence_level"], "MEDIUM");
        assert_eq!(d(2.28).verdict, Verdict::Fail);
        assert_eq!(d(2.28).output["face_match_confidence_level"], "LOW");
        assert_eq!(d(2.28).output["sandbox"], true);
    }

    #[test]
    fn pep_hits_and_grey_zone() {
        let m = |score| PepMatch {
            name: "X".into(),
            score,
            position: "p".into(),
            country: "ID".into(),
            birth_date: None,
            source: "s".into(),
            list: None,
            entity_id: None,
            names: Vec::new(),
            programs: Vec::new(),
            explanation: None,
        };
        let d = |matches: Vec<PepMatch>| {
            decide(
                StageKind::PepScreening,
                &StageAnswer::Pep {
                    screened_name: "X".into(),
                    matches,
                },
                false,
            )
        };
        assert_eq!(d(vec![]).verdict, Verdict::Pass);
        assert_eq!(d(vec![m(95.0)]).verdict, Verdict::Fail);
        assert_eq!(d(vec![m(95.0)]).output["pep"]["is_pep"], true);
        assert_eq!(d(vec![m(80.0)]).verdict, Verdict::Review);
        assert!(name_score("Hendra Wijaya Kusuma", "KUSUMA, Hendra Wijaya") > 99.0);
        assert!(name_score("Hendra Wijaya Kusuma", "Siti Rahayu") < 75.0);
    }

    #[test]
    fn a_readers_assessment_can_only_lower_the_card_verdict() {
        let card = |nik: &str| KtpCard {
            nik: nik.into(),
            name: "SITI RAHAYU".into(),
            birth_place: "BANDUNG".into(),
            birth_date: "1990-08-05".into(),
            gender: "PEREMPUAN".into(),
            blood_type: "O".into(),
            address: String::new(),
            rt_rw: String::new(),
            village: String::new(),
            district: String::new(),
            city: String::new(),
            province: "JAWA BARAT".into(),
            religion: String::new(),
            marital_status: String::new(),
            occupation: String::new(),
            nationality: "WNI".into(),
            valid_until: "SEUMUR HIDUP".into(),
        };
        let d = |nik: &str, assessment| {
            decide(
                StageKind::Ocr,
                &StageAnswer::Card {
                    card: Box::new(card(nik)),
                    confidence: 0.9,
                    assessment,
                    details: assessment.map(|_| json!({"findings": []})),
                },
                false,
            )
        };
        let good = "3201014508900003";
        assert_eq!(d(good, None).verdict, Verdict::Pass);
        assert_eq!(
            d(good, Some(CardAssessment::Consistent)).verdict,
            Verdict::Pass
        );
        assert_eq!(
            d(good, Some(CardAssessment::Doubtful)).verdict,
            Verdict::Review
        );
        assert_eq!(
            d(good, Some(CardAssessment::Contradicted)).verdict,
            Verdict::Fail
        );
        // A NIK whose birth date is not the card's fails whatever the reader said.
        assert_eq!(
            d("3201014508910003", Some(CardAssessment::Consistent)).verdict,
            Verdict::Fail
        );
        assert_eq!(d(good, None).output["ocr"], Value::Null);
        assert_eq!(
            d(good, Some(CardAssessment::Consistent)).output["ocr"]["findings"],
            json!([])
        );
    }

    #[test]
    fn fraud_signals_flag_fraud() {
        let d = decide(
            StageKind::FraudDetection,
            &StageAnswer::Fraud {
                signals: vec!["edited".into()],
                details: None,
            },
            true,
        );
        assert!(d.fraud);
        assert_eq!(d.output["fraud_detection"]["is_fraud"], true);
    }
}
