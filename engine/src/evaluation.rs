//! State across refreshes: `for:` holds, transitions, bounded history.
//!
//! The prototype Panopticon descends from judged each request from scratch
//! and never wired up its state machine (docs/semantics.md, "Origins"). The [`Engine`] keeps, per check, the
//! status on show and any change still waiting out its hold, and per service
//! the effective status and the transitions that led there.
//!
//! Hold semantics (docs/semantics.md, "Holds"; like a Prometheus alerting rule's `for:`, but
//! both ways), designed so that nothing bad can stay green by flapping:
//! - a check goes *up* to a level once its raw status has been at or above
//!   that level for `for` consecutive evaluations: any mix of warning and
//!   critical counts toward warning, only critical toward critical;
//! - it comes *down* to a level once its raw status has been at or below that
//!   level for `for` consecutive evaluations, so one lucky sample does not
//!   flash a wall screen green either;
//! - missing data is never held: a raw `unknown` shows at once, and leaving
//!   `unknown` is immediate too (real data replacing "we do not know" is news,
//!   not noise; a wall would stay grey for `for` refreshes after every start
//!   or outage otherwise). The very first evaluation shows its raw status.
//! - a change still waiting out its hold is a [`Pending`] on the check and
//!   a sentence in its reason ("critical pending 1/2"), never a silent green.

use std::collections::{HashMap, VecDeque};

use panopticon_core::Status;
use panopticon_core::sorting;

use crate::alerts::{AlertAnswers, AlertMemory, AlertPart, Judgement};
use crate::check::{self, Inputs, QueryOutcome};
use crate::config::{Config, Service, Strength};
use crate::propagate::{Propagated, propagate};
use crate::rule::Rule;
use crate::snapshot::{
    CheckSnapshot, Pending, RECENT_TRANSITIONS, ServiceSnapshot, ServiceTransition, Snapshot,
    StatusCounts, Transition, summarize,
};

/// The health engine: a validated config plus memory of earlier evaluations.
#[derive(Debug, Clone)]
pub struct Engine {
    config: Config,
    /// Per service, its dependencies as indices.
    deps: Vec<Vec<(usize, Strength)>>,
    /// Per service, per check.
    checks: Vec<Vec<CheckState>>,
    services: Vec<ServiceState>,
    /// The silences last read, applied while Alertmanager cannot be read.
    alerts: AlertMemory,
}

#[derive(Debug, Clone, Default)]
struct CheckState {
    shown: Option<Status>,
    /// Consecutive known evaluations whose raw status was at least / at most
    /// each level (indexed by [`level`]); reset by `unknown`.
    at_least: [u32; 3],
    at_most: [u32; 3],
    /// Instances that reported, newest first (ties by name), each with
    /// the time it last did in `seen_at`. Two lists, so the names can be
    /// handed to the check as they are.
    seen: Vec<String>,
    seen_at: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
struct ServiceState {
    effective: Option<Status>,
    transitions: VecDeque<Transition>,
}

impl Engine {
    /// An engine with no history yet.
    pub fn new(config: Config) -> Engine {
        let index: HashMap<&str, usize> = config
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let deps = config
            .services
            .iter()
            .map(|s| {
                s.depends_on
                    .iter()
                    .filter_map(|d| index.get(d.service.as_str()).map(|&j| (j, d.strength)))
                    .collect()
            })
            .collect();
        let checks = config
            .services
            .iter()
            .map(|s| vec![CheckState::default(); s.checks.len()])
            .collect();
        let services = vec![ServiceState::default(); config.services.len()];
        Engine {
            config,
            deps,
            checks,
            services,
            alerts: AlertMemory::default(),
        }
    }

    /// Whether silences read from Alertmanager earlier are still remembered
    /// (and applied while it cannot be read).
    pub(crate) fn remembers_silences(&self) -> bool {
        self.alerts.remembers_silences()
    }

    /// The configuration this engine judges by.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes back transitions kept from an earlier page load (a wall's nightly
    /// restart), each under its service by id, merged with any recorded since
    /// and cut to the configuration's `history_limit` per service. Only the
    /// lists of transitions change: no status, hold or memory of instances is
    /// set from the past, so the first evaluation still shows current data
    /// alone (and records no change from a remembered status).
    pub fn restore_history(&mut self, history: &crate::history::History) {
        for entry in history.entries() {
            if let Some(si) = self
                .config
                .services
                .iter()
                .position(|s| s.id == entry.service)
            {
                self.services[si]
                    .transitions
                    .push_back(entry.transition.clone());
            }
        }
        let limit = self.config.history_limit;
        for state in &mut self.services {
            let mut kept: Vec<Transition> = state.transitions.drain(..).collect();
            sorting::sort_by(&mut kept, |a, b| a.at.total_cmp(&b.at));
            kept.dedup();
            let excess = kept.len().saturating_sub(limit);
            state.transitions = kept.into_iter().skip(excess).collect();
        }
    }

    /// The distinct instant expressions the checks of the default source
    /// need, in config order. Fetch each and pass the outcomes to
    /// [`Engine::evaluate`], keyed by the exact expression string.
    pub fn queries(&self) -> Vec<String> {
        self.queries_of(0)
    }

    /// The distinct instant expressions per source (indexed like
    /// [`Config::datasources`]): what [`Engine::evaluate_sources`] takes.
    pub fn source_queries(&self) -> Vec<Vec<String>> {
        (0..self.config.datasources.len())
            .map(|i| self.queries_of(i))
            .collect()
    }

    pub(crate) fn queries_of(&self, source: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |q: &str| {
            if !out.iter().any(|o| o == q) {
                out.push(q.to_owned());
            }
        };
        for service in &self.config.services {
            for check in service.checks.iter().filter(|c| c.source == source) {
                add(&check.query);
                if let Rule::Ratio { denominator, .. } = &check.rule {
                    add(denominator);
                }
                if let Some(up) = &check.up {
                    add(up);
                }
            }
        }
        out
    }

    /// Judges the cluster from this round's query outcomes (keyed by
    /// expression; a missing key counts as "no result yet") at time `now`
    /// (Unix seconds), updating holds and history. The checks alone: alert
    /// sources not asked (see [`Engine::evaluate_with_alerts`]).
    pub fn evaluate(&mut self, now: f64, results: &HashMap<String, QueryOutcome>) -> Snapshot {
        self.evaluate_with_alerts(now, results, &AlertAnswers::default())
    }

    /// Judges the cluster from this round's query outcomes and the alert
    /// sources' answers (docs/semantics.md, "Alerts"): a service's own
    /// status is the worst of its checks and its alert part.
    pub fn evaluate_with_alerts(
        &mut self,
        now: f64,
        results: &HashMap<String, QueryOutcome>,
        alerts: &AlertAnswers,
    ) -> Snapshot {
        self.evaluate_sources(now, std::slice::from_ref(results), alerts)
    }

    /// Judges the cluster from each source's outcomes (`results[i]` answers
    /// [`Config::datasources`]`[i]`; a source without an entry has "no result
    /// yet") and the alert sources' answers.
    pub fn evaluate_sources(
        &mut self,
        now: f64,
        results: &[HashMap<String, QueryOutcome>],
        alerts: &AlertAnswers,
    ) -> Snapshot {
        let check_snapshots: Vec<Vec<CheckSnapshot>> = (0..self.config.services.len())
            .map(|si| self.evaluate_checks(si, now, results))
            .collect();
        let judgement = self.alerts.judge(&self.config, now, alerts);
        let own: Vec<Status> = check_snapshots
            .iter()
            .zip(&judgement.services)
            .map(|(snaps, (service_alerts, _, _))| {
                Status::worst_of(snaps.iter().map(|c| c.status).chain(service_alerts.status))
                    .unwrap_or(Status::Healthy)
            })
            .collect();
        let propagated = propagate(&own, &self.deps);
        let mut counts = StatusCounts::default();
        let Judgement {
            services: alert_parts,
            unmatched,
        } = judgement;
        let services: Vec<ServiceSnapshot> = check_snapshots
            .into_iter()
            .zip(alert_parts)
            .enumerate()
            .map(|(si, (checks, alert_part))| {
                let p = &propagated[si];
                counts.add(p.effective);
                self.service_snapshot(si, now, own[si], p, checks, alert_part)
            })
            .collect();
        let maintenance = services.iter().filter(|s| s.maintenance.is_some()).count();
        let cluster =
            Status::worst_of(services.iter().map(|s| s.effective)).unwrap_or(Status::Unknown);
        Snapshot {
            at: now,
            cluster,
            counts,
            summary: summarize(cluster, &services),
            recent: recent(&services),
            services,
            unmatched_alerts: unmatched,
            maintenance,
        }
    }

    /// Runs every check of service `si`, through its memory and its hold.
    fn evaluate_checks(
        &mut self,
        si: usize,
        now: f64,
        results: &[HashMap<String, QueryOutcome>],
    ) -> Vec<CheckSnapshot> {
        let forget_after = self.config.forget_silent_after_secs;
        let name_source = self.config.has_several_sources();
        let service = &self.config.services[si];
        let mut snaps = Vec::with_capacity(service.checks.len());
        let none = HashMap::new();
        for (ci, check) in service.checks.iter().enumerate() {
            let state = &mut self.checks[si][ci];
            state.forget_before(now - forget_after);
            let source = self.config.source_of(check);
            let results = results.get(check.source).unwrap_or(&none);
            let inputs = Inputs {
                main: results.get(&check.query),
                denominator: match &check.rule {
                    Rule::Ratio { denominator, .. } => results.get(denominator),
                    _ => None,
                },
                up: check.up.as_ref().and_then(|u| results.get(u)),
                now,
                stale_after_secs: source.stale_after_secs,
                remembered: &state.seen,
                source: Some(source),
                name_source,
            };
            let (mut outcome, seen) = check::evaluate_seen(check, &inputs);
            let partial = check::partial(check, &inputs).is_some();
            state.remember(&seen, now, check.instances);
            // Missing data is never held: while any instance has no
            // usable data (or the answer may lack some), a held-back green
            // shows as unknown.
            let floor = if outcome.tally.unknown > 0 || partial {
                Status::Unknown
            } else {
                Status::Healthy
            };
            let (status, pending) = state.step(outcome.status, floor, check.hold);
            if let Some(p) = pending {
                outcome.reason = with_hold_note(&outcome.reason, status, p);
            }
            snaps.push(CheckSnapshot {
                id: check.id.clone(),
                name: check.name.clone(),
                status,
                pending,
                outcome,
            });
        }
        snaps
    }

    /// Service `si` as shown: its reasons (the one that sets the status
    /// first), what drags it down, and its history, recording a transition
    /// when its effective status changed.
    fn service_snapshot(
        &mut self,
        si: usize,
        now: f64,
        own: Status,
        p: &Propagated,
        checks: Vec<CheckSnapshot>,
        (alerts, alert_reasons, maintenance): AlertPart,
    ) -> ServiceSnapshot {
        let service = &self.config.services[si];
        // The reason that sets the status first (critical before warning
        // before unknown), then holds still waiting behind a green.
        let mut telling: Vec<&CheckSnapshot> = checks
            .iter()
            .filter(|c| c.status != Status::Healthy || c.pending.is_some())
            .collect();
        sorting::sort_by_key(&mut telling, |c| std::cmp::Reverse(c.status));
        // Alert reasons join the checks' by status (stable: at one status,
        // checks first, as the configuration lists them).
        let mut told: Vec<(Status, String)> = telling
            .iter()
            .map(|c| {
                (
                    c.status,
                    format!("{}: {} — {}", service.name, c.name, c.outcome.reason),
                )
            })
            .chain(alert_reasons)
            .collect();
        sorting::sort_by_key(&mut told, |r| std::cmp::Reverse(r.0));
        let mut reasons: Vec<String> = told.into_iter().map(|r| r.1).collect();
        let others: Vec<&Service> = p
            .root_causes
            .iter()
            .filter(|&&r| r != si)
            .map(|&r| &self.config.services[r])
            .collect();
        let impacted_by: Vec<String> = others.iter().map(|s| s.id.clone()).collect();
        if !others.is_empty() {
            let names: Vec<&str> = others.iter().map(|s| s.name.as_str()).collect();
            reasons.push(format!(
                "{}: {} — impacted by {}",
                service.name,
                p.effective,
                names.join(", ")
            ));
        }
        let state = &mut self.services[si];
        if let Some(before) = state.effective
            && before != p.effective
        {
            let cause = reasons.first().cloned().unwrap_or_else(|| {
                format!("{}: all checks and dependencies healthy", service.name)
            });
            state.transitions.push_back(Transition {
                at: now,
                from: before,
                to: p.effective,
                cause,
            });
            while state.transitions.len() > self.config.history_limit {
                state.transitions.pop_front();
            }
        }
        state.effective = Some(p.effective);
        ServiceSnapshot {
            id: service.id.clone(),
            name: service.name.clone(),
            own,
            effective: p.effective,
            is_root_cause: p.root_causes.contains(&si),
            impacted_by,
            checks,
            reasons,
            transitions: state.transitions.iter().cloned().collect(),
            alerts,
            maintenance,
        }
    }
}

/// The latest transitions of all services, newest first.
fn recent(services: &[ServiceSnapshot]) -> Vec<ServiceTransition> {
    let mut recent: Vec<ServiceTransition> = services
        .iter()
        .flat_map(|s| {
            s.transitions.iter().map(|t| ServiceTransition {
                service: s.id.clone(),
                transition: t.clone(),
            })
        })
        .collect();
    sorting::sort_by(&mut recent, |a, b| {
        b.transition.at.total_cmp(&a.transition.at)
    });
    recent.truncate(RECENT_TRANSITIONS);
    recent
}

impl CheckState {
    /// Applies the hold to a raw status; returns what to show (never better
    /// than `floor`) and what waits.
    fn step(&mut self, raw: Status, floor: Status, hold: u32) -> (Status, Option<Pending>) {
        let needed = hold.max(1);
        let Some(r) = level(raw) else {
            // Missing data is never held.
            self.shown = Some(raw);
            self.at_least = [0; 3];
            self.at_most = [0; 3];
            return (raw, None);
        };
        for l in 0..3 {
            self.at_least[l] = bump(self.at_least[l], r >= l);
            self.at_most[l] = bump(self.at_most[l], r <= l);
        }
        let Some(s) = self.shown.and_then(level) else {
            // Nothing shown yet, or leaving unknown: at once.
            self.shown = Some(raw);
            return (raw, None);
        };
        let up = (0..3).rev().find(|&l| self.at_least[l] >= needed);
        let down = (0..3).find(|&l| self.at_most[l] >= needed);
        let new = match (up, down) {
            (Some(u), _) if u > s => u,
            (_, Some(d)) if d < s => d,
            _ => s,
        };
        let held = LEVELS[new];
        self.shown = Some(held);
        let shown = held.worst(floor);
        let pending = (new != r).then(|| Pending {
            to: raw,
            seen: if r > new {
                self.at_least[r]
            } else {
                self.at_most[r]
            },
            needed,
        });
        (shown, pending)
    }

    /// Forgets instances not seen since `cutoff`: a node gone that long was
    /// removed or renamed, not lost (the memory is newest first).
    fn forget_before(&mut self, cutoff: f64) {
        let keep = self.seen_at.iter().take_while(|&&t| t >= cutoff).count();
        self.seen.truncate(keep);
        self.seen_at.truncate(keep);
    }

    /// Updates the memory of which instances report, keeping the most
    /// recent few: enough to name the ones that fall silent, bounded so a
    /// renamed node is forgotten. `seen` is sorted and has no duplicates.
    ///
    /// Usually the same instances report as last time: they are the
    /// memory's head already, in the same order, and only their times
    /// change. Otherwise the memory is rebuilt from two sorted lists.
    fn remember(&mut self, seen: &[&str], now: f64, n: u32) {
        let keep = 2 * n as usize + 2;
        let head = seen.len();
        let same_head = self.seen.len() >= head
            && self.seen.iter().zip(seen).all(|(a, b)| a == b)
            && self
                .seen_at
                .get(head)
                .is_none_or(|t| t.total_cmp(&now).is_lt());
        if same_head {
            self.seen_at[..head].fill(now);
        } else {
            let newest_first = |a: &(String, f64), b: &(String, f64)| {
                b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0))
            };
            let names = std::mem::take(&mut self.seen);
            let times = std::mem::take(&mut self.seen_at);
            // Both parts are in order already: the sort only merges them.
            let mut all: Vec<(String, f64)> =
                seen.iter().map(|&name| (name.to_owned(), now)).collect();
            all.extend(
                names
                    .into_iter()
                    .zip(times)
                    .filter(|(name, _)| seen.binary_search(&name.as_str()).is_err()),
            );
            sorting::sort_by(&mut all, newest_first);
            (self.seen, self.seen_at) = all.into_iter().unzip();
        }
        self.seen.truncate(keep);
        self.seen_at.truncate(keep);
    }
}

/// A check's reason with the hold it is waiting out: "…; critical pending
/// 1/2 (showing warning)", so a held change is read where the status is.
fn with_hold_note(reason: &str, shown: Status, p: Pending) -> String {
    let note = format!("{} pending {}/{} (showing {shown})", p.to, p.seen, p.needed);
    if reason.is_empty() {
        note
    } else {
        format!("{reason}; {note}")
    }
}

/// A run of consecutive evaluations, one longer or broken.
fn bump(run: u32, continues: bool) -> u32 {
    if continues { run.saturating_add(1) } else { 0 }
}

/// The known statuses in order, for the hold's counters.
const LEVELS: [Status; 3] = [Status::Healthy, Status::Warning, Status::Critical];

/// A known status's index in [`LEVELS`]; `None` for `unknown`, which is never held.
fn level(status: Status) -> Option<usize> {
    LEVELS.iter().position(|&l| l == status)
}

#[cfg(test)]
mod tests;
