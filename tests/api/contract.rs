//! Validates responses against the OpenAPI documents in `../shared/seeds/` (read in place, never
//! copied). Supports the subset those documents use: `$ref`, `allOf`, `type`, `required`,
//! `properties`, `items`, `nullable`, `enum`, and `format: uuid`.

use serde_json::Value;

pub struct Contract {
    root: Value,
}

impl Contract {
    /// Loads the OpenAPI YAML embedded in a seed page (between the yaml code fences).
    pub fn from_seed(file: &str) -> Contract {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/seeds")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        // The fence line may carry a label ("````yaml GET /gst/status"): start on the next line.
        let fence = text.find("```yaml").expect("yaml block");
        let start = fence + text[fence..].find('\n').expect("fence line ends");
        let end = start + text[start..].find("````").expect("end of yaml block");
        let yaml = &text[start..end];
        Contract {
            root: serde_yaml_ng::from_str(yaml).expect("seed OpenAPI parses"),
        }
    }

    fn resolve<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let mut target = &self.root;
            for part in reference.trim_start_matches("#/").split('/') {
                target = &target[part];
            }
            assert!(!target.is_null(), "unresolved {reference}");
            node = target;
        }
        node
    }

    /// The schema documented for `status` of `method path`, or the base envelope when the
    /// document lists no such status.
    pub fn response_schema(&self, path: &str, method: &str, status: u16) -> &Value {
        let responses = &self.root["paths"][path][method]["responses"];
        let response = &responses[status.to_string()];
        if response.is_null() {
            return &self.root["components"]["schemas"]["APIBaseResponse"];
        }
        let response = self.resolve(response);
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() {
            &self.root["components"]["schemas"]["APIBaseResponse"]
        } else {
            schema
        }
    }

    /// Every violation of `schema` by `value`, as `path: problem` lines.
    pub fn violations(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.check(schema, value, "$", &mut out);
        out
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(part, value, at, out);
            }
        }
        if value.is_null() {
            let nullable = schema
                .get("nullable")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if schema.get("type").is_some() && !nullable {
                out.push(format!("{at}: null but not nullable"));
            }
            return;
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let ok = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => true,
            };
            if !ok {
                out.push(format!("{at}: expected {kind}, got {value}"));
                return;
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            out.push(format!("{at}: {value} not in {values:?}"));
        }
        if schema.get("format").and_then(Value::as_str) == Some("uuid") {
            let text = value.as_str().unwrap_or("");
            if uuid::Uuid::parse_str(text).is_err() {
                out.push(format!("{at}: not a uuid: {text}"));
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if value.get(name).is_none() {
                    out.push(format!("{at}: missing required '{name}'"));
                }
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if let Some(field) = value.get(name) {
                    self.check(property, field, &format!("{at}.{name}"), out);
                }
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                self.check(items, item, &format!("{at}[{i}]"), out);
            }
        }
    }

    /// Panics with every violation if the response does not match its documented schema.
    pub fn assert_valid(&self, path: &str, method: &str, status: u16, body: &Value) {
        let schema = self.response_schema(path, method, status);
        let problems = self.violations(schema, body);
        assert!(
            problems.is_empty(),
            "{method} {path} {status} violates the seed:\n{}\n{body}",
            problems.join("\n")
        );
    }
}

#[test]
fn the_validator_catches_violations() {
    let contract = Contract::from_seed("002_65585864c158e3f9.txt");
    let schema = contract.response_schema("/gst/status", "get", 200);
    let bad = serde_json::json!({"status": "ok", "code": "200", "message": 1,
        "data": {"is_active": "yes", "hsn_codes": [{"hsn_code": 5}]}});
    let problems = contract.violations(schema, &bad);
    for expected in [
        "$.status",
        "$.code",
        "$.message",
        "$.data.is_active",
        "$.data.hsn_codes[0].hsn_code",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "{expected} not caught: {problems:?}"
        );
    }
    let missing = contract.violations(
        contract.response_schema("/gst/status", "get", 400),
        &serde_json::json!({"status": "error", "code": 400, "message": "x", "data": null}),
    );
    assert!(
        missing.iter().any(|p| p.contains("credits_used")),
        "{missing:?}"
    );
}
