//! Reading fields out of a JSON object body with per-field messages (the seeds document exact
//! validation messages, which a derived deserialiser cannot produce).

use serde_json::{Map, Value};

use super::envelope::ApiError;
use crate::api::AppState;
use crate::domain::text::TextRule;

pub struct Body(pub Map<String, Value>);

impl Body {
    pub fn new(value: Value) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Body(map)),
            _ => Err("Request body must be a JSON object.".into()),
        }
    }

    /// A text field, checked by its rule (trimmed, no control characters, at most its maximum
    /// length); `Ok(None)` when absent, null or blank (blank counts as not given).
    pub fn text(&self, rule: &TextRule) -> Result<Option<String>, String> {
        match self.0.get(rule.field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(rule.parse_or_message(s)?.map(String::from)),
            Some(_) => Err(format!("{} must be a string.", rule.field)),
        }
    }

    pub fn required_text(&self, rule: &TextRule) -> Result<String, String> {
        self.text(rule)?
            .ok_or_else(|| format!("{} is required.", rule.field))
    }
}

/// A 400 whose message is `message`, with the credit fields of the caller.
pub async fn invalid(state: &AppState, org_id: &str, message: String) -> ApiError {
    ApiError::bad_request(message)
        .with_balance(state, org_id)
        .await
}
