//! A stand-in for Prometheus in front of the simulator's aggregated N-node
//! cluster (`sim --aggregate`, `docs/reference-cluster.md`): the answers to
//! the reference configuration's queries, shaped as the decoder hands them
//! to the engine. Shared by the `eval_scale` benchmark and the scale test,
//! so the numbers measured are for the inputs whose verdicts are checked.

use std::collections::HashMap;

use panopticon_core::prom::{InstantSeries, Labels, QueryData, QueryResult, Sample};
use panopticon_engine::check::QueryOutcome;

/// The reference configuration, with its node count patched to `n`.
///
/// The file, not a copy: the benchmark must measure what the app loads.
pub fn reference_config(n: usize) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/config/reference-cluster.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut patched = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with("instances:") {
                patched += 1;
                format!("instances: {n}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert_eq!(
        patched, 1,
        "{path}: expected one top-level `instances:` line"
    );
    lines.join("\n")
}

/// Which nodes are in trouble; all others are healthy.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Machines switched off: every scrape target relayed as `up 0`, no series.
    pub down: Vec<usize>,
    /// Nodes gone from the relay altogether (not even `up`).
    pub vanished: Vec<usize>,
}

impl Faults {
    /// Nodes whose own exporters send nothing.
    fn silent(&self, k: usize) -> bool {
        self.down.contains(&k) || self.vanished.contains(&k)
    }

    fn lost(&self) -> usize {
        self.down.len() + self.vanished.len()
    }
}

/// `node-k`, as the simulator names its nodes.
pub fn node(k: usize) -> String {
    format!("node-{k}")
}

const JOBS: [&str; 4] = ["consul", "gluster", "weave", "node"];
const HEALTH: [&str; 4] = ["passing", "warning", "critical", "maintenance"];
const WEAVE: [&str; 5] = ["established", "connecting", "pending", "retrying", "failed"];
const CORES: f64 = 4.0;
const MEM_TOTAL: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

/// The outcome of every query in `queries` for an `n`-node cluster at `now`.
///
/// Panics on a query it does not know: a changed reference config must
/// change this stand-in too, or the benchmark would quietly measure less.
pub fn results(
    queries: &[String],
    n: usize,
    faults: &Faults,
    now: f64,
) -> HashMap<String, QueryOutcome> {
    queries
        .iter()
        .map(|q| {
            let series = answer(q, n, faults, now);
            let result = QueryResult {
                data: QueryData::Vector(series),
                warnings: vec![],
                infos: vec![],
                is_partial: false,
            };
            (q.clone(), Ok(result))
        })
        .collect()
}

fn series(pairs: &[(&str, &str)], value: f64, now: f64) -> InstantSeries {
    let labels: Labels = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    InstantSeries {
        labels,
        sample: Some(Sample {
            timestamp: now - 3.0,
            value,
        }),
        histogram: None,
    }
}

/// A gently varying value per node, so numbers are not all identical.
#[allow(clippy::cast_precision_loss)]
fn wobble(k: usize) -> f64 {
    ((k * 7919) % 100) as f64 / 100.0
}

#[allow(clippy::cast_precision_loss, clippy::too_many_lines)]
fn answer(query: &str, n: usize, faults: &Faults, now: f64) -> Vec<InstantSeries> {
    let lost = faults.lost() as f64;
    let n_f = n as f64;
    let mut out = Vec::new();
    for k in 1..=n {
        let name = node(k);
        let inst = name.as_str();
        let down = faults.down.contains(&k);
        let plain = |metric: &str, job: &str, value: f64| {
            series(
                &[("__name__", metric), ("instance", inst), ("job", job)],
                value,
                now,
            )
        };
        if query.starts_with("max by (node, status)") {
            // One copy per node (the relay publishes the health list once);
            // the lost nodes are critical as the surviving agents see them.
            let current = if faults.silent(k) {
                "critical"
            } else {
                "passing"
            };
            for status in HEALTH {
                let value = if status == current { 1.0 } else { 0.0 };
                out.push(series(&[("node", inst), ("status", status)], value, now));
            }
            continue;
        }
        if faults.vanished.contains(&k) {
            continue;
        }
        if let Some(job) = query
            .strip_prefix("up{job=\"")
            .and_then(|rest| rest.strip_suffix("\"}"))
        {
            assert!(JOBS.contains(&job), "unknown job in {query}");
            out.push(plain("up", job, if down { 0.0 } else { 1.0 }));
            continue;
        }
        if down {
            continue;
        }
        match query {
            r#"node_load15{job="node"}"# => {
                out.push(plain(
                    "node_load15",
                    "node",
                    CORES * (0.3 + 0.4 * wobble(k)),
                ));
            }
            r#"count by (instance) (node_cpu_seconds_total{job="node",mode="idle"})"# => {
                out.push(series(&[("instance", inst)], CORES, now));
            }
            r#"node_memory_MemAvailable_bytes{job="node"}"# => out.push(plain(
                "node_memory_MemAvailable_bytes",
                "node",
                MEM_TOTAL * (0.4 + 0.3 * wobble(k)),
            )),
            r#"node_memory_MemTotal_bytes{job="node"}"# => {
                out.push(plain("node_memory_MemTotal_bytes", "node", MEM_TOTAL));
            }
            "consul_up" | "consul_raft_leader" => out.push(plain(query, "consul", 1.0)),
            "consul_raft_peers" | "consul_serf_lan_members" => {
                out.push(plain(query, "consul", n_f - lost));
            }
            "gluster_up" => out.push(plain(query, "gluster", 1.0)),
            "gluster_peers_connected" => {
                out.push(plain(query, "gluster", n_f - 1.0 - lost));
            }
            "gluster_mount_successful" | "gluster_volume_writeable" => out.push(series(
                &[
                    ("__name__", query),
                    ("instance", inst),
                    ("job", "gluster"),
                    ("mountpoint", "/mnt/gv_data"),
                    ("volume", "gv_data"),
                ],
                1.0,
                now,
            )),
            "gluster_heal_info_files_count" => out.push(series(
                &[
                    ("__name__", query),
                    ("instance", inst),
                    ("job", "gluster"),
                    ("volume", "gv_data"),
                ],
                0.0,
                now,
            )),
            "weave_connections" => {
                // The links to lost peers are retried, the rest established.
                for state in WEAVE {
                    let value = match state {
                        "established" => n_f - 1.0 - lost,
                        "retrying" => lost,
                        _ => 0.0,
                    };
                    out.push(series(
                        &[
                            ("__name__", query),
                            ("instance", inst),
                            ("job", "weave"),
                            ("state", state),
                        ],
                        value,
                        now,
                    ));
                }
            }
            r#"min_over_time(weave_connections{state="retrying"}[10m])"# => {
                // Not yet for ten minutes: the outage just began.
                out.push(series(
                    &[("instance", inst), ("job", "weave"), ("state", "retrying")],
                    0.0,
                    now,
                ));
            }
            other => panic!("the stand-in Prometheus does not know `{other}`"),
        }
    }
    out
}
