//! The OpenAPI document served at `/openapi.json`. Each operation's path, id, security,
//! parameters, request type, own statuses and links come from its handler's `#[utoipa::path]`,
//! and the request and answer schemas from the types (`ToSchema`); this module adds only what
//! every operation of a surface shares, read off the operation's shape: the statuses the shared
//! machinery answers with (authentication, body parsing, idempotency, timeouts, URI and header
//! limits), the surface's error body on every error status, the Idempotency-Key header, and the
//! security schemes.

use serde_json::{Map, Value, json};

/// Who may call an operation (read from its `security`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    Public,
    /// KonnectNXT and Watchman: `Authorization: Bearer <API key>`.
    ApiKey,
    /// AnyCheck: a JWT from `/auth/login` as the bearer, or an API key (`X-API-Key` or bearer).
    AnyCheck,
    /// The operator's `admin_token` as the bearer.
    Admin,
}

/// Whose error body an operation answers in (by its path).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    KonnectNxt,
    AnyCheck,
    Watchman,
    Plain,
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The error bodies, one per surface.
fn error_schemas() -> Map<String, Value> {
    let string = json!({ "type": "string" });
    let count = json!({ "type": "integer", "minimum": 0 });
    let codes: Vec<&str> = crate::api::anycheck::errors::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut schemas = Map::new();
    schemas.insert(
        "KonnectNxtError".into(),
        json!({
            "type": "object",
            "description": "Every error of the /api/… surface.",
            "properties": {
                "status": { "type": "string", "enum": ["error"] },
                "code": { "type": "integer", "description": "The HTTP status." },
                "message": string,
                "data": { "type": "null" },
                "credits_used": count,
                "credits_remaining": count,
                "credits_left": count,
                "errors": {
                    "description": "bgv-submit: [{candidate_index, field, reason}]; screening search: [{field, message}].",
                    "type": "array",
                    "items": { "type": "object" },
                },
            },
            "required": ["status", "code", "message", "data"],
            "example": { "status": "error", "code": 401, "message": "Invalid API key (organization ID)", "data": null },
        }),
    );
    schemas.insert(
        "AnyCheckError".into(),
        json!({
            "type": "object",
            "properties": {
                "error_code": { "type": "string", "enum": codes },
                "message": string,
                "errors": { "type": "array", "items": {
                    "type": "object",
                    "properties": { "field": string, "message": string },
                    "required": ["field", "message"],
                } },
            },
            "required": ["error_code", "message", "errors"],
            "example": { "error_code": "UNAUTHORIZED", "message": "Authentication is required: send Authorization: Bearer <access token>, or X-API-Key.", "errors": [] },
        }),
    );
    schemas.insert(
        "WatchmanError".into(),
        json!({ "type": "object", "properties": { "error": string }, "required": ["error"] }),
    );
    schemas
}

fn error_schema(body: Body) -> Option<Value> {
    match body {
        Body::KonnectNxt => Some(schema_ref("KonnectNxtError")),
        Body::AnyCheck => Some(schema_ref("AnyCheckError")),
        Body::Watchman => Some(schema_ref("WatchmanError")),
        Body::Plain => None,
    }
}

/// What the shared machinery needs to know of an operation, read off the document.
struct Shape<'a> {
    method: &'a str,
    path: &'a str,
    auth: Auth,
    errors: Body,
    has_body: bool,
    json_body: bool,
    has_query: bool,
}

impl<'a> Shape<'a> {
    fn of(path: &'a str, method: &'a str, operation: &Map<String, Value>) -> Self {
        let schemes: Vec<&str> = operation
            .get("security")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|o| o.keys().map(String::as_str))
            .collect();
        let auth = if schemes.contains(&"bearerJwt") {
            Auth::AnyCheck
        } else if schemes.contains(&"adminToken") {
            Auth::Admin
        } else if schemes.contains(&"bearerAuth") {
            Auth::ApiKey
        } else {
            Auth::Public
        };
        // The operational endpoints (tag `operations`) answer in no surface's body.
        let operational = operation
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| tags.iter().any(|t| t == "operations"));
        let errors = if operational {
            Body::Plain
        } else if crate::api::watchman::owns(path) {
            Body::Watchman
        } else if crate::api::anycheck::owns(path) && !path.starts_with("/admin/") {
            Body::AnyCheck
        } else {
            Body::KonnectNxt
        };
        let content = operation.get("requestBody").and_then(|b| b.get("content"));
        Shape {
            method,
            path,
            auth,
            errors,
            has_body: content.is_some(),
            json_body: content.is_some_and(|c| c.get("application/json").is_some()),
            has_query: operation
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|p| p["in"] == "query"),
        }
    }

    fn idempotent_post(&self) -> bool {
        self.errors == Body::KonnectNxt && self.method == "post" && self.path.starts_with("/api/")
    }
}

/// The statuses the shared machinery answers with before or around the handler.
fn shared_statuses(op: &Shape) -> Vec<(u16, &'static str)> {
    let mut out = Vec::new();
    match op.auth {
        Auth::Public => {}
        Auth::ApiKey => {
            out.push((401, "Missing, malformed or unknown API key"));
            out.push((403, "The API key is revoked or inactive"));
        }
        Auth::AnyCheck => out.push((
            401,
            "UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED, INVALID_API_KEY, API_KEY_EXPIRED",
        )),
        Auth::Admin => out.push((401, "Missing or wrong admin token")),
    }
    if op.has_body || op.method == "post" && op.errors != Body::Plain {
        out.push((
            400,
            "The body is not valid JSON, or the request is malformed",
        ));
        out.push((413, "The body is larger than the limit"));
    }
    if op.json_body {
        out.push((415, "Content-Type is not application/json"));
    }
    if op.idempotent_post() {
        out.push((400, "Idempotency-Key is not 1–255 printable characters"));
        out.push((
            409,
            "A request with this Idempotency-Key is still being processed",
        ));
        out.push((422, "The Idempotency-Key was used with a different request"));
    }
    if op.errors == Body::AnyCheck {
        out.push((408, "REQUEST_TIMEOUT"));
    }
    if op.path.contains('{') {
        out.push((404, "No such resource"));
    }
    if op.has_query {
        out.push((400, "A query parameter is invalid"));
    }
    out
}

fn response(description: &str, schema: Option<Value>) -> Value {
    match schema {
        Some(schema) => {
            json!({ "description": description, "content": { "application/json": { "schema": schema } } })
        }
        None => json!({ "description": description }),
    }
}

/// Applies the module's declarations to the generated document.
fn patch(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    if let Some(components) = components {
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut();
        if let Some(schemas) = schemas {
            schemas.extend(error_schemas());
        }
        components.insert(
            "securitySchemes".into(),
            json!({
                "bearerAuth": { "type": "http", "scheme": "bearer", "description": "The organisation's API key (sat_live_… or sat_test_…) as the bearer token." },
                "bearerJwt": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "AnyCheck: the access token from /auth/login." },
                "apiKey": { "type": "apiKey", "in": "header", "name": "X-API-Key", "description": "AnyCheck: an API key of the organisation." },
                "adminToken": { "type": "http", "scheme": "bearer", "description": "The operator's admin_token." },
            }),
        );
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            let shape = Shape::of(path, method, operation);
            patch_operation(operation, &shape);
        }
    }
}

/// Adds to one operation what its surface shares: parameters, shared statuses, error bodies.
fn patch_operation(operation: &mut Map<String, Value>, shape: &Shape) {
    // A body that may be left out (`request_body = Option<T>`, which utoipa writes as "T or
    // null" and leaves not required): described as the object `T`.
    if let Some(content) = operation
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for media in content.values_mut() {
            let object = media["schema"]["oneOf"].as_array().and_then(|choices| {
                let mut others = choices.iter().filter(|c| c["type"] != "null");
                match (choices.len(), others.next(), others.next()) {
                    (2, Some(object), None) => Some(object.clone()),
                    _ => None,
                }
            });
            if let Some(object) = object {
                media["schema"] = object;
            }
        }
    }
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters.iter_mut() {
            // Every surface reads an optional query parameter left empty as not given.
            if parameter["in"] == "query" && parameter["required"] != true {
                parameter["allowEmptyValue"] = json!(true);
            }
        }
    }
    if shape.idempotent_post() {
        let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
        if let Some(parameters) = parameters.as_array_mut() {
            parameters.push(json!({
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "Replays the first answer to the same key and body for 24 h.",
                "schema": { "type": "string", "minLength": 1, "maxLength": 255 },
            }));
        }
    }
    let mut responses = operation
        .get("responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // An error the annotation lists without a body answers in the surface's error body.
    for (status, answer) in responses.iter_mut() {
        if status.as_str() >= "400"
            && answer.get("content").is_none()
            && let Some(schema) = error_schema(shape.errors)
        {
            answer["content"] = json!({ "application/json": { "schema": schema } });
        }
    }
    for (status, description) in shared_statuses(shape) {
        let key = status.to_string();
        match responses.get_mut(&key) {
            Some(existing) => {
                if let Some(text) = existing["description"].as_str()
                    && !text.contains(description)
                {
                    existing["description"] = json!(format!("{text}; {description}"));
                }
            }
            None => {
                responses.insert(key, response(description, error_schema(shape.errors)));
            }
        }
    }
    // Refused before the handler on every path: an over-long URI in the surface's body; headers
    // too large by the connection itself, before any path is known, in the KonnectNXT
    // envelope (`api::common::wire`).
    if let Some(schema) = error_schema(shape.errors) {
        responses
            .entry("414")
            .or_insert_with(|| response("The URI is longer than the limit", Some(schema)));
    }
    responses.entry("431").or_insert_with(|| {
        response(
            "The request headers are too large (answered in the KonnectNXT envelope)",
            Some(schema_ref("KonnectNxtError")),
        )
    });
    operation.insert("responses".into(), Value::Object(responses));
}

/// The document served at `/openapi.json`.
pub fn document(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or(Value::Null);
    patch(&mut doc);
    doc
}
