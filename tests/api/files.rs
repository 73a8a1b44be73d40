//! Evidence files and PDF reports live in the file store (a local directory, or S3 when
//! `SATYAPAN_TEST_S3_ENDPOINT` is set), not in database rows; rows written before keep working.

use base64::Engine;
use serde_json::{Value, json};

use crate::helpers::{TestApp, create_org, eventually};
use satyapan::domain::cases::ReportFormat;
use satyapan::store::reports::Kept;

/// Submits one sandbox case whose checks attach evidence and waits until it is completed.
async fn completed_case(app: &TestApp) -> String {
    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["identity_pan", "criminal_check"],
                    "candidates": [{"name": "Vivek Patel", "dob": "08-01-2001", "pan": "ABCPE1234F",
                                    "permanent_address": "12 MG Road, Pune 411001",
                                    "sandbox_outcome": {"identity_pan": "clear",
                                                        "criminal_check": "clear"}}]}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let case_id = created.json()["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    eventually(60, || async {
        let view = app.store.case_view(&app.org_id, &case_id).await.unwrap()?;
        view.case.status.is_final().then_some(())
    })
    .await;
    case_id
}

async fn report(app: &TestApp, case_id: &str) -> Value {
    let response = app
        .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

/// Every evidence link of the report, followed: (content type, bytes).
async fn evidence_downloads(app: &TestApp, case_id: &str) -> Vec<(String, Vec<u8>)> {
    let report = report(app, case_id).await;
    let mut files = Vec::new();
    for check in report["data"]["checks"].as_array().unwrap() {
        for link in check["documents"].as_array().into_iter().flatten() {
            let response = app.http.get(link.as_str().unwrap()).send().await.unwrap();
            assert_eq!(response.status(), 200);
            let content_type = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_string();
            assert_downloads_without_rendering(response.headers(), "evidence-");
            files.push((content_type, response.bytes().await.unwrap().to_vec()));
        }
    }
    files
}

/// A file is a download that cannot render: `attachment` under a name of our making, a type
/// a browser must not second-guess, and a policy that sandboxes it if it is opened anyway.
pub(crate) fn assert_downloads_without_rendering(headers: &reqwest::header::HeaderMap, stem: &str) {
    let get = |name: &str| {
        headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name}: {headers:?}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let disposition = get("content-disposition");
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{stem}")),
        "{disposition}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff");
    let policy = get("content-security-policy");
    assert!(
        policy.contains("default-src 'none'") && policy.contains("sandbox"),
        "{policy}"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    satyapan::files::sha256_hex(bytes)
}

#[tokio::test]
async fn evidence_and_pdfs_are_kept_in_the_file_store_not_in_rows() {
    let app = TestApp::spawn().await;
    let case_id = completed_case(&app).await;
    let files = app.files();

    // The rows name the files; none holds the bytes.
    let rows = app.store.evidence_files(&case_id).await.unwrap();
    assert!(!rows.is_empty(), "the sandbox attaches evidence");
    for row in &rows {
        assert!(
            row.bytes.is_none(),
            "an evidence row holds the file's bytes"
        );
        let key = row.storage_key.as_deref().expect("a storage key");
        let sha256 = row.sha256.as_deref().expect("a digest");
        assert_eq!(key, format!("evidence/{}/{sha256}", app.org_id));
        let stored = files.get(key).await.unwrap().expect("the file is stored");
        assert_eq!(sha256_hex(&stored), sha256);
        assert_eq!(row.size_bytes, Some(stored.len() as i64));
    }

    // The signed links serve the stored files.
    let downloads = evidence_downloads(&app, &case_id).await;
    assert_eq!(downloads.len(), rows.len());
    for (content_type, bytes) in &downloads {
        assert_eq!(content_type, "image/svg+xml");
        assert!(String::from_utf8_lossy(bytes).contains("SANDBOX"));
        assert!(
            rows.iter()
                .any(|r| r.sha256.as_deref() == Some(&sha256_hex(bytes)))
        );
    }

    // The PDF, by signed link and inline: rendered once, kept in the file store.
    let linked = app
        .get(&format!(
            "/api/verification/bgv/download?case_id={case_id}&type=pdf"
        ))
        .await;
    assert_eq!(linked.status, 200, "{}", linked.text);
    let link = linked.json()["data"]["report"]
        .as_str()
        .unwrap()
        .to_string();
    let pdf = app.http.get(&link).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert_downloads_without_rendering(pdf.headers(), "bgv-report-");
    assert!(
        pdf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".pdf\"")
    );
    let pdf = pdf.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF"));
    let version = app
        .store
        .case_view(&app.org_id, &case_id)
        .await
        .unwrap()
        .unwrap()
        .case
        .version;
    let key = satyapan::app::cases::pdf_key(&app.org_id, &case_id, version);
    assert_eq!(
        app.store
            .kept_report(&app.org_id, &case_id, ReportFormat::Pdf)
            .await
            .unwrap(),
        Some(Kept::File(key.clone()))
    );
    assert_eq!(files.get(&key).await.unwrap(), Some(pdf.clone()));
    let inline = app
        .get(&format!("/api/verification/bgv/download?case_id={case_id}"))
        .await
        .json();
    let inline = base64::engine::general_purpose::STANDARD
        .decode(inline["data"]["report"].as_str().unwrap())
        .unwrap();
    assert_eq!(inline, pdf);

    // Another tenant reaches neither the report nor the PDF.
    let (_, stranger) = create_org(&app.store, "Other", 10).await;
    for path in [
        format!("/api/recruiter/v2/report-json/?case_id={case_id}"),
        format!("/api/verification/bgv/download?case_id={case_id}"),
        format!("/api/verification/bgv/download?case_id={case_id}&type=pdf"),
    ] {
        assert_eq!(app.get_as(&path, &stranger).await.status, 404, "{path}");
    }
}

#[tokio::test]
async fn rows_that_still_hold_their_bytes_are_served_from_them() {
    let app = TestApp::spawn().await;
    let template = completed_case(&app).await;
    let view = app
        .store
        .case_view(&app.org_id, &template)
        .await
        .unwrap()
        .unwrap();
    // A case as written before the file store held evidence: the bytes in the rows, no keys.
    let files = app.files();
    let mut old = app.store.evidence_files(&template).await.unwrap();
    for row in &mut old {
        let key = row.storage_key.take().unwrap();
        row.bytes = Some(files.get(&key).await.unwrap().unwrap());
        row.sha256 = None;
    }
    let copy = app.store.copy_case(&view, &old, 1).await.unwrap().remove(0);
    let rows = app.store.evidence_files(&copy).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| r.storage_key.is_none() && r.bytes.is_some())
    );

    let downloads = evidence_downloads(&app, &copy).await;
    assert_eq!(downloads.len(), old.len());
    for (_, bytes) in &downloads {
        assert!(
            old.iter()
                .any(|r| r.bytes.as_deref() == Some(bytes.as_slice()))
        );
    }
    // The PDF embeds them.
    let pdf = app
        .get(&format!("/api/verification/bgv/download?case_id={copy}"))
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.text);

    // A PDF kept in its row before the file store held reports is served as it is.
    let version = view.case.version;
    app.store
        .keep_report(
            &template,
            ReportFormat::Pdf,
            version,
            &Kept::Body(b"%PDF-in-the-row".to_vec()),
        )
        .await
        .unwrap();
    let inline = app
        .get(&format!(
            "/api/verification/bgv/download?case_id={template}"
        ))
        .await
        .json();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(inline["data"]["report"].as_str().unwrap())
            .unwrap(),
        b"%PDF-in-the-row"
    );
}
