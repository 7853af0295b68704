//! The real Debian Prometheus scraping the simulator through the generated
//! `file_sd_configs` document: the job and instance labels must come out as the
//! reference-cluster contract says, and a scenario must reach the query API.

#[path = "support/process.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::{Guard, SIM, Sim, TempDir, free_port, http, wait_for};

const PROMETHEUS: &str = "/usr/bin/prometheus";
/// Covers Prometheus start-up and a few 1 s scrape rounds on a busy 2-core machine.
const SETTLE: Duration = Duration::from_secs(90);

struct Prometheus {
    _process: Guard,
    url: String,
    _dir: TempDir,
}

impl Prometheus {
    fn start(targets_file: &std::path::Path) -> Self {
        // The snippet documented in sim/README.md, with test-sized intervals.
        Self::start_with(&format!(
            "  - job_name: panopticon-sim\n    file_sd_configs:\n      - files: ['{}']\n",
            targets_file.display()
        ))
    }

    /// Prometheus with `scrape_configs` (YAML list items, indented by two spaces).
    fn start_with(scrape_configs: &str) -> Self {
        Self::start_in(TempDir::new("prometheus"), scrape_configs)
    }

    /// Prometheus on `dir`, whose `data` directory may already hold blocks.
    fn start_in(dir: TempDir, scrape_configs: &str) -> Self {
        assert!(
            std::path::Path::new(PROMETHEUS).exists(),
            "{PROMETHEUS} is missing: apt-get install prometheus"
        );
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n{scrape_configs}"
            ),
        )
        .unwrap();
        let port = free_port();
        let child = Command::new(PROMETHEUS)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus");
        let url = format!("http://127.0.0.1:{port}");
        let prometheus = Self {
            _process: Guard(child),
            url,
            _dir: dir,
        };
        wait_for("Prometheus to be ready", SETTLE, || {
            let reply = http(
                "GET",
                &format!("{}/-/ready", prometheus.url),
                None,
                Duration::from_secs(2),
            )?;
            if reply.status == 200 {
                Ok(())
            } else {
                Err(format!("HTTP {}", reply.status))
            }
        });
        prometheus
    }

    /// The single value of an instant query, or an error naming what came back.
    fn scalar(&self, promql: &str) -> Result<f64, String> {
        let url = format!("{}/api/v1/query?query={}", self.url, encode(promql));
        let reply = http("GET", &url, None, Duration::from_secs(5))?;
        let json: serde_json::Value =
            serde_json::from_str(&reply.body).map_err(|e| e.to_string())?;
        let result = &json["data"]["result"];
        match result.as_array().map(Vec::as_slice) {
            Some([one]) => one["value"][1]
                .as_str()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{promql}: odd sample {one}")),
            _ => Err(format!("{promql}: {}", reply.body)),
        }
    }

    fn wait_value(&self, promql: &str, expect: f64) {
        wait_for(&format!("{promql} == {expect}"), SETTLE, || {
            let got = self.scalar(promql)?;
            if (got - expect).abs() < 1e-9 {
                Ok(())
            } else {
                Err(format!("{promql} = {got}"))
            }
        });
    }
}

/// Percent-encodes a query parameter (a query has braces, quotes, spaces, `=`).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn prometheus_scrapes_the_simulated_cluster() {
    let sim = Sim::start(4);
    let prometheus = Prometheus::start(&sim.targets_file);

    // Four nodes per job, all up, with the contract's job and instance labels.
    for job in ["consul", "gluster", "weave", "node"] {
        prometheus.wait_value(&format!("count(up{{job=\"{job}\"}} == 1)"), 4.0);
    }
    prometheus.wait_value("count(count by (instance) (up))", 4.0);
    prometheus.wait_value("count(up{instance=~\"node-[1-4]\"})", 16.0);
    prometheus.wait_value(
        "count by (instance) (node_cpu_seconds_total{mode=\"idle\",instance=\"node-2\"})",
        4.0,
    );
    prometheus.wait_value("min(consul_raft_peers)", 4.0);

    // A scenario reaches PromQL: the thesis appendix case on node-3 only.
    sim.control("POST", "/scenario/gluster-not-writeable", None);
    prometheus.wait_value("gluster_volume_writeable{instance=\"node-3\"}", 0.0);
    prometheus.wait_value("sum(gluster_volume_writeable)", 3.0);

    // exporter-down turns into Prometheus's own up == 0 for that target alone.
    sim.control("POST", "/scenario/exporter-down?node=node-2", None);
    prometheus.wait_value("up{job=\"node\",instance=\"node-2\"}", 0.0);
    prometheus.wait_value("count(up == 1)", 15.0);
}

#[test]
fn prometheus_keeps_the_labels_of_the_aggregated_target() {
    let nodes = 12;
    let sim = Sim::start_with(nodes, &["--aggregate"]);
    assert_eq!(sim.targets.len(), 1, "one target for the whole cluster");
    let prometheus = Prometheus::start_with(&format!(
        "  - job_name: relay\n    honor_labels: true\n    static_configs:\n      - targets: ['{}']\n",
        sim.targets[0].address
    ));

    // The relayed `up` and every series keep their node's job and instance labels.
    for job in ["consul", "gluster", "weave", "node"] {
        prometheus.wait_value(&format!("count(up{{job=\"{job}\"}} == 1)"), 12.0);
    }
    prometheus.wait_value("count(count by (instance) (node_load15))", 12.0);
    prometheus.wait_value("min(consul_raft_peers)", 12.0);
    prometheus.wait_value(
        "count(max by (node, status) (consul_health_node_status{check=\"serfHealth\"}))",
        12.0 * 4.0,
    );
    // Prometheus's own `up` for the relay does not look like a node.
    prometheus.wait_value("up{job=\"relay\"}", 1.0);

    sim.control("POST", "/scenario/exporter-down?node=node-7", None);
    prometheus.wait_value("up{job=\"node\",instance=\"node-7\"}", 0.0);
    prometheus.wait_value("count(node_load15)", 11.0);
}

/// `backfill` → `promtool tsdb create-blocks-from openmetrics` → Prometheus: the
/// demo's recipe. Prometheus starts with the hour already in it, and the live
/// simulator started after it goes on without a counter reset.
#[test]
fn prometheus_starts_with_the_backfilled_hour() {
    let dir = TempDir::new("prometheus");
    let history = dir.path().join("history.om");
    let out = Command::new(SIM)
        .args(["backfill", "--hours", "1", "--out"])
        .arg(&history)
        .output()
        .expect("run the simulator");
    assert!(out.status.success(), "{out:?}");
    let out = Command::new("/usr/bin/promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&history)
        .arg(dir.path().join("data"))
        .output()
        .expect("run promtool (Debian's prometheus package)");
    assert!(out.status.success(), "{out:?}");

    let sim = Sim::start(4);
    let prometheus = Prometheus::start_in(
        dir,
        &format!(
            "  - job_name: panopticon-sim\n    file_sd_configs:\n      - files: ['{}']\n",
            sim.targets_file.display()
        ),
    );
    // An hour at one sample per 15 s (the range's ends may add one).
    let hour = prometheus
        .scalar("count_over_time(up{job=\"consul\",instance=\"node-1\"}[1h] offset 30s)")
        .expect("the history is queryable");
    assert!(
        (238.0..=242.0).contains(&hour),
        "{hour} samples in the hour"
    );
    prometheus.wait_value(
        "count(count_over_time(node_load15[1h] offset 30s) >= 238)",
        4.0,
    );
    // Live scrapes join the same series, and no counter went back.
    prometheus.wait_value("count(count_over_time(up{job=\"node\"}[20s]) >= 5)", 4.0);
    prometheus.wait_value("sum(resets(node_network_receive_bytes_total[2h]))", 0.0);
    prometheus.wait_value(
        "sum(resets(node_cpu_seconds_total{mode=\"user\"}[2h]))",
        0.0,
    );
}
