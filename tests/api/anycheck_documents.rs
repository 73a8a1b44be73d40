//! AnyCheck verifications answered by the document services through the API: real KTP photos
//! (rendered from known values, then degraded) and real faces (Debian's libdlib19.1 samples)
//! are read, compared and checked for reuse; placeholders of a sandbox organisation still get
//! the sandbox. Needs what `scripts/setup_documents.sh` installs.

use std::sync::OnceLock;

use satyapan::documents::face::FaceMatcher;
use satyapan::documents::synth::card::Fonts;
use satyapan::documents::synth::faces::{self, Portrait, Transform};
use satyapan::documents::synth::{self, Degradation, KtpTruth, Rng};
use serde_json::{Value, json};

use crate::anycheck_client::{Client, Part, create_user, jpeg, owner, tokens};
use crate::helpers::{TestApp, create_live_org, create_org, eventually};

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| Fonts::load().expect("DejaVu fonts: run scripts/setup_documents.sh"))
}

/// Two people whose card photo matches their own selfie and not each other's (chosen with the
/// matcher the platform uses, so that the test is about the wiring, not the sample photos).
fn two_people() -> &'static (Portrait, Portrait) {
    static P: OnceLock<(Portrait, Portrait)> = OnceLock::new();
    P.get_or_init(|| {
        let models = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
        let matcher = FaceMatcher::load(&models).expect("face models: run scripts/setup.sh");
        let all = faces::portraits().expect("libdlib19.1's sample faces: run scripts/setup.sh");
        let usable: Vec<Portrait> = all
            .into_iter()
            .filter(|p| {
                let card = card_with(&truth(1), p, 1);
                matcher
                    .compare(&card, &faces::transformed(p, Transform::Mirror, fonts(), 1))
                    .is_match_face
            })
            .take(2)
            .collect();
        let mut it = usable.into_iter();
        (
            it.next().expect("a usable portrait"),
            it.next().expect("two"),
        )
    })
}

fn truth(seed: u64) -> KtpTruth {
    KtpTruth::random(&mut Rng::new(seed))
}

/// A photo of the card of `truth` with `person`'s face on it.
fn card_with(truth: &KtpTruth, person: &Portrait, seed: u64) -> Vec<u8> {
    let card = synth::render_card(fonts(), truth, Some(&person.image));
    synth::degrade::degrade(&card, &Degradation::moderate(seed))
}

async fn service_id(client: &Client<'_>, code: &str) -> String {
    let list = client.get("/services").await.json();
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|s| s["code"] == code))
        .and_then(|s| s["id"].as_str())
        .expect("the service")
        .to_string()
}

/// Submits a KTP_SELFIE verification and waits for its end.
async fn verify(client: &Client<'_>, card: Vec<u8>, selfie: Vec<u8>, fraud: bool) -> Value {
    let ktp = client.upload_one("ktp.jpg", card).await;
    verify_uploaded(client, ktp, selfie, fraud).await
}

async fn verify_uploaded(client: &Client<'_>, ktp: String, selfie: Vec<u8>, fraud: bool) -> Value {
    let selfie = client.upload_one("selfie.jpg", selfie).await;
    let folder = client
        .folder(&format!("Documents {}", uuid::Uuid::new_v4()))
        .await;
    let submitted = client
        .post(
            "/verifications",
            &json!({
                "service_id": service_id(client, "KTP_SELFIE").await,
                "folder_id": folder["id"],
                "configuration": {
                    "verification_type": "KTP_SELFIE",
                    "files": {"ktp_file": [ktp], "selfie_file": [selfie]},
                    "fraud_detection": fraud,
                },
            }),
        )
        .await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let id = submitted.json()["id"].as_str().unwrap().to_string();
    eventually(120, || async {
        let v = client.get(&format!("/verifications/{id}")).await;
        assert_eq!(v.status, 200, "{}", v.text);
        let v = v.json();
        let running = matches!(
            v["status"].as_str().unwrap(),
            "IN_QUEUE" | "IN_PROGRESS" | "DRAFT"
        );
        (!running).then_some(v)
    })
    .await
}

#[tokio::test]
async fn a_real_card_and_selfie_are_read_compared_and_checked_for_reuse() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let (alice, bob) = two_people();
    let first_truth = truth(11);

    // The card is read into its fields, and its face matches the selfie.
    let v = verify(
        &client,
        card_with(&first_truth, alice, 11),
        faces::transformed(alice, Transform::Darken, fonts(), 3),
        true,
    )
    .await;
    assert_eq!(v["status"], "COMPLETED", "{v:#}");
    assert_eq!(v["output_status"], "VERIFIED", "{v:#}");
    let out = &v["output"];
    assert_eq!(out["sandbox"], false);
    assert_eq!(out["ktp"]["nik"], first_truth.nik.as_str());
    assert_eq!(out["ktp"]["name"], first_truth.nama.as_str());
    assert_eq!(out["is_valid_nik"], true);
    assert_eq!(out["ocr"]["output_status"], "VERIFIED");
    assert_eq!(out["ocr"]["findings"], json!([]));
    assert_eq!(out["face_match_confidence_level"], "HIGH");
    assert_eq!(out["is_match_face"], true);
    assert!(out["face_match"]["distance"].as_f64().unwrap() < 0.45);
    assert_eq!(out["fraud_detection"]["is_fraud"], false, "{out:#}");

    // Another person's selfie does not match.
    let v = verify(
        &client,
        card_with(&truth(12), alice, 12),
        faces::original(bob),
        false,
    )
    .await;
    assert_eq!(v["output"]["is_match_face"], false, "{v:#}");
    assert_ne!(v["output"]["face_match_confidence_level"], "HIGH");
    assert!(v["output"]["face_match"]["distance"].as_f64().unwrap() > 0.45);
    assert_ne!(v["output_status"], "VERIFIED");

    // The first person's face again, under another NIK: reuse, fraud.
    let second_truth = truth(13);
    assert_ne!(second_truth.nik, first_truth.nik);
    let v = verify(
        &client,
        card_with(&second_truth, alice, 13),
        faces::transformed(alice, Transform::Mirror, fonts(), 5),
        true,
    )
    .await;
    assert_eq!(v["status"], "FRAUD_DETECTED", "{v:#}");
    let signals = &v["output"]["fraud_detection"]["signals"];
    assert!(
        signals
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "face_reused"),
        "{signals}"
    );
    let explained = v["output"]["fraud_detection"]["explained"].to_string();
    assert!(
        explained.contains(&first_truth.nik[12..]),
        "names the other identity by its last digits: {explained}"
    );

    // What the fraud stages kept holds no NIK.
    let kept = app.store.fingerprints_after(&app.org_id, 0).await.unwrap();
    assert_eq!(kept.len(), 2);
    for row in &kept {
        assert!(
            !row.identity.contains(&first_truth.nik) && !row.identity.contains(&second_truth.nik)
        );
        assert!(row.embedding.as_ref().is_some_and(|e| e.len() == 128 * 4));
    }

    // Another organisation never sees the first one's submissions.
    let (other_org, _) = create_org(&app.store, "Other Lender", 1000).await;
    let email = "owner@other.test";
    create_user(&app, &other_org, email, "owner", &[]).await;
    let other = Client::with_token(&app, &tokens(&app, email).await.access);
    let v = verify(
        &other,
        card_with(&second_truth, alice, 14),
        faces::transformed(alice, Transform::Grayscale, fonts(), 7),
        true,
    )
    .await;
    assert_eq!(v["output"]["fraud_detection"]["is_fraud"], false, "{v:#}");
}

#[tokio::test]
async fn unreadable_photos_fail_their_stage_and_placeholders_get_the_sandbox() {
    let app = TestApp::spawn().await;
    let client = owner(&app).await;
    let (alice, _) = two_people();

    // A placeholder selfie (not an image) of a sandbox organisation: the sandbox answers.
    let v = verify(&client, card_with(&truth(21), alice, 21), jpeg(""), false).await;
    assert_eq!(v["status"], "COMPLETED", "{v:#}");
    assert_eq!(v["output"]["sandbox"], true);

    // A live organisation's unreadable card fails OCR at once (no retries), and a blank selfie
    // has no face: a comparison that could not be made.
    let (live_org, _) = create_live_org(&app.store, "Live Lender", 1000).await;
    let email = "owner@live.test";
    create_user(&app, &live_org, email, "owner", &[]).await;
    let live = Client::with_token(&app, &tokens(&app, email).await.access);
    let blank = synth::degrade::encode(
        &image::RgbImage::from_pixel(400, 400, image::Rgb([200, 200, 200])),
        Some(90),
    );
    let v = verify(&live, jpeg(""), blank.clone(), false).await;
    assert_eq!(v["status"], "FAILED", "{v:#}");
    let v = verify(&live, card_with(&truth(22), alice, 22), blank, false).await;
    assert_eq!(
        v["output"]["face_match"]["failure"]["code"], "no_face_on_selfie",
        "{v:#}"
    );
    assert_eq!(v["output"]["is_match_face"], false);
    assert_eq!(v["output"]["sandbox"], false);
}

/// `pdf` encrypted (RC4, 128-bit key) with the user password `password`.
fn encrypted(pdf: &[u8], password: &str) -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let id = Object::string_literal(b"scan-0123456789a".to_vec());
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "the scanner's owner",
        user_password: password,
        key_length: 128,
        permissions: Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A one-page PDF showing `jpeg` (a scan of the card), 300 dpi, made by `producer`.
fn pdf_of(jpeg: &[u8], producer: &str) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let (w, h) = image::load_from_memory(jpeg)
        .unwrap()
        .to_rgb8()
        .dimensions();
    let (pw, ph) = (w as f32 * 72.0 / 300.0, h as f32 * 72.0 / 300.0);
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
            "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        },
        jpeg.to_vec(),
    ));
    let content = format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q").into_bytes();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! {
        "Producer" => Object::string_literal(producer),
    });
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[tokio::test]
async fn a_card_scanned_into_a_pdf_is_read_like_a_photo() {
    let app = TestApp::spawn().await;
    let (live_org, _) = create_live_org(&app.store, "Scanning Lender", 1000).await;
    let email = "owner@scan.test";
    create_user(&app, &live_org, email, "owner", &[]).await;
    let client = Client::with_token(&app, &tokens(&app, email).await.access);
    let (alice, _) = two_people();
    let truth = truth(31);
    let card = synth::render_card(fonts(), &truth, Some(&alice.image));
    let scan = synth::degrade::encode(&card, Some(85));
    let upload = |producer: &'static str, password: Option<&'static str>| {
        let bytes = pdf_of(&scan, producer);
        let bytes = match password {
            Some(password) => encrypted(&bytes, password),
            None => bytes,
        };
        let client = &client;
        async move {
            let uploaded = client
                .upload(
                    "VERIFICATION_INPUT_FILE",
                    &[Part {
                        name: "ktp.pdf",
                        content_type: "application/pdf",
                        bytes,
                    }],
                    password.as_slice(),
                )
                .await;
            assert_eq!(uploaded.status, 201, "{}", uploaded.text);
            uploaded.json()["files"][0]["path"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let selfie = || faces::transformed(alice, Transform::Mirror, fonts(), 9);
    let ktp = upload("HP Scan 2.1", None).await;
    let v = verify_uploaded(&client, ktp, selfie(), true).await;
    assert_eq!(v["status"], "COMPLETED", "{v:#}");
    assert_eq!(v["output"]["ktp"]["nik"], truth.nik.as_str());
    assert_eq!(v["output"]["is_match_face"], true, "{v:#}");
    assert_eq!(v["output"]["fraud_detection"]["is_fraud"], false, "{v:#}");
    assert_eq!(v["output"]["sandbox"], false);

    // The same scan encrypted, with its password: decrypted in memory, read alike.
    let ktp = upload("HP Scan 2.1", Some("scan-pw 42")).await;
    let v = verify_uploaded(&client, ktp, selfie(), false).await;
    assert_eq!(v["status"], "COMPLETED", "{v:#}");
    assert_eq!(v["output"]["ktp"]["nik"], truth.nik.as_str());
    assert_eq!(v["output"]["is_match_face"], true, "{v:#}");

    // The same scan saved by an image editor: the PDF's own metadata says so.
    let ktp = upload("Adobe Photoshop 25.0 (Windows)", None).await;
    let v = verify_uploaded(&client, ktp, selfie(), true).await;
    assert_eq!(v["status"], "FRAUD_DETECTED", "{v:#}");
    let explained = v["output"]["fraud_detection"]["explained"].to_string();
    assert!(
        explained.contains("editing_software") && explained.contains("KTP PDF"),
        "{explained}"
    );
}

#[tokio::test]
async fn a_pdf_whose_page_is_absurdly_large_fails_its_stages_at_once() {
    let app = TestApp::spawn().await;
    let (live_org, _) = create_live_org(&app.store, "Large Page Lender", 1000).await;
    let email = "owner@large-page.test";
    create_user(&app, &live_org, email, "owner", &[]).await;
    let client = Client::with_token(&app, &tokens(&app, email).await.access);
    // A few hundred bytes, one blank 5000 × 5000 pt page (1.76 m a side): rendered at 300 dpi,
    // 434 megapixels and 1.7 GB for each of the three stages.
    let huge = satyapan::files::kind::pdf_of_pages("", &["/MediaBox [0 0 5000 5000]"]);
    assert!(huge.len() < 500);
    let uploaded = client
        .upload(
            "VERIFICATION_INPUT_FILE",
            &[Part {
                name: "ktp.pdf",
                content_type: "application/pdf",
                bytes: huge,
            }],
            &[],
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    let ktp = uploaded.json()["files"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let selfie = synth::degrade::encode(
        &image::RgbImage::from_pixel(400, 400, image::Rgb([200, 200, 200])),
        Some(90),
    );
    let v = verify_uploaded(&client, ktp, selfie, true).await;
    assert_eq!(v["status"], "FAILED", "{v:#}");

    // Each stage reading the card failed on its first attempt, saying why.
    let id = v["id"].as_str().unwrap();
    let stages = app.store.stages(id, 1).await.unwrap();
    assert_eq!(stages.len(), 3);
    for stage in &stages {
        let error = stage.error.as_deref().unwrap_or_default();
        assert!(
            error.contains("page_too_large: the PDF's first page is 5000 × 5000 pt"),
            "{:?}: {error}",
            stage.stage
        );
        let job = app
            .store
            .job(stage.job_id.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.attempts, 1, "{:?}: no retries", stage.stage);
    }
}
