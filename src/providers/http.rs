//! A generic HTTP connector: lets an operator point a check type at a real upstream (a
//! government source, a bureau, a GSP) by configuration alone.
//!
//! The operator describes the call (URL, method, headers, which input goes into which request
//! key) and how to read the answer (JSON pointers into the response). Templates are checked
//! when the connector is built, so a typo in a placeholder fails at start-up, not on the first
//! candidate.
//!
//! Templates: `{name}`, `{dob}` (YYYY-MM-DD), `{dob_ddmmyyyy}` (DD/MM/YYYY), `{father_name}`,
//! `{address}`, `{pincode}`, `{phone}`, `{pan}`, `{aadhaar}` (the full number), `{uan}`,
//! `{reference}`, `{check_type}`; `{{` and `}}` stand for literal braces. Missing optional
//! inputs render as empty strings, except that a `request` entry whose placeholders are *all*
//! missing is left out of the body/query altogether (so upstreams that validate formats do
//! not see `"dob": ""`). Values filled into the URL are percent-encoded.
//!
//! Privacy: header values are `Secret`s and are marked sensitive on the wire; the full Aadhaar
//! only ever goes into the upstream request. Nothing here logs a URL or body (either may carry
//! an identifier), errors carry at most a short, scrubbed snippet of a 4xx body, and an
//! Aadhaar the upstream echoes back is masked before it reaches the `SourceRecord`. Put
//! credentials in `headers`, never in the URL: the URL template shows in `Debug`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ProviderError;
use super::check::{CheckInput, CheckProvider, SourceRecord};
use crate::secret::Secret;

/// Largest upstream answer read; a bigger one is a misbehaving upstream, not a record.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How much of a 4xx body is read and quoted in the error.
const SNIPPET_READ_BYTES: usize = 4 * 1024;
const SNIPPET_CHARS: usize = 120;

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

/// An input a template can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Name,
    Dob,
    DobDdmmyyyy,
    FatherName,
    Address,
    Pincode,
    Phone,
    Pan,
    Aadhaar,
    Uan,
    Reference,
    CheckType,
}

const PLACEHOLDERS: [(&str, Placeholder); 12] = [
    ("name", Placeholder::Name),
    ("dob", Placeholder::Dob),
    ("dob_ddmmyyyy", Placeholder::DobDdmmyyyy),
    ("father_name", Placeholder::FatherName),
    ("address", Placeholder::Address),
    ("pincode", Placeholder::Pincode),
    ("phone", Placeholder::Phone),
    ("pan", Placeholder::Pan),
    ("aadhaar", Placeholder::Aadhaar),
    ("uan", Placeholder::Uan),
    ("reference", Placeholder::Reference),
    ("check_type", Placeholder::CheckType),
];

fn known_placeholders() -> String {
    PLACEHOLDERS
        .iter()
        .map(|(name, _)| format!("{{{name}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Placeholder {
    fn parse(name: &str) -> Option<Self> {
        PLACEHOLDERS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, p)| *p)
    }

    /// The input's value, `None` when the candidate did not give it.
    fn value(self, input: &CheckInput) -> Option<Cow<'_, str>> {
        fn text(value: &Option<String>) -> Option<Cow<'_, str>> {
            value.as_deref().map(Cow::Borrowed)
        }
        match self {
            Placeholder::Name => Some(Cow::Borrowed(input.name.as_str())),
            Placeholder::Dob => input.dob.map(|d| d.format("%Y-%m-%d").to_string().into()),
            Placeholder::DobDdmmyyyy => input.dob.map(|d| d.format("%d/%m/%Y").to_string().into()),
            Placeholder::FatherName => text(&input.father_name),
            Placeholder::Address => text(&input.address),
            Placeholder::Pincode => input.pincode.as_ref().map(|p| p.as_str().into()),
            Placeholder::Phone => input.phone.as_ref().map(|p| p.as_str().into()),
            Placeholder::Pan => input.pan.as_ref().map(|p| p.as_str().into()),
            // The upstream needs the full number; this is the one place it leaves the process.
            Placeholder::Aadhaar => input.aadhaar.as_ref().map(|a| Cow::Borrowed(a.expose())),
            Placeholder::Uan => input.uan.as_ref().map(|u| u.as_str().into()),
            Placeholder::Reference => Some(Cow::Borrowed(input.reference.as_str())),
            Placeholder::CheckType => Some(Cow::Borrowed(input.check_type())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Input(Placeholder),
}

/// A parsed template: literal text and placeholders.
#[derive(Debug, Clone)]
struct Template(Vec<Segment>);

impl Template {
    fn parse(setting: &str, text: &str) -> Result<Self, ConnectorConfigError> {
        let malformed = |reason| ConnectorConfigError::MalformedTemplate {
            setting: setting.to_owned(),
            reason,
        };
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(pos) = rest.find(['{', '}']) {
            let (before, from_brace) = rest.split_at(pos);
            literal.push_str(before);
            if let Some(after) = from_brace.strip_prefix("{{") {
                literal.push('{');
                rest = after;
            } else if let Some(after) = from_brace.strip_prefix("}}") {
                literal.push('}');
                rest = after;
            } else if from_brace.starts_with('}') {
                return Err(malformed("unmatched '}'"));
            } else {
                let inner = from_brace.get(1..).unwrap_or_default();
                let Some(end) = inner.find('}') else {
                    return Err(malformed("unclosed '{'"));
                };
                let (name, after) = inner.split_at(end);
                let placeholder = Placeholder::parse(name).ok_or_else(|| {
                    ConnectorConfigError::UnknownPlaceholder {
                        setting: setting.to_owned(),
                        placeholder: name.to_owned(),
                    }
                })?;
                if !literal.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut literal)));
                }
                segments.push(Segment::Input(placeholder));
                rest = after.get(1..).unwrap_or_default();
            }
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        Ok(Template(segments))
    }

    fn uses_inputs(&self) -> bool {
        self.0.iter().any(|s| matches!(s, Segment::Input(_)))
    }

    /// Fills the template, passing each input value through `encode`. Also says whether every
    /// placeholder it uses was missing (false when it uses none).
    fn render(&self, input: &CheckInput, encode: fn(&str, &mut String)) -> (String, bool) {
        let mut out = String::new();
        let mut all_missing = self.uses_inputs();
        for segment in &self.0 {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Input(p) => {
                    if let Some(value) = p.value(input) {
                        all_missing = false;
                        encode(&value, &mut out);
                    }
                }
            }
        }
        (out, all_missing)
    }
}

fn verbatim(value: &str, out: &mut String) {
    out.push_str(value);
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value cannot change
/// the URL's structure (a `/` in a name stays inside its path segment).
fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

fn check_pointer(setting: &str, pointer: &str) -> Result<(), ConnectorConfigError> {
    if pointer.is_empty() || pointer.starts_with('/') {
        Ok(())
    } else {
        Err(ConnectorConfigError::InvalidPointer {
            setting: setting.to_owned(),
            pointer: pointer.to_owned(),
        })
    }
}

/// A check source reached over HTTP, as configured by the operator.
pub struct HttpCheckProvider {
    config: HttpConnectorConfig,
    client: reqwest::Client,
    url: Template,
    request: Vec<(String, Template)>,
}

// By hand so the client (and its default headers) never show; the config's headers are
// `Secret`s and print redacted.
impl fmt::Debug for HttpCheckProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpCheckProvider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpCheckProvider {
    /// Validates the configuration (templates, URL, headers, pointers) and builds the client.
    pub fn new(config: HttpConnectorConfig) -> Result<Self, ConnectorConfigError> {
        if config.source_name.trim().is_empty() {
            return Err(ConnectorConfigError::EmptySourceName);
        }
        if config.timeout_secs == 0 {
            return Err(ConnectorConfigError::ZeroTimeout);
        }

        let url = Template::parse("url", &config.url)?;
        // Check the shape with every placeholder filled by a harmless value.
        let probe: String = url
            .0
            .iter()
            .map(|s| match s {
                Segment::Text(text) => text.as_str(),
                Segment::Input(_) => "x",
            })
            .collect();
        let parsed =
            Url::parse(&probe).map_err(|e| ConnectorConfigError::InvalidUrl(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(ConnectorConfigError::InvalidUrl(
                "must be an http:// or https:// URL with a host".into(),
            ));
        }

        let request = config
            .request
            .iter()
            .map(|(key, template)| {
                Ok((
                    key.clone(),
                    Template::parse(&format!("request.{key}"), template)?,
                ))
            })
            .collect::<Result<Vec<_>, ConnectorConfigError>>()?;

        for (key, pointer) in &config.response.fields {
            check_pointer(&format!("response.fields.{key}"), pointer)?;
        }
        if let Some(pointer) = &config.response.records {
            check_pointer("response.records", pointer)?;
        }
        if let Some(rule) = &config.response.not_found_when {
            check_pointer("response.not_found_when.pointer", &rule.pointer)?;
        }
        if let Some(bad) = config
            .response
            .not_found_status
            .iter()
            .find(|s| StatusCode::from_u16(**s).is_err())
        {
            return Err(ConnectorConfigError::InvalidStatus(*bad));
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &config.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConnectorConfigError::InvalidHeaderName(name.clone()))?;
            let mut value = HeaderValue::from_str(value.expose())
                .map_err(|_| ConnectorConfigError::InvalidHeaderValue(name.clone()))?;
            // Marked sensitive so the HTTP stack never prints (or, on HTTP/2, indexes) it.
            value.set_sensitive(true);
            if headers.insert(header, value).is_some() {
                return Err(ConnectorConfigError::DuplicateHeader(name.clone()));
            }
        }
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }

        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .default_headers(headers)
            .user_agent(concat!("satyapan/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the body (and the Aadhaar in it) to a host nobody
            // configured; an upstream that moves must be reconfigured.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConnectorConfigError::Client(e.to_string()))?;

        Ok(HttpCheckProvider {
            config,
            client,
            url,
            request,
        })
    }

    pub fn config(&self) -> &HttpConnectorConfig {
        &self.config
    }

    /// The `request` entries for this input, leaving out those whose inputs are all missing.
    fn request_entries(&self, input: &CheckInput) -> Vec<(String, String)> {
        self.request
            .iter()
            .filter_map(|(key, template)| {
                let (value, all_missing) = template.render(input, verbatim);
                (!all_missing).then(|| (key.clone(), value))
            })
            .collect()
    }

    fn build_request(&self, input: &CheckInput) -> Result<reqwest::RequestBuilder, ProviderError> {
        let (url, _) = self.url.render(input, percent_encode);
        // Never quote the URL: it may hold an identifier.
        let mut url = Url::parse(&url).map_err(|_| {
            ProviderError::Unavailable("connector URL is invalid once filled in".into())
        })?;
        let entries = self.request_entries(input);
        Ok(match self.config.method {
            HttpMethod::Get => {
                if !entries.is_empty() {
                    url.query_pairs_mut().extend_pairs(entries);
                }
                self.client.get(url)
            }
            HttpMethod::Post => {
                let body: serde_json::Map<String, Value> = entries
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                self.client.post(url).json(&body)
            }
        })
    }

    /// Reads the answer of a 2xx into a record.
    fn map_answer(
        &self,
        answer: &Value,
        input: &CheckInput,
    ) -> Result<SourceRecord, ProviderError> {
        let mapping = &self.config.response;
        if let Some(rule) = &mapping.not_found_when
            && answer.pointer(&rule.pointer).and_then(as_text).as_deref()
                == Some(rule.equals.as_str())
        {
            return Err(ProviderError::NotFound);
        }

        let aadhaar = input.aadhaar.as_ref();
        let fields = mapping
            .fields
            .iter()
            .filter_map(|(key, pointer)| {
                let text = answer.pointer(pointer).and_then(as_text)?;
                if text.trim().is_empty() {
                    return None;
                }
                let text = match aadhaar {
                    Some(a) if compact_digits(&text) == a.expose() => a.masked(),
                    Some(a) => text.replace(a.expose(), &a.masked()),
                    None => text,
                };
                Some((key.clone(), text))
            })
            .collect();

        let records = match &mapping.records {
            None => Vec::new(),
            Some(pointer) => match answer.pointer(pointer) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(_) => {
                    return Err(ProviderError::Unavailable(format!(
                        "upstream answer has no array at {pointer}"
                    )));
                }
            },
        };
        let records = match aadhaar {
            Some(a) => records
                .into_iter()
                .map(|r| mask_in_json(r, a.expose(), &a.masked()))
                .collect(),
            None => records,
        };

        Ok(SourceRecord {
            source: self.config.source_name.clone(),
            fields,
            records,
            documents: Vec::new(),
        })
    }

    /// A short single-line start of a 4xx body, without the Aadhaar or any header value (an
    /// upstream may echo what it was sent).
    async fn snippet(&self, response: reqwest::Response, input: &CheckInput) -> String {
        let bytes = read_body(response, SNIPPET_READ_BYTES, false)
            .await
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(a) = &input.aadhaar {
            text = text.replace(a.expose(), &a.masked());
        }
        // Also each long word of a value, for an upstream that echoes a token without its
        // `Bearer ` scheme.
        for value in self.config.headers.values() {
            let value = value.expose().as_str();
            let words = value.split_whitespace().filter(|w| w.len() >= 8);
            for secret in std::iter::once(value).chain(words) {
                if !secret.is_empty() {
                    text = text.replace(secret, "[redacted]");
                }
            }
        }
        match text.char_indices().nth(SNIPPET_CHARS) {
            Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
            None => text,
        }
    }
}

/// A JSON value as record text: `None` for `null`.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

fn compact_digits(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

fn mask_in_json(value: Value, full: &str, masked: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(full, masked)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| mask_in_json(v, full, masked))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, mask_in_json(v, full, masked)))
                .collect(),
        ),
        other => other,
    }
}

/// Maps a transport failure; never uses reqwest's own message, which quotes the URL.
fn transport_error(error: &reqwest::Error) -> ProviderError {
    if error.is_timeout() {
        return ProviderError::Timeout;
    }
    let what = if error.is_connect() {
        "cannot connect to upstream"
    } else if error.is_body() || error.is_decode() {
        "reading the upstream answer failed"
    } else {
        "request to upstream failed"
    };
    // The innermost cause (an I/O or TLS error) says why without quoting the request.
    match std::iter::successors(std::error::Error::source(error), |e| e.source()).last() {
        Some(cause) => {
            let detail: String = cause.to_string().chars().take(SNIPPET_CHARS).collect();
            ProviderError::Unavailable(format!("{what}: {detail}"))
        }
        None => ProviderError::Unavailable(what.into()),
    }
}

/// Reads at most `cap` bytes; past it, fails when `strict` and truncates otherwise.
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
    strict: bool,
) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e))? {
        if body.len() + chunk.len() > cap {
            if strict {
                return Err(ProviderError::Unavailable(format!(
                    "upstream answer is larger than {} MiB",
                    cap / (1024 * 1024)
                )));
            }
            let room = cap - body.len();
            body.extend_from_slice(chunk.get(..room).unwrap_or_default());
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[async_trait]
impl CheckProvider for HttpCheckProvider {
    async fn fetch(&self, input: &CheckInput) -> Result<SourceRecord, ProviderError> {
        let source = self.config.source_name.as_str();
        tracing::debug!(source, check_type = %input.check_type(), reference = %input.reference, "calling upstream");
        let response = self
            .build_request(input)?
            .send()
            .await
            .map_err(|e| transport_error(&e))?;
        let status = response.status();
        tracing::debug!(source, status = status.as_u16(), "upstream answered");

        if self
            .config
            .response
            .not_found_status
            .contains(&status.as_u16())
        {
            return Err(ProviderError::NotFound);
        }
        if status.is_success() {
            let body = read_body(response, MAX_RESPONSE_BYTES, true).await?;
            let answer: Value = serde_json::from_slice(&body).map_err(|_| {
                ProviderError::Unavailable("upstream answered with invalid JSON".into())
            })?;
            return self.map_answer(&answer, input);
        }
        if status.is_client_error() {
            let snippet = self.snippet(response, input).await;
            let message = if snippet.is_empty() {
                format!("upstream rejected the request: {status}")
            } else {
                format!("upstream rejected the request: {status}: {snippet}")
            };
            return Err(ProviderError::Unavailable(message));
        }
        if status.is_server_error() {
            return Err(ProviderError::Unavailable(format!(
                "upstream failed: {status}"
            )));
        }
        Err(ProviderError::Unavailable(format!(
            "unexpected upstream status: {status}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use chrono::NaiveDate;
    use figment::Figment;
    use figment::providers::{Format, Serialized, Toml};
    use serde_json::json;
    use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::domain::ids::Aadhaar;

    const TOKEN: &str = "Bearer tok-5ecret-value";

    fn aadhaar() -> Aadhaar {
        Aadhaar::with_check_digit("23456789012").unwrap()
    }

    fn input() -> CheckInput {
        CheckInput {
            kind: crate::domain::checks::CheckType::parse("identity_pan").unwrap(),
            reference: "chk_01".into(),
            name: "Asha Rao".into(),
            dob: NaiveDate::from_ymd_opt(1990, 4, 1),
            father_name: Some("Ravi Rao".into()),
            address: None,
            pincode: crate::domain::person::Pincode::parse("560001").ok(),
            phone: None,
            pan: crate::domain::ids::Pan::parse("ABCPR1234F").ok(),
            aadhaar: Some(aadhaar()),
            uan: None,
            employers: vec![],
            attempt: 1,
            sandbox_outcome: None,
        }
    }

    fn config(url: String) -> HttpConnectorConfig {
        HttpConnectorConfig {
            url,
            method: HttpMethod::Post,
            headers: BTreeMap::new(),
            timeout_secs: 5,
            request: BTreeMap::new(),
            response: ResponseMapping::default(),
            source_name: "Test upstream".into(),
        }
    }

    fn entries(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    async fn answering(template: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(template)
            .mount(&server)
            .await;
        server
    }

    async fn fetch_with(
        server: &MockServer,
        edit: impl FnOnce(&mut HttpConnectorConfig),
    ) -> Result<SourceRecord, ProviderError> {
        let mut config = config(format!("{}/verify", server.uri()));
        edit(&mut config);
        HttpCheckProvider::new(config)
            .unwrap()
            .fetch(&input())
            .await
    }

    #[tokio::test]
    async fn post_sends_templated_json_body_and_secret_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/verify/ABCPR1234F"))
            .and(header("authorization", TOKEN))
            .and(header("x-client-id", "satyapan-test"))
            .and(header("content-type", "application/json"))
            .and(header("accept", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1)
            .mount(&server)
            .await;
        let mut config = config(format!("{}/v1/verify/{{pan}}", server.uri()));
        config.headers = [("Authorization", TOKEN), ("X-Client-Id", "satyapan-test")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Secret::new(v.to_string())))
            .collect();
        config.request = entries(&[
            ("full_name", "{name}"),
            ("dob", "{dob}"),
            ("dob_in", "{dob_ddmmyyyy}"),
            ("father", "{father_name}"),
            ("id_number", "{aadhaar}"),
            ("ref", "{reference}"),
            ("kind", "{check_type}"),
            ("consent", "Y"),
            ("braces", "{{literal}}"),
            ("phone", "{phone}"),
            ("where", "{address} / {pincode}"),
        ]);

        let record = HttpCheckProvider::new(config)
            .unwrap()
            .fetch(&input())
            .await
            .unwrap();
        assert_eq!(record.source, "Test upstream");

        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        let body: Value = received[0].body_json().unwrap();
        assert_eq!(
            body,
            json!({
                "full_name": "Asha Rao",
                "dob": "1990-04-01",
                "dob_in": "01/04/1990",
                "father": "Ravi Rao",
                "id_number": aadhaar().expose(),
                "ref": "chk_01",
                "kind": "identity_pan",
                "consent": "Y",
                "braces": "{literal}",
                // `phone` is missing and was its only input: left out. `address` is missing
                // but `pincode` is not: rendered with an empty string.
                "where": " / 560001",
            })
        );
        // The full 12 digits went upstream, not the masked form.
        assert_eq!(aadhaar().expose().len(), 12);
        assert!(
            String::from_utf8_lossy(&received[0].body).contains(aadhaar().expose()),
            "the upstream needs the full Aadhaar"
        );
    }

    #[tokio::test]
    async fn get_sends_request_entries_as_query() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/lookup"))
            .and(query_param("v", "2"))
            .and(query_param("pan", "ABCPR1234F"))
            .and(query_param("dob", "01/04/1990"))
            .and(query_param("name", "Asha Rao"))
            .and(query_param_is_missing("uan"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
        let mut config = config(format!("{}/lookup?v=2", server.uri()));
        config.method = HttpMethod::Get;
        config.request = entries(&[
            ("pan", "{pan}"),
            ("dob", "{dob_ddmmyyyy}"),
            ("name", "{name}"),
            ("uan", "{uan}"),
        ]);

        HttpCheckProvider::new(config)
            .unwrap()
            .fetch(&input())
            .await
            .unwrap();
        let received = server.received_requests().await.unwrap();
        assert!(received[0].body.is_empty());
        let query = received[0].url.query().unwrap();
        assert!(query.contains("dob=01%2F04%2F1990"), "{query}");
    }

    #[tokio::test]
    async fn url_placeholders_are_percent_encoded() {
        let server = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
        let mut input = input();
        input.name = "Asha K/Rao & Co?".into();
        let provider = HttpCheckProvider::new(config(format!(
            "{}/people/{{name}}/{{father_name}}/{{phone}}",
            server.uri()
        )))
        .unwrap();

        provider.fetch(&input).await.unwrap();
        let received = server.received_requests().await.unwrap();
        assert_eq!(
            received[0].url.path(),
            "/people/Asha%20K%2FRao%20%26%20Co%3F/Ravi%20Rao/"
        );
        assert_eq!(received[0].url.query(), None);
    }

    #[tokio::test]
    async fn maps_fields_nested_pointers_numbers_and_records() {
        let answer = json!({
            "data": {
                "full_name": "ASHA RAO",
                "dob": "1990-04-01",
                "age": 35,
                "verified": true,
                "score": 0.93,
                "address": {"line1": "12 MG Road", "pin": "560001"},
                "father_name": null,
                "gender": "  ",
                // An upstream echoing the number back, as some do.
                "aadhaar": format!("{} {} {}", &aadhaar().expose()[..4], &aadhaar().expose()[4..8], &aadhaar().expose()[8..]),
            },
            "cases": [
                {"case_no": "CR/12/2019", "court": "Bengaluru", "filed": 2019},
                {"case_no": "CR/7/2021", "parties": [format!("ID {}", aadhaar().expose())]}
            ]
        });
        let server = answering(ResponseTemplate::new(200).set_body_json(answer)).await;

        let record = fetch_with(&server, |c| {
            c.response.fields = entries(&[
                ("name", "/data/full_name"),
                ("dob", "/data/dob"),
                ("age", "/data/age"),
                ("verified", "/data/verified"),
                ("score", "/data/score"),
                ("address", "/data/address"),
                ("father_name", "/data/father_name"),
                ("gender", "/data/gender"),
                ("id_number", "/data/aadhaar"),
                ("status", "/data/missing/deeper"),
            ]);
            c.response.records = Some("/cases".into());
        })
        .await
        .unwrap();

        let fields: Vec<(&str, &str)> = record
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("address", r#"{"line1":"12 MG Road","pin":"560001"}"#),
                ("age", "35"),
                ("dob", "1990-04-01"),
                ("id_number", aadhaar().masked().as_str()),
                ("name", "ASHA RAO"),
                ("score", "0.93"),
                ("verified", "true"),
            ]
        );
        assert!(record.field("id_number").unwrap().starts_with("xxxxxxxx"));
        assert_eq!(record.records.len(), 2);
        assert_eq!(record.records[0]["case_no"], "CR/12/2019");
        assert_eq!(record.records[0]["filed"], 2019);
        assert_eq!(
            record.records[1]["parties"][0],
            format!("ID {}", aadhaar().masked())
        );
        assert!(record.documents.is_empty());
    }

    #[tokio::test]
    async fn records_pointer_missing_is_empty_and_non_array_is_unavailable() {
        let server =
            answering(ResponseTemplate::new(200).set_body_json(json!({"cases": {"n": 1}}))).await;
        let record = fetch_with(&server, |c| c.response.records = Some("/nothing".into()))
            .await
            .unwrap();
        assert!(record.records.is_empty());

        let error = fetch_with(&server, |c| c.response.records = Some("/cases".into()))
            .await
            .unwrap_err();
        assert_eq!(
            error,
            ProviderError::Unavailable("upstream answer has no array at /cases".into())
        );
    }

    #[tokio::test]
    async fn not_found_status_is_not_found() {
        let server = answering(ResponseTemplate::new(404).set_body_string("no such person")).await;
        assert_eq!(
            fetch_with(&server, |_| {}).await,
            Err(ProviderError::NotFound)
        );

        let server = answering(ResponseTemplate::new(422)).await;
        let configured = fetch_with(&server, |c| c.response.not_found_status = vec![404, 422]);
        assert_eq!(configured.await, Err(ProviderError::NotFound));
    }

    #[tokio::test]
    async fn not_found_when_in_a_200_is_not_found() {
        let rule = |pointer: &str, equals: &str| {
            Some(NotFoundWhen {
                pointer: pointer.into(),
                equals: equals.into(),
            })
        };
        let server = answering(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "NOT_FOUND", "result": {"count": 0}})),
        )
        .await;

        let by_text = fetch_with(&server, |c| {
            c.response.not_found_when = rule("/status", "NOT_FOUND")
        });
        assert_eq!(by_text.await, Err(ProviderError::NotFound));
        let by_number = fetch_with(&server, |c| {
            c.response.not_found_when = rule("/result/count", "0")
        });
        assert_eq!(by_number.await, Err(ProviderError::NotFound));
        let other_value = fetch_with(&server, |c| {
            c.response.not_found_when = rule("/status", "FOUND")
        });
        assert!(other_value.await.is_ok());
    }

    #[tokio::test]
    async fn server_error_is_unavailable_without_body() {
        let server = answering(
            ResponseTemplate::new(500).set_body_string("panic at db.rs:42 password=hunter2"),
        )
        .await;
        assert_eq!(
            fetch_with(&server, |_| {}).await,
            Err(ProviderError::Unavailable(
                "upstream failed: 500 Internal Server Error".into()
            ))
        );
    }

    #[tokio::test]
    async fn client_error_is_unavailable_with_a_short_scrubbed_snippet() {
        let echo = format!(
            "{{\"error\": \"invalid request\", \"aadhaar\": \"{}\", \"auth\": \"{TOKEN}\", \"key\": \"tok-5ecret-value\", \"detail\": \"{}\"}}",
            aadhaar().expose(),
            "x".repeat(500)
        );
        let server = answering(ResponseTemplate::new(400).set_body_string(echo)).await;

        let Err(ProviderError::Unavailable(message)) = fetch_with(&server, |c| {
            c.headers
                .insert("Authorization".into(), Secret::new(TOKEN.into()));
        })
        .await
        else {
            panic!("expected Unavailable");
        };
        assert!(
            message.starts_with(
                "upstream rejected the request: 400 Bad Request: {\"error\": \"invalid request\""
            ),
            "{message}"
        );
        assert!(message.contains(&aadhaar().masked()), "{message}");
        assert!(!message.contains(aadhaar().expose()), "{message}");
        assert!(!message.contains("tok-5ecret"), "{message}");
        assert!(message.chars().count() < 200, "{message}");

        let server = answering(ResponseTemplate::new(403)).await;
        assert_eq!(
            fetch_with(&server, |_| {}).await,
            Err(ProviderError::Unavailable(
                "upstream rejected the request: 403 Forbidden".into()
            ))
        );
    }

    #[tokio::test]
    async fn slow_upstream_times_out() {
        let server = answering(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(3)),
        )
        .await;
        let started = Instant::now();
        assert_eq!(
            fetch_with(&server, |c| c.timeout_secs = 1).await,
            Err(ProviderError::Timeout)
        );
        assert!(started.elapsed() < Duration::from_millis(2500));
    }

    #[tokio::test]
    async fn invalid_json_is_unavailable() {
        let server =
            answering(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>")).await;
        assert_eq!(
            fetch_with(&server, |_| {}).await,
            Err(ProviderError::Unavailable(
                "upstream answered with invalid JSON".into()
            ))
        );
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let server = MockServer::start().await;
        Mock::given(path("/verify"))
            .respond_with(
                ResponseTemplate::new(307).insert_header("location", "http://example.invalid/x"),
            )
            .mount(&server)
            .await;
        assert_eq!(
            fetch_with(&server, |_| {}).await,
            Err(ProviderError::Unavailable(
                "unexpected upstream status: 307 Temporary Redirect".into()
            ))
        );
    }

    #[tokio::test]
    async fn unreachable_upstream_is_unavailable_without_quoting_the_url() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let provider =
            HttpCheckProvider::new(config(format!("http://127.0.0.1:{port}/a/{{aadhaar}}")))
                .unwrap();
        let Err(ProviderError::Unavailable(message)) = provider.fetch(&input()).await else {
            panic!("expected Unavailable");
        };
        assert!(
            message.starts_with("cannot connect to upstream"),
            "{message}"
        );
        assert!(!message.contains(aadhaar().expose()), "{message}");
        assert!(!message.contains("127.0.0.1"), "{message}");
    }

    #[test]
    fn configuration_errors_are_found_up_front() {
        let base = || config("https://upstream.example/v1/{pan}".into());
        let error = |edit: fn(&mut HttpConnectorConfig)| {
            let mut config = base();
            edit(&mut config);
            HttpCheckProvider::new(config).unwrap_err()
        };
        assert!(HttpCheckProvider::new(base()).is_ok());

        assert_eq!(
            error(|c| c.url = "https://upstream.example/{pan_number}".into()),
            ConnectorConfigError::UnknownPlaceholder {
                setting: "url".into(),
                placeholder: "pan_number".into()
            }
        );
        let unknown = error(|c| c.request = entries(&[("dob", "{date_of_birth}")]));
        assert_eq!(
            unknown,
            ConnectorConfigError::UnknownPlaceholder {
                setting: "request.dob".into(),
                placeholder: "date_of_birth".into()
            }
        );
        assert!(unknown.to_string().contains("{dob_ddmmyyyy}"), "{unknown}");
        assert!(matches!(
            error(|c| c.request = entries(&[("x", "{name")])),
            ConnectorConfigError::MalformedTemplate {
                reason: "unclosed '{'",
                ..
            }
        ));
        assert!(matches!(
            error(|c| c.request = entries(&[("x", "name}")])),
            ConnectorConfigError::MalformedTemplate {
                reason: "unmatched '}'",
                ..
            }
        ));
        assert!(matches!(
            error(|c| c.url = "ftp://upstream.example/{pan}".into()),
            ConnectorConfigError::InvalidUrl(_)
        ));
        assert!(matches!(
            error(|c| c.url = "upstream.example/{pan}".into()),
            ConnectorConfigError::InvalidUrl(_)
        ));
        assert!(matches!(
            error(|c| c.response.fields = entries(&[("name", "data.name")])),
            ConnectorConfigError::InvalidPointer { .. }
        ));
        assert!(matches!(
            error(|c| c.response.records = Some("cases".into())),
            ConnectorConfigError::InvalidPointer { .. }
        ));
        assert_eq!(
            error(|c| c.response.not_found_status = vec![404, 42]),
            ConnectorConfigError::InvalidStatus(42)
        );
        assert_eq!(
            error(|c| c.timeout_secs = 0),
            ConnectorConfigError::ZeroTimeout
        );
        assert_eq!(
            error(|c| c.source_name = " ".into()),
            ConnectorConfigError::EmptySourceName
        );
        assert_eq!(
            error(|c| {
                c.headers.insert("Bad Name".into(), Secret::new("v".into()));
            }),
            ConnectorConfigError::InvalidHeaderName("Bad Name".into())
        );
        assert_eq!(
            error(|c| {
                c.headers.insert("api-key".into(), Secret::new("a".into()));
                c.headers.insert("API-Key".into(), Secret::new("b".into()));
            }),
            ConnectorConfigError::DuplicateHeader("api-key".into())
        );

        let mut config = base();
        config.headers.insert(
            "X-Api-Key".into(),
            Secret::new("k3y-secret\nInjected: 1".into()),
        );
        let error = HttpCheckProvider::new(config).unwrap_err();
        assert_eq!(
            error,
            ConnectorConfigError::InvalidHeaderValue("X-Api-Key".into())
        );
        assert!(!format!("{error} {error:?}").contains("k3y-secret"));
    }

    #[test]
    fn debug_output_hides_header_values_and_aadhaar() {
        let mut config = config("https://upstream.example/v1/{aadhaar}".into());
        config
            .headers
            .insert("Authorization".into(), Secret::new(TOKEN.into()));
        config.request = entries(&[("uid", "{aadhaar}")]);
        let provider = HttpCheckProvider::new(config).unwrap();

        let shown = format!("{provider:?} {:?} {provider:#?}", provider.config());
        assert!(!shown.contains("tok-5ecret"), "{shown}");
        assert!(!shown.contains(aadhaar().expose()), "{shown}");
        assert!(shown.contains("Secret([redacted])"), "{shown}");
        let shown_input = format!("{:?}", input());
        assert!(!shown_input.contains(aadhaar().expose()), "{shown_input}");
    }

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
