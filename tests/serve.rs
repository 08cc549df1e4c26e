//! `arshif serve` as a system administrator meets it: the real binary, its help and version,
//! options from the environment, a Unix socket, slow clients cut off, and a graceful exit on
//! SIGTERM that still answers the request in flight.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{self, BIN, Server};

fn output(args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn version_and_help() {
    let (ok, version) = output(&["--version"]);
    assert!(ok);
    assert_eq!(
        version.trim(),
        format!("arshif {}", env!("CARGO_PKG_VERSION"))
    );

    let (ok, help) = output(&["--help"]);
    assert!(ok);
    for command in ["parse", "build", "serve"] {
        assert!(help.contains(command), "{help}");
    }

    let (ok, help) = output(&["serve", "--help"]);
    assert!(ok);
    for (flag, env) in [
        ("--addr", "ARSHIF_ADDR"),
        ("--articles", "ARSHIF_ARTICLES"),
        ("--build-dir", "ARSHIF_BUILD_DIR"),
        ("--base-url", "ARSHIF_BASE_URL"),
        ("--trust-proxy", "ARSHIF_TRUST_PROXY"),
        ("--max-age", "ARSHIF_MAX_AGE"),
        ("--request-timeout", "ARSHIF_REQUEST_TIMEOUT"),
        ("--watch", "ARSHIF_WATCH"),
        ("--log-format", "ARSHIF_LOG_FORMAT"),
        ("--log-level", "ARSHIF_LOG_LEVEL"),
    ] {
        assert!(
            help.contains(flag) && help.contains(env),
            "{flag} {env}: {help}"
        );
    }
}

#[test]
fn bad_options_are_refused_before_anything_starts() {
    for args in [
        &["serve", "--addr", "localhost"][..],
        &["serve", "--base-url", "example.org/archive"],
        &["serve", "--log-format", "xml"],
        &["serve", "--log-level", "info,=="],
        &["serve", "--request-timeout", "0"],
        &["serve", "--max-age", "-1"],
    ] {
        let (ok, text) = output(args);
        assert!(!ok, "{args:?} was accepted");
        assert!(text.contains("error"), "{args:?}: {text}");
    }
}

fn get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let mut reply = agent.get(url).call().unwrap();
    let status = reply.status().as_u16();
    (status, reply.body_mut().read_to_string().unwrap())
}

#[test]
fn options_come_from_the_environment() {
    let build = tempfile::tempdir().unwrap();
    let articles = process::articles();
    let server = Server::start(
        &[],
        &[
            ("ARSHIF_ADDR", "127.0.0.1:0"),
            ("ARSHIF_ARTICLES", articles.to_str().unwrap()),
            ("ARSHIF_BUILD_DIR", build.path().to_str().unwrap()),
            ("ARSHIF_BASE_URL", "https://example.org/archive"),
            ("ARSHIF_LOG_FORMAT", "json"),
        ],
    );
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    let (status, body) = get(&format!("{}about", server.url));
    assert_eq!(status, 200);
    assert!(
        body.contains(r#"<link rel="canonical" href="https://example.org/archive/about">"#),
        "{body}"
    );
    let (status, body) = get(&format!("{}healthz", server.url));
    assert_eq!((status, body.as_str()), (200, "ok\n"));
}

/// One request written by hand, so that the test decides when each byte is sent.
fn raw_request(stream: &mut TcpStream, path: &str) -> String {
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

fn serve_articles(build: &tempfile::TempDir, extra: &[&str]) -> Server {
    process::serve_built(build.path(), extra)
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_0() {
    let build = tempfile::tempdir().unwrap();
    let mut server = serve_articles(&build, &[]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // Half a request is in flight when the signal comes.
    stream.write_all(b"GET /about HTTP/1.1\r\nHo").unwrap();
    // The kernel hands connections to accept(2) in the order they were made, so once a later
    // one is answered this one is the server's: a sleep here only guessed that, and on a busy
    // machine the signal could close the listener with the connection still queued.
    let mut later = TcpStream::connect(server.addr()).unwrap();
    assert!(raw_request(&mut later, "/healthz").starts_with("HTTP/1.1 200 OK"));
    // Accepted is not yet read: a connection the server has read nothing from is one with no
    // request in flight, and the shutdown closes it (hyper's rule), which on a busy machine
    // broke the rest's write (EPIPE). So the signal waits for the half request to leave the
    // server's socket.
    wait_until_read(&stream);
    server.signal(libc::SIGTERM);
    // The rest of the request is sent once the signal has been handled (the listener is
    // closed then), not perhaps before it.
    wait_until_refused(server.addr());
    stream.write_all(b"st: x\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.contains("عن الأرشيف"));
    assert!(server.wait(Duration::from_secs(10)).success());
}

/// Waits (bounded) until the server has read every byte `client` sent it: until the server's
/// end of the connection has nothing left in its receive queue (`/proc/net/tcp`).
fn wait_until_read(client: &TcpStream) {
    let (server, client) = (client.peer_addr().unwrap(), client.local_addr().unwrap());
    within_a_minute(Duration::from_millis(10), || {
        let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
        match unread_bytes(&table, server.port(), client.port()) {
            Some(0) => Ok(()),
            unread => Err(format!(
                "the server's end of {client} -> {server} still holds {unread:?} unread bytes"
            )),
        }
    });
}

/// The receive queue of the IPv4 socket from `local` to `remote` (both ports on 127.0.0.1) in
/// a `/proc/net/tcp` table: its lines read `sl local rem st tx_queue:rx_queue ...`, the
/// addresses as hex `0100007F:PORT`.
fn unread_bytes(table: &str, local: u16, remote: u16) -> Option<u64> {
    let (local, remote) = (
        format!("0100007F:{local:04X}"),
        format!("0100007F:{remote:04X}"),
    );
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (_, queues) = fields.get(4)?.split_once(':')?;
        (fields.get(1) == Some(&local.as_str()) && fields.get(2) == Some(&remote.as_str()))
            .then(|| u64::from_str_radix(queues, 16).ok())
            .flatten()
    })
}

#[test]
fn a_sockets_receive_queue_is_read_from_its_line_of_proc_net_tcp() {
    let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt\n\
       0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n\
       1: 0100007F:1F90 0100007F:C2A4 01 00000000:0000001A 00:00000000 00000000\n\
       2: 0100007F:C2A4 0100007F:1F90 01 00000003:00000000 00:00000000 00000000\n";
    // The server's end (port 8080 to 49828) holds 26 bytes; the client's end holds none.
    assert_eq!(unread_bytes(table, 8080, 49828), Some(26));
    assert_eq!(unread_bytes(table, 49828, 8080), Some(0));
    assert_eq!(unread_bytes(table, 8080, 1), None);
}

/// Waits (bounded) until nothing accepts connections at `addr`.
fn wait_until_refused(addr: &str) {
    within_a_minute(Duration::from_millis(20), || {
        match TcpStream::connect(addr) {
            Ok(_) => Err(format!("{addr} still accepts connections")),
            Err(_) => Ok(()),
        }
    });
}

/// Asks `check` every `every` until it answers `Ok`; fails with its last answer once a minute
/// has passed.
fn within_a_minute(every: Duration, mut check: impl FnMut() -> Result<(), String>) {
    let start = Instant::now();
    while let Err(why) = check() {
        assert!(start.elapsed() < Duration::from_secs(60), "{why}");
        std::thread::sleep(every);
    }
}

#[test]
fn sigint_exits_0_too() {
    let build = tempfile::tempdir().unwrap();
    let mut server = serve_articles(&build, &[]);
    server.signal(libc::SIGINT);
    assert!(server.wait(Duration::from_secs(10)).success());
}

/// A client that never finishes its headers (or idles on a kept-alive connection) is cut off
/// after `--request-timeout`, while other clients are served.
#[test]
fn slow_clients_are_cut_off() {
    let build = tempfile::tempdir().unwrap();
    let server = serve_articles(&build, &["--request-timeout", "1"]);
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let start = Instant::now();

    let mut other = TcpStream::connect(server.addr()).unwrap();
    assert!(raw_request(&mut other, "/healthz").starts_with("HTTP/1.1 200 OK"));

    let (waited, rest) = until_closed(slow, start);
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    // Not before the second asked, and well before the default timeout (10 s), so that it is
    // the flag that cut; the seconds between are for a loaded machine's scheduling.
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(8),
        "cut off after {waited:?}"
    );

    let idle = TcpStream::connect(server.addr()).unwrap();
    let (waited, _) = until_closed(idle, Instant::now());
    assert!(waited < Duration::from_secs(8), "idle connection kept");
}

/// Reads `stream` until the server closes it (not the test's own read timeout, which is
/// far longer than any bound checked); how long after `start` that was, and what was read.
fn until_closed(mut stream: TcpStream, start: Instant) -> (Duration, Vec<u8>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => {}
        // A close with unread bytes on the server's side resets the connection.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("never closed by the server: {e}"),
    }
    (start.elapsed(), rest)
}

#[cfg(unix)]
#[test]
fn a_unix_socket_serves_and_is_removed_at_exit() {
    use std::os::unix::net::UnixStream;

    let build = tempfile::tempdir().unwrap();
    let socket = build.path().join("arshif.sock");
    let addr = format!("unix:{}", socket.display());
    let articles = process::articles();
    let args = [
        "--addr",
        &addr,
        "--articles",
        articles.to_str().unwrap(),
        "--build-dir",
        build.path().to_str().unwrap(),
    ];
    let mut server = Server::start(&args, &[]);
    assert_eq!(server.url, addr);
    let mut stream = UnixStream::connect(&socket).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.ends_with("ok\n"), "{reply}");

    server.signal(libc::SIGTERM);
    assert!(server.wait(Duration::from_secs(10)).success());
    assert!(!socket.exists(), "the socket file is left behind");

    // A stale socket from a crashed run is replaced; any other file is not.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    let mut again = Server::start(&args, &[]);
    again.signal(libc::SIGTERM);
    assert!(again.wait(Duration::from_secs(10)).success());
    std::fs::write(&socket, "not a socket").unwrap();
    let out = Command::new(BIN).arg("serve").args(args).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a socket"));
}
