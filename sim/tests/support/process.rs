//! Helpers shared by the integration tests: the real simulator binary on free ports, a
//! temporary directory, a bounded HTTP client. Everything started is killed on drop.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const SIM: &str = env!("CARGO_BIN_EXE_panopticon-sim");

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "panopticon-sim-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed (and reaped) on drop, so a failing assertion never leaves
/// a simulator or Prometheus behind.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Debug, Clone)]
pub struct Target {
    pub job: String,
    pub instance: String,
    pub address: String,
}

/// A running simulator started through its real command line.
pub struct Sim {
    pub process: Guard,
    pub control: String,
    pub targets: Vec<Target>,
    pub targets_file: PathBuf,
    /// Further stdout lines (e.g. the `stopped` event).
    pub stdout: mpsc::Receiver<String>,
    pub dir: TempDir,
}

impl Sim {
    pub fn start(nodes: usize) -> Self {
        Self::start_with(nodes, &[])
    }

    /// Like `start`, with further `serve` options (e.g. `--aggregate`).
    pub fn start_with(nodes: usize, extra: &[&str]) -> Self {
        let dir = TempDir::new("sim");
        let targets_file = dir.path().join("targets.json");
        let child = Command::new(SIM)
            .args([
                "serve",
                "--nodes",
                &nodes.to_string(),
                "--base-port",
                "0",
                "--control-port",
                "0",
            ])
            .args(extra)
            .arg("--targets-file")
            .arg(&targets_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start panopticon-sim");
        let mut process = Guard(child);
        let stdout = process.0.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("panopticon-sim printed its listening line within 30 s");
        let ready: serde_json::Value = serde_json::from_str(&line).expect("listening line is JSON");
        assert_eq!(ready["event"], "listening", "{line}");
        let targets = ready["targets"]
            .as_array()
            .expect("targets array")
            .iter()
            .map(|t| Target {
                job: t["job"].as_str().unwrap().to_owned(),
                instance: t["instance"].as_str().unwrap().to_owned(),
                address: t["address"].as_str().unwrap().to_owned(),
            })
            .collect();
        Self {
            process,
            control: ready["control"].as_str().expect("control URL").to_owned(),
            targets,
            targets_file,
            stdout: rx,
            dir,
        }
    }

    pub fn target(&self, job: &str, instance: &str) -> &Target {
        self.targets
            .iter()
            .find(|t| t.job == job && t.instance == instance)
            .unwrap_or_else(|| panic!("no target {job}/{instance}"))
    }

    /// `GET /metrics` of a target, bounded by `timeout`.
    pub fn scrape(&self, job: &str, instance: &str, timeout: Duration) -> Result<Reply, String> {
        http(
            "GET",
            &format!("http://{}/metrics", self.target(job, instance).address),
            None,
            timeout,
        )
    }

    /// A control API call that must succeed.
    pub fn control(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        let reply = http(
            method,
            &format!("{}{path}", self.control),
            body,
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
        serde_json::from_str(&reply.body).expect("control replies are JSON")
    }

    /// Runs the binary as a client of this simulator.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut child = Command::new(SIM)
            .args(args)
            .args(["--control", &self.control])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run panopticon-sim client");
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().expect("poll client").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("panopticon-sim {args:?} did not finish within 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("client output")
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

pub fn http(
    method: &str,
    url: &str,
    body: Option<&str>,
    timeout: Duration,
) -> Result<Reply, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into();
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(body)) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body),
        (_, None) => agent.post(url).send_empty(),
    };
    let mut response = response.map_err(|e| e.to_string())?;
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    Ok(Reply {
        status,
        content_type,
        body,
    })
}

/// Polls `probe` until it returns `Some`, or panics after `timeout` with `what` and the
/// last observation.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    while Instant::now() < deadline {
        match probe() {
            Ok(v) => return v,
            Err(e) => last = e,
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("timed out after {timeout:?} waiting for {what}; last: {last}");
}

/// The value of sample line `series` (name plus exact label text) in exposition `text`.
pub fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
        })
        .and_then(|v| v.parse().ok())
}

/// A port free right now on 127.0.0.1 (for programs that cannot report their own).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
