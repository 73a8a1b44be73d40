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
//!
//! Split into `config` (the operator's schema and its checks), `template` (the URL/body
//! template engine) and `provider` (the HTTP provider itself).

mod config;
mod provider;
mod template;

pub use config::{
    ConnectorConfigError, HttpConnectorConfig, HttpMethod, NotFoundWhen, ResponseMapping,
};
pub use provider::HttpCheckProvider;
