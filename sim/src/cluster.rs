//! The simulated reference cluster as plain numbers: what every node's components would
//! report at a given moment. Scenarios edit this view; `families` turns it into the
//! metric families each exporter publishes.

pub mod families;
pub mod motion;

use std::time::Duration;

use crate::target::Exporter;
use motion::{counter, key, wave};

/// Seconds of uptime the simulated nodes already have when the simulator starts, so
/// counters look like those of a running machine rather than starting at zero.
const UPTIME_AT_START: f64 = 3.0 * 86_400.0;
pub const CORES: usize = 4;
pub const MEM_TOTAL: f64 = 16.0 * 1024.0 * 1024.0 * 1024.0;
pub const FS_SIZE: f64 = 100.0 * 1024.0 * 1024.0 * 1024.0;
/// Weave's default allocation range 10.32.0.0/12.
pub const WEAVE_MAX_IPS: u32 = 1 << 20;
pub const VOLUME: &str = "gv_data";
pub const MOUNTPOINT: &str = "/mnt/gv_data";

/// Consul's view of one node's serf health check; the exporter publishes one series per
/// possible status and marks the current one with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthStatus {
    Passing,
    Warning,
    Critical,
    Maintenance,
}

impl HealthStatus {
    pub const ALL: [Self; 4] = [
        Self::Passing,
        Self::Warning,
        Self::Critical,
        Self::Maintenance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passing => "passing",
            Self::Warning => "warning",
            Self::Critical => "critical",
            Self::Maintenance => "maintenance",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsulView {
    /// False when the exporter cannot reach Consul: like the real `consul_exporter` it
    /// then publishes only `consul_up 0`.
    pub up: bool,
    pub raft_leader: bool,
    pub raft_peers: u32,
    pub serf_lan_members: u32,
    /// Index i holds node-(i+1)'s serf health as seen by this node.
    pub node_health: Vec<HealthStatus>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GlusterView {
    /// False when the gluster CLI cannot be queried: the CLI-derived metrics (peers,
    /// volumes, bricks, heal info) disappear, the mount checks still run.
    pub up: bool,
    pub peers_connected: u32,
    pub mount_successful: bool,
    pub volume_writeable: bool,
    pub heal_files: u32,
    pub volumes: u32,
    pub bricks: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeaveView {
    pub established: u32,
    pub connecting: u32,
    pub pending: u32,
    pub retrying: u32,
    pub failed: u32,
    pub ips: u32,
}

/// CPU time of one core, seconds per mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuTimes {
    pub idle: f64,
    pub iowait: f64,
    pub system: f64,
    pub user: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostView {
    pub load1: f64,
    pub load5: f64,
    pub load15: f64,
    pub mem_total: f64,
    pub mem_available: f64,
    pub fs_size: f64,
    pub fs_avail: f64,
    pub cpus: Vec<CpuTimes>,
    pub receive_bytes: f64,
    pub transmit_bytes: f64,
}

/// How a target answers a scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Serve,
    /// HTTP 500, so Prometheus records `up == 0`.
    Fail,
    /// Answers only after the delay, like a gluster CLI call that hangs.
    Delay(Duration),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub consul: ConsulView,
    pub gluster: GlusterView,
    pub weave: WeaveView,
    pub host: HostView,
    /// Indexed by `Exporter::index`.
    pub behaviour: [Behaviour; 4],
}

impl NodeView {
    pub fn behaviour(&self, exporter: Exporter) -> Behaviour {
        self.behaviour[exporter.index()]
    }

    pub fn set_behaviour(&mut self, exporter: Exporter, behaviour: Behaviour) {
        self.behaviour[exporter.index()] = behaviour;
    }
}

/// The whole cluster at one moment; `nodes[i]` is node-(i+1).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
}

impl ClusterView {
    /// The healthy cluster of `nodes` nodes, `t` seconds after the simulator started.
    pub fn healthy(nodes: usize, seed: u64, t: f64) -> Self {
        let n = u32::try_from(nodes).unwrap_or(u32::MAX);
        Self {
            nodes: (1..=nodes).map(|k| healthy_node(n, k, seed, t)).collect(),
        }
    }

    /// Node `k` (1-based). Callers validate `k` against the node count first.
    pub fn node_mut(&mut self, k: usize) -> Option<&mut NodeView> {
        self.nodes.get_mut(k.checked_sub(1)?)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

// Tags that keep the moving quantities of one node independent of each other.
const TAG_LOAD15: u64 = 1;
const TAG_LOAD5: u64 = 2;
const TAG_LOAD1: u64 = 3;
const TAG_MEM: u64 = 4;
const TAG_FS: u64 = 5;
const TAG_RX: u64 = 6;
const TAG_TX: u64 = 7;
const TAG_IPS: u64 = 8;
const TAG_CPU: u64 = 100;

fn healthy_node(n: u32, k: usize, seed: u64, t: f64) -> NodeView {
    NodeView {
        consul: ConsulView {
            up: true,
            raft_leader: true,
            raft_peers: n,
            serf_lan_members: n,
            node_health: vec![HealthStatus::Passing; n as usize],
        },
        gluster: GlusterView {
            up: true,
            peers_connected: n.saturating_sub(1),
            mount_successful: true,
            volume_writeable: true,
            heal_files: 0,
            volumes: 1,
            bricks: n,
        },
        weave: WeaveView {
            established: n.saturating_sub(1),
            connecting: 0,
            pending: 0,
            retrying: 0,
            failed: 0,
            ips: weave_ips(seed, k, t),
        },
        host: healthy_host(seed, k, t),
        behaviour: [Behaviour::Serve; 4],
    }
}

fn weave_ips(seed: u64, k: usize, t: f64) -> u32 {
    let base = 20.0 + 3.0 * k as f64;
    // Containers come and go: a few IPs either way, never negative.
    let ips = (base + 4.0 * wave(key(seed, k, TAG_IPS), t))
        .round()
        .max(0.0);
    // In range: base ≤ 20 + 3·N and the swing is ±4.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "small non-negative"
    )]
    let ips = ips as u32;
    ips
}

/// Healthy host: load per core 0.15–0.45, 40–70 % memory available, so no value ever
/// grazes the spec's thresholds (1 per core, 15 %) in the healthy scenario.
fn healthy_host(seed: u64, k: usize, t: f64) -> HostView {
    let cores = CORES as f64;
    let load15 = cores * (0.30 + 0.12 * wave(key(seed, k, TAG_LOAD15), t));
    let load5 = load15 + cores * 0.05 * wave(key(seed, k, TAG_LOAD5), t);
    let load1 = load5 + cores * 0.08 * wave(key(seed, k, TAG_LOAD1), t);
    let mem_available = page_floor(MEM_TOTAL * (0.55 + 0.15 * wave(key(seed, k, TAG_MEM), t)));
    let fs_avail = page_floor(FS_SIZE * (0.60 + 0.02 * wave(key(seed, k, TAG_FS), t)));
    let now = UPTIME_AT_START + t;
    let node_scale = 1.0 + 0.1 * k as f64;
    HostView {
        load1: round2(load1),
        load5: round2(load5),
        load15: round2(load15),
        mem_total: MEM_TOTAL,
        mem_available,
        fs_size: FS_SIZE,
        fs_avail,
        cpus: (0..CORES).map(|c| cpu_times(seed, k, c, now)).collect(),
        receive_bytes: counter(key(seed, k, TAG_RX), 250_000.0 * node_scale, 0.6, now).floor(),
        transmit_bytes: counter(key(seed, k, TAG_TX), 180_000.0 * node_scale, 0.6, now).floor(),
    }
}

/// CPU seconds of one core. Busy modes are monotone counters with swinging rates; idle is
/// the rest of wall time, and since the busy rates sum to at most 0.5 it grows too.
fn cpu_times(seed: u64, k: usize, cpu: usize, now: f64) -> CpuTimes {
    let tag = TAG_CPU + 4 * cpu as u64;
    let user = counter(key(seed, k, tag), 0.20, 0.5, now);
    let system = counter(key(seed, k, tag + 1), 0.08, 0.5, now);
    let iowait = counter(key(seed, k, tag + 2), 0.02, 0.5, now);
    let idle = now - user - system - iowait;
    // Flooring to centiseconds keeps each counter monotone (floor is non-decreasing).
    CpuTimes {
        idle: centi_floor(idle),
        iowait: centi_floor(iowait),
        system: centi_floor(system),
        user: centi_floor(user),
    }
}

fn page_floor(bytes: f64) -> f64 {
    (bytes / 4096.0).floor() * 4096.0
}

fn centi_floor(seconds: f64) -> f64 {
    (seconds * 100.0).floor() / 100.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_hosts_stay_clear_of_thresholds() {
        for seed in [1, 2, 99] {
            for step in 0..3000 {
                let t = f64::from(step) * 2.0;
                for (i, node) in ClusterView::healthy(4, seed, t).nodes.iter().enumerate() {
                    let h = &node.host;
                    let per_core = h.load15 / CORES as f64;
                    assert!(
                        (0.1..0.9).contains(&per_core),
                        "seed {seed} node {i} t {t}: load {per_core}"
                    );
                    for load in [h.load1, h.load5] {
                        assert!(load >= 0.0, "negative load {load}");
                    }
                    let free = h.mem_available / h.mem_total;
                    assert!(
                        (0.3..0.8).contains(&free),
                        "seed {seed} node {i} t {t}: free {free}"
                    );
                    assert!(h.fs_avail < h.fs_size);
                }
            }
        }
    }

    #[test]
    fn healthy_counters_grow() {
        let mut last = ClusterView::healthy(3, 5, 0.0);
        for step in 1..2000 {
            let now = ClusterView::healthy(3, 5, f64::from(step) * 1.3);
            for (a, b) in last.nodes.iter().zip(&now.nodes) {
                assert!(b.host.receive_bytes >= a.host.receive_bytes);
                assert!(b.host.transmit_bytes >= a.host.transmit_bytes);
                for (x, y) in a.host.cpus.iter().zip(&b.host.cpus) {
                    assert!(y.idle >= x.idle && y.user >= x.user, "step {step}");
                    assert!(y.system >= x.system && y.iowait >= x.iowait, "step {step}");
                }
            }
            last = now;
        }
        let start = ClusterView::healthy(3, 5, 0.0);
        let later = ClusterView::healthy(3, 5, 60.0);
        assert!(later.nodes[0].host.receive_bytes > start.nodes[0].host.receive_bytes + 1e6);
    }

    #[test]
    fn healthy_components_match_the_contract() {
        let view = ClusterView::healthy(5, 1, 10.0);
        assert_eq!(view.len(), 5);
        for node in &view.nodes {
            assert_eq!(node.consul.raft_peers, 5);
            assert_eq!(node.consul.serf_lan_members, 5);
            assert_eq!(node.consul.node_health, vec![HealthStatus::Passing; 5]);
            assert_eq!(node.gluster.peers_connected, 4);
            assert_eq!(node.gluster.bricks, 5);
            assert_eq!(node.weave.established, 4);
            assert_eq!(node.weave.connecting + node.weave.failed, 0);
            assert_eq!(node.behaviour, [Behaviour::Serve; 4]);
        }
    }
}
