//! Free text from clients, validated once where it enters: trimmed, free of control characters
//! (C0, DEL and C1 — NUL included, which PostgreSQL cannot store), and no longer than the
//! field's documented maximum. Fields that document several lines (an audit note, a remark) also
//! take line feeds and tabs; a CR LF is kept as LF. Lists have a documented maximum count.
//!
//! Every field's rule is a constant in [`limits`], and [`limits::ALL`] lists them for the table
//! in `docs/api.md` (a test keeps the two in step).

use std::fmt;

/// Why a text was refused: the reason the API reports for its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must be at most {0} characters")]
    TooLong(usize),
}

/// The rule of one text field: its name as the API spells it, its maximum length in characters
/// (Unicode scalar values, counted after trimming), and whether it may hold several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub field: &'static str,
    pub max_chars: usize,
    pub multiline: bool,
}

/// Text that passed its field's [`TextRule`]: trimmed, not blank, no control characters (line
/// feeds and tabs only in multi-line fields), within the maximum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text(String);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0
    }
}

impl TextRule {
    /// A single-line field.
    pub const fn line(field: &'static str, max_chars: usize) -> Self {
        TextRule {
            field,
            max_chars,
            multiline: false,
        }
    }

    /// A field that may hold line feeds and tabs.
    pub const fn lines(field: &'static str, max_chars: usize) -> Self {
        TextRule {
            field,
            max_chars,
            multiline: true,
        }
    }

    /// The trimmed text, or `Ok(None)` when it is blank (blank counts as not given).
    pub fn parse(&self, raw: &str) -> Result<Option<Text>, TextError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let text = if self.multiline && trimmed.contains('\r') {
            trimmed.replace("\r\n", "\n")
        } else {
            trimmed.to_owned()
        };
        let allowed = |c: char| self.multiline && (c == '\n' || c == '\t');
        if text.chars().any(|c| c.is_control() && !allowed(c)) {
            return Err(TextError::ControlCharacter);
        }
        if text.chars().count() > self.max_chars {
            return Err(TextError::TooLong(self.max_chars));
        }
        Ok(Some(Text(text)))
    }

    /// `parse`, with the error as the sentence the API sends: `<field> must …`.
    pub fn parse_or_message(&self, raw: &str) -> Result<Option<Text>, String> {
        self.parse(raw).map_err(|e| self.message(e))
    }

    /// The sentence naming the field: `consent_purpose must be at most 500 characters.`
    pub fn message(&self, error: TextError) -> String {
        format!("{} {error}.", self.field)
    }
}

/// The rule of one list field: its maximum number of items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRule {
    pub field: &'static str,
    pub max_items: usize,
}

impl ListRule {
    pub const fn new(field: &'static str, max_items: usize) -> Self {
        ListRule { field, max_items }
    }

    /// `must contain at most 20 items`, when `len` is over the maximum.
    pub fn check(&self, len: usize) -> Result<(), String> {
        if len > self.max_items {
            Err(format!("must contain at most {} items", self.max_items))
        } else {
            Ok(())
        }
    }
}

/// Every documented maximum, by endpoint.
pub mod limits {
    use super::{ListRule, TextRule};

    // POST /api/recruiter/v2/bgv-submit/
    pub const CHECKS: ListRule = ListRule::new("checks", 20);
    pub const CHECK_TYPE: TextRule = TextRule::line("checks[]", 64);
    pub const CANDIDATES: ListRule = ListRule::new("candidates", 500);
    pub const NAME: TextRule = TextRule::line("name", 100);
    pub const EMAIL: TextRule = TextRule::line("email", 254);
    pub const PHONE: TextRule = TextRule::line("phone", 20);
    pub const DOB: TextRule = TextRule::line("dob", 32);
    pub const FATHER_NAME: TextRule = TextRule::line("father_name", 100);
    pub const PERMANENT_ADDRESS: TextRule = TextRule::line("permanent_address", 500);
    pub const ADDRESS: TextRule = TextRule::line("address", 500);
    pub const PINCODE: TextRule = TextRule::line("pincode", 10);
    pub const PAN: TextRule = TextRule::line("pan", 20);
    pub const AADHAAR_NUMBER: TextRule = TextRule::line("aadhaar_number", 24);
    pub const UAN: TextRule = TextRule::line("uan", 20);
    pub const PHOTO: TextRule = TextRule::line("photo", 2048);
    pub const EMPLOYERS: ListRule = ListRule::new("employers", 20);
    pub const EMPLOYER_NAME: TextRule = TextRule::line("employer_name", 200);
    pub const DESIGNATION: TextRule = TextRule::line("designation", 100);
    pub const START_DATE: TextRule = TextRule::line("start_date", 32);
    pub const END_DATE: TextRule = TextRule::line("end_date", 32);
    pub const SANDBOX_OUTCOMES: ListRule = ListRule::new("sandbox_outcome", 20);

    // POST /api/recruiter/v2/cases/{case_id}/audit
    pub const NOTE: TextRule = TextRule::lines("note", 2000);
    pub const OVERRIDES: ListRule = ListRule::new("overrides", 20);
    pub const OVERRIDE_TYPE: TextRule = TextRule::line("overrides[].type", 64);
    pub const REMARK: TextRule = TextRule::lines("overrides[].remark", 1000);

    // POST /api/v2/finance/customer-data-pull
    pub const MOBILE_NUMBER: TextRule = TextRule::line("mobile_number", 20);
    pub const FULL_NAME: TextRule = TextRule::line("full_name", 100);
    pub const CONSENT_PURPOSE: TextRule = TextRule::line("consent_purpose", 500);
    pub const DOCUMENT_TYPE: TextRule = TextRule::line("document_type", 32);
    pub const ID_VALUE: TextRule = TextRule::line("id_value", 64);

    // POST /api/gst/initiate
    pub const GSTIN: TextRule = TextRule::line("gstin", 32);

    // POST /api/v2/screening/search
    pub const SCREENING_NAME: TextRule = TextRule::line("name", 200);
    pub const SCREENING_DOB: TextRule = TextRule::line("dob", 32);
    pub const SCREENING_COUNTRY: TextRule = TextRule::line("country", 64);
    pub const SCREENING_ENTITY_TYPE: TextRule = TextRule::line("entity_type", 32);

    // PUT /api/v2/webhooks
    pub const WEBHOOK_URL: TextRule = TextRule::line("url", crate::domain::webhooks::MAX_URL_LEN);

    // POST /folders (AnyCheck)
    pub const FOLDER_NAME: TextRule = TextRule::line("name", 100);

    // Every query parameter of every endpoint.
    pub const QUERY_VALUE: TextRule = TextRule::line("query parameter", 256);
    /// A query parameter's name.
    pub const QUERY_NAME: TextRule = TextRule::line("query parameter name", 64);

    /// `(endpoint, rule)` for every text field, in the order of `docs/api.md`'s table.
    pub const ALL: &[(&str, TextRule)] = &[
        ("bgv-submit", CHECK_TYPE),
        ("bgv-submit", NAME),
        ("bgv-submit", EMAIL),
        ("bgv-submit", PHONE),
        ("bgv-submit", DOB),
        ("bgv-submit", FATHER_NAME),
        ("bgv-submit", PERMANENT_ADDRESS),
        ("bgv-submit", ADDRESS),
        ("bgv-submit", PINCODE),
        ("bgv-submit", PAN),
        ("bgv-submit", AADHAAR_NUMBER),
        ("bgv-submit", UAN),
        ("bgv-submit", PHOTO),
        ("bgv-submit", EMPLOYER_NAME),
        ("bgv-submit", DESIGNATION),
        ("bgv-submit", START_DATE),
        ("bgv-submit", END_DATE),
        ("audit", NOTE),
        ("audit", OVERRIDE_TYPE),
        ("audit", REMARK),
        ("customer-data-pull", MOBILE_NUMBER),
        ("customer-data-pull", FULL_NAME),
        ("customer-data-pull", CONSENT_PURPOSE),
        ("customer-data-pull", DOCUMENT_TYPE),
        ("customer-data-pull", ID_VALUE),
        ("gst/initiate", GSTIN),
        ("screening/search", SCREENING_NAME),
        ("screening/search", SCREENING_DOB),
        ("screening/search", SCREENING_COUNTRY),
        ("screening/search", SCREENING_ENTITY_TYPE),
        ("webhooks", WEBHOOK_URL),
        ("folders", FOLDER_NAME),
        ("every endpoint", QUERY_VALUE),
    ];

    /// `(endpoint, rule)` for every list field.
    pub const LISTS: &[(&str, ListRule)] = &[
        ("bgv-submit", CHECKS),
        ("bgv-submit", CANDIDATES),
        ("bgv-submit", EMPLOYERS),
        ("bgv-submit", SANDBOX_OUTCOMES),
        ("audit", OVERRIDES),
    ];
}

/// Where a JSON document holds a NUL (U+0000) in a key or a string, as a field path
/// (`webhook_metadata.webhook_secret`, `files[0]`): no text may, since PostgreSQL cannot store
/// it, and free-form documents (metadata, configuration, a review's output) are checked by this
/// where no [`TextRule`] names their fields.
pub fn nul_path(value: &serde_json::Value) -> Option<String> {
    fn walk(value: &serde_json::Value, path: &mut String) -> bool {
        use serde_json::Value;
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Object(map) => map.iter().any(|(key, item)| {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key.replace('\0', "\\u0000"));
                let found = key.contains('\0') || walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then_some(path)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOTE: TextRule = TextRule::lines("note", 10);
    const LINE: TextRule = TextRule::line("email", 10);

    #[test]
    fn trims_and_treats_blank_as_absent() {
        assert_eq!(LINE.parse("  a@b.in ").unwrap().unwrap().as_str(), "a@b.in");
        assert_eq!(LINE.parse("   ").unwrap(), None);
        assert_eq!(LINE.parse("").unwrap(), None);
    }

    #[test]
    fn refuses_every_control_character() {
        for c in ('\u{0}'..='\u{1f}').chain('\u{7f}'..='\u{9f}') {
            let raw = format!("a{c}b");
            assert_eq!(
                LINE.parse(&raw),
                Err(TextError::ControlCharacter),
                "{:?}",
                c
            );
            if c != '\n' && c != '\t' && c != '\r' {
                assert_eq!(NOTE.parse(&raw), Err(TextError::ControlCharacter));
            }
        }
        assert_eq!(
            LINE.message(TextError::ControlCharacter),
            "email must not contain control characters."
        );
    }

    #[test]
    fn multi_line_fields_keep_line_feeds_and_tabs() {
        assert_eq!(
            NOTE.parse("one\r\ntwo\tx").unwrap().unwrap().as_str(),
            "one\ntwo\tx"
        );
        assert_eq!(NOTE.parse("a\rb"), Err(TextError::ControlCharacter));
        assert_eq!(NOTE.parse("a\0b"), Err(TextError::ControlCharacter));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(LINE.parse("विवेक पटेल").unwrap().is_some());
        assert_eq!(LINE.parse("abcdefghijk"), Err(TextError::TooLong(10)));
        assert_eq!(
            LINE.message(TextError::TooLong(10)),
            "email must be at most 10 characters."
        );
        // Unicode format characters (not controls) and non-Latin scripts are text.
        assert!(LINE.parse("a\u{200b}b").unwrap().is_some());
    }

    #[test]
    fn lists_have_a_maximum() {
        assert!(limits::EMPLOYERS.check(20).is_ok());
        assert_eq!(
            limits::EMPLOYERS.check(21),
            Err("must contain at most 20 items".into())
        );
    }

    /// `docs/api.md` lists every maximum: a row `| endpoint | field | max | lines |` per rule.
    #[test]
    fn every_maximum_is_documented() {
        let doc = include_str!("../../docs/api.md");
        for (endpoint, rule) in limits::ALL {
            let lines = if rule.multiline { "yes" } else { "no" };
            let row = format!(
                "| {endpoint} | `{}` | {} characters | {lines} |",
                rule.field, rule.max_chars
            );
            assert!(doc.contains(&row), "docs/api.md lacks the row {row}");
        }
        for (endpoint, rule) in limits::LISTS {
            let row = format!(
                "| {endpoint} | `{}` | {} items | — |",
                rule.field, rule.max_items
            );
            assert!(doc.contains(&row), "docs/api.md lacks the row {row}");
        }
    }
}
