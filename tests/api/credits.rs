//! The ledger: the balance never goes below zero, always equals the ledger's sum, and the
//! transactions listing validates and filters.

use std::sync::Arc;

use satyapan::store::credits::{LedgerKind, Movement};

use crate::helpers::{TestApp, create_org};

fn debit<'a>(org_id: &'a str, reference: &'a str) -> Movement<'a> {
    Movement {
        org_id,
        kind: LedgerKind::Debit,
        amount: 1,
        service: "test",
        reference_id: Some(reference),
        input: None,
        output: None,
    }
}

#[tokio::test]
async fn concurrent_debits_never_overdraw() {
    let app = TestApp::spawn().await;
    let (org_id, _) = create_org(&app.store, "Fifty", 50).await;
    let org_id = Arc::new(org_id);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let store = app.store.clone();
        let org_id = org_id.clone();
        tasks.push(tokio::spawn(async move {
            store
                .move_credits(&debit(&org_id, &i.to_string()))
                .await
                .expect("store error")
        }));
    }
    let mut ok = 0;
    let mut short = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(insufficient) => {
                assert_eq!((insufficient.required, insufficient.remaining), (1, 0));
                short += 1;
            }
        }
    }
    assert_eq!((ok, short), (50, 150));
    assert_eq!(app.store.balance(&org_id).await.unwrap(), 0);
    assert_eq!(app.store.ledger_sum(&org_id).await.unwrap(), 0);
}

#[tokio::test]
async fn listing_filters_pages_and_validates() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        app.store
            .move_credits(&debit(&app.org_id, &format!("ref-{i}")))
            .await
            .unwrap()
            .unwrap();
    }
    app.store
        .move_credits(&Movement {
            org_id: &app.org_id,
            kind: LedgerKind::Refund,
            amount: 1,
            service: "test",
            reference_id: Some("ref-0"),
            input: Some(&serde_json::json!({"mobile_number": "9553226860"})),
            output: Some(&serde_json::json!({"ok": true})),
        })
        .await
        .unwrap()
        .unwrap();

    let all = app.get("/api/v2/credits/transactions").await.json();
    assert_eq!(all["data"]["pagination"]["total"], 7);
    assert_eq!(all["data"]["credits_remaining"], 996);
    assert_eq!(all["credits_remaining"], 996);
    let newest = &all["data"]["transactions"][0];
    assert_eq!(newest["transaction_type"], "refund");
    assert_eq!(newest["amount"], 1);
    assert_eq!(newest["balance_after"], 996);
    assert!(newest.get("input").is_none());

    let debits = app
        .get("/api/v2/credits/transactions?transaction_type=debit&per_page=2&page=2")
        .await
        .json();
    assert_eq!(debits["data"]["pagination"]["total"], 5);
    assert_eq!(debits["data"]["pagination"]["total_pages"], 3);
    assert_eq!(debits["data"]["transactions"].as_array().unwrap().len(), 2);

    let with_io = app
        .get("/api/v2/credits/transactions?transaction_type=refund&include_input=true&include_output=1")
        .await
        .json();
    assert_eq!(
        with_io["data"]["transactions"][0]["input"]["mobile_number"],
        "9553226860"
    );
    assert_eq!(with_io["data"]["transactions"][0]["output"]["ok"], true);

    let today = chrono::Utc::now()
        .with_timezone(&satyapan::domain::time::IST)
        .format("%d-%m-%Y")
        .to_string();
    let ranged = app
        .get(&format!(
            "/api/v2/credits/transactions?start_date={today}&end_date={today}"
        ))
        .await
        .json();
    assert_eq!(ranged["data"]["pagination"]["total"], 7);
    let past = app
        .get("/api/v2/credits/transactions?start_date=01-01-2020&end_date=31-12-2020")
        .await
        .json();
    assert_eq!(past["data"]["pagination"]["total"], 0);

    for (query, message) in [
        (
            "start_date=2020-01-01",
            "Invalid start_date: expected DD-MM-YYYY, got '2020-01-01'.",
        ),
        (
            "end_date=31-02-2024",
            "Invalid end_date: expected DD-MM-YYYY, got '31-02-2024'.",
        ),
        (
            "start_date=02-01-2024&end_date=01-01-2024",
            "start_date must not be after end_date.",
        ),
        (
            "transaction_type=gift",
            "Invalid transaction_type. Allowed values: credit, debit, refund, purchase, deduction.",
        ),
        (
            "page=0",
            "page must be an integer greater than or equal to 1.",
        ),
        (
            "page=abc",
            "page must be an integer greater than or equal to 1.",
        ),
        (
            "per_page=501",
            "per_page must be an integer between 1 and 500.",
        ),
        (
            "per_page=0",
            "per_page must be an integer between 1 and 500.",
        ),
        ("include_input=yes", "include_input must be true or false."),
        ("include_output=2", "include_output must be true or false."),
    ] {
        let response = app
            .get(&format!("/api/v2/credits/transactions?{query}"))
            .await;
        assert_eq!(response.status, 400, "{query}");
        assert_eq!(
            response.text,
            format!(r#"{{"status":"error","code":400,"message":"{message}","data":null}}"#),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_tenant_sees_only_its_own_ledger() {
    let app = TestApp::spawn().await;
    let (other_org, other_key) = create_org(&app.store, "Other", 10).await;
    app.store
        .move_credits(&debit(&app.org_id, "mine"))
        .await
        .unwrap()
        .unwrap();
    let theirs = app
        .get_as("/api/v2/credits/transactions", &other_key)
        .await
        .json();
    let rows = theirs["data"]["transactions"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["service"], "opening_balance");
    assert_eq!(theirs["data"]["credits_remaining"], 10);
    assert_eq!(app.store.balance(&other_org).await.unwrap(), 10);
}
