//! What the diagram shows, decided without a browser: box sizes, the layout
//! of the configured services, and each box's and edge's look for a snapshot.

use panopticon_core::Status;
use panopticon_engine::config::Dependency;
use panopticon_engine::snapshot::{NOT_EVALUATED, passed_on};
use panopticon_engine::{Config, Snapshot};
use panopticon_layout::{Edge, Layout, LayoutError, Node, Options};

/// Box height in user units; three lines of text.
pub const NODE_HEIGHT: f64 = 72.0;
/// Font sizes in user units. They scale with the boxes, so text is as
/// readable as the diagram is large, on a Grafana panel or a wall.
pub const NAME_SIZE: f64 = 17.0;
/// Status line ("✖ CRITICAL").
pub const STATUS_SIZE: f64 = 14.0;
/// Note line ("impacted by Consul").
pub const NOTE_SIZE: f64 = 12.0;
/// Baselines of the three lines, from the box's top.
pub const NAME_Y: f64 = 24.0;
/// See [`NAME_Y`].
pub const STATUS_Y: f64 = 45.0;
/// See [`NAME_Y`].
pub const NOTE_Y: f64 = 63.0;

const MIN_WIDTH: f64 = 160.0;
const MAX_WIDTH: f64 = 340.0;
/// Empty space left and right of the text inside a box.
const PADDING: f64 = 12.0;
/// Average advance of a character in em for a bold system sans-serif; generous,
/// because text measurement would need the DOM and a box that is a little wide
/// costs nothing.
const BOLD_EM: f64 = 0.62;
const REGULAR_EM: f64 = 0.56;

/// Width of a service's box: enough for its name, within bounds.
pub fn box_width(name: &str) -> f64 {
    let text = name.chars().count() as f64 * NAME_SIZE * BOLD_EM;
    (text + 2.0 * PADDING).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// `text` shortened with "…" to fit `width` at `font_size`, so a long name
/// never spills over its box (the full text is in the tooltip and the label).
pub fn fit(text: &str, width: f64, font_size: f64, bold: bool) -> String {
    let em = if bold { BOLD_EM } else { REGULAR_EM };
    let room = ((width - 2.0 * PADDING) / (font_size * em))
        .floor()
        .max(1.0);
    // `room` is small and positive; the cast cannot truncate meaningfully.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let room = room as usize;
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(room.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// The layout of the configured services: depends only on the config, so it
/// is computed once and boxes never move when statuses change.
pub fn diagram_layout(config: &Config) -> Result<Layout, LayoutError> {
    let nodes: Vec<Node> = config
        .services
        .iter()
        .map(|s| Node::new(s.id.clone(), box_width(&s.name), NODE_HEIGHT))
        .collect();
    let edges: Vec<Edge> = config
        .services
        .iter()
        .flat_map(|s| {
            s.depends_on
                .iter()
                .map(|d| Edge::new(s.id.clone(), d.service.clone()))
        })
        .collect();
    let options = Options {
        layer_gap: 52.0,
        node_gap: 28.0,
        edge_gap: 14.0,
        margin: 12.0,
        aspect: None,
    };
    panopticon_layout::layout(&nodes, &edges, &options)
}

/// How one service's box looks at one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLook {
    /// The status the box shows (colour, icon, word).
    pub effective: Status,
    /// The service's own status.
    pub own: Status,
    /// Ids of the services that drag it down, for `data-impacted-by`.
    pub impacted_by: Vec<String>,
    /// Dragged down further than its own status: drawn dashed and hatched.
    pub impacted: bool,
    /// Failing by itself: drawn with a solid, heavy outline.
    pub root_cause: bool,
    /// The third line of the box, in words.
    pub note: String,
    /// A change waiting out its `for:` hold, "critical 1/2", for `data-pending`.
    pub pending: Option<String>,
}

impl NodeLook {
    /// CSS classes of the box (selection is added by the component).
    pub fn class(&self) -> String {
        let mut class = format!("diagram-node status-{}", self.effective.as_str());
        if self.impacted {
            class.push_str(" impacted");
        }
        if self.root_cause {
            class.push_str(" root-cause");
        }
        class
    }

    /// What a screen reader says for the box.
    pub fn aria_label(&self, name: &str) -> String {
        let mut label = format!("{name}: {}", self.effective.as_str());
        if self.own != self.effective {
            label.push_str(", own status ");
            label.push_str(self.own.as_str());
        }
        if !self.note.is_empty() {
            label.push_str(", ");
            label.push_str(&self.note);
        }
        if let Some(p) = &self.pending
            && !self.note.contains("pending")
        {
            label.push_str(", pending ");
            label.push_str(p);
        }
        label
    }
}

/// The look of service `id` in `snapshot`; before the first snapshot (or
/// for a service the snapshot lacks) everything is `unknown`, never green.
pub fn node_look(config: &Config, snapshot: Option<&Snapshot>, id: &str) -> NodeLook {
    let unknown = |note: &str| NodeLook {
        effective: NOT_EVALUATED,
        own: NOT_EVALUATED,
        impacted_by: Vec::new(),
        impacted: false,
        root_cause: false,
        note: note.to_owned(),
        pending: None,
    };
    let Some(snapshot) = snapshot else {
        return unknown("waiting for data");
    };
    let Some(s) = snapshot.service(id) else {
        return unknown("not evaluated");
    };
    let impacted = s.is_impacted();
    let root_cause = s.shows_as_root_cause();
    let note = if impacted {
        let names: Vec<&str> = s
            .impacted_by
            .iter()
            .map(|dep| {
                config
                    .service(dep)
                    .map_or(dep.as_str(), |d| d.name.as_str())
            })
            .collect();
        if names.is_empty() {
            "impacted by a dependency".to_owned()
        } else {
            format!("impacted by {}", names.join(", "))
        }
    } else if s.lacks_usable_data() {
        "no usable data".to_owned()
    } else if root_cause {
        "root cause".to_owned()
    } else {
        String::new()
    };
    // A hold in progress is said where the status is read, never a silent
    // green: on the note line when it has room, else in the label.
    let pending = s.pending();
    let note = match pending {
        Some(p) if note.is_empty() => p.to_string(),
        _ => note,
    };
    NodeLook {
        effective: s.effective,
        own: s.own,
        impacted_by: s.impacted_by.clone(),
        impacted,
        root_cause,
        note,
        pending: pending.map(|p| p.short()),
    }
}

/// What flows along a dependency edge: the dependency's effective status as
/// the edge's strength passes it on; `unknown` without data.
pub fn edge_status(snapshot: Option<&Snapshot>, dep: &Dependency) -> Status {
    passed_on(snapshot, dep)
}

#[cfg(test)]
mod tests {
    use panopticon_engine::snapshot::{ServiceSnapshot, StatusCounts};

    use super::*;

    use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    fn config() -> Config {
        Config::from_yaml(
            "reference-cluster.yaml",
            include_str!("../../examples/config/reference-cluster.yaml"),
        )
        .unwrap()
    }

    /// A snapshot from `(id, own, effective, root cause, impacted by)`.
    fn snapshot(services: &[(&str, Status, Status, bool, &[&str])]) -> Snapshot {
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
                })
                .collect(),
            summary: String::new(),
            recent: Vec::new(),
        }
    }

    fn check(snap: Option<&Snapshot>, id: &str, expect: (Status, Status, &str, &str)) {
        let look = node_look(&config(), snap, id);
        let (effective, own, class, note) = expect;
        assert_eq!((look.effective, look.own), (effective, own), "{id}");
        assert_eq!(look.class(), class, "{id}");
        assert_eq!(look.note, note, "{id}");
    }

    #[test]
    fn node_looks() {
        check(
            None,
            "consul",
            (U, U, "diagram-node status-unknown", "waiting for data"),
        );
        // Consul without quorum: Consul is the root cause, Swarm only impacted.
        let s = snapshot(&[
            ("consul", C, C, true, &[]),
            ("swarm", H, C, false, &["consul"]),
            ("weave", H, W, false, &["consul"]),
            ("host", H, H, false, &[]),
            ("app", W, C, true, &["consul", "glusterfs"]),
            ("glusterfs", U, U, true, &[]),
        ]);
        let s = Some(&s);
        check(
            s,
            "consul",
            (
                C,
                C,
                "diagram-node status-critical root-cause",
                "root cause",
            ),
        );
        check(
            s,
            "swarm",
            (
                C,
                H,
                "diagram-node status-critical impacted",
                "impacted by Consul",
            ),
        );
        check(
            s,
            "weave",
            (
                W,
                H,
                "diagram-node status-warning impacted",
                "impacted by Consul",
            ),
        );
        check(s, "host", (H, H, "diagram-node status-healthy", ""));
        check(
            s,
            "app",
            (
                C,
                W,
                "diagram-node status-critical impacted root-cause",
                "impacted by Consul, GlusterFS",
            ),
        );
        check(
            s,
            "glusterfs",
            (
                U,
                U,
                "diagram-node status-unknown root-cause",
                "no usable data",
            ),
        );
        check(
            s,
            "nonexistent",
            (U, U, "diagram-node status-unknown", "not evaluated"),
        );
    }

    /// A hold in progress shows on the box, never a silent green (SPEC §2).
    #[test]
    fn a_pending_hold_is_on_the_box() {
        use panopticon_engine::check::CheckOutcome;
        use panopticon_engine::snapshot::{CheckSnapshot, Pending};
        let mut s = snapshot(&[
            ("host", H, H, false, &[]),
            ("swarm", H, C, false, &["consul"]),
        ]);
        let held = CheckSnapshot {
            id: "load".to_owned(),
            name: "load".to_owned(),
            status: H,
            pending: Some(Pending {
                to: C,
                seen: 1,
                needed: 2,
            }),
            outcome: CheckOutcome {
                status: C,
                instances: vec![],
                unnamed_missing: 0,
                tally: panopticon_engine::aggregate::Tally::default(),
                reason: String::new(),
                notes: vec![],
            },
        };
        for service in &mut s.services {
            service.checks.push(held.clone());
        }
        let cfg = config();
        let host = node_look(&cfg, Some(&s), "host");
        assert_eq!(host.pending.as_deref(), Some("critical 1/2"));
        assert_eq!(host.note, "critical pending 1/2");
        assert_eq!(
            host.aria_label("Host"),
            "Host: healthy, critical pending 1/2"
        );
        // The impact note keeps the line; the label still says it.
        let swarm = node_look(&cfg, Some(&s), "swarm");
        assert_eq!(swarm.note, "impacted by Consul");
        assert_eq!(
            swarm.aria_label("Swarm"),
            "Swarm: critical, own status healthy, impacted by Consul, pending critical 1/2"
        );
    }

    #[test]
    fn aria_labels() {
        let s = snapshot(&[
            ("swarm", H, C, false, &["consul"]),
            ("host", H, H, false, &[]),
        ]);
        let cfg = config();
        assert_eq!(
            node_look(&cfg, Some(&s), "swarm").aria_label("Docker Swarm"),
            "Docker Swarm: critical, own status healthy, impacted by Consul"
        );
        assert_eq!(
            node_look(&cfg, Some(&s), "host").aria_label("Host"),
            "Host: healthy"
        );
        assert_eq!(
            node_look(&cfg, None, "host").aria_label("Host"),
            "Host: unknown, waiting for data"
        );
    }

    #[test]
    fn edges_pass_what_their_strength_allows() {
        let cfg = config();
        let weave = cfg.service("weave").unwrap();
        let dep = |id: &str| weave.depends_on.iter().find(|d| d.service == id).unwrap();
        let s = snapshot(&[("consul", C, C, true, &[]), ("host", H, U, false, &[])]);
        // weave → consul is soft: a critical Consul passes warning.
        assert_eq!(edge_status(Some(&s), dep("consul")), W);
        // weave → host is hard: passes the host's effective status unchanged.
        assert_eq!(edge_status(Some(&s), dep("host")), U);
        assert_eq!(edge_status(None, dep("host")), U);
    }

    fn check_fit(text: &str, width: f64, expect: &str) {
        assert_eq!(fit(text, width, NAME_SIZE, true), expect);
    }

    #[test]
    fn fit_shortens_long_text() {
        check_fit("Consul", 160.0, "Consul");
        // (160 - 24) / (17 × 0.62) = 12.9 → 12 characters.
        check_fit("Container application", 160.0, "Container a…");
        check_fit("abcdefghijkl", 160.0, "abcdefghijkl");
        check_fit("abcdefghijklm", 160.0, "abcdefghijk…");
        check_fit("x", 1.0, "x");
    }

    #[test]
    fn layout_of_the_reference_cluster() {
        let cfg = config();
        let layout = diagram_layout(&cfg).unwrap();
        assert_eq!(layout.nodes.len(), cfg.services.len());
        for s in &cfg.services {
            let node = layout.node(&s.id).unwrap();
            assert!((node.rect.width - box_width(&s.name)).abs() < 1e-9);
            // The name fits the box it was sized for, up to the maximum width.
            if box_width(&s.name) < MAX_WIDTH {
                assert_eq!(fit(&s.name, node.rect.width, NAME_SIZE, true), s.name);
            }
        }
        assert!(layout.node("app").unwrap().layer < layout.node("host").unwrap().layer);
    }
}
