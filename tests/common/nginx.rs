//! Debian's nginx in the foreground for the tests that put the site behind it, and a small
//! HTTP client that sees what a browser would (no redirect followed, no body decoded).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn nginx_binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|p| p.is_file())
        .expect("nginx is not installed (`apt-get install nginx`; .ci/run does)")
}

/// nginx in the foreground, stopped by its PID when dropped.
pub struct Nginx {
    child: Child,
    pub error_log: PathBuf,
    /// Written by nginx once its sockets are bound (nginx.c: after `ngx_init_cycle`).
    pid_file: PathBuf,
}

impl Nginx {
    pub fn stop(&mut self) -> std::process::ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) on the pid of our own child, not yet reaped.
        unsafe { libc::kill(pid, libc::SIGQUIT) };
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.child.wait().unwrap()
    }
}

impl Nginx {
    /// Waits until nginx has bound its sockets (its PID file is written) or has exited, and
    /// then says why, in its error log.
    fn bound(&mut self) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            if self.pid_file.is_file() {
                return Ok(());
            }
            if self.child.try_wait().unwrap().is_some() {
                return Err(std::fs::read_to_string(&self.error_log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err("nginx neither bound its sockets nor exited in 60 s".to_owned())
    }

    /// Waits (15 s at most) until `client` gets a 200 for `path`.
    pub fn wait_until_up(&self, client: &Client, path: &str) {
        let start = Instant::now();
        loop {
            if let Ok(reply) = client.try_get(path, &[])
                && reply.status == 200
            {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "nginx did not come up: {}",
                std::fs::read_to_string(&self.error_log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            self.stop();
        }
    }
}

/// A temporary folder for nginx's files and what it serves, readable by its workers (which
/// may drop privileges).
pub fn tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A main configuration that keeps every file nginx writes in `dir`, around `site` (what
/// Debian would include inside `http { }`); `modules` are `load_module` lines.
pub fn main_configuration(dir: &Path, site: &str, modules: &str) -> String {
    let d = dir.display();
    format!(
        "{modules}\n\
         daemon off;\n\
         master_process off;\n\
         worker_processes 1;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n\
         access_log {d}/access.log;\n\
         client_body_temp_path {d}/client_body;\n\
         proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n\
         uwsgi_temp_path {d}/uwsgi;\n\
         scgi_temp_path {d}/scgi;\n\
         {site}\n\
         }}\n"
    )
}

/// nginx listening on a free loopback port, with the configuration `conf` makes for that
/// port; the port. A port found free may be taken (by another test's server, or as the local
/// port of a connection) before nginx binds it: nginx then exits saying so, and the next port
/// is tried.
pub fn start_nginx_on_a_free_port(dir: &Path, conf: impl Fn(u16) -> String) -> (Nginx, u16) {
    start_nginx_on_one_of(dir, std::iter::repeat_with(free_port).take(5), conf)
}

/// [`start_nginx_on_a_free_port`] trying `ports` in turn.
pub fn start_nginx_on_one_of(
    dir: &Path,
    ports: impl IntoIterator<Item = u16>,
    conf: impl Fn(u16) -> String,
) -> (Nginx, u16) {
    let mut taken = Vec::new();
    for port in ports {
        let mut nginx = start_nginx(dir, &conf(port));
        match nginx.bound() {
            Ok(()) => return (nginx, port),
            Err(log) if log.contains("Address already in use") => taken.push(port),
            Err(log) => panic!("nginx did not start: {log}"),
        }
    }
    panic!("nginx found every port it tried taken: {taken:?}");
}

pub fn start_nginx(dir: &Path, conf: &str) -> Nginx {
    let conf_path = dir.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let error_log = dir.join("error.log");
    let pid_file = dir.join("nginx.pid");
    let _ = std::fs::remove_file(&error_log);
    let _ = std::fs::remove_file(&pid_file);
    let child = Command::new(nginx_binary())
        .arg("-e")
        .arg(&error_log)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf_path)
        .stdin(Stdio::null())
        .spawn()
        .expect("cannot start nginx");
    Nginx {
        child,
        error_log,
        pid_file,
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

pub struct Client {
    agent: ureq::Agent,
    pub origin: String,
}

impl Client {
    pub fn new(origin: String) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Client { agent, origin }
    }

    pub fn try_get(&self, path: &str, headers: &[(&str, &str)]) -> Result<Reply, ureq::Error> {
        let mut request = self.agent.get(format!("{}{path}", self.origin));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = request.call()?;
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(10 * 1024 * 1024)
            .read_to_vec()?;
        Ok(Reply {
            status,
            headers,
            bytes,
        })
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.try_get(path, headers)
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }
}
