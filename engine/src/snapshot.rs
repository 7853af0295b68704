//! What one evaluation tells the UI: statuses, reasons, history.
//!
//! Everything the dashboard shows is in here, already in words, so the
//! components only lay it out.

use panopticon_core::Status;
use panopticon_core::sorting;

use crate::alerts::{Maintenance, ServiceAlerts, UnmatchedAlerts};
use crate::check::CheckOutcome;
use crate::config::Dependency;

/// The cluster at one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Evaluation time, Unix seconds.
    pub at: f64,
    /// Worst effective status of all services ("worst of", docs/semantics.md).
    pub cluster: Status,
    /// Services per effective status.
    pub counts: StatusCounts,
    /// Every service, in config order.
    pub services: Vec<ServiceSnapshot>,
    /// The banner's line as one sentence, for logs and tests: the worst
    /// problems, or that all is well. The banner itself renders the parts
    /// ([`Summary`], from `crate::Monitor`), never this text.
    pub summary: String,
    /// The latest transitions of all services, newest first (at most
    /// [`RECENT_TRANSITIONS`]).
    pub recent: Vec<ServiceTransition>,
    /// Firing alerts matched to no service (bounded, the rest counted).
    pub unmatched_alerts: UnmatchedAlerts,
    /// How many services are in maintenance ("1 in maintenance").
    pub maintenance: usize,
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
            unmatched_alerts: self.unmatched_alerts.clone(),
            maintenance: self.maintenance,
        }
    }
}

impl Snapshot {
    /// This snapshot as it must look while there is no current data but it
    /// has not expired (docs/semantics.md, "Current data"): a last-known
    /// healthy is not shown as healthy but `unknown`, with `no_data` ("no
    /// current data; last known healthy 20 s ago") as its reason; a
    /// last-known warning or critical stays (an outage of the data source must
    /// not hide a real problem), with `stale` ("last known 20 s ago; no
    /// current data") added to its reasons. No check is left green.
    ///
    /// Returns the snapshot and whether any last-known healthy service was
    /// turned unknown. The summary sentence is left to the caller, who knows
    /// why there is no data.
    #[must_use]
    pub fn last_known(&self, no_data: &str, stale: &str) -> (Snapshot, bool) {
        let mut any_healthy = false;
        let services: Vec<ServiceSnapshot> = self
            .services
            .iter()
            .map(|s| {
                let checks = s
                    .checks
                    .iter()
                    .map(|c| no_longer_green(c, no_data))
                    .collect();
                if s.effective == Status::Healthy {
                    any_healthy = true;
                    ServiceSnapshot {
                        own: Status::Unknown,
                        effective: Status::Unknown,
                        is_root_cause: false,
                        impacted_by: Vec::new(),
                        checks,
                        reasons: vec![format!("{}: {no_data}", s.name)],
                        ..s.clone()
                    }
                } else {
                    let mut reasons = s.reasons.clone();
                    reasons.push(format!("{}: {stale}", s.name));
                    ServiceSnapshot {
                        own: s.own.max(Status::Unknown),
                        checks,
                        reasons,
                        ..s.clone()
                    }
                }
            })
            .collect();
        let mut counts = StatusCounts::default();
        for s in &services {
            counts.add(s.effective);
        }
        let cluster =
            Status::worst_of(services.iter().map(|s| s.effective)).unwrap_or(Status::Unknown);
        let snapshot = Snapshot {
            at: self.at,
            cluster,
            counts,
            services,
            summary: self.summary.clone(),
            recent: self.recent.clone(),
            unmatched_alerts: self.unmatched_alerts.clone(),
            maintenance: self.maintenance,
        };
        (snapshot, any_healthy)
    }
}

/// A check as shown without current data: a healthy one becomes `unknown`
/// with `no_data` as its reason; anything else stays as last known.
fn no_longer_green(check: &CheckSnapshot, no_data: &str) -> CheckSnapshot {
    if check.status != Status::Healthy {
        return check.clone();
    }
    let mut outcome = check.outcome.clone();
    no_data.clone_into(&mut outcome.reason);
    CheckSnapshot {
        status: Status::Unknown,
        pending: None,
        outcome,
        ..check.clone()
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
    /// The alerts matched to it by its `alerts:` matchers.
    pub alerts: ServiceAlerts,
    /// Set while it is in maintenance: drawn with a marker, its status
    /// still shown underneath.
    pub maintenance: Option<Maintenance>,
}

/// The status of a service or check that has not been evaluated (before the
/// first refresh, or missing from a snapshot): `unknown`, never green.
pub const NOT_EVALUATED: Status = Status::Unknown;

/// What the dependency `dep` passes along its edge in `snapshot` (its
/// effective status as the edge's strength lets through); `unknown` without
/// a snapshot or without that service.
pub fn passed_on(snapshot: Option<&Snapshot>, dep: &Dependency) -> Status {
    snapshot
        .and_then(|s| s.service(&dep.service))
        .map_or(NOT_EVALUATED, |s| dep.strength.pass(s.effective))
}

impl ServiceSnapshot {
    /// Dragged further down by a dependency than its own status.
    pub fn is_impacted(&self) -> bool {
        self.own < self.effective
    }

    /// Failing by itself: drawn as a root cause.
    pub fn shows_as_root_cause(&self) -> bool {
        self.is_root_cause && self.effective != Status::Healthy
    }

    /// A root cause whose failure is missing data rather than a verdict.
    pub fn lacks_usable_data(&self) -> bool {
        self.shows_as_root_cause() && self.effective == Status::Unknown
    }

    /// The most severe change waiting out a hold among its checks (the one
    /// heading to the worst status, then the one closest to showing), so the
    /// diagram can say "critical pending 1/2" instead of a silent green.
    pub fn pending(&self) -> Option<Pending> {
        self.checks
            .iter()
            .filter_map(|c| c.pending)
            .max_by_key(|p| (p.to, p.seen))
    }
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

impl Pending {
    /// "critical 1/2", for `data-pending`.
    pub fn short(&self) -> String {
        format!("{} {}/{}", self.to.as_str(), self.seen, self.needed)
    }
}

/// "critical pending 1/2".
impl std::fmt::Display for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pending {}/{}",
            self.to.as_str(),
            self.seen,
            self.needed
        )
    }
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

/// How many reasons the banner names before "+N more".
pub const SUMMARY_REASONS: usize = 3;

/// The banner's explanation of the cluster status, in parts, so that the
/// banner lays it out and never edits a sentence the engine wrote (it
/// leads with the reason that sets the status, docs/semantics.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The status explained: the cluster's, as shown.
    pub status: Status,
    /// The reasons that set it, worst first (critical, then warning, then
    /// unknown), at most [`SUMMARY_REASONS`]. When all is well, one healthy
    /// "All 6 services healthy".
    pub reasons: Vec<Reason>,
    /// How many further reasons were left out ("+2 more").
    pub more: usize,
    /// Names of services that are not failing themselves but are dragged
    /// down by the reasons.
    pub impacts: Vec<String>,
}

/// One reason of a [`Summary`], with the status it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The status this reason explains.
    pub status: Status,
    /// The reason in words (e.g. "Consul: raft leader — no leader on node-1").
    pub text: String,
    /// What the reason is about (a service's id, the data source) when its
    /// words change from refresh to refresh ("load — 1.5 per core", "last
    /// known healthy 20 s ago"): the same subject at the same status is no
    /// news to announce ([`Announcement`]). `None`: the words are the identity.
    pub subject: Option<String>,
}

impl Reason {
    /// A reason for `status`.
    pub fn new(status: Status, text: impl Into<String>) -> Reason {
        Reason {
            status,
            text: text.into(),
            subject: None,
        }
    }

    /// The same reason, about `subject` (see [`Reason::subject`]).
    #[must_use]
    pub fn about(mut self, subject: impl Into<String>) -> Reason {
        self.subject = Some(subject.into());
        self
    }

    /// What identifies the reason from one refresh to the next.
    fn identity(&self) -> &str {
        self.subject.as_deref().unwrap_or(&self.text)
    }
}

/// How urgently a screen reader says an [`Announcement`] (`aria-live`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Politeness {
    /// When the reader is idle: every change but one to critical.
    Polite,
    /// At once, interrupting: the cluster has just turned critical.
    Assertive,
}

impl Politeness {
    /// The `aria-live` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Politeness::Polite => "polite",
            Politeness::Assertive => "assertive",
        }
    }
}

/// What the cluster status's live region says: the status and why, said
/// once when the status or the reason that leads it changes. A live region
/// speaks whenever its text changes, so a region that followed the banner
/// would repeat itself at every refresh (the counts, "+2 more", a value in
/// a reason, the age of the last data change all the time); this keeps the
/// words it said until there is news.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// What is said: `Cluster critical: GlusterFS: writeable — not writeable on node-3`.
    pub text: String,
    /// How urgently.
    pub politeness: Politeness,
    status: Status,
    subject: String,
}

impl Announcement {
    /// What the live region holds once the banner shows `summary`, after it
    /// held `previous`: `previous` itself (nothing is said again) while the
    /// status and the leading reason's subject stay; otherwise the new
    /// status and summary. Assertive only for a change *to* critical (from
    /// any other status, or at the first summary); a new reason while
    /// critical, a recovery, warnings and unknowns are polite.
    pub fn next(previous: Option<&Announcement>, summary: &Summary) -> Announcement {
        let subject = summary
            .reasons
            .first()
            .map(|r| r.identity().to_owned())
            .unwrap_or_default();
        if let Some(p) = previous
            && p.status == summary.status
            && p.subject == subject
        {
            return p.clone();
        }
        let to_critical = summary.status == Status::Critical
            && previous.is_none_or(|p| p.status != Status::Critical);
        Announcement {
            text: format!("Cluster {}: {}", summary.status.as_str(), summary.text()),
            politeness: if to_critical {
                Politeness::Assertive
            } else {
                Politeness::Polite
            },
            status: summary.status,
            subject,
        }
    }
}

impl Summary {
    /// The summary of an evaluation: each failing service's leading reason
    /// (its reasons are sorted worst check first), worst service first, then
    /// the services they drag down. Names root causes, because that is where
    /// to look.
    pub fn of(cluster: Status, services: &[ServiceSnapshot]) -> Summary {
        if cluster == Status::Healthy {
            // A change still waiting out its `for:` hold is said here too: a
            // green banner never hides that something is on its way.
            let all = Reason::new(
                Status::Healthy,
                format!("All {} services healthy", services.len()),
            );
            let held = services
                .iter()
                .filter(|s| s.pending().is_some())
                .filter_map(|s| s.reasons.first())
                .map(|r| Reason::new(Status::Healthy, r.clone()));
            return Summary::new(
                Status::Healthy,
                std::iter::once(all).chain(held).collect(),
                Vec::new(),
            );
        }
        Summary::new(cluster, root_reasons(services), impacted_names(services))
    }

    /// A summary with one reason, e.g. "no current data — Prometheus unreachable".
    pub fn single(status: Status, text: impl Into<String>) -> Summary {
        Summary {
            status,
            reasons: vec![Reason::new(status, text)],
            more: 0,
            impacts: Vec::new(),
        }
    }

    /// A summary of `reasons` in any order: sorted worst first (stable, so
    /// equal statuses keep their order), cut to [`SUMMARY_REASONS`].
    pub fn new(status: Status, mut reasons: Vec<Reason>, impacts: Vec<String>) -> Summary {
        sorting::sort_by_key(&mut reasons, |r| std::cmp::Reverse(r.status));
        let more = reasons.len().saturating_sub(SUMMARY_REASONS);
        reasons.truncate(SUMMARY_REASONS);
        Summary {
            status,
            reasons,
            more,
            impacts,
        }
    }

    /// The sentence after the status word: "a · b · +2 more — impacts X, Y".
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = self.reasons.iter().map(|r| r.text.clone()).collect();
        if self.more > 0 {
            parts.push(self.more_text());
        }
        let mut line = parts.join(" · ");
        if !self.impacts.is_empty() {
            line.push_str(" — ");
            line.push_str(&self.impacts_text());
        }
        line
    }

    /// "+2 more", when reasons were left out.
    pub fn more_text(&self) -> String {
        format!("+{} more", self.more)
    }

    /// "impacts Weave Net, Docker Swarm".
    pub fn impacts_text(&self) -> String {
        format!("impacts {}", self.impacts.join(", "))
    }
}

/// The whole line with the status word, for logs and tests:
/// "CRITICAL: Consul: raft leader — … — impacts Docker Swarm", or
/// "All 6 services healthy".
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.status == Status::Healthy {
            f.write_str(&self.text())
        } else {
            write!(f, "{}: {}", self.status.label(), self.text())
        }
    }
}

/// The leading reason of each service that fails by itself, worst first.
pub(crate) fn root_reasons(services: &[ServiceSnapshot]) -> Vec<Reason> {
    let mut roots: Vec<&ServiceSnapshot> = services
        .iter()
        .filter(|s| s.own != Status::Healthy)
        .collect();
    sorting::sort_by_key(&mut roots, |s| std::cmp::Reverse(s.own));
    roots
        .iter()
        .map(|s| {
            let text = match s.reasons.first() {
                Some(r) => r.clone(),
                None => format!("{}: {}", s.name, s.own),
            };
            Reason::new(s.own, text).about(&s.id)
        })
        .collect()
}

/// Services that are healthy themselves but dragged down by a dependency.
pub(crate) fn impacted_names(services: &[ServiceSnapshot]) -> Vec<String> {
    services
        .iter()
        .filter(|s| s.own == Status::Healthy && s.effective != Status::Healthy)
        .map(|s| s.name.clone())
        .collect()
}

/// The banner line as one sentence (see [`Summary`], which the banner reads).
pub(crate) fn summarize(cluster: Status, services: &[ServiceSnapshot]) -> String {
    Summary::of(cluster, services).to_string()
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
            alerts: ServiceAlerts::default(),
            maintenance: None,
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
            unmatched_alerts: UnmatchedAlerts::default(),
            maintenance: 0,
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

#[cfg(test)]
mod summary_tests {
    use panopticon_core::Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    use super::*;
    use crate::check::CheckOutcome;

    fn service(name: &str, own: Status, effective: Status, reasons: &[&str]) -> ServiceSnapshot {
        ServiceSnapshot {
            id: name.to_lowercase(),
            name: name.to_owned(),
            own,
            effective,
            is_root_cause: own != H,
            impacted_by: vec![],
            checks: vec![],
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            transitions: vec![],
            alerts: ServiceAlerts::default(),
            maintenance: None,
        }
    }

    /// The banner leads with critical reasons before warning before unknown, whatever the
    /// config order; the status word is not part of any reason.
    #[test]
    fn the_summary_leads_with_the_reason_that_sets_the_status() {
        let services = [
            service("A", U, U, &["A: up — no data"]),
            service("B", W, W, &["B: load — 1.5 per core"]),
            service(
                "C",
                C,
                C,
                &[
                    "C: writeable — not writeable on n3",
                    "C: up — 1 of 4 no data",
                ],
            ),
            service("D", H, C, &["D: critical — impacted by C"]),
            service("E", C, C, &[]),
            service("F", W, W, &["F: disk — 91 %"]),
        ];
        let s = Summary::of(C, &services);
        assert_eq!(
            s.reasons,
            [
                Reason::new(C, "C: writeable — not writeable on n3").about("c"),
                Reason::new(C, "E: critical").about("e"),
                Reason::new(W, "B: load — 1.5 per core").about("b"),
            ]
        );
        assert_eq!(s.more, 2);
        assert_eq!(s.impacts, ["D"]);
        assert_eq!(
            s.text(),
            "C: writeable — not writeable on n3 · E: critical · B: load — 1.5 per core · +2 more — impacts D"
        );
        assert_eq!(s.to_string(), format!("CRITICAL: {}", s.text()));
        assert_eq!(summarize(C, &services), s.to_string());
    }

    #[test]
    fn an_all_healthy_summary_counts_the_services() {
        let services = [service("A", H, H, &[]), service("B", H, H, &[])];
        let s = Summary::of(H, &services);
        assert_eq!(s.reasons, [Reason::new(H, "All 2 services healthy")]);
        assert_eq!(s.to_string(), "All 2 services healthy");
    }

    fn check(status: Status, pending: Option<(Status, u32, u32)>) -> CheckSnapshot {
        CheckSnapshot {
            id: "c".to_owned(),
            name: "c".to_owned(),
            status,
            pending: pending.map(|(to, seen, needed)| Pending { to, seen, needed }),
            outcome: CheckOutcome {
                status,
                instances: vec![],
                unnamed_missing: 0,
                tally: crate::aggregate::Tally::default(),
                reason: String::new(),
                notes: vec![],
            },
        }
    }

    #[test]
    fn a_service_shows_its_most_severe_pending_hold() {
        let check = |pending: &[Option<(Status, u32, u32)>], expect: Option<(Status, u32, u32)>| {
            let mut s = service("A", H, H, &[]);
            s.checks = pending.iter().map(|p| check(H, *p)).collect();
            assert_eq!(
                s.pending(),
                expect.map(|(to, seen, needed)| Pending { to, seen, needed }),
                "{pending:?}"
            );
        };
        check(&[], None);
        check(&[None, None], None);
        check(&[None, Some((W, 1, 3))], Some((W, 1, 3)));
        check(&[Some((W, 2, 3)), Some((C, 1, 2))], Some((C, 1, 2)));
        check(
            &[Some((C, 1, 3)), Some((C, 2, 3)), Some((W, 2, 3))],
            Some((C, 2, 3)),
        );
        let p = Pending {
            to: C,
            seen: 1,
            needed: 2,
        };
        assert_eq!(p.to_string(), "critical pending 1/2");
        assert_eq!(p.short(), "critical 1/2");
    }
}

#[cfg(test)]
mod announcement_tests {
    use panopticon_core::Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    use super::*;

    fn summary(status: Status, reasons: &[(&str, Option<&str>)]) -> Summary {
        let reasons = reasons
            .iter()
            .map(|(text, subject)| {
                let r = Reason::new(status, *text);
                match subject {
                    Some(s) => r.about(*s),
                    None => r,
                }
            })
            .collect();
        Summary::new(status, reasons, Vec::new())
    }

    /// Feeds the summaries in order; returns what the live region says at
    /// each step: `Some((politeness, text))` when its text changes (a screen
    /// reader speaks), `None` when it stays.
    fn said(summaries: &[Summary]) -> Vec<Option<(&'static str, String)>> {
        let mut previous: Option<Announcement> = None;
        summaries
            .iter()
            .map(|s| {
                let next = Announcement::next(previous.as_ref(), s);
                let news = previous.as_ref().is_none_or(|p| p.text != next.text);
                let out = news.then(|| (next.politeness.as_str(), next.text.clone()));
                previous = Some(next);
                out
            })
            .collect()
    }

    #[test]
    fn said_once_per_change_of_status_or_leading_reason() {
        let waiting = summary(U, &[("waiting for the first data from Prometheus", None)]);
        let healthy = summary(H, &[("All 6 services healthy", None)]);
        let gluster = |n: &str| {
            summary(
                C,
                &[(
                    &format!("GlusterFS: writeable — not writeable on {n}"),
                    Some("glusterfs"),
                )],
            )
        };
        let consul = summary(C, &[("Consul: raft leader — no leader", Some("consul"))]);
        let load = |v: &str| summary(W, &[(&format!("Host: load — {v} per core"), Some("host"))]);
        let outage = |ago: &str| {
            summary(
                U,
                &[(
                    &format!("no current data; last known healthy {ago}"),
                    Some("source"),
                )],
            )
        };
        let steps = said(&[
            waiting.clone(),
            waiting,
            healthy.clone(),
            healthy.clone(),
            gluster("node-3"),
            gluster("node-3"),
            // The same service, other words: no news.
            gluster("node-2"),
            // Another reason leads, still critical: polite.
            consul,
            healthy.clone(),
            load("1.5"),
            load("1.7"),
            outage("2 s ago"),
            outage("3 s ago"),
            healthy,
        ]);
        assert_eq!(
            steps,
            [
                Some((
                    "polite",
                    "Cluster unknown: waiting for the first data from Prometheus".to_owned()
                )),
                None,
                Some((
                    "polite",
                    "Cluster healthy: All 6 services healthy".to_owned()
                )),
                None,
                Some((
                    "assertive",
                    "Cluster critical: GlusterFS: writeable — not writeable on node-3".to_owned()
                )),
                None,
                None,
                Some((
                    "polite",
                    "Cluster critical: Consul: raft leader — no leader".to_owned()
                )),
                Some((
                    "polite",
                    "Cluster healthy: All 6 services healthy".to_owned()
                )),
                Some((
                    "polite",
                    "Cluster warning: Host: load — 1.5 per core".to_owned()
                )),
                None,
                Some((
                    "polite",
                    "Cluster unknown: no current data; last known healthy 2 s ago".to_owned()
                )),
                None,
                Some((
                    "polite",
                    "Cluster healthy: All 6 services healthy".to_owned()
                )),
            ]
        );
    }

    #[test]
    fn a_first_critical_is_assertive_and_the_summary_is_said_whole() {
        let mut s = summary(C, &[("A: down", Some("a")), ("B: down", Some("b"))]);
        s.impacts = vec!["Web".to_owned()];
        let a = Announcement::next(None, &s);
        assert_eq!(a.politeness, Politeness::Assertive);
        assert_eq!(a.text, "Cluster critical: A: down · B: down — impacts Web");
        // A second reason changing behind the first is no news.
        let mut t = summary(C, &[("A: down", Some("a")), ("C: down", Some("c"))]);
        t.impacts = vec!["Web".to_owned()];
        assert_eq!(Announcement::next(Some(&a), &t), a);
        // Critical → warning → critical again: assertive again.
        let w = Announcement::next(Some(&a), &summary(W, &[("A: slow", Some("a"))]));
        assert_eq!(w.politeness, Politeness::Polite);
        assert_eq!(
            Announcement::next(Some(&w), &s).politeness,
            Politeness::Assertive
        );
    }

    /// The reasons the engine writes name what they are about, so a value
    /// that changes at every refresh is not taken for a new reason.
    #[test]
    fn root_reasons_name_their_service() {
        let service = ServiceSnapshot {
            id: "host".to_owned(),
            name: "Host".to_owned(),
            own: W,
            effective: W,
            is_root_cause: true,
            impacted_by: vec![],
            checks: vec![],
            reasons: vec!["Host: load — 1.5 per core".to_owned()],
            transitions: vec![],
            alerts: ServiceAlerts::default(),
            maintenance: None,
        };
        let s = Summary::of(W, std::slice::from_ref(&service));
        assert_eq!(s.reasons[0].subject.as_deref(), Some("host"));
    }
}
