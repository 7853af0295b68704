//! Scrape targets: which exporter of which node, on which port, and how Prometheus
//! learns about them (`file_sd_configs`).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::Serialize;

use crate::error::SimError;

/// The four exporters every node of the reference cluster runs. The job name is the
/// contract with the engine's reference configuration (`docs/reference-cluster.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Exporter {
    Consul,
    Gluster,
    Weave,
    Node,
}

impl Exporter {
    /// In port order: node K's exporter E listens on `base + 4·(K−1) + E`.
    pub const ALL: [Self; 4] = [Self::Consul, Self::Gluster, Self::Weave, Self::Node];

    /// The Prometheus `job` label of this exporter's targets.
    pub fn job(self) -> &'static str {
        match self {
            Self::Consul => "consul",
            Self::Gluster => "gluster",
            Self::Weave => "weave",
            Self::Node => "node",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Self::Consul => 0,
            Self::Gluster => 1,
            Self::Weave => 2,
            Self::Node => 3,
        }
    }

    pub fn parse(job: &str) -> Result<Self, SimError> {
        Self::ALL
            .into_iter()
            .find(|e| e.job() == job)
            .ok_or_else(|| SimError::UnknownExporter(job.to_owned()))
    }

    /// The exporter that publishes `metric`: every exporter of the reference cluster
    /// prefixes its metrics with its own name, which is what makes this unambiguous.
    pub fn for_metric(metric: &str) -> Option<Self> {
        let prefix = metric.split('_').next()?;
        Self::ALL.into_iter().find(|e| e.job() == prefix)
    }
}

/// The `instance` label of node `k` (1-based), shared by all exporters of that node so
/// checks can join on it.
pub fn instance(node: usize) -> String {
    format!("node-{node}")
}

/// Parses `node-K` (or a bare `K`) into a 1-based node number no larger than `nodes`.
pub fn parse_node(text: &str, nodes: usize) -> Result<usize, SimError> {
    let digits = text.strip_prefix("node-").unwrap_or(text);
    match digits.parse::<usize>() {
        Ok(k) if (1..=nodes).contains(&k) => Ok(k),
        _ => Err(SimError::UnknownNode {
            given: text.to_owned(),
            nodes,
        }),
    }
}

/// One scrape target: exporter `exporter` of node `node` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub node: usize,
    pub exporter: Exporter,
}

impl Target {
    /// All targets of a cluster of `nodes` nodes, in port order.
    pub fn all(nodes: usize) -> Vec<Self> {
        (1..=nodes)
            .flat_map(|node| {
                Exporter::ALL
                    .into_iter()
                    .map(move |exporter| Self { node, exporter })
            })
            .collect()
    }

    /// Offset of this target's port from the base port.
    pub fn port_offset(self) -> usize {
        (self.node - 1) * Exporter::ALL.len() + self.exporter.index()
    }
}

/// A target together with the address it actually listens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundTarget {
    pub job: &'static str,
    pub instance: String,
    pub address: String,
}

impl BoundTarget {
    pub fn new(target: Target, address: SocketAddr) -> Self {
        Self {
            job: target.exporter.job(),
            instance: instance(target.node),
            address: address.to_string(),
        }
    }

    /// The one target of the aggregated layout. Its labels name the relay, not a node:
    /// the series it serves carry their own `job` and `instance` (`honor_labels: true`).
    pub fn aggregate(address: SocketAddr) -> Self {
        Self {
            job: AGGREGATE_JOB,
            instance: AGGREGATE_INSTANCE.to_owned(),
            address: address.to_string(),
        }
    }
}

/// `job` and `instance` of the aggregated target itself (Prometheus's own `up` for the
/// scrape); chosen not to collide with the contract's jobs and `node-K` instances.
pub const AGGREGATE_JOB: &str = "aggregate";
pub const AGGREGATE_INSTANCE: &str = "cluster";

/// One `file_sd_configs` group. Prometheus lets target labels from service discovery
/// override the scrape config's `job` name, so one scrape job can cover all four
/// exporters and still produce `job="consul"` etc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSdGroup {
    pub targets: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

/// The `file_sd_configs` document for `targets`: one group per target.
pub fn file_sd(targets: &[BoundTarget]) -> Vec<FileSdGroup> {
    targets
        .iter()
        .map(|t| FileSdGroup {
            targets: vec![t.address.clone()],
            labels: BTreeMap::from([
                ("instance".to_owned(), t.instance.clone()),
                ("job".to_owned(), t.job.to_owned()),
            ]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_node(text: &str, nodes: usize, expect: Option<usize>) {
        assert_eq!(parse_node(text, nodes).ok(), expect, "{text:?} of {nodes}");
    }

    #[test]
    fn node_names() {
        check_node("node-1", 4, Some(1));
        check_node("node-4", 4, Some(4));
        check_node("3", 4, Some(3));
        check_node("node-5", 4, None);
        check_node("node-0", 4, None);
        check_node("node-", 4, None);
        check_node("node-x", 4, None);
        check_node("", 4, None);
        check_node("node-12", 12, Some(12));
    }

    fn check_metric(metric: &str, expect: Option<Exporter>) {
        assert_eq!(Exporter::for_metric(metric), expect, "{metric}");
    }

    #[test]
    fn metric_owner() {
        check_metric("consul_raft_peers", Some(Exporter::Consul));
        check_metric("gluster_up", Some(Exporter::Gluster));
        check_metric("weave_connections", Some(Exporter::Weave));
        check_metric("node_load15", Some(Exporter::Node));
        check_metric("up", None);
        check_metric("nodes_x", None);
    }

    #[test]
    fn ports_are_dense_and_unique() {
        let offsets: Vec<usize> = Target::all(3)
            .into_iter()
            .map(Target::port_offset)
            .collect();
        assert_eq!(offsets, (0..12).collect::<Vec<_>>());
        let first = Target::all(3)[5];
        assert_eq!((first.node, first.exporter), (2, Exporter::Gluster));
    }

    #[test]
    fn file_sd_has_one_group_per_target() {
        let bound = vec![
            BoundTarget::new(
                Target {
                    node: 1,
                    exporter: Exporter::Consul,
                },
                "127.0.0.1:9300".parse().unwrap(),
            ),
            BoundTarget::new(
                Target {
                    node: 2,
                    exporter: Exporter::Node,
                },
                "127.0.0.1:9307".parse().unwrap(),
            ),
        ];
        let json = serde_json::to_string(&file_sd(&bound)).unwrap();
        assert_eq!(
            json,
            r#"[{"targets":["127.0.0.1:9300"],"labels":{"instance":"node-1","job":"consul"}},{"targets":["127.0.0.1:9307"],"labels":{"instance":"node-2","job":"node"}}]"#
        );
    }
}
