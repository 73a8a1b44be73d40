//! End-to-end tests of the document services on data the tests make: KTP cards rendered from
//! known values (DejaVu fonts) and degraded, and face pairs from Debian's libdlib19.1 samples.
//! Needs what `scripts/setup_documents.sh` installs (Tesseract + ind, the fonts, libdlib19.1's
//! sample faces, the two face models in `models/` or `SATYAPAN_MODELS_DIR`).

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::NaiveDate;
use image::{Rgb, RgbImage};
use satyapan::documents::Documents;
use satyapan::documents::face::{ConfidenceLevel, FaceMatcher, ModelError};
use satyapan::documents::fraud::{Strength, screen};
use satyapan::documents::ocr::{KtpReader, OutputStatus};
use satyapan::documents::synth::card::Fonts;
use satyapan::documents::synth::faces::{self, Portrait, Transform};
use satyapan::documents::synth::{self, Degradation, KtpTruth, Rng, degrade::encode};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn models_dir() -> PathBuf {
    std::env::var_os("SATYAPAN_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models"))
}

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| Fonts::load().expect("DejaVu fonts: run scripts/setup_documents.sh"))
}

fn reader() -> &'static KtpReader {
    static R: OnceLock<KtpReader> = OnceLock::new();
    R.get_or_init(KtpReader::new)
}

fn matcher() -> &'static FaceMatcher {
    static M: OnceLock<FaceMatcher> = OnceLock::new();
    M.get_or_init(|| {
        FaceMatcher::load(&models_dir()).expect("face models: run scripts/setup_documents.sh")
    })
}

fn portraits() -> &'static [Portrait] {
    static P: OnceLock<Vec<Portrait>> = OnceLock::new();
    P.get_or_init(|| {
        faces::portraits().expect("libdlib19.1's sample faces: run scripts/setup_documents.sh")
    })
}

fn card(seed: u64) -> (KtpTruth, RgbImage) {
    let truth = KtpTruth::random(&mut Rng::new(seed));
    let img = synth::render_card(fonts(), &truth, None);
    (truth, img)
}

#[test]
fn the_nik_and_fields_are_read_exactly_on_clean_cards() {
    for seed in [1, 2, 3] {
        let (truth, img) = card(seed);
        let r = reader().read_at(&encode(&img, None), today());
        assert_eq!(
            r.fields.value("nik"),
            Some(truth.nik.as_str()),
            "seed {seed}"
        );
        for (k, v) in truth.fields() {
            assert_eq!(r.fields.value(k), Some(v), "seed {seed} field {k}");
        }
        assert_eq!(
            r.output_status,
            OutputStatus::Verified,
            "seed {seed}: {:?}",
            r.findings
        );
        assert!(
            !r.quality.any(),
            "seed {seed}: {:?} {:?}",
            r.quality,
            r.quality_measures
        );
        let nik = r.fields.nik.as_ref().unwrap();
        assert!(nik.confidence > 0.5 && nik.confidence <= 1.0);
    }
}

#[test]
fn the_nik_is_read_exactly_on_moderately_degraded_photos() {
    for seed in [11, 12, 13, 14, 15] {
        let (truth, img) = card(seed);
        let d = Degradation::moderate(seed);
        let r = reader().read_at(&synth::degrade(&img, &d), today());
        assert!(r.card_located, "seed {seed}: card not found");
        assert_eq!(
            r.fields.value("nik"),
            Some(truth.nik.as_str()),
            "seed {seed} ({d:?})"
        );
        assert_ne!(r.output_status, OutputStatus::Failed);
    }
}

#[test]
fn a_nik_that_contradicts_its_card_is_named_and_not_verified() {
    let (mut truth, _) = card(21);
    // The card claims another birth date than the NIK encodes.
    truth.tanggal_lahir = "29-02-1996".into();
    let img = synth::render_card(fonts(), &truth, None);
    let bytes = encode(&img, None);
    let r = reader().read_at(&bytes, today());
    let codes: Vec<_> = r.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"birth_date_mismatch"), "{codes:?}");
    assert_eq!(r.output_status, OutputStatus::NotVerified);
    let signals = satyapan::documents::fraud::nik_signals(&r);
    assert!(
        signals
            .iter()
            .any(|s| s.code == "nik_inconsistent" && s.strength == Strength::Strong)
    );
}

#[test]
fn each_quality_problem_raises_its_flag() {
    let (_, img) = card(31);
    let flags = |bytes: Vec<u8>| reader().read_at(&bytes, today()).quality;

    let mut dark = Degradation::moderate(31);
    dark.brightness = 0.3;
    assert!(flags(synth::degrade(&img, &dark)).dark);

    let mut blurred = Degradation::moderate(31);
    blurred.blur_sigma = 3.5;
    assert!(flags(synth::degrade(&img, &blurred)).blur);

    let gray = image::imageops::grayscale(&img);
    let gray = RgbImage::from_fn(gray.width(), gray.height(), |x, y| {
        let v = gray.get_pixel(x, y)[0];
        Rgb([v, v, v])
    });
    let f = flags(encode(&gray, Some(90)));
    assert!(f.grayscale && !f.dark, "{f:?}");

    let mut small = Degradation::moderate(31);
    small.card_width = 420;
    assert!(flags(synth::degrade(&img, &small)).too_small);

    let mut glare = img.clone();
    for y in 250..420 {
        for x in 300..520 {
            glare.put_pixel(x, y, Rgb([255, 255, 255]));
        }
    }
    let f = flags(encode(&glare, None));
    assert!(f.glare && !f.blur && !f.dark, "{f:?}");
}

#[test]
fn an_unreadable_file_fails_with_its_reason() {
    for bytes in [&b""[..], b"not an image", b"\x89PNG\r\n\x1a\n\x00\x00"] {
        let r = reader().read_at(bytes, today());
        assert_eq!(r.output_status, OutputStatus::Failed);
        assert_eq!(r.failure.as_ref().unwrap().code, "unreadable_image");
        let m = matcher().compare(bytes, bytes);
        assert_eq!(m.output_status, OutputStatus::Failed);
        assert_eq!(m.failure.as_ref().unwrap().code, "unreadable_image");
        assert!(!m.is_match_face);
    }
    // A blank picture: no card text, no NIK — read, but nothing verified.
    let blank = encode(&RgbImage::from_pixel(800, 500, Rgb([240, 240, 240])), None);
    let r = reader().read_at(&blank, today());
    assert_eq!(r.output_status, OutputStatus::NotVerified);
    assert_eq!(r.findings[0].code, "nik_missing");
}

/// A few people (spread over the sample photos) for the pair tests; the measurement runs all.
fn people() -> Vec<&'static Portrait> {
    portraits().iter().step_by(6).collect()
}

#[test]
fn same_person_pairs_match() {
    for (i, p) in people().into_iter().enumerate() {
        let selfie = faces::original(p);
        for t in Transform::ALL {
            let card = faces::transformed(p, t, fonts(), i as u64);
            let m = matcher().compare(&card, &selfie);
            assert!(m.is_match_face, "{} {}: {m:?}", p.id, t.name());
            assert_eq!(m.output_status, OutputStatus::Verified);
            assert!(m.face_match_confidence_score >= 80.0);
            assert_eq!(m.face_match_confidence_level, ConfidenceLevel::High);
        }
    }
}

#[test]
fn different_person_pairs_do_not_match() {
    let ps = people();
    for (i, a) in ps.iter().enumerate() {
        let b = ps[(i + 1) % ps.len()];
        for t in [Transform::Mirror, Transform::OnCard] {
            let card = faces::transformed(b, t, fonts(), i as u64);
            let m = matcher().compare(&card, &faces::original(a));
            assert!(
                !m.is_match_face,
                "{} vs {} ({}): {m:?}",
                a.id,
                b.id,
                t.name()
            );
            assert_ne!(m.output_status, OutputStatus::Verified);
            assert_ne!(m.face_match_confidence_level, ConfidenceLevel::High);
            assert!(m.face_match_confidence_score < 80.0);
        }
    }
}

#[test]
fn each_face_failure_has_its_output() {
    let p = &portraits()[0];
    let selfie = faces::original(p);
    // No face: a card printed without a photo; a selfie of a wall.
    let (_, no_photo) = card(41);
    let m = matcher().compare(&encode(&no_photo, None), &selfie);
    assert_eq!(m.failure.as_ref().unwrap().code, "no_face_on_card", "{m:?}");
    assert_eq!(m.output_status, OutputStatus::NotVerified);
    let wall = encode(&RgbImage::from_pixel(640, 480, Rgb([120, 130, 140])), None);
    let oncard = faces::transformed(p, Transform::OnCard, fonts(), 1);
    let m = matcher().compare(&oncard, &wall);
    assert_eq!(m.failure.as_ref().unwrap().code, "no_face_on_selfie");
    // Several faces of similar size: two people side by side.
    let q = &portraits()[8];
    let mut pair = RgbImage::from_pixel(faces::PORTRAIT * 2, faces::PORTRAIT, Rgb([0, 0, 0]));
    image::imageops::overlay(&mut pair, &p.image, 0, 0);
    image::imageops::overlay(&mut pair, &q.image, i64::from(faces::PORTRAIT), 0);
    let m = matcher().compare(&oncard, &encode(&pair, Some(90)));
    assert_eq!(
        m.failure.as_ref().unwrap().code,
        "several_faces_on_selfie",
        "{m:?}"
    );
    assert_eq!(m.output_status, OutputStatus::NotVerified);
    assert!(!m.is_match_face);
    // Too small: the selfie shrunk until the face is ~25 px wide.
    let tiny = image::imageops::resize(&p.image, 60, 60, image::imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(400, 300, Rgb([90, 90, 90]));
    image::imageops::overlay(&mut canvas, &tiny, 170, 120);
    let m = matcher().compare(&oncard, &encode(&canvas, None));
    let code = m.failure.as_ref().unwrap().code;
    assert!(
        code == "face_too_small_on_selfie" || code == "no_face_on_selfie",
        "{m:?}"
    );
    assert_eq!(m.face_match_confidence_score, 0.0);
}

#[test]
fn missing_models_are_a_clear_error_for_face_match_only() {
    let empty = tempdir();
    match FaceMatcher::load(&empty) {
        Err(ModelError::Missing { path }) => {
            assert!(path.ends_with("dlib_face_recognition_resnet_model_v1.dat"))
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("loaded without models"),
    }
    let docs = Documents::load(&empty);
    let ready = docs.readiness();
    assert!(ready.ocr.is_ok());
    assert!(
        ready.face.as_ref().unwrap_err().contains("is missing"),
        "{ready:?}"
    );
    let m = docs.face_match(b"x", b"y");
    assert_eq!(m.output_status, OutputStatus::Failed);
    assert_eq!(m.failure.as_ref().unwrap().code, "models_unavailable");
    // OCR still works.
    let (truth, img) = card(51);
    assert_eq!(
        docs.ocr_ktp(&encode(&img, None)).fields.value("nik"),
        Some(truth.nik.as_str())
    );
    // A truncated model is refused before dlib reads it.
    std::fs::write(
        empty.join("dlib_face_recognition_resnet_model_v1.dat"),
        b"short",
    )
    .unwrap();
    std::fs::write(empty.join("shape_predictor_5_face_landmarks.dat"), b"short").unwrap();
    assert!(matches!(
        FaceMatcher::load(&empty),
        Err(ModelError::Corrupt { .. })
    ));
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "documents-test-{}-{}",
        std::process::id(),
        Rng::new(7).next_u64()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn fraud_signals_are_raised_and_explained() {
    let docs = Documents::load(&models_dir());
    let p = &portraits()[3];
    let (truth, _) = card(61);
    let img = synth::render_card(fonts(), &truth, Some(&p.image));
    let photo = synth::degrade(&img, &Degradation::moderate(61));
    let selfie = faces::original(p);
    let reading = docs.ocr_ktp(&photo);
    // A genuine first submission: nothing.
    let first = docs.fraud_check("tenant-a", "applicant-1", &photo, Some(&selfie), &reading);
    assert!(!first.fraud_detected, "{first:?}");
    assert!(first.signals.is_empty(), "{first:?}");

    // The same card photo again under another identity (its NIK misread as another's).
    let mut other = reading.clone();
    let mut nik = other.fields.nik.clone().unwrap();
    nik.value = "3171011708450001".into();
    other.fields.nik = Some(nik);
    let again = docs.fraud_check("tenant-a", "applicant-2", &photo, Some(&selfie), &other);
    let codes: Vec<_> = again.signals.iter().map(|s| s.code).collect();
    assert!(again.fraud_detected);
    assert!(
        codes.contains(&"card_image_reused") && codes.contains(&"face_reused"),
        "{codes:?}"
    );
    // Another tenant sees nothing of tenant-a's.
    let elsewhere = docs.fraud_check("tenant-b", "applicant-2", &photo, Some(&selfie), &other);
    assert!(!elsewhere.fraud_detected, "{elsewhere:?}");

    // A photo of a screen.
    let decoded = satyapan::documents::imaging::decode_rgb(&photo).unwrap();
    let screen = encode(&screen::as_screen_photo(&decoded, 3.4), Some(90));
    let s = satyapan::documents::fraud::file_signals(&screen, "KTP image");
    assert!(
        s.iter().any(|s| s.code == "screen_photo"),
        "{s:?} score {}",
        screen::moire_score(&satyapan::documents::imaging::decode_rgb(&screen).unwrap())
    );
    // The genuine photo has no screen signal.
    assert!(satyapan::documents::fraud::file_signals(&photo, "KTP image").is_empty());
}

#[test]
fn odd_images_never_panic() {
    let (_, img) = card(71);
    let jpeg = encode(&img, Some(80));
    let mut inputs: Vec<Vec<u8>> = vec![jpeg[..jpeg.len() / 2].to_vec(), jpeg[..200].to_vec()];
    for (w, h) in [(1, 1), (2, 2), (3, 900), (900, 3), (17, 11), (64, 40)] {
        inputs.push(encode(
            &RgbImage::from_pixel(w, h, Rgb([200, 220, 240])),
            None,
        ));
    }
    for bytes in &inputs {
        // A truncated JPEG still decodes its top rows (the card may even read); the rest fail.
        let _ = reader().read_at(bytes, today());
        let m = matcher().compare(bytes, bytes);
        assert!(!m.is_match_face);
        let _ = satyapan::documents::fraud::file_signals(bytes, "KTP image");
    }
}
