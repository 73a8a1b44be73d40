//! Seed 001: the bureau pull's validation rules, credit rules and response shape.

use serde_json::{Value, json};

use crate::helpers::TestApp;

const PATH: &str = "/api/v2/finance/customer-data-pull";

fn body(mobile: &str, name: &str) -> Value {
    json!({"mobile_number": mobile, "full_name": name})
}

#[tokio::test]
async fn a_pull_returns_the_seed_shape_and_costs_one_credit() {
    let app = TestApp::spawn().await;
    let response = app.post(PATH, &body("9553226860", "Manish Gupta")).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let json = response.json();
    assert_eq!(json["status"], "success");
    assert_eq!(json["code"], 200);
    assert_eq!(json["message"], "Financial data fetched successfully.");
    assert_eq!(
        (
            json["credits_used"].as_i64(),
            json["credits_remaining"].as_i64()
        ),
        (Some(1), Some(999))
    );
    let data = &json["data"];
    for key in [
        "reportOrderNumber",
        "personalInfo",
        "phoneInfo",
        "emailInfo",
        "identityInfo",
        "addressInfo",
    ] {
        assert!(!data[key].is_null(), "missing {key}");
    }
    for key in [
        "fullName",
        "dob",
        "gender",
        "totalIncome",
        "occupation",
        "age",
    ] {
        assert!(data["personalInfo"][key].is_string(), "personalInfo.{key}");
    }
    for key in [
        "panNumber",
        "passportNumber",
        "drivingLicense",
        "voterId",
        "aadhaarNumber",
        "rationCard",
        "otherId",
    ] {
        assert!(data["identityInfo"][key].is_array(), "identityInfo.{key}");
    }
    let pan = data["identityInfo"]["panNumber"][0]["idNumber"]
        .as_str()
        .unwrap();
    assert!(satyapan::domain::ids::Pan::parse(pan).is_ok());
    assert_eq!(data["phoneInfo"][0]["number"], "9553226860");
    assert_eq!(data["addressInfo"][0]["postal"].as_str().unwrap().len(), 6);
    assert_eq!(data["source"], "SANDBOX");

    // Same mobile, same person.
    let again = app
        .post(PATH, &body("9553226860", "Manish Gupta"))
        .await
        .json();
    assert_eq!(again["data"]["personalInfo"], data["personalInfo"]);
    assert_eq!(again["data"]["identityInfo"], data["identityInfo"]);
    assert_eq!(again["credits_remaining"], 998);

    // The request and response are on the ledger, with the consent purpose.
    let ledger = app
        .get("/api/v2/credits/transactions?transaction_type=debit&include_input=true&include_output=true")
        .await
        .json();
    let row = &ledger["data"]["transactions"][0];
    assert_eq!(row["service"], "finance.customer_data_pull");
    assert_eq!(
        row["input"]["consent_purpose"],
        "Financial data verification for background verification"
    );
    assert_eq!(
        row["output"]["reportOrderNumber"],
        again["data"]["reportOrderNumber"]
    );
    let pull_id = row["reference_id"].as_str().unwrap();
    let consent = app
        .store
        .bureau_pull_consent(&app.org_id, pull_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(consent.1.as_str(), "found");
}

#[tokio::test]
async fn each_validation_rule_has_its_message_and_costs_nothing() {
    let app = TestApp::spawn().await;
    let long_name = "A".repeat(101);
    let cases: Vec<(Value, &str)> = vec![
        (json!([1, 2]), "Request body must be a JSON object."),
        (
            json!({"full_name": "Manish Gupta"}),
            "mobile_number is required.",
        ),
        (
            json!({"mobile_number": "", "full_name": "Manish Gupta"}),
            "mobile_number is required.",
        ),
        (
            json!({"mobile_number": 9553226860u64, "full_name": "Manish Gupta"}),
            "mobile_number must be a string.",
        ),
        (
            body("955322686", "Manish Gupta"),
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9.",
        ),
        (
            body("95532268601", "Manish Gupta"),
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9.",
        ),
        (
            body("5553226860", "Manish Gupta"),
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9.",
        ),
        (
            body("95532a6860", "Manish Gupta"),
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9.",
        ),
        (
            body("+919553226860", "Manish Gupta"),
            "Invalid mobile_number. It must be a 10-digit Indian mobile number starting with 6, 7, 8, or 9.",
        ),
        (
            body("9999999999", "Manish Gupta"),
            "Invalid mobile_number. All digits cannot be identical.",
        ),
        (
            json!({"mobile_number": "9553226860"}),
            "full_name is required.",
        ),
        (
            body("9553226860", "Manish_Gupta"),
            "Invalid full_name. Only letters, spaces, and dots are allowed.",
        ),
        (
            body("9553226860", "Manish Gupta 2"),
            "Invalid full_name. Only letters, spaces, and dots are allowed.",
        ),
        (
            body("9553226860", "..."),
            "Invalid full_name. Only letters, spaces, and dots are allowed.",
        ),
        (
            body("9553226860", &long_name),
            "full_name must be at most 100 characters.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "consent_purpose": "KYC check"}),
            "consent_purpose must be more than 20 characters.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "consent_purpose": "exactly twenty chars"}),
            "consent_purpose must be more than 20 characters.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "document_type": "PAN"}),
            "id_value is required when document_type is provided.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "id_value": "ABCPE1234F"}),
            "document_type is required when id_value is provided.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "document_type": "RATION", "id_value": "X"}),
            "Invalid document_type. Allowed values: PAN, AADHAAR, VOTER_ID, PASSPORT, DRIVING_LICENSE.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "document_type": "PAN", "id_value": "ABCPE0000F"}),
            "Invalid id_value for document_type PAN: PAN serial number (characters 6-9) cannot be 0000.",
        ),
        (
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "document_type": "aadhaar", "id_value": "234123412345"}),
            "Invalid id_value for document_type AADHAAR: Aadhaar number has an invalid checksum (Verhoeff).",
        ),
        (
            // Separators only between the printed groups of four.
            json!({"mobile_number": "9553226860", "full_name": "Manish Gupta", "document_type": "AADHAAR", "id_value": "-234123412346"}),
            "Invalid id_value for document_type AADHAAR: Aadhaar number must be 12 digits, written together or in groups of 4 separated by a single space or hyphen.",
        ),
    ];
    for (request, message) in cases {
        let response = app.post(PATH, &request).await;
        assert_eq!(response.status, 400, "{request}");
        assert_eq!(
            response.text,
            format!(
                r#"{{"status":"error","code":400,"message":"{message}","data":null,"credits_used":0,"credits_remaining":1000,"credits_left":1000}}"#
            ),
            "{request}"
        );
    }
    assert_eq!(app.balance().await, 1000);
}

#[tokio::test]
async fn optional_fields_that_are_valid_are_accepted() {
    let app = TestApp::spawn().await;
    for extra in [
        json!({"consent_purpose": "Pre-employment credit verification"}),
        json!({"document_type": "", "id_value": ""}),
        json!({"document_type": "PAN", "id_value": "abcpe1234f"}),
        json!({"document_type": "AADHAAR", "id_value": "2341 2341 2346"}),
        json!({"document_type": "AADHAAR", "id_value": "2341-2341-2346"}),
        json!({"full_name": "N. Vivek"}),
    ] {
        let mut request = body("9553226860", "Manish Gupta");
        for (k, v) in extra.as_object().unwrap() {
            request[k] = v.clone();
        }
        let response = app.post(PATH, &request).await;
        assert_eq!(response.status, 200, "{request}: {}", response.text);
        // An Aadhaar offered for look-up never comes back in full.
        assert!(!response.text.contains("234123412346"));
    }
}

#[tokio::test]
async fn credit_rules_by_outcome() {
    let app = TestApp::spawn().await;
    // Bureau reached, no record: 404, 1 credit.
    let none = app.post(PATH, &body("6000000404", "Manish Gupta")).await;
    assert_eq!(none.status, 404);
    assert_eq!(
        none.text,
        r#"{"status":"error","code":404,"message":"No records found for the given details.","data":null,"credits_used":1,"credits_remaining":999,"credits_left":999}"#
    );
    // Bureau down or timing out: 500, nothing.
    for mobile in ["6000000500", "6000000408"] {
        let down = app.post(PATH, &body(mobile, "Manish Gupta")).await;
        assert_eq!(down.status, 500, "{mobile}");
        assert_eq!(
            down.text,
            r#"{"status":"error","code":500,"message":"Bureau service is temporarily unavailable. Please try again later.","data":null,"credits_used":0,"credits_remaining":999,"credits_left":999}"#
        );
    }
    assert_eq!(app.balance().await, 999);
    // 401 and 403 cost nothing either.
    assert_eq!(
        app.post_as(PATH, "nope", &body("9553226860", "A B"))
            .await
            .status,
        401
    );
    assert_eq!(app.balance().await, 999);
}

#[tokio::test]
async fn insufficient_credits_is_402_and_free() {
    let app = TestApp::spawn().await;
    let (_, key) = crate::helpers::create_org(&app.store, "Broke", 0).await;
    let response = app
        .post_as(PATH, &key, &body("9553226860", "Manish Gupta"))
        .await;
    assert_eq!(response.status, 402);
    assert_eq!(
        response.text,
        r#"{"status":"error","code":402,"message":"Insufficient credits: 1 required, 0 remaining.","data":null,"credits_used":0,"credits_remaining":0,"credits_left":0}"#
    );
}

#[tokio::test]
async fn two_hundred_concurrent_pulls_against_fifty_credits() {
    let app = TestApp::spawn().await;
    let (org_id, key) = crate::helpers::create_org(&app.store, "Fifty", 50).await;
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let app = app.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let mobile = format!("9{:09}", 553226860 + i);
            app.post_as(PATH, &key, &body(&mobile, "Manish Gupta"))
                .await
        }));
    }
    let mut ok = 0;
    let mut short = 0;
    for task in tasks {
        let response = task.await.unwrap();
        match response.status {
            200 => ok += 1,
            402 => {
                assert!(response.text.starts_with(
                    r#"{"status":"error","code":402,"message":"Insufficient credits: 1 required, 0 remaining.""#
                ), "{}", response.text);
                short += 1;
            }
            other => panic!("unexpected {other}: {}", response.text),
        }
    }
    assert_eq!((ok, short), (50, 150));
    assert_eq!(app.store.balance(&org_id).await.unwrap(), 0);
    assert_eq!(app.store.ledger_sum(&org_id).await.unwrap(), 0);
}
