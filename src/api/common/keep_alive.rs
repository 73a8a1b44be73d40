//! A request answered before its body was read must not leave its connection half-read: the
//! server would close it without saying so, and a client that reuses it (its request written, its
//! answer read) finds it gone — "connection closed without response".
//!
//! So a small body (a `content-length` of at most [`READ_AHEAD_BYTES`]) is read whole before the
//! request goes on: whatever the handler does, nothing is left unread and the connection stays
//! open. A larger or chunked body is streamed to the handler as usual, and if the answer leaves
//! it unread (an authentication failure, a body over the limit), the answer carries
//! `Connection: close`, so the client opens a new connection instead of reusing a dying one.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{HttpError, Surface};

/// Bodies up to this size are read before the handler runs (64 KiB: every JSON body this API
/// documents fits many times over).
pub const READ_AHEAD_BYTES: u64 = 64 * 1024;

/// The middleware, for the routes of surface `S` (which renders a body that cannot be read).
pub async fn middleware<S: Surface>(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let length = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = length.filter(|n| *n <= READ_AHEAD_BYTES) {
        let limit = usize::try_from(length).unwrap_or(usize::MAX);
        return match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => {
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
            Err(_) => closing(S::render(HttpError::BodyUnreadable)),
        };
    }
    let read = Arc::new(AtomicBool::new(false));
    let tracked = Body::new(Tracked {
        inner: body,
        read: read.clone(),
    });
    let response = next.run(Request::from_parts(parts, tracked)).await;
    if read.load(Ordering::Acquire) {
        response
    } else {
        closing(response)
    }
}

fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that records whether it was read to its end.
struct Tracked {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
