//! Property: removing or corrupting alert data never turns green what was
//! not green (docs/semantics.md, "Alerts").
//!
//! Random alerts (service, severity, firing or pending), rules (healthy or
//! failing) and silences are turned into the answers one Prometheus and its
//! Alertmanager would give (Alertmanager's copy of each firing alert with
//! an external label, suppressed where a silence matches it). The engine
//! judges the full answers; then one corruption is applied — a source down
//! or unanswered, Alertmanager's silences unreadable, an alert duplicated or
//! copied without labels, a value ±Inf or NaN, a start in the future, an
//! answer cut at the decoder's bound, a silence expired — and judged again,
//! by a fresh engine and by one that saw the full answers a refresh earlier.
//! Neither may call a service or the cluster healthy that was not healthy
//! with the full answers.

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::alerts::{
    AlertRule, AlertRules, AlertSourceError, AmAlert, AmAlertState, AmAlerts, Annotations,
    RuleAlert, RuleAlertState, RuleHealth, Silence, SilenceMatcher, SilenceState, Silences,
};
use panopticon_core::prom::Labels;
use panopticon_engine::alerts::AlertAnswers;
use panopticon_engine::{Config, Engine, Snapshot};
use proptest::prelude::*;

const NOW: f64 = 1_800_000_000.0;
const SERVICES: [&str; 3] = ["a", "b", "x"];
const SEVERITIES: [Option<&str>; 5] = [
    Some("critical"),
    Some("warning"),
    Some("info"),
    Some("none"),
    None,
];

fn config() -> Config {
    Config::from_yaml(
        "t.yaml",
        r#"
alertmanager: {}
services:
  - id: a
    alerts: ['{service="a"}']
  - id: b
    alerts: ['{service=~"b|x"}', '{team="b"}']
  - id: c
    depends_on: [{ service: a, strength: hard }]
"#,
    )
    .unwrap()
}

#[derive(Debug, Clone)]
struct GenAlert {
    rule: usize,
    service: usize,
    severity: usize,
    instance: u8,
    pending: bool,
}

#[derive(Debug, Clone)]
struct GenSilence {
    /// Silences alerts of this rule, or all of this service.
    on_rule: Option<usize>,
    service: usize,
}

#[derive(Debug, Clone)]
struct Data {
    alerts: Vec<GenAlert>,
    failing: Vec<(usize, usize)>,
    silences: Vec<GenSilence>,
}

fn data() -> impl Strategy<Value = Data> {
    let alert = (0..3usize, 0..3usize, 0..5usize, 0..3u8, any::<bool>()).prop_map(
        |(rule, service, severity, instance, pending)| GenAlert {
            rule,
            service,
            severity,
            instance,
            pending,
        },
    );
    let silence = (prop::option::of(0..3usize), 0..3usize)
        .prop_map(|(on_rule, service)| GenSilence { on_rule, service });
    (
        prop::collection::vec(alert, 0..5),
        prop::collection::vec((3..5usize, 0..3usize), 0..2),
        prop::collection::vec(silence, 0..2),
    )
        .prop_map(|(alerts, failing, silences)| Data {
            alerts,
            failing,
            silences,
        })
}

fn labels(a: &GenAlert) -> Labels {
    let mut l: Labels = [
        ("alertname".to_owned(), format!("Rule{}", a.rule)),
        ("service".to_owned(), SERVICES[a.service].to_owned()),
        ("instance".to_owned(), format!("node-{}", a.instance)),
    ]
    .into_iter()
    .collect();
    if let Some(s) = SEVERITIES[a.severity] {
        l.insert("severity".to_owned(), s.to_owned());
    }
    l
}

fn silences(d: &Data) -> Vec<Silence> {
    d.silences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let m = |name: &str, value: String| SilenceMatcher {
                name: name.to_owned(),
                value,
                is_regex: false,
                is_equal: true,
            };
            let mut matchers = vec![m("service", SERVICES[s.service].to_owned())];
            if let Some(r) = s.on_rule {
                matchers.push(m("alertname", format!("Rule{r}")));
            }
            Silence {
                id: format!("s{i}"),
                state: SilenceState::Active,
                matchers,
                created_by: "alice".to_owned(),
                comment: String::new(),
                starts_at: Some(NOW - 600.0),
                ends_at: Some(NOW + 600.0),
            }
        })
        .collect()
}

fn matches(s: &Silence, l: &Labels) -> bool {
    s.matchers.iter().all(|m| l.get(&m.name) == Some(&m.value))
}

/// The answers Prometheus and Alertmanager would give for `d`.
fn answers(d: &Data) -> (AlertRules, AmAlerts, Silences) {
    let mut rules: Vec<AlertRule> = (0..5)
        .map(|r| AlertRule {
            name: format!("Rule{r}"),
            group: "g".to_owned(),
            labels: Labels::new(),
            health: RuleHealth::Ok,
            alerts: Vec::new(),
        })
        .collect();
    for &(r, service) in &d.failing {
        rules[r].health = RuleHealth::Err {
            last_error: "boom".to_owned(),
        };
        rules[r]
            .labels
            .insert("service".to_owned(), SERVICES[service].to_owned());
    }
    let silences = silences(d);
    let mut am = Vec::new();
    for a in &d.alerts {
        let l = labels(a);
        if rules[a.rule].alerts.iter().any(|x| x.labels == l) {
            continue;
        }
        rules[a.rule].alerts.push(RuleAlert {
            labels: l.clone(),
            annotations: Annotations::default(),
            state: if a.pending {
                RuleAlertState::Pending
            } else {
                RuleAlertState::Firing
            },
            active_at: Some(NOW - 120.0),
            value: 1.0,
        });
        if !a.pending {
            let silenced_by: Vec<String> = silences
                .iter()
                .filter(|s| matches(s, &l))
                .map(|s| s.id.clone())
                .collect();
            let mut am_labels = l.clone();
            am_labels.insert("cluster".to_owned(), "eu".to_owned());
            am.push(AmAlert {
                labels: am_labels,
                annotations: Annotations::default(),
                fingerprint: format!("{l:?}"),
                starts_at: Some(NOW - 120.0),
                state: if silenced_by.is_empty() {
                    AmAlertState::Active
                } else {
                    AmAlertState::Suppressed
                },
                silenced_by,
                inhibited_by: Vec::new(),
            });
        }
    }
    (
        AlertRules {
            rules,
            skipped_alerts: 0,
        },
        AmAlerts {
            alerts: am,
            skipped: 0,
        },
        Silences {
            silences,
            skipped: 0,
        },
    )
}

fn full(d: &Data) -> AlertAnswers {
    let (r, a, s) = answers(d);
    AlertAnswers {
        asked: true,
        rules: Some(Ok(r)),
        alerts: Some(Ok(a)),
        silences: Some(Ok(s)),
    }
}

fn down() -> AlertSourceError {
    AlertSourceError::Unreachable {
        reason: "down".to_owned(),
    }
}

#[derive(Debug, Clone, Copy)]
enum Corruption {
    RulesDown,
    AlertmanagerDown,
    SilencesDown,
    BothDown,
    Unanswered,
    DuplicateAlert,
    LabelLessCopy,
    OddValue(f64),
    FutureStart,
    CutAtBound,
    SilenceExpired,
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        Just(Corruption::RulesDown),
        Just(Corruption::AlertmanagerDown),
        Just(Corruption::SilencesDown),
        Just(Corruption::BothDown),
        Just(Corruption::Unanswered),
        Just(Corruption::DuplicateAlert),
        Just(Corruption::LabelLessCopy),
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]
            .prop_map(Corruption::OddValue),
        Just(Corruption::FutureStart),
        Just(Corruption::CutAtBound),
        Just(Corruption::SilenceExpired),
    ]
}

fn corrupt(d: &Data, c: Corruption) -> AlertAnswers {
    let mut a = full(d);
    match c {
        Corruption::RulesDown => a.rules = Some(Err(down())),
        Corruption::AlertmanagerDown => {
            a.alerts = Some(Err(down()));
            a.silences = Some(Err(down()));
        }
        Corruption::SilencesDown => a.silences = Some(Err(down())),
        Corruption::BothDown => {
            a.rules = Some(Err(down()));
            a.alerts = Some(Err(down()));
            a.silences = Some(Err(down()));
        }
        Corruption::Unanswered => {
            a.rules = None;
            a.alerts = None;
        }
        Corruption::DuplicateAlert => {
            if let Some(am) = am_ok(&mut a.alerts)
                && let Some(first) = am.alerts.first().cloned()
            {
                am.alerts.push(first);
            }
        }
        Corruption::LabelLessCopy => {
            if let Some(am) = am_ok(&mut a.alerts)
                && let Some(first) = am.alerts.first().cloned()
            {
                am.alerts.push(AmAlert {
                    labels: Labels::new(),
                    ..first
                });
            }
        }
        Corruption::OddValue(v) => {
            if let Some(Ok(r)) = &mut a.rules {
                for rule in &mut r.rules {
                    for alert in &mut rule.alerts {
                        alert.value = v;
                    }
                }
            }
        }
        Corruption::FutureStart => {
            if let Some(Ok(r)) = &mut a.rules {
                for rule in &mut r.rules {
                    for alert in &mut rule.alerts {
                        alert.active_at = Some(NOW + 3600.0);
                    }
                }
            }
            if let Some(am) = am_ok(&mut a.alerts) {
                for alert in &mut am.alerts {
                    alert.starts_at = Some(NOW + 3600.0);
                }
            }
        }
        Corruption::CutAtBound => {
            if let Some(am) = am_ok(&mut a.alerts)
                && am.alerts.pop().is_some()
            {
                am.skipped += 1;
            }
        }
        Corruption::SilenceExpired => {
            // Alertmanager ended a silence: its alerts fire again, un-muted.
            let mut d = d.clone();
            d.silences.pop();
            return full(&d);
        }
    }
    a
}

fn am_ok(x: &mut Option<Result<AmAlerts, AlertSourceError>>) -> Option<&mut AmAlerts> {
    match x {
        Some(Ok(v)) => Some(v),
        _ => None,
    }
}

fn judge(e: &mut Engine, answers: &AlertAnswers) -> Snapshot {
    e.evaluate_with_alerts(NOW, &HashMap::new(), answers)
}

fn not_greener(full: &Snapshot, bad: &Snapshot, what: &str) {
    for (f, b) in full.services.iter().zip(&bad.services) {
        assert!(
            f.effective == Status::Healthy || b.effective != Status::Healthy,
            "{what}: {} was {} and turned healthy: {:?}",
            f.id,
            f.effective,
            b.reasons
        );
    }
    assert!(full.cluster == Status::Healthy || bad.cluster != Status::Healthy);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
    #[test]
    fn corrupting_alert_data_never_turns_anything_green(d in data(), c in corruption()) {
        let config = config();
        let whole = judge(&mut Engine::new(config.clone()), &full(&d));
        let bad = corrupt(&d, c);
        let fresh = judge(&mut Engine::new(config.clone()), &bad);
        not_greener(&whole, &fresh, &format!("{c:?} (fresh engine)"));
        let mut seen = Engine::new(config);
        judge(&mut seen, &full(&d));
        let after = judge(&mut seen, &bad);
        not_greener(&whole, &after, &format!("{c:?} (after the full answers)"));
    }
}
