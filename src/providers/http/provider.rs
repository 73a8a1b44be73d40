//! The HTTP check provider: builds the request from the templates, calls the upstream and maps
//! its answer onto a `SourceRecord`.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::config::check_pointer;
use super::template::{Segment, Template, percent_encode, verbatim};
use super::{ConnectorConfigError, HttpConnectorConfig, HttpMethod};
use crate::providers::ProviderError;
use crate::providers::check::{CheckInput, CheckProvider, SourceRecord};

/// Largest upstream answer read; a bigger one is a misbehaving upstream, not a record.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How much of a 4xx body is read and quoted in the error.
const SNIPPET_READ_BYTES: usize = 4 * 1024;
const SNIPPET_CHARS: usize = 120;

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
    use std::collections::BTreeMap;
    use std::time::Instant;

    use chrono::NaiveDate;
    use serde_json::json;
    use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::domain::ids::Aadhaar;
    use crate::providers::http::{NotFoundWhen, ResponseMapping};
    use crate::secret::Secret;

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
            pincode: Some(crate::domain::person::Pincode::parse("560001").unwrap()),
            phone: None,
            pan: Some(crate::domain::ids::Pan::parse("ABCPR1234F").unwrap()),
            aadhaar: Some(aadhaar()),
            uan: None,
            employers: vec![],
            attempt: 1,
            sandbox_outcome: None,
            sandbox_org: true,
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
}
