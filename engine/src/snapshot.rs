//! What one evaluation tells the UI: statuses, reasons, history.
//!
//! Everything the dashboard shows is in here, already in words, so the
//! components only lay it out.

use panopticon_core::Status;

use crate::check::CheckOutcome;

/// The cluster at one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Evaluation time, Unix seconds.
    pub at: f64,
    /// Worst effective status of all services (SPEC §2 order).
    pub cluster: Status,
    /// Services per effective status.
    pub counts: StatusCounts,
    /// Every service, in config order.
    pub services: Vec<ServiceSnapshot>,
    /// One line for the banner: the worst problems, or that all is well.
    pub summary: String,
    /// The latest transitions of all services, newest first (at most
    /// [`RECENT_TRANSITIONS`]).
    pub recent: Vec<ServiceTransition>,
}

/// How many transitions [`Snapshot::recent`] holds.
pub const RECENT_TRANSITIONS: usize = 20;

impl Snapshot {
    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&ServiceSnapshot> {
        self.services.iter().find(|s| s.id == id)
    }

    /// This snapshot as it must look once its data has expired: every status
    /// `unknown`, `reason` as the summary and as each service's reason.
    ///
    /// The refresh cycle normally re-evaluates with the failures and so gets
    /// the same verdict from the engine; this is the guard for when no
    /// evaluation happens at all (a hung data source, a throttled tab), so
    /// an old green can never outlive its data on a wall screen.
    #[must_use]
    pub fn expired(&self, reason: &str) -> Snapshot {
        let services: Vec<ServiceSnapshot> = self
            .services
            .iter()
            .map(|s| ServiceSnapshot {
                own: Status::Unknown,
                effective: Status::Unknown,
                is_root_cause: false,
                impacted_by: Vec::new(),
                reasons: vec![reason.to_owned()],
                ..s.clone()
            })
            .collect();
        let mut counts = StatusCounts::default();
        for s in &services {
            counts.add(s.effective);
        }
        Snapshot {
            at: self.at,
            cluster: Status::Unknown,
            counts,
            services,
            summary: reason.to_owned(),
            recent: self.recent.clone(),
        }
    }
}

/// Number of services per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Healthy services.
    pub healthy: usize,
    /// Services without usable data.
    pub unknown: usize,
    /// Services with a warning.
    pub warning: usize,
    /// Critical services.
    pub critical: usize,
}

impl StatusCounts {
    /// The count for `status`.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Healthy => self.healthy,
            Status::Unknown => self.unknown,
            Status::Warning => self.warning,
            Status::Critical => self.critical,
        }
    }

    pub(crate) fn add(&mut self, status: Status) {
        match status {
            Status::Healthy => self.healthy += 1,
            Status::Unknown => self.unknown += 1,
            Status::Warning => self.warning += 1,
            Status::Critical => self.critical += 1,
        }
    }
}

/// One service at one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSnapshot {
    /// The service's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Worst of its checks (after `for:` holds); healthy when it has none.
    pub own: Status,
    /// Worst of own and what its dependencies pass on.
    pub effective: Status,
    /// Its own status explains (part of) its effective status: it is itself
    /// failing, not only dragged down.
    pub is_root_cause: bool,
    /// Ids of the *other* services whose own status explains its effective one.
    pub impacted_by: Vec<String>,
    /// Its checks, in config order.
    pub checks: Vec<CheckSnapshot>,
    /// Sentences for each non-healthy check and each impact.
    pub reasons: Vec<String>,
    /// Its recorded transitions, oldest first (bounded by the config's `history`).
    pub transitions: Vec<Transition>,
}

/// One check at one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSnapshot {
    /// The check's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The status shown (after the `for:` hold).
    pub status: Status,
    /// A status change waiting out its `for:` hold.
    pub pending: Option<Pending>,
    /// This evaluation's raw verdict, per instance.
    pub outcome: CheckOutcome,
}

/// A change that has not yet held long enough to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The status the check is heading to.
    pub to: Status,
    /// Consecutive evaluations seen so far.
    pub seen: u32,
    /// Evaluations needed.
    pub needed: u32,
}

/// A recorded change of a service's effective status.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// When, Unix seconds.
    pub at: f64,
    /// Status before.
    pub from: Status,
    /// Status after.
    pub to: Status,
    /// Why, in words.
    pub cause: String,
}

/// A transition with the service it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceTransition {
    /// The service's id.
    pub service: String,
    /// The transition.
    pub transition: Transition,
}

/// The banner line: the worst problems first, at most three, then what
/// they drag down. Names root causes, because that is where to look.
pub(crate) fn summarize(cluster: Status, services: &[ServiceSnapshot]) -> String {
    if cluster == Status::Healthy {
        return format!("All {} services healthy", services.len());
    }
    let mut roots: Vec<&ServiceSnapshot> = services
        .iter()
        .filter(|s| s.own != Status::Healthy)
        .collect();
    roots.sort_by_key(|s| std::cmp::Reverse(s.own));
    let mut parts: Vec<String> = roots
        .iter()
        .take(3)
        .map(|s| match s.reasons.first() {
            Some(r) => r.clone(),
            None => format!("{}: {}", s.name, s.own),
        })
        .collect();
    if roots.len() > 3 {
        parts.push(format!("+{} more", roots.len() - 3));
    }
    let impacted: Vec<&str> = services
        .iter()
        .filter(|s| s.own == Status::Healthy && s.effective != Status::Healthy)
        .map(|s| s.name.as_str())
        .collect();
    let mut line = format!("{}: {}", cluster.label(), parts.join(" · "));
    if !impacted.is_empty() {
        line.push_str(" — impacts ");
        line.push_str(&impacted.join(", "));
    }
    line
}

#[cfg(test)]
mod expired_tests {
    use super::*;

    #[test]
    fn an_expired_snapshot_is_unknown_everywhere_and_says_why() {
        let service = |id: &str, own, effective| ServiceSnapshot {
            id: id.to_owned(),
            name: id.to_owned(),
            own,
            effective,
            is_root_cause: own != Status::Healthy,
            impacted_by: if own == effective {
                vec![]
            } else {
                vec!["db".to_owned()]
            },
            checks: vec![],
            reasons: vec!["was fine".to_owned()],
            transitions: vec![],
        };
        let fresh = Snapshot {
            at: 10.0,
            cluster: Status::Critical,
            counts: StatusCounts {
                healthy: 1,
                critical: 2,
                ..StatusCounts::default()
            },
            services: vec![
                service("db", Status::Critical, Status::Critical),
                service("web", Status::Healthy, Status::Critical),
                service("cache", Status::Healthy, Status::Healthy),
            ],
            summary: "db down".to_owned(),
            recent: vec![],
        };
        let old = fresh.expired("no data for 130 s: Prometheus unreachable");
        assert_eq!(old.cluster, Status::Unknown);
        assert_eq!(
            old.counts,
            StatusCounts {
                unknown: 3,
                ..StatusCounts::default()
            }
        );
        assert_eq!(old.summary, "no data for 130 s: Prometheus unreachable");
        for s in &old.services {
            assert_eq!(
                (s.own, s.effective),
                (Status::Unknown, Status::Unknown),
                "{}",
                s.id
            );
            assert!(!s.is_root_cause && s.impacted_by.is_empty());
            assert_eq!(
                s.reasons,
                vec!["no data for 130 s: Prometheus unreachable".to_owned()]
            );
        }
        assert_eq!(
            old.services
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["db", "web", "cache"]
        );
    }
}
