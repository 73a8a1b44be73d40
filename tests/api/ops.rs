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

fn header<'a>(response: &'a crate::helpers::TestResponse, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", response.headers))
        .to_str()
        .unwrap()
}

/// Every answer — an API's, an error, a fallback, the metrics — says `nosniff`, refuses to be
/// framed, sends no referrer, and carries a policy under which nothing loads or runs.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let answers = [
        app.get("/api/v2/credits/transactions").await,
        app.get("/api/v9/nothing-here").await,
        app.send(app.http.get(app.url("/healthz"))).await,
        app.send(app.http.get(app.url("/metrics"))).await,
        app.send(app.http.get(app.url("/openapi.json"))).await,
        app.send(app.http.get(app.url("/verifications"))).await,
        app.send(app.http.get(app.url("/v2/search?name=x"))).await,
        app.get(&format!("/api/v2/webhooks/events?x={}", "a".repeat(9000)))
            .await,
    ];
    for response in &answers {
        assert_eq!(header(response, "x-content-type-options"), "nosniff");
        assert_eq!(header(response, "x-frame-options"), "DENY");
        assert_eq!(header(response, "referrer-policy"), "no-referrer");
        let policy = header(response, "content-security-policy");
        assert!(
            policy.contains("default-src 'none'")
                && policy.contains("frame-ancestors 'none'")
                && policy.contains("sandbox"),
            "{policy}"
        );
    }
}

/// The Swagger UI still loads under its own policy: the page has no inline script, every
/// script, stylesheet and icon it names comes from this origin, is served with a type a
/// browser accepts under `nosniff`, and is allowed by the page's policy; the OpenAPI document
/// it fetches is on this origin too.
#[tokio::test]
async fn the_docs_load_under_their_own_policy() {
    let app = TestApp::spawn().await;
    let page = app.send(app.http.get(app.url("/docs/"))).await;
    assert_eq!(page.status, 200);
    assert!(header(&page, "content-type").starts_with("text/html"));
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    let policy = header(&page, "content-security-policy").to_string();
    let directive = |name: &str| -> Vec<String> {
        policy
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name).map(|rest| rest.trim().to_string()))
            .map(|sources| sources.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    assert_eq!(directive("script-src"), ["'self'"], "{policy}");
    assert_eq!(directive("frame-ancestors"), ["'none'"], "{policy}");
    assert!(directive("style-src").contains(&"'self'".to_string()));
    assert!(directive("img-src").contains(&"data:".to_string()));
    assert!(directive("connect-src").contains(&"'self'".to_string()));
    assert!(!policy.contains("sandbox"), "{policy}");

    // No inline script: each <script> names its source.
    let html = page.text.clone();
    for script in html.split("<script").skip(1) {
        let open = &script[..script.find('>').unwrap()];
        assert!(open.contains("src="), "an inline script: <script{open}>");
    }
    // Every resource the page names, fetched as the browser would.
    let mut resources = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for rest in html.split(attribute).skip(1) {
            resources.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    assert!(resources.len() >= 5, "{resources:?}");
    for resource in &resources {
        assert!(
            !resource.contains("//"),
            "{resource}: not on this origin, which the policy refuses"
        );
        let url = format!("/docs/{}", resource.trim_start_matches("./"));
        let response = app.send(app.http.get(app.url(&url))).await;
        assert_eq!(response.status, 200, "{url}");
        let content_type = header(&response, "content-type");
        let expected = if url.ends_with(".js") {
            "javascript"
        } else if url.ends_with(".css") {
            "text/css"
        } else {
            "image/"
        };
        assert!(content_type.contains(expected), "{url}: {content_type}");
        assert_eq!(
            header(&response, "content-security-policy"),
            policy,
            "{url}"
        );
    }
    // The initializer points the UI at this origin's document.
    let initializer = app
        .send(app.http.get(app.url("/docs/swagger-initializer.js")))
        .await;
    assert!(
        initializer.text.contains("\"/openapi.json\""),
        "{}",
        initializer.text
    );
    assert!(!initializer.text.contains("http://") && !initializer.text.contains("https://"));
}
