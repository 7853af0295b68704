//! The decoders on answers recorded from Debian's Prometheus 2.42 and
//! Alertmanager 0.25 (`tests/fixtures/alerts/`), and on hostile ones.

use super::*;
use crate::alerts::{AlertSource, AlertSourceError};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            "../../../../tests/fixtures/alerts/",
            $name,
            ".body"
        ))
        .as_slice()
    };
}

const LIMITS: AlertLimits = AlertLimits::new(8 * 1024 * 1024);

fn ok(request: AlertRequest, body: &[u8]) -> AlertAnswer {
    decode_alert_answer(request, &LIMITS, 200, Some("application/json"), body)
        .unwrap_or_else(|e| panic!("{request:?}: {e}"))
}

fn rules(body: &[u8]) -> AlertRules {
    match ok(AlertRequest::PrometheusRules, body) {
        AlertAnswer::Rules(r) => r,
        other => panic!("{other:?}"),
    }
}

fn am_alerts(body: &[u8]) -> AmAlerts {
    match ok(AlertRequest::AmAlerts, body) {
        AlertAnswer::Alerts(a) => a,
        other => panic!("{other:?}"),
    }
}

fn silences(body: &[u8]) -> Silences {
    match ok(AlertRequest::AmSilences, body) {
        AlertAnswer::Silences(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn prometheus_rules_as_recorded() {
    let r = rules(fixture!("prom_rules"));
    let names: Vec<&str> = r.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "FixtureFiring",
            "FixtureInhibited",
            "FixtureSilenced",
            "FixturePending",
            "FixtureInactive",
            "FixtureBroken"
        ]
    );
    let firing = &r.rules[0];
    assert_eq!(firing.health, RuleHealth::Ok);
    assert_eq!(firing.labels["service"], "consul");
    assert!(!firing.labels.contains_key("alertname"));
    let alert = &firing.alerts[0];
    assert_eq!(alert.state, RuleAlertState::Firing);
    assert_eq!(alert.labels["alertname"], "FixtureFiring");
    assert!((alert.value - 1.0).abs() < f64::EPSILON);
    assert!(alert.active_at.is_some_and(|t| t > 1.7e9));
    assert_eq!(
        alert.annotations.runbook_url.as_deref(),
        Some("https://runbooks.example.org/consul/no-quorum")
    );
    assert_eq!(
        alert.annotations.summary.as_deref(),
        Some("Consul has no quorum on node1")
    );
    // A `javascript:` runbook is never a link; the rest of the alert stays.
    let silenced = &r.rules[2].alerts[0];
    assert_eq!(silenced.annotations.runbook_url, None);
    assert_eq!(
        silenced.annotations.summary.as_deref(),
        Some("Vault is sealed")
    );
    assert_eq!(r.rules[3].alerts[0].state, RuleAlertState::Pending);
    assert!(r.rules[4].alerts.is_empty());
    match &r.rules[5].health {
        RuleHealth::Err { last_error } => assert!(last_error.contains("many-to-many")),
        other => panic!("{other:?}"),
    }
    assert_eq!(r.skipped_alerts, 0);
    assert_eq!(r.alerts().count(), 4);
}

#[test]
fn empty_answers_are_empty_not_errors() {
    assert!(rules(fixture!("prom_rules_empty")).rules.is_empty());
    assert!(am_alerts(fixture!("am_alerts_empty")).alerts.is_empty());
    assert!(silences(fixture!("am_silences_empty")).silences.is_empty());
}

#[test]
fn alertmanager_alerts_as_recorded() {
    let a = am_alerts(fixture!("am_alerts"));
    let by_name = |n: &str| {
        a.alerts
            .iter()
            .find(|x| x.labels["alertname"] == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let firing = by_name("FixtureFiring");
    assert_eq!(firing.state, AmAlertState::Active);
    assert_eq!(firing.labels["cluster"], "fixture");
    assert!(firing.starts_at.is_some());
    assert!(!firing.fingerprint.is_empty());
    let silenced = by_name("FixtureSilenced");
    assert_eq!(silenced.state, AmAlertState::Suppressed);
    assert_eq!(silenced.silenced_by.len(), 1);
    assert_eq!(silenced.annotations.runbook_url, None);
    let inhibited = by_name("FixtureInhibited");
    assert_eq!(inhibited.state, AmAlertState::Suppressed);
    assert_eq!(
        inhibited.inhibited_by,
        std::slice::from_ref(&firing.fingerprint)
    );
    assert_eq!(am_alerts(fixture!("am_alerts_active_only")).alerts.len(), 1);
}

#[test]
fn silences_as_recorded() {
    let s = silences(fixture!("am_silences"));
    let active = s
        .silences
        .iter()
        .find(|s| s.state == SilenceState::Active)
        .unwrap();
    assert_eq!(active.created_by, "alice@example.org");
    assert_eq!(active.comment, "Vault maintenance, ticket OPS-42");
    assert_eq!(active.matchers[0].name, "alertname");
    assert!(active.matchers[0].is_equal && !active.matchers[0].is_regex);
    let start = active.starts_at.unwrap();
    let end = active.ends_at.unwrap();
    assert!(active.in_force(start + 1.0));
    assert!(
        !active.in_force(end + 1.0),
        "a silence past its end mutes nothing"
    );
    let pending = s
        .silences
        .iter()
        .find(|s| s.state == SilenceState::Pending)
        .unwrap();
    assert!(!pending.in_force(pending.starts_at.unwrap() + 1.0));
    assert!(pending.matchers.iter().any(|m| !m.is_equal));
    assert!(s.silences.iter().any(|s| s.state == SilenceState::Expired));
}

#[test]
fn alertmanager_status_gives_its_version() {
    match ok(AlertRequest::AmStatus, fixture!("am_status")) {
        AlertAnswer::Status(s) => assert_eq!(s.version.as_deref(), Some("0.25.0")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_answers_say_what_the_source_said() {
    let cases: &[(AlertRequest, u16, &[u8], &str)] = &[
        (
            AlertRequest::PrometheusRules,
            400,
            fixture!("prom_rules_bad_type"),
            "Prometheus alerting rules: error (HTTP 400): bad_data: invalid parameter \"type\"",
        ),
        (
            AlertRequest::AmAlerts,
            404,
            fixture!("am_not_found"),
            "Alertmanager: error (HTTP 404): path /api/v2/no_such_endpoint was not found",
        ),
        (
            AlertRequest::AmAlerts,
            400,
            fixture!("am_alerts_bad_filter"),
            "Alertmanager: error (HTTP 400): bad matcher format: {",
        ),
        (
            AlertRequest::AmAlerts,
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            "Alertmanager: HTTP 502: 502 Bad Gateway",
        ),
        (
            AlertRequest::AmSilences,
            200,
            b"<!doctype html><title>Panopticon</title>",
            "Alertmanager: HTTP 200: Panopticon",
        ),
        (
            // A failing status is never data, whatever its body says.
            AlertRequest::AmAlerts,
            503,
            b"[]",
            "Alertmanager: HTTP 503: []",
        ),
    ];
    for &(request, status, body, want) in cases {
        let err = decode_alert_answer(request, &LIMITS, status, Some("application/json"), body)
            .unwrap_err();
        let said = err.describe(request.source());
        assert!(
            said.starts_with(want),
            "{said:?} does not start with {want:?}"
        );
    }
}

#[test]
fn malformed_json_is_a_typed_error_with_its_position() {
    for body in [
        &b"{\"status\":\"success\",\"data\":{\"groups\":[{\"rules\":[{"[..],
        b"[{\"labels\":{\"a\":1},\"status\":{\"state\":\"active\"}}]",
        b"{\"status\":\"success\"}",
        b"[",
    ] {
        let request = if body[0] == b'[' {
            AlertRequest::AmAlerts
        } else {
            AlertRequest::PrometheusRules
        };
        match decode_alert_answer(request, &LIMITS, 200, None, body) {
            Err(AlertSourceError::Decode { message, .. }) => assert!(!message.is_empty()),
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

#[test]
fn an_answer_over_the_byte_limit_is_refused() {
    let limits = AlertLimits::new(10);
    let err = decode_alert_answer(
        AlertRequest::AmAlerts,
        &limits,
        200,
        None,
        fixture!("am_alerts"),
    )
    .unwrap_err();
    assert!(
        matches!(err, AlertSourceError::TooLarge { limit: 10, .. }),
        "{err:?}"
    );
}

fn am_alert_json(i: usize, annotations: &str) -> String {
    format!(
        r#"{{"labels":{{"alertname":"Storm{i}","service":"web"}},"annotations":{annotations},"fingerprint":"f{i}","startsAt":"2026-11-27T18:00:00Z","status":{{"state":"active","silencedBy":[],"inhibitedBy":[]}}}}"#
    )
}

#[test]
fn ten_thousand_alerts_and_more_are_bounded_and_counted() {
    let body = format!(
        "[{}]",
        (0..12_345)
            .map(|i| am_alert_json(i, "{}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let a = am_alerts(body.as_bytes());
    assert_eq!(a.alerts.len(), MAX_ALERTS);
    assert_eq!(a.skipped, 12_345 - MAX_ALERTS);
    // Across rules, the budget is the answer's, not each rule's.
    let rule = |r: usize| {
        let alerts: Vec<String> = (0..4_000)
            .map(|i| format!(r#"{{"labels":{{"alertname":"R{r}","i":"{i}"}},"state":"firing","activeAt":"2026-11-27T18:00:00Z","value":"1"}}"#))
            .collect();
        format!(
            r#"{{"type":"alerting","name":"R{r}","health":"ok","labels":{{}},"alerts":[{}]}}"#,
            alerts.join(",")
        )
    };
    let body = format!(
        r#"{{"status":"success","data":{{"groups":[{{"name":"g","rules":[{},{},{}]}}]}}}}"#,
        rule(0),
        rule(1),
        rule(2)
    );
    let r = rules(body.as_bytes());
    assert_eq!(r.alerts().count(), MAX_ALERTS);
    assert_eq!(r.skipped_alerts, 12_000 - MAX_ALERTS);
    assert_eq!(r.rules.len(), 3, "every rule is kept, with its health");
}

#[test]
fn hostile_annotations_stay_text_and_bounded() {
    let long = "x".repeat(100 * 1024);
    let annotations = format!(
        r#"{{"summary":"<img src=x onerror=alert(1)><script>alert(2)</script>","description":"{long}","runbook_url":"javascript:alert(1)"}}"#
    );
    let a = am_alerts(format!("[{}]", am_alert_json(0, &annotations)).as_bytes());
    let ann = &a.alerts[0].annotations;
    assert_eq!(
        ann.summary.as_deref(),
        Some("<img src=x onerror=alert(1)><script>alert(2)</script>"),
        "markup is kept as the text it is; the screen shows it as text"
    );
    let description = ann.description.as_deref().unwrap();
    assert_eq!(description.chars().count(), MAX_ANNOTATION_CHARS + 1);
    assert!(description.ends_with('…'));
    assert_eq!(ann.runbook_url, None);
}

#[test]
fn only_http_urls_are_links() {
    for (url, link) in [
        ("https://runbooks.example.org/a", true),
        ("HTTP://wiki/x", true),
        ("javascript:alert(1)", false),
        ("JavaScript:alert(1)", false),
        ("data:text/html,<script>", false),
        ("//evil.example", false),
        ("/relative", false),
        ("https://", false),
        ("https:///path", false),
        ("https://a b", false),
        ("https://a\u{7}b", false),
        ("http:\\\\evil", false),
    ] {
        assert_eq!(is_http_url(url), link, "{url}");
    }
}

#[test]
fn special_values_and_unreadable_times_are_kept_as_unknown() {
    let body = br#"{"status":"success","data":{"groups":[{"name":"g","rules":[{"type":"alerting","name":"R","health":"ok","labels":null,"alerts":[
        {"labels":{"alertname":"R"},"state":"firing","activeAt":"0001-01-01T00:00:00Z","value":"+Inf"},
        {"labels":{"alertname":"R","i":"2"},"state":"firing","activeAt":"yesterday","value":"NaN"},
        {"labels":null,"state":"weird","value":"-Inf"}]},
        {"type":"recording","name":"r:sum","health":"ok"}]}]}}"#;
    let r = rules(body);
    assert_eq!(r.rules.len(), 1, "recording rules are dropped");
    let a = &r.rules[0].alerts;
    assert!(a[0].value.is_infinite() && a[0].active_at.is_none());
    assert!(a[1].value.is_nan() && a[1].active_at.is_none());
    assert_eq!(
        a[2].state,
        RuleAlertState::Firing,
        "an unknown state is not hidden"
    );
    assert!(a[2].labels.is_empty());
}

#[test]
fn each_source_is_named_in_its_errors() {
    let timeout = AlertSourceError::Timeout {
        after: std::time::Duration::from_secs(5),
    };
    assert_eq!(
        timeout.describe(AlertSource::Alertmanager),
        "Alertmanager is slow: no answer within 5 s"
    );
    let down = AlertSourceError::Unreachable {
        reason: "Failed to fetch".to_owned(),
    };
    assert_eq!(
        down.describe(AlertSource::Alertmanager),
        "Alertmanager unreachable: Failed to fetch"
    );
    assert!(
        !down
            .describe(AlertSource::PrometheusRules)
            .starts_with("Prometheus unreachable")
    );
}
