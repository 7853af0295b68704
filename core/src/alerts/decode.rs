//! An alert source's HTTP answer (status, content type, body) to domain
//! types or an [`AlertSourceError`] an operator can read.
//!
//! As for queries, only a 2xx answer can be data, a body over the limit is
//! refused, and each list is built only up to [`MAX_ALERTS`] elements.
//! Nothing here panics, whatever the bytes.

use std::collections::BTreeMap;

use super::error::AlertSourceError;
use super::model::{
    AlertRule, AlertRules, AmAlert, AmAlertState, AmAlerts, AmStatus, Annotations, MAX_ALERTS,
    MAX_ANNOTATION_CHARS, RuleAlert, RuleAlertState, RuleHealth, Silence, SilenceMatcher,
    SilenceState, Silences, bounded, is_http_url,
};
use super::request::AlertRequest;
use super::time::parse_rfc3339;
use super::wire;
use crate::prom::{EXCERPT_CHARS, excerpt, page_excerpt};

/// Bounds on one alert source answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertLimits {
    /// Largest successful body accepted (`datasource.max_answer_bytes`).
    pub max_bytes: u64,
    /// Most alerts (or silences) built from one answer; the rest are counted.
    pub max_alerts: usize,
}

impl AlertLimits {
    /// `max_bytes` with [`MAX_ALERTS`].
    pub const fn new(max_bytes: u64) -> AlertLimits {
        AlertLimits {
            max_bytes,
            max_alerts: MAX_ALERTS,
        }
    }
}

/// One decoded answer, by what was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertAnswer {
    /// Prometheus's alerting rules and their alerts.
    Rules(AlertRules),
    /// Alertmanager's alerts.
    Alerts(AmAlerts),
    /// Alertmanager's silences.
    Silences(Silences),
    /// Alertmanager's status.
    Status(AmStatus),
}

/// Decodes the answer to `request`.
pub fn decode_alert_answer(
    request: AlertRequest,
    limits: &AlertLimits,
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<AlertAnswer, AlertSourceError> {
    let body = usable(limits, http_status, content_type, body)?;
    match request {
        AlertRequest::PrometheusRules => decode_rules(body, limits).map(AlertAnswer::Rules),
        AlertRequest::AmAlerts => decode_am_alerts(body, limits).map(AlertAnswer::Alerts),
        AlertRequest::AmSilences => decode_silences(body, limits).map(AlertAnswer::Silences),
        AlertRequest::AmStatus => decode_status(body).map(AlertAnswer::Status),
    }
}

/// The body of a successful JSON answer within the size limit, or why not.
fn usable<'b>(
    limits: &AlertLimits,
    status: u16,
    content_type: Option<&str>,
    body: &'b [u8],
) -> Result<&'b [u8], AlertSourceError> {
    if !(200..300).contains(&status) {
        return Err(failed(status, content_type, body));
    }
    let size = u64::try_from(body.len()).unwrap_or(u64::MAX);
    if size > limits.max_bytes {
        return Err(AlertSourceError::TooLarge {
            bytes: Some(size),
            limit: limits.max_bytes,
        });
    }
    if !matches!(first_byte(body), Some(b'{' | b'[')) {
        // A proxy's or an SPA's page at the wrong path, answered 200.
        return Err(not_json(status, content_type, body));
    }
    Ok(body)
}

/// A failing answer: the source's own JSON error if it is one, the page's
/// words otherwise.
fn failed(status: u16, content_type: Option<&str>, body: &[u8]) -> AlertSourceError {
    let api = |message: String| AlertSourceError::Api {
        status,
        message: bounded(&message, EXCERPT_CHARS),
    };
    let mut prom = wire::PromError::default();
    if wire::parse_into(body, &mut prom).is_ok() && prom.status.0.as_deref() == Some("error") {
        let message = match (prom.error_type, prom.error) {
            (Some(t), Some(m)) => format!("{t}: {m}"),
            (t, m) => t.or(m).unwrap_or_else(|| "(no message)".to_owned()),
        };
        return api(message);
    }
    let mut am = wire::AmError::default();
    if wire::parse_into(body, &mut am).is_ok()
        && let Some(message) = am.message.0
    {
        return api(message);
    }
    let mut text = String::new();
    if wire::parse_into(body, &mut text).is_ok() {
        return api(text);
    }
    not_json(status, content_type, body)
}

fn not_json(status: u16, content_type: Option<&str>, body: &[u8]) -> AlertSourceError {
    let html = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || first_byte(body) == Some(b'<');
    AlertSourceError::Http {
        status,
        excerpt: if html {
            page_excerpt(body)
        } else {
            excerpt(body)
        },
    }
}

fn first_byte(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn decode_error(err: &serde_json::Error) -> AlertSourceError {
    AlertSourceError::Decode {
        line: err.line(),
        column: err.column(),
        message: bounded(&err.to_string(), EXCERPT_CHARS),
    }
}

/// Parses `body` as `T` with at most `max` bounded elements built.
fn parse<T: wire::Slot + Default>(body: &[u8], max: usize) -> Result<(T, usize), AlertSourceError> {
    let mut value = T::default();
    let (parsed, skipped) = wire::with_budget(max, || wire::parse_into(body, &mut value));
    parsed
        .map(|()| (value, skipped))
        .map_err(|e| decode_error(&e))
}

fn decode_rules(body: &[u8], limits: &AlertLimits) -> Result<AlertRules, AlertSourceError> {
    let (envelope, skipped) = parse::<wire::RulesEnvelope>(body, limits.max_alerts)?;
    if envelope.status.0.as_deref() != Some("success") {
        let message = match (envelope.error_type, envelope.error) {
            (Some(t), Some(m)) => format!("{t}: {m}"),
            (t, m) => t.or(m).unwrap_or_else(|| "(no message)".to_owned()),
        };
        return Err(AlertSourceError::Api {
            status: 200,
            message: bounded(&message, EXCERPT_CHARS),
        });
    }
    let data = envelope.data.ok_or_else(|| AlertSourceError::Decode {
        line: 0,
        column: 0,
        message: "status is success but data is missing".to_owned(),
    })?;
    let mut rules = Vec::new();
    for group in data.groups.unwrap_or_default() {
        for rule in group.rules.unwrap_or_default() {
            // `type=alert` asks for alerting rules only; a Prometheus too old
            // to filter sends recording rules too, which have no alerts.
            if rule.kind != "alerting" {
                continue;
            }
            let mut labels = wire::labels(rule.labels);
            labels.remove("alertname");
            rules.push(AlertRule {
                health: match rule.health.as_str() {
                    "ok" => RuleHealth::Ok,
                    "err" => RuleHealth::Err {
                        last_error: bounded(
                            rule.last_error.as_deref().unwrap_or("(no error given)"),
                            MAX_ANNOTATION_CHARS,
                        ),
                    },
                    _ => RuleHealth::Unknown,
                },
                alerts: rule
                    .alerts
                    .unwrap_or_default()
                    .0
                    .into_iter()
                    .map(rule_alert)
                    .collect(),
                name: rule.name,
                group: group.name.clone(),
                labels,
            });
        }
    }
    Ok(AlertRules {
        rules,
        skipped_alerts: skipped,
    })
}

fn rule_alert(a: wire::RuleAlert) -> RuleAlert {
    RuleAlert {
        labels: wire::labels(a.labels),
        annotations: annotations(a.annotations),
        // Anything but "pending" is taken as firing: an alert listed
        // under a rule is active, and an unknown word must not hide it.
        state: if a.state == "pending" {
            RuleAlertState::Pending
        } else {
            RuleAlertState::Firing
        },
        active_at: a.active_at.as_deref().and_then(parse_rfc3339),
        value: a.value.as_deref().and_then(parse_value).unwrap_or(f64::NAN),
    }
}

/// Prometheus's value strings, `+Inf`, `-Inf` and `NaN` included.
fn parse_value(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

fn annotations(map: wire::Strings) -> Annotations {
    let mut map: BTreeMap<String, String> = map.unwrap_or_default();
    let mut text = |key: &str| {
        map.remove(key)
            .map(|v| bounded(&v, MAX_ANNOTATION_CHARS))
            .filter(|v| !v.trim().is_empty())
    };
    let summary = text("summary");
    let description = text("description");
    let runbook_url = map
        .remove("runbook_url")
        .map(|u| u.trim().to_owned())
        .filter(|u| u.len() <= MAX_ANNOTATION_CHARS && is_http_url(u));
    Annotations {
        summary,
        description,
        runbook_url,
    }
}

fn decode_am_alerts(body: &[u8], limits: &AlertLimits) -> Result<AmAlerts, AlertSourceError> {
    let (alerts, skipped) = parse::<wire::Bounded<wire::AmAlert>>(body, limits.max_alerts)?;
    Ok(AmAlerts {
        alerts: alerts
            .0
            .into_iter()
            .map(|a| {
                let status = a.status.0.unwrap_or_default();
                AmAlert {
                    labels: wire::labels(a.labels),
                    annotations: annotations(a.annotations),
                    fingerprint: a.fingerprint,
                    starts_at: a.starts_at.as_deref().and_then(parse_rfc3339),
                    // Only Alertmanager's own word mutes an alert: an unknown
                    // state counts as firing.
                    state: match status.state.as_str() {
                        "suppressed" => AmAlertState::Suppressed,
                        "unprocessed" => AmAlertState::Unprocessed,
                        _ => AmAlertState::Active,
                    },
                    silenced_by: status.silenced_by.unwrap_or_default(),
                    inhibited_by: status.inhibited_by.unwrap_or_default(),
                }
            })
            .collect(),
        skipped,
    })
}

fn decode_silences(body: &[u8], limits: &AlertLimits) -> Result<Silences, AlertSourceError> {
    let (silences, skipped) = parse::<wire::Bounded<wire::Silence>>(body, limits.max_alerts)?;
    Ok(Silences {
        silences: silences
            .0
            .into_iter()
            .map(|s| Silence {
                id: s.id.0.unwrap_or_default(),
                state: match s.status.0.unwrap_or_default().state.as_str() {
                    "active" => SilenceState::Active,
                    "pending" => SilenceState::Pending,
                    _ => SilenceState::Expired,
                },
                matchers: s
                    .matchers
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| SilenceMatcher {
                        name: m.name.0.unwrap_or_default(),
                        value: m.value.0.unwrap_or_default(),
                        is_regex: m.is_regex,
                        is_equal: m.is_equal.unwrap_or(true),
                    })
                    .collect(),
                created_by: bounded(&s.created_by, MAX_ANNOTATION_CHARS),
                comment: bounded(&s.comment, MAX_ANNOTATION_CHARS),
                starts_at: s.starts_at.as_deref().and_then(parse_rfc3339),
                ends_at: s.ends_at.as_deref().and_then(parse_rfc3339),
            })
            .collect(),
        skipped,
    })
}

fn decode_status(body: &[u8]) -> Result<AmStatus, AlertSourceError> {
    let (status, _) = parse::<wire::AmStatus>(body, 0)?;
    Ok(AmStatus {
        version: status
            .version_info
            .and_then(|v| v.version)
            .map(|v| bounded(&v, 64)),
    })
}

#[cfg(test)]
mod tests;
