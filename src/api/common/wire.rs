//! The framework's own answers, in the surface's body.
//!
//! Two kinds of failure never reach a handler:
//! - a request URI longer than [`MAX_URI_BYTES`]: refused by the router's middleware ([`uri_too_long`]),
//!   with a 414 rendered by the surface;
//! - a request hyper cannot parse at all — a request target over its hard limit of 64 KiB (which
//!   no setting raises), headers over its buffer, a malformed request line. hyper answers those
//!   itself, before any service runs, with a bodiless 400/414/431 and closes the connection.
//!   [`Listener`] wraps each accepted connection so that exactly that automatic answer (a status
//!   of 400, 414 or 431, `connection: close`, `content-length: 0`, nothing after the head) is
//!   replaced, as it is written, by the same status with the surface's body, rendered once at
//!   start ([`FrameworkAnswers`]). Everything else passes through untouched.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::body::Bytes;
use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::timeouts::{Timed, Timeouts};
use super::{HttpError, Surface};

/// The longest request URI (path and query) accepted: 8 KiB.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Whether a request URI is longer than [`MAX_URI_BYTES`] (the router's middleware then answers
/// 414 in the body of the surface the path belongs to).
pub fn uri_too_long(uri: &axum::http::Uri) -> bool {
    uri.path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URI_BYTES
}

/// The complete responses that replace hyper's automatic ones, by status.
#[derive(Debug, Clone, Default)]
pub struct FrameworkAnswers {
    answers: Vec<(u16, Bytes)>,
}

impl FrameworkAnswers {
    /// Renders, through surface `S`, the answers to requests hyper refuses on its own.
    pub async fn render<S: Surface>() -> Self {
        let mut answers = Vec::new();
        for error in [
            HttpError::MalformedRequest,
            HttpError::UriTooLong,
            HttpError::HeadersTooLarge,
        ] {
            let response = S::render(error);
            let status = response.status();
            let content_type = response
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_string();
            let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            answers.push((
                status.as_u16(),
                Self::response(status, &content_type, &body),
            ));
        }
        FrameworkAnswers { answers }
    }

    fn response(status: StatusCode, content_type: &str, body: &[u8]) -> Bytes {
        // The headers every answer carries (`super::security`), on these too.
        let security: String = super::security::headers_for("")
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        let mut out = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{security}connection: close\r\n\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        Bytes::from(out)
    }

    /// The replacement for `written`, when it is exactly one of hyper's automatic answers.
    fn replacement(&self, written: &[u8]) -> Option<&Bytes> {
        let head = written
            .strip_prefix(b"HTTP/1.1 ")
            .or_else(|| written.strip_prefix(b"HTTP/1.0 "))?;
        let status: u16 = std::str::from_utf8(head.get(..3)?).ok()?.parse().ok()?;
        let (_, replacement) = self.answers.iter().find(|(s, _)| *s == status)?;
        let end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
        if end + 4 != written.len() {
            return None;
        }
        let head = String::from_utf8_lossy(&written[..end]).to_ascii_lowercase();
        let automatic = head.contains("\r\nconnection: close")
            && head.contains("\r\ncontent-length: 0")
            && !head.contains("\r\ncontent-type:");
        automatic.then_some(replacement)
    }
}

/// A TCP listener whose connections answer hyper's automatic errors in the surface's body and
/// are closed when they wait too long for a request ([`Timeouts`]).
pub struct Listener {
    inner: TcpListener,
    answers: Arc<FrameworkAnswers>,
    timeouts: Timeouts,
}

impl Listener {
    pub fn new(inner: TcpListener, answers: FrameworkAnswers) -> Self {
        Listener {
            inner,
            answers: Arc::new(answers),
            timeouts: Timeouts::default(),
        }
    }

    /// The header-read and idle bounds of every connection accepted.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }
}

impl axum::serve::Listener for Listener {
    type Io = Timed<Connection<TcpStream>>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let connection = Connection::new(stream, self.answers.clone());
                    return (Timed::new(connection, self.timeouts), addr);
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// One accepted connection: reads pass through; a write that is exactly one of hyper's
/// automatic error answers is replaced by the surface's.
pub struct Connection<IO> {
    io: IO,
    answers: Arc<FrameworkAnswers>,
    /// A replacement being written: its bytes, how many are out, how many of the caller's
    /// bytes it stands for.
    pending: Option<(Bytes, usize, usize)>,
}

impl<IO> Connection<IO> {
    pub fn new(io: IO, answers: Arc<FrameworkAnswers>) -> Self {
        Connection {
            io,
            answers,
            pending: None,
        }
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Connection<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Connection<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none()
            && let Some(replacement) = this.answers.replacement(buf)
        {
            this.pending = Some((replacement.clone(), 0, buf.len()));
        }
        let Some((bytes, written, replaces)) = &mut this.pending else {
            return Pin::new(&mut this.io).poll_write(cx, buf);
        };
        while *written < bytes.len() {
            let n = ready!(Pin::new(&mut this.io).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        let replaced = *replaces;
        this.pending = None;
        Poll::Ready(Ok(replaced))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    // Writes stay one buffer at a time, so an automatic answer arrives whole in one `poll_write`.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::konnectnxt::envelope::KonnectNxt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const AUTOMATIC: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Wed, 25 Nov 2026 09:09:28 GMT\r\n\r\n";

    #[tokio::test]
    async fn only_hypers_automatic_answers_are_replaced() {
        let answers = FrameworkAnswers::render::<KonnectNxt>().await;
        let replaced = answers.replacement(AUTOMATIC).unwrap();
        let text = String::from_utf8_lossy(replaced);
        assert!(text.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(
            text.contains("\r\nx-content-type-options: nosniff\r\n"),
            "{text}"
        );
        assert!(text.ends_with(
            r#"{"status":"error","code":431,"message":"Request headers are too large.","data":null}"#
        ));
        for other in [
            // An answer of ours: it has a body and a content type.
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"[..],
            // A head followed by more bytes.
            b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\nHTTP/1.1",
            // Keep-alive: not an automatic error answer.
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n",
            b"",
        ] {
            assert!(answers.replacement(other).is_none(), "{other:?}");
        }
    }

    #[tokio::test]
    async fn a_replacement_is_written_whole_through_the_connection() {
        let (client, server) = tokio::io::duplex(16);
        let answers = Arc::new(FrameworkAnswers::render::<KonnectNxt>().await);
        let mut connection = Connection::new(server, answers);
        let reader = tokio::spawn(async move {
            let mut client = client;
            let mut out = Vec::new();
            client.read_to_end(&mut out).await.unwrap();
            out
        });
        connection.write_all(b"HTTP/1.1 200 OK\r\n").await.unwrap();
        connection.write_all(AUTOMATIC).await.unwrap();
        connection.shutdown().await.unwrap();
        drop(connection);
        let out = String::from_utf8(reader.await.unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 200 OK\r\nHTTP/1.1 431 "), "{out}");
        assert!(out.ends_with(r#""data":null}"#), "{out}");
    }
}

/// The peer's address of a connection accepted by [`Listener`], for handlers that need it
/// (`ConnectInfo<PeerAddr>`, e.g. login limits per address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Listener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, Listener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}
