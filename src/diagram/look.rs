//! How each box and edge looks for a snapshot: status, impact, the note
//! line, a pending hold, what an edge passes on. Before the first snapshot
//! (or for a service it lacks) everything is `unknown`, never green.

use panopticon_core::Status;
use panopticon_engine::Config;
#[cfg(test)]
use panopticon_engine::Snapshot;
use panopticon_engine::config::Dependency;
use panopticon_engine::snapshot::{NOT_EVALUATED, ServiceSnapshot};

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
    /// In maintenance (its alerts silenced): a marker on the box, the
    /// status underneath unchanged.
    pub maintenance: bool,
    /// How many matched alerts are firing and not muted, for `data-alerts`.
    pub alerts: usize,
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

/// A service's part of a snapshot, as its box and its edges need it.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// No snapshot yet.
    Waiting,
    /// The snapshot lacks the service.
    Missing,
    /// The service as evaluated.
    Evaluated(&'a ServiceSnapshot),
}

#[cfg(test)]
impl<'a> Part<'a> {
    /// Service `id`'s part of `snapshot`, searched for (one pass over it;
    /// the diagram finds every part in one pass, `scene::Parts`).
    pub fn find(snapshot: Option<&'a Snapshot>, id: &str) -> Part<'a> {
        match snapshot {
            None => Part::Waiting,
            Some(s) => s.service(id).map_or(Part::Missing, Part::Evaluated),
        }
    }
}

/// The look of a service from its part of the snapshot; before the first
/// snapshot (or for a service the snapshot lacks) everything is `unknown`,
/// never green.
pub fn node_look(config: &Config, part: Part<'_>) -> NodeLook {
    let unknown = |note: &str| NodeLook {
        effective: NOT_EVALUATED,
        own: NOT_EVALUATED,
        impacted_by: Vec::new(),
        impacted: false,
        root_cause: false,
        note: note.to_owned(),
        pending: None,
        maintenance: false,
        alerts: 0,
    };
    let s = match part {
        Part::Waiting => return unknown("waiting for data"),
        Part::Missing => return unknown("not evaluated"),
        Part::Evaluated(s) => s,
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
        // A partial answer did give data, only maybe not all of it: say so,
        // as its reason does ("partial answer from thanos-eu: …").
        let unknown = s.checks.iter().filter(|c| c.status == Status::Unknown);
        let partial = |c: &panopticon_engine::snapshot::CheckSnapshot| {
            c.outcome.reason.starts_with("partial answer")
        };
        if unknown.clone().next().is_some() && unknown.clone().all(partial) {
            "partial answer".to_owned()
        } else {
            "no usable data".to_owned()
        }
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
    // Said first, where the status is read: the colour underneath is still
    // the status, and the word keeps a red box in maintenance from being
    // taken for an unattended outage (the marker alone is a shape to learn).
    let maintenance = s.maintenance.is_some();
    let note = match (maintenance, note.is_empty()) {
        (false, _) => note,
        (true, true) => MAINTENANCE.to_owned(),
        (true, false) => format!("{MAINTENANCE} · {note}"),
    };
    NodeLook {
        effective: s.effective,
        own: s.own,
        impacted_by: s.impacted_by.clone(),
        impacted,
        root_cause,
        note,
        pending: pending.map(|p| p.short()),
        maintenance,
        alerts: s.alerts.firing_count(),
    }
}

/// The words of the maintenance marker, on the note line and in the label.
pub const MAINTENANCE: &str = "in maintenance";

/// What flows along a dependency edge, from the dependency's part of the
/// snapshot: its effective status as the edge's strength passes it on;
/// `unknown` without data. The engine's `passed_on`, for a part already
/// found (searching the snapshot for each of 2,000 edges cost a pass each).
pub fn edge_status(dep: &Dependency, part: Part<'_>) -> Status {
    match part {
        Part::Evaluated(s) => dep.strength.pass(s.effective),
        Part::Waiting | Part::Missing => NOT_EVALUATED,
    }
}

/// Whether the edge `from` → `to` is highlighted: it belongs to the selected
/// service (its dependencies and its dependants).
pub fn edge_lit(selected: Option<&str>, from: &str, to: &str) -> bool {
    selected.is_some_and(|s| s == from || s == to)
}

#[cfg(test)]
mod tests {
    use panopticon_engine::snapshot::passed_on;

    use super::super::fixtures::{config, snapshot};
    use super::*;

    fn look(config: &Config, snapshot: Option<&Snapshot>, id: &str) -> NodeLook {
        node_look(config, Part::find(snapshot, id))
    }

    use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    fn check(snap: Option<&Snapshot>, id: &str, expect: (Status, Status, &str, &str)) {
        let look = look(&config(), snap, id);
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
        let host = look(&cfg, Some(&s), "host");
        assert_eq!(host.pending.as_deref(), Some("critical 1/2"));
        assert_eq!(host.note, "critical pending 1/2");
        assert_eq!(
            host.aria_label("Host"),
            "Host: healthy, critical pending 1/2"
        );
        // The impact note keeps the line; the label still says it.
        let swarm = look(&cfg, Some(&s), "swarm");
        assert_eq!(swarm.note, "impacted by Consul");
        assert_eq!(
            swarm.aria_label("Swarm"),
            "Swarm: critical, own status healthy, impacted by Consul, pending critical 1/2"
        );
    }

    /// Maintenance is said on the note line before the rest and counted
    /// firing alerts go to `data-alerts`; the status underneath stays.
    #[test]
    fn maintenance_and_firing_alerts_are_on_the_box() {
        use panopticon_engine::alerts::Maintenance;
        let mut s = snapshot(&[
            ("consul", C, C, true, &[]),
            ("host", H, H, false, &[]),
            ("swarm", H, H, false, &[]),
        ]);
        for service in &mut s.services {
            if service.id != "swarm" {
                service.maintenance = Some(Maintenance {
                    silences: Vec::new(),
                    reason: "every firing alert is silenced".to_owned(),
                });
            }
            service.alerts.firing = usize::from(service.id == "consul") * 2;
        }
        let cfg = config();
        let consul = look(&cfg, Some(&s), "consul");
        assert_eq!((consul.effective, consul.own), (C, C), "the status stays");
        assert!(consul.maintenance && consul.root_cause);
        assert_eq!(consul.note, "in maintenance · root cause");
        assert_eq!(consul.alerts, 2);
        assert_eq!(
            consul.aria_label("Consul"),
            "Consul: critical, in maintenance · root cause"
        );
        let host = look(&cfg, Some(&s), "host");
        assert_eq!((host.effective, host.note.as_str()), (H, "in maintenance"));
        assert_eq!(host.alerts, 0);
        let swarm = look(&cfg, Some(&s), "swarm");
        assert!(!swarm.maintenance && swarm.note.is_empty());
        assert!(!look(&cfg, None, "consul").maintenance);
    }

    #[test]
    fn aria_labels() {
        let s = snapshot(&[
            ("swarm", H, C, false, &["consul"]),
            ("host", H, H, false, &[]),
        ]);
        let cfg = config();
        assert_eq!(
            look(&cfg, Some(&s), "swarm").aria_label("Docker Swarm"),
            "Docker Swarm: critical, own status healthy, impacted by Consul"
        );
        assert_eq!(
            look(&cfg, Some(&s), "host").aria_label("Host"),
            "Host: healthy"
        );
        assert_eq!(
            look(&cfg, None, "host").aria_label("Host"),
            "Host: unknown, waiting for data"
        );
    }

    #[test]
    fn edges_pass_what_their_strength_allows() {
        let cfg = config();
        let weave = cfg.service("weave").unwrap();
        let dep = |id: &str| weave.depends_on.iter().find(|d| d.service == id).unwrap();
        let s = snapshot(&[("consul", C, C, true, &[]), ("host", H, U, false, &[])]);
        let status = |snap: Option<&Snapshot>, id: &str| {
            edge_status(dep(id), Part::find(snap, &dep(id).service))
        };
        // weave → consul is soft: a critical Consul passes warning.
        assert_eq!(status(Some(&s), "consul"), W);
        // weave → host is hard: passes the host's effective status unchanged.
        assert_eq!(status(Some(&s), "host"), U);
        assert_eq!(status(None, "host"), U);
        // The engine's answers, every edge, with and without the service.
        let lacking = snapshot(&[]);
        for d in &weave.depends_on {
            for snap in [Some(&s), Some(&lacking), None] {
                assert_eq!(
                    edge_status(d, Part::find(snap, &d.service)),
                    passed_on(snap, d),
                    "{}",
                    d.service
                );
            }
        }
    }

    #[test]
    fn edges_of_the_selected_service_are_lit() {
        assert!(edge_lit(Some("a"), "a", "b"));
        assert!(edge_lit(Some("b"), "a", "b"));
        assert!(!edge_lit(Some("c"), "a", "b"));
        assert!(!edge_lit(None, "a", "b"));
    }
}
