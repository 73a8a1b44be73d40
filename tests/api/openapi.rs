//! The OpenAPI document stays precise: every operation has its id, security, error bodies and
//! shared statuses; request bodies name their required fields and the documented maxima; what
//! it says about authentication failures is what the server answers. Also the faults the
//! contract fuzzer (scripts/schemathesis.sh) found.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use satyapan::domain::text::limits;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

async fn document(app: &TestApp) -> Value {
    let response = app.send(app.http.get(app.url("/openapi.json"))).await;
    assert_eq!(response.status, 200);
    response.json()
}

/// `(path, method, operation)` for every operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                out.push((path.clone(), method.to_string(), op.clone()));
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {reference}")),
        None => node,
    }
}

fn schema_of(response: &Value) -> &Value {
    &response["content"]["application/json"]["schema"]
}

fn error_component(path: &str) -> &'static str {
    if path.starts_with("/api/") || path.starts_with("/admin/") {
        "#/components/schemas/KonnectNxtError"
    } else if path.starts_with("/v2/") {
        "#/components/schemas/WatchmanError"
    } else {
        "#/components/schemas/AnyCheckError"
    }
}

#[tokio::test]
async fn every_operation_declares_its_security_statuses_and_error_bodies() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() >= 38, "{} operations", ops.len());
    let mut ids = HashSet::new();
    for (path, method, op) in &ops {
        let name = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty() && ids.insert(id.to_string()),
            "{name}: operationId {id:?}"
        );
        let responses = op["responses"].as_object().expect("responses");
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        let public = [
            "/healthz",
            "/readyz",
            "/metrics",
            "/auth/login",
            "/auth/refresh",
            "/auth/methods",
        ];
        assert_eq!(
            secured,
            !public.contains(&path.as_str()),
            "{name}: security"
        );
        if secured {
            assert!(responses.contains_key("401"), "{name}: no 401");
        }
        // Every error answer names its surface's error body; every success its own schema.
        for (status, response) in responses {
            let code: u16 = status.parse().expect("numeric status");
            let schema = schema_of(response);
            // 431 is answered by the connection before any path is known: KonnectNXT's body.
            if code == 431 {
                assert_eq!(schema["$ref"], "#/components/schemas/KonnectNxtError");
            } else if code >= 400 && !["/readyz"].contains(&path.as_str()) {
                assert_eq!(schema["$ref"], error_component(path), "{name} {status}");
            }
            if (200..300).contains(&code) && path != "/metrics" {
                assert!(schema.is_object(), "{name} {status}: no schema");
            }
        }
        // A JSON body is an object with its required fields; its failures are declared.
        if let Some(body) = op["requestBody"]["content"].get("application/json") {
            let schema = resolve(&doc, &body["schema"]);
            assert_eq!(schema["type"], "object", "{name}");
            let optional_only = ["updateVerification", "retryVerification"];
            if !optional_only.contains(&id) {
                assert!(
                    schema["required"].as_array().is_some_and(|r| !r.is_empty()),
                    "{name}: a body with no required field accepts {{}}"
                );
            }
            for status in ["400", "413", "415"] {
                assert!(responses.contains_key(status), "{name}: no {status}");
            }
        }
        // Every POST under /api/ takes an Idempotency-Key and declares its conflicts.
        if method == "post" && path.starts_with("/api/") {
            let header = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header");
            assert!(header, "{name}: Idempotency-Key");
            for status in ["409", "422"] {
                assert!(responses.contains_key(status), "{name}: no {status}");
            }
        }
        // A query parameter's failure is declared.
        let has_query = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["in"] == "query");
        if has_query {
            assert!(responses.contains_key("400"), "{name}: no 400");
        }
    }
    // Every reference resolves.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap_or_default();
        assert!(
            doc.pointer(target.trim_start_matches('#')).is_some(),
            "unresolved {target}"
        );
    }
    for scheme in ["bearerAuth", "apiKey", "bearerJwt", "adminToken"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "{scheme}"
        );
    }
}

#[tokio::test]
async fn request_bodies_carry_the_documented_maxima() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
    };
    let pull = body("/api/v2/finance/customer-data-pull", "post");
    for rule in [
        limits::MOBILE_NUMBER,
        limits::FULL_NAME,
        limits::CONSENT_PURPOSE,
        limits::ID_VALUE,
    ] {
        assert_eq!(
            pull["properties"][rule.field]["maxLength"],
            json!(rule.max_chars),
            "{}",
            rule.field
        );
    }
    assert_eq!(pull["required"], json!(["mobile_number", "full_name"]));
    let submit = body("/api/recruiter/v2/bgv-submit/", "post");
    assert_eq!(
        submit["properties"]["checks"]["maxItems"],
        json!(limits::CHECKS.max_items)
    );
    let candidate = &submit["properties"]["candidates"]["items"];
    assert_eq!(candidate["required"], json!(["name"]));
    for rule in [
        limits::NAME,
        limits::EMAIL,
        limits::PERMANENT_ADDRESS,
        limits::PHOTO,
    ] {
        assert_eq!(
            candidate["properties"][rule.field]["maxLength"],
            json!(rule.max_chars),
            "{}",
            rule.field
        );
    }
    let audit = body("/api/recruiter/v2/cases/{case_id}/audit", "post");
    assert_eq!(
        audit["properties"]["note"]["maxLength"],
        json!(limits::NOTE.max_chars)
    );
    assert_eq!(
        audit["properties"]["decision"]["enum"],
        json!(["approve", "reject"])
    );
    let webhook = body("/api/v2/webhooks", "put");
    assert_eq!(
        webhook["properties"]["url"]["maxLength"],
        json!(limits::WEBHOOK_URL.max_chars)
    );
    // A documented example is a valid request: the GST one initiates.
    let example = doc["paths"]["/api/gst/initiate"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .clone();
    let initiated = app.post("/api/gst/initiate", &example).await;
    assert_eq!(initiated.status, 200, "{}", initiated.text);
}

/// What the document says of a request without credentials is what the server answers: the
/// status is declared, and the body has the declared error schema's required fields.
#[tokio::test]
async fn every_secured_operation_answers_401_in_its_documented_body() {
    // With an admin token configured, so the admin route exists.
    let app = TestApp::spawn_with(|c| {
        c.admin_token = Some(satyapan::secret::Secret::new("operator".into()));
    })
    .await;
    let doc = document(&app).await;
    for (path, method, op) in operations(&doc) {
        if op["security"].as_array().is_none_or(Vec::is_empty) {
            continue;
        }
        let concrete: Vec<String> = path
            .split('/')
            .map(|segment| match segment {
                "{event_id}" => "evt_00000000000000000000000000000000".to_string(),
                s if s.starts_with('{') => "00000000-0000-0000-0000-000000000000".to_string(),
                s => s.to_string(),
            })
            .collect();
        let url = app.url(&concrete.join("/"));
        let request = app
            .http
            .request(method.to_uppercase().parse().expect("method"), &url)
            .json(&json!({}));
        let response = app.send(request).await;
        let name = format!("{method} {path}");
        assert_eq!(response.status, 401, "{name}: {}", response.text);
        let declared = &op["responses"]["401"];
        let schema = resolve(&doc, schema_of(declared));
        let body = response.json();
        for field in schema["required"].as_array().expect("required") {
            let field = field.as_str().expect("name");
            assert!(
                body.get(field).is_some(),
                "{name}: 401 body lacks {field}: {body}"
            );
        }
    }
}

/// A query parameter given twice was answered with one of its values, silently; it is a 400
/// naming the parameter (the KonnectNXT and AnyCheck surfaces).
#[tokio::test]
async fn a_repeated_query_parameter_is_refused() {
    let app = TestApp::spawn().await;
    let twice = app.get("/api/v2/webhooks/events?limit=5&limit=abc").await;
    assert_eq!(twice.status, 400, "{}", twice.text);
    assert_eq!(twice.json()["message"], "limit must be given at most once.");
    let once = app.get("/api/v2/webhooks/events?limit=5").await;
    assert_eq!(once.status, 200);
    let anycheck = app
        .send(
            app.http
                .get(app.url("/verifications?result_id=a&result_id=b"))
                .header("X-API-Key", &app.key),
        )
        .await;
    assert_eq!(anycheck.status, 400, "{}", anycheck.text);
    assert_eq!(anycheck.json()["error_code"], "INVALID_REQUEST");
    assert_eq!(anycheck.json()["errors"][0]["field"], "result_id");
}
