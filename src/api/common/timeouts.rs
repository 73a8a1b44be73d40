//! How long a connection may sit waiting for a request: a header-read timeout and an idle
//! timeout, as most HTTP servers have them.
//!
//! - **Header read** (`http_header_read_timeout_secs`): a request's head (request line and
//!   headers) must arrive whole within this long — from the accept for a connection's first
//!   request, from its first byte for a later one. A client trickling a header line at a time
//!   is cut off when it runs out, however steadily it trickles.
//! - **Idle** (`http_idle_timeout_secs`): a kept-alive connection with no request under way is
//!   closed when no byte of a next request arrives within this long.
//!
//! Neither runs while a request is being answered (from the moment its head is read until its
//! response body is handed over in full): a slow handler, a long render or a large download is
//! not cut short — those have their own bounds (`request_timeout_secs`, the sources' timeouts).
//! A connection that runs out is closed without an answer, as an idle one would be.
//!
//! hyper has a header-read timeout of its own, but it runs from the moment hyper waits for a
//! head, the idle time between requests included, so it cannot tell the two apart; this layer
//! does both on the connection ([`Timed`]) with the per-connection service counting the
//! requests under way ([`Connections`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::extract::connect_info::ConnectInfo;
use axum::response::Response;
use futures::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::wire::{Listener, PeerAddr};

/// The two bounds (`None`: no bound).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    pub header_read: Option<Duration>,
    pub idle: Option<Duration>,
}

impl Timeouts {
    /// From the configured seconds, 0 meaning no bound.
    pub fn from_secs(header_read: u64, idle: u64) -> Self {
        let bound = |secs: u64| (secs > 0).then(|| Duration::from_secs(secs));
        Timeouts {
            header_read: bound(header_read),
            idle: bound(idle),
        }
    }
}

/// What a connection and the requests it carries share: how many requests are under way, and
/// the task reading the connection, woken when the last of them is done.
#[derive(Debug, Default)]
pub struct Activity {
    in_flight: AtomicUsize,
    reader: AtomicWaker,
}

impl Activity {
    fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Busy(self.clone())
    }

    fn is_busy(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
    }
}

/// One request under way, until dropped (with its response body).
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The connection is waiting again: its reader starts the idle clock.
            self.0.reader.wake();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A head is being read: the header-read clock runs.
    Head,
    /// Nothing of a next request yet: the idle clock runs.
    Idle,
    /// A request is being answered: no clock.
    Busy,
}

/// A connection whose reads fail with `TimedOut` when a clock runs out.
pub struct Timed<IO> {
    io: IO,
    timeouts: Timeouts,
    activity: Arc<Activity>,
    phase: Phase,
    /// When the running clock runs out (`None`: no clock), and its timer.
    deadline: Option<Instant>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<IO> Timed<IO> {
    /// A connection just accepted: its first head is due within the header-read timeout (the
    /// idle one when there is none).
    pub fn new(io: IO, timeouts: Timeouts) -> Self {
        let (phase, bound) = match timeouts.header_read {
            Some(bound) => (Phase::Head, Some(bound)),
            None => (Phase::Idle, timeouts.idle),
        };
        Timed {
            io,
            timeouts,
            activity: Arc::default(),
            phase,
            deadline: bound.map(|b| Instant::now() + b),
            timer: None,
        }
    }

    /// What the connection's requests share with it.
    pub fn activity(&self) -> Arc<Activity> {
        self.activity.clone()
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        let bound = match phase {
            Phase::Head => self.timeouts.header_read,
            Phase::Idle => self.timeouts.idle,
            Phase::Busy => None,
        };
        self.deadline = bound.map(|b| Instant::now() + b);
    }

    /// Whether the running clock has run out (registering the task to be woken when it does).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(deadline) = self.deadline else {
            return false;
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.deadline() != deadline {
            timer.as_mut().reset(deadline);
        }
        timer.as_mut().poll(cx).is_ready()
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Timed<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        this.activity.reader.register(cx.waker());
        if this.activity.is_busy() {
            if this.phase != Phase::Busy {
                this.enter(Phase::Busy);
            }
            return Pin::new(&mut this.io).poll_read(cx, buf);
        }
        if this.phase == Phase::Busy {
            this.enter(Phase::Idle);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if this.phase == Phase::Idle && buf.filled().len() > before {
                    this.enter(Phase::Head);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending if this.expired(cx) => {
                let what = match this.phase {
                    Phase::Head => "request head not received in time",
                    _ => "connection idle",
                };
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Timed<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// The make-service for [`axum::serve`] over [`Listener`]: each connection gets the router
/// with its peer's address (`ConnectInfo<PeerAddr>`) and its requests counted on the
/// connection's [`Activity`].
#[derive(Clone)]
pub struct Connections {
    router: Router,
}

impl Connections {
    pub fn new(router: Router) -> Self {
        Connections { router }
    }
}

impl<'a> tower::Service<axum::serve::IncomingStream<'a, Listener>> for Connections {
    type Response = Counted;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Counted, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: axum::serve::IncomingStream<'a, Listener>) -> Self::Future {
        std::future::ready(Ok(Counted {
            router: self.router.clone(),
            peer: PeerAddr(*stream.remote_addr()),
            activity: stream.io().activity(),
        }))
    }
}

/// One connection's service: the router, each request counted until its response body is done.
#[derive(Clone)]
pub struct Counted {
    router: Router,
    peer: PeerAddr,
    activity: Arc<Activity>,
}

impl tower::Service<Request> for Counted {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        use tower::ServiceExt;
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let busy = self.activity.busy();
        let answer = self.router.clone().oneshot(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|inner| Body::new(Tracked { inner, _busy: busy })))
        })
    }
}

/// A response body that keeps its request counted until it is done or dropped.
struct Tracked {
    inner: Body,
    _busy: Busy,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn bounds(header_read_ms: u64, idle_ms: u64) -> Timeouts {
        Timeouts {
            header_read: Some(Duration::from_millis(header_read_ms)),
            idle: Some(Duration::from_millis(idle_ms)),
        }
    }

    /// Reads until the end or an error, and gives the error's kind.
    async fn read_all<IO: AsyncRead + Unpin>(io: &mut Timed<IO>) -> Result<(), io::ErrorKind> {
        let mut buf = [0u8; 64];
        loop {
            match io.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(_) => continue,
                Err(e) => return Err(e.kind()),
            }
        }
    }

    #[tokio::test]
    async fn a_trickled_head_runs_out_however_steady() {
        let (mut client, server) = tokio::io::duplex(1024);
        let mut timed = Timed::new(server, bounds(300, 60_000));
        let reader = tokio::spawn(async move { read_all(&mut timed).await });
        client.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        // A line every 50 ms, each read well within the bound, the whole far beyond it.
        for _ in 0..2000 {
            if reader.is_finished() || client.write_all(b"X-Slow: 1\r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(reader.await.unwrap(), Err(io::ErrorKind::TimedOut));
    }

    #[tokio::test]
    async fn a_connection_that_sends_nothing_is_closed() {
        let (_client, server) = tokio::io::duplex(1024);
        let mut timed = Timed::new(server, bounds(200, 60_000));
        assert_eq!(read_all(&mut timed).await, Err(io::ErrorKind::TimedOut));
    }

    #[tokio::test]
    async fn no_clock_runs_while_a_request_is_answered_then_the_idle_one_does() {
        let (_client, server) = tokio::io::duplex(1024);
        let mut timed = Timed::new(server, bounds(100, 100));
        let busy = timed.activity().busy();
        let reader = tokio::spawn(async move { read_all(&mut timed).await });
        // Ten times either bound: the connection is still there.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert!(!reader.is_finished());
        drop(busy);
        assert_eq!(reader.await.unwrap(), Err(io::ErrorKind::TimedOut));
    }

    #[tokio::test]
    async fn a_next_request_within_the_idle_bound_is_read() {
        let (mut client, server) = tokio::io::duplex(1024);
        let mut timed = Timed::new(server, bounds(60_000, 60_000));
        let busy = timed.activity().busy();
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            let first = timed.read(&mut buf).await.map_err(|e| e.kind());
            (first, timed)
        });
        tokio::task::yield_now().await;
        drop(busy);
        client.write_all(b"G").await.unwrap();
        let (first, timed) = reader.await.unwrap();
        assert_eq!(first, Ok(1));
        // The byte started a head: the header-read clock runs now.
        assert_eq!(timed.phase, Phase::Head);
    }
}
