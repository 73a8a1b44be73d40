//! Reading fields out of a JSON object body with per-field messages (the seeds document exact
//! validation messages, which a derived deserialiser cannot produce).

use serde_json::{Map, Value};

use super::envelope::ApiError;

pub struct Body(pub Map<String, Value>);

impl Body {
    pub fn new(value: Value) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Body(map)),
            _ => Err("Request body must be a JSON object.".into()),
        }
    }

    /// A string field; `Ok(None)` when absent, null or blank (blank counts as not given).
    pub fn optional_str(&self, name: &str) -> Result<Option<&str>, String> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim())),
            Some(_) => Err(format!("{name} must be a string.")),
        }
    }

    pub fn required_str(&self, name: &str) -> Result<&str, String> {
        self.optional_str(name)?
            .ok_or_else(|| format!("{name} is required."))
    }
}

/// A 400 whose message is `message`, with the credit fields of the caller.
pub fn invalid(message: String, remaining: i64) -> ApiError {
    ApiError::bad_request(message).with_credits(0, remaining)
}
