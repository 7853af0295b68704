//! The alert semantics (docs/semantics.md, "Alerts"): one test per rule and
//! per way found to make a service wrongly greener.

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::alerts::{
    AlertAnswer, AlertLimits, AlertRequest, AlertRule, AlertRules, AlertSourceError, AmAlert,
    AmAlertState, AmAlerts, Annotations, RuleAlert, RuleAlertState, RuleHealth, Silence,
    SilenceMatcher, SilenceState, Silences, decode_alert_answer,
};
use panopticon_core::prom::{Labels, QueryError, QueryResult};
use panopticon_engine::alerts::{AlertAnswers, AlertState};
use panopticon_engine::snapshot::ServiceSnapshot;
use panopticon_engine::{Config, Engine, Monitor, Snapshot};

const NOW: f64 = 1_800_000_000.0;

/// Consul (alerts by service label) under Web (hard dependency); Vault by
/// job regex; no checks that could fail (`up` answers are given healthy).
const CONFIG: &str = r#"
alertmanager: {}
services:
  - id: consul
    name: Consul
    alerts: ['{service="consul"}']
  - id: vault
    name: Vault
    alerts: ['{job=~"vault.*"}', '{service="vault"}']
  - id: web
    name: Web
    depends_on:
      - { service: consul, strength: hard }
"#;

fn config() -> Config {
    Config::from_yaml("alerts.yaml", CONFIG).unwrap_or_else(|e| panic!("{e}"))
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn rule_alert(pairs: &[(&str, &str)], state: RuleAlertState, since: f64) -> RuleAlert {
    RuleAlert {
        labels: labels(pairs),
        annotations: Annotations::default(),
        state,
        active_at: Some(since),
        value: 1.0,
    }
}

fn rules(alerts: Vec<RuleAlert>) -> AlertRules {
    AlertRules {
        rules: vec![AlertRule {
            name: "R".to_owned(),
            group: "g".to_owned(),
            labels: Labels::new(),
            health: RuleHealth::Ok,
            alerts,
        }],
        skipped_alerts: 0,
    }
}

fn am_alert(pairs: &[(&str, &str)], state: AmAlertState, silenced_by: &[&str]) -> AmAlert {
    AmAlert {
        labels: labels(pairs),
        annotations: Annotations::default(),
        fingerprint: format!("fp-{}", pairs.len()),
        starts_at: Some(NOW - 180.0),
        state,
        silenced_by: silenced_by.iter().map(|s| (*s).to_owned()).collect(),
        inhibited_by: Vec::new(),
    }
}

fn silence(id: &str, matchers: &[(&str, &str)], ends_at: f64) -> Silence {
    Silence {
        id: id.to_owned(),
        state: SilenceState::Active,
        matchers: matchers
            .iter()
            .map(|&(name, value)| SilenceMatcher {
                name: name.to_owned(),
                value: value.to_owned(),
                is_regex: false,
                is_equal: true,
            })
            .collect(),
        created_by: "alice".to_owned(),
        comment: "upgrade".to_owned(),
        starts_at: Some(NOW - 600.0),
        ends_at: Some(ends_at),
    }
}

fn down() -> AlertSourceError {
    AlertSourceError::Unreachable {
        reason: "Failed to fetch".to_owned(),
    }
}

fn answers(
    rules: Result<AlertRules, AlertSourceError>,
    alerts: Result<AmAlerts, AlertSourceError>,
    silences: Result<Silences, AlertSourceError>,
) -> AlertAnswers {
    AlertAnswers {
        asked: true,
        rules: Some(rules),
        alerts: Some(alerts),
        silences: Some(silences),
    }
}

#[allow(clippy::unnecessary_wraps)] // an answer as the engine takes it
fn am(alerts: Vec<AmAlert>) -> Result<AmAlerts, AlertSourceError> {
    Ok(AmAlerts { alerts, skipped: 0 })
}

#[allow(clippy::unnecessary_wraps)] // an answer as the engine takes it
fn no_silences() -> Result<Silences, AlertSourceError> {
    Ok(Silences::default())
}

#[allow(clippy::unnecessary_wraps)] // an answer as the engine takes it
fn silences(silences: Vec<Silence>) -> Result<Silences, AlertSourceError> {
    Ok(Silences {
        silences,
        skipped: 0,
    })
}

fn judge(engine: &mut Engine, at: f64, a: &AlertAnswers) -> Snapshot {
    engine.evaluate_with_alerts(at, &HashMap::new(), a)
}

fn once(a: &AlertAnswers) -> Snapshot {
    judge(&mut Engine::new(config()), NOW, a)
}

/// Judged once without silences: `rule_alerts` as Prometheus's rules
/// answer, `am_alerts` as Alertmanager's.
fn with_alerts(rule_alerts: Vec<RuleAlert>, am_alerts: Vec<AmAlert>) -> Snapshot {
    once(&answers(
        Ok(rules(rule_alerts)),
        am(am_alerts),
        no_silences(),
    ))
}

/// `consul`, judged by its alerts and one check (`up`), with an
/// Alertmanager when `alertmanager`.
fn consul_with_check(alertmanager: bool) -> Monitor {
    let services = r#"
services:
  - id: consul
    alerts: ['{service="consul"}']
    checks:
      - { id: up, query: up, rule: { kind: quorum } }
"#;
    let yaml = if alertmanager {
        ["alertmanager: {}\n", services].concat()
    } else {
        services.to_owned()
    };
    Monitor::new(Config::from_yaml("consul.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")))
}

/// A healthy answer to `up`, decoded from Prometheus's JSON.
fn up_answer() -> Result<QueryResult, QueryError> {
    panopticon_core::prom::decode_response(
        200,
        Some("application/json"),
        br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1800000000,"1"]}]}}"#,
    )
}

fn svc<'a>(s: &'a Snapshot, id: &str) -> &'a ServiceSnapshot {
    s.service(id).unwrap()
}

const CONSUL_DOWN: &[(&str, &str)] = &[
    ("alertname", "ConsulNoQuorum"),
    ("service", "consul"),
    ("severity", "critical"),
    ("instance", "node-1:8500"),
];

#[test]
fn a_firing_alert_raises_its_service_propagates_and_is_named() {
    let s = with_alerts(
        vec![rule_alert(CONSUL_DOWN, RuleAlertState::Firing, NOW - 180.0)],
        vec![],
    );
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Critical);
    assert_eq!(
        consul.reasons[0],
        "Consul: alert ConsulNoQuorum firing for 3m on node-1:8500"
    );
    assert_eq!(consul.alerts.firing, 1);
    assert_eq!(consul.alerts.alerts[0].severity, "critical");
    assert_eq!(
        svc(&s, "web").effective,
        Status::Critical,
        "a hard dependency passes it on"
    );
    assert_eq!(svc(&s, "vault").own, Status::Healthy);
    assert_eq!(s.cluster, Status::Critical);
}

#[test]
fn severities_map_to_statuses() {
    let cases = [
        ("critical", Some(Status::Critical)),
        ("warning", Some(Status::Warning)),
        ("info", None),
        ("none", None),
        ("page-someone", Some(Status::Warning)),
        ("", Some(Status::Warning)),
    ];
    for (severity, want) in cases {
        let mut pairs = vec![("alertname", "A"), ("service", "consul")];
        if !severity.is_empty() {
            pairs.push(("severity", severity));
        }
        let s = with_alerts(vec![], vec![am_alert(&pairs, AmAlertState::Active, &[])]);
        let consul = svc(&s, "consul");
        assert_eq!(consul.alerts.status, want, "{severity}");
        assert_eq!(consul.own, want.unwrap_or(Status::Healthy), "{severity}");
        assert_eq!(
            consul.alerts.alerts.len(),
            1,
            "listed whatever its severity"
        );
    }
}

#[test]
fn a_pending_alert_is_shown_pending_and_raises_nothing() {
    let s = with_alerts(
        vec![rule_alert(CONSUL_DOWN, RuleAlertState::Pending, NOW - 20.0)],
        vec![],
    );
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Healthy);
    let a = &consul.alerts.alerts[0];
    assert_eq!(a.state, AlertState::Pending);
    assert_eq!(a.raises, None);
    assert_eq!(
        a.reason,
        "alert ConsulNoQuorum pending for 20s on node-1:8500"
    );
    assert!(
        s.unmatched_alerts.is_empty(),
        "pending alerts are not 'firing unmatched'"
    );
}

#[test]
fn a_silenced_alert_is_muted_with_its_silence_and_puts_the_service_in_maintenance() {
    let s = once(&answers(
        Ok(rules(vec![rule_alert(
            CONSUL_DOWN,
            RuleAlertState::Firing,
            NOW - 180.0,
        )])),
        am(vec![am_alert(
            &[CONSUL_DOWN, &[("cluster", "eu")]].concat(),
            AmAlertState::Suppressed,
            &["s1"],
        )]),
        silences(vec![silence(
            "s1",
            &[("alertname", "ConsulNoQuorum")],
            NOW + 3600.0,
        )]),
    ));
    let consul = svc(&s, "consul");
    assert_eq!(
        consul.own,
        Status::Healthy,
        "a silenced alert raises nothing"
    );
    assert_eq!(consul.alerts.firing, 0);
    // Alertmanager's copy (with its external label) stands for Prometheus's.
    assert_eq!(consul.alerts.alerts.len(), 1);
    let a = &consul.alerts.alerts[0];
    assert_eq!(a.state, AlertState::Silenced);
    let silence = a.silence.as_ref().unwrap();
    assert_eq!(
        (silence.created_by.as_str(), silence.comment.as_str()),
        ("alice", "upgrade")
    );
    let m = consul.maintenance.as_ref().expect("in maintenance");
    assert!(m.reason.contains("by alice until"), "{}", m.reason);
    assert_eq!(s.maintenance, 1);
}

#[test]
fn an_inhibited_alert_is_muted_and_says_by_what() {
    let mut a = am_alert(CONSUL_DOWN, AmAlertState::Suppressed, &[]);
    a.inhibited_by = vec!["abc123".to_owned()];
    let s = with_alerts(vec![], vec![a]);
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Healthy);
    assert_eq!(consul.alerts.alerts[0].state, AlertState::Inhibited);
    assert!(
        consul.alerts.alerts[0]
            .reason
            .ends_with("inhibited by abc123")
    );
    assert!(consul.maintenance.is_some());
}

#[test]
fn a_silence_on_the_services_own_matchers_is_maintenance_without_alerts() {
    let s = once(&answers(
        Ok(rules(vec![])),
        am(vec![]),
        silences(vec![
            silence(
                "narrow",
                &[("service", "consul"), ("alertname", "X")],
                NOW + 60.0,
            ),
            silence("whole", &[("service", "consul")], NOW + 3600.0),
        ]),
    ));
    let m = svc(&s, "consul").maintenance.as_ref().expect("covered");
    assert_eq!(m.silences[0].id, "whole");
    assert!(svc(&s, "vault").maintenance.is_none());
    assert!(svc(&s, "web").maintenance.is_none());
}

#[test]
fn one_muted_and_one_firing_alert_is_no_maintenance() {
    let other = [
        ("alertname", "ConsulSlow"),
        ("service", "consul"),
        ("severity", "warning"),
    ];
    let s = once(&answers(
        Ok(rules(vec![])),
        am(vec![
            am_alert(CONSUL_DOWN, AmAlertState::Suppressed, &["s1"]),
            am_alert(&other, AmAlertState::Active, &[]),
        ]),
        silences(vec![silence(
            "s1",
            &[("alertname", "ConsulNoQuorum")],
            NOW + 60.0,
        )]),
    ));
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Warning);
    assert!(consul.maintenance.is_none());
}

#[test]
fn alertmanager_down_prometheus_firing_alerts_still_count() {
    let s = once(&answers(
        Ok(rules(vec![rule_alert(
            CONSUL_DOWN,
            RuleAlertState::Firing,
            NOW - 180.0,
        )])),
        Err(down()),
        Err(down()),
    ));
    assert_eq!(svc(&s, "consul").own, Status::Critical);
    assert_eq!(
        svc(&s, "vault").own,
        Status::Healthy,
        "one source still reads"
    );
}

#[test]
fn prometheus_rules_down_alertmanagers_firing_alerts_still_count() {
    let s = once(&answers(
        Err(down()),
        am(vec![am_alert(CONSUL_DOWN, AmAlertState::Active, &[])]),
        no_silences(),
    ));
    assert_eq!(svc(&s, "consul").own, Status::Critical);
    // Whether Vault's rules work is not known: unknown, never healthy.
    let vault = svc(&s, "vault");
    assert_eq!(vault.own, Status::Unknown);
    assert_eq!(
        vault.reasons[0],
        "Vault: alert rules cannot be read: Prometheus alerting rules unreachable: Failed to \
         fetch (Alertmanager's firing alerts still count)"
    );
}

#[test]
fn neither_source_readable_is_unknown_for_every_service_with_alerts() {
    for a in [
        answers(Err(down()), Err(down()), Err(down())),
        // Not answered at all by the time the round is judged.
        AlertAnswers::asked(),
    ] {
        let s = once(&a);
        for id in ["consul", "vault"] {
            let service = svc(&s, id);
            assert_eq!(service.own, Status::Unknown, "{id}");
            assert!(
                service.reasons[0].contains("alerts cannot be read"),
                "{:?}",
                service.reasons
            );
        }
        assert_eq!(
            svc(&s, "web").own,
            Status::Healthy,
            "web declares no alerts"
        );
        assert_eq!(
            svc(&s, "web").effective,
            Status::Unknown,
            "but depends on consul"
        );
    }
}

#[test]
fn silences_last_read_stay_applied_until_their_end_while_alertmanager_is_down() {
    let mut e = Engine::new(config());
    let firing = || {
        Ok(rules(vec![rule_alert(
            CONSUL_DOWN,
            RuleAlertState::Firing,
            NOW - 180.0,
        )]))
    };
    let s = judge(
        &mut e,
        NOW,
        &answers(
            firing(),
            am(vec![am_alert(
                CONSUL_DOWN,
                AmAlertState::Suppressed,
                &["s1"],
            )]),
            silences(vec![silence(
                "s1",
                &[("alertname", "ConsulNoQuorum")],
                NOW + 100.0,
            )]),
        ),
    );
    assert_eq!(svc(&s, "consul").own, Status::Healthy);
    // Alertmanager goes down: the silence still mutes Prometheus's alert, and says so.
    let s = judge(
        &mut e,
        NOW + 50.0,
        &answers(firing(), Err(down()), Err(down())),
    );
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Healthy);
    let silence = consul.alerts.alerts[0].silence.as_ref().unwrap();
    assert!(
        silence.comment.contains("as last read"),
        "{}",
        silence.comment
    );
    // Past its end it mutes nothing.
    let s = judge(
        &mut e,
        NOW + 101.0,
        &answers(firing(), Err(down()), Err(down())),
    );
    assert_eq!(svc(&s, "consul").own, Status::Critical);
}

#[test]
fn an_expired_or_pending_silence_mutes_nothing() {
    let mut expired = silence("old", &[("service", "consul")], NOW - 1.0);
    expired.state = SilenceState::Expired;
    let mut pending = silence("later", &[("service", "consul")], NOW + 7200.0);
    pending.state = SilenceState::Pending;
    pending.starts_at = Some(NOW + 3600.0);
    // Alertmanager down: only silences in force could mute Prometheus's alert.
    let mut e = Engine::new(config());
    judge(
        &mut e,
        NOW - 10.0,
        &answers(
            Ok(rules(vec![])),
            am(vec![]),
            silences(vec![expired, pending]),
        ),
    );
    let s = judge(
        &mut e,
        NOW,
        &answers(
            Ok(rules(vec![rule_alert(
                CONSUL_DOWN,
                RuleAlertState::Firing,
                NOW - 180.0,
            )])),
            Err(down()),
            Err(down()),
        ),
    );
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Critical);
    assert!(consul.maintenance.is_none());
}

#[test]
fn a_failing_rule_that_would_match_makes_the_alert_part_unknown() {
    let mut r = rules(vec![]);
    r.rules[0].name = "ConsulDown".to_owned();
    r.rules[0].labels = labels(&[("service", "consul"), ("severity", "critical")]);
    r.rules[0].health = RuleHealth::Err {
        last_error: "many-to-many matching not allowed".to_owned(),
    };
    let s = once(&answers(Ok(r), am(vec![]), no_silences()));
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Unknown);
    assert_eq!(
        consul.reasons[0],
        "Consul: alert rule ConsulDown fails: many-to-many matching not allowed"
    );
    assert_eq!(
        svc(&s, "vault").own,
        Status::Healthy,
        "the rule is not Vault's"
    );
}

#[test]
fn firing_alerts_no_service_matches_are_listed() {
    let s = with_alerts(
        vec![rule_alert(
            &[("alertname", "DiskFull"), ("service", "backup")],
            RuleAlertState::Firing,
            NOW - 60.0,
        )],
        vec![am_alert(&[], AmAlertState::Active, &[])],
    );
    let names: Vec<&str> = s
        .unmatched_alerts
        .alerts
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["(no alertname)", "DiskFull"],
        "a label-less alert is not lost"
    );
    assert_eq!(
        s.cluster,
        Status::Healthy,
        "listed, not judged: no service claims them"
    );
}

#[test]
fn duplicates_count_once_and_odd_values_change_nothing() {
    let mut inf = rule_alert(CONSUL_DOWN, RuleAlertState::Firing, NOW + 3600.0);
    inf.value = f64::INFINITY;
    let mut nan = rule_alert(CONSUL_DOWN, RuleAlertState::Firing, NOW - 10.0);
    nan.value = f64::NAN;
    let s = with_alerts(
        vec![inf, nan],
        vec![
            am_alert(CONSUL_DOWN, AmAlertState::Active, &[]),
            am_alert(CONSUL_DOWN, AmAlertState::Active, &[]),
        ],
    );
    let consul = svc(&s, "consul");
    assert_eq!(consul.alerts.alerts.len(), 1);
    assert_eq!(consul.own, Status::Critical);
    // A start in the future is not believed: no "for".
    let s = once(&answers(
        Ok(rules(vec![rule_alert(
            CONSUL_DOWN,
            RuleAlertState::Firing,
            NOW + 3600.0,
        )])),
        Err(down()),
        Err(down()),
    ));
    let a = &svc(&s, "consul").alerts.alerts[0];
    assert_eq!(a.since, None);
    assert_eq!(a.reason, "alert ConsulNoQuorum firing on node-1:8500");
    assert_eq!(svc(&s, "consul").own, Status::Critical);
}

#[test]
fn alerts_beyond_the_decoders_bound_leave_services_at_least_unknown() {
    let s = once(&answers(
        Ok(rules(vec![])),
        Ok(AmAlerts {
            alerts: vec![],
            skipped: 5,
        }),
        no_silences(),
    ));
    assert_eq!(svc(&s, "consul").own, Status::Unknown);
    assert_eq!(s.unmatched_alerts.more, 5);
}

#[test]
fn without_alert_answers_the_checks_alone_are_judged() {
    let mut e = Engine::new(config());
    let s = e.evaluate(NOW, &HashMap::new());
    assert_eq!(svc(&s, "consul").own, Status::Healthy);
    assert!(svc(&s, "consul").alerts.declared);
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../tests/fixtures/alerts/", $name, ".body")).as_slice()
    };
}

fn decoded(request: AlertRequest, body: &[u8]) -> Result<AlertAnswer, AlertSourceError> {
    decode_alert_answer(
        request,
        &AlertLimits::new(1 << 23),
        200,
        Some("application/json"),
        body,
    )
}

/// The answers recorded from real Prometheus and Alertmanager, through the monitor.
#[test]
fn the_recorded_answers_judged_through_the_monitor() {
    let config = Config::from_yaml(
        "fixture.yaml",
        r#"
alertmanager: {}
services:
  - { id: consul, alerts: ['{service="consul"}'] }
  - { id: vault, alerts: ['{service="vault"}'] }
  - { id: nomad, alerts: ['{service="nomad"}'] }
  - { id: etcd, alerts: ['{service="etcd"}'] }
"#,
    )
    .unwrap();
    let mut m = Monitor::new(config);
    assert_eq!(
        m.alert_requests(),
        [
            AlertRequest::PrometheusRules,
            AlertRequest::AmAlerts,
            AlertRequest::AmSilences
        ]
    );
    let AlertAnswer::Alerts(am) = decoded(AlertRequest::AmAlerts, fixture!("am_alerts")).unwrap()
    else {
        panic!()
    };
    let now = am.alerts[0].starts_at.unwrap() + 180.0;
    m.begin(now, vec![]);
    assert!(!m.alert_answer(
        now,
        AlertRequest::PrometheusRules,
        decoded(AlertRequest::PrometheusRules, fixture!("prom_rules"))
    ));
    assert!(!m.alert_answer(now, AlertRequest::AmAlerts, Ok(AlertAnswer::Alerts(am))));
    assert!(m.alert_answer(
        now,
        AlertRequest::AmSilences,
        decoded(AlertRequest::AmSilences, fixture!("am_silences"))
    ));
    let screen = m.on_screen(now);
    let s = screen.snapshot.unwrap();
    let consul = svc(&s, "consul");
    assert_eq!(consul.own, Status::Critical);
    assert!(
        consul.reasons[0].starts_with("consul: alert FixtureFiring firing for 3m on 127.0.0.1:")
    );
    let states: Vec<(&str, AlertState)> = consul
        .alerts
        .alerts
        .iter()
        .map(|a| (a.name.as_str(), a.state))
        .collect();
    assert_eq!(
        states,
        [
            ("FixtureFiring", AlertState::Firing),
            ("FixtureInhibited", AlertState::Inhibited)
        ]
    );
    let inhibited = &consul.alerts.alerts[1];
    assert_eq!(inhibited.inhibited_by.len(), 1);
    assert!(
        inhibited.inhibited_by[0].starts_with("FixtureFiring on 127.0.0.1:"),
        "{:?}",
        inhibited.inhibited_by
    );
    let vault = svc(&s, "vault");
    assert_eq!(vault.own, Status::Healthy);
    assert_eq!(vault.alerts.alerts[0].state, AlertState::Silenced);
    assert_eq!(
        vault.alerts.alerts[0].runbook_url, None,
        "javascript: is never a link"
    );
    assert_eq!(
        vault.alerts.alerts[0].silence.as_ref().unwrap().created_by,
        "alice@example.org"
    );
    assert!(vault.maintenance.is_some());
    let nomad = svc(&s, "nomad");
    assert_eq!(
        (nomad.own, nomad.alerts.alerts[0].state),
        (Status::Healthy, AlertState::Pending)
    );
    let etcd = svc(&s, "etcd");
    assert_eq!(etcd.own, Status::Unknown);
    assert!(
        etcd.reasons[0].starts_with("etcd: alert rule FixtureBroken fails: found duplicate series")
    );
    assert!(
        etcd.maintenance.is_none(),
        "carol's silence has not started"
    );
    assert_eq!(screen.maintenance, 1);
    assert!(screen.alert_source_errors.is_empty());
}

#[test]
fn each_failing_source_is_its_own_problem_and_checks_are_unaffected() {
    let mut m = consul_with_check(true);
    m.begin(NOW, vec!["up".to_owned()]);
    assert!(!m.answer(NOW, "up", up_answer()));
    assert!(!m.alert_answer(
        NOW,
        AlertRequest::PrometheusRules,
        Ok(AlertAnswer::Rules(rules(vec![])))
    ));
    assert!(!m.alert_answer(
        NOW,
        AlertRequest::AmAlerts,
        Err(AlertSourceError::Timeout {
            after: std::time::Duration::from_secs(5)
        })
    ));
    // Said at once, before the round completes.
    let early = m.on_screen(NOW);
    assert_eq!(early.alert_source_errors.len(), 1);
    assert!(m.alert_answer(NOW, AlertRequest::AmSilences, Err(down())));
    let screen = m.on_screen(NOW + 1.0);
    assert!(
        screen.source_alert.is_none(),
        "never 'Prometheus unreachable'"
    );
    let p = &screen.alert_source_errors[0];
    assert_eq!(p.source.as_str(), "alertmanager");
    assert_eq!(p.message, "Alertmanager is slow: no answer within 5 s");
    assert!(
        p.consequence
            .starts_with("Firing alerts from Prometheus still count, none of them muted"),
        "no silence was ever read, so none can be said to stay applied: {}",
        p.consequence
    );
    let s = screen.snapshot.unwrap();
    assert_eq!(
        s.services[0].own,
        Status::Healthy,
        "the check and Prometheus's alerts say healthy"
    );
}

#[test]
fn a_round_is_judged_once_its_queries_and_alert_requests_are_answered() {
    let mut m = consul_with_check(false);
    assert_eq!(m.alert_requests(), [AlertRequest::PrometheusRules]);
    m.begin(NOW, vec!["up".to_owned()]);
    // Not asked: ignored, and it completes nothing.
    assert!(!m.alert_answer(
        NOW,
        AlertRequest::AmAlerts,
        Ok(AlertAnswer::Alerts(AmAlerts::default()))
    ));
    assert!(
        !m.answer(NOW, "up", up_answer()),
        "the rules are still to come"
    );
    assert!(m.last_evaluation().is_none());
    let firing = rules(vec![rule_alert(
        CONSUL_DOWN,
        RuleAlertState::Firing,
        NOW - 60.0,
    )]);
    assert!(m.alert_answer(
        NOW,
        AlertRequest::PrometheusRules,
        Ok(AlertAnswer::Rules(firing))
    ));
    let s = m.last_evaluation().unwrap();
    assert_eq!(s.services[0].own, Status::Critical);
    // A late answer of a finished round changes nothing.
    assert!(!m.alert_answer(NOW, AlertRequest::PrometheusRules, Err(down())));
    assert!(m.on_screen(NOW).alert_source_errors.is_empty());
}

/// An alert storm: 10,000 alerts in both sources (Alertmanager's copies
/// with an external label), spread over many instances of few rules.
#[test]
fn an_alert_storm_is_judged_and_bounded() {
    let mut prom = Vec::new();
    let mut am_alerts = Vec::new();
    for i in 0..10_000 {
        let service = if i % 2 == 0 { "consul" } else { "elsewhere" };
        let instance = format!("node-{i}");
        let pairs = [
            ("alertname", "Storm"),
            ("service", service),
            ("severity", "warning"),
            ("instance", instance.as_str()),
        ];
        prom.push(rule_alert(&pairs, RuleAlertState::Firing, NOW - 60.0));
        let mut copy = am_alert(
            &[&pairs[..], &[("cluster", "eu")]].concat(),
            AmAlertState::Active,
            &[],
        );
        copy.fingerprint = format!("fp{i}");
        am_alerts.push(copy);
    }
    let s = with_alerts(prom, am_alerts);
    let consul = svc(&s, "consul");
    assert_eq!(
        consul.alerts.firing, 5_000,
        "each alert once, not once per source"
    );
    assert_eq!(consul.own, Status::Warning);
    assert_eq!(s.unmatched_alerts.total(), 5_000);
    assert_eq!(s.unmatched_alerts.alerts.len(), 20);
}

#[test]
fn prometheus_down_is_said_once_not_again_for_its_rules() {
    let mut m = consul_with_check(false);
    m.begin(NOW, vec!["up".to_owned()]);
    let unreachable = QueryError::Unreachable {
        reason: "Failed to fetch".to_owned(),
    };
    assert!(!m.answer(NOW, "up", Err(unreachable)));
    assert!(m.alert_answer(NOW, AlertRequest::PrometheusRules, Err(down())));
    let screen = m.on_screen(NOW);
    assert!(screen.source_alert.is_some());
    assert!(
        screen.alert_source_errors.is_empty(),
        "{:?}",
        screen.alert_source_errors
    );
}

#[test]
fn alertmanager_down_after_silences_were_read_says_they_stay_applied() {
    let mut m = consul_with_check(true);
    let round = |m: &mut Monitor, at: f64, silences: Result<AlertAnswer, AlertSourceError>| {
        m.begin(at, vec!["up".to_owned()]);
        m.answer(at, "up", up_answer());
        m.alert_answer(
            at,
            AlertRequest::PrometheusRules,
            Ok(AlertAnswer::Rules(rules(vec![]))),
        );
        let alerts = if silences.is_ok() {
            Ok(AlertAnswer::Alerts(AmAlerts::default()))
        } else {
            Err(down())
        };
        m.alert_answer(at, AlertRequest::AmAlerts, alerts);
        m.alert_answer(at, AlertRequest::AmSilences, silences);
    };
    let read = Silences {
        silences: vec![silence("s1", &[("service", "consul")], NOW + 3600.0)],
        skipped: 0,
    };
    round(&mut m, NOW, Ok(AlertAnswer::Silences(read)));
    assert!(m.on_screen(NOW).alert_source_errors.is_empty());
    round(&mut m, NOW + 10.0, Err(down()));
    let screen = m.on_screen(NOW + 10.0);
    let p = &screen.alert_source_errors[0];
    assert!(
        p.consequence.starts_with(
            "Firing alerts from Prometheus still count; silences last read stay applied"
        ),
        "{}",
        p.consequence
    );
}
