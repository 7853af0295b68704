//! Configurations and snapshots the diagram's native tests share: the
//! reference cluster, a snapshot written as a table, and generated stacks
//! like the benchmark's.

use panopticon_core::Status;
use panopticon_engine::alerts::{ServiceAlerts, UnmatchedAlerts};
use panopticon_engine::snapshot::{ServiceSnapshot, StatusCounts};
use panopticon_engine::{Config, Snapshot};

use super::look::NodeLook;

use Status::Unknown as U;

pub fn config() -> Config {
    Config::from_yaml(
        "reference-cluster.yaml",
        include_str!("../../examples/config/reference-cluster.yaml"),
    )
    .unwrap()
}

/// A snapshot from `(id, own, effective, root cause, impacted by)`.
pub fn snapshot(services: &[(&str, Status, Status, bool, &[&str])]) -> Snapshot {
    Snapshot {
        at: 0.0,
        cluster: Status::worst_of(services.iter().map(|s| s.2)).unwrap_or(U),
        counts: StatusCounts::default(),
        services: services
            .iter()
            .map(|&(id, own, effective, root, by)| ServiceSnapshot {
                id: id.to_owned(),
                name: id.to_owned(),
                own,
                effective,
                is_root_cause: root,
                impacted_by: by.iter().map(|s| (*s).to_owned()).collect(),
                checks: Vec::new(),
                reasons: Vec::new(),
                transitions: Vec::new(),
                alerts: ServiceAlerts::default(),
                maintenance: None,
            })
            .collect(),
        summary: String::new(),
        recent: Vec::new(),
        unmatched_alerts: UnmatchedAlerts::default(),
        maintenance: 0,
    }
}

/// A generated stack like the benchmark's: `per` services in each of `layers`
/// layers, `edges` dependencies to lower layers (deterministic), names like
/// "billing gateway 12".
pub fn stack(layers: usize, per: usize, edges: usize) -> Config {
    use std::fmt::Write as _;
    let words = [
        "api", "auth", "billing", "cart", "catalog", "search", "mail", "queue",
    ];
    let kinds = ["gateway", "worker", "store", "service", "index"];
    let n = layers * per;
    let id = |i: usize| {
        format!(
            "{}-{}-{i}",
            words[i % words.len()],
            kinds[(i / words.len()) % kinds.len()]
        )
    };
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut seed = 7_u64;
    let mut next = move |m: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap_or(0) % m.max(1)
    };
    let mut count = 0;
    while count < edges {
        let from = per + next(n - per);
        let layer = from / per;
        let down = 1 + next(layer).min(next(layer));
        let to = (layer - down.min(layer)) * per + next(per);
        if to < from && !deps[from].contains(&to) {
            deps[from].push(to);
            count += 1;
        }
    }
    let mut yaml = String::from("services:\n");
    for (i, d) in deps.iter().enumerate() {
        let _ = write!(
            yaml,
            "  - id: {}\n    name: {}\n    checks:\n      - id: up\n        query: 'up'\n        rule: {{ kind: equals, expected: 1 }}\n",
            id(i),
            id(i).replace('-', " ")
        );
        if !d.is_empty() {
            yaml.push_str("    depends_on:\n");
            for &t in d {
                let strength = if (i + t) % 4 == 0 { "soft" } else { "hard" };
                let _ = write!(
                    yaml,
                    "      - service: {}\n        strength: {strength}\n",
                    id(t)
                );
            }
        }
    }
    Config::from_yaml("stack.yaml", &yaml).unwrap()
}

/// A box's look: `effective` over `own`, dragged down by `by`, with `note` as
/// its third line; not a root cause, nothing pending.
pub fn look(effective: Status, own: Status, by: &[&str], note: &str) -> NodeLook {
    NodeLook {
        effective,
        own,
        impacted_by: by.iter().map(|s| (*s).to_owned()).collect(),
        impacted: own < effective,
        root_cause: false,
        note: note.to_owned(),
        pending: None,
        maintenance: false,
        alerts: 0,
    }
}
