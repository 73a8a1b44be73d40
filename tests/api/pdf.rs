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
