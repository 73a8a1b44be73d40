//! How the `/api/…` endpoints that answer with one message word a typed field's problem
//! (`api::common::fields`): `gstin is required.`, `url must be a string.`, `consent_purpose must
//! be at most 500 characters.` — the first problem in the order of the documented fields.

use super::envelope::ApiError;
use crate::api::AppState;
use crate::api::common::fields::{Problem, Rule, Text};

/// The field's text; `Ok(None)` when absent, null or blank (blank counts as not given).
pub fn text<R: Rule>(field: &Text<R>) -> Result<Option<String>, String> {
    field.value().map_err(|problem| match problem {
        Problem::WrongType => format!("{} must be a string.", field.field()),
        Problem::Text(e) => R::RULE.message(e),
    })
}

/// The field's text, which must be given.
pub fn required<R: Rule>(field: &Text<R>) -> Result<String, String> {
    text(field)?.ok_or_else(|| format!("{} is required.", field.field()))
}

/// A 400 whose message is `message`, with the credit fields of the caller.
pub async fn invalid(state: &AppState, org_id: &str, message: String) -> ApiError {
    ApiError::bad_request(message)
        .with_balance(state, org_id)
        .await
}
