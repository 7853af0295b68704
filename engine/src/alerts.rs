//! Alerts as a second source: Prometheus's alerting rules and Alertmanager's
//! alerts and silences, matched to services, judged and explained.
//!
//! The public part is what the screen shows ([`ServiceAlerts`],
//! [`AlertView`], [`Maintenance`], [`UnmatchedAlerts`],
//! [`AlertSourceProblem`]); the rules that make it (docs/semantics.md,
//! "Alerts") are in `judge.rs`, the label matchers in [`matcher`]. Alerts
//! never make anything greener: a firing alert can only raise a service's
//! own status, and what cannot be read (Prometheus's rules, or every source)
//! is `unknown` for every service that declares `alerts:`.

use panopticon_core::Status;
pub use panopticon_core::alerts::AlertSource;

/// How many alerts not matched to any service a snapshot lists by name;
/// the rest are counted ([`UnmatchedAlerts::more`]).
pub const UNMATCHED_LISTED: usize = 20;

/// What an alert is doing, as the screen says it (`data-alert-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertState {
    /// Firing and not muted: raises the status its severity maps to.
    Firing,
    /// Its rule's condition holds but not yet for its `for:`: shown, no status.
    Pending,
    /// Firing, but silenced in Alertmanager: shown muted, no status.
    Silenced,
    /// Firing, but inhibited by another alert in Alertmanager: shown muted, no status.
    Inhibited,
}

impl AlertState {
    /// `firing`, `pending`, `silenced`, `inhibited`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertState::Firing => "firing",
            AlertState::Pending => "pending",
            AlertState::Silenced => "silenced",
            AlertState::Inhibited => "inhibited",
        }
    }

    /// Silenced or inhibited: firing, but it raises nothing.
    pub const fn is_muted(self) -> bool {
        matches!(self, AlertState::Silenced | AlertState::Inhibited)
    }
}

/// One alert as the screen shows it. Every string comes from the alert
/// source and is untrusted: shown as text, bounded by the decoder.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    /// The `alertname` label.
    pub name: String,
    /// Firing, pending or muted.
    pub state: AlertState,
    /// The `severity` label as written (`""` when it has none), for `data-severity`.
    pub severity: String,
    /// The status it raises its service to: `Some` only while firing and
    /// not muted, and only when its severity maps to a status.
    pub raises: Option<Status>,
    /// The status its severity maps to whether or not it raises it now
    /// (`None`: info/none, listed only).
    pub severity_status: Option<Status>,
    /// Since when it is in its state (Unix seconds): Prometheus's `activeAt`
    /// or Alertmanager's `startsAt`. `None` when the source did not say or
    /// said a time that cannot be right (in the future).
    pub since: Option<f64>,
    /// The `instance` label, if any.
    pub instance: Option<String>,
    /// The `summary` annotation, if any.
    pub summary: Option<String>,
    /// The `description` annotation, if any.
    pub description: Option<String>,
    /// The `runbook_url` annotation, only when it is an `http(s)` URL
    /// (anything else, such as `javascript:`, is dropped).
    pub runbook_url: Option<String>,
    /// The silence that mutes it (state [`AlertState::Silenced`]).
    pub silence: Option<SilenceView>,
    /// What inhibits it (state [`AlertState::Inhibited`]): each inhibiting
    /// alert's name and instance ("`ConsulDown` on node-1:8500") when
    /// Alertmanager lists it, else its fingerprint.
    pub inhibited_by: Vec<String>,
    /// The alert's reason as the service's reasons say it: "alert
    /// `ConsulNoQuorum` firing for 3m on node-1:8500".
    pub reason: String,
}

/// A silence in Alertmanager, as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SilenceView {
    /// Alertmanager's id of the silence.
    pub id: String,
    /// Who created it (`createdBy`).
    pub created_by: String,
    /// Why (`comment`).
    pub comment: String,
    /// Until when, Unix seconds (`endsAt`).
    pub ends_at: f64,
}

/// The alerts matched to one service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceAlerts {
    /// The service declares `alerts:` matchers (otherwise the rest is empty).
    pub declared: bool,
    /// Its alerts: firing first, then muted, then pending; each by name.
    pub alerts: Vec<AlertView>,
    /// How many of them are firing and not muted (`data-alerts`).
    pub firing: usize,
    /// The worst status its alerts contribute to its own status (firing
    /// alerts' severities; `unknown` when its alerts cannot be read or a
    /// matching rule fails); `None`: nothing.
    pub status: Option<Status>,
    /// The reasons its alert part gives, worst first (also in the
    /// service's `reasons`).
    pub reasons: Vec<String>,
}

impl ServiceAlerts {
    /// The number of firing (not muted) alerts, for `data-alerts`.
    pub fn firing_count(&self) -> usize {
        self.firing
    }
}

/// Why a service is in maintenance (it is shown with a marker; its status
/// underneath is still shown).
#[derive(Debug, Clone, PartialEq)]
pub struct Maintenance {
    /// The silences that put it there (muting its alerts, or covering its
    /// own matchers), by id.
    pub silences: Vec<SilenceView>,
    /// In words: "every firing alert is silenced (by alice until 14:00 UTC)"
    /// or "covered by silence 1a2b… by alice".
    pub reason: String,
}

/// Firing alerts no service's matchers select: listed so nothing firing is
/// invisible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnmatchedAlerts {
    /// The first [`UNMATCHED_LISTED`] of them, by name.
    pub alerts: Vec<AlertView>,
    /// How many more there are.
    pub more: usize,
}

impl UnmatchedAlerts {
    /// All of them, listed or not.
    pub fn total(&self) -> usize {
        self.alerts.len() + self.more
    }

    /// None at all.
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

/// An alert source that cannot be read: which, why, and what the screen
/// does about it. Its own problem, never "Prometheus unreachable".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSourceProblem {
    /// Which source (`data-source`).
    pub source: AlertSource,
    /// The failure, worded for operators ("Alertmanager unreachable: …",
    /// "Alertmanager is slow: no answer within 5 s").
    pub message: String,
    /// What that means for the statuses, in one sentence.
    pub consequence: String,
}

mod judge;
pub mod matcher;

pub use judge::AlertAnswers;
pub(crate) use judge::{AlertMemory, AlertPart, Judgement};
