//! The PDF report: downloadable once the case is complete, as a signed link or inline, and its
//! text names the candidate, every check and its result.

use base64::Engine;
use serde_json::json;

use crate::helpers::{TestApp, eventually};

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is required (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_pdf_report_names_the_candidate_every_check_and_its_result() {
    let app = TestApp::spawn_with(|c| c.workers = false).await;
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["criminal_check", "identity_pan", "address_check"], "candidates": [{
                "name": "Sreenivas Chowdary", "dob": "17-05-1985", "pan": "ABCPC3456L",
                "permanent_address": "4-12 Temple Street, Ongole 523001",
                "address": "4-12 Temple Street, Ongole", "pincode": "523001",
                "sandbox_outcome": {"address_check": "minor_discrepancy"}}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/verification/bgv/download?case_id={case_id}");

    // Not complete yet.
    let early = app.get(&path).await;
    assert_eq!(
        (early.status, early.text.as_str()),
        (
            404,
            r#"{"status":"error","code":404,"message":"Candidate has not submitted the BGV yet.","data":null}"#
        )
    );

    // Run the checks, then a reviewer completes the audited case.
    let workers = app.start_workers().await;
    eventually(30, || async {
        let r = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (r["data"]["status"] == "in_audit").then_some(())
    })
    .await;
    workers.stop().await;
    let audited = app
        .post(
            &format!("/api/recruiter/v2/cases/{case_id}/audit"),
            &json!({"decision": "approve", "note": "Resident name abbreviated on the door."}),
        )
        .await;
    assert_eq!(audited.status, 200, "{}", audited.text);

    let inline = app.get(&path).await.json();
    let data = &inline["data"];
    assert_eq!(
        (data["case_id"].as_str(), data["status"].as_str()),
        (Some(case_id.as_str()), Some("completed"))
    );
    assert_eq!(data["candidate_name"], "Sreenivas Chowdary");
    assert!(data["completed_at"].is_string() && data["created_at"].is_string());
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(data["report"].as_str().unwrap())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdf_text(&pdf);
    let flat = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    for needle in [
        "sreenivas chowdary",
        "criminal record check",
        "pan verification",
        "address verification",
        "clear",
        "minor discrepancy",
        "sandbox",
    ] {
        assert!(flat.contains(needle), "the PDF lacks {needle:?}:\n{text}");
    }
    // The PDF is meant to last: every evidence file is drawn and named under its check, and no
    // link (which would expire in an hour) is printed.
    let report = app
        .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await
        .json();
    let mut evidence = 0;
    for check in report["data"]["checks"].as_array().unwrap() {
        let documents = check["documents"].as_array().map_or(0, Vec::len);
        let caption = format!("{} — page_1.svg", check["name"].as_str().unwrap()).to_lowercase();
        assert_eq!(
            flat.matches(&caption).count(),
            documents,
            "{caption:?} in:\n{text}"
        );
        evidence += documents;
    }
    assert!(evidence >= 2, "the sandbox attaches evidence pages");
    for link in ["http://", "https://", "signature", "expires=", "/files/"] {
        assert!(!flat.contains(link), "the PDF prints {link:?}:\n{text}");
    }

    // As a signed link, served by this server.
    let linked = app.get(&format!("{path}&type=pdf")).await.json();
    let link = linked["data"]["report"].as_str().unwrap();
    assert!(link.starts_with(&app.base) && link.contains("signature="));
    let file = app.http.get(link).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert!(file.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(app.get(&format!("{path}&type=docx")).await.status, 400);
}

/// A completed case no longer changes: its report JSON and its PDF are built once per version of
/// the case and kept; a read serves the kept copy (links signed afresh), a copy kept for an older
/// version is never served.
#[tokio::test]
async fn a_completed_case_report_and_pdf_are_kept_per_version() {
    use satyapan::domain::cases::ReportFormat;
    use satyapan::store::reports::Kept;
    let app = TestApp::spawn_with(|c| c.workers = false).await;
    let candidate = |name: &str| {
        json!({"name": name, "dob": "17-05-1985", "pan": "ABCPC3456L",
               "permanent_address": "4-12 Temple Street, Ongole 523001",
               "sandbox_outcome": {"criminal_check": "clear", "identity_pan": "clear"}})
    };
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["criminal_check", "identity_pan"],
                    "candidates": [candidate("Sreenivas Chowdary"), candidate("Anil Kumar")]}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let created = created.json();
    let ids: Vec<String> = (0..2)
        .map(|i| {
            created["data"]["cases_created"][i]["case_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let workers = app.start_workers().await;
    for id in &ids {
        eventually(30, || async {
            let view = app.store.case_view(&app.org_id, id).await.unwrap()?;
            view.case.status.is_final().then_some(())
        })
        .await;
    }
    workers.stop().await;

    // The JSON: kept on the first read, with evidence as paths; served with fresh signed links.
    let first = read(&app, &ids[0]).await.json();
    let kept = app
        .store
        .kept_report(&app.org_id, &ids[0], ReportFormat::Json)
        .await
        .unwrap()
        .expect("the completed report is kept");
    let Kept::Body(kept) = kept else {
        panic!("the report JSON is kept in its row")
    };
    let kept: serde_json::Value = serde_json::from_slice(&kept).unwrap();
    let kept_documents = kept["checks"][0]["documents"].to_string();
    assert!(kept_documents.contains("/files/evidence/") && !kept_documents.contains("signature"));
    let served = first["data"]["checks"][0]["documents"][0].as_str().unwrap();
    assert!(served.starts_with(&app.base) && served.contains("signature="));
    // Reads come from the kept copy: a copy kept for the current version is what is served.
    let mut altered = kept.clone();
    altered["candidate"]["name"] = json!("Read From The Kept Copy");
    let other = version(&app, &ids[1]).await;
    app.store
        .keep_report(
            &ids[1],
            ReportFormat::Json,
            other,
            &Kept::Body(serde_json::to_vec(&altered).unwrap()),
        )
        .await
        .unwrap();
    let second = read(&app, &ids[1]).await.json();
    assert_eq!(
        second["data"]["candidate"]["name"],
        "Read From The Kept Copy"
    );
    // … never another tenant's: the kept copy is looked up with the caller's organisation.
    let (_, stranger) = crate::helpers::create_org(&app.store, "Other", 10).await;
    let foreign = app
        .get_as(
            &format!("/api/recruiter/v2/report-json/?case_id={}", ids[1]),
            &stranger,
        )
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.text);

    // The PDF: a copy kept for an older version is not served; the render is kept for this one.
    let v0 = version(&app, &ids[0]).await;
    app.store
        .keep_report(
            &ids[0],
            ReportFormat::Pdf,
            v0 - 1,
            &Kept::Body(b"%PDF-stale".to_vec()),
        )
        .await
        .unwrap();
    let rendered = download(&app, &ids[0]).await;
    assert!(rendered.starts_with(b"%PDF") && rendered != b"%PDF-stale");
    let kept_pdf = app
        .store
        .kept_report(&app.org_id, &ids[0], ReportFormat::Pdf)
        .await
        .unwrap();
    // Kept in the file store under the case's version; the row names it.
    let key = satyapan::app::cases::pdf_key(&app.org_id, &ids[0], v0);
    assert_eq!(kept_pdf, Some(Kept::File(key.clone())));
    assert_eq!(app.files().get(&key).await.unwrap(), Some(rendered.clone()));
    assert_eq!(download(&app, &ids[0]).await, rendered);
    // A PDF kept for the current version is served as it is: no second render.
    let v1 = version(&app, &ids[1]).await;
    app.store
        .keep_report(
            &ids[1],
            ReportFormat::Pdf,
            v1,
            &Kept::Body(b"%PDF-kept".to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(download(&app, &ids[1]).await, b"%PDF-kept");
    let linked = app
        .get(&format!(
            "/api/verification/bgv/download?case_id={}&type=pdf",
            ids[1]
        ))
        .await
        .json();
    let file = app
        .http
        .get(linked["data"]["report"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-kept");
}

async fn version(app: &TestApp, case_id: &str) -> i64 {
    app.store
        .case_view(&app.org_id, case_id)
        .await
        .unwrap()
        .unwrap()
        .case
        .version
}

async fn read(app: &TestApp, case_id: &str) -> crate::helpers::TestResponse {
    app.get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await
}

async fn download(app: &TestApp, case_id: &str) -> Vec<u8> {
    let body = app
        .get(&format!("/api/verification/bgv/download?case_id={case_id}"))
        .await
        .json();
    base64::engine::general_purpose::STANDARD
        .decode(body["data"]["report"].as_str().unwrap())
        .unwrap()
}
