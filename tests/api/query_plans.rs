//! Reads must not slow down as data grows: every statement of the request and job paths
//! (`store::hot::hot_queries`) is planned over a seeded database, and none may read a whole table.

use serde_json::json;

use crate::helpers::{TestApp, eventually};
use satyapan::store::hot::hot_queries;

#[tokio::test]
async fn no_statement_on_a_request_or_job_path_scans_a_whole_table() {
    let app = TestApp::spawn().await;
    // Seed every table the paths read: cases with checks, evidence, audits, kept reports, ledger
    // rows, jobs, webhook events, GST requests, idempotency records.
    let candidates: Vec<_> = (0..20)
        .map(|i| {
            json!({"name": "Sreenivas Chowdary", "dob": "17-05-1985", "pan": "ABCPC3456L",
                   "permanent_address": format!("{i} Temple Street, Ongole 523001"),
                   "sandbox_outcome": {"criminal_check": "minor_discrepancy"}})
        })
        .collect();
    let created = app
        .send(
            app.http
                .post(app.url("/api/recruiter/v2/bgv-submit/"))
                .bearer_auth(&app.key)
                .header("idempotency-key", "seed-1")
                .json(&json!({"checks": ["criminal_check", "identity_pan"], "candidates": candidates})),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let case_id = created.json()["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    eventually(60, || async {
        let r = app
            .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
            .await
            .json();
        (r["data"]["status"] == "in_audit").then_some(())
    })
    .await;
    let audited = app
        .post(
            &format!("/api/recruiter/v2/cases/{case_id}/audit"),
            &json!({"decision": "approve", "note": "Seen."}),
        )
        .await;
    assert_eq!(audited.status, 200, "{}", audited.text);
    app.get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await;
    app.post("/api/gst/initiate", &json!({"gstin": "27AAPFU0939F1ZV"}))
        .await;
    app.get("/api/v2/credits/transactions").await;

    let mut failures = Vec::new();
    let mut planned = 0;
    for query in hot_queries(app.store.backend()) {
        let plan = app
            .store
            .explain(&query)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", query.name));
        planned += 1;
        for step in plan.iter().filter(|s| s.full_scan) {
            failures.push(format!("{}: {} — {}", query.name, step.detail, query.sql));
        }
        assert!(
            plan.iter().any(|s| s.table.is_some()),
            "{}: the plan reads no table: {plan:?}",
            query.name
        );
    }
    assert!(planned >= 90, "{planned} statements planned");
    assert!(
        failures.is_empty(),
        "full scans on {:?}:\n{}",
        app.store.backend(),
        failures.join("\n")
    );
}
