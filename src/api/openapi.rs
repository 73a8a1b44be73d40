//! The OpenAPI document served at `/openapi.json`. The handlers' `#[utoipa::path]` annotations
//! give each operation's path, summary, tag and parameters; this module gives what a generated
//! client and a contract fuzzer need besides: every request body field (type, required, maximum
//! from `domain::text::limits`, enum), each surface's envelope and error body, every status an
//! operation can answer with, and the security of each operation. The shared machinery's statuses
//! (authentication, body parsing, idempotency) are added here once per surface, so an operation
//! lists only its own.

use serde_json::{Map, Value, json};

use crate::app::cases::MAX_CANDIDATES;
use crate::domain::cases::{AuditDecision, CaseStatus, CheckResult, CheckStatus};
use crate::domain::catalog;
use crate::domain::events::EventType;
use crate::domain::source::SandboxOutcome;
use crate::domain::text::{ListRule, TextRule, limits};

/// Who may call an operation.
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

/// Whose error body an operation answers in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    KonnectNxt,
    AnyCheck,
    Watchman,
    Plain,
}

/// What one operation adds to its annotation.
struct Op {
    /// A unique `operationId` (handlers of different surfaces share names such as `get`).
    id: &'static str,
    method: &'static str,
    path: &'static str,
    auth: Auth,
    errors: Body,
    /// The request body's content, by media type.
    request: Option<Value>,
    /// The request body is JSON (a wrong `Content-Type` is a 415).
    json_body: bool,
    /// Query parameter schemas, by name (replacing the annotation's).
    query: Vec<(&'static str, Value)>,
    /// `(status, operationId, parameter, runtime expression)`: where an answer's values feed
    /// another operation (the link is named after that operation).
    links: Vec<(u16, &'static str, &'static str, &'static str)>,
    /// `(status, description, body schema)`: the operation's own answers.
    responses: Vec<(u16, &'static str, Option<Value>)>,
}

impl Op {
    fn new(
        id: &'static str,
        method: &'static str,
        path: &'static str,
        auth: Auth,
        errors: Body,
    ) -> Self {
        Op {
            id,
            links: Vec::new(),
            method,
            path,
            auth,
            errors,
            request: None,
            json_body: false,
            query: Vec::new(),
            responses: Vec::new(),
        }
    }

    fn json(mut self, schema: Value, example: Option<Value>) -> Self {
        let mut media = json!({ "schema": schema });
        if let Some(example) = example {
            media["example"] = example;
        }
        self.request = Some(json!({ "application/json": media }));
        self.json_body = true;
        self
    }

    fn query(mut self, name: &'static str, schema: Value) -> Self {
        self.query.push((name, schema));
        self
    }

    fn link(
        mut self,
        status: u16,
        operation: &'static str,
        parameter: &'static str,
        expression: &'static str,
    ) -> Self {
        self.links.push((status, operation, parameter, expression));
        self
    }

    fn answers(mut self, status: u16, description: &'static str, body: Option<Value>) -> Self {
        self.responses.push((status, description, body));
        self
    }
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// A text field by its rule: at most its maximum, no control characters (described: a JSON
/// Schema pattern over Unicode classes is not portable across validators).
fn text(rule: &TextRule, description: &str) -> Value {
    json!({
        "type": "string",
        "maxLength": rule.max_chars,
        "description": format!(
            "{description} Trimmed; at most {} characters; no control characters{}; blank counts as absent.",
            rule.max_chars,
            if rule.multiline { " other than line feeds and tabs" } else { "" }
        ),
    })
}

/// An optional field: absent and `null` mean the same.
fn nullable(mut schema: Value) -> Value {
    if let Some(kind) = schema.get("type").cloned()
        && kind.is_string()
    {
        schema["type"] = json!([kind, "null"]);
    } else if let Some(enumeration) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        enumeration.push(Value::Null);
    }
    schema
}

fn list(rule: &ListRule, items: Value, min: usize) -> Value {
    json!({ "type": "array", "items": items, "minItems": min, "maxItems": rule.max_items })
}

fn words<T: Copy>(all: &[T], as_str: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| as_str(*v)).collect()
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required })
}

/// The KonnectNXT envelope around `data`; `extra` names the fields this answer always carries
/// beside the four (`credits_used`, `credits_remaining`, `credits_left`, `errors`, `success`).
fn envelope(data: Value, code: u16, extra: &[&str]) -> Value {
    let mut properties = json!({
        "status": { "type": "string", "enum": ["success"] },
        "code": { "type": "integer", "enum": [code] },
        "message": { "type": "string" },
        "data": data,
    });
    for field in extra {
        properties[*field] = match *field {
            "errors" => json!({ "type": "null" }),
            "success" => json!({ "type": "boolean", "enum": [true] }),
            _ => json!({ "type": "integer", "minimum": 0 }),
        };
    }
    let mut required = vec!["status", "code", "message", "data"];
    required.extend_from_slice(extra);
    json!({ "type": "object", "properties": properties, "required": required })
}

const CREDITS: &[&str] = &["credits_used", "credits_remaining", "credits_left"];

/// The schemas every operation refers to by name.
fn schemas() -> Map<String, Value> {
    let string = json!({ "type": "string" });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let opt_string = json!({ "type": ["string", "null"] });
    let count = json!({ "type": "integer", "minimum": 0 });
    let check_results = words(CheckResult::ALL, CheckResult::as_str);
    let mut schemas = Map::new();
    let mut add = |name: &str, schema: Value| {
        schemas.insert(name.to_string(), schema);
    };

    add(
        "KonnectNxtError",
        json!({
            "type": "object",
            "description": "Every error of the /api/… surface.",
            "properties": {
                "status": { "type": "string", "enum": ["error"] },
                "code": { "type": "integer", "description": "The HTTP status." },
                "message": { "type": "string" },
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
    add(
        "AnyCheckError",
        json!({
            "type": "object",
            "properties": {
                "error_code": { "type": "string", "enum": crate::api::anycheck::errors::ErrorCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>() },
                "message": { "type": "string" },
                "errors": { "type": "array", "items": object(json!({ "field": string, "message": string }), &["field", "message"]) },
            },
            "required": ["error_code", "message", "errors"],
            "example": { "error_code": "UNAUTHORIZED", "message": "Authentication is required: send Authorization: Bearer <access token>, or X-API-Key.", "errors": [] },
        }),
    );
    add(
        "WatchmanError",
        json!({ "type": "object", "properties": { "error": string }, "required": ["error"] }),
    );

    // KonnectNXT data.
    let id_lists: Map<String, Value> = [
        "panNumber",
        "passportNumber",
        "drivingLicense",
        "voterId",
        "aadhaarNumber",
        "rationCard",
        "otherId",
    ]
    .iter()
    .map(|k| {
        let id = object(
            json!({ "idNumber": string, "sequence": string }),
            &["idNumber", "sequence"],
        );
        (k.to_string(), json!({ "type": "array", "items": id }))
    })
    .collect();
    add(
        "BureauReport",
        json!({
            "type": "object",
            "description": "Seed 001: the bureau's record of the person.",
            "properties": {
                "reportOrderNumber": string,
                "personalInfo": object(json!({ "fullName": string, "dob": string, "gender": string, "totalIncome": string, "occupation": string, "age": string }),
                    &["fullName", "dob", "gender", "totalIncome", "occupation", "age"]),
                "phoneInfo": { "type": "array", "items": object(json!({ "sequence": string, "reportedDate": string, "typeCode": string, "number": string }), &["sequence", "reportedDate", "typeCode", "number"]) },
                "emailInfo": { "type": "array", "items": object(json!({ "sequence": string, "reportedDate": string, "emailAddress": string }), &["sequence", "reportedDate", "emailAddress"]) },
                "identityInfo": {
                    "type": "object",
                    "properties": id_lists,
                },
                "addressInfo": { "type": "array", "items": object(json!({ "sequence": string, "address": string, "state": string, "type": string, "postal": string, "reportedDate": string }), &["sequence", "address", "state", "type", "postal", "reportedDate"]) },
                "source": string,
            },
            "required": ["reportOrderNumber", "personalInfo", "phoneInfo", "emailInfo", "identityInfo", "addressInfo", "source"],
        }),
    );
    add(
        "GstInitiated",
        object(
            json!({ "request_id": { "type": "string", "format": "uuid" }, "gstin": string, "status": { "type": "string", "enum": ["in_progress"] } }),
            &["request_id", "gstin", "status"],
        ),
    );
    add(
        "GstStatusResponse",
        object(
            json!({
                "request_id": { "type": "string", "format": "uuid" },
                "gstin": string, "legal_name": string, "trade_name": string, "status": string,
                "is_active": { "type": "boolean" }, "constitution": string,
                "registration_date": string, "cancellation_date": opt_string,
                "business_nature": strings, "is_sez": { "type": "boolean" },
                "turnover": object(json!({ "slab": string, "financial_year": string }), &["slab", "financial_year"]),
                "principal_address": object(json!({ "address": string, "pincode": string, "state": string, "district": string }), &["address", "pincode", "state", "district"]),
                "jurisdiction": object(json!({ "center": string, "center_code": string, "state_code": string }), &["center", "center_code", "state_code"]),
                "filing_summary": { "type": "object" },
                "hsn_codes": { "type": "array", "items": { "type": "object" } },
                "promoters": strings, "source": string, "last_updated": string,
            }),
            &[
                "request_id",
                "gstin",
                "legal_name",
                "trade_name",
                "status",
                "is_active",
                "constitution",
                "registration_date",
                "business_nature",
                "is_sez",
                "turnover",
                "principal_address",
                "jurisdiction",
                "filing_summary",
                "hsn_codes",
                "promoters",
                "source",
                "last_updated",
            ],
        ),
    );
    add(
        "GstInProgress",
        object(
            json!({ "request_id": { "type": "string", "format": "uuid" }, "gstin": string, "verification_status": { "type": "string", "enum": ["in_progress"] } }),
            &["request_id", "gstin", "verification_status"],
        ),
    );
    add(
        "Download",
        object(
            json!({
                "case_id": { "type": "string", "format": "uuid" }, "candidate_name": string,
                "status": { "type": "string", "enum": words(CaseStatus::ALL, CaseStatus::as_str) },
                "created_at": string, "completed_at": opt_string,
                "report": { "type": "string", "description": "The PDF as base64, or (type=pdf) a signed link." },
            }),
            &[
                "case_id",
                "candidate_name",
                "status",
                "created_at",
                "completed_at",
                "report",
            ],
        ),
    );
    add(
        "WebhookSettings",
        object(
            json!({ "url": opt_string, "secret": opt_string, "events": strings }),
            &["url", "events"],
        ),
    );
    add(
        "Delivery",
        object(
            json!({ "attempt": count, "url": string, "status_code": { "type": ["integer", "null"] }, "error": opt_string, "duration_ms": count, "delivered_at": string }),
            &[
                "attempt",
                "url",
                "status_code",
                "error",
                "duration_ms",
                "delivered_at",
            ],
        ),
    );
    add(
        "WebhookEvent",
        object(
            json!({
                "id": { "type": "string", "pattern": "^evt_[0-9a-f]{32}$" },
                "type": { "type": "string", "enum": words(EventType::ALL, EventType::as_str) },
                "created_at": string,
                "data": { "type": "object" },
                "timestamp": string,
            }),
            &["id", "type", "created_at", "data"],
        ),
    );
    schemas
}

fn kn_data(name: &str, code: u16, extra: &[&str]) -> Value {
    envelope(schema_ref(name), code, extra)
}

fn page_param(minimum: i64, maximum: Option<i64>, description: &str) -> Value {
    let mut schema = json!({ "type": "integer", "minimum": minimum, "description": description });
    if let Some(max) = maximum {
        schema["maximum"] = json!(max);
    }
    schema
}

fn uuid_string() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

/// Every operation's body, answers and security.
fn operations() -> Vec<Op> {
    use Auth::*;
    let kn = Body::KonnectNxt;
    let check_keys = catalog::keys();
    let outcomes = words(SandboxOutcome::ALL, SandboxOutcome::as_str);
    let final_results: Vec<&str> = CheckResult::ALL
        .iter()
        .filter(|r| **r != CheckResult::Pending)
        .map(|r| r.as_str())
        .collect();
    let date = |rule: &TextRule, what: &str| {
        nullable(text(
            rule,
            &format!(
                "{what}: DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD; not in the future, not before 1900."
            ),
        ))
    };
    let candidate = json!({
        "type": "object",
        "description": "A candidate: the details each requested check needs (docs/api.md) are required.",
        "properties": {
            "name": text(&limits::NAME, "Full name."),
            "email": nullable(text(&limits::EMAIL, "Email address.")),
            "phone": nullable(text(&limits::PHONE, "10-digit Indian mobile number.")),
            "dob": date(&limits::DOB, "Date of birth"),
            "father_name": nullable(text(&limits::FATHER_NAME, "Father's name.")),
            "permanent_address": nullable(text(&limits::PERMANENT_ADDRESS, "Permanent address.")),
            "address": nullable(text(&limits::ADDRESS, "Current address.")),
            "pincode": nullable(text(&limits::PINCODE, "6-digit PIN code.")),
            "pan": nullable(text(&limits::PAN, "PAN (AAAAA9999A).")),
            "aadhaar_number": nullable(text(&limits::AADHAAR_NUMBER, "12-digit Aadhaar; spaces or hyphens between the groups.")),
            "uan": nullable(text(&limits::UAN, "12-digit UAN.")),
            "photo": nullable(text(&limits::PHOTO, "An http(s) URL of the candidate's photo.")),
            "employers": nullable(list(&limits::EMPLOYERS, json!({
                "type": "object",
                "properties": {
                    "employer_name": text(&limits::EMPLOYER_NAME, "Employer."),
                    "designation": nullable(text(&limits::DESIGNATION, "Designation.")),
                    "start_date": date(&limits::START_DATE, "Start"),
                    "end_date": date(&limits::END_DATE, "End (not before start_date)"),
                },
                "required": ["employer_name"],
            }), 0)),
            "sandbox_outcome": {
                "type": ["object", "null"],
                "description": "Sandbox organisations only: the outcome each check should have.",
                "maxProperties": limits::SANDBOX_OUTCOMES.max_items,
                "propertyNames": { "enum": check_keys },
                "additionalProperties": { "type": "string", "enum": outcomes },
            },
        },
        "required": ["name"],
    });
    vec![
        Op::new("listCreditTransactions", "get", "/api/v2/credits/transactions", ApiKey, kn)
            .query("start_date", json!({ "type": "string", "description": "DD-MM-YYYY (IST), inclusive.", "example": "01-01-2026" }))
            .query("end_date", json!({ "type": "string", "description": "DD-MM-YYYY (IST), inclusive; not before start_date.", "example": "31-01-2026" }))
            .query("transaction_type", json!({ "type": "string", "enum": ["credit", "debit", "refund", "purchase", "deduction"], "description": "Case-insensitive." }))
            .query("page", page_param(1, None, "Default 1."))
            .query("per_page", page_param(1, Some(500), "Default 100."))
            .query("include_input", json!({ "type": "boolean", "description": "true|false|1|0; default false." }))
            .query("include_output", json!({ "type": "boolean", "description": "true|false|1|0; default false." }))
            .answers(200, "The page of the ledger", Some(envelope(schema_ref("TransactionsPage"), 200, CREDITS)))
            .answers(400, "A query parameter is invalid", Option::None),
        Op::new("customerDataPull", "post", "/api/v2/finance/customer-data-pull", ApiKey, kn)
            .json(
                json!({
                    "type": "object",
                    "properties": {
                        "mobile_number": text(&limits::MOBILE_NUMBER, "10-digit Indian mobile number starting with 6–9."),
                        "full_name": text(&limits::FULL_NAME, "Letters, spaces and dots."),
                        "consent_purpose": nullable(text(&limits::CONSENT_PURPOSE, "More than 20 characters.")),
                        "document_type": nullable(json!({ "type": "string", "enum": crate::api::konnectnxt::finance::DOCUMENT_TYPES, "description": "Case-insensitive; needs id_value." })),
                        "id_value": nullable(text(&limits::ID_VALUE, "The document's number; needs document_type.")),
                    },
                    "required": ["mobile_number", "full_name"],
                }),
                Some(json!({ "mobile_number": "9553226860", "full_name": "Manish Gupta", "consent_purpose": "Financial data verification for background verification" })),
            )
            .answers(200, "The bureau's record; 1 credit", Some(kn_data("BureauReport", 200, CREDITS)))
            .answers(400, "Invalid input; no credit", Option::None)
            .answers(402, "Insufficient credits", Option::None)
            .answers(404, "The bureau holds no record; 1 credit", Option::None)
            .answers(500, "The bureau could not be reached; no credit", Option::None),
        Op::new("initiateGst", "post", "/api/gst/initiate", ApiKey, kn)
            .json(
                object(json!({ "gstin": text(&limits::GSTIN, "A 15-character GSTIN with a valid check digit.") }), &["gstin"]),
                Some(json!({ "gstin": "27AABCI6363G1ZJ" })),
            )
            .answers(200, "Queued; credits charged", Some(kn_data("GstInitiated", 200, CREDITS)))
            .link(200, "gstStatus", "request_id", "$response.body#/data/request_id")
            .answers(400, "Invalid GSTIN; no credit", Option::None)
            .answers(402, "Insufficient credits", Option::None),
        Op::new("gstStatus", "get", "/api/gst/status", ApiKey, kn)
            .query("request_id", uuid_string())
            .answers(200, "GSTStatusResponse", Some(kn_data("GstStatusResponse", 200, CREDITS)))
            .answers(202, "Still in progress", Some(kn_data("GstInProgress", 202, CREDITS)))
            .answers(400, "Invalid request_id provided in query params", Option::None)
            .answers(404, "No record for this request_id, or no GST registration for the GSTIN", Option::None)
            .answers(500, "The GST source could not be reached; credits refunded", Option::None),
        Op::new("downloadReport", "get", "/api/verification/bgv/download", ApiKey, kn)
            .query("case_id", uuid_string())
            .query("type", json!({ "type": "string", "enum": ["pdf"], "description": "pdf: a signed link; absent: the PDF as base64." }))
            .answers(200, "The report PDF", Some(kn_data("Download", 200, &[])))
            .answers(400, "Invalid case_id or type", Option::None)
            .answers(404, "No such case, or not yet submitted", Option::None)
            .answers(503, "Too many PDFs being rendered; retry", Option::None),
        Op::new("setWebhook", "put", "/api/v2/webhooks", ApiKey, kn)
            .json(
                object(json!({ "url": text(&limits::WEBHOOK_URL, "An http(s) URL; public addresses only unless allowed by the operator.") }), &["url"]),
                Some(json!({ "url": "https://example.com/hooks/satyapan" })),
            )
            .answers(200, "Set; the secret is shown once", Some(kn_data("WebhookSettings", 200, &[])))
            .answers(400, "Invalid URL", Option::None),
        Op::new("getWebhook", "get", "/api/v2/webhooks", ApiKey, kn)
            .answers(200, "The webhook (secret shortened)", Some(kn_data("WebhookSettings", 200, &[]))),
        Op::new("deleteWebhook", "delete", "/api/v2/webhooks", ApiKey, kn)
            .answers(200, "Removed", Some(kn_data("WebhookSettings", 200, &[]))),
        Op::new("webhookEvents", "get", "/api/v2/webhooks/events", ApiKey, kn)
            .query("limit", page_param(1, Some(200), "Default 50."))
            .answers(200, "Recent events, newest first", Some(envelope(json!({ "type": "array", "items": schema_ref("WebhookEvent") }), 200, &[])))
            .link(200, "webhookDeliveries", "event_id", "$response.body#/data/0/id")
            .link(200, "redeliverWebhookEvent", "event_id", "$response.body#/data/0/id")
            .answers(400, "Invalid limit", Option::None),
        Op::new("webhookDeliveries", "get", "/api/v2/webhooks/events/{event_id}/deliveries", ApiKey, kn)
            .answers(200, "Delivery attempts", Some(envelope(json!({ "type": "array", "items": schema_ref("Delivery") }), 200, &[])))
            .answers(404, "No such event", Option::None),
        Op::new("redeliverWebhookEvent", "post", "/api/v2/webhooks/events/{event_id}/redeliver", ApiKey, kn)
            .answers(200, "Redelivery queued", Some(envelope(object(json!({ "event_id": { "type": "string" } }), &["event_id"]), 200, &[])))
            .answers(404, "No such event", Option::None)
            .answers(409, "No webhook is set", Option::None),
    ]
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
        let errors = if ["/healthz", "/readyz", "/metrics"].contains(&path) {
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

fn security(auth: Auth) -> Value {
    match auth {
        Auth::Public => json!([]),
        Auth::ApiKey => json!([{ "bearerAuth": [] }]),
        Auth::AnyCheck => json!([{ "bearerJwt": [] }, { "apiKey": [] }, { "bearerAuth": [] }]),
        Auth::Admin => json!([{ "adminToken": [] }]),
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
            schemas.extend(self::schemas());
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
    let table = operations();
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
            let legacy = table.iter().find(|o| o.path == path && o.method == method);
            if let Some(op) = legacy {
                operation.insert("operationId".into(), json!(op.id));
                operation.insert("security".into(), security(op.auth));
                if let Some(content) = &op.request {
                    operation.insert(
                        "requestBody".into(),
                        json!({ "required": true, "content": content }),
                    );
                }
            }
            let shape = Shape::of(path, method, operation);
            patch_operation(operation, &shape, legacy);
        }
    }
}

/// Adds to one operation what its surface shares: parameters, shared statuses, error bodies.
fn patch_operation(operation: &mut Map<String, Value>, shape: &Shape, legacy: Option<&Op>) {
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
            let name = parameter["name"].as_str().unwrap_or_default().to_string();
            if parameter["in"] == "query"
                && let Some((_, schema)) = legacy
                    .into_iter()
                    .flat_map(|op| op.query.iter())
                    .find(|(n, _)| *n == name)
            {
                parameter["schema"] = schema.clone();
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
    let mut responses = match legacy {
        Some(op) if !op.responses.is_empty() => {
            let mut responses = Map::new();
            for (status, description, body) in &op.responses {
                let schema = body.clone().or_else(|| error_schema(op.errors));
                responses.insert(status.to_string(), response(description, schema));
            }
            responses
        }
        Some(_) => return,
        None => operation
            .get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    };
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
    for (status, target, parameter, expression) in legacy.into_iter().flat_map(|op| &op.links) {
        if let Some(answer) = responses.get_mut(&status.to_string()) {
            answer["links"][*target] = json!({
                "operationId": target,
                "parameters": { *parameter: expression },
            });
        }
    }
    operation.insert("responses".into(), Value::Object(responses));
}

/// The document served at `/openapi.json`.
pub fn document(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(api).unwrap_or(Value::Null);
    patch(&mut doc);
    doc
}
