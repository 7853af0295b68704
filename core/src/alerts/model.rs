//! The alert sources' answers as the engine sees them: validated, bounded,
//! times as Unix seconds, no wire quirk left.

use crate::prom::Labels;

/// At most this many alerts (or silences) of one answer are built; the
/// rest are counted. A 10,000-alert storm is shown as "+n more", never as
/// 10,000 objects in wasm memory (which never shrinks).
pub const MAX_ALERTS: usize = 10_000;

/// At most this many characters of an annotation are kept (a 100 KB
/// `description` becomes its first 2,000 characters and "…"). Annotations
/// are read on a wall screen and in a detail panel, not archived.
pub const MAX_ANNOTATION_CHARS: usize = 2_000;

/// The annotations the dashboard shows; the rest are dropped. All text,
/// never markup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    /// `summary`, bounded to [`MAX_ANNOTATION_CHARS`].
    pub summary: Option<String>,
    /// `description`, bounded to [`MAX_ANNOTATION_CHARS`].
    pub description: Option<String>,
    /// `runbook_url`, only when it is an `http://` or `https://` URL
    /// without whitespace or control characters: a `javascript:` or `data:`
    /// URL is never a link.
    pub runbook_url: Option<String>,
}

/// Whether a Prometheus rule's alert waits out its `for:` or fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleAlertState {
    /// The condition holds, not yet for the rule's `for:`.
    Pending,
    /// Firing.
    Firing,
}

/// One alert of a Prometheus alerting rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleAlert {
    /// All its labels (`alertname`, the rule's static labels, the series').
    pub labels: Labels,
    /// What it says.
    pub annotations: Annotations,
    /// Pending or firing.
    pub state: RuleAlertState,
    /// Since when it is active (Unix seconds); `None` when missing or unreadable.
    pub active_at: Option<f64>,
    /// The value that made it active; NaN when missing or unreadable (shown, never judged).
    pub value: f64,
}

/// Whether a rule could be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleHealth {
    /// Its last evaluation worked.
    Ok,
    /// Not evaluated yet.
    Unknown,
    /// Its last evaluation failed: its alerts are not known.
    Err {
        /// Prometheus's `lastError` (bounded).
        last_error: String,
    },
}

/// One alerting rule with its current alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// The rule's name: its alerts' `alertname`.
    pub name: String,
    /// Its rule group.
    pub group: String,
    /// Its static labels (without `alertname`).
    pub labels: Labels,
    /// Its evaluation health.
    pub health: RuleHealth,
    /// Its pending and firing alerts (bounded with the answer's others).
    pub alerts: Vec<RuleAlert>,
}

/// Prometheus's `/api/v1/rules?type=alert`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertRules {
    /// The alerting rules, in Prometheus's order (recording rules are dropped).
    pub rules: Vec<AlertRule>,
    /// Alerts beyond [`MAX_ALERTS`] in the answer, counted, not built.
    pub skipped_alerts: usize,
}

impl AlertRules {
    /// Every alert of every rule, with its rule.
    pub fn alerts(&self) -> impl Iterator<Item = (&AlertRule, &RuleAlert)> {
        self.rules
            .iter()
            .flat_map(|r| r.alerts.iter().map(move |a| (r, a)))
    }
}

/// Alertmanager's state of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmAlertState {
    /// Firing and notified.
    Active,
    /// Firing but silenced or inhibited.
    Suppressed,
    /// Just received, not yet through the pipeline: firing as far as
    /// anyone knows.
    Unprocessed,
}

/// One alert as Alertmanager holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct AmAlert {
    /// All its labels (Prometheus's plus external labels).
    pub labels: Labels,
    /// What it says.
    pub annotations: Annotations,
    /// Alertmanager's fingerprint of the label set.
    pub fingerprint: String,
    /// Since when it fires (Unix seconds); `None` when missing or unreadable.
    pub starts_at: Option<f64>,
    /// Active, suppressed, unprocessed.
    pub state: AmAlertState,
    /// Ids of the silences that mute it.
    pub silenced_by: Vec<String>,
    /// Fingerprints of the alerts that inhibit it.
    pub inhibited_by: Vec<String>,
}

/// Alertmanager's `/api/v2/alerts`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AmAlerts {
    /// The alerts, at most [`MAX_ALERTS`].
    pub alerts: Vec<AmAlert>,
    /// Alerts beyond that, counted.
    pub skipped: usize,
}

/// A silence's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SilenceState {
    /// In force now.
    Active,
    /// Starts later.
    Pending,
    /// Over (ended or deleted).
    Expired,
}

/// One matcher of a silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceMatcher {
    /// Label name.
    pub name: String,
    /// Value or regular expression.
    pub value: String,
    /// `=~`/`!~` rather than `=`/`!=`.
    pub is_regex: bool,
    /// `=`/`=~` rather than `!=`/`!~` (Alertmanager's default is `true`).
    pub is_equal: bool,
}

/// One silence in Alertmanager.
#[derive(Debug, Clone, PartialEq)]
pub struct Silence {
    /// Alertmanager's id.
    pub id: String,
    /// Active, pending, expired.
    pub state: SilenceState,
    /// What it mutes (all of them must match).
    pub matchers: Vec<SilenceMatcher>,
    /// Who made it (bounded).
    pub created_by: String,
    /// Why (bounded).
    pub comment: String,
    /// From when (Unix seconds); `None` when unreadable.
    pub starts_at: Option<f64>,
    /// Until when (Unix seconds); `None` when unreadable (then it is not
    /// trusted to mute anything).
    pub ends_at: Option<f64>,
}

impl Silence {
    /// In force at `now`: active by Alertmanager's word and not past its
    /// end (a silence read before an Alertmanager outage stops counting at
    /// its `endsAt`, whatever state it was read in).
    pub fn in_force(&self, now: f64) -> bool {
        self.state == SilenceState::Active
            && self.ends_at.is_some_and(|end| end > now)
            && self.starts_at.is_none_or(|start| start <= now)
    }
}

/// Alertmanager's `/api/v2/silences`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Silences {
    /// The silences, at most [`MAX_ALERTS`].
    pub silences: Vec<Silence>,
    /// Silences beyond that, counted.
    pub skipped: usize,
}

/// What the dashboard reads from Alertmanager's `/api/v2/status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmStatus {
    /// `versionInfo.version` ("0.25.0"), if given.
    pub version: Option<String>,
}

/// Whether `url` may be a link: `http://` or `https://` (any case) with
/// something after it, no whitespace or control characters. Anything else
/// (`javascript:`, `data:`, a relative path) is refused.
pub fn is_http_url(url: &str) -> bool {
    let lower: String = url.chars().take(8).collect::<String>().to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `text` cut to `max` characters, with "…" when cut.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => {
            let mut out = text[..at].to_owned();
            out.push('…');
            out
        }
        None => text.to_owned(),
    }
}
