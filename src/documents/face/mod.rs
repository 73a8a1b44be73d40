//! Card-to-selfie face match with dlib: HOG face detection, 5-point landmarks (the alignment:
//! dlib cuts a 150×150 chip rotated and scaled on them), the 128-d ResNet embedding, and the
//! Euclidean distance between the two embeddings.
//!
//! The models come from the PyPI package `face_recognition_models==0.3.0` (CC0), extracted by the
//! set-up into the models directory (`SATYAPAN_MODELS_DIR`, default `models/`). Nothing is
//! downloaded at run time; a missing model is a [`ModelError`] when the matcher is loaded.
//!
//! Score and levels (thresholds measured on labelled pairs, see `docs/documents.md`): the
//! distance `d` maps to a similarity on 0–100,
//! `face_match_confidence_score = 100 / (1 + exp((d − MATCH_DISTANCE) / SCORE_SPREAD − ln 4))`,
//! which is 80 at the decision threshold and falls towards 0 for other people (the seed's 2.28
//! LOW `false` is a distance about 0.26 above it). `is_match_face` is `d ≤ MATCH_DISTANCE`, i.e. a
//! score of 80 or more: level HIGH, `output_status` VERIFIED. From 60 to 80 (a distance up to
//! about one `SCORE_SPREAD` above the threshold) the level is MEDIUM, a grey zone for a person
//! to review (PARTIALLY_NOT_VERIFIED); below 60 LOW (NOT_VERIFIED). These are the score bands of
//! the AnyCheck surface's KTP_SELFIE stage (`FACE_MATCH` 80, `FACE_GREY` 60).

pub mod models;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[cfg(feature = "documents")]
use dlib_face_recognition::{
    FaceDetector, FaceDetectorTrait, FaceEncoderNetwork, FaceEncoderTrait, ImageMatrix,
    LandmarkPredictor, LandmarkPredictorTrait, Rectangle,
};
use image::{RgbImage, imageops};
use serde::Serialize;

use super::imaging::{decode_rgb, shrink_to};
use super::ocr::preprocess::prepare;
use super::ocr::{Failure, OutputStatus};
pub use models::{ModelError, ModelPaths};

/// Embedding distance at or below which two faces are the same person.
/// Chosen on real photographs: two different photographs of one person (public face sets) lie
/// up to 0.60 apart, two people from 0.52 (see `docs/documents.md`); at 0.50 none of the
/// different people matched and 94 % of the same people did; up to 0.55 a person reviews.
pub const MATCH_DISTANCE: f64 = 0.50;
/// The line for faces with little detail (either face's [`FoundFace::sharpness`] under
/// [`LOW_DETAIL_SHARPNESS`]): enlarged, blurred faces lie closer together whoever they are
/// (dlib's sample faces, 37–90 px enlarged, put two people 0.47–0.50 apart), so they need the
/// stricter line measured on them.
pub const LOW_DETAIL_MATCH_DISTANCE: f64 = 0.45;
/// Sharpness under which a face has little detail: the enlarged sample faces measure 8–40, the
/// real photographs 180–1,000.
pub const LOW_DETAIL_SHARPNESS: f64 = 100.0;
/// Width of the logistic map from distance to score (distance units).
pub const SCORE_SPREAD: f64 = 0.05;
/// Score of a match (the score at `MATCH_DISTANCE`): level HIGH.
pub const MATCH_SCORE: f64 = 80.0;
/// Score from which a non-match is MEDIUM (a grey zone to review) rather than LOW.
pub const REVIEW_SCORE: f64 = 60.0;
/// A face narrower than this (pixels in the submitted image) is too small to compare.
pub const MIN_FACE_PX: u32 = 36;
/// Other faces smaller than this share of the largest face's area are ignored (a card held in a
/// selfie, people far behind).
pub const MINOR_FACE_AREA: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConfidenceLevel {
    Low,
    Medium,
    High,
}

/// A face found, in the submitted image's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FaceBox {
    pub left: i64,
    pub top: i64,
    pub width: i64,
    pub height: i64,
}

/// The outcome of comparing the card's face with the selfie's (seed 003's `output`, plus why).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaceMatch {
    pub face_match_confidence_score: f64,
    pub face_match_confidence_level: ConfidenceLevel,
    pub is_match_face: bool,
    /// VERIFIED when the faces match (HIGH); PARTIALLY_NOT_VERIFIED in the grey zone (MEDIUM);
    /// NOT_VERIFIED when they do not match (LOW) or a face is unusable (none, several, too
    /// small); FAILED when a file is not an image or the models are missing.
    pub output_status: OutputStatus,
    /// Euclidean distance between the embeddings (same person ≲ 0.5).
    pub distance: Option<f64>,
    pub card_face: Option<FaceBox>,
    pub selfie_face: Option<FaceBox>,
    pub failure: Option<Failure>,
}

impl FaceMatch {
    #[cfg(test)]
    fn from_distance(d: f64, card: FaceBox, selfie: FaceBox) -> Self {
        Self::at_line(d, MATCH_DISTANCE, card, selfie)
    }

    /// The outcome for distance `d` against the match line `line` (the score is 80 there).
    fn at_line(d: f64, line: f64, card: FaceBox, selfie: FaceBox) -> Self {
        let score = score_at(d, line);
        let is_match = d <= line;
        let level = if is_match {
            ConfidenceLevel::High
        } else {
            level_of(score).min(ConfidenceLevel::Medium)
        };
        Self {
            face_match_confidence_score: score,
            face_match_confidence_level: level,
            is_match_face: is_match,
            output_status: match level {
                ConfidenceLevel::High => OutputStatus::Verified,
                ConfidenceLevel::Medium => OutputStatus::PartiallyNotVerified,
                ConfidenceLevel::Low => OutputStatus::NotVerified,
            },
            distance: Some(d),
            card_face: Some(card),
            selfie_face: Some(selfie),
            failure: None,
        }
    }

    /// No comparison: `status` with its reason, score 0, LOW, not a match.
    pub fn unusable(status: OutputStatus, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            face_match_confidence_score: 0.0,
            face_match_confidence_level: ConfidenceLevel::Low,
            is_match_face: false,
            output_status: status,
            distance: None,
            card_face: None,
            selfie_face: None,
            failure: Some(Failure {
                code,
                message: message.into(),
            }),
        }
    }
}

/// Similarity on 0–100 (`MATCH_SCORE` at the decision threshold).
pub fn score_of(distance: f64) -> f64 {
    score_at(distance, MATCH_DISTANCE)
}

/// Similarity on 0–100 with `MATCH_SCORE` at the match line `line`.
pub fn score_at(distance: f64, line: f64) -> f64 {
    let z = (distance - line) / SCORE_SPREAD + (100.0 / MATCH_SCORE - 1.0).ln();
    100.0 / (1.0 + z.exp())
}

/// The match line for two faces: [`MATCH_DISTANCE`], or [`LOW_DETAIL_MATCH_DISTANCE`] when
/// either face has little detail.
pub fn match_line(a: &FoundFace, b: &FoundFace) -> f64 {
    if a.sharpness.min(b.sharpness) < LOW_DETAIL_SHARPNESS {
        LOW_DETAIL_MATCH_DISTANCE
    } else {
        MATCH_DISTANCE
    }
}

pub fn level_of(score: f64) -> ConfidenceLevel {
    if score >= MATCH_SCORE {
        ConfidenceLevel::High
    } else if score >= REVIEW_SCORE {
        ConfidenceLevel::Medium
    } else {
        ConfidenceLevel::Low
    }
}

/// A 128-d face embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(pub Vec<f32>);

impl Embedding {
    pub fn distance(&self, other: &Embedding) -> f64 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    }
}

/// The face chosen in an image, and its embedding.
#[derive(Debug, Clone)]
pub struct FoundFace {
    pub face: FaceBox,
    pub embedding: Embedding,
    /// The face region cut from the image (for perceptual hashing).
    pub crop: RgbImage,
    /// Detail in the face: the variance of the Laplacian of its crop at 100 × 100 grey.
    pub sharpness: f64,
}

/// Why an image gave no usable face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceProblem {
    NoFace,
    SeveralFaces(usize),
    TooSmall(u32),
}

/// Which image a face comes from: the card's photo is small and printed; a selfie is large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Card,
    Selfie,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Card => "card",
            Source::Selfie => "selfie",
        }
    }
}

/// One set of loaded dlib models (not shareable between threads: the matcher pools them).
#[cfg(feature = "documents")]
struct Engine {
    detector: FaceDetector,
    landmarks: LandmarkPredictor,
    encoder: FaceEncoderNetwork,
}

#[cfg(feature = "documents")]
impl Engine {
    fn load(paths: &ModelPaths) -> Result<Self, ModelError> {
        paths.check()?;
        let landmarks =
            LandmarkPredictor::open(&paths.landmarks).map_err(|e| ModelError::Corrupt {
                path: paths.landmarks.clone(),
                reason: e,
            })?;
        let encoder =
            FaceEncoderNetwork::open(&paths.encoder).map_err(|e| ModelError::Corrupt {
                path: paths.encoder.clone(),
                reason: e,
            })?;
        Ok(Self {
            detector: FaceDetector::new(),
            landmarks,
            encoder,
        })
    }

    /// Faces in `img`, largest first.
    fn detect(&self, img: &RgbImage) -> Vec<Rectangle> {
        let Some(m) = matrix(img) else {
            return Vec::new();
        };
        let mut faces: Vec<Rectangle> = self.detector.face_locations(&m).to_vec();
        faces.sort_by_key(|r| std::cmp::Reverse(r.width() * r.height()));
        faces
    }

    fn embed(&self, img: &RgbImage, rect: &Rectangle) -> Option<Embedding> {
        let m = matrix(img)?;
        let shape = self.landmarks.face_landmarks(&m, rect);
        let encodings = self.encoder.get_face_encodings(&m, &[shape], 0);
        let e = encodings.first()?;
        Some(Embedding(e.as_ref().iter().map(|v| *v as f32).collect()))
    }
}

/// dlib's image from RGB bytes (dlib-face-recognition uses image 0.24's buffer type).
#[cfg(feature = "documents")]
fn matrix(img: &RgbImage) -> Option<ImageMatrix> {
    let buf = image024::RgbImage::from_raw(img.width(), img.height(), img.as_raw().clone())?;
    Some(ImageMatrix::from_image(&buf))
}

/// Without the `documents` feature there is no dlib: loading fails with `NotInThisBuild`.
#[cfg(not(feature = "documents"))]
struct Engine;

#[cfg(not(feature = "documents"))]
impl Engine {
    fn load(_paths: &ModelPaths) -> Result<Self, ModelError> {
        Err(ModelError::NotInThisBuild)
    }
    fn detect(&self, _img: &RgbImage) -> Vec<Rectangle> {
        Vec::new()
    }
    fn embed(&self, _img: &RgbImage, _rect: &Rectangle) -> Option<Embedding> {
        None
    }
}

/// dlib's rectangle, for builds without dlib.
#[cfg(not(feature = "documents"))]
#[derive(Debug, Clone, Copy)]
struct Rectangle {
    left: i64,
    top: i64,
    right: i64,
    bottom: i64,
}

#[cfg(not(feature = "documents"))]
impl Rectangle {
    fn width(&self) -> i64 {
        self.right - self.left + 1
    }
    fn height(&self) -> i64 {
        self.bottom - self.top + 1
    }
}

/// Compares faces; safe to share between threads (a pool of loaded engines).
pub struct FaceMatcher {
    paths: ModelPaths,
    pool: Mutex<Vec<Engine>>,
}

impl FaceMatcher {
    /// Loads the models from `dir` (one engine now: a missing or corrupt model fails here).
    /// When `dir` does not hold them, the other usual places are searched ([`models::resolve`]).
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let paths = ModelPaths::in_dir(&models::resolve(dir));
        let engine = Engine::load(&paths)?;
        Ok(Self {
            paths,
            pool: Mutex::new(vec![engine]),
        })
    }

    /// Loads from `SATYAPAN_MODELS_DIR`, else `models/`.
    pub fn load_default() -> Result<Self, ModelError> {
        Self::load(&models::default_dir())
    }

    pub fn models_dir(&self) -> PathBuf {
        self.paths.dir.clone()
    }

    fn with_engine<T>(&self, f: impl FnOnce(&Engine) -> T) -> Result<T, ModelError> {
        let taken = self.pool.lock().ok().and_then(|mut p| p.pop());
        let engine = match taken {
            Some(e) => e,
            None => Engine::load(&self.paths)?,
        };
        let out = f(&engine);
        if let Ok(mut p) = self.pool.lock() {
            p.push(engine);
        }
        Ok(out)
    }

    /// Compares the face printed on the card with the selfie's.
    pub fn compare(&self, card: &[u8], selfie: &[u8]) -> FaceMatch {
        let card_img = match decode_rgb(card) {
            Ok(i) => i,
            Err(e) => {
                return FaceMatch::unusable(
                    OutputStatus::Failed,
                    "unreadable_image",
                    format!("card: {e}"),
                );
            }
        };
        let selfie_img = match decode_rgb(selfie) {
            Ok(i) => i,
            Err(e) => {
                return FaceMatch::unusable(
                    OutputStatus::Failed,
                    "unreadable_image",
                    format!("selfie: {e}"),
                );
            }
        };
        let found = self.with_engine(|engine| {
            let c = find_face(engine, &card_img, Source::Card);
            let s = find_face(engine, &selfie_img, Source::Selfie);
            (c, s)
        });
        match found {
            Err(e) => {
                FaceMatch::unusable(OutputStatus::Failed, "models_unavailable", e.to_string())
            }
            Ok((Ok(c), Ok(s))) => FaceMatch::at_line(
                c.embedding.distance(&s.embedding),
                match_line(&c, &s),
                c.face,
                s.face,
            ),
            Ok((Err(p), _)) => problem_outcome(p, Source::Card),
            Ok((_, Err(p))) => problem_outcome(p, Source::Selfie),
        }
    }

    /// The face of one image (for the fraud index, or to compare later).
    /// `Err` when the image cannot be processed (the output to give), `Ok(Err)` when it has no
    /// usable face.
    pub fn face_in(
        &self,
        bytes: &[u8],
        source: Source,
    ) -> Result<Result<FoundFace, FaceProblem>, Box<FaceMatch>> {
        let img = decode_rgb(bytes).map_err(|e| {
            Box::new(FaceMatch::unusable(
                OutputStatus::Failed,
                "unreadable_image",
                format!("{}: {e}", source.name()),
            ))
        })?;
        self.with_engine(|engine| find_face(engine, &img, source))
            .map_err(|e| {
                Box::new(FaceMatch::unusable(
                    OutputStatus::Failed,
                    "models_unavailable",
                    e.to_string(),
                ))
            })
    }
}

fn problem_outcome(p: FaceProblem, source: Source) -> FaceMatch {
    let (code, message) = match (p, source) {
        (FaceProblem::NoFace, Source::Card) => (
            "no_face_on_card",
            "no face was found on the card".to_owned(),
        ),
        (FaceProblem::NoFace, Source::Selfie) => (
            "no_face_on_selfie",
            "no face was found on the selfie".to_owned(),
        ),
        (FaceProblem::SeveralFaces(n), Source::Card) => (
            "several_faces_on_card",
            format!("{n} faces of similar size were found on the card"),
        ),
        (FaceProblem::SeveralFaces(n), Source::Selfie) => (
            "several_faces_on_selfie",
            format!("{n} faces of similar size were found on the selfie; it must show one person"),
        ),
        (FaceProblem::TooSmall(w), Source::Card) => (
            "face_too_small_on_card",
            format!("the card's face is {w} px wide; at least {MIN_FACE_PX} px are needed"),
        ),
        (FaceProblem::TooSmall(w), Source::Selfie) => (
            "face_too_small_on_selfie",
            format!("the selfie's face is {w} px wide; at least {MIN_FACE_PX} px are needed"),
        ),
    };
    FaceMatch::unusable(OutputStatus::NotVerified, code, message)
}

/// Finds the one face to compare in an image.
///
/// Card: the card is located and rectified as for OCR and the face is looked for in the photo
/// area (its right third), enlarged; failing that, in the whole image. Selfie: the whole image
/// (reduced to 1280 px, or enlarged when small). Faces under `MINOR_FACE_AREA` of the largest
/// are ignored; two or more remaining faces are `SeveralFaces`.
fn find_face(engine: &Engine, img: &RgbImage, source: Source) -> Result<FoundFace, FaceProblem> {
    if source == Source::Card {
        let prepared = prepare(img);
        if prepared.located {
            let (w, h) = (prepared.card.width(), prepared.card.height());
            let (x0, y0) = (w * 66 / 100, h * 8 / 100);
            let region =
                imageops::crop_imm(&prepared.card, x0, y0, w - x0, h * 84 / 100).to_image();
            let scale = prepared.source_card_width / w as f32;
            // At print size first: HOG's cost grows with the pixels scanned, and most card
            // photos hold a face it finds as they are.
            for grow in [1.0, 1.5, 2.0] {
                // Boxes on the rectified card map back to the photo approximately (by scale).
                match find_in(engine, &region, grow, scale, (x0, y0), None) {
                    Err(FaceProblem::NoFace) => continue,
                    other => return other,
                }
            }
        }
    }
    let (small, s) = shrink_to(img, 1280);
    // First on a 640-px copy (a quarter of the pixels to scan; a selfie's face is large), the
    // face then embedded on the 1280-px image. A face found there that is small may hide
    // others too small to see at 640: the full image decides then.
    let (tiny, t) = shrink_to(&small, 640);
    if t < 1.0 {
        let r = find_in(engine, &tiny, 1.0, 1.0 / (s * t), (0, 0), Some(&small));
        if r.as_ref().is_ok_and(|f| f.face.width as f32 * s >= 160.0) {
            return r;
        }
    }
    // HOG finds faces from about 80 px: small images are enlarged when nothing is found as
    // they are (a small selfie is usually mostly face).
    let grows: &[f32] = if small.width().max(small.height()) < 700 {
        &[1.0, 2.0, 3.0]
    } else {
        &[1.0, 1.5]
    };
    let mut result = Err(FaceProblem::NoFace);
    for &grow in grows {
        result = find_in(engine, &small, grow, 1.0 / s, (0, 0), None);
        if !matches!(result, Err(FaceProblem::NoFace)) {
            return result;
        }
    }
    // A photo turned (no orientation in its metadata, a card photographed sideways): the
    // frontal detector finds upright faces only.
    let grow = if small.width().max(small.height()) < 700 {
        2.0
    } else {
        1.0
    };
    for turned in [
        imageops::rotate90(&small),
        imageops::rotate270(&small),
        imageops::rotate180(&small),
    ] {
        let r = find_in(engine, &turned, grow, 1.0 / s, (0, 0), None);
        if !matches!(r, Err(FaceProblem::NoFace)) {
            // The box is the turned image's (its size is right, its place approximate).
            return r;
        }
    }
    result
}

/// Detects in `img` enlarged by `grow`; `to_source` converts `img` pixels to the submitted
/// image's, `offset` is `img`'s origin in its parent.
fn find_in(
    engine: &Engine,
    img: &RgbImage,
    grow: f32,
    to_source: f32,
    offset: (u32, u32),
    hi: Option<&RgbImage>,
) -> Result<FoundFace, FaceProblem> {
    let work = if grow > 1.0 {
        imageops::resize(
            img,
            (img.width() as f32 * grow) as u32,
            (img.height() as f32 * grow) as u32,
            imageops::FilterType::CatmullRom,
        )
    } else {
        img.clone()
    };
    let faces = engine.detect(&work);
    let Some(largest) = faces.first() else {
        return Err(FaceProblem::NoFace);
    };
    let area = |r: &Rectangle| (r.width() * r.height()) as f64;
    let major = faces
        .iter()
        .filter(|r| area(r) >= MINOR_FACE_AREA * area(largest))
        .count();
    if major > 1 {
        return Err(FaceProblem::SeveralFaces(major));
    }
    let source_px = |v: i64| ((v as f32 / grow + 0.0) * to_source).round() as i64;
    let width_src = source_px(largest.width());
    if width_src < i64::from(MIN_FACE_PX) {
        return Err(FaceProblem::TooSmall(width_src.max(0) as u32));
    }
    // Detected on a reduced copy, embedded on the finer image (the chip's detail).
    let (work, largest) = match hi {
        Some(hi) if hi.width() > work.width() => {
            let k = hi.width() as f64 / work.width() as f64;
            let r = Rectangle {
                left: (largest.left as f64 * k).round() as _,
                top: (largest.top as f64 * k).round() as _,
                right: (largest.right as f64 * k).round() as _,
                bottom: (largest.bottom as f64 * k).round() as _,
            };
            (hi.clone(), r)
        }
        _ => (work, *largest),
    };
    let largest = &largest;
    let embedding = engine.embed(&work, largest).ok_or(FaceProblem::NoFace)?;
    let (l, t) = (largest.left.max(0) as u32, largest.top.max(0) as u32);
    let cw = (largest.width().max(1) as u32)
        .min(work.width().saturating_sub(l))
        .max(1);
    let ch = (largest.height().max(1) as u32)
        .min(work.height().saturating_sub(t))
        .max(1);
    let crop = imageops::crop_imm(
        &work,
        l.min(work.width() - 1),
        t.min(work.height() - 1),
        cw,
        ch,
    )
    .to_image();
    let sharpness = super::imaging::laplacian_variance(&imageops::grayscale(&imageops::resize(
        &crop,
        100,
        100,
        imageops::FilterType::Triangle,
    )));
    if std::env::var_os("DOCUMENTS_DEBUG_FACE").is_some() {
        eprintln!("face| width {} sharpness {sharpness:.1}", largest.width());
    }
    Ok(FoundFace {
        sharpness,
        face: FaceBox {
            left: source_px(largest.left) + (offset.0 as f32 * to_source) as i64,
            top: source_px(largest.top) + (offset.1 as f32 * to_source) as i64,
            width: width_src,
            height: source_px(largest.height()),
        },
        embedding,
        crop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_levels_follow_the_distance() {
        assert!((score_of(MATCH_DISTANCE) - MATCH_SCORE).abs() < 1e-9);
        assert!(score_of(0.25) > 99.0);
        // The seed's 2.28 LOW: about 0.26 above the threshold.
        let seed = score_of(MATCH_DISTANCE + 0.26);
        assert!(seed > 1.0 && seed < 5.0, "{seed}");
        assert_eq!(level_of(seed), ConfidenceLevel::Low);
        assert_eq!(
            level_of(score_of(MATCH_DISTANCE + 0.03)),
            ConfidenceLevel::Medium
        );
        assert_eq!(
            level_of(score_of(MATCH_DISTANCE - 0.01)),
            ConfidenceLevel::High
        );
        let b = FaceBox {
            left: 0,
            top: 0,
            width: 50,
            height: 50,
        };
        let m = FaceMatch::from_distance(MATCH_DISTANCE + 0.03, b, b);
        assert!(!m.is_match_face);
        assert_eq!(m.output_status, OutputStatus::PartiallyNotVerified);
        let m = FaceMatch::from_distance(0.3, b, b);
        assert!(m.is_match_face && m.output_status == OutputStatus::Verified);
    }
}
