//! The reference cluster (docs/reference-cluster.md) evaluated end to end: samples shaped as
//! the decoder produces them, the built-in config, the verdicts of docs/semantics.md.

// Tables of cases are the point of these tests: long by design.
#![allow(clippy::too_many_lines)]
// The fake exporter state mirrors the metric contract one field per fact:
// bools per scrape target, `*_target` names, exact gauge values.
#![allow(
    clippy::struct_excessive_bools,
    clippy::struct_field_names,
    clippy::float_cmp
)]

mod common;

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::{
    InstantSeries, Labels, PromErrorKind, QueryData, QueryError, QueryResult, Sample,
};
use panopticon_engine::{Config, Engine, Snapshot};

use common::vector;

const NOW: f64 = 1_700_000_000.0;
const REFERENCE: &str = include_str!("../../examples/config/reference-cluster.yaml");

/// What one node's exporters publish.
#[derive(Debug, Clone)]
struct Node {
    name: String,
    /// Target reachable per job: consul, gluster, weave, node.
    consul_target: bool,
    gluster_target: bool,
    weave_target: bool,
    node_target: bool,
    consul_up: f64,
    leader: f64,
    raft_peers: f64,
    serf_members: f64,
    health: &'static str,
    gluster_up: f64,
    gluster_peers: f64,
    mounted: f64,
    writeable: f64,
    heal: f64,
    /// established, connecting, pending, retrying, failed
    weave: [f64; 5],
    retrying_10m: f64,
    load15: f64,
    cores: f64,
    mem_available: f64,
    mem_total: f64,
    timestamp: f64,
}

fn healthy_node(k: usize) -> Node {
    Node {
        name: format!("node-{k}"),
        consul_target: true,
        gluster_target: true,
        weave_target: true,
        node_target: true,
        consul_up: 1.0,
        leader: 1.0,
        raft_peers: 4.0,
        serf_members: 4.0,
        health: "passing",
        gluster_up: 1.0,
        gluster_peers: 3.0,
        mounted: 1.0,
        writeable: 1.0,
        heal: 0.0,
        weave: [3.0, 0.0, 0.0, 0.0, 0.0],
        retrying_10m: 0.0,
        load15: 0.8,
        cores: 2.0,
        mem_available: 3.0e9,
        mem_total: 8.0e9,
        timestamp: NOW - 5.0,
    }
}

fn cluster() -> Vec<Node> {
    (1..=4).map(healthy_node).collect()
}

fn point(node: &Node, name: Option<&str>, extra: &[(&str, &str)], value: f64) -> InstantSeries {
    let mut labels = Labels::new();
    if let Some(name) = name {
        labels.insert("__name__".to_owned(), name.to_owned());
    }
    labels.insert("instance".to_owned(), node.name.clone());
    for (k, v) in extra {
        labels.insert((*k).to_owned(), (*v).to_owned());
    }
    InstantSeries {
        labels,
        sample: Some(Sample {
            timestamp: node.timestamp,
            value,
        }),
        histogram: None,
    }
}

const VOLUME: &[(&str, &str)] = &[("volume", "gv_data"), ("mountpoint", "/mnt/gv_data")];
const STATES: [&str; 5] = ["established", "connecting", "pending", "retrying", "failed"];

/// A tiny Prometheus for the reference config's queries.
fn answer(nodes: &[Node], query: &str) -> Vec<InstantSeries> {
    let mut out = Vec::new();
    for n in nodes {
        let up = |job: &str, target: bool| {
            point(
                n,
                Some("up"),
                &[("job", job)],
                if target { 1.0 } else { 0.0 },
            )
        };
        let metric = |name: &str, target: bool, extra: &[(&str, &str)], v: f64| {
            target.then(|| point(n, Some(name), extra, v))
        };
        let series: Vec<InstantSeries> = match query {
            r#"up{job="node"}"# => vec![up("node", n.node_target)],
            r#"up{job="consul"}"# => vec![up("consul", n.consul_target)],
            r#"up{job="gluster"}"# => vec![up("gluster", n.gluster_target)],
            r#"up{job="weave"}"# => vec![up("weave", n.weave_target)],
            r#"node_load15{job="node"}"# => metric(query, n.node_target, &[], n.load15)
                .into_iter()
                .collect(),
            r#"count by (instance) (node_cpu_seconds_total{job="node",mode="idle"})"# => {
                metric(query, n.node_target, &[], n.cores)
                    .map(|mut s| {
                        s.labels.remove("__name__");
                        s
                    })
                    .into_iter()
                    .collect()
            }
            r#"node_memory_MemAvailable_bytes{job="node"}"# => {
                metric(query, n.node_target, &[], n.mem_available)
                    .into_iter()
                    .collect()
            }
            r#"node_memory_MemTotal_bytes{job="node"}"# => {
                metric(query, n.node_target, &[], n.mem_total)
                    .into_iter()
                    .collect()
            }
            "consul_up" => metric(query, n.consul_target, &[], n.consul_up)
                .into_iter()
                .collect(),
            "consul_raft_leader" | "consul_raft_peers" | "consul_serf_lan_members" => {
                // A consul_exporter that cannot reach Consul publishes only consul_up.
                let v = match query {
                    "consul_raft_leader" => n.leader,
                    "consul_raft_peers" => n.raft_peers,
                    _ => n.serf_members,
                };
                metric(query, n.consul_target && n.consul_up == 1.0, &[], v)
                    .into_iter()
                    .collect()
            }
            r#"max by (node, status) (consul_health_node_status{check="serfHealth"})"# => {
                // Every agent reports every node; the query keeps one per node.
                ["passing", "warning", "critical", "maintenance"]
                    .iter()
                    .map(|s| {
                        let mut p = point(
                            n,
                            None,
                            &[("node", &n.name), ("status", s)],
                            if *s == n.health { 1.0 } else { 0.0 },
                        );
                        p.labels.remove("instance");
                        p
                    })
                    .collect()
            }
            "gluster_up" => metric(query, n.gluster_target, &[], n.gluster_up)
                .into_iter()
                .collect(),
            "gluster_peers_connected" => metric(query, n.gluster_target, &[], n.gluster_peers)
                .into_iter()
                .collect(),
            "gluster_mount_successful" => metric(query, n.gluster_target, VOLUME, n.mounted)
                .into_iter()
                .collect(),
            "gluster_volume_writeable" => metric(query, n.gluster_target, VOLUME, n.writeable)
                .into_iter()
                .collect(),
            "gluster_heal_info_files_count" => {
                metric(query, n.gluster_target, &[("volume", "gv_data")], n.heal)
                    .into_iter()
                    .collect()
            }
            "weave_connections" => STATES
                .iter()
                .zip(n.weave)
                .filter_map(|(s, v)| metric(query, n.weave_target, &[("state", s)], v))
                .collect(),
            r#"min_over_time(weave_connections{state="retrying"}[10m])"# => metric(
                "x",
                n.weave_target,
                &[("state", "retrying")],
                n.retrying_10m,
            )
            .map(|mut s| {
                s.labels.remove("__name__");
                s
            })
            .into_iter()
            .collect(),
            other => panic!("the test Prometheus does not know {other:?}"),
        };
        out.extend(series);
    }
    out
}

fn results(engine: &Engine, nodes: &[Node]) -> HashMap<String, Result<QueryResult, QueryError>> {
    engine
        .queries()
        .into_iter()
        .map(|q| {
            let answer = vector(answer(nodes, &q));
            (q, Ok(answer))
        })
        .collect()
}

fn engine() -> Engine {
    Engine::new(
        Config::from_yaml("reference-cluster.yaml", REFERENCE).unwrap_or_else(|e| panic!("{e}")),
    )
}

fn judge(nodes: &[Node]) -> Snapshot {
    let mut e = engine();
    let r = results(&e, nodes);
    e.evaluate(NOW, &r)
}

fn effective(s: &Snapshot) -> Vec<(&str, Status)> {
    s.services
        .iter()
        .map(|x| (x.id.as_str(), x.effective))
        .collect()
}

#[test]
fn healthy_cluster_is_healthy() {
    let s = judge(&cluster());
    assert_eq!(
        s.cluster,
        Status::Healthy,
        "{:#?}",
        s.services.iter().map(|x| &x.reasons).collect::<Vec<_>>()
    );
    assert_eq!(s.summary, "All 6 services healthy");
    assert_eq!(s.counts.healthy, 6);
}

use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

/// (what breaks, expected effective status of host, consul, glusterfs, weave, swarm, app,
///  a phrase the reasons must contain)
type Fault = (&'static str, fn(&mut Vec<Node>), [Status; 6], &'static str);

#[test]
fn reference_cluster_faults() {
    let faults: Vec<Fault> = vec![
        (
            "consul target down on node-3",
            |c| c[2].consul_target = false,
            // Three healthy and one unknown: only node-3 could tell (best case).
            [H, U, H, U, U, U],
            "node-3: exporter down (up == 0)",
        ),
        (
            "consul does not answer on node-2",
            |c| c[1].consul_up = 0.0,
            [H, W, H, W, W, W],
            "Consul on node-2 does not answer its exporter",
        ),
        (
            "no raft leader anywhere",
            |c| {
                for n in c.iter_mut() {
                    n.leader = 0.0;
                }
            },
            [H, C, H, W, C, W],
            "no Raft leader as seen from node-1",
        ),
        (
            "no raft leader seen from node-4",
            |c| c[3].leader = 0.0,
            [H, C, H, W, C, W],
            "no Raft leader as seen from node-4",
        ),
        (
            "one consul server lost",
            |c| {
                c[3].consul_up = 0.0;
                for n in c.iter_mut() {
                    n.raft_peers = 3.0;
                }
            },
            [H, W, H, W, W, W],
            "raft peers 3 of 4 — quorum 3 still holds (warning)",
        ),
        (
            "two consul servers lost",
            |c| {
                c[2].consul_up = 0.0;
                c[3].consul_up = 0.0;
                for n in c.iter_mut() {
                    n.raft_peers = 2.0;
                }
            },
            [H, C, H, W, C, W],
            "raft peers 2 of 4 — below quorum 3 (critical)",
        ),
        (
            "consul sees node-2 failing",
            |c| c[1].health = "critical",
            [H, W, H, W, W, W],
            "node health: 1 status=critical (critical)",
        ),
        (
            "consul sees two nodes failing",
            |c| {
                c[1].health = "critical";
                c[2].health = "critical";
            },
            [H, C, H, W, C, W],
            "status=critical",
        ),
        (
            "gluster CLI fails on node-1",
            |c| c[0].gluster_up = 0.0,
            [H, H, W, H, H, W],
            "gluster CLI does not answer on node-1",
        ),
        (
            "gluster peer lost everywhere",
            |c| {
                for n in c.iter_mut() {
                    n.gluster_peers = 2.0;
                }
            },
            [H, H, W, H, H, W],
            "gluster peers 3 of 4 — quorum 3 still holds (warning)",
        ),
        (
            "gluster peers mostly lost",
            |c| {
                for n in c.iter_mut() {
                    n.gluster_peers = 1.0;
                }
            },
            [H, H, C, H, H, C],
            "below quorum 3",
        ),
        (
            "volume not mounted on node-2",
            |c| c[1].mounted = 0.0,
            [H, H, C, H, H, C],
            "volume gv_data not mounted at /mnt/gv_data on node-2",
        ),
        (
            "volume not writeable on node-3",
            |c| c[2].writeable = 0.0,
            [H, H, C, H, H, C],
            "volume gv_data not writeable on node-3",
        ),
        (
            "files waiting to heal",
            |c| c[0].heal = 12.0,
            [H, H, W, H, H, W],
            "12 files of volume gv_data not replicated on node-1",
        ),
        (
            "weave peer reconnecting",
            |c| c[0].weave = [3.0, 1.0, 0.0, 0.0, 0.0],
            [H, H, H, W, H, W],
            "1 state=connecting (warning)",
        ),
        (
            "weave peer pending",
            |c| c[0].weave = [3.0, 0.0, 1.0, 0.0, 0.0],
            [H, H, H, W, H, W],
            "1 state=pending (warning)",
        ),
        (
            "weave link failed",
            |c| c[0].weave = [3.0, 0.0, 0.0, 0.0, 1.0],
            [H, H, H, C, H, C],
            "1 state=failed (critical)",
        ),
        (
            "weave link missing",
            |c| c[1].weave = [2.0, 0.0, 0.0, 0.0, 0.0],
            [H, H, H, C, H, C],
            "2 of 3 expected state=established (critical)",
        ),
        (
            "weave retrying for 10 minutes",
            |c| {
                c[0].weave = [3.0, 0.0, 0.0, 1.0, 0.0];
                c[0].retrying_10m = 1.0;
            },
            [H, H, H, C, H, C],
            "node-1 has retried 1 connections for 10 minutes",
        ),
        (
            "load per core 2.4 on node-2",
            |c| c[1].load15 = 4.8,
            [C; 6],
            "node-2: load per core 2.4 ≥ 2 (critical)",
        ),
        (
            "load per core exactly 1",
            |c| c[1].load15 = 2.0,
            [W; 6],
            "load per core 1 ≥ 1 (warning)",
        ),
        (
            "load per core exactly 2",
            |c| c[1].load15 = 4.0,
            [C; 6],
            "load per core 2 ≥ 2 (critical)",
        ),
        (
            "memory 10 % available",
            |c| c[0].mem_available = 0.8e9,
            [W; 6],
            "memory available 0.1 < 0.15 (warning)",
        ),
        (
            "memory exactly 15 % available",
            |c| c[0].mem_available = 1.2e9,
            [H; 6],
            "",
        ),
        (
            "memory exactly 5 % available",
            |c| c[0].mem_available = 0.4e9,
            [W; 6],
            "memory available 0.05 < 0.15 (warning)",
        ),
        (
            "memory 4 % available",
            |c| c[0].mem_available = 0.32e9,
            [C; 6],
            "memory available 0.04 < 0.05 (critical)",
        ),
        (
            "node exporter down on node-4",
            |c| c[3].node_target = false,
            [W; 6],
            "node exporter on node-4 unreachable",
        ),
        (
            "stale samples from node-2",
            |c| c[1].timestamp = NOW - 600.0,
            [U; 6], // every check: three healthy, node-2 unknown
            "stale: last sample 600 s old (limit 120 s)",
        ),
    ];
    let ids = ["host", "consul", "glusterfs", "weave", "swarm", "app"];
    for (name, break_it, expect, phrase) in faults {
        let mut nodes = cluster();
        break_it(&mut nodes);
        let s = judge(&nodes);
        let want: Vec<(&str, Status)> = ids.iter().copied().zip(expect).collect();
        let all_reasons: Vec<&String> = s.services.iter().flat_map(|x| &x.reasons).collect();
        assert_eq!(effective(&s), want, "{name}: {all_reasons:#?}");
        assert_eq!(s.cluster, *expect.iter().max().unwrap_or(&U), "{name}");
        if phrase.is_empty() {
            assert!(all_reasons.is_empty(), "{name}: {all_reasons:#?}");
        } else {
            assert!(
                all_reasons.iter().any(|r| r.contains(phrase)),
                "{name}: no {phrase:?} in {all_reasons:#?}"
            );
        }
        if s.cluster != H {
            assert!(
                s.summary.starts_with(s.cluster.label()),
                "{name}: {}",
                s.summary
            );
        }
    }
}

#[test]
fn failed_query_makes_its_service_unknown_with_the_error() {
    let mut e = engine();
    let mut r = results(&e, &cluster());
    r.insert(
        "consul_raft_peers".to_owned(),
        Err(QueryError::Prometheus {
            kind: PromErrorKind::Timeout,
            message: "query timed out in expression evaluation".to_owned(),
            status: 503,
        }),
    );
    let s = e.evaluate(NOW, &r);
    let consul = s.service("consul").expect("consul");
    assert_eq!(consul.own, U);
    assert_eq!(s.cluster, U);
    assert!(
        consul.reasons.iter().any(|r| r.contains("query timed out")),
        "{:?}",
        consul.reasons
    );
    assert_eq!(
        s.service("swarm")
            .map(|x| (x.effective, x.impacted_by.clone())),
        Some((U, vec!["consul".to_owned()]))
    );
}

#[test]
fn impacted_services_name_their_root_cause() {
    let mut nodes = cluster();
    for n in &mut nodes {
        n.leader = 0.0;
    }
    let s = judge(&nodes);
    let swarm = s.service("swarm").expect("swarm");
    assert_eq!(swarm.own, H);
    assert!(!swarm.is_root_cause);
    assert_eq!(swarm.impacted_by, vec!["consul".to_owned()]);
    assert!(
        swarm
            .reasons
            .contains(&"Docker Swarm: critical — impacted by Consul".to_owned()),
        "{:?}",
        swarm.reasons
    );
    let consul = s.service("consul").expect("consul");
    assert!(consul.is_root_cause);
    assert!(
        s.summary.starts_with("CRITICAL: Consul: raft leader — "),
        "{}",
        s.summary
    );
    assert!(
        s.summary
            .ends_with(" — impacts Weave Net, Docker Swarm, Container application"),
        "{}",
        s.summary
    );
}

/// The original study's appendix A: one `gluster_exporter` output per node (3 bricks,
/// 2 connected peers, so N = 3). Only `gluster_volume_writeable` differs.
#[test]
fn study_appendix_gluster_scenario() {
    let gluster_only = r#"
instances: 3
services:
  - id: glusterfs
    up: 'up{job="gluster"}'
    checks:
      - { id: up, query: gluster_up, aggregate: quorum, rule: { kind: equals, expected: 1 } }
      - { id: peers, query: gluster_peers_connected, aggregate: quorum, rule: { kind: peers } }
      - id: mounted
        query: gluster_mount_successful
        rule: { kind: equals, expected: 1 }
      - id: writeable
        query: gluster_volume_writeable
        rule: { kind: equals, expected: 1 }
        message: "volume {volume} not writeable on {instance}"
      - { id: heal, query: gluster_heal_info_files_count, rule: { kind: threshold, direction: above, warning: 1 } }
"#;
    let labels = |pairs: &[(&str, &str)]| -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let run = |writeable: f64| {
        let mut e = Engine::new(
            Config::from_yaml("gluster.yaml", gluster_only).unwrap_or_else(|e| panic!("{e}")),
        );
        let mut by_query: HashMap<String, Vec<InstantSeries>> = HashMap::new();
        for k in 1..=3 {
            let node = format!("node-{k}");
            let base = [("instance", node.as_str()), ("job", "gluster")];
            let sample = |name: &str, extra: &[(&str, &str)], value: f64| {
                let mut l = labels(&base);
                l.insert("__name__".to_owned(), name.to_owned());
                l.extend(labels(extra));
                InstantSeries {
                    labels: l,
                    sample: Some(Sample {
                        timestamp: NOW,
                        value,
                    }),
                    histogram: None,
                }
            };
            let mount = [("mountpoint", "/mnt/data"), ("volume", "localhost:data")];
            for (q, s) in [
                (r#"up{job="gluster"}"#, sample("up", &[], 1.0)),
                ("gluster_up", sample("gluster_up", &[], 1.0)),
                (
                    "gluster_peers_connected",
                    sample("gluster_peers_connected", &[], 2.0),
                ),
                (
                    "gluster_mount_successful",
                    sample("gluster_mount_successful", &mount, 1.0),
                ),
                // Listing A.2 is one exporter's output; let node-3 be that exporter.
                (
                    "gluster_volume_writeable",
                    sample(
                        "gluster_volume_writeable",
                        &mount,
                        if k == 3 { writeable } else { 1.0 },
                    ),
                ),
                (
                    "gluster_heal_info_files_count",
                    sample(
                        "gluster_heal_info_files_count",
                        &[("volume", "localhost:data")],
                        0.0,
                    ),
                ),
            ] {
                by_query.entry(q.to_owned()).or_default().push(s);
            }
        }
        let results = e
            .queries()
            .into_iter()
            .map(|q| {
                let data = QueryData::Vector(by_query.remove(&q).unwrap_or_default());
                (
                    q,
                    Ok(QueryResult {
                        data,
                        warnings: vec![],
                        infos: vec![],
                        is_partial: false,
                    }),
                )
            })
            .collect();
        e.evaluate(NOW, &results)
    };
    let good = run(1.0);
    assert_eq!(good.cluster, H, "{}", good.summary);
    let bad = run(0.0);
    assert_eq!(bad.cluster, C);
    assert_eq!(
        bad.summary,
        "CRITICAL: glusterfs: writeable — node-3: volume localhost:data not writeable on node-3"
    );
}

/// Issue: the shipped load check has `for: 2`; `node_load15` alternating 4.8 / 3.0 on
/// a 2-core node (2.4 critical, 1.5 warning per core) stayed green for ever.
#[test]
fn load_flapping_between_warning_and_critical_shows_at_least_warning() {
    let mut e = engine();
    let mut shown = Vec::new();
    for (i, load) in [0.8, 4.8, 3.0, 4.8, 3.0, 4.8].into_iter().enumerate() {
        let mut nodes = cluster();
        nodes[0].load15 = load;
        let now = NOW + 15.0 * i as f64;
        for n in &mut nodes {
            n.timestamp = now - 5.0;
        }
        let r = results(&e, &nodes);
        let s = e.evaluate(now, &r);
        let host = s.service("host").unwrap_or_else(|| unreachable!());
        if load > 0.8 {
            assert!(
                !host.reasons.is_empty(),
                "step {i}: a bad load is never silent"
            );
        }
        shown.push(host.own);
    }
    assert_eq!(shown, [H, H, W, W, W, W]);
}
