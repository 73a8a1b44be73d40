//! How a check's result is decided: what the candidate declared, compared with what the source
//! holds, through `domain::matching`. Each check type's rule lives in its module in
//! `domain::checks` and says in its remark why it reached its result; this module holds the
//! decision value and the outcomes common to every check type.

use chrono::NaiveDate;
use serde_json::Value;

use super::cases::CheckResult;

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub result: CheckResult,
    pub remark: String,
    /// `(label, value)` pairs shown in the report, ids masked.
    pub fields: Vec<(String, String)>,
    pub entries: Vec<Value>,
}

/// `08-01-2001`: how the report prints dates.
pub fn report_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// The outcome when the source holds nothing for the candidate.
pub fn not_available(source: &str) -> Decision {
    Decision {
        result: CheckResult::NotAvailable,
        remark: format!("No record was found at the source ({source}) for the details provided."),
        fields: Vec::new(),
        entries: Vec::new(),
    }
}

/// The outcome when the source could not be reached, however often it was tried.
pub fn unable_to_verify(attempts: i64, error: &str) -> Decision {
    Decision {
        result: CheckResult::UnableToVerify,
        remark: format!(
            "The source could not be reached after {attempts} attempts ({error}); the check could not reach a conclusion."
        ),
        fields: Vec::new(),
        entries: Vec::new(),
    }
}
