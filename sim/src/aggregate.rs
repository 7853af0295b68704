//! The whole cluster as one scrape target, the way a federating or aggregating source
//! (Prometheus `/federate`, a push gateway, an agent that relays many hosts) looks:
//! every series carries its own `job` and `instance`, and Prometheus keeps them with
//! `honor_labels: true`.
//!
//! This exists for scale: a 1,000-node cluster as 4,000 listeners scraped separately is
//! more than a small benchmark machine can run next to a browser, while one target
//! serving 1,000 nodes' series costs one render per scrape.

use std::collections::HashMap;

use crate::cluster::families::families;
use crate::cluster::{Behaviour, ClusterView};
use crate::exposition::{Family, Sample};
use crate::overrides::Override;
use crate::target::{Exporter, instance};

/// Enough for the benchmarks' 1,000 nodes with room to spare; a bound keeps a typo from
/// making every scrape render millions of series.
pub const MAX_NODES: usize = 5_000;

/// The family that every Consul agent reports for every node (N² series in total). An
/// aggregating source scrapes one agent's view of it, not N copies.
const NODE_HEALTH: &str = "consul_health_node_status";

/// Everything the cluster publishes, merged into one family per metric name.
///
/// A target that would not answer (`exporter-down`, a slow gluster CLI) contributes
/// `up 0` and no series, which is what a federated Prometheus shows for a failed scrape.
/// Consul's per-node health comes from the first node whose Consul answers, as if the
/// aggregator scraped that one agent.
pub fn cluster_families(mut view: ClusterView, overrides: &[Override]) -> Vec<Family> {
    let mut up = Family::gauge(
        "up",
        "Was the last scrape of the target successful (relayed per node and exporter).",
        Vec::new(),
    );
    let mut merged: Vec<Family> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let reporter = view
        .nodes
        .iter()
        .position(|n| n.consul.up && n.behaviour(Exporter::Consul) == Behaviour::Serve);
    // Dropped before rendering: building N² samples only to discard them is what made
    // a 1,000-node scrape take seconds.
    for (i, node) in view.nodes.iter_mut().enumerate() {
        if reporter != Some(i) {
            node.consul.node_health.clear();
        }
    }
    for exporter in Exporter::ALL {
        for (i, node) in view.nodes.iter().enumerate() {
            let k = i + 1;
            let name = instance(k);
            let labels = [("instance", name.as_str()), ("job", exporter.job())];
            let serving = node.behaviour(exporter) == Behaviour::Serve;
            up.samples.push(Sample::with_labels(
                &labels,
                if serving { 1.0 } else { 0.0 },
            ));
            if !serving {
                continue;
            }
            let mut fams = families(exporter, node);
            for o in overrides {
                o.apply(exporter, k, &mut fams);
            }
            for family in fams {
                if family.name == NODE_HEALTH && reporter != Some(i) {
                    continue;
                }
                let samples = family.samples.into_iter().map(|mut s| {
                    let mut all: Vec<(String, String)> = labels
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect();
                    all.append(&mut s.labels);
                    s.labels = all;
                    s
                });
                if let Some(&at) = by_name.get(&family.name) {
                    merged[at].samples.extend(samples);
                } else {
                    by_name.insert(family.name.clone(), merged.len());
                    merged.push(Family {
                        samples: samples.collect(),
                        ..family
                    });
                }
            }
        }
    }
    let mut out = vec![up];
    out.append(&mut merged);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::render;
    use crate::overrides::OverrideRequest;
    use crate::scenario::{Kind, Params, Scenario};

    fn view(nodes: usize, scenario: Option<(&str, &str)>) -> ClusterView {
        let mut view = ClusterView::healthy(nodes, 1, 10.0);
        if let Some((name, node)) = scenario {
            let params = Params {
                node: Some(node.to_owned()),
                ..Params::default()
            };
            Scenario::new(Kind::parse(name).unwrap(), &params, nodes)
                .unwrap()
                .apply(&mut view, 1, 10.0);
        }
        view
    }

    fn family<'a>(fams: &'a [Family], name: &str) -> Option<&'a Family> {
        fams.iter().find(|f| f.name == name)
    }

    /// The value of the one sample of `name` whose labels include all of `labels`.
    fn value(fams: &[Family], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let hits: Vec<f64> = family(fams, name)?
            .samples
            .iter()
            .filter(|s| labels.iter().all(|(k, v)| s.label(k) == Some(*v)))
            .map(|s| s.value)
            .collect();
        match hits.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    #[test]
    fn every_series_names_its_node_and_job() {
        let fams = cluster_families(view(3, None), &[]);
        for f in &fams {
            for s in &f.samples {
                assert!(
                    s.label("instance").is_some_and(|i| i.starts_with("node-")),
                    "{} {:?}",
                    f.name,
                    s.labels
                );
                let job = s.label("job").unwrap();
                assert!(
                    f.name == "up" || f.name.starts_with(job),
                    "{} in {job}",
                    f.name
                );
            }
        }
        // One family per name, so the text has one HELP/TYPE per metric.
        let mut names: Vec<&str> = fams.iter().map(|f| f.name.as_str()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn healthy_cluster_counts() {
        let n = 5;
        let fams = cluster_families(view(n, None), &[]);
        let count = |name: &str| family(&fams, name).map_or(0, |f| f.samples.len());
        check_counts(
            &count,
            &[
                ("up", 4 * n),
                ("consul_raft_peers", n),
                ("gluster_up", n),
                ("node_load15", n),
                ("node_cpu_seconds_total", n * 4 * 4),
                ("weave_connections", n * 5),
                // one agent's view: one series per node and status, not one per agent too
                ("consul_health_node_status", n * 4),
            ],
        );
        assert_eq!(
            value(&fams, "consul_raft_peers", &[("instance", "node-5")]),
            Some(5.0)
        );
        assert_eq!(
            value(&fams, "up", &[("instance", "node-2"), ("job", "weave")]),
            Some(1.0)
        );
    }

    fn check_counts(count: &dyn Fn(&str) -> usize, expect: &[(&str, usize)]) {
        for (name, n) in expect {
            assert_eq!(count(name), *n, "{name}");
        }
    }

    #[test]
    fn failing_target_is_up_zero_without_series() {
        let fams = cluster_families(view(4, Some(("exporter-down", "node-2"))), &[]);
        assert_eq!(
            value(&fams, "up", &[("instance", "node-2"), ("job", "node")]),
            Some(0.0)
        );
        assert_eq!(
            value(&fams, "up", &[("instance", "node-2"), ("job", "consul")]),
            Some(1.0)
        );
        assert_eq!(value(&fams, "node_load15", &[("instance", "node-2")]), None);
        assert!(value(&fams, "node_load15", &[("instance", "node-1")]).is_some());
    }

    #[test]
    fn node_health_comes_from_the_first_answering_agent() {
        // Consul lost on node-1: node-2's agent reports, and it sees node-1 critical.
        let fams = cluster_families(view(4, Some(("consul-node-lost", "node-1"))), &[]);
        let health = family(&fams, NODE_HEALTH).unwrap();
        assert_eq!(health.samples.len(), 4 * 4);
        assert!(
            health
                .samples
                .iter()
                .all(|s| s.label("instance") == Some("node-2"))
        );
        let status = |node: &str, status: &str| {
            value(&fams, NODE_HEALTH, &[("node", node), ("status", status)])
        };
        assert_eq!(status("node-1", "critical"), Some(1.0));
        assert_eq!(status("node-1", "passing"), Some(0.0));
        assert_eq!(status("node-3", "passing"), Some(1.0));
        assert_eq!(
            value(&fams, "consul_up", &[("instance", "node-1")]),
            Some(0.0)
        );
    }

    #[test]
    fn overrides_hit_their_node_only() {
        let req: OverrideRequest =
            serde_json::from_str(r#"{"metric":"node_load15","node":"node-3","value":9}"#).unwrap();
        let o = Override::new(req, 4, |_| true).unwrap();
        let fams = cluster_families(view(4, None), &[o]);
        assert_eq!(
            value(&fams, "node_load15", &[("instance", "node-3")]),
            Some(9.0)
        );
        assert_ne!(
            value(&fams, "node_load15", &[("instance", "node-2")]),
            Some(9.0)
        );
    }

    #[test]
    fn renders_labels_first_and_one_header_per_metric() {
        let text = render(&cluster_families(view(2, None), &[]));
        assert_eq!(text.matches("# TYPE consul_raft_peers gauge").count(), 1);
        assert!(
            text.contains("consul_raft_peers{instance=\"node-2\",job=\"consul\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("up{instance=\"node-1\",job=\"gluster\"} 1\n"));
    }
}
