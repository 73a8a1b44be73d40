//! Operational endpoints and the envelope for framework-level errors.

use crate::helpers::TestApp;

#[tokio::test]
async fn health_readiness_metrics_docs() {
    let app = TestApp::spawn().await;
    let health = app.send(app.http.get(app.url("/healthz"))).await;
    assert_eq!(
        (health.status, health.json()["status"].as_str()),
        (200, Some("ok"))
    );
    let ready = app.send(app.http.get(app.url("/readyz"))).await;
    assert_eq!(ready.status, 200);

    // A request is counted by its route template and status.
    app.get("/api/v2/credits/transactions").await;
    let metrics = app.send(app.http.get(app.url("/metrics"))).await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.text.contains(
        r#"satyapan_http_requests_total{method="GET",route="/api/v2/credits/transactions",status="200"}"#
    ));
    assert!(
        metrics
            .text
            .contains("satyapan_http_request_duration_seconds_bucket")
    );
    assert!(metrics.text.contains(r#"satyapan_jobs{state="queued"}"#));

    let openapi = app
        .send(app.http.get(app.url("/openapi.json")))
        .await
        .json();
    assert!(openapi["paths"]["/api/v2/credits/transactions"]["get"].is_object());
    assert!(openapi["components"]["securitySchemes"]["bearerAuth"].is_object());

    // The docs page and its assets come from the binary itself.
    let docs = app.send(app.http.get(app.url("/docs/"))).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger-ui"));
    let bundle = app
        .send(app.http.get(app.url("/docs/swagger-ui-bundle.js")))
        .await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.text.len() > 100_000);
}

#[tokio::test]
async fn unknown_route_and_wrong_method_answer_in_the_envelope() {
    let app = TestApp::spawn().await;
    let missing = app.get("/api/v9/nothing-here").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.text,
        r#"{"status":"error","code":404,"message":"The requested resource was not found.","data":null}"#
    );
    let wrong = app
        .send(
            app.http
                .delete(app.url("/api/v2/credits/transactions"))
                .bearer_auth(&app.key),
        )
        .await;
    assert_eq!(wrong.status, 405);
    assert_eq!(
        wrong.text,
        r#"{"status":"error","code":405,"message":"Method not allowed for this resource.","data":null}"#
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v2/credits/transactions").await;
    let id = response.headers.get("x-request-id").expect("request id");
    assert_eq!(id.to_str().unwrap().len(), 36);
    // A caller's own id is kept.
    let mine = app
        .send(
            app.http
                .get(app.url("/healthz"))
                .header("x-request-id", "trace-me-123"),
        )
        .await;
    assert_eq!(mine.headers.get("x-request-id").unwrap(), "trace-me-123");
}
