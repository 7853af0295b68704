//! The reference configuration at 1,000 nodes, with the inputs the
//! `eval_scale` benchmark times: the fast paths for large clusters (sorted
//! joins, the in-place memory of instances) must give the verdicts and
//! sentences a person would write by hand.

#[path = "../examples/eval_scale/cluster.rs"]
mod cluster;

use panopticon_core::Status;
use panopticon_engine::{Config, Engine, Snapshot};

use cluster::{Faults, node};

const N: usize = 1000;

/// (service, check, status, (healthy, warning, critical, unknown), reason)
type Expected = (
    &'static str,
    &'static str,
    Status,
    (u32, u32, u32, u32),
    String,
);
const START: f64 = 1_700_000_000.0;

fn engine() -> Engine {
    let yaml = cluster::reference_config(N);
    Engine::new(
        Config::from_yaml("reference-cluster.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")),
    )
}

/// Evaluates the healthy cluster once, then `faults` for `rounds` refreshes.
fn judge(faults: &Faults, rounds: u32) -> Snapshot {
    let mut e = engine();
    let queries = e.queries();
    let mut snapshot = e.evaluate(
        START,
        &cluster::results(&queries, N, &Faults::default(), START),
    );
    for i in 1..=rounds {
        let now = START + 15.0 * f64::from(i);
        snapshot = e.evaluate(now, &cluster::results(&queries, N, faults, now));
    }
    snapshot
}

/// Every node but `except`, in the order sentences list them (by name).
fn all_but(except: &[usize]) -> String {
    let mut names: Vec<String> = (1..=N).filter(|k| !except.contains(k)).map(node).collect();
    names.sort();
    names.join(", ")
}

#[test]
fn healthy_thousand_nodes_are_all_healthy() {
    let s = judge(&Faults::default(), 3);
    assert_eq!(s.cluster, Status::Healthy);
    assert_eq!(s.summary, "All 6 services healthy");
    for service in &s.services {
        assert!(
            service.reasons.is_empty(),
            "{}: {:?}",
            service.id,
            service.reasons
        );
        for check in &service.checks {
            let o = &check.outcome;
            let what = format!("{}/{}", service.id, check.id);
            assert_eq!(check.status, Status::Healthy, "{what}: {}", o.reason);
            assert_eq!(o.instances.len(), N, "{what}");
            assert_eq!((o.tally.healthy, o.unnamed_missing), (1000, 0), "{what}");
            assert!(
                o.instances.is_sorted_by(|a, b| a.instance < b.instance),
                "{what}"
            );
        }
    }
}

#[test]
fn three_lost_nodes_are_named() {
    use Status::{Critical as C, Warning as W};
    // node-3 and node-500 switched off (targets `up 0`), node-1000 gone from
    // the relay; two refreshes, so the `for: 2` holds have run out.
    let faults = Faults {
        down: vec![3, 500],
        vanished: vec![1000],
    };
    let s = judge(&faults, 2);
    // node-1000 reported before and fell silent: every check it fed is at
    // least a warning (a known node gone), not merely unknown.
    let lost = "node-1000: no data (reported before, now silent); \
                node-3, node-500: exporter down (up == 0)";
    let others = all_but(&[3, 500, 1000]);
    let table: Vec<Expected> = vec![
        (
            "host",
            "reachable",
            W,
            (997, 0, 2, 1),
            "node-3: node exporter on node-3 unreachable; \
             node-500: node exporter on node-500 unreachable; \
             node-1000: no data (reported before, now silent)"
                .to_owned(),
        ),
        ("host", "load", W, (997, 0, 0, 3), lost.to_owned()),
        ("host", "memory", W, (997, 0, 0, 3), lost.to_owned()),
        ("consul", "exporter", W, (997, 0, 0, 3), lost.to_owned()),
        ("consul", "leader", W, (997, 0, 0, 3), lost.to_owned()),
        (
            "consul",
            "peers",
            W,
            (0, 997, 0, 3),
            format!("{others}: raft peers 997 of 1000 — quorum 501 still holds (warning); {lost}"),
        ),
        (
            "consul",
            "node-health",
            W,
            (997, 0, 3, 0),
            "node-1000, node-3, node-500: node health: 1 status=critical (critical)".to_owned(),
        ),
        (
            "glusterfs",
            "peers",
            W,
            (0, 997, 0, 3),
            format!(
                "{others}: gluster peers 997 of 1000 — quorum 501 still holds (warning); {lost}"
            ),
        ),
        ("glusterfs", "writeable", W, (997, 0, 0, 3), lost.to_owned()),
        (
            "weave",
            "connections",
            C,
            (0, 0, 997, 3),
            format!(
                "{others}: weave connections: 3 state=retrying (warning), \
                 996 of 999 expected state=established (critical); {lost}"
            ),
        ),
        ("weave", "retrying", W, (997, 0, 0, 3), lost.to_owned()),
    ];
    for (service, check, status, (h, w, c, u), reason) in table {
        let what = format!("{service}/{check}");
        let got = s
            .service(service)
            .and_then(|x| x.checks.iter().find(|k| k.id == check))
            .unwrap_or_else(|| panic!("no {what}"));
        let o = &got.outcome;
        assert_eq!(got.status, status, "{what}: {}", o.reason);
        assert_eq!(
            (
                o.tally.healthy,
                o.tally.warning,
                o.tally.critical,
                o.tally.unknown
            ),
            (h, w, c, u),
            "{what}"
        );
        assert_eq!(o.instances.len(), N, "{what}: every node named");
        assert_eq!(o.reason, reason, "{what}");
    }
    // (service, own, effective)
    let services = [
        ("host", W, W),
        ("consul", W, W),
        ("glusterfs", W, W),
        ("weave", C, C),
        ("swarm", Status::Healthy, W),
        ("app", Status::Healthy, C),
    ];
    for (id, own, effective) in services {
        let got = s.service(id).unwrap_or_else(|| panic!("no {id}"));
        assert_eq!(
            (got.own, got.effective),
            (own, effective),
            "{id}: {:?}",
            got.reasons
        );
    }
    assert_eq!(s.cluster, C);
}
