//! The real `arshif` binary as a child process, for the tests that need a listening server:
//! started on a free loopback port, stopped (and waited for) when dropped, even on panic.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_arshif");

/// The repository's own `articles/`: five real dumps.
pub fn articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("articles")
}

/// Builds `articles` into `build_dir` with `arshif build`, as a sysadmin would.
pub fn build(articles: &Path, build_dir: &Path) {
    let out = Command::new(BIN)
        .arg("build")
        .arg("--articles")
        .arg(articles)
        .arg("--build-dir")
        .arg(build_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `arshif serve` on a free loopback port, of the archive `build` holds (built from the
/// repository's `articles/`), with `extra` flags.
pub fn serve_built(build: &Path, extra: &[&str]) -> Server {
    let articles = articles();
    Server::start(&serve_args(&articles, build, extra), &[])
}

/// The flags of `arshif serve` on a free loopback port, of `articles` built into `build`,
/// then `extra`.
pub fn serve_args<'a>(articles: &'a Path, build: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--addr",
        "127.0.0.1:0",
        "--articles",
        articles.to_str().unwrap(),
        "--build-dir",
        build.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args
}

/// A running `arshif serve`.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT/`, or `unix:/path` for a socket.
    pub url: String,
}

impl Server {
    /// `arshif serve ARGS` with `envs`; waits for the line that says where it listens.
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        Server::start_logging(args, envs, Stdio::null())
    }

    /// Like [`Server::start`], the log (stderr) going to `log`.
    pub fn start_logging(args: &[&str], envs: &[(&str, &str)], log: impl Into<Stdio>) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .envs(envs.iter().copied())
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("cannot start arshif");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = Server {
            child: Some(child),
            url: String::new(),
        };
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("arshif did not say where it listens");
        server.url = line
            .trim()
            .rsplit(" at ")
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(!server.url.is_empty(), "unexpected first line {line:?}");
        server
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://").trim_end_matches('/')
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Sends `signal` (SIGTERM, SIGKILL) to the server.
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.pid()).unwrap();
        // SAFETY: kill(2) with the pid of a child this struct owns and has not reaped yet.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill {pid}");
    }

    /// Waits at most `limit` for the server to exit.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let child = self.child.as_mut().unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status;
            }
            assert!(
                start.elapsed() < limit,
                "arshif still running after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
