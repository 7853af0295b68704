//! The alert part of a service's status (docs/semantics.md, "Alerts").
//!
//! - Firing alerts are Alertmanager's (active → firing, suppressed →
//!   silenced or inhibited) plus Prometheus's firing alerts Alertmanager does
//!   not list (the same label set; Alertmanager's may carry more, its
//!   external labels). Pending alerts come from Prometheus only.
//! - A firing alert matched by a service raises its own status to what its
//!   severity maps to; muted and pending alerts are listed, raise nothing.
//! - Never greener: an unreadable source leaves the other's alerts counting
//!   (with Alertmanager down, Prometheus's firing alerts, the silences last
//!   read applied until their end). Prometheus's rules unreadable makes
//!   every service that declares `alerts:` at least `unknown`: whether its
//!   rules work is not known (Alertmanager's firing alerts still raise it
//!   further); so does Alertmanager unreadable when it is the only source. A
//!   failing rule whose labels match a service makes it `unknown`; alerts
//!   beyond the decoder's bound make every declaring service at least
//!   `unknown` (one of them may be its).
//! - A service is in maintenance when it has firing alerts and every one is
//!   muted, or when a silence in force covers its own matchers.

use std::collections::{HashMap, HashSet};

use panopticon_core::Status;
use panopticon_core::alerts::{
    AlertAnswer, AlertRequest, AlertRules, AlertSource, AlertSourceError, AmAlert, AmAlertState,
    AmAlerts, Annotations, RuleAlertState, RuleHealth, Silence, Silences,
};
use panopticon_core::prom::Labels;
use panopticon_core::sorting;

use super::matcher::{LabelMatcher, MatchOp};
use super::{
    AlertState, AlertView, Maintenance, ServiceAlerts, SilenceView, UNMATCHED_LISTED,
    UnmatchedAlerts,
};
use crate::config::{Config, Service};

/// One refresh's answers of the alert sources. `None`: not answered (yet),
/// which counts as a failure once the refresh is judged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertAnswers {
    /// Whether the alert sources were asked at all this round; `false`
    /// judges the checks alone (tools and tests without alert answers).
    pub asked: bool,
    /// Prometheus's rules.
    pub rules: Option<Result<AlertRules, AlertSourceError>>,
    /// Alertmanager's alerts.
    pub alerts: Option<Result<AmAlerts, AlertSourceError>>,
    /// Alertmanager's silences.
    pub silences: Option<Result<Silences, AlertSourceError>>,
}

impl AlertAnswers {
    /// A round that asks the alert sources; answers arrive through [`AlertAnswers::take`].
    pub fn asked() -> AlertAnswers {
        AlertAnswers {
            asked: true,
            ..AlertAnswers::default()
        }
    }

    /// Files the answer to `request`. An answer of another kind than asked
    /// (which the decoder never produces) is kept as a decode error.
    pub fn take(&mut self, request: AlertRequest, answer: Result<AlertAnswer, AlertSourceError>) {
        let wrong = || AlertSourceError::Decode {
            line: 0,
            column: 0,
            message: format!("an answer of another kind than {}", request.path()),
        };
        match request {
            AlertRequest::PrometheusRules => {
                self.rules = Some(answer.and_then(|a| match a {
                    AlertAnswer::Rules(r) => Ok(r),
                    _ => Err(wrong()),
                }));
            }
            AlertRequest::AmAlerts => {
                self.alerts = Some(answer.and_then(|a| match a {
                    AlertAnswer::Alerts(r) => Ok(r),
                    _ => Err(wrong()),
                }));
            }
            AlertRequest::AmSilences => {
                self.silences = Some(answer.and_then(|a| match a {
                    AlertAnswer::Silences(r) => Ok(r),
                    _ => Err(wrong()),
                }));
            }
            // Read once for the source info; no part of a verdict.
            AlertRequest::AmStatus => {}
        }
    }

    /// The failure of `source` in this round, if any: its first failed (or
    /// unanswered) request. A cancelled request is no failure of the source.
    pub fn failure(&self, config: &Config, source: AlertSource) -> Option<AlertSourceError> {
        let unanswered = || AlertSourceError::Unreachable {
            reason: "no answer".to_owned(),
        };
        let of = |e: &AlertSourceError| (!e.is_canceled()).then(|| e.clone());
        match source {
            AlertSource::PrometheusRules if config.alerts.prometheus => match &self.rules {
                None => Some(unanswered()),
                Some(r) => r.as_ref().err().and_then(of),
            },
            AlertSource::Alertmanager if config.alertmanager.is_some() => {
                let alerts = match &self.alerts {
                    None => Some(unanswered()),
                    Some(r) => r.as_ref().err().and_then(of),
                };
                alerts.or_else(|| match &self.silences {
                    None => Some(unanswered()),
                    Some(r) => r.as_ref().err().and_then(of),
                })
            }
            _ => None,
        }
    }
}

/// One service's slice of the alert judgement: its alerts, the reasons
/// they give (full sentences, with their status) and its maintenance.
pub(crate) type AlertPart = (ServiceAlerts, Vec<(Status, String)>, Option<Maintenance>);

/// What is remembered across refreshes: the silences last read, which stay
/// applied to Prometheus's firing alerts while Alertmanager cannot be read,
/// each until its own end.
#[derive(Debug, Clone, Default)]
pub(crate) struct AlertMemory {
    silences: Vec<Silence>,
}

/// The alert part of one evaluation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Judgement {
    /// Per service (config order): its alerts, the reasons they give with
    /// their status (full sentences), and its maintenance.
    pub services: Vec<AlertPart>,
    /// Firing alerts no service matched.
    pub unmatched: UnmatchedAlerts,
}

/// One alert as judged, before it is matched to services.
struct Seen<'a> {
    labels: &'a Labels,
    annotations: &'a Annotations,
    state: AlertState,
    since: Option<f64>,
    silence: Option<SilenceView>,
    inhibited_by: Vec<String>,
}

impl AlertMemory {
    /// Whether any silence is remembered: while Alertmanager cannot be read,
    /// the source error may only promise "silences last read stay applied"
    /// when there are some.
    pub(crate) fn remembers_silences(&self) -> bool {
        !self.silences.is_empty()
    }

    /// Judges this round's answers at `now` (the server's time).
    pub(crate) fn judge(&mut self, config: &Config, now: f64, answers: &AlertAnswers) -> Judgement {
        if !answers.asked || !config.reads_alerts() {
            return Judgement {
                services: config
                    .services
                    .iter()
                    .map(|s| {
                        let alerts = ServiceAlerts {
                            declared: !s.alerts.is_empty(),
                            ..ServiceAlerts::default()
                        };
                        (alerts, Vec::new(), None)
                    })
                    .collect(),
                unmatched: UnmatchedAlerts::default(),
            };
        }
        let rules = answers.rules.as_ref().and_then(|r| r.as_ref().ok());
        let am = answers.alerts.as_ref().and_then(|r| r.as_ref().ok());
        if let Some(Ok(silences)) = &answers.silences {
            self.silences.clone_from(&silences.silences);
        }
        // Silences past their end are forgotten whatever the source says later.
        self.silences
            .retain(|s| s.ends_at.is_some_and(|end| end > now));
        let silences_current = matches!(&answers.silences, Some(Ok(_)));

        let in_force: Vec<&Silence> = self.silences.iter().filter(|s| s.in_force(now)).collect();
        let failures: Vec<String> = [AlertSource::PrometheusRules, AlertSource::Alertmanager]
            .into_iter()
            .filter_map(|src| answers.failure(config, src).map(|e| e.describe(src)))
            .collect();
        let rules_failed = config.alerts.prometheus && rules.is_none();
        let only_source_failed = !config.alerts.prometheus && am.is_none();
        let unreadable = if rules_failed && am.is_some() {
            Some(format!(
                "alert rules cannot be read: {} (Alertmanager's firing alerts still count)",
                failures.join("; ")
            ))
        } else if rules_failed || only_source_failed {
            Some(format!("alerts cannot be read: {}", failures.join("; ")))
        } else {
            None
        };

        let seen = collect(rules, am, &in_force, silences_current);
        let skipped = rules.map_or(0, |r| r.skipped_alerts) + am.map_or(0, |a| a.skipped);

        let mut matched_any = vec![false; seen.len()];
        let services = config
            .services
            .iter()
            .map(|service| {
                judge_service(
                    config,
                    service,
                    now,
                    &seen,
                    &mut matched_any,
                    rules,
                    &in_force,
                    unreadable.as_deref(),
                    skipped,
                )
            })
            .collect();
        let mut unmatched: Vec<AlertView> = seen
            .iter()
            .zip(&matched_any)
            .filter(|(a, matched)| !**matched && a.state != AlertState::Pending)
            .map(|(a, _)| view(config, now, a))
            .collect();
        sort_views(&mut unmatched);
        let more = unmatched.len().saturating_sub(UNMATCHED_LISTED) + skipped;
        unmatched.truncate(UNMATCHED_LISTED);
        Judgement {
            services,
            unmatched: UnmatchedAlerts {
                alerts: unmatched,
                more,
            },
        }
    }
}

/// The joined list of firing, muted and pending alerts.
fn collect<'a>(
    rules: Option<&'a AlertRules>,
    am: Option<&'a AmAlerts>,
    in_force: &[&Silence],
    silences_current: bool,
) -> Vec<Seen<'a>> {
    let mut seen: Vec<Seen<'a>> = Vec::new();
    // Label sets already listed, so the same alert counts once (hashed: an
    // alert storm is 10,000 of them).
    let mut listed: HashSet<&'a Labels> = HashSet::new();
    // Alertmanager's alerts by (alertname, instance), and by alertname for
    // a Prometheus alert without an instance: its labels are contained in
    // its copy's, so both share these values.
    let mut by_name_instance: HashMap<(&str, &str), Vec<&'a Labels>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<&'a Labels>> = HashMap::new();
    let silences: Vec<(&Silence, Option<Vec<LabelMatcher>>)> =
        in_force.iter().map(|s| (*s, compiled(s))).collect();
    let view_of = |id: &str| {
        in_force
            .iter()
            .find(|s| s.id == id)
            .map(|s| silence_view(s, silences_current))
    };
    if let Some(am) = am {
        let names = inhibitor_names(am);
        for a in &am.alerts {
            let name = label(&a.labels, "alertname");
            by_name_instance
                .entry((name, label(&a.labels, "instance")))
                .or_default()
                .push(&a.labels);
            by_name.entry(name).or_default().push(&a.labels);
            if !listed.insert(&a.labels) {
                continue;
            }
            let (state, silence, inhibited_by) = am_state(a, view_of, &names);
            seen.push(Seen {
                labels: &a.labels,
                annotations: &a.annotations,
                state,
                since: a.starts_at,
                silence,
                inhibited_by,
            });
        }
    }
    if let Some(rules) = rules {
        for (_, a) in rules.alerts() {
            let name = label(&a.labels, "alertname");
            let candidates = if a.labels.contains_key("instance") {
                by_name_instance.get(&(name, label(&a.labels, "instance")))
            } else {
                by_name.get(name)
            };
            let known_to_am = candidates.is_some_and(|c| {
                c.iter()
                    .any(|m| a.labels.iter().all(|(k, v)| m.get(k) == Some(v)))
            });
            if a.state == RuleAlertState::Firing && known_to_am {
                continue;
            }
            if !listed.insert(&a.labels) {
                continue;
            }
            let (state, silence) = match a.state {
                RuleAlertState::Pending => (AlertState::Pending, None),
                RuleAlertState::Firing => {
                    // Not (yet) in Alertmanager, or Alertmanager unreadable:
                    // muted only by a silence in force that matches it.
                    let muting = silences
                        .iter()
                        .find(|(_, m)| {
                            m.as_ref()
                                .is_some_and(|m| m.iter().all(|m| m.matches(&a.labels)))
                        })
                        .map(|(s, _)| *s);
                    match muting {
                        Some(s) if am.is_none() => (
                            AlertState::Silenced,
                            Some(silence_view(s, silences_current)),
                        ),
                        _ => (AlertState::Firing, None),
                    }
                }
            };
            seen.push(Seen {
                labels: &a.labels,
                annotations: &a.annotations,
                state,
                since: a.active_at,
                silence,
                inhibited_by: Vec::new(),
            });
        }
    }
    seen
}

/// A silence's matchers compiled once per judgement (Alertmanager's rule:
/// all must match); `None` when one cannot be compiled, so it mutes nothing.
fn compiled(silence: &Silence) -> Option<Vec<LabelMatcher>> {
    if silence.matchers.is_empty() {
        return None;
    }
    silence
        .matchers
        .iter()
        .map(|m| LabelMatcher::new(&m.name, MatchOp::of_silence(m), &m.value).ok())
        .collect()
}

/// Alertmanager's word on one alert: firing, silenced (with the silence
/// in force that mutes it) or inhibited (by what).
fn am_state(
    a: &AmAlert,
    silence: impl Fn(&str) -> Option<SilenceView>,
    names: &HashMap<&str, String>,
) -> (AlertState, Option<SilenceView>, Vec<String>) {
    let inhibitors = || -> Vec<String> {
        a.inhibited_by
            .iter()
            .map(|f| names.get(f.as_str()).cloned().unwrap_or_else(|| f.clone()))
            .collect()
    };
    match a.state {
        AmAlertState::Active | AmAlertState::Unprocessed => (AlertState::Firing, None, Vec::new()),
        AmAlertState::Suppressed if a.silenced_by.is_empty() && !a.inhibited_by.is_empty() => {
            (AlertState::Inhibited, None, inhibitors())
        }
        AmAlertState::Suppressed => (
            AlertState::Silenced,
            a.silenced_by.iter().find_map(|id| silence(id)),
            inhibitors(),
        ),
    }
}

/// What inhibits an alert, as an operator knows it: the inhibiting alert's
/// name and instance, by Alertmanager's fingerprint.
fn inhibitor_names(am: &AmAlerts) -> HashMap<&str, String> {
    am.alerts
        .iter()
        .map(|a| {
            let mut name = label(&a.labels, "alertname").to_owned();
            if let Some(i) = a.labels.get("instance") {
                name.push_str(" on ");
                name.push_str(i);
            }
            (a.fingerprint.as_str(), name)
        })
        .collect()
}

/// A label's value, `""` when absent (as matchers read it).
fn label<'a>(labels: &'a Labels, name: &str) -> &'a str {
    labels.get(name).map_or("", String::as_str)
}

fn silence_view(s: &Silence, current: bool) -> SilenceView {
    let mut comment = s.comment.clone();
    if !current {
        comment.push_str(" (as last read: Alertmanager cannot be read now)");
    }
    SilenceView {
        id: s.id.clone(),
        created_by: s.created_by.clone(),
        comment,
        ends_at: s.ends_at.unwrap_or(0.0),
    }
}

#[allow(clippy::too_many_arguments)] // one service's slice of one judgement
fn judge_service(
    config: &Config,
    service: &Service,
    now: f64,
    seen: &[Seen<'_>],
    matched_any: &mut [bool],
    rules: Option<&AlertRules>,
    in_force: &[&Silence],
    unreadable: Option<&str>,
    skipped: usize,
) -> AlertPart {
    if service.alerts.is_empty() {
        return (ServiceAlerts::default(), Vec::new(), None);
    }
    let selects = |labels: &Labels| service.alerts.iter().any(|s| s.matches(labels));
    let mut views = Vec::new();
    for (i, a) in seen.iter().enumerate() {
        if selects(a.labels) {
            matched_any[i] = true;
            views.push(view(config, now, a));
        }
    }
    sort_views(&mut views);
    let mut reasons: Vec<(Status, String)> = Vec::new();
    let name = &service.name;
    for v in &views {
        if let Some(status) = v.raises {
            reasons.push((status, format!("{name}: {}", v.reason)));
        }
    }
    if let Some(why) = unreadable {
        reasons.push((Status::Unknown, format!("{name}: {why}")));
    }
    for rule in rules.map(|r| r.rules.as_slice()).unwrap_or_default() {
        if let RuleHealth::Err { last_error } = &rule.health {
            let mut labels = rule.labels.clone();
            labels.insert("alertname".to_owned(), rule.name.clone());
            if selects(&labels) {
                reasons.push((
                    Status::Unknown,
                    format!("{name}: alert rule {} fails: {last_error}", rule.name),
                ));
            }
        }
    }
    if skipped > 0 {
        reasons.push((
            Status::Unknown,
            format!(
                "{name}: alerts incomplete: {skipped} alerts beyond the first {} were not read",
                panopticon_core::alerts::MAX_ALERTS
            ),
        ));
    }
    sorting::sort_by_key(&mut reasons, |r| std::cmp::Reverse(r.0));
    let status = Status::worst_of(reasons.iter().map(|r| r.0));
    let firing = views
        .iter()
        .filter(|v| v.state == AlertState::Firing)
        .count();
    let maintenance = maintenance(service, &views, in_force);
    let alerts = ServiceAlerts {
        declared: true,
        firing,
        status,
        reasons: reasons.iter().map(|r| r.1.clone()).collect(),
        alerts: views,
    };
    (alerts, reasons, maintenance)
}

fn maintenance(
    service: &Service,
    views: &[AlertView],
    in_force: &[&Silence],
) -> Option<Maintenance> {
    let active: Vec<&AlertView> = views
        .iter()
        .filter(|v| v.state != AlertState::Pending)
        .collect();
    if !active.is_empty() && active.iter().all(|v| v.state.is_muted()) {
        let silences: Vec<SilenceView> =
            dedup_silences(active.iter().filter_map(|v| v.silence.clone()));
        let by = silences
            .first()
            .map(|s| format!(" ({})", silence_words(s)))
            .unwrap_or_default();
        return Some(Maintenance {
            silences,
            reason: format!("every firing alert is silenced or inhibited{by}"),
        });
    }
    let covering = in_force.iter().find(|s| {
        service
            .alerts
            .iter()
            .all(|sel| sel.implies_silence(&s.matchers))
    })?;
    let view = silence_view(covering, true);
    Some(Maintenance {
        reason: format!("covered by a silence ({})", silence_words(&view)),
        silences: vec![view],
    })
}

fn dedup_silences(all: impl Iterator<Item = SilenceView>) -> Vec<SilenceView> {
    let mut out: Vec<SilenceView> = Vec::new();
    for s in all {
        if !out.iter().any(|o| o.id == s.id) {
            out.push(s);
        }
    }
    out
}

/// "by alice@example.org until 2026-11-27 20:34 UTC: Vault maintenance".
fn silence_words(s: &SilenceView) -> String {
    let mut out = format!("by {} until {}", s.created_by, utc(s.ends_at));
    if !s.comment.is_empty() {
        out.push_str(": ");
        out.push_str(&s.comment);
    }
    out
}

fn view(config: &Config, now: f64, a: &Seen<'_>) -> AlertView {
    let name = a
        .labels
        .get("alertname")
        .cloned()
        .unwrap_or_else(|| "(no alertname)".to_owned());
    let severity = a.labels.get("severity").cloned().unwrap_or_default();
    let severity_status = config
        .alerts
        .status_of(a.labels.get("severity").map(String::as_str));
    // A start in the future cannot be right (a skewed source clock): no "for".
    let since = a.since.filter(|&t| t <= now + 1.0);
    let instance = a.labels.get("instance").cloned();
    let mut reason = format!("alert {name} {}", a.state.as_str());
    if let Some(t) = since {
        reason.push_str(" for ");
        reason.push_str(&short_duration(now - t));
    }
    if let Some(i) = &instance {
        reason.push_str(" on ");
        reason.push_str(i);
    }
    match (&a.silence, a.state) {
        (Some(s), AlertState::Silenced) => {
            reason.push_str(" — silenced ");
            reason.push_str(&silence_words(s));
        }
        (_, AlertState::Inhibited) => {
            reason.push_str(" — inhibited by ");
            reason.push_str(&a.inhibited_by.join(", "));
        }
        _ => {}
    }
    AlertView {
        raises: (a.state == AlertState::Firing)
            .then_some(severity_status)
            .flatten(),
        severity_status,
        name,
        state: a.state,
        severity,
        since,
        instance,
        summary: a.annotations.summary.clone(),
        description: a.annotations.description.clone(),
        runbook_url: a.annotations.runbook_url.clone(),
        silence: a.silence.clone(),
        inhibited_by: a.inhibited_by.clone(),
        reason,
    }
}

/// Firing (worst severity first), then muted, then pending; by name and instance.
fn sort_views(views: &mut [AlertView]) {
    let rank = |v: &AlertView| match v.state {
        AlertState::Firing => 0,
        AlertState::Silenced | AlertState::Inhibited => 1,
        AlertState::Pending => 2,
    };
    sorting::sort_by(views, |a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| b.raises.cmp(&a.raises))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.instance.cmp(&b.instance))
    });
}

/// "20s", "3m", "2h", "4d", as Prometheus writes durations.
fn short_duration(secs: f64) -> String {
    let s = secs.max(0.0);
    if s < 60.0 {
        format!("{s:.0}s")
    } else if s < 3600.0 {
        format!("{:.0}m", (s / 60.0).floor())
    } else if s < 86_400.0 {
        format!("{:.0}h", (s / 3600.0).floor())
    } else {
        format!("{:.0}d", (s / 86_400.0).floor())
    }
}

/// "2026-11-27 20:34 UTC".
pub(crate) fn utc(unix: f64) -> String {
    #[allow(clippy::cast_possible_truncation)] // times of silences, far inside i64
    let secs = unix.floor() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        (rest % 3600) / 60
    )
}
