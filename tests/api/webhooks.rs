//! Webhooks: signed, retried until delivered, logged, and redeliverable.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{TestApp, eventually};
use satyapan::crypto::hmac_hex;

/// Checks `Satyapan-Signature: t=…,v1=…` against the body with the secret.
fn signature_is_valid(request: &Request, secret: &str) -> bool {
    let Some(header) = request
        .headers
        .get("satyapan-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_string()),
            Some(("v1", value)) => v1 = Some(value.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut message = format!("{t}.").into_bytes();
    message.extend_from_slice(&request.body);
    hmac_hex(secret.as_bytes(), &message) == v1
}

#[tokio::test]
async fn a_failing_receiver_gets_every_event_later_signed() {
    let receiver = MockServer::start().await;
    // The receiver fails its first two deliveries, then accepts.
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&receiver)
        .await;

    let app = TestApp::spawn().await;
    let bad = app
        .send(
            app.http
                .put(app.url("/api/v2/webhooks"))
                .bearer_auth(&app.key)
                .json(&json!({"url": "ftp://x"})),
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["message"].as_str()),
        (400, Some("url must be an absolute http(s) URL."))
    );
    let set = app
        .send(
            app.http
                .put(app.url("/api/v2/webhooks"))
                .bearer_auth(&app.key)
                .json(&json!({"url": format!("{}/hooks", receiver.uri())})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let secret = set.json()["data"]["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let shown = app.get("/api/v2/webhooks").await.json();
    assert!(
        !shown.to_string().contains(&secret),
        "the secret is shown once"
    );

    let created = app
        .post(
            "/api/recruiter/v2/bgv-submit/",
            &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "02-03-1994"}]}),
        )
        .await
        .json();
    let case_id = created["data"]["cases_created"][0]["case_id"]
        .as_str()
        .unwrap()
        .to_string();

    // check.completed and case.completed both arrive, after the receiver's failures.
    let received = eventually(30, || async {
        let ok: Vec<Request> = receiver.received_requests().await.unwrap_or_default();
        (ok.len() >= 4).then_some(ok)
    })
    .await;
    for request in &received {
        assert!(signature_is_valid(request, &secret), "bad signature");
        assert_eq!(request.headers["content-type"], "application/json");
    }
    let bodies: Vec<Value> = received
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let types: Vec<&str> = bodies.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert!(
        types.contains(&"check.completed") && types.contains(&"case.completed"),
        "{types:?}"
    );
    for body in &bodies {
        assert_eq!(body["data"]["case_id"], case_id.as_str());
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        assert!(body["created_at"].is_string());
    }

    // The delivery log shows the failed attempts and the success.
    let events = app.get("/api/v2/webhooks/events").await.json();
    let all = events["data"].as_array().unwrap();
    assert_eq!(all.len(), 2);
    let mut logged = 0;
    for event in all {
        let id = event["id"].as_str().unwrap();
        let log = eventually(10, || async {
            let log = app
                .get(&format!("/api/v2/webhooks/events/{id}/deliveries"))
                .await
                .json();
            let rows = log["data"].as_array().cloned().unwrap_or_default();
            rows.iter().any(|r| r["status_code"] == 200).then_some(rows)
        })
        .await;
        logged += log.len();
        assert!(
            log.iter()
                .all(|r| r["url"].as_str().unwrap().ends_with("/hooks"))
        );
    }
    assert_eq!(logged, 4, "two failures and two successes");

    // Redelivery sends the same event again.
    let first = all[0]["id"].as_str().unwrap();
    let again = app
        .post(
            &format!("/api/v2/webhooks/events/{first}/redeliver"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    eventually(10, || async {
        let n = receiver.received_requests().await.unwrap_or_default().len();
        (n >= 5).then_some(())
    })
    .await;
    let unknown = app
        .post("/api/v2/webhooks/events/evt_nope/redeliver", &json!({}))
        .await;
    assert_eq!(unknown.status, 404);
    let (_, other) = crate::helpers::create_org(&app.store, "Other", 1).await;
    let foreign = app
        .get_as(
            &format!("/api/v2/webhooks/events/{first}/deliveries"),
            &other,
        )
        .await;
    assert_eq!(foreign.status, 404);
}

#[tokio::test]
async fn delivery_keeps_trying_on_its_schedule_then_dead_letters() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&receiver)
        .await;
    let app = TestApp::spawn_with(|c| c.webhook_retry_schedule_secs = vec![0, 0]).await;
    app.store
        .set_webhook(
            &app.org_id,
            Some(&format!("{}/down", receiver.uri())),
            Some("whsec_x"),
        )
        .await
        .unwrap();
    app.post(
        "/api/recruiter/v2/bgv-submit/",
        &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "02-03-1994"}]}),
    )
    .await;
    // Two events × (1 try + 2 retries), then both delivery jobs are dead-lettered.
    eventually(30, || async {
        let counts = app.store.job_counts().await.unwrap();
        (counts.dead == 2).then_some(())
    })
    .await;
    assert_eq!(receiver.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn internal_targets_are_refused_unless_the_operator_allows_them() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    // The default policy: public addresses only.
    let app = TestApp::spawn_with(|c| {
        c.webhook_allowed_networks = Vec::new();
        c.webhook_retry_schedule_secs = vec![0];
    })
    .await;
    for (url, message) in [
        (
            format!("{}/hooks", receiver.uri()),
            "url must point to a public address (loopback, private and link-local addresses are refused).",
        ),
        (
            "http://169.254.169.254/latest/meta-data".to_string(),
            "url must point to a public address (loopback, private and link-local addresses are refused).",
        ),
        (
            "https://user:secret@example.com/hooks".to_string(),
            "url must not carry a user name or password.",
        ),
        (
            "http:///x".to_string(),
            "url must be an absolute http(s) URL.",
        ),
        (
            "https://example.com/a\r\nX-Injected: 1".to_string(),
            "url must not contain control characters.",
        ),
    ] {
        let response = app
            .send(
                app.http
                    .put(app.url("/api/v2/webhooks"))
                    .bearer_auth(&app.key)
                    .json(&json!({ "url": url })),
            )
            .await;
        assert_eq!(response.status, 400, "{url}: {}", response.text);
        assert_eq!(response.json()["message"], message, "{url}");
    }
    // A target that got past registration (or was re-pointed) is checked again on delivery.
    app.store
        .set_webhook(
            &app.org_id,
            Some(&format!("{}/hooks", receiver.uri())),
            Some("whsec_x"),
        )
        .await
        .unwrap();
    app.post(
        "/api/recruiter/v2/bgv-submit/",
        &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "02-03-1994"}]}),
    )
    .await;
    let events = eventually(30, || async {
        let counts = app.store.job_counts().await.unwrap();
        (counts.dead == 2).then_some(())
    })
    .await;
    let _: () = events;
    assert!(receiver.received_requests().await.unwrap().is_empty());
    let listed = app.get("/api/v2/webhooks/events").await.json();
    let id = listed["data"][0]["id"].as_str().unwrap().to_string();
    let log = app
        .get(&format!("/api/v2/webhooks/events/{id}/deliveries"))
        .await
        .json();
    assert_eq!(
        log["data"][0]["error"],
        "receiver address is not allowed (not a public address)"
    );
}

/// IPv6 translation prefixes carry an IPv4 address: the metadata address (or any internal one)
/// through NAT64, 6to4 or the IPv4-compatible form is refused like the address itself, and the
/// prefixes that hide where packets go (local-use NAT64, Teredo, discard-only) are refused
/// outright — when the URL is set, and again when a delivery is due.
#[tokio::test]
async fn ipv6_translation_targets_are_refused_at_configuration_and_delivery() {
    let app = TestApp::spawn_with(|c| {
        c.webhook_allowed_networks = Vec::new();
        c.webhook_retry_schedule_secs = vec![0];
    })
    .await;
    for url in [
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
        "http://[64:ff9b::10.0.0.1]/hooks",
        "http://[64:ff9b:1::a9fe:a9fe]/hooks",
        "http://[2002:a9fe:a9fe::1]/hooks",
        "http://[::169.254.169.254]/hooks",
        "http://[2001:0:4136:e378:8000:63bf:5601:5601]/hooks",
        "http://[100::a9fe:a9fe]/hooks",
    ] {
        let response = app
            .send(
                app.http
                    .put(app.url("/api/v2/webhooks"))
                    .bearer_auth(&app.key)
                    .json(&json!({ "url": url })),
            )
            .await;
        assert_eq!(response.status, 400, "{url}: {}", response.text);
        assert_eq!(
            response.json()["message"],
            "url must point to a public address (loopback, private and link-local addresses are refused).",
            "{url}"
        );
    }
    // NAT64 to a public address is an ordinary receiver on an IPv6-only network.
    let response = app
        .send(
            app.http
                .put(app.url("/api/v2/webhooks"))
                .bearer_auth(&app.key)
                .json(&json!({ "url": "https://[64:ff9b::808:808]/hooks" })),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text);

    // A target written past registration is refused when the delivery is due.
    app.store
        .set_webhook(
            &app.org_id,
            Some("http://[64:ff9b::a9fe:a9fe]/latest/meta-data"),
            Some("whsec_x"),
        )
        .await
        .unwrap();
    app.post(
        "/api/recruiter/v2/bgv-submit/",
        &json!({"checks": ["aml_check"], "candidates": [{"name": "Asha Rao", "dob": "02-03-1994"}]}),
    )
    .await;
    eventually(60, || async {
        let counts = app.store.job_counts().await.unwrap();
        (counts.dead == 2).then_some(())
    })
    .await;
    let listed = app.get("/api/v2/webhooks/events").await.json();
    let id = listed["data"][0]["id"].as_str().unwrap().to_string();
    let log = app
        .get(&format!("/api/v2/webhooks/events/{id}/deliveries"))
        .await
        .json();
    assert_eq!(
        log["data"][0]["error"],
        "receiver address is not allowed (not a public address)"
    );
}
