//! The headers every response carries, whatever answered it: `X-Content-Type-Options: nosniff`
//! (a browser takes the declared type, never a guess from the bytes), `X-Frame-Options: DENY`,
//! `Referrer-Policy: no-referrer` and a Content Security Policy. An API answer or a file is never
//! a page: its policy allows nothing at all and sandboxes it ([`API_POLICY`]). The Swagger UI at
//! `/docs` is a page: its policy allows its own scripts, styles and images from this origin and
//! nothing else ([`DOCS_POLICY`]). A handler that sets one of these headers itself keeps its own.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every answer but the documentation's: nothing may load, run, frame it or be
/// framed, and a browser that renders it anyway gives it an opaque origin without scripts.
pub const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

/// The policy of the Swagger UI (`/docs`): its bundled scripts and styles, the inline styles
/// and `data:` images its stylesheet and components use, and requests to this origin (the
/// OpenAPI document, "Try it out"). No inline or foreign script, no framing.
pub const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether `path` is the documentation's (the Swagger UI and its files).
fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

/// The headers for an answer to `path`, as name and value.
pub fn headers_for(path: &str) -> [(HeaderName, &'static str); 4] {
    let policy = if is_docs(path) {
        DOCS_POLICY
    } else {
        API_POLICY
    };
    [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, policy),
    ]
}

fn apply(headers: &mut HeaderMap, path: &str) {
    for (name, value) in headers_for(path) {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

/// The middleware, outermost on the router.
pub async fn middleware(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    apply(response.headers_mut(), &path);
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_documentation_gets_its_own_policy_and_a_handlers_header_is_kept() {
        let mut headers = HeaderMap::new();
        apply(&mut headers, "/docs/swagger-ui.css");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], DOCS_POLICY);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let mut headers = HeaderMap::new();
        apply(&mut headers, "/docsearch");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], API_POLICY);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        apply(&mut headers, "/x");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    }
}
