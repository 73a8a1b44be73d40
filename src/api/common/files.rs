//! Files served by signed, expiring links: evidence images (and rendered reports). The
//! signature is the authorisation; a wrong or expired one is refused (`HttpError::LinkInvalid`),
//! rendered by the surface the route is mounted for.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::{HttpError, Rejection, Surface, parse_query};
use crate::api::AppState;
use crate::app::{AppError, Resource};
use crate::crypto::verify_link;
use crate::files::Content;
use crate::files::kind::FileKind;

/// Checks the link's `expires` and `signature` for `path`.
pub(crate) fn authorise(
    state: &AppState,
    path: &str,
    query: Option<&str>,
) -> Result<(), HttpError> {
    let params = parse_query(query.unwrap_or("")).unwrap_or_default();
    let expires = params
        .get("expires")
        .and_then(|v| v.trim().parse::<i64>().ok());
    let signature = params.get("signature").map(|v| v.trim());
    match (expires, signature) {
        (Some(expires), Some(signature))
            if verify_link(
                &state.links.key,
                path,
                expires,
                signature,
                chrono::Utc::now().timestamp(),
            ) =>
        {
            Ok(())
        }
        _ => Err(HttpError::LinkInvalid),
    }
}

pub async fn evidence<S: Surface>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Rejection<S>> {
    authorise(&state, &format!("/files/evidence/{id}"), query.as_deref())?;
    // The type the connector declared is not trusted: the bytes say what the file is.
    let (_declared, content) = crate::app::cases::evidence(&state.store, &state.files, &id).await?;
    let mut response = download(content, &format!("evidence-{id}")).await;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}

/// A user's (or a source's) file as a download that cannot render: `Content-Type` from what its
/// bytes are ([`served_kind`]; anything else `application/octet-stream`), never what was
/// declared or named, and `Content-Disposition: attachment` with a name of that kind
/// (`<stem>.<jpg|png|pdf|svg|bin>`). With `nosniff` and the sandboxing policy every answer carries
/// (`super::security`), a browser saves it instead of running it.
pub(crate) async fn download(content: Content, stem: &str) -> Response {
    use futures::StreamExt;
    let (kind, content) = match content {
        Content::Bytes(bytes) => (served_kind(&bytes), Content::Bytes(bytes)),
        Content::Stream { size, mut stream } => match stream.next().await {
            Some(Ok(first)) => {
                let kind = served_kind(&first);
                let stream = futures::stream::once(async move { Ok(first) })
                    .chain(stream)
                    .boxed();
                (kind, Content::Stream { size, stream })
            }
            Some(Err(error)) => {
                let stream = futures::stream::once(async move { Err(error) }).boxed();
                (None, Content::Stream { size, stream })
            }
            None => (None, Content::Bytes(Vec::new())),
        },
    };
    let (content_type, extension) = kind.unwrap_or(("application/octet-stream", "bin"));
    let mut response = body(content);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(disposition) = HeaderValue::from_str(&attachment(stem, extension)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The type and extension a file is served under, from its first bytes: the kinds uploads
/// accept (JPEG, PNG, PDF), or an SVG image (the sandbox's evidence pages); `None` for anything
/// else.
fn served_kind(head: &[u8]) -> Option<(&'static str, &'static str)> {
    if let Some(kind) = FileKind::detect(head) {
        return Some((kind.content_type(), kind.extension()));
    }
    let head = &head[..head.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let svg = (text.starts_with("<svg") || text.starts_with("<?xml")) && text.contains("<svg");
    svg.then_some(("image/svg+xml", "svg"))
}

/// `attachment; filename="<stem>.<extension>"`, the stem reduced to letters, digits, `-`, `_`
/// and `.` (a name a client chose cannot break out of the quotes or the header).
pub(crate) fn attachment(stem: &str, extension: &str) -> String {
    let stem: String = stem
        .chars()
        .take(128)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{stem}.{extension}\"")
}

/// A file's content as a response body: streamed from the store, with its length.
fn body(content: Content) -> Response {
    match content {
        Content::Bytes(bytes) => bytes.into_response(),
        Content::Stream { size, stream } => (
            [(header::CONTENT_LENGTH, size.to_string())],
            Body::from_stream(stream),
        )
            .into_response(),
    }
}

/// A completed case's PDF, rendered when the signed link is followed.
pub async fn report_pdf<S: Surface>(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, Rejection<S>> {
    authorise(&state, &format!("/files/reports/{file}"), query.as_deref())?;
    let case_id = file.strip_suffix(".pdf").unwrap_or(&file);
    let view = crate::app::cases::view::view_for_link(&state.store, case_id).await?;
    if !view.case.status.is_terminal() {
        return Err(AppError::NotFound(Resource::File).into());
    }
    let pdf = crate::app::cases::pdf(&state.store, &state.files, &state.pdf_renders, &view).await?;
    Ok(download(pdf, &format!("bgv-report-{}", view.case.reference_id)).await)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use futures::StreamExt;

    async fn headers(content: Content, stem: &str) -> (String, String) {
        let response = download(content, stem).await;
        let get = |name| response.headers()[name].to_str().unwrap().to_string();
        (get(header::CONTENT_TYPE), get(header::CONTENT_DISPOSITION))
    }

    #[tokio::test]
    async fn a_download_is_typed_by_its_bytes_and_never_renders() {
        let html_in_jpeg = b"\xFF\xD8\xFF<html><script>alert(1)</script></html>".to_vec();
        assert_eq!(
            headers(Content::Bytes(html_in_jpeg), "u1").await,
            (
                "image/jpeg".into(),
                "attachment; filename=\"u1.jpg\"".into()
            )
        );
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
        assert_eq!(
            headers(Content::Bytes(svg), "e").await,
            (
                "image/svg+xml".into(),
                "attachment; filename=\"e.svg\"".into()
            )
        );
        assert_eq!(
            headers(Content::Bytes(b"<html></html>".to_vec()), "x").await,
            (
                "application/octet-stream".into(),
                "attachment; filename=\"x.bin\"".into()
            )
        );
        let pdf = futures::stream::iter([Ok(bytes::Bytes::from_static(b"%PDF-1.7\n"))]).boxed();
        assert_eq!(
            headers(
                Content::Stream {
                    size: 9,
                    stream: pdf
                },
                "r\"\r\nX: 1"
            )
            .await,
            (
                "application/pdf".into(),
                "attachment; filename=\"r___X__1.pdf\"".into()
            )
        );
    }
}
