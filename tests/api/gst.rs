//! Seed 002: GST verification, initiate → status, with every response checked against the
//! seed's own OpenAPI document.

use serde_json::{Value, json};

use crate::contract::Contract;
use crate::helpers::{TestApp, create_org, eventually};
use satyapan::domain::ids::Gstin;

const SEED: &str = "002_65585864c158e3f9.txt";

/// A valid GSTIN in Maharashtra for a company PAN with the given serial.
fn gstin(serial: &str) -> String {
    Gstin::with_check_char(&format!("27AABCS{serial}K1Z"))
        .unwrap()
        .as_str()
        .to_string()
}

async fn initiate(app: &TestApp, gstin: &str) -> (u16, Value) {
    let response = app
        .post("/api/gst/initiate", &json!({ "gstin": gstin }))
        .await;
    (response.status, response.json())
}

async fn status(app: &TestApp, contract: &Contract, request_id: &str) -> (u16, Value) {
    let response = app
        .get(&format!("/api/gst/status?request_id={request_id}"))
        .await;
    let json = response.json();
    contract.assert_valid("/gst/status", "get", response.status, &json);
    (response.status, json)
}

async fn final_status(app: &TestApp, contract: &Contract, request_id: &str) -> (u16, Value) {
    eventually(30, || async {
        let (code, json) = status(app, contract, request_id).await;
        (code != 202).then_some((code, json))
    })
    .await
}

#[tokio::test]
async fn initiate_then_status_in_progress_then_completed() {
    let app = TestApp::spawn_with(|c| c.sandbox_latency_ms = 400).await;
    let contract = Contract::from_seed(SEED);
    let (code, started) = initiate(&app, &gstin("1234")).await;
    assert_eq!(code, 200, "{started}");
    assert_eq!(
        (
            started["credits_used"].as_i64(),
            started["credits_remaining"].as_i64()
        ),
        (Some(3), Some(997))
    );
    let request_id = started["data"]["request_id"].as_str().unwrap().to_string();

    let (code, pending) = status(&app, &contract, &request_id).await;
    assert_eq!(code, 202);
    assert_eq!(pending["data"]["verification_status"], "in_progress");

    let (code, done) = final_status(&app, &contract, &request_id).await;
    assert_eq!(code, 200, "{done}");
    let data = &done["data"];
    assert_eq!(data["gstin"], gstin("1234"));
    assert_eq!(data["status"], "Active");
    assert_eq!(data["is_active"], true);
    assert_eq!(data["constitution"], "Private Limited Company");
    assert_eq!(data["principal_address"]["state"], "Maharashtra");
    assert_eq!(data["source"], "SANDBOX");
    assert!(
        data["legal_name"].as_str().unwrap().starts_with('S'),
        "name starts with the PAN's 5th letter"
    );
    for key in [
        "legal_name",
        "trade_name",
        "registration_date",
        "business_nature",
        "turnover",
        "jurisdiction",
        "filing_summary",
        "hsn_codes",
        "promoters",
        "last_updated",
    ] {
        assert!(!data[key].is_null(), "missing {key}");
    }
    assert_eq!(done["credits_used"], 0);
    assert_eq!(app.balance().await, 997);

    // The same GSTIN always gives the same record.
    let (_, again) = initiate(&app, &gstin("1234")).await;
    let (_, again) = final_status(
        &app,
        &contract,
        again["data"]["request_id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(again["data"]["legal_name"], data["legal_name"]);
    assert_eq!(again["data"]["hsn_codes"], data["hsn_codes"]);
}

#[tokio::test]
async fn invalid_gstins_are_rejected_before_any_credit_moves() {
    let app = TestApp::spawn().await;
    let valid = gstin("1234");
    let mut bad_check = valid.clone();
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == 'A' { 'B' } else { 'A' });
    for (body, message) in [
        (json!({}), "gstin is required."),
        (json!({"gstin": 27}), "gstin must be a string."),
        (
            json!({"gstin": bad_check}),
            "Invalid GSTIN: GSTIN has an invalid check character (15th character).",
        ),
        (
            json!({"gstin": "27AABCS1234K1Z"}),
            "Invalid GSTIN: GSTIN must be exactly 15 characters.",
        ),
        (
            json!({"gstin": "00AABCS1234K1Z5"}),
            "Invalid GSTIN: GSTIN state code '00' is not a known GST state code.",
        ),
    ] {
        let response = app.post("/api/gst/initiate", &body).await;
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(
            response.text,
            format!(
                r#"{{"status":"error","code":400,"message":"{message}","data":null,"credits_used":0,"credits_remaining":1000,"credits_left":1000}}"#
            ),
        );
    }
    assert_eq!(app.balance().await, 1000);
}

#[tokio::test]
async fn magic_gstins_reach_cancelled_suspended_not_found_and_failed() {
    let app = TestApp::spawn_with(|c| c.job_max_backoff_secs = 0).await;
    let contract = Contract::from_seed(SEED);
    let mut ids = Vec::new();
    for serial in ["9001", "9002", "0404", "0500"] {
        let (code, started) = initiate(&app, &gstin(serial)).await;
        assert_eq!(code, 200);
        ids.push(started["data"]["request_id"].as_str().unwrap().to_string());
    }
    let (code, cancelled) = final_status(&app, &contract, &ids[0]).await;
    assert_eq!(
        (code, cancelled["data"]["status"].as_str()),
        (200, Some("Cancelled"))
    );
    assert_eq!(cancelled["data"]["is_active"], false);
    assert!(cancelled["data"]["cancellation_date"].is_string());
    let (code, suspended) = final_status(&app, &contract, &ids[1]).await;
    assert_eq!(
        (code, suspended["data"]["status"].as_str()),
        (200, Some("Suspended"))
    );
    let (code, missing) = final_status(&app, &contract, &ids[2]).await;
    assert_eq!(code, 404);
    assert_eq!(
        missing["message"],
        "No GST registration found for the provided GSTIN."
    );
    // Source down: retried with backoff, then failed and the 3 credits refunded.
    let (code, failed) = final_status(&app, &contract, &ids[3]).await;
    assert_eq!(code, 500, "{failed}");
    assert_eq!(app.balance().await, 1000 - 4 * 3 + 3);
    assert_eq!(failed["credits_remaining"], 991);
    let refunds = app
        .get("/api/v2/credits/transactions?transaction_type=refund")
        .await
        .json();
    assert_eq!(
        refunds["data"]["transactions"][0]["reference_id"],
        ids[3].as_str()
    );
    assert_eq!(
        app.store.ledger_sum(&app.org_id).await.unwrap(),
        app.balance().await
    );
}

#[tokio::test]
async fn status_errors_match_the_seed() {
    let app = TestApp::spawn().await;
    let contract = Contract::from_seed(SEED);
    for query in [
        "",
        "?request_id=",
        "?request_id=not-a-uuid",
        "?request_id=8a3b2d79e91c4ff1b2e97b9f2b36c12",
    ] {
        let response = app.get(&format!("/api/gst/status{query}")).await;
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(
            response.text,
            r#"{"status":"error","code":400,"message":"Invalid request_id provided in query params","data":null,"credits_used":0,"credits_remaining":1000,"credits_left":1000}"#
        );
        contract.assert_valid("/gst/status", "get", 400, &response.json());
    }
    let unknown = app
        .get(&format!(
            "/api/gst/status?request_id={}",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.text,
        r#"{"status":"error","code":404,"message":"No record found for this `request_id.","data":null}"#
    );
    contract.assert_valid("/gst/status", "get", 404, &unknown.json());

    // Another tenant's request is a 404 too, not a 403.
    let (_, started) = initiate(&app, &gstin("1234")).await;
    let request_id = started["data"]["request_id"].as_str().unwrap();
    let (_, other_key) = create_org(&app.store, "Other", 10).await;
    let foreign = app
        .get_as(
            &format!("/api/gst/status?request_id={request_id}"),
            &other_key,
        )
        .await;
    assert_eq!(
        (foreign.status, foreign.text.as_str()),
        (404, unknown.text.as_str())
    );

    // 401/402/403 bodies validate too.
    let unauthenticated = app.get_as("/api/gst/status?request_id=x", "bogus").await;
    contract.assert_valid("/gst/status", "get", 401, &unauthenticated.json());
    let (_, broke) = create_org(&app.store, "Broke", 2).await;
    let short = app
        .post_as(
            "/api/gst/initiate",
            &broke,
            &json!({"gstin": gstin("1234")}),
        )
        .await;
    assert_eq!(
        (short.status, short.text.as_str()),
        (
            402,
            r#"{"status":"error","code":402,"message":"Insufficient credits: 3 required, 2 remaining.","data":null}"#
        )
    );
    contract.assert_valid("/gst/status", "get", 402, &short.json());
}
