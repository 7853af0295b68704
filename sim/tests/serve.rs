//! The real binary on free ports: targets file, served text, scenario switches over HTTP
//! and through the CLI, slow and failing targets, and a clean stop on SIGTERM.

// Tables of cases are the point of these tests: long by design.
#![allow(clippy::too_many_lines)]
#[path = "support/process.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::{Sim, sample, wait_for};

const QUICK: Duration = Duration::from_secs(5);
const WRITEABLE: &str = "gluster_volume_writeable{mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"}";

/// promtool's lint findings that are inherent in the contract's metric names (they are
/// the real exporters' names); any other finding, or a parse error, fails the test.
const ACCEPTED_LINT: [&str; 5] = [
    "gluster_brick_count non-histogram and non-summary metrics should not have \"_count\" suffix",
    "gluster_heal_info_files_count non-histogram and non-summary metrics should not have \"_count\" suffix",
    "gluster_volumes_count non-histogram and non-summary metrics should not have \"_count\" suffix",
    "node_memory_MemAvailable_bytes metric names should be written in 'snake_case' not 'camelCase'",
    "node_memory_MemTotal_bytes metric names should be written in 'snake_case' not 'camelCase'",
];

fn promtool_check(text: &str) {
    use std::io::Write as _;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus) is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let findings =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    for line in findings.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            ACCEPTED_LINT.contains(&line.trim()),
            "promtool: {line}\nin:\n{text}"
        );
    }
}

#[test]
fn serves_the_reference_cluster_and_switches_scenarios() {
    let sim = Sim::start(4);

    // The file_sd document: one group per target, labelled with instance and job.
    let groups: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sim.targets_file).unwrap()).unwrap();
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), 16);
    for t in &sim.targets {
        assert!(
            groups.iter().any(|g| g["targets"][0] == t.address.as_str()
                && g["labels"]["job"] == t.job.as_str()
                && g["labels"]["instance"] == t.instance.as_str()),
            "{t:?} missing from the targets file"
        );
    }

    // Every target serves valid exposition text.
    for t in &sim.targets {
        let reply = sim.scrape(&t.job, &t.instance, QUICK).unwrap();
        assert_eq!(reply.status, 200, "{t:?}");
        assert!(
            reply.content_type.starts_with("text/plain; version=0.0.4"),
            "{}",
            reply.content_type
        );
        assert!(
            reply.body.contains(&format!("# TYPE {}_", t.job)),
            "{t:?}: {}",
            reply.body
        );
        promtool_check(&reply.body);
    }
    let consul = sim.scrape("consul", "node-2", QUICK).unwrap().body;
    assert_eq!(sample(&consul, "consul_raft_peers"), Some(4.0));

    // Counters grow between scrapes.
    let rx = "node_network_receive_bytes_total{device=\"eth0\"}";
    let before = sample(&sim.scrape("node", "node-1", QUICK).unwrap().body, rx).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let after = sample(&sim.scrape("node", "node-1", QUICK).unwrap().body, rx).unwrap();
    assert!(after > before, "{rx}: {before} then {after}");

    // A scenario over HTTP changes node-3 only.
    let info = sim.control("POST", "/scenario/gluster-not-writeable", None);
    assert_eq!(info["verdict"], "glusterfs: critical, cluster: critical");
    assert_eq!(
        sample(
            &sim.scrape("gluster", "node-3", QUICK).unwrap().body,
            WRITEABLE
        ),
        Some(0.0)
    );
    assert_eq!(
        sample(
            &sim.scrape("gluster", "node-1", QUICK).unwrap().body,
            WRITEABLE
        ),
        Some(1.0)
    );

    // The CLI switches scenarios too (replacing the previous one).
    let out = sim.cli(&["scenario", "weave-failed-links", "--node", "node-2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let weave = sim.scrape("weave", "node-2", QUICK).unwrap().body;
    assert_eq!(
        sample(&weave, "weave_connections{state=\"failed\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample(&weave, "weave_connections{state=\"established\"}"),
        Some(2.0)
    );
    assert_eq!(
        sample(
            &sim.scrape("gluster", "node-3", QUICK).unwrap().body,
            WRITEABLE
        ),
        Some(1.0)
    );

    // Overrides through the CLI, then reset.
    let out = sim.cli(&["set", "node_load15", "7.5", "--node", "node-1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sample(
            &sim.scrape("node", "node-1", QUICK).unwrap().body,
            "node_load15"
        ),
        Some(7.5)
    );
    assert_ne!(
        sample(
            &sim.scrape("node", "node-2", QUICK).unwrap().body,
            "node_load15"
        ),
        Some(7.5)
    );
    let out = sim.cli(&["set", "nonsense_metric", "1"]);
    assert!(!out.status.success(), "an unknown metric must be refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not served"));
    let out = sim.cli(&["reset"]);
    assert!(out.status.success());
    let state = sim.control("GET", "/state", None);
    assert_eq!(state["scenario"]["name"], "healthy");
    assert_eq!(state["overrides"].as_array().map(Vec::len), Some(0));
    assert_ne!(
        sample(
            &sim.scrape("node", "node-1", QUICK).unwrap().body,
            "node_load15"
        ),
        Some(7.5)
    );
    assert_eq!(
        sample(
            &sim.scrape("weave", "node-2", QUICK).unwrap().body,
            "weave_connections{state=\"failed\"}"
        ),
        Some(0.0)
    );

    // exporter-down: the target answers 500, the node's other exporters do not.
    sim.control(
        "POST",
        "/scenario/exporter-down?exporter=consul&node=node-4",
        None,
    );
    assert_eq!(sim.scrape("consul", "node-4", QUICK).unwrap().status, 500);
    assert_eq!(sim.scrape("node", "node-4", QUICK).unwrap().status, 200);
    assert_eq!(sim.scrape("consul", "node-1", QUICK).unwrap().status, 200);
}

#[test]
fn a_slow_gluster_target_does_not_block_the_others() {
    let sim = Sim::start(2);
    sim.control("POST", "/scenario/gluster-slow?delay=4", None);

    // Start slow scrapes of both gluster targets, then scrape everything else at once.
    let slow: Vec<_> = ["node-1", "node-2"]
        .iter()
        .map(|node| {
            let address = sim.target("gluster", node).address.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let reply = support::http(
                    "GET",
                    &format!("http://{address}/metrics"),
                    None,
                    Duration::from_secs(15),
                );
                (started.elapsed(), reply)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    for t in sim.targets.iter().filter(|t| t.job != "gluster") {
        assert_eq!(
            sim.scrape(&t.job, &t.instance, Duration::from_secs(2))
                .unwrap()
                .status,
            200,
            "{t:?}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "others took {:?}",
        started.elapsed()
    );
    // A scraper with a short timeout gives up on gluster, as Prometheus would.
    assert!(
        sim.scrape("gluster", "node-1", Duration::from_secs(1))
            .is_err()
    );

    for handle in slow {
        let (elapsed, reply) = handle.join().unwrap();
        let reply = reply.unwrap();
        assert!(
            elapsed >= Duration::from_secs(4),
            "answered after {elapsed:?}"
        );
        assert_eq!(reply.status, 200);
        assert!(reply.body.contains("gluster_up 1"));
    }
}

#[test]
fn stops_cleanly_on_sigterm() {
    let mut sim = Sim::start(1);
    let pid = sim.process.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = wait_for("the simulator to exit", Duration::from_secs(10), || {
        sim.process
            .0
            .try_wait()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "still running".to_owned())
    });
    assert!(exit.success(), "exit status {exit:?}");
    let line = sim
        .stdout
        .recv_timeout(Duration::from_secs(5))
        .expect("a stopped event");
    assert!(line.contains("\"stopped\""), "{line}");
    // Its ports are closed now.
    assert!(
        sim.scrape("node", "node-1", Duration::from_secs(2))
            .is_err()
    );
}

#[test]
fn rejects_bad_arguments_with_usage() {
    let out = Command::new(support::SIM)
        .args([
            "serve",
            "--nodes",
            "0",
            "--base-port",
            "0",
            "--control-port",
            "0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 64 nodes"));
    let out = Command::new(support::SIM)
        .args(["scenario"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("USAGE"));
    // A client with nothing to talk to fails with a readable message.
    let port = support::free_port();
    let out = Command::new(support::SIM)
        .args(["state", "--control", &format!("http://127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach the simulator"));
}

#[test]
fn aggregated_target_serves_every_node_as_valid_text() {
    let sim = Sim::start_with(70, &["--aggregate"]);
    let [target] = sim.targets.as_slice() else {
        panic!("one target expected: {:?}", sim.targets);
    };
    assert_eq!(
        (target.job.as_str(), target.instance.as_str()),
        ("aggregate", "cluster")
    );
    let reply = sim.scrape("aggregate", "cluster", QUICK).unwrap();
    assert_eq!(reply.status, 200);
    promtool_check(&reply.body);
    assert_eq!(
        sample(
            &reply.body,
            "consul_raft_peers{instance=\"node-70\",job=\"consul\"}"
        ),
        Some(70.0)
    );
    assert_eq!(
        sample(&reply.body, "up{instance=\"node-70\",job=\"gluster\"}"),
        Some(1.0)
    );

    // More nodes than the per-target layout allows is fine here, but not unbounded.
    let out = Command::new(support::SIM)
        .args([
            "serve",
            "--aggregate",
            "--nodes",
            "5001",
            "--base-port",
            "0",
            "--control-port",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("between 1 and 5000 nodes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
