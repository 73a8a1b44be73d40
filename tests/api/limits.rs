//! Free text at the boundary: control characters (NUL first, which PostgreSQL cannot store) are
//! refused with a 400 naming the field, and every text and list field has its documented
//! maximum. Nothing is charged, nothing stored, never a 500.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse};
use satyapan::domain::text::limits;

const SUBMIT: &str = "/api/recruiter/v2/bgv-submit/";
const PULL: &str = "/api/v2/finance/customer-data-pull";
const NUL: &str = "\u{0}";

fn candidate() -> Value {
    json!({
        "name": "Vivek Patel",
        "email": "vivek@example.com",
        "phone": "9553226860",
        "dob": "08-01-2001",
        "father_name": "Ramesh Patel",
        "permanent_address": "H No 12-3, MG Road, Pune, Maharashtra 411001",
        "address": "H No 12-3, MG Road, Pune",
        "pincode": "411001",
        "pan": "ABCPE1234F",
        "uan": "100200300400",
        "photo": "https://storage.example.com/profile_pictures/abc.png",
        "employers": [{"employer_name": "Infosys Limited", "designation": "Engineer",
                        "start_date": "01-01-2020", "end_date": "01-01-2022"}],
    })
}

/// The `errors` of a refused submission, as `(field, reason)` pairs.
fn field_errors(response: &TestResponse) -> Vec<(String, String)> {
    assert_eq!(response.status, 400, "{}", response.text);
    response.json()["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors list: {}", response.text))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_envelope(response: &TestResponse, status: u16, message: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    let body = response.json();
    assert_eq!(
        (body["status"].as_str(), body["code"].as_u64()),
        (Some("error"), Some(u64::from(status))),
        "{}",
        response.text
    );
    assert_eq!(body["message"], message, "{}", response.text);
}

#[tokio::test]
async fn control_characters_are_refused_at_the_boundary_naming_the_field() {
    let app = TestApp::spawn().await;
    let balance = app.balance().await;

    // Every candidate text field, and each employer field.
    let text_fields = [
        "name",
        "email",
        "phone",
        "dob",
        "father_name",
        "permanent_address",
        "address",
        "pincode",
        "pan",
        "uan",
        "photo",
    ];
    for field in text_fields {
        let mut c = candidate();
        let value = c[field].as_str().unwrap().to_string();
        c[field] = json!(format!("{}{NUL}{}", &value[..2], &value[2..]));
        let response = app
            .post(
                SUBMIT,
                &json!({"checks": ["identity_pan"], "candidates": [c]}),
            )
            .await;
        assert_eq!(
            field_errors(&response),
            vec![(
                field.to_string(),
                "must not contain control characters".to_string()
            )],
            "{field}"
        );
    }
    let mut c = candidate();
    c["aadhaar_number"] = json!(format!("2341{NUL}23412346"));
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["identity_pan"], "candidates": [c]}),
        )
        .await;
    assert_eq!(
        field_errors(&response),
        vec![(
            "aadhaar_number".into(),
            "must not contain control characters".into()
        )]
    );
    for field in ["employer_name", "designation"] {
        let mut c = candidate();
        c["employers"][0][field] = json!(format!("Infosys\u{1b}[31m"));
        let response = app
            .post(
                SUBMIT,
                &json!({"checks": ["identity_pan"], "candidates": [c]}),
            )
            .await;
        assert_eq!(
            field_errors(&response),
            vec![(
                format!("employers[0].{field}"),
                "must not contain control characters".into()
            )]
        );
    }
    // C1 controls too.
    let mut c = candidate();
    c["address"] = json!("MG Road\u{85}Pune");
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["identity_pan"], "candidates": [c]}),
        )
        .await;
    assert_eq!(
        field_errors(&response),
        vec![(
            "address".into(),
            "must not contain control characters".into()
        )]
    );

    // The bureau pull's consent purpose.
    let response = app
        .post(
            PULL,
            &json!({"mobile_number": "9553226860", "full_name": "Manish Gupta",
                    "consent_purpose": format!("Pre-employment credit{NUL} verification")}),
        )
        .await;
    assert_eq!(
        response.text,
        format!(
            r#"{{"status":"error","code":400,"message":"consent_purpose must not contain control characters.","data":null,"credits_used":0,"credits_remaining":{balance},"credits_left":{balance}}}"#
        )
    );

    // The audit's note and an override's remark (the body is checked before the case is read).
    let audit = format!("/api/recruiter/v2/cases/{}/audit", uuid::Uuid::new_v4());
    let response = app
        .post(
            &audit,
            &json!({"decision": "approve", "note": format!("ok{NUL}")}),
        )
        .await;
    assert_envelope(&response, 400, "note must not contain control characters.");
    let response = app
        .post(
            &audit,
            &json!({"decision": "approve", "note": "Checked.\r\nAll good.",
                    "overrides": [{"type": "identity_pan", "result": "clear", "remark": format!("x{NUL}")}]}),
        )
        .await;
    assert_envelope(
        &response,
        400,
        "overrides[0].remark must not contain control characters.",
    );
    // A multi-line note is fine: it reaches the case look-up (none here).
    let response = app
        .post(
            &audit,
            &json!({"decision": "approve", "note": "Checked.\r\nAll good.\tSigned."}),
        )
        .await;
    assert_envelope(&response, 404, "No case found for this case_id.");

    // GSTIN and the webhook URL.
    let response = app
        .post(
            "/api/gst/initiate",
            &json!({"gstin": format!("27AAPFU0939F1ZV{NUL}")}),
        )
        .await;
    assert_eq!(response.status, 400, "{}", response.text);
    assert_eq!(
        response.json()["message"],
        "gstin must not contain control characters."
    );
    let response = app
        .send(
            app.http
                .put(app.url("/api/v2/webhooks"))
                .bearer_auth(&app.key)
                .json(&json!({"url": format!("https://hooks.example.com/{NUL}")})),
        )
        .await;
    assert_envelope(&response, 400, "url must not contain control characters.");

    // Ids in paths and queries.
    for path in [
        "/api/v2/webhooks/events/%00/deliveries",
        "/api/v2/webhooks/events/evt_%00/deliveries",
    ] {
        let response = app.get(path).await;
        assert_envelope(&response, 404, "No webhook event found for this id.");
    }
    let response = app
        .post("/api/v2/webhooks/events/%00/redeliver", &json!({}))
        .await;
    assert_envelope(&response, 404, "No webhook event found for this id.");
    for (path, message) in [
        (
            "/api/recruiter/v2/report-json/?case_id=%00",
            "case_id must not contain control characters.",
        ),
        (
            "/api/gst/status?request_id=%00",
            "request_id must not contain control characters.",
        ),
        (
            "/api/v2/credits/transactions?start_date=01-01-2026%00",
            "start_date must not contain control characters.",
        ),
        (
            "/api/verification/bgv/download?case_id=%1b",
            "case_id must not contain control characters.",
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, 400, "{path}: {}", response.text);
        assert_eq!(response.json()["message"], message, "{path}");
    }

    assert_eq!(app.balance().await, balance, "nothing was charged");
}

#[tokio::test]
async fn every_text_and_list_field_has_its_documented_maximum() {
    let app = TestApp::spawn().await;
    let balance = app.balance().await;
    let over = |rule: &satyapan::domain::text::TextRule| "a".repeat(rule.max_chars + 1);

    // Each candidate field one character over its maximum is refused, naming the field.
    for rule in [
        limits::NAME,
        limits::EMAIL,
        limits::PHONE,
        limits::DOB,
        limits::FATHER_NAME,
        limits::PERMANENT_ADDRESS,
        limits::ADDRESS,
        limits::PINCODE,
        limits::PAN,
        limits::AADHAAR_NUMBER,
        limits::UAN,
        limits::PHOTO,
    ] {
        let mut c = candidate();
        c[rule.field] = json!(over(&rule));
        let response = app
            .post(
                SUBMIT,
                &json!({"checks": ["identity_pan"], "candidates": [c]}),
            )
            .await;
        assert_eq!(
            field_errors(&response),
            vec![(
                rule.field.to_string(),
                format!("must be at most {} characters", rule.max_chars)
            )]
        );
    }
    // At the maximum, a free-text field is taken.
    let mut c = candidate();
    c["address"] = json!(format!("{} Pune", "MG Road ".repeat(61)));
    assert!(c["address"].as_str().unwrap().chars().count() <= limits::ADDRESS.max_chars);
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["identity_pan"], "candidates": [c]}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let balance = balance - response.json()["credits_used"].as_i64().unwrap();

    for rule in [
        limits::EMPLOYER_NAME,
        limits::DESIGNATION,
        limits::START_DATE,
        limits::END_DATE,
    ] {
        let mut c = candidate();
        c["employers"][0][rule.field] = json!(over(&rule));
        let response = app
            .post(
                SUBMIT,
                &json!({"checks": ["identity_pan"], "candidates": [c]}),
            )
            .await;
        assert_eq!(
            field_errors(&response),
            vec![(
                format!("employers[0].{}", rule.field),
                format!("must be at most {} characters", rule.max_chars)
            )]
        );
    }
    // 10,000 employers on one candidate: refused by count.
    let mut c = candidate();
    c["employers"] = json!(vec![c["employers"][0].clone(); 10_000]);
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["identity_pan"], "candidates": [c]}),
        )
        .await;
    assert_eq!(
        field_errors(&response),
        vec![("employers".into(), "must contain at most 20 items".into())]
    );
    let mut c = candidate();
    c["employers"] = json!(vec![c["employers"][0].clone(); limits::EMPLOYERS.max_items]);
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["identity_pan"], "candidates": [c]}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let balance = balance - response.json()["credits_used"].as_i64().unwrap();

    let response = app
        .post(
            SUBMIT,
            &json!({"checks": vec!["identity_pan"; 21], "candidates": [candidate()]}),
        )
        .await;
    assert_envelope(
        &response,
        400,
        "checks must contain at most 20 check types.",
    );
    let response = app
        .post(
            SUBMIT,
            &json!({"checks": ["x".repeat(100_000)], "candidates": [candidate()]}),
        )
        .await;
    assert_envelope(
        &response,
        400,
        "Unknown check type. Allowed values: criminal_check, aml_check, credit_report_check, identity_aadhaar, identity_pan, employment_check, address_check.",
    );

    // A 1 MB consent purpose is not kept on the ledger: it is refused.
    let response = app
        .post(
            PULL,
            &json!({"mobile_number": "9553226860", "full_name": "Manish Gupta",
                    "consent_purpose": "Pre-employment checks ".repeat(50_000)}),
        )
        .await;
    assert_eq!(response.status, 400, "{}", response.text);
    assert_eq!(
        response.json()["message"],
        "consent_purpose must be at most 500 characters."
    );

    // An 8 MB audit note, an over-long remark, too many overrides.
    let audit = format!("/api/recruiter/v2/cases/{}/audit", uuid::Uuid::new_v4());
    let response = app
        .post(
            &audit,
            &json!({"decision": "reject", "note": "n".repeat(8 * 1024 * 1024)}),
        )
        .await;
    assert_envelope(&response, 400, "note must be at most 2000 characters.");
    let response = app
        .post(
            &audit,
            &json!({"decision": "reject", "note": "ok", "overrides": [
                {"type": "identity_pan", "result": "clear", "remark": "r".repeat(8 * 1024 * 1024)}]}),
        )
        .await;
    assert_envelope(
        &response,
        400,
        "overrides[0].remark must be at most 1000 characters.",
    );
    let response = app
        .post(
            &audit,
            &json!({"decision": "reject", "note": "ok", "overrides":
                vec![json!({"type": "identity_pan", "result": "clear"}); 21]}),
        )
        .await;
    assert_envelope(&response, 400, "overrides must contain at most 20 items.");

    // A 1 MB webhook URL.
    let response = app
        .send(
            app.http
                .put(app.url("/api/v2/webhooks"))
                .bearer_auth(&app.key)
                .json(
                    &json!({"url": format!("https://hooks.example.com/{}", "a".repeat(1 << 20))}),
                ),
        )
        .await;
    assert_envelope(&response, 400, "url must be at most 2048 characters.");

    // Query values.
    let response = app
        .get(&format!(
            "/api/recruiter/v2/report-json/?case_id={}",
            "a".repeat(300)
        ))
        .await;
    assert_envelope(&response, 400, "case_id must be at most 256 characters.");

    assert_eq!(app.balance().await, balance, "refusals charge nothing");
}
