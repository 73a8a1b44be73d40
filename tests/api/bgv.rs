//! BGV cases end to end (seed 000): submit, the check engine, decisions, audit, report JSON.

use serde_json::{Value, json};

use crate::helpers::{TestApp, create_org, eventually};
use satyapan::domain::ids::Aadhaar;

const SUBMIT: &str = "/api/recruiter/v2/bgv-submit/";

/// A valid Aadhaar number whose last four digits are `last4`'s first three plus a check digit
/// that happens to equal its fourth.
fn aadhaar_ending(last4: &str) -> String {
    for prefix in 0..100_000u32 {
        let first11 = format!("2{prefix:07}{}", &last4[..3]);
        let a = Aadhaar::with_check_digit(&first11).unwrap();
        if a.last4() == last4 {
            return a.expose().to_string();
        }
    }
    panic!("no Aadhaar ends in {last4}");
}

fn vivek(aadhaar: &str) -> Value {
    json!({
        "name": "Vivek Patel",
        "email": "vivek@example.com",
        "dob": "08-01-2001",
        "permanent_address": "H No 12-3, MG Road, Pune, Maharashtra 411001",
        "aadhaar_number": aadhaar,
        "photo": "https://storage.example.com/profile_pictures/abc.png",
    })
}

async fn submit(app: &TestApp, checks: &[&str], candidates: Vec<Value>) -> Value {
    let response = app
        .post(SUBMIT, &json!({"checks": checks, "candidates": candidates}))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

async fn report(app: &TestApp, case_id: &str) -> Value {
    let response = app
        .get(&format!("/api/recruiter/v2/report-json/?case_id={case_id}"))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()
}

async fn settled(app: &TestApp, case_id: &str) -> Value {
    eventually(60, || async {
        let r = report(app, case_id).await;
        (r["data"]["status"] != "in_progress").then_some(r)
    })
    .await
}

fn assert_report_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert!(
        chrono::NaiveDateTime::parse_from_str(text, "%d %b, %Y, %H:%M").is_ok(),
        "{text}"
    );
}

#[tokio::test]
async fn seed_completed_example_is_reproduced() {
    let app = TestApp::spawn().await;
    let created = submit(
        &app,
        &["criminal_check", "identity_aadhaar"],
        vec![vivek(&aadhaar_ending("8300"))],
    )
    .await;
    assert_eq!(created["success"], true);
    assert_eq!(created["data"]["candidates_processed"], 1);
    assert_eq!(created["data"]["total_cost"], 7);
    assert_eq!(created["data"]["organization"], "Acme Hiring");
    let case = &created["data"]["cases_created"][0];
    assert_eq!(
        (case["name"].as_str(), case["email"].as_str()),
        (Some("Vivek Patel"), Some("vivek@example.com"))
    );
    let case_id = case["case_id"].as_str().unwrap();
    assert_eq!(app.balance().await, 993);

    // The source's name ("Nallala Vivek") is not the declared one: the engine flags it and the
    // case waits for a reviewer.
    let audited = settled(&app, case_id).await;
    assert_eq!(audited["data"]["status"], "in_audit");
    assert_eq!(audited["data"]["result"], "discrepancy");
    assert_eq!(audited["data"]["checks"][1]["result"], "discrepancy");
    assert!(
        audited["data"]["checks"][1]["remark"]
            .as_str()
            .unwrap()
            .starts_with("Name:")
    );

    // The reviewer confirms the family name and clears it.
    let done = app
        .post(
            &format!("/api/recruiter/v2/cases/{case_id}/audit"),
            &json!({"decision": "approve", "note": "Nallala is the family name on the Aadhaar card.",
                    "overrides": [{"type": "identity_aadhaar", "result": "clear"}]}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json()["data"]["result"], "clear");

    let r = report(&app, case_id).await;
    assert_eq!(
        (r["status"].as_str(), r["code"].as_i64()),
        (Some("success"), Some(200))
    );
    assert_eq!(r["message"], "Report JSON fetched successfully.");
    assert!(r["errors"].is_null() && r.as_object().unwrap().contains_key("errors"));
    let d = &r["data"];
    assert_eq!(d["reference_id"].as_str().unwrap().len(), 16);
    assert!(
        d["reference_id"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_digit())
    );
    assert!(chrono::DateTime::parse_from_rfc3339(d["generated_at"].as_str().unwrap()).is_ok());
    assert_eq!(d["status"], "completed");
    assert_eq!(d["result"], "clear");
    assert_eq!(
        d["candidate"],
        json!({"name": "Vivek Patel", "photo": "https://storage.example.com/profile_pictures/abc.png"})
    );
    assert_eq!(
        d["summary"],
        json!({"total": 2, "clear": 2, "minor_discrepancy": 0, "discrepancy": 0,
                                    "unable_to_verify": 0, "not_available": 0, "pending": 0})
    );
    let criminal = &d["checks"][0];
    assert_eq!(criminal["type"], "criminal");
    assert_eq!(criminal["name"], "Criminal Record Check");
    assert_eq!(criminal["category"], "Criminal & Compliance");
    assert_eq!(
        (criminal["status"].as_str(), criminal["result"].as_str()),
        (Some("completed"), Some("clear"))
    );
    assert_report_time(&criminal["completed_at"]);
    assert_eq!(criminal["documents"].as_array().unwrap().len(), 1);
    let aadhaar = &d["checks"][1];
    assert_eq!(aadhaar["type"], "identity_aadhaar");
    assert_eq!(aadhaar["name"], "Aadhaar Verification");
    assert_eq!(aadhaar["category"], "Identity");
    assert_eq!(
        (aadhaar["status"].as_str(), aadhaar["result"].as_str()),
        (Some("completed"), Some("clear"))
    );
    assert_report_time(&aadhaar["completed_at"]);
    assert_eq!(
        aadhaar["fields"],
        json!([{"label": "Name", "value": "Nallala Vivek"}, {"label": "Date of Birth", "value": "08-01-2001"},
               {"label": "Gender", "value": "Male"}, {"label": "Aadhaar Number", "value": "xxxxxxxx8300"}])
    );
    // The full Aadhaar never leaves the server.
    assert!(!r.to_string().contains(&aadhaar_ending("8300")));

    // The evidence link serves the file; a tampered link is refused.
    let link = criminal["documents"][0].as_str().unwrap();
    let file = app.send(app.http.get(link)).await;
    assert_eq!(file.status, 200);
    assert!(file.text.contains("SANDBOX"));
    assert_eq!(file.headers["content-type"], "image/svg+xml");
    let tampered = app
        .send(app.http.get(link.replace("signature=", "signature=0")))
        .await;
    assert_eq!(
        (tampered.status, tampered.text.as_str()),
        (
            403,
            r#"{"status":"error","code":403,"message":"This link is invalid or has expired.","data":null}"#
        )
    );

    // A completed case cannot be audited again.
    let again = app
        .post(
            &format!("/api/recruiter/v2/cases/{case_id}/audit"),
            &json!({"decision": "approve", "note": "again"}),
        )
        .await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn seed_in_progress_example_is_reproduced() {
    let app = TestApp::spawn_with(|c| c.job_base_backoff_ms = 1500).await;
    let mut candidate = vivek(&aadhaar_ending("1234"));
    candidate["sandbox_outcome"] = json!({"criminal_check": "flaky"});
    let created = submit(
        &app,
        &["criminal_check", "identity_aadhaar"],
        vec![candidate],
    )
    .await;
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = eventually(20, || async {
        let r = report(&app, &case_id).await;
        (r["data"]["checks"][1]["status"] == "completed").then_some(r)
    })
    .await;
    let d = &r["data"];
    assert_eq!(
        (d["status"].as_str(), d["result"].as_str()),
        (Some("in_progress"), Some("pending"))
    );
    assert_eq!(
        d["summary"],
        json!({"total": 2, "clear": 1, "minor_discrepancy": 0, "discrepancy": 0,
                                    "unable_to_verify": 0, "not_available": 0, "pending": 1})
    );
    let criminal = &d["checks"][0];
    assert_eq!(criminal["status"], "in_progress");
    assert_eq!(criminal["result"], "pending");
    assert!(
        criminal["completed_at"].is_null()
            && criminal.as_object().unwrap().contains_key("completed_at")
    );
    assert_eq!(
        criminal["remark"],
        "Criminal verification is still in progress."
    );
    assert_eq!(d["checks"][1]["result"], "clear");
    assert_eq!(
        d["checks"][1]["fields"][0],
        json!({"label": "Name", "value": "Vivek Patel"})
    );

    // The flaky source answers on its third attempt and the case completes clear.
    let done = settled(&app, &case_id).await;
    assert_eq!(
        (
            done["data"]["status"].as_str(),
            done["data"]["result"].as_str()
        ),
        (Some("completed"), Some("clear"))
    );
    for check in done["data"]["checks"].as_array().unwrap() {
        assert_report_time(&check["completed_at"]);
    }
}

const ALL_CHECKS: [&str; 7] = [
    "criminal_check",
    "aml_check",
    "credit_report_check",
    "identity_aadhaar",
    "identity_pan",
    "employment_check",
    "address_check",
];

fn full_candidate(name: &str, outcome: &str) -> Value {
    let outcomes: serde_json::Map<String, Value> = ALL_CHECKS
        .iter()
        .map(|c| (c.to_string(), json!(outcome)))
        .collect();
    json!({
        "name": name, "dob": "1990-05-17", "phone": "9553226860", "pan": "ABCPE1234F",
        "father_name": "Ramesh Kumar Patel",
        "aadhaar_number": aadhaar_ending("1234"),
        "permanent_address": "Flat 4B, Lotus Apartments, Baner Road, Pune 411045",
        "address": "Flat 4B, Lotus Apartments, Baner Road, Pune", "pincode": "411045",
        "employers": [{"employer_name": "Deccan Infotech Private Limited", "designation": "Engineer",
                       "start_date": "01-06-2015", "end_date": "31-12-2019"}],
        "sandbox_outcome": outcomes,
    })
}

#[tokio::test]
async fn every_result_is_reachable_for_every_check_type() {
    let app = TestApp::spawn().await;
    let outcomes = [
        "clear",
        "minor_discrepancy",
        "discrepancy",
        "not_available",
        "unable_to_verify",
    ];
    let candidates = outcomes
        .iter()
        .map(|o| full_candidate("Anil Kumar Sharma", o))
        .collect();
    let created = submit(&app, &ALL_CHECKS, candidates).await;
    for (i, outcome) in outcomes.iter().enumerate() {
        let case_id = created["data"]["cases_created"][i]["case_id"]
            .as_str()
            .unwrap();
        let r = settled(&app, case_id).await;
        for check in r["data"]["checks"].as_array().unwrap() {
            assert_eq!(
                check["result"], *outcome,
                "{}: {}",
                check["type"], check["remark"]
            );
            assert_eq!(check["status"], "completed");
            assert!(!check["remark"].as_str().unwrap_or("").is_empty());
        }
        let expected_status = if *outcome == "clear" {
            "completed"
        } else {
            "in_audit"
        };
        assert_eq!(r["data"]["status"], expected_status, "{outcome}");
        assert_eq!(r["data"]["result"], *outcome);
        assert_eq!(r["data"]["summary"][outcome], 7);
    }
}

#[tokio::test]
async fn case_result_is_the_most_severe_check() {
    let app = TestApp::spawn().await;
    let mut c = full_candidate("Priya Nair", "clear");
    c["sandbox_outcome"] = json!({"identity_pan": "not_available", "address_check": "minor_discrepancy", "aml_check": "unable_to_verify"});
    let created = submit(
        &app,
        &["identity_pan", "address_check", "aml_check"],
        vec![c],
    )
    .await;
    let r = settled(
        &app,
        created["data"]["cases_created"][0]["case_id"]
            .as_str()
            .unwrap(),
    )
    .await;
    assert_eq!(r["data"]["result"], "minor_discrepancy");
    assert_eq!(r["data"]["status"], "in_audit");
}

#[tokio::test]
async fn a_batch_with_one_bad_candidate_creates_nothing_and_charges_nothing() {
    let app = TestApp::spawn_with(|c| c.workers = false).await;
    let (_, key) = create_org(&app.store, "Big", 100_000).await;
    let mut candidates: Vec<Value> = (0..500)
        .map(|i| {
            json!({"name": format!("Candidate {}", ["A", "B", "C"][i % 3]), "dob": "01-01-1990",
                        "aadhaar_number": aadhaar_ending("1234")})
        })
        .collect();
    candidates[137]["aadhaar_number"] = json!("234123412345");
    candidates[400]["dob"] = json!("31-02-1990");
    candidates[401].as_object_mut().unwrap().remove("name");
    let response = app
        .post_as(
            SUBMIT,
            &key,
            &json!({"checks": ["identity_aadhaar"], "candidates": candidates}),
        )
        .await;
    assert_eq!(response.status, 400, "{}", response.text);
    let body = response.json();
    assert_eq!(
        body["message"],
        "Validation failed for 3 candidate(s); nothing was created. See errors."
    );
    assert!(body["data"].is_null());
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.contains(&json!({"candidate_index": 137, "field": "aadhaar_number",
                                    "reason": "Aadhaar number has an invalid checksum (Verhoeff)"})));
    assert!(errors.contains(&json!({"candidate_index": 400, "field": "dob",
                                    "reason": "must be a date as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD"})));
    assert!(errors.contains(&json!({"candidate_index": 401, "field": "name", "reason": "is required for identity_aadhaar"})));
    let ledger = app
        .get_as("/api/v2/credits/transactions", &key)
        .await
        .json();
    assert_eq!(
        ledger["data"]["pagination"]["total"], 1,
        "only the opening balance"
    );
    assert_eq!(app.store.job_counts().await.unwrap().queued, 0);

    // The same batch, fixed, goes through in one transaction.
    candidates[137]["aadhaar_number"] = json!(aadhaar_ending("1234"));
    candidates[400]["dob"] = json!("28-02-1990");
    candidates[401]["name"] = json!("Candidate X");
    let ok = app
        .post_as(
            SUBMIT,
            &key,
            &json!({"checks": ["identity_aadhaar", "identity_pan"], "candidates": candidates}),
        )
        .await;
    assert_eq!(ok.status, 400, "identity_pan needs a PAN");
    let ok = app
        .post_as(
            SUBMIT,
            &key,
            &json!({"checks": ["identity_aadhaar"], "candidates": candidates}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        ok.json()["data"]["cases_created"].as_array().unwrap().len(),
        500
    );
    assert_eq!(ok.json()["credits_remaining"], 100_000 - 1000);
    assert_eq!(app.store.job_counts().await.unwrap().queued, 500);
}

#[tokio::test]
async fn submit_rejects_bad_requests_and_short_balances() {
    let app = TestApp::spawn().await;
    for (body, message) in [
        (
            json!({"candidates": [{"name": "A"}]}),
            "checks is required.",
        ),
        (
            json!({"checks": [], "candidates": [{"name": "A"}]}),
            "checks must contain at least one check type.",
        ),
        (
            json!({"checks": ["dna_test"], "candidates": [{"name": "A"}]}),
            "Unknown check type 'dna_test'. Allowed values: criminal_check, aml_check, credit_report_check, identity_aadhaar, identity_pan, employment_check, address_check.",
        ),
        (json!({"checks": ["aml_check"]}), "candidates is required."),
        (
            json!({"checks": ["aml_check"], "candidates": []}),
            "candidates must be an array of 1 to 500 candidates.",
        ),
    ] {
        let response = app.post(SUBMIT, &body).await;
        assert_eq!(
            (response.status, response.json()["message"].as_str()),
            (400, Some(message))
        );
    }
    let too_many: Vec<Value> = (0..501)
        .map(|_| json!({"name": "A B", "dob": "01-01-1990"}))
        .collect();
    assert_eq!(
        app.post(
            SUBMIT,
            &json!({"checks": ["aml_check"], "candidates": too_many})
        )
        .await
        .status,
        400
    );

    let (_, broke) = create_org(&app.store, "Broke", 3).await;
    let short = app
        .post_as(
            SUBMIT,
            &broke,
            &json!({"checks": ["criminal_check"], "candidates": [vivek(&aadhaar_ending("1234"))]}),
        )
        .await;
    assert_eq!(
        (short.status, short.text.as_str()),
        (
            402,
            r#"{"status":"error","code":402,"message":"Insufficient credits: 5 required, 3 remaining.","data":null}"#
        )
    );
}

#[tokio::test]
async fn report_errors_tenancy_and_polling_limit() {
    let app = TestApp::spawn_with(|c| c.report_poll_interval_secs = 15).await;
    let created = submit(
        &app,
        &["identity_aadhaar"],
        vec![vivek(&aadhaar_ending("1234"))],
    )
    .await;
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap();
    let path = format!("/api/recruiter/v2/report-json/?case_id={case_id}");
    for query in ["", "?case_id=", "?case_id=123"] {
        let bad = app
            .get(&format!("/api/recruiter/v2/report-json/{query}"))
            .await;
        assert_eq!(
            (bad.status, bad.text.as_str()),
            (
                400,
                r#"{"status":"error","code":400,"message":"Invalid case_id provided in query params","data":null}"#
            )
        );
    }
    let unknown = app
        .get(&format!(
            "/api/recruiter/v2/report-json/?case_id={}",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(unknown.status, 404);
    let (_, other) = create_org(&app.store, "Other", 10).await;
    let foreign = app.get_as(&path, &other).await;
    assert_eq!(
        (foreign.status, foreign.text.as_str()),
        (404, unknown.text.as_str())
    );

    assert_eq!(app.get(&path).await.status, 200);
    let limited = app.get(&path).await;
    assert_eq!(limited.status, 429);
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15).contains(&retry_after));
    assert_eq!(limited.json()["status"], "error");
    // The limit is per key: another key of the same organisation may poll.
    let key = satyapan::domain::api_keys::GeneratedKey::new(true);
    app.store
        .add_api_key(&app.org_id, &satyapan::store::orgs::NewKey::from(&key))
        .await
        .unwrap();
    assert_eq!(app.get_as(&path, &key.plaintext).await.status, 200);
}

#[tokio::test]
async fn a_worker_killed_mid_check_loses_nothing() {
    let app = TestApp::spawn_with(|c| c.workers = false).await;
    let created = submit(
        &app,
        &["identity_aadhaar", "identity_pan"],
        vec![full_candidate("Rahul Verma", "clear")],
    )
    .await;
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A worker claims both checks and dies before finishing.
    assert_eq!(
        app.store
            .claim_jobs("killed-worker", 300, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    // A fresh worker process takes over once the lease lapses.
    let workers = app.start_workers().await;
    let r = settled(&app, &case_id).await;
    workers.stop().await;
    assert_eq!(
        (r["data"]["status"].as_str(), r["data"]["result"].as_str()),
        (Some("completed"), Some("clear"))
    );
    let counts = app.store.job_counts().await.unwrap();
    assert_eq!(
        (counts.completed, counts.dead, counts.queued, counts.running),
        (2, 0, 0, 0)
    );
    let ledger = app
        .get("/api/v2/credits/transactions?transaction_type=debit")
        .await
        .json();
    assert_eq!(ledger["data"]["pagination"]["total"], 1, "charged once");
    assert_eq!(app.balance().await, 1000 - 3);
}

#[tokio::test]
async fn employer_errors_name_their_position() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["employment_check"], "candidates": [
                {"name": "Asha Rao", "employers": [
                    {"employer_name": "Lotus Foods", "start_date": "01-01-2020", "end_date": "01-01-2019"},
                    {"start_date": "2020-13-01"}]},
                {"name": "Rahul Verma"}]}),
        )
        .await;
    assert_eq!(response.status, 400, "{}", response.text);
    let errors = response.json()["errors"].clone();
    let errors = errors.as_array().unwrap();
    for (index, field, reason) in [
        (0, "employers[0].end_date", "must not be before start_date"),
        (
            0,
            "employers[1].start_date",
            "must be a date as DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD",
        ),
        (0, "employers[1].employer_name", "is required"),
        (
            1,
            "uan|employers",
            "one of uan, employers is required for employment_check",
        ),
    ] {
        assert!(
            errors.contains(&json!({"candidate_index": index, "field": field, "reason": reason})),
            "{field}: {errors:?}"
        );
    }
    assert_eq!(app.balance().await, 1000);
}
