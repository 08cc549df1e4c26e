//! Requests an attacker sends: path traversal in every route (plain, encoded, double-encoded),
//! over-long URLs, absurd page numbers, invalid UTF-8 in the path, a spoofed `Host`, and
//! slow clients that dribble their headers. None may read a file outside the archive, make
//! the server fail (500) or hang, change a link, or keep other readers waiting.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use arshif::archive::Archive;
use arshif::web::{AppState, Config};
use axum::http::{Method, StatusCode};
use common::*;

/// The seeds with a search index (kept while the guard lives), so `/search` answers too.
fn site() -> (tempfile::TempDir, axum::Router) {
    searchable(
        Archive::from_entries(seeds(), Some(ABOUT.into())),
        Config::default(),
    )
}

/// What no answer may contain: the crate manifest or the system's password file.
fn leaks(body: &str) -> bool {
    body.contains("[package]") || body.contains("root:x:0:0")
}

/// An error page, as the site renders every error: whole, in Arabic, not cached.
fn assert_error_page(reply: &Reply, uri: &str) {
    assert!(
        reply.status.is_client_error(),
        "{uri}: {} (not a client error)",
        reply.status
    );
    assert!(!leaks(&reply.body), "{uri} leaks a file");
    if reply.status != StatusCode::METHOD_NOT_ALLOWED {
        assert!(reply.content_type().starts_with("text/html"), "{uri}");
        assert!(reply.body.trim_end().ends_with("</html>"), "{uri}");
        assert_eq!(reply.header("cache-control"), "no-store", "{uri}");
    }
}

#[tokio::test]
async fn path_traversal_reaches_nothing_in_any_route() {
    let (_index, app) = site();
    let targets = ["Cargo.toml", "etc/passwd"];
    // Each way of writing `../` that a server or a proxy might decode.
    let ups = [
        "../",
        "..%2f",
        "..%2F",
        "%2e%2e/",
        "%2e%2e%2f",
        ".%2e/",
        "..%5c",
        "..\\",
        "..%252f",
        "%252e%252e%252f",
        "..%c0%af",
        "....//",
        "%2e%2e%u2215",
    ];
    let routes = [
        "/static/",
        "/static/fonts/",
        "/articles/",
        "/articles/cf3dbfa4259b4b62/",
        "/articles/x/source/",
        "/page/",
        "/about/",
        "/search/",
        "/2015/",
        "/2015/09/",
        "/2015/page/",
        "/publications/",
        "/agencies/",
        "/sitemaps/",
        "/feed.xml/",
        "/",
    ];
    let mut tried = 0;
    for route in routes {
        for up in ups {
            for target in targets {
                for depth in [1, 2, 5] {
                    let uri = format!("{route}{}{target}", up.repeat(depth));
                    // Some forms are not even a valid request target (`\`, `%u`): a client
                    // cannot send them, and hyper refuses them before the router.
                    if uri.parse::<axum::http::Uri>().is_err() {
                        continue;
                    }
                    tried += 1;
                    let reply = get(&app, &uri).await;
                    assert_error_page(&reply, &uri);
                }
            }
        }
    }
    assert!(tried > 1000, "only {tried} URLs tried");
    // The source route serves a dump by id, never by path.
    let reply = get(&app, "/articles/..%2f..%2fCargo.toml/source").await;
    assert_error_page(&reply, "/articles/..%2f..%2fCargo.toml/source");
}

#[tokio::test]
async fn over_long_urls_are_refused_whole() {
    let (_index, app) = site();
    for uri in [
        format!("/articles/{}", "a".repeat(9000)),
        format!("/?q={}", "%d8%a7".repeat(3000)),
        format!("/static/{}", "x/".repeat(5000)),
        format!("/page/{}", "9".repeat(10_000)),
    ] {
        let reply = get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::URI_TOO_LONG, "{}…", &uri[..20]);
        assert_error_page(&reply, &uri[..20]);
    }
    // Just under the limit is an ordinary request.
    let query = format!("/?x={}", "a".repeat(8 * 1024 - 10));
    assert_eq!(get(&app, &query).await.status, StatusCode::OK);
}

#[tokio::test]
async fn absurd_page_numbers_are_not_found_not_failures() {
    assert_all_refused(&[
        "/page/0",
        "/page/-1",
        "/page/99999",
        "/page/18446744073709551615",
        "/page/18446744073709551616",
        "/page/340282366920938463463374607431768211456",
        "/page/1e9",
        "/page/0x10",
        "/?page=0",
        "/?page=18446744073709551616",
        "/?page=99999999999999999999999999999",
        "/?page=-5",
        "/?page=2&page=3",
        "/?page=%00",
        "/?order=oldest&page=18446744073709551615",
        "/page/%d9%a1",
        "/2015/page/18446744073709551616",
        "/2015/09/page/0",
        "/99999999999999999999/",
        "/search?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A9&page=18446744073709551616",
        "/search?q=x&page=-1",
    ])
    .await;
}

#[tokio::test]
async fn invalid_utf8_in_the_path_is_a_plain_not_found() {
    assert_all_refused(&[
        "/articles/%ff%fe",
        "/articles/%c3%28",
        "/articles/%ed%a0%80",
        "/articles/%f8%88%80%80%80",
        "/articles/%ff/source",
        "/static/%ff.css",
        "/page/%ff",
        "/%ff",
        "/?order=%ff",
        "/?page=%c3%28",
    ])
    .await;
}

/// Asserts every one of `uris` gets an error page.
async fn assert_all_refused(uris: &[&str]) {
    let (_index, app) = site();
    for uri in uris {
        assert_error_page(&get(&app, uri).await, uri);
    }
}

/// One URL of each kind, and a missing one.
const PAGES: [&str; 12] = [
    "/",
    "/articles/cf3dbfa4259b4b62",
    "/articles/cf3dbfa4259b4b62/source",
    "/about",
    "/search?q=%D8%AF%D8%A7%D8%B9%D8%B4",
    "/2015/",
    "/2015/09/",
    "/publications",
    "/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/no-such-page",
];

#[tokio::test]
async fn a_spoofed_host_changes_no_link() {
    let spoof: [(&str, &str); 5] = [
        ("host", "evil.example"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "javascript"),
        ("x-forwarded-prefix", "/evil/"),
        ("forwarded", "host=evil.example;proto=https"),
    ];
    let configured = Config {
        base_url: Some("https://archive.example/a/".parse().unwrap()),
        ..Config::default()
    };
    for config in [Config::default(), configured] {
        let archive = Archive::from_entries(seeds(), Some(ABOUT.into()));
        let (_index, app) = searchable(archive, config);
        for uri in PAGES
            .iter()
            .copied()
            .chain(["/page/1", "/?page=1", "/2015"])
        {
            let plain = send(&app, Method::GET, uri, &[("host", "archive.example")]).await;
            let spoofed = send(&app, Method::GET, uri, &spoof).await;
            assert_eq!(plain.status, spoofed.status, "{uri}");
            assert_eq!(
                plain.header("location"),
                spoofed.header("location"),
                "{uri}"
            );
            assert_eq!(plain.body, spoofed.body, "{uri}: the body follows the Host");
            assert!(!spoofed.body.contains("evil"), "{uri}");
            for (name, value) in &spoofed.headers {
                let value = value.to_str().unwrap_or_default();
                assert!(!value.contains("evil"), "{uri}: {name}: {value}");
            }
        }
    }
}

/// A server on a loopback port, in-process, with a header timeout.
struct Running {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// With a 2-second header timeout.
    fn start() -> Running {
        Running::with_header_timeout(Duration::from_secs(2))
    }

    fn with_header_timeout(request_timeout: Duration) -> Running {
        let config = Config {
            request_timeout,
            ..Config::default()
        };
        let state = AppState::new(Archive::from_entries(seeds(), Some(ABOUT.into())), config);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let stop = async {
                    let _ = stop_rx.await;
                };
                arshif::web::serve(listener, state, stop).await.unwrap();
            });
        });
        Running {
            addr: addr_rx.recv_timeout(Duration::from_secs(10)).unwrap(),
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        stream
    }

    /// One whole request written at once; the reply as text.
    fn exchange(&self, request: &[u8]) -> String {
        let mut stream = self.connect();
        stream.write_all(request).unwrap();
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).into_owned()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Debug)]
struct Dribbled {
    /// How long the server let the dribbler go on.
    cut_after: Duration,
    /// Header bytes it sent before it was cut.
    sent: usize,
    reply: String,
}

/// A slowloris client: a request's headers, one byte a second, never finished.
fn dribble(addr: std::net::SocketAddr) -> Dribbled {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let headers = b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let start = Instant::now();
    let mut reply = Vec::new();
    for (sent, byte) in headers.iter().enumerate() {
        if stream.write_all(&[*byte]).is_err() {
            return Dribbled {
                cut_after: start.elapsed(),
                sent,
                reply: String::from_utf8_lossy(&reply).into_owned(),
            };
        }
        // Wait a second for the next byte, watching for the server closing the connection.
        let next = Instant::now() + Duration::from_secs(1);
        while Instant::now() < next {
            let mut buf = [0u8; 1024];
            match stream.read(&mut buf) {
                Ok(0) => {
                    return Dribbled {
                        cut_after: start.elapsed(),
                        sent: sent + 1,
                        reply: String::from_utf8_lossy(&reply).into_owned(),
                    };
                }
                Ok(n) => reply.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => {
                    return Dribbled {
                        cut_after: start.elapsed(),
                        sent: sent + 1,
                        reply: String::from_utf8_lossy(&reply).into_owned(),
                    };
                }
            }
        }
    }
    panic!(
        "the server read {} header bytes over {:?} and never cut the client",
        headers.len(),
        start.elapsed()
    );
}

/// Slowloris: clients that keep sending header bytes, a byte a second, are cut when the
/// header timeout runs out however busy they keep the line.
#[test]
fn slow_header_dribblers_are_cut() {
    let server = Running::start();
    let dribblers: Vec<_> = (0..16)
        .map(|_| {
            let addr = server.addr;
            std::thread::spawn(move || dribble(addr))
        })
        .collect();
    for d in dribblers {
        let d = d.join().unwrap();
        // Cut by the 2 s header timeout while still sending, so the timeout counts from the
        // first byte, not the last (the dribble lasts 75 s). The upper bound is below the
        // default timeout (10 s), so that it is the configured one that cut, with seconds
        // to spare for a loaded machine's scheduling.
        assert!(
            d.cut_after >= Duration::from_millis(1500) && d.cut_after < Duration::from_secs(8),
            "{d:?}"
        );
        assert!(d.sent >= 2, "{d:?}");
        assert!(!d.reply.contains("200 OK"), "{d:?}");
    }
}

/// Readers are answered while slow clients hold connections with headers half sent. The
/// header timeout is far longer than the readers' own read timeout, so a reader queued
/// behind them fails however fast or slow the machine is: no elapsed time is compared.
#[test]
fn slow_header_clients_block_no_one() {
    let server = Running::with_header_timeout(Duration::from_secs(600));
    let slow: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: a")
                .unwrap();
            stream
        })
        .collect();
    // Connections are accepted in the order they were made: each reader's is accepted after
    // every slow one.
    for _ in 0..5 {
        let reply = server.exchange(b"GET /about HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    }
    // The slow clients were held, not refused: none has been answered or closed.
    for mut stream in slow {
        stream.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 64];
        let read = stream.read(&mut buf);
        assert!(
            matches!(&read, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a slow client was answered or cut: {read:?}"
        );
    }
}

/// What hyper refuses before any handler runs: raw bytes that are not a URI, and request
/// lines or headers past its buffer. None of them takes the server down.
#[test]
fn malformed_requests_are_refused_on_the_wire() {
    let server = Running::start();
    let raw_utf8_breakage: &[u8] =
        b"GET /articles/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let reply = server.exchange(raw_utf8_breakage);
    assert!(reply.starts_with("HTTP/1.1 400"), "{reply:?}");

    let long_line = format!(
        "GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let reply = server.exchange(long_line.as_bytes());
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 4"),
        "{}",
        &reply[..reply.len().min(200)]
    );

    let many_headers: String = (0..2000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let request = format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}Connection: close\r\n\r\n");
    let reply = server.exchange(request.as_bytes());
    assert!(
        reply.is_empty() || reply.starts_with("HTTP/1.1 4"),
        "{}",
        &reply[..reply.len().min(200)]
    );

    // And the server still answers.
    let reply = server.exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
}
