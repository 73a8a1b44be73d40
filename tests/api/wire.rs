//! The connection itself: a request rejected before its body is read leaves the keep-alive
//! connection usable (or closes it cleanly, saying so), and every status under `/api/` — the
//! framework's own ones included — is answered in the envelope.

use serde_json::json;

use crate::helpers::TestApp;

/// One keep-alive client (a pool of one connection) alternating bodies rejected by
/// authentication before they are read with good requests: none fails.
#[tokio::test]
async fn a_body_rejected_before_it_is_read_leaves_the_connection_usable() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let body = |size: usize| {
        json!({"url": format!("https://hooks.example.com/{}", "a".repeat(size))}).to_string()
    };
    // Small bodies (read whole, so the connection stays open) and large ones (closed cleanly).
    let bodies = [body(100), body(4 * 1024), body(60 * 1024), body(300 * 1024)];
    let mut failures = Vec::new();
    for round in 0..200 {
        let rejected = client
            .put(app.url("/api/v2/webhooks"))
            .bearer_auth("sat_test_not_a_key")
            .header("content-type", "application/json")
            .body(bodies[round % bodies.len()].clone())
            .send()
            .await;
        match rejected {
            Ok(r) if r.status() == 401 => {
                let text = r.text().await.unwrap_or_default();
                assert_eq!(
                    text,
                    r#"{"status":"error","code":401,"message":"Invalid API key (organization ID)","data":null}"#
                );
            }
            Ok(r) => failures.push(format!("round {round}: rejected body got {}", r.status())),
            Err(e) => failures.push(format!("round {round}: rejected body: {e:?}")),
        }
        let good = client
            .get(app.url("/api/v2/credits/transactions?per_page=1"))
            .bearer_auth(&app.key)
            .send()
            .await;
        match good {
            Ok(r) if r.status() == 200 => {}
            Ok(r) => failures.push(format!("round {round}: good request got {}", r.status())),
            Err(e) => failures.push(format!("round {round}: good request: {e:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 400 requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Reads one HTTP/1.1 response (headers and a `content-length` body) from `stream`.
async fn read_response(
    stream: &mut tokio::net::TcpStream,
    buffer: &mut Vec<u8>,
) -> std::io::Result<(u16, Vec<(String, String)>, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_string();
            let mut lines = head.split("\r\n");
            let status: u16 = lines
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let mut chunk = [0u8; 65536];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let body = buffer[end + 4..end + 4 + length].to_vec();
            buffer.drain(..end + 4 + length);
            return Ok((status, headers, body));
        }
        let mut chunk = [0u8; 65536];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// The same over one raw HTTP/1.1 connection, as a simple client would use it: it writes a whole
/// request, reads the answer, and reuses the connection unless the answer said
/// `Connection: close`.
#[tokio::test]
async fn a_raw_keep_alive_connection_survives_rejected_bodies() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buffer = Vec::new();
    let mut failures = Vec::new();
    let mut reconnects = 0;
    for round in 0..200 {
        let size = [100, 4 * 1024, 60 * 1024, 300 * 1024][round % 4];
        let body = format!(
            r#"{{"url": "https://hooks.example.com/{}"}}"#,
            "a".repeat(size)
        );
        let request = format!(
            "PUT /api/v2/webhooks HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer sat_test_not_a_key\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let good = format!(
            "GET /api/v2/credits/transactions?per_page=1 HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\r\n",
            app.key
        );
        for (what, request, expected) in [("rejected", &request, 401), ("good", &good, 200)] {
            let outcome = async {
                stream.write_all(request.as_bytes()).await?;
                read_response(&mut stream, &mut buffer).await
            }
            .await;
            match outcome {
                Ok((status, headers, _)) if status == expected => {
                    let close = headers
                        .iter()
                        .any(|(k, v)| k == "connection" && v.eq_ignore_ascii_case("close"));
                    if close {
                        reconnects += 1;
                        stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
                        buffer.clear();
                    }
                }
                Ok((status, _, body)) => failures.push(format!(
                    "round {round} {what}: {status} {}",
                    String::from_utf8_lossy(&body)
                )),
                Err(e) => {
                    failures.push(format!("round {round} {what} ({size} B body): {e}"));
                    stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
                    buffer.clear();
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 400 requests failed ({reconnects} clean closes):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Bodies up to 64 KiB are read whole and keep the connection; only the 300 KB ones, left
    // unread, close it (saying so).
    assert_eq!(reconnects, 50);
}

const URI_TOO_LONG: &str = r#"{"status":"error","code":414,"message":"Request URI is too long: at most 8192 bytes.","data":null}"#;

/// Every status under `/api/` is in the envelope, the framework's own included: a URI over the
/// limit (8 KiB, refused by the server) or over hyper's hard limit (64 KiB, refused by hyper
/// before any handler), a request that cannot be parsed, headers over hyper's buffer.
#[tokio::test]
async fn the_frameworks_own_answers_are_in_the_envelope() {
    let app = TestApp::spawn().await;
    // Over the server's limit (an HTTP client refuses to even build a URI over 64 KiB: the
    // 100 KB one is sent raw below).
    let response = app
        .get(&format!(
            "/api/v2/credits/transactions?page=1&x={}",
            "a".repeat(10 * 1024)
        ))
        .await;
    assert_eq!(
        (response.status, response.text.as_str()),
        (414, URI_TOO_LONG)
    );
    assert_eq!(response.headers["content-type"], "application/json");
    // Outside `/api/` the server's 414 is in the body of the surface the path belongs to.
    let response = app
        .get(&format!(
            "/verifications?result_id={}",
            "a".repeat(10 * 1024)
        ))
        .await;
    assert_eq!(response.status, 414);
    assert_eq!(
        response.json()["error_code"],
        "INVALID_REQUEST",
        "{}",
        response.text
    );
    // Refused by the server itself, the answer carries the request id like any other.
    let response = app
        .get(&format!("/api/v2/webhooks/events?x={}", "a".repeat(9000)))
        .await;
    assert!(response.headers.contains_key("x-request-id"));

    // Raw requests hyper refuses before any service runs.
    let addr = app.base.trim_start_matches("http://").to_string();
    for (request, status, message) in [
        (
            "GET /api/v2/webhooks HTTP/1.1 extra\r\nhost: x\r\n\r\n".to_string(),
            400,
            "Request could not be parsed.",
        ),
        (
            "GET /api/v2/webhooks HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n".to_string(),
            400,
            "Request could not be parsed.",
        ),
        (
            format!(
                "GET /api/v2/credits/transactions?x={} HTTP/1.1\r\nhost: x\r\n\r\n",
                "a".repeat(100 * 1024)
            ),
            414,
            "Request URI is too long: at most 8192 bytes.",
        ),
        (
            format!(
                "GET /api/v2/webhooks HTTP/1.1\r\nhost: x\r\nx-padding: {}\r\n\r\n",
                "a".repeat(1024 * 1024)
            ),
            431,
            "Request headers are too large.",
        ),
    ] {
        use tokio::io::AsyncWriteExt;
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        // hyper answers (and closes) as soon as it has read too much: the rest of an oversized
        // request may not be taken, so a failed write is not the test's concern; the answer is.
        let _ = stream.write_all(request.as_bytes()).await;
        let mut buffer = Vec::new();
        let (got, headers, body) = read_response(&mut stream, &mut buffer).await.unwrap();
        assert_eq!(got, status, "{}", String::from_utf8_lossy(&body));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            format!(r#"{{"status":"error","code":{status},"message":"{message}","data":null}}"#)
        );
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "connection" && v == "close")
        );
    }
}

/// Whether the server closes `stream` (end of stream or a reset) within `secs` seconds, reading
/// and dropping whatever it sends meanwhile.
async fn closed_within(stream: &mut tokio::net::TcpStream, secs: u64) -> bool {
    use tokio::io::AsyncReadExt;
    let closed = async {
        let mut chunk = [0u8; 4096];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(secs), closed)
        .await
        .is_ok()
}

fn short_connection_timeouts(config: &mut satyapan::config::Config) {
    config.http_header_read_timeout_secs = 1;
    config.http_idle_timeout_secs = 2;
}

/// A client that trickles header lines, each well within any per-read bound, is cut off when
/// the header-read timeout runs out: the bound is on the whole head.
#[tokio::test]
async fn a_trickled_request_head_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(short_connection_timeouts).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if writer.write_all(b"x-trickle: 1\r\n").await.is_err() {
                return;
            }
        }
    });
    let closed = {
        use tokio::io::AsyncReadExt;
        let read = async {
            let mut chunk = [0u8; 4096];
            loop {
                match reader.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue,
                }
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), read)
            .await
            .is_ok()
    };
    trickle.abort();
    assert!(
        closed,
        "the connection was held past the header-read timeout"
    );
    // The server itself is unharmed.
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// A connection that sends nothing at all is closed too, and so is a kept-alive connection
/// left idle after its answer.
#[tokio::test]
async fn silent_and_idle_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(short_connection_timeouts).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    assert!(
        closed_within(&mut silent, 30).await,
        "a silent connection was held"
    );

    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buffer = Vec::new();
    for _ in 0..2 {
        stream
            .write_all(format!("GET /healthz HTTP/1.1\r\nhost: {addr}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let (status, headers, _) = read_response(&mut stream, &mut buffer).await.unwrap();
        assert_eq!(status, 200);
        assert!(
            !headers
                .iter()
                .any(|(k, v)| k == "connection" && v == "close"),
            "the answer keeps the connection: {headers:?}"
        );
    }
    assert!(
        closed_within(&mut stream, 30).await,
        "an idle keep-alive connection was held"
    );
}

/// A request being answered is not cut short by either bound, however long it takes: the
/// clocks run only while the connection waits for a request.
#[tokio::test]
async fn a_slow_answer_outlasts_both_bounds() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(|c| {
        short_connection_timeouts(c);
        c.sandbox_latency_ms = 3500;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = json!({"mobile_number": "9553226860", "full_name": "Manish Gupta"}).to_string();
    let request = format!(
        "POST /api/v2/finance/customer-data-pull HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        app.key,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buffer = Vec::new();
    let (status, _, body) = read_response(&mut stream, &mut buffer).await.unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // Then the connection is idle, and closed in its turn.
    assert!(closed_within(&mut stream, 30).await);
}

/// Stopping the server is not held up by a connection trickling its head.
#[tokio::test]
async fn shutdown_is_not_held_by_a_trickling_connection() {
    use tokio::io::AsyncWriteExt;
    let (url, _dir) = crate::helpers::fresh_database().await;
    let files = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(&url);
    config.files_dir = files.path().display().to_string();
    config.http_header_read_timeout_secs = 2;
    let app = satyapan::App::build(config).await.unwrap();
    let addr = format!("127.0.0.1:{}", app.port());
    let stop = app.shutdown_token();
    let server = tokio::spawn(app.run_until_stopped());
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if stream.write_all(b"x-trickle: 1\r\n").await.is_err() {
                return;
            }
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.cancel();
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(30), server).await;
    trickle.abort();
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "the server did not stop: {stopped:?}"
    );
}
