//! Every scenario against the healthy cluster: the set of series it changes must be
//! exactly the expected one, with the expected values, at several moments and seeds.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::cluster::families::families;
use crate::exposition::escape_label_value;
use crate::target::Target;

/// What a scrape of the whole cluster would show: `node-K/job series` → value, or
/// `node-K/job` → a non-serving behaviour.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Value(f64),
    Behaviour(Behaviour),
}

fn scrape_all(view: &ClusterView) -> BTreeMap<String, Seen> {
    let mut out = BTreeMap::new();
    for target in Target::all(view.len()) {
        let node = &view.nodes[target.node - 1];
        let prefix = format!("{}/{}", instance(target.node), target.exporter.job());
        let behaviour = node.behaviour(target.exporter);
        if behaviour != Behaviour::Serve {
            out.insert(prefix.clone(), Seen::Behaviour(behaviour));
        }
        for family in families(target.exporter, node) {
            for sample in family.samples {
                let labels: Vec<String> = sample
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", escape_label_value(v)))
                    .collect();
                let series = if labels.is_empty() {
                    family.name.clone()
                } else {
                    format!("{}{{{}}}", family.name, labels.join(","))
                };
                out.insert(format!("{prefix} {series}"), Seen::Value(sample.value));
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Want {
    Eq(f64),
    Between(f64, f64),
    Absent,
    Behaves(Behaviour),
}

fn check(kind: Kind, params: &Params, nodes: usize, expect: &[(String, Want)]) {
    let scenario = Scenario::new(kind, params, nodes).expect("valid scenario");
    for seed in [1, 42] {
        for t in [0.0, 37.5, 1234.0] {
            let healthy = ClusterView::healthy(nodes, seed, t);
            let mut faulty = healthy.clone();
            scenario.apply(&mut faulty, seed, t);
            let before = scrape_all(&healthy);
            let after = scrape_all(&faulty);
            let changed: Vec<&String> = before
                .keys()
                .chain(after.keys())
                .filter(|k| before.get(*k) != after.get(*k))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let wanted: Vec<&String> = expect
                .iter()
                .map(|(k, _)| k)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            assert_eq!(
                changed,
                wanted,
                "{} seed {seed} t {t}: changed series",
                kind.name()
            );
            for (series, want) in expect {
                let got = after.get(series);
                let ok = match (want, got) {
                    (Want::Eq(v), Some(Seen::Value(g))) => (g - v).abs() < 1e-9,
                    (Want::Between(lo, hi), Some(Seen::Value(g))) => (lo..=hi).contains(&g),
                    (Want::Absent, None) => true,
                    (Want::Behaves(b), Some(Seen::Behaviour(g))) => g == b,
                    _ => false,
                };
                assert!(
                    ok,
                    "{} seed {seed} t {t}: {series} is {got:?}, want {want:?}",
                    kind.name()
                );
            }
        }
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn health(observer: usize, node: usize, status: &str) -> String {
    format!(
        "node-{observer}/consul consul_health_node_status{{check=\"serfHealth\",node=\"node-{node}\",status=\"{status}\"}}"
    )
}

/// A consul node lost as seen by the cluster: the lost node publishes only
/// `consul_up 0`, the others see `remaining` peers and members and the lost nodes critical.
fn consul_lost(nodes: usize, lost: &[usize]) -> Vec<(String, Want)> {
    let remaining = (nodes - lost.len()) as f64;
    let mut out = Vec::new();
    for k in 1..=nodes {
        if lost.contains(&k) {
            out.push((format!("node-{k}/consul consul_up"), Want::Eq(0.0)));
            for metric in [
                "consul_raft_leader",
                "consul_raft_peers",
                "consul_serf_lan_members",
            ] {
                out.push((format!("node-{k}/consul {metric}"), Want::Absent));
            }
            for node in 1..=nodes {
                for status in ["passing", "warning", "critical", "maintenance"] {
                    out.push((health(k, node, status), Want::Absent));
                }
            }
        } else {
            out.push((
                format!("node-{k}/consul consul_raft_peers"),
                Want::Eq(remaining),
            ));
            out.push((
                format!("node-{k}/consul consul_serf_lan_members"),
                Want::Eq(remaining),
            ));
            for &l in lost {
                out.push((health(k, l, "passing"), Want::Eq(0.0)));
                out.push((health(k, l, "critical"), Want::Eq(1.0)));
            }
        }
    }
    out
}

fn no_leader(nodes: usize, except: &[usize]) -> Vec<(String, Want)> {
    (1..=nodes)
        .filter(|k| !except.contains(k))
        .map(|k| (format!("node-{k}/consul consul_raft_leader"), Want::Eq(0.0)))
        .collect()
}

fn on(node: usize) -> Params {
    Params {
        node: Some(format!("node-{node}")),
        ..Params::default()
    }
}

#[test]
fn healthy_changes_nothing() {
    check(Kind::Healthy, &Params::default(), 4, &[]);
}

#[test]
fn consul_scenarios() {
    check(
        Kind::ConsulNodeLost,
        &Params::default(),
        4,
        &consul_lost(4, &[3]),
    );
    check(Kind::ConsulNodeLost, &on(1), 3, &consul_lost(3, &[1]));
    check(
        Kind::ConsulNoLeader,
        &Params::default(),
        4,
        &no_leader(4, &[]),
    );
    let mut no_quorum = consul_lost(4, &[3, 4]);
    no_quorum.extend(no_leader(4, &[3, 4]));
    check(Kind::ConsulNoQuorum, &Params::default(), 4, &no_quorum);
    // Wraps around: 5 nodes lose 3 starting at node-4.
    let mut wrapped = consul_lost(5, &[4, 5, 1]);
    wrapped.extend(no_leader(5, &[4, 5, 1]));
    check(Kind::ConsulNoQuorum, &on(4), 5, &wrapped);
}

#[test]
fn gluster_scenarios() {
    let mount = "{mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"}";
    check(
        Kind::GlusterNotWriteable,
        &Params::default(),
        4,
        &[(
            format!("node-3/gluster gluster_volume_writeable{mount}"),
            Want::Eq(0.0),
        )],
    );
    check(
        Kind::GlusterHealBacklog,
        &on(2),
        4,
        &[(
            s("node-2/gluster gluster_heal_info_files_count{volume=\"gv_data\"}"),
            Want::Between(30.0, 70.0),
        )],
    );
    check(
        Kind::GlusterPeerLost,
        &Params::default(),
        4,
        &[
            (s("node-3/gluster gluster_up"), Want::Eq(0.0)),
            (s("node-3/gluster gluster_peers_connected"), Want::Absent),
            (s("node-3/gluster gluster_volumes_count"), Want::Absent),
            (
                s("node-3/gluster gluster_brick_count{volume=\"gv_data\"}"),
                Want::Absent,
            ),
            (
                s("node-3/gluster gluster_heal_info_files_count{volume=\"gv_data\"}"),
                Want::Absent,
            ),
            (s("node-1/gluster gluster_peers_connected"), Want::Eq(2.0)),
            (s("node-2/gluster gluster_peers_connected"), Want::Eq(2.0)),
            (s("node-4/gluster gluster_peers_connected"), Want::Eq(2.0)),
        ],
    );
    let slow = Behaviour::Delay(Duration::from_secs(20));
    check(
        Kind::GlusterSlow,
        &Params::default(),
        4,
        &(1..=4)
            .map(|k| (format!("node-{k}/gluster"), Want::Behaves(slow)))
            .collect::<Vec<_>>(),
    );
    check(
        Kind::GlusterSlow,
        &Params {
            node: Some(s("node-2")),
            delay: Some(s("3")),
            ..Params::default()
        },
        4,
        &[(
            s("node-2/gluster"),
            Want::Behaves(Behaviour::Delay(Duration::from_secs(3))),
        )],
    );
}

#[test]
fn weave_scenarios() {
    check(
        Kind::WeaveReconnecting,
        &Params::default(),
        4,
        &[(
            s("node-3/weave weave_connections{state=\"connecting\"}"),
            Want::Eq(1.0),
        )],
    );
    check(
        Kind::WeaveFailedLinks,
        &on(1),
        4,
        &[
            (
                s("node-1/weave weave_connections{state=\"failed\"}"),
                Want::Eq(1.0),
            ),
            (
                s("node-1/weave weave_connections{state=\"established\"}"),
                Want::Eq(2.0),
            ),
        ],
    );
}

#[test]
fn host_scenarios() {
    let cores = CORES as f64;
    check(
        Kind::HostOverloaded,
        &Params::default(),
        4,
        &[
            (
                s("node-3/node node_load15"),
                Want::Between(2.0 * cores, 3.0 * cores),
            ),
            (
                s("node-3/node node_load5"),
                Want::Between(2.0 * cores, 3.5 * cores),
            ),
            (
                s("node-3/node node_load1"),
                Want::Between(2.0 * cores, 3.5 * cores),
            ),
        ],
    );
    let total = crate::cluster::MEM_TOTAL;
    check(
        Kind::HostOutOfMemory,
        &on(4),
        4,
        &[(
            s("node-4/node node_memory_MemAvailable_bytes"),
            Want::Between(0.01 * total, 0.049 * total),
        )],
    );
    check(
        Kind::ExporterDown,
        &Params::default(),
        4,
        &[(s("node-3/node"), Want::Behaves(Behaviour::Fail))],
    );
    check(
        Kind::ExporterDown,
        &Params {
            exporter: Some(s("consul")),
            ..on(2)
        },
        4,
        &[(s("node-2/consul"), Want::Behaves(Behaviour::Fail))],
    );
}

#[test]
fn every_scenario_is_covered_by_a_test_above() {
    // Guards against adding a scenario without adding its effect table.
    assert_eq!(Kind::ALL.len(), 13);
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.name()), Ok(kind));
    }
}

/// Node, exporter and delay (seconds) after validation.
type Resolved = (Option<usize>, Option<Exporter>, Option<u64>);

fn check_params(kind: &str, params: Params, nodes: usize, expect: Result<Resolved, &str>) {
    let got = Kind::parse(kind)
        .and_then(|k| Scenario::new(k, &params, nodes))
        .map(|s| (s.node, s.exporter, s.delay.map(|d| d.as_secs())))
        .map_err(|e| e.to_string());
    match (&got, &expect) {
        (Ok(g), Ok(e)) => assert_eq!(g, e, "{kind} {params:?}"),
        (Err(g), Err(e)) => assert!(g.contains(e), "{kind} {params:?}: error {g:?} lacks {e:?}"),
        _ => panic!("{kind} {params:?}: got {got:?}, want {expect:?}"),
    }
}

#[test]
fn parameters() {
    let p = Params::default;
    check_params("healthy", p(), 4, Ok((None, None, None)));
    check_params("gluster-not-writeable", p(), 4, Ok((Some(3), None, None)));
    check_params("gluster-not-writeable", p(), 2, Ok((Some(2), None, None)));
    check_params("gluster-not-writeable", on(4), 4, Ok((Some(4), None, None)));
    check_params(
        "gluster-not-writeable",
        on(5),
        4,
        Err("unknown node \"node-5\""),
    );
    check_params(
        "exporter-down",
        p(),
        4,
        Ok((Some(3), Some(Exporter::Node), None)),
    );
    check_params(
        "exporter-down",
        Params {
            exporter: Some(s("weave")),
            ..p()
        },
        4,
        Ok((Some(3), Some(Exporter::Weave), None)),
    );
    check_params(
        "exporter-down",
        Params {
            exporter: Some(s("cadvisor")),
            ..p()
        },
        4,
        Err("unknown exporter"),
    );
    check_params("gluster-slow", p(), 4, Ok((None, None, Some(20))));
    check_params(
        "gluster-slow",
        Params {
            delay: Some(s("5s")),
            ..on(1)
        },
        4,
        Ok((Some(1), None, Some(5))),
    );
    check_params(
        "gluster-slow",
        Params {
            delay: Some(s("601")),
            ..p()
        },
        4,
        Err("bad delay"),
    );
    check_params(
        "gluster-slow",
        Params {
            delay: Some(s("-1")),
            ..p()
        },
        4,
        Err("bad delay"),
    );
    check_params(
        "consul-no-leader",
        on(1),
        4,
        Err("does not take parameter \"node\""),
    );
    check_params(
        "weave-reconnecting",
        Params {
            delay: Some(s("1")),
            ..p()
        },
        4,
        Err("does not take parameter \"delay\""),
    );
    check_params(
        "host-overloaded",
        Params {
            exporter: Some(s("node")),
            ..p()
        },
        4,
        Err("does not take parameter \"exporter\""),
    );
    check_params("gluster-on-fire", p(), 4, Err("unknown scenario"));
}

fn check_quorum(count: usize, n: usize, expect: Verdict) {
    assert_eq!(quorum(count, n), expect, "{count} of {n}");
}

#[test]
fn quorum_rule() {
    check_quorum(4, 4, Verdict::Healthy);
    check_quorum(3, 4, Verdict::Warning);
    check_quorum(2, 4, Verdict::Critical);
    check_quorum(2, 3, Verdict::Warning);
    check_quorum(1, 3, Verdict::Critical);
    check_quorum(1, 2, Verdict::Critical);
    check_quorum(0, 1, Verdict::Critical);
    check_quorum(3, 5, Verdict::Warning);
}

fn verdicts(kind: Kind, params: &Params, nodes: usize) -> String {
    let info = Scenario::new(kind, params, nodes).unwrap().describe(nodes);
    info.expect
        .iter()
        .map(|e| {
            format!(
                "{}: {}{}",
                e.service,
                serde_json::to_value(e.status).unwrap().as_str().unwrap(),
                if e.or_worse { "+" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_verdicts(kind: Kind, nodes: usize, expect: &str) {
    assert_eq!(
        verdicts(kind, &Params::default(), nodes),
        expect,
        "{} with {nodes} nodes",
        kind.name()
    );
}

#[test]
fn expected_verdicts() {
    let summary =
        |kind, params: &Params| Scenario::new(kind, params, 4).unwrap().describe(4).verdict;
    assert_eq!(
        summary(Kind::Healthy, &Params::default()),
        "everything healthy"
    );
    assert_eq!(
        summary(Kind::GlusterNotWriteable, &Params::default()),
        "glusterfs: critical, cluster: critical"
    );
    assert_eq!(
        summary(Kind::GlusterSlow, &Params::default()),
        "glusterfs: unknown or worse, cluster: unknown or worse"
    );
    check_verdicts(
        Kind::Healthy,
        4,
        "consul: healthy, glusterfs: healthy, weave: healthy, host: healthy, cluster: healthy",
    );
    check_verdicts(
        Kind::ConsulNodeLost,
        4,
        "consul: warning, glusterfs: healthy, weave: healthy, host: healthy, cluster: warning",
    );
    check_verdicts(
        Kind::ConsulNodeLost,
        2,
        "consul: critical, glusterfs: healthy, weave: healthy, host: healthy, cluster: critical",
    );
    check_verdicts(
        Kind::ConsulNoLeader,
        4,
        "consul: critical, glusterfs: healthy, weave: healthy, host: healthy, cluster: critical",
    );
    check_verdicts(
        Kind::ConsulNoQuorum,
        4,
        "consul: critical, glusterfs: healthy, weave: healthy, host: healthy, cluster: critical",
    );
    check_verdicts(
        Kind::GlusterNotWriteable,
        4,
        "consul: healthy, glusterfs: critical, weave: healthy, host: healthy, cluster: critical",
    );
    check_verdicts(
        Kind::GlusterHealBacklog,
        4,
        "consul: healthy, glusterfs: warning, weave: healthy, host: healthy, cluster: warning",
    );
    check_verdicts(
        Kind::GlusterPeerLost,
        4,
        "consul: healthy, glusterfs: warning, weave: healthy, host: healthy, cluster: warning",
    );
    check_verdicts(
        Kind::GlusterSlow,
        4,
        "consul: healthy, glusterfs: unknown+, weave: healthy, host: healthy, cluster: unknown+",
    );
    check_verdicts(
        Kind::WeaveReconnecting,
        4,
        "consul: healthy, glusterfs: healthy, weave: warning, host: healthy, cluster: warning",
    );
    check_verdicts(
        Kind::WeaveFailedLinks,
        4,
        "consul: healthy, glusterfs: healthy, weave: critical, host: healthy, cluster: critical",
    );
    check_verdicts(
        Kind::HostOverloaded,
        4,
        "consul: healthy, glusterfs: healthy, weave: healthy, host: critical, cluster: critical",
    );
    check_verdicts(
        Kind::HostOutOfMemory,
        4,
        "consul: healthy, glusterfs: healthy, weave: healthy, host: critical, cluster: critical",
    );
    check_verdicts(
        Kind::ExporterDown,
        4,
        "consul: healthy, glusterfs: healthy, weave: healthy, host: unknown+, cluster: unknown+",
    );
    assert_eq!(
        verdicts(
            Kind::ExporterDown,
            &Params {
                exporter: Some(s("gluster")),
                ..Params::default()
            },
            4
        ),
        "consul: healthy, glusterfs: unknown+, weave: healthy, host: healthy, cluster: unknown+"
    );
}
