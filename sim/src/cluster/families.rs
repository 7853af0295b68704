//! What each exporter publishes for one node: names, labels and help texts follow
//! `docs/reference-cluster.md` (and, where it is silent, the real exporters).

use super::{CpuTimes, HealthStatus, MOUNTPOINT, NodeView, VOLUME, WEAVE_MAX_IPS};
use crate::exposition::{Family, Sample};
use crate::target::{Exporter, instance};

/// The families `exporter` publishes for `node`, in a stable order.
pub fn families(exporter: Exporter, node: &NodeView) -> Vec<Family> {
    match exporter {
        Exporter::Consul => consul(node),
        Exporter::Gluster => gluster(node),
        Exporter::Weave => weave(node),
        Exporter::Node => host(node),
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

fn one(value: f64) -> Vec<Sample> {
    vec![Sample::new(value)]
}

fn consul(node: &NodeView) -> Vec<Family> {
    let c = &node.consul;
    let up = Family::gauge(
        "consul_up",
        "Was the last query of Consul successful.",
        one(flag(c.up)),
    );
    if !c.up {
        return vec![up];
    }
    let health = c
        .node_health
        .iter()
        .enumerate()
        .flat_map(|(i, current)| {
            let name = instance(i + 1);
            HealthStatus::ALL.into_iter().map(move |status| {
                Sample::with_labels(
                    &[
                        ("check", "serfHealth"),
                        ("node", &name),
                        ("status", status.as_str()),
                    ],
                    flag(status == *current),
                )
            })
        })
        .collect();
    vec![
        up,
        Family::gauge(
            "consul_raft_leader",
            "Does Raft cluster have a leader (according to this node).",
            one(flag(c.raft_leader)),
        ),
        Family::gauge(
            "consul_raft_peers",
            "How many peers (servers) are in the Raft cluster.",
            one(f64::from(c.raft_peers)),
        ),
        Family::gauge(
            "consul_serf_lan_members",
            "How many members are in the cluster.",
            one(f64::from(c.serf_lan_members)),
        ),
        Family::gauge(
            "consul_health_node_status",
            "Status of health checks associated with a node.",
            health,
        ),
    ]
}

fn gluster(node: &NodeView) -> Vec<Family> {
    let g = &node.gluster;
    let volume = &[("volume", VOLUME)];
    let mount = &[("mountpoint", MOUNTPOINT), ("volume", VOLUME)];
    let mut out = vec![Family::gauge(
        "gluster_up",
        "Was the last query of Gluster successful.",
        one(flag(g.up)),
    )];
    if g.up {
        out.extend([
            Family::gauge(
                "gluster_peers_connected",
                "Is peer connected to gluster cluster.",
                one(f64::from(g.peers_connected)),
            ),
            Family::gauge(
                "gluster_volumes_count",
                "How many volumes were up at the last query.",
                one(f64::from(g.volumes)),
            ),
            Family::gauge(
                "gluster_brick_count",
                "Number of bricks at last query.",
                vec![Sample::with_labels(volume, f64::from(g.bricks))],
            ),
            Family::gauge(
                "gluster_heal_info_files_count",
                "File count of files out of sync, when calling \"gluster v heal VOLNAME info\".",
                vec![Sample::with_labels(volume, f64::from(g.heal_files))],
            ),
        ]);
    }
    out.extend([
        Family::gauge(
            "gluster_mount_successful",
            "Checks if mountpoint exists, returns 0 or 1.",
            vec![Sample::with_labels(mount, flag(g.mount_successful))],
        ),
        Family::gauge(
            "gluster_volume_writeable",
            "Writes and deletes file in Volume and checks if it is writeable.",
            vec![Sample::with_labels(mount, flag(g.volume_writeable))],
        ),
    ]);
    out
}

fn weave(node: &NodeView) -> Vec<Family> {
    let w = &node.weave;
    let states = [
        ("established", w.established),
        ("connecting", w.connecting),
        ("pending", w.pending),
        ("retrying", w.retrying),
        ("failed", w.failed),
    ];
    vec![
        Family::gauge(
            "weave_connections",
            "Number of peer-to-peer connections.",
            states
                .iter()
                .map(|(state, count)| Sample::with_labels(&[("state", state)], f64::from(*count)))
                .collect(),
        ),
        Family::gauge(
            "weave_ips",
            "Number of IP addresses.",
            one(f64::from(w.ips)),
        ),
        Family::gauge(
            "weave_max_ips",
            "Size of IP address space used by allocator.",
            one(f64::from(WEAVE_MAX_IPS)),
        ),
    ]
}

fn host(node: &NodeView) -> Vec<Family> {
    let h = &node.host;
    let root = &[
        ("device", "/dev/sda1"),
        ("fstype", "ext4"),
        ("mountpoint", "/"),
    ];
    let eth0 = &[("device", "eth0")];
    let cpu = h
        .cpus
        .iter()
        .enumerate()
        .flat_map(|(i, times)| {
            let cpu = i.to_string();
            let CpuTimes {
                idle,
                iowait,
                system,
                user,
            } = *times;
            [
                ("idle", idle),
                ("iowait", iowait),
                ("system", system),
                ("user", user),
            ]
            .into_iter()
            .map(move |(mode, secs)| Sample::with_labels(&[("cpu", &cpu), ("mode", mode)], secs))
        })
        .collect();
    vec![
        Family::gauge("node_load1", "1m load average.", one(h.load1)),
        Family::gauge("node_load5", "5m load average.", one(h.load5)),
        Family::gauge("node_load15", "15m load average.", one(h.load15)),
        Family::counter(
            "node_cpu_seconds_total",
            "Seconds the CPUs spent in each mode.",
            cpu,
        ),
        Family::gauge(
            "node_memory_MemAvailable_bytes",
            "Memory information field MemAvailable_bytes.",
            one(h.mem_available),
        ),
        Family::gauge(
            "node_memory_MemTotal_bytes",
            "Memory information field MemTotal_bytes.",
            one(h.mem_total),
        ),
        Family::gauge(
            "node_filesystem_avail_bytes",
            "Filesystem space available to non-root users in bytes.",
            vec![Sample::with_labels(root, h.fs_avail)],
        ),
        Family::gauge(
            "node_filesystem_size_bytes",
            "Filesystem size in bytes.",
            vec![Sample::with_labels(root, h.fs_size)],
        ),
        Family::counter(
            "node_network_receive_bytes_total",
            "Network device statistic receive_bytes.",
            vec![Sample::with_labels(eth0, h.receive_bytes)],
        ),
        Family::counter(
            "node_network_transmit_bytes_total",
            "Network device statistic transmit_bytes.",
            vec![Sample::with_labels(eth0, h.transmit_bytes)],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterView;
    use crate::exposition::render;

    #[test]
    fn healthy_gluster_matches_the_thesis_appendix_shape() {
        let view = ClusterView::healthy(3, 1, 0.0);
        let text = render(&families(Exporter::Gluster, &view.nodes[0]));
        let expect = "\
# HELP gluster_up Was the last query of Gluster successful.
# TYPE gluster_up gauge
gluster_up 1
# HELP gluster_peers_connected Is peer connected to gluster cluster.
# TYPE gluster_peers_connected gauge
gluster_peers_connected 2
# HELP gluster_volumes_count How many volumes were up at the last query.
# TYPE gluster_volumes_count gauge
gluster_volumes_count 1
# HELP gluster_brick_count Number of bricks at last query.
# TYPE gluster_brick_count gauge
gluster_brick_count{volume=\"gv_data\"} 3
# HELP gluster_heal_info_files_count File count of files out of sync, when calling \"gluster v heal VOLNAME info\".
# TYPE gluster_heal_info_files_count gauge
gluster_heal_info_files_count{volume=\"gv_data\"} 0
# HELP gluster_mount_successful Checks if mountpoint exists, returns 0 or 1.
# TYPE gluster_mount_successful gauge
gluster_mount_successful{mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"} 1
# HELP gluster_volume_writeable Writes and deletes file in Volume and checks if it is writeable.
# TYPE gluster_volume_writeable gauge
gluster_volume_writeable{mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"} 1
";
        assert_eq!(text, expect);
    }

    #[test]
    fn consul_health_marks_one_status_per_node() {
        let view = ClusterView::healthy(4, 1, 0.0);
        let fams = families(Exporter::Consul, &view.nodes[1]);
        let health = fams
            .iter()
            .find(|f| f.name == "consul_health_node_status")
            .unwrap();
        assert_eq!(health.samples.len(), 16);
        for k in 1..=4 {
            let node = instance(k);
            let marked: Vec<&str> = health
                .samples
                .iter()
                .filter(|s| {
                    s.label("node") == Some(node.as_str()) && (s.value - 1.0).abs() < f64::EPSILON
                })
                .filter_map(|s| s.label("status"))
                .collect();
            assert_eq!(marked, ["passing"], "{node}");
        }
    }

    #[test]
    fn every_contract_metric_is_served() {
        let contract = [
            (
                Exporter::Consul,
                "consul_up consul_raft_leader consul_raft_peers consul_serf_lan_members consul_health_node_status",
            ),
            (
                Exporter::Gluster,
                "gluster_up gluster_peers_connected gluster_mount_successful gluster_volume_writeable gluster_heal_info_files_count gluster_volumes_count gluster_brick_count",
            ),
            (Exporter::Weave, "weave_connections weave_ips weave_max_ips"),
            (
                Exporter::Node,
                "node_load1 node_load5 node_load15 node_cpu_seconds_total node_memory_MemAvailable_bytes node_memory_MemTotal_bytes node_filesystem_avail_bytes node_filesystem_size_bytes node_network_receive_bytes_total node_network_transmit_bytes_total",
            ),
        ];
        let view = ClusterView::healthy(4, 1, 0.0);
        for (exporter, names) in contract {
            let served: Vec<String> = families(exporter, &view.nodes[0])
                .into_iter()
                .map(|f| f.name)
                .collect();
            let mut expect: Vec<&str> = names.split(' ').collect();
            let mut got: Vec<&str> = served.iter().map(String::as_str).collect();
            expect.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expect, "{exporter:?}");
        }
    }

    #[test]
    fn cores_are_countable_from_idle_series() {
        let view = ClusterView::healthy(2, 1, 0.0);
        let fams = families(Exporter::Node, &view.nodes[0]);
        let cpu = fams
            .iter()
            .find(|f| f.name == "node_cpu_seconds_total")
            .unwrap();
        let idle = cpu
            .samples
            .iter()
            .filter(|s| s.label("mode") == Some("idle"))
            .count();
        assert_eq!(idle, crate::cluster::CORES);
    }
}
