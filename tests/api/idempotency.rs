//! `Idempotency-Key`: a replay returns the first response without redoing the work.

use serde_json::json;

use crate::helpers::TestApp;

const PATH: &str = "/api/v2/finance/customer-data-pull";

#[tokio::test]
async fn a_replayed_post_does_the_work_once() {
    let app = TestApp::spawn().await;
    let request = json!({"mobile_number": "9553226860", "full_name": "Manish Gupta"});
    let send = |key: &'static str, body: serde_json::Value| {
        let builder = app
            .http
            .post(app.url(PATH))
            .bearer_auth(&app.key)
            .header("Idempotency-Key", key)
            .json(&body);
        app.send(builder)
    };
    let first = send("order-42", request.clone()).await;
    assert_eq!(first.status, 200);
    let second = send("order-42", request.clone()).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.text, first.text);
    assert_eq!(second.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(app.balance().await, 999, "charged once");

    // Same key, different body: refused, nothing done.
    let other = send(
        "order-42",
        json!({"mobile_number": "9553226861", "full_name": "Manish Gupta"}),
    )
    .await;
    assert_eq!(other.status, 422);
    assert_eq!(
        other.text,
        r#"{"status":"error","code":422,"message":"Idempotency-Key has already been used with a different request.","data":null}"#
    );
    assert_eq!(app.balance().await, 999);

    // Another tenant may use the same key.
    let (_, other_key) = crate::helpers::create_org(&app.store, "Other", 5).await;
    let theirs = app
        .send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&other_key)
                .header("Idempotency-Key", "order-42")
                .json(&request),
        )
        .await;
    assert_eq!(theirs.status, 200);
    assert_eq!(theirs.json()["credits_remaining"], 4);
}

#[tokio::test]
async fn responses_that_did_no_work_are_not_kept() {
    let app = TestApp::spawn().await;
    let (org_id, key) = crate::helpers::create_org(&app.store, "Empty", 0).await;
    let request = json!({"mobile_number": "9553226860", "full_name": "Manish Gupta"});
    let send = || {
        app.send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&key)
                .header("Idempotency-Key", "retry-after-top-up")
                .json(&request),
        )
    };
    assert_eq!(send().await.status, 402);
    app.store
        .move_credits(&satyapan::store::credits::Movement {
            org_id: &org_id,
            kind: satyapan::store::credits::LedgerKind::Purchase,
            amount: 5,
            service: "test",
            reference_id: None,
            input: None,
            output: None,
        })
        .await
        .unwrap()
        .unwrap();
    let retried = send().await;
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert!(retried.headers.get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn framework_rejections_answer_in_the_envelope() {
    let app = TestApp::spawn().await;
    let malformed = app
        .send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&app.key)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.text.as_str()),
        (
            400,
            r#"{"status":"error","code":400,"message":"Request body is not valid JSON.","data":null}"#
        )
    );
    let wrong_type = app
        .send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&app.key)
                .body("mobile_number=1"),
        )
        .await;
    assert_eq!(
        (wrong_type.status, wrong_type.text.as_str()),
        (
            415,
            r#"{"status":"error","code":415,"message":"Content-Type must be application/json.","data":null}"#
        )
    );
    let huge = format!(r#"{{"full_name":"{}"}}"#, "A".repeat(11 * 1024 * 1024));
    for idem in [false, true] {
        let mut request = app
            .http
            .post(app.url(PATH))
            .bearer_auth(&app.key)
            .header("content-type", "application/json")
            .body(huge.clone());
        if idem {
            request = request.header("Idempotency-Key", "big");
        }
        let too_large = app.send(request).await;
        assert_eq!(
            (too_large.status, too_large.text.as_str()),
            (
                413,
                r#"{"status":"error","code":413,"message":"Request body is too large.","data":null}"#
            ),
            "with idempotency key: {idem}"
        );
    }
    assert_eq!(app.balance().await, 1000);
}

#[tokio::test]
async fn a_key_revoked_after_the_first_answer_gets_no_replay() {
    let app = TestApp::spawn().await;
    let request = json!({"mobile_number": "9553226860", "full_name": "Manish Gupta"});
    let send = || {
        app.send(
            app.http
                .post(app.url(PATH))
                .bearer_auth(&app.key)
                .header("Idempotency-Key", "order-42")
                .json(&request),
        )
    };
    assert_eq!(send().await.status, 200);
    let key_id = app
        .store
        .find_key_by_hash(&satyapan::domain::api_keys::hash_key(&app.key))
        .await
        .unwrap()
        .unwrap()
        .key_id;
    app.store
        .set_key_state(&key_id, satyapan::domain::api_keys::KeyState::Revoked)
        .await
        .unwrap();
    let replay = send().await;
    assert_eq!(replay.status, 403, "{}", replay.text);
    assert!(replay.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        replay.text,
        r#"{"status":"error","code":403,"message":"Token access has been Revoked, Contact Support.","data":null}"#
    );
}
