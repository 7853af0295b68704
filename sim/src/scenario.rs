//! Named faults of the reference cluster, each with the verdict the dashboard is expected
//! to show, so an end-to-end test can switch a scenario and assert what a person sees.

use std::time::Duration;

use serde::Serialize;

use crate::cluster::motion::{key, wave};
use crate::cluster::{Behaviour, CORES, ClusterView, HealthStatus};
use crate::error::SimError;
use crate::target::{Exporter, instance, parse_node};

/// How long gluster targets stall in `gluster-slow` unless told otherwise: longer than
/// Prometheus's default 10 s scrape timeout, inside the 1–30 s the spec reports for a
/// struggling gluster CLI.
pub const DEFAULT_SLOW_DELAY: Duration = Duration::from_secs(20);
/// Longest delay accepted, so a typo cannot park request threads for hours.
pub const MAX_DELAY_SECS: u64 = 600;
/// The node a targeted scenario hits when none is named (as in the thesis's examples).
pub const DEFAULT_NODE: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Healthy,
    ConsulNodeLost,
    ConsulNoLeader,
    ConsulNoQuorum,
    GlusterNotWriteable,
    GlusterHealBacklog,
    GlusterPeerLost,
    GlusterSlow,
    WeaveReconnecting,
    WeaveFailedLinks,
    HostOverloaded,
    HostOutOfMemory,
    ExporterDown,
}

/// Which parameters a scenario takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Targeting {
    /// Cluster-wide; no node.
    Cluster,
    /// One node, default `DEFAULT_NODE`.
    Node,
    /// All nodes unless one is named.
    AllOrNode,
}

impl Kind {
    pub const ALL: [Self; 13] = [
        Self::Healthy,
        Self::ConsulNodeLost,
        Self::ConsulNoLeader,
        Self::ConsulNoQuorum,
        Self::GlusterNotWriteable,
        Self::GlusterHealBacklog,
        Self::GlusterPeerLost,
        Self::GlusterSlow,
        Self::WeaveReconnecting,
        Self::WeaveFailedLinks,
        Self::HostOverloaded,
        Self::HostOutOfMemory,
        Self::ExporterDown,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::ConsulNodeLost => "consul-node-lost",
            Self::ConsulNoLeader => "consul-no-leader",
            Self::ConsulNoQuorum => "consul-no-quorum",
            Self::GlusterNotWriteable => "gluster-not-writeable",
            Self::GlusterHealBacklog => "gluster-heal-backlog",
            Self::GlusterPeerLost => "gluster-peer-lost",
            Self::GlusterSlow => "gluster-slow",
            Self::WeaveReconnecting => "weave-reconnecting",
            Self::WeaveFailedLinks => "weave-failed-links",
            Self::HostOverloaded => "host-overloaded",
            Self::HostOutOfMemory => "host-out-of-memory",
            Self::ExporterDown => "exporter-down",
        }
    }

    pub fn parse(name: &str) -> Result<Self, SimError> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| SimError::UnknownScenario(name.to_owned()))
    }

    fn targeting(self) -> Targeting {
        match self {
            Self::Healthy | Self::ConsulNoLeader => Targeting::Cluster,
            Self::GlusterSlow => Targeting::AllOrNode,
            _ => Targeting::Node,
        }
    }
}

/// Parameters as they arrive from the CLI or a query string, not yet validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub node: Option<String>,
    pub exporter: Option<String>,
    pub delay: Option<String>,
}

/// A scenario with validated parameters, ready to apply to a cluster of known size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    pub kind: Kind,
    /// 1-based node; `None` for cluster-wide scenarios (and `gluster-slow` on all nodes).
    pub node: Option<usize>,
    /// Only for `exporter-down`.
    pub exporter: Option<Exporter>,
    /// Only for `gluster-slow`.
    pub delay: Option<Duration>,
}

impl Scenario {
    pub const HEALTHY: Self = Self {
        kind: Kind::Healthy,
        node: None,
        exporter: None,
        delay: None,
    };

    /// Validates `params` for `kind` in a cluster of `nodes` nodes. Parameters a
    /// scenario does not take are rejected rather than ignored, so a script with a typo
    /// fails loudly instead of testing the wrong thing.
    pub fn new(kind: Kind, params: &Params, nodes: usize) -> Result<Self, SimError> {
        let reject = |param: &str| SimError::ParamNotApplicable {
            scenario: kind.name(),
            param: param.to_owned(),
        };
        let node = match (kind.targeting(), &params.node) {
            (Targeting::Cluster, Some(_)) => return Err(reject("node")),
            (Targeting::Cluster | Targeting::AllOrNode, None) => None,
            (Targeting::Node, None) => Some(DEFAULT_NODE.min(nodes)),
            (Targeting::Node | Targeting::AllOrNode, Some(text)) => Some(parse_node(text, nodes)?),
        };
        let exporter = match (kind, &params.exporter) {
            (Kind::ExporterDown, Some(job)) => Some(Exporter::parse(job)?),
            (Kind::ExporterDown, None) => Some(Exporter::Node),
            (_, Some(_)) => return Err(reject("exporter")),
            (_, None) => None,
        };
        let delay = match (kind, &params.delay) {
            (Kind::GlusterSlow, Some(text)) => Some(parse_delay(text)?),
            (Kind::GlusterSlow, None) => Some(DEFAULT_SLOW_DELAY),
            (_, Some(_)) => return Err(reject("delay")),
            (_, None) => None,
        };
        Ok(Self {
            kind,
            node,
            exporter,
            delay,
        })
    }

    /// Edits a healthy view into this scenario's view. `t` keeps injected values moving
    /// a little, like the healthy ones.
    pub fn apply(&self, view: &mut ClusterView, seed: u64, t: f64) {
        let n = u32::try_from(view.len()).unwrap_or(u32::MAX);
        let target = self.node.unwrap_or(DEFAULT_NODE.min(view.len()));
        match self.kind {
            Kind::Healthy => {}
            Kind::ConsulNodeLost => consul_lose(view, &[target]),
            Kind::ConsulNoLeader => {
                for node in &mut view.nodes {
                    node.consul.raft_leader = false;
                }
            }
            Kind::ConsulNoQuorum => {
                // Losing ⌈N/2⌉ nodes leaves at most ⌊N/2⌋: one short of a majority.
                let lost: Vec<usize> = (0..view.len().div_ceil(2))
                    .map(|i| (target - 1 + i) % view.len() + 1)
                    .collect();
                consul_lose(view, &lost);
                for node in &mut view.nodes {
                    node.consul.raft_leader = false;
                }
            }
            Kind::GlusterNotWriteable => {
                if let Some(node) = view.node_mut(target) {
                    node.gluster.volume_writeable = false;
                }
            }
            Kind::GlusterHealBacklog => {
                if let Some(node) = view.node_mut(target) {
                    let swing = wave(key(seed, target, 200), t);
                    // 30–70 files: clearly > 0, and moving so the graph shows it.
                    #[expect(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        reason = "30..=70"
                    )]
                    let files = (50.0 + 20.0 * swing).round() as u32;
                    node.gluster.heal_files = files;
                }
            }
            Kind::GlusterPeerLost => {
                for (i, node) in view.nodes.iter_mut().enumerate() {
                    if i + 1 == target {
                        node.gluster.up = false;
                    } else {
                        node.gluster.peers_connected = n.saturating_sub(2);
                    }
                }
            }
            Kind::GlusterSlow => {
                let delay = Behaviour::Delay(self.delay.unwrap_or(DEFAULT_SLOW_DELAY));
                for (i, node) in view.nodes.iter_mut().enumerate() {
                    if self.node.is_none_or(|k| k == i + 1) {
                        node.set_behaviour(Exporter::Gluster, delay);
                    }
                }
            }
            Kind::WeaveReconnecting => {
                // Established links stay intact: a reconnecting extra attempt is a
                // warning, while missing links would be critical (spec §3).
                if let Some(node) = view.node_mut(target) {
                    node.weave.connecting = 1;
                }
            }
            Kind::WeaveFailedLinks => {
                if let Some(node) = view.node_mut(target) {
                    node.weave.failed = 1;
                    node.weave.established = n.saturating_sub(2);
                }
            }
            Kind::HostOverloaded => {
                if let Some(node) = view.node_mut(target) {
                    let cores = CORES as f64;
                    let swing = wave(key(seed, target, 201), t);
                    node.host.load15 = round2(cores * (2.5 + 0.2 * swing));
                    node.host.load5 = round2(cores * (2.8 + 0.2 * swing));
                    node.host.load1 = round2(cores * (3.0 + 0.3 * swing));
                }
            }
            Kind::HostOutOfMemory => {
                if let Some(node) = view.node_mut(target) {
                    let swing = wave(key(seed, target, 202), t);
                    let free = node.host.mem_total * (0.03 + 0.01 * swing);
                    node.host.mem_available = (free / 4096.0).floor() * 4096.0;
                }
            }
            Kind::ExporterDown => {
                let exporter = self.exporter.unwrap_or(Exporter::Node);
                if let Some(node) = view.node_mut(target) {
                    node.set_behaviour(exporter, Behaviour::Fail);
                }
            }
        }
    }

    /// What this scenario does and what the dashboard should conclude, for a cluster of
    /// `nodes` nodes.
    pub fn describe(&self, nodes: usize) -> ScenarioInfo {
        let k = self.node.map(instance);
        let on = k.clone().unwrap_or_else(|| "every node".to_owned());
        let n = nodes;
        let (description, expect) = match self.kind {
            Kind::Healthy => ("Every component of every node works.".to_owned(), vec![]),
            Kind::ConsulNodeLost => (
                format!(
                    "Consul on {on} is down: its exporter reports consul_up 0 and nothing else; the other nodes see consul_raft_peers and consul_serf_lan_members {} and mark {on}'s serfHealth critical.",
                    n.saturating_sub(1)
                ),
                vec![Expect::exact("consul", quorum(n.saturating_sub(1), n))],
            ),
            Kind::ConsulNoLeader => (
                "No node sees a Raft leader (consul_raft_leader 0 everywhere); peers and members are complete.".to_owned(),
                vec![Expect::exact("consul", Verdict::Critical)],
            ),
            Kind::ConsulNoQuorum => {
                let lost = n.div_ceil(2);
                (
                    format!(
                        "Consul is down on {lost} nodes starting at {on} (consul_up 0); the rest see {} peers, below the quorum of {}, no leader, and the lost nodes' serfHealth critical.",
                        n - lost,
                        n / 2 + 1
                    ),
                    vec![Expect::exact("consul", Verdict::Critical)],
                )
            }
            Kind::GlusterNotWriteable => (
                format!("gluster_volume_writeable is 0 on {on}; everything else is fine (the thesis appendix case)."),
                vec![Expect::exact("glusterfs", Verdict::Critical)],
            ),
            Kind::GlusterHealBacklog => (
                format!("gluster_heal_info_files_count is 30–70 on {on}: replication lags, the volume still works."),
                vec![Expect::exact("glusterfs", Verdict::Warning)],
            ),
            Kind::GlusterPeerLost => (
                format!(
                    "glusterd on {on} is down: gluster_up 0 and no CLI metrics there (its mount still answers); the other nodes see gluster_peers_connected {}.",
                    n.saturating_sub(2)
                ),
                vec![Expect::exact("glusterfs", quorum(n.saturating_sub(1), n))],
            ),
            Kind::GlusterSlow => (
                format!(
                    "The gluster targets of {on} answer only after {} s (longer than Prometheus's default 10 s scrape timeout, so up == 0); other targets answer at once.",
                    self.delay.unwrap_or(DEFAULT_SLOW_DELAY).as_secs()
                ),
                vec![Expect::at_least("glusterfs", Verdict::Unknown)],
            ),
            Kind::WeaveReconnecting => (
                format!("weave_connections{{state=\"connecting\"}} is 1 on {on}; its {} established links stay up.", n.saturating_sub(1)),
                vec![Expect::exact("weave", Verdict::Warning)],
            ),
            Kind::WeaveFailedLinks => (
                format!(
                    "On {on} one link has failed: weave_connections{{state=\"failed\"}} 1 and established {} instead of {}.",
                    n.saturating_sub(2),
                    n.saturating_sub(1)
                ),
                vec![Expect::exact("weave", Verdict::Critical)],
            ),
            Kind::HostOverloaded => (
                format!("node_load15 on {on} is 2.3–2.7 per core ({CORES} cores); load1/load5 higher still."),
                vec![Expect::exact("host", Verdict::Critical)],
            ),
            Kind::HostOutOfMemory => (
                format!("node_memory_MemAvailable_bytes on {on} is 2–4 % of node_memory_MemTotal_bytes."),
                vec![Expect::exact("host", Verdict::Critical)],
            ),
            Kind::ExporterDown => {
                let exporter = self.exporter.unwrap_or(Exporter::Node);
                (
                    format!(
                        "The {} exporter of {on} answers HTTP 500, so Prometheus records up 0 and has no data for its checks on that node.",
                        exporter.job()
                    ),
                    vec![Expect::at_least(service_of(exporter), Verdict::Unknown)],
                )
            }
        };
        let expect = complete(expect);
        ScenarioInfo {
            name: self.kind.name(),
            description,
            node: k,
            exporter: self.exporter.map(Exporter::job),
            delay_seconds: self.delay.map(|d| d.as_secs()),
            verdict: summary(&expect),
            expect,
        }
    }
}

/// The dashboard service judged by an exporter's metrics.
fn service_of(exporter: Exporter) -> &'static str {
    match exporter {
        Exporter::Consul => "consul",
        Exporter::Gluster => "glusterfs",
        Exporter::Weave => "weave",
        Exporter::Node => "host",
    }
}

/// Services whose own status the scenarios describe, in display order.
pub const SERVICES: [&str; 4] = ["consul", "glusterfs", "weave", "host"];

/// Fills in `healthy` for services a scenario leaves alone and derives the cluster
/// status as the worst of them.
fn complete(changed: Vec<Expect>) -> Vec<Expect> {
    let mut all: Vec<Expect> = SERVICES
        .iter()
        .map(|s| {
            changed
                .iter()
                .find(|e| e.service == *s)
                .cloned()
                .unwrap_or_else(|| Expect::exact(s, Verdict::Healthy))
        })
        .collect();
    let worst = all.iter().max_by_key(|e| e.status).map_or(
        Expect::exact("cluster", Verdict::Healthy),
        |e| Expect {
            service: "cluster",
            ..e.clone()
        },
    );
    all.push(worst);
    all
}

/// The spec's quorum rule for a count against N: N → healthy, ≥ ⌊N/2⌋+1 → warning,
/// else critical.
pub fn quorum(count: usize, n: usize) -> Verdict {
    if count >= n {
        Verdict::Healthy
    } else if count > n / 2 {
        Verdict::Warning
    } else {
        Verdict::Critical
    }
}

/// Status names as the dashboard shows them, ordered worst-last like the core `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Healthy,
    Unknown,
    Warning,
    Critical,
}

/// One expected verdict: a service's own status (its root-cause status, before
/// dependencies add anything), or `cluster` for the overall status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expect {
    pub service: &'static str,
    pub status: Verdict,
    /// When true, any status at least as bad as `status` is right: the spec says data
    /// that is missing makes a result "unknown or worse", and which one depends on the
    /// rules of the configuration.
    pub or_worse: bool,
}

impl Expect {
    fn exact(service: &'static str, status: Verdict) -> Self {
        Self {
            service,
            status,
            or_worse: false,
        }
    }

    fn at_least(service: &'static str, status: Verdict) -> Self {
        Self {
            service,
            status,
            or_worse: true,
        }
    }
}

/// A scenario as `GET /scenarios` and `GET /state` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioInfo {
    pub name: &'static str,
    pub description: String,
    pub node: Option<String>,
    pub exporter: Option<&'static str>,
    pub delay_seconds: Option<u64>,
    /// For people: the non-healthy part of `expect`, e.g. `glusterfs: critical, cluster: critical`.
    pub verdict: String,
    pub expect: Vec<Expect>,
}

fn summary(expect: &[Expect]) -> String {
    let parts: Vec<String> = expect
        .iter()
        .filter(|e| e.status != Verdict::Healthy)
        .map(|e| {
            let status = match e.status {
                Verdict::Healthy => "healthy",
                Verdict::Unknown => "unknown",
                Verdict::Warning => "warning",
                Verdict::Critical => "critical",
            };
            format!(
                "{}: {status}{}",
                e.service,
                if e.or_worse { " or worse" } else { "" }
            )
        })
        .collect();
    if parts.is_empty() {
        "everything healthy".to_owned()
    } else {
        parts.join(", ")
    }
}

fn parse_delay(text: &str) -> Result<Duration, SimError> {
    match text.trim_end_matches('s').parse::<u64>() {
        Ok(secs) if secs <= MAX_DELAY_SECS => Ok(Duration::from_secs(secs)),
        _ => Err(SimError::BadDelay(text.to_owned())),
    }
}

fn consul_lose(view: &mut ClusterView, lost: &[usize]) {
    let n = view.len();
    let remaining = u32::try_from(n - lost.len()).unwrap_or(0);
    for (i, node) in view.nodes.iter_mut().enumerate() {
        if lost.contains(&(i + 1)) {
            node.consul.up = false;
        } else {
            node.consul.raft_peers = remaining;
            node.consul.serf_lan_members = remaining;
            for &k in lost {
                node.consul.node_health[k - 1] = HealthStatus::Critical;
            }
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
