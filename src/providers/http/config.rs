//! The connector configuration an operator writes, and the checks on it that need no client.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::template::known_placeholders;
use crate::secret::Secret;

fn default_timeout_secs() -> u64 {
    20
}

fn default_not_found_status() -> Vec<u16> {
    vec![404]
}

/// How the request carries the `request` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HttpMethod {
    /// Entries go into the query string.
    #[serde(rename = "GET", alias = "get")]
    Get,
    /// Entries go into a JSON object body.
    #[default]
    #[serde(rename = "POST", alias = "post")]
    Post,
}

/// One upstream, configured by the operator (e.g. `[connectors.identity_pan]` in the TOML
/// configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConnectorConfig {
    /// `http(s)://…`; may contain placeholders, filled percent-encoded.
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Sent on every request (e.g. `Authorization`); never logged or shown in `Debug`.
    #[serde(default)]
    pub headers: BTreeMap<String, Secret<String>>,
    /// Upper bound on the whole call, connect to last byte.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Request body (POST, a JSON object of strings) or query (GET): upstream key → template,
    /// e.g. `{"full_name": "{name}", "dob": "{dob}", "id_number": "{pan}"}`.
    #[serde(default)]
    pub request: BTreeMap<String, String>,
    pub response: ResponseMapping,
    /// Stored as the record's `source` (e.g. "NSDL via Acme GSP").
    pub source_name: String,
}

/// How to read the upstream's JSON answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseMapping {
    /// `SourceRecord` field key → JSON pointer, e.g. `{"name": "/data/full_name"}`. Strings are
    /// taken as they are, numbers and booleans stringified, arrays/objects as compact JSON;
    /// missing pointers, `null` and blank strings are skipped.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// JSON pointer to an array of itemised findings (court cases, employment spells). A
    /// missing or `null` value means none; anything else that is not an array is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<String>,
    /// Statuses that mean "source reached, no record".
    #[serde(default = "default_not_found_status")]
    pub not_found_status: Vec<u16>,
    /// A value in a 2xx answer that also means "no record".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_found_when: Option<NotFoundWhen>,
}

impl Default for ResponseMapping {
    fn default() -> Self {
        ResponseMapping {
            fields: BTreeMap::new(),
            records: None,
            not_found_status: default_not_found_status(),
            not_found_when: None,
        }
    }
}

/// "The value at `pointer` equals `equals`" (compared as text, so `"0"` matches the number 0
/// and `"false"` the boolean).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotFoundWhen {
    pub pointer: String,
    pub equals: String,
}

/// A connector configuration that cannot work. Messages name the offending setting but never
/// a header value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorConfigError {
    #[error("{setting}: unknown placeholder {{{placeholder}}} (known: {known})", known = known_placeholders())]
    UnknownPlaceholder {
        setting: String,
        placeholder: String,
    },
    #[error("{setting}: malformed template: {reason} (write {{{{ and }}}} for literal braces)")]
    MalformedTemplate {
        setting: String,
        reason: &'static str,
    },
    #[error("url: {0}")]
    InvalidUrl(String),
    #[error("headers: invalid header name {0:?}")]
    InvalidHeaderName(String),
    #[error("headers.{0}: invalid header value")]
    InvalidHeaderValue(String),
    #[error("headers: {0:?} is given more than once")]
    DuplicateHeader(String),
    #[error("{setting}: {pointer:?} is not a JSON pointer (it must be empty or start with '/')")]
    InvalidPointer { setting: String, pointer: String },
    #[error("response.not_found_status: {0} is not an HTTP status")]
    InvalidStatus(u16),
    #[error("timeout_secs must be at least 1")]
    ZeroTimeout,
    #[error("source_name must not be empty")]
    EmptySourceName,
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

pub(super) fn check_pointer(setting: &str, pointer: &str) -> Result<(), ConnectorConfigError> {
    if pointer.is_empty() || pointer.starts_with('/') {
        Ok(())
    } else {
        Err(ConnectorConfigError::InvalidPointer {
            setting: setting.to_owned(),
            pointer: pointer.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use figment::Figment;
    use figment::providers::{Format, Serialized, Toml};

    use super::*;
    use crate::providers::http::HttpCheckProvider;

    const TOKEN: &str = "Bearer tok-5ecret-value";

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Connectors {
        connectors: BTreeMap<String, HttpConnectorConfig>,
    }

    const OPERATOR_TOML: &str = r#"
        [connectors.identity_pan]
        url = "https://gsp.example/v1/pan/{pan}/verify"
        method = "POST"
        timeout_secs = 15
        source_name = "NSDL via Acme GSP"

        [connectors.identity_pan.headers]
        Authorization = "Bearer tok-5ecret-value"

        [connectors.identity_pan.request]
        full_name = "{name}"
        dob = "{dob_ddmmyyyy}"
        ref = "{reference}"

        [connectors.identity_pan.response]
        records = "/data/cases"
        not_found_status = [404, 422]
        not_found_when = { pointer = "/status", equals = "NOT_FOUND" }

        [connectors.identity_pan.response.fields]
        name = "/data/full_name"
        dob = "/data/dob"

        [connectors.criminal_check]
        url = "https://courts.example/search"
        method = "GET"
        source_name = "eCourts via Acme"
        response = { records = "/cases" }
    "#;

    #[test]
    fn config_round_trips_through_toml() {
        let parsed: Connectors = Figment::from(Toml::string(OPERATOR_TOML))
            .extract()
            .unwrap();

        let pan = &parsed.connectors["identity_pan"];
        assert_eq!(pan.method, HttpMethod::Post);
        assert_eq!(pan.timeout_secs, 15);
        assert_eq!(pan.headers["Authorization"].expose(), TOKEN);
        assert_eq!(pan.request["dob"], "{dob_ddmmyyyy}");
        assert_eq!(pan.response.fields["name"], "/data/full_name");
        assert_eq!(pan.response.not_found_status, vec![404, 422]);
        assert_eq!(
            pan.response.not_found_when,
            Some(NotFoundWhen {
                pointer: "/status".into(),
                equals: "NOT_FOUND".into()
            })
        );
        // Defaults for what the operator left out.
        let courts = &parsed.connectors["criminal_check"];
        assert_eq!(courts.method, HttpMethod::Get);
        assert_eq!(courts.timeout_secs, 20);
        assert!(courts.headers.is_empty() && courts.request.is_empty());
        assert_eq!(courts.response.not_found_status, vec![404]);
        assert_eq!(courts.response.not_found_when, None);
        for config in parsed.connectors.values() {
            HttpCheckProvider::new(config.clone()).unwrap();
        }

        // Back through serialisation, as the configuration layers merge it.
        let again: Connectors = Figment::from(Serialized::defaults(&parsed))
            .extract()
            .unwrap();
        assert_eq!(again, parsed);
        let via_json: Connectors =
            serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(via_json, parsed);
    }

    #[test]
    fn config_rejects_unknown_keys_and_methods() {
        let typo = r#"
            url = "https://gsp.example/"
            source_name = "x"
            timeout = 5
            [response]
        "#;
        assert!(
            Figment::from(Toml::string(typo))
                .extract::<HttpConnectorConfig>()
                .is_err()
        );
        let mapping_typo = r#"
            url = "https://gsp.example/"
            source_name = "x"
            [response]
            not_found_statuses = [404]
        "#;
        assert!(
            Figment::from(Toml::string(mapping_typo))
                .extract::<HttpConnectorConfig>()
                .is_err()
        );
        let method = r#"
            url = "https://gsp.example/"
            source_name = "x"
            method = "PUT"
            [response]
        "#;
        assert!(
            Figment::from(Toml::string(method))
                .extract::<HttpConnectorConfig>()
                .is_err()
        );
    }
}
