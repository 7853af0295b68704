//! No path to a false green: every way found to make the engine show
//! healthy (or hide a certain problem) when it must not, as a test through
//! the public API — a configuration, the series Prometheus would answer, and
//! what the engine concludes.

// Tables of tuples are the point of these tests; values are exact by construction.
// The helpers mirror the engine's `Result` input.
#![allow(clippy::float_cmp, clippy::unnecessary_wraps)]

mod common;

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, QueryError, QueryResult};
use panopticon_engine::snapshot::ServiceSnapshot;
use panopticon_engine::{Config, Engine, Snapshot};

use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};
use common::{series, vector};

const T0: f64 = 1_700_000_000.0;

fn engine(yaml: &str) -> Engine {
    Engine::new(Config::from_yaml("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}")))
}

fn answer(series: Vec<InstantSeries>) -> Result<QueryResult, QueryError> {
    Ok(vector(series))
}

/// One value per instance (`None`: the instance sent nothing).
fn per_instance(values: &[(&str, Option<f64>)], at: f64) -> Result<QueryResult, QueryError> {
    answer(
        values
            .iter()
            .filter_map(|&(i, v)| v.map(|v| series(&[("instance", i)], v, at)))
            .collect(),
    )
}

fn evaluate(
    e: &mut Engine,
    at: f64,
    answers: Vec<(&str, Result<QueryResult, QueryError>)>,
) -> Snapshot {
    let results: HashMap<String, Result<QueryResult, QueryError>> = answers
        .into_iter()
        .map(|(q, a)| (q.to_owned(), a))
        .collect();
    e.evaluate(at, &results)
}

fn only(s: &Snapshot) -> &ServiceSnapshot {
    &s.services[0]
}

/// Whatever a service shows, a non-healthy raw verdict or a hold under way
/// is never silent: its reasons say something.
fn assert_not_silent(s: &Snapshot, step: usize) {
    for service in &s.services {
        for check in &service.checks {
            if check.outcome.status != H || check.status != H {
                assert!(
                    !service.reasons.is_empty(),
                    "step {step}: {} has a {} check and no reason",
                    service.id,
                    check.outcome.status
                );
            }
        }
    }
}

const FLAPPING: &str = "
instances: 1
services:
  - id: svc
    name: Svc
    checks:
      - id: v
        name: value
        query: v
        rule: { kind: threshold, direction: above, warning: 1, critical: 2 }
        for: 2
";

/// Runs `values` (one per evaluation, 15 s apart) through a one-instance
/// check and returns the shown statuses and the service's first reason.
fn run(yaml: &str, values: &[Option<f64>]) -> Vec<(Status, String)> {
    let mut e = engine(yaml);
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let at = T0 + 15.0 * i as f64;
        let s = evaluate(&mut e, at, vec![("v", per_instance(&[("a", *v)], at))]);
        assert_not_silent(&s, i);
        let svc = only(&s);
        out.push((svc.own, svc.reasons.first().cloned().unwrap_or_default()));
    }
    out
}

#[test]
fn defect_1_flapping_between_warning_and_critical_is_at_least_warning() {
    let values = [
        Some(0.0),
        Some(2.5),
        Some(1.5),
        Some(2.5),
        Some(1.5),
        Some(2.5),
    ];
    let got = run(FLAPPING, &values);
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [H, H, W, W, W, W], "{got:#?}");
    // The hold under way is read where the status is.
    assert!(
        got[1].1.contains("critical pending 1/2 (showing healthy)"),
        "{}",
        got[1].1
    );
    assert!(
        got[3].1.contains("critical pending 1/2 (showing warning)"),
        "{}",
        got[3].1
    );
}

#[test]
fn defect_1_critical_alternating_with_no_data_is_never_green() {
    let values = [Some(0.0), Some(2.5), None, Some(2.5), None, Some(2.5)];
    let got = run(FLAPPING, &values);
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    // Missing data shows at once; leaving it is not held either.
    assert_eq!(statuses, [H, H, U, C, U, C], "{got:#?}");
}

#[test]
fn defect_1_two_thirds_critical_with_for_3_is_warning() {
    let yaml = FLAPPING.replace("for: 2", "for: 3");
    let mut values = vec![Some(0.0)];
    for _ in 0..3 {
        values.extend([Some(2.5), Some(2.5), Some(1.5)]);
    }
    let got = run(&yaml, &values);
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [H, H, H, W, W, W, W, W, W, W], "{got:#?}");
}

#[test]
fn holds_still_smooth_a_single_blip_both_ways() {
    let got = run(
        FLAPPING,
        &[Some(0.0), Some(2.5), Some(0.0), Some(2.5), Some(2.5)],
    );
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [H, H, H, H, C]);
    let got = run(
        FLAPPING,
        &[Some(2.5), Some(0.0), Some(2.5), Some(0.0), Some(0.0)],
    );
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [C, C, C, C, H]);
    // Coming down a level: at or below it for `for` evaluations.
    let got = run(FLAPPING, &[Some(2.5), Some(1.5), Some(0.0), Some(1.5)]);
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [C, C, W, W]);
}

#[test]
fn defect_2_missing_data_is_never_held() {
    let yaml = FLAPPING.replace("for: 2", "for: 3");
    let got = run(&yaml, &[Some(0.0), None, None]);
    let statuses: Vec<Status> = got.iter().map(|g| g.0).collect();
    assert_eq!(statuses, [H, U, U]);
    assert!(got[1].1.contains("no data"), "{}", got[1].1);
}

const QUORUM: &str = "
instances: 4
services:
  - id: svc
    name: Svc
    checks:
      - id: v
        name: writeable
        query: v
        aggregate: quorum
        rule: { kind: equals, expected: 1, otherwise: critical }
";

#[test]
fn defect_3_a_missing_instance_does_not_hide_a_certain_warning() {
    let mut e = engine(QUORUM);
    let nodes = |v: [Option<f64>; 4]| {
        per_instance(
            &[
                ("node-1", v[0]),
                ("node-2", v[1]),
                ("node-3", v[2]),
                ("node-4", v[3]),
            ],
            T0,
        )
    };
    let full = evaluate(
        &mut e,
        T0,
        vec![("v", nodes([Some(1.0), Some(1.0), Some(1.0), Some(0.0)]))],
    );
    assert_eq!(only(&full).own, W);
    // A fresh engine (no memory of node-3): the best case is still a warning.
    let mut fresh = engine(QUORUM);
    let s = evaluate(
        &mut fresh,
        T0,
        vec![("v", nodes([Some(1.0), Some(1.0), None, Some(0.0)]))],
    );
    assert_eq!(only(&s).own, W, "{:?}", only(&s).reasons);
    // And where every filling-in could be healthy, unknown — never healthy.
    let mut fresh = engine(QUORUM);
    let s = evaluate(
        &mut fresh,
        T0,
        vec![("v", nodes([Some(1.0), Some(1.0), None, Some(1.0)]))],
    );
    assert_eq!(only(&s).own, U, "{:?}", only(&s).reasons);
}

#[test]
fn defect_4_a_series_scraped_by_two_jobs_counts_once() {
    let yaml = "
instances: 4
services:
  - id: weave
    name: Weave
    checks:
      - id: links
        name: weave connections
        query: weave_connections
        rule:
          kind: label_state
          label: state
          states: { established: healthy, failed: critical }
          expect: { state: established, count: peers, shortfall: critical }
";
    let mut e = engine(yaml);
    let mut all = Vec::new();
    for node in ["node-1", "node-2", "node-3", "node-4"] {
        for job in ["weave", "weave-again"] {
            all.push(series(
                &[("instance", node), ("job", job), ("state", "established")],
                2.0,
                T0,
            ));
        }
    }
    let s = evaluate(&mut e, T0, vec![("weave_connections", answer(all))]);
    assert_eq!(only(&s).own, C, "{:?}", only(&s).reasons);
    assert!(
        only(&s).reasons[0].contains("2 of 3 expected state=established"),
        "{:?}",
        only(&s).reasons
    );
}

#[test]
fn defect_5_a_series_without_the_instance_label_is_no_instance() {
    let mut e = engine(QUORUM);
    let mut data = vec![
        series(&[("instance", "node-1")], 1.0, T0),
        series(&[("instance", "node-2")], 1.0, T0),
        series(&[("instance", "node-3")], 1.0, T0),
    ];
    data.push(series(&[("job", "federate")], 1.0, T0));
    let s = evaluate(&mut e, T0, vec![("v", answer(data))]);
    let check = &only(&s).checks[0];
    assert_ne!(check.status, H, "{}", check.outcome.reason);
    assert_eq!(check.outcome.unnamed_missing, 1, "node-4 is missing");
    assert!(
        check
            .outcome
            .reason
            .contains("1 series without the `instance` label"),
        "{}",
        check.outcome.reason
    );
}

#[test]
fn defect_6_a_new_instance_does_not_hide_a_silent_known_one() {
    let yaml = QUORUM.replace(
        "instances: 4",
        "instances: 4\nforget_silent_after_secs: 300",
    );
    let mut e = engine(&yaml);
    let four = ["node-1", "node-2", "node-3", "node-4"].map(|n| (n, Some(1.0)));
    let s = evaluate(&mut e, T0, vec![("v", per_instance(&four, T0))]);
    assert_eq!(only(&s).own, H);
    let swapped = ["node-1", "node-2", "node-3", "node-5"].map(|n| (n, Some(1.0)));
    for dt in [15.0, 150.0, 300.0] {
        let s = evaluate(
            &mut e,
            T0 + dt,
            vec![("v", per_instance(&swapped, T0 + dt))],
        );
        assert_eq!(only(&s).own, W, "+{dt} s: {:?}", only(&s).reasons);
        assert!(
            only(&s).reasons[0].contains("node-4: no data (reported before, now silent)"),
            "{:?}",
            only(&s).reasons
        );
    }
    // Gone longer than forget_silent_after_secs: removed or renamed, forgotten.
    let at = T0 + 301.0;
    let s = evaluate(&mut e, at, vec![("v", per_instance(&swapped, at))]);
    assert_eq!(only(&s).own, H, "{:?}", only(&s).reasons);
}

#[test]
fn a_failed_query_is_unknown_not_a_warning_about_silent_instances() {
    let mut e = engine(QUORUM);
    let four = ["node-1", "node-2", "node-3", "node-4"].map(|n| (n, Some(1.0)));
    evaluate(&mut e, T0, vec![("v", per_instance(&four, T0))]);
    let s = evaluate(
        &mut e,
        T0 + 15.0,
        vec![(
            "v",
            Err(QueryError::Unreachable {
                reason: "Failed to fetch".to_owned(),
            }),
        )],
    );
    assert_eq!(only(&s).own, U, "{:?}", only(&s).reasons);
}

#[test]
fn defect_7_infinities_and_nonsense_ratios_are_unknown_with_the_value() {
    let levels = |direction: &str| match direction {
        "above" => "warning: 1, critical: 2",
        _ => "warning: 2, critical: 1",
    };
    let one_check = |instances: u32, rule: String| {
        format!(
            "
instances: {instances}
services:
  - id: svc
    checks:
      - id: v
        query: v
        rule: {{ {rule} }}
"
        )
    };
    let threshold = |direction: &str| {
        one_check(
            1,
            format!(
                "kind: threshold, direction: {direction}, {}",
                levels(direction)
            ),
        )
    };
    let count = |kind: &str| one_check(3, format!("kind: {kind}"));
    let ratio = |direction: &str| {
        one_check(
            1,
            format!(
                "kind: ratio, denominator: d, direction: {direction}, {}",
                levels(direction)
            ),
        )
    };
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    // (config, value, divisor, phrase in the reason)
    let table: Vec<(String, f64, Option<f64>, &str)> = vec![
        (threshold("above"), -inf, None, "-Inf"),
        (threshold("below"), inf, None, "+Inf"),
        (count("quorum"), inf, None, "+Inf"),
        (count("peers"), inf, None, "+Inf"),
        (ratio("above"), inf, Some(inf), "+Inf"),
        (ratio("above"), 8.0, Some(-4.0), "8 / -4"),
        (ratio("below"), 8.0, Some(inf), "+Inf"),
        (ratio("below"), inf, Some(8.0), "+Inf"),
        (ratio("above"), -8.0, Some(4.0), "-8 / 4"),
        (ratio("below"), nan, Some(8.0), "NaN"),
        (ratio("below"), 1e308, Some(1e-308), "cannot be rated"),
    ];
    for (yaml, value, divisor, phrase) in table {
        let mut e = engine(&yaml);
        let names = ["node-1", "node-2", "node-3"];
        let n = e.config().services[0].checks[0].instances as usize;
        let values: Vec<(&str, Option<f64>)> =
            names[..n].iter().map(|&i| (i, Some(value))).collect();
        let mut answers = vec![("v", per_instance(&values, T0))];
        if let Some(d) = divisor {
            let divisors: Vec<(&str, Option<f64>)> =
                names[..n].iter().map(|&i| (i, Some(d))).collect();
            answers.push(("d", per_instance(&divisors, T0)));
        }
        let s = evaluate(&mut e, T0, answers);
        let what = format!("{value} / {divisor:?} with {yaml}");
        assert_eq!(only(&s).own, U, "{what}: {:?}", only(&s).reasons);
        assert!(
            only(&s).reasons.iter().any(|r| r.contains(phrase)),
            "{what}: no {phrase:?} in {:?}",
            only(&s).reasons
        );
    }
}

#[test]
fn defect_9_the_first_reason_is_the_one_that_sets_the_status() {
    let yaml = "
instances: 4
services:
  - id: gluster
    name: GlusterFS
    checks:
      - id: mounted
        name: volume mounted
        query: mounted
        rule: { kind: equals, expected: 1, otherwise: critical }
      - id: writeable
        name: volume writeable
        query: writeable
        rule: { kind: equals, expected: 1, otherwise: critical }
        message: 'volume not writeable on {instance}'
";
    let mut e = engine(yaml);
    let mounted = per_instance(
        &[
            ("node-1", Some(1.0)),
            ("node-2", Some(1.0)),
            ("node-3", Some(1.0)),
            ("node-4", None),
        ],
        T0,
    );
    let writeable = per_instance(
        &[
            ("node-1", Some(1.0)),
            ("node-2", Some(1.0)),
            ("node-3", Some(0.0)),
            ("node-4", Some(1.0)),
        ],
        T0,
    );
    let s = evaluate(
        &mut e,
        T0,
        vec![("mounted", mounted), ("writeable", writeable)],
    );
    let reasons = assert_led_by(&s, C, "GlusterFS: volume writeable");
    assert!(reasons[0].contains("not writeable"), "{reasons:?}");
    assert!(reasons[1].contains("no data"), "{reasons:?}");
}

/// The only service is `status`, and its first reason (the banner's) starts
/// with `lead`; returns its reasons.
fn assert_led_by<'s>(s: &'s Snapshot, status: Status, lead: &str) -> &'s [String] {
    let svc = only(s);
    assert_eq!(svc.own, status, "{:?}", svc.reasons);
    assert!(svc.reasons[0].starts_with(lead), "{:?}", svc.reasons);
    &svc.reasons
}

#[test]
fn defect_9_an_exporter_down_does_not_lead_over_a_critical_reachability_check() {
    let yaml = "
instances: 2
services:
  - id: redis
    name: Redis
    up: 'up{job=\"redis\"}'
    checks:
      - id: exporter
        name: redis answers
        query: redis_up
        rule: { kind: equals, expected: 1, otherwise: critical }
      - id: reachable
        name: exporter reachable
        query: 'up{job=\"redis\"}'
        up: none
        rule: { kind: equals, expected: 1, otherwise: critical }
";
    let mut e = engine(yaml);
    let up = per_instance(&[("r-1", Some(1.0)), ("r-2", Some(0.0))], T0);
    let redis_up = per_instance(&[("r-1", Some(1.0))], T0);
    let s = evaluate(
        &mut e,
        T0,
        vec![("up{job=\"redis\"}", up), ("redis_up", redis_up)],
    );
    assert_led_by(&s, C, "Redis: exporter reachable");
}

#[test]
fn a_hold_never_shows_green_while_an_instance_has_no_data() {
    let yaml = QUORUM.replace("aggregate: quorum", "for: 3");
    let mut e = engine(&yaml);
    let four = ["node-1", "node-2", "node-3", "node-4"].map(|n| (n, Some(1.0)));
    evaluate(&mut e, T0, vec![("v", per_instance(&four, T0))]);
    // node-3 critical (certain, held back by `for: 3`) and node-4 silent.
    let at = T0 + 15.0;
    let bad = [
        ("node-1", Some(1.0)),
        ("node-2", Some(1.0)),
        ("node-3", Some(0.0)),
        ("node-4", None),
    ];
    let s = evaluate(&mut e, at, vec![("v", per_instance(&bad, at))]);
    let check = &only(&s).checks[0];
    assert_eq!(check.outcome.status, C);
    assert_eq!(check.status, U, "{}", check.outcome.reason);
    assert!(
        check
            .outcome
            .reason
            .ends_with("critical pending 1/3 (showing unknown)"),
        "{}",
        check.outcome.reason
    );
}

#[test]
fn a_green_banner_names_a_change_waiting_out_its_hold() {
    let mut e = engine(FLAPPING);
    evaluate(
        &mut e,
        T0,
        vec![("v", per_instance(&[("a", Some(0.0))], T0))],
    );
    let at = T0 + 15.0;
    let s = evaluate(
        &mut e,
        at,
        vec![("v", per_instance(&[("a", Some(2.5))], at))],
    );
    assert_eq!(s.cluster, H);
    let summary = panopticon_engine::Summary::of(s.cluster, &s.services);
    let texts: Vec<&str> = summary.reasons.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts[0], "All 1 services healthy");
    assert!(
        texts
            .get(1)
            .is_some_and(|t| t.ends_with("critical pending 1/2 (showing healthy)")),
        "{texts:?}"
    );
}

/// Issue 12, row 3: samples dated a year ahead were rated as current.
#[test]
fn samples_from_the_future_are_unknown_beyond_a_small_tolerance() {
    let year = 365.0 * 86_400.0;
    for (ahead, expect) in [(0.0, H), (29.0, H), (31.0, U), (600.0, U), (year, U)] {
        let mut e = engine(FLAPPING);
        let s = evaluate(
            &mut e,
            T0,
            vec![("v", per_instance(&[("a", Some(0.0))], T0 + ahead))],
        );
        assert_eq!(
            only(&s).own,
            expect,
            "{ahead} s ahead: {:?}",
            only(&s).reasons
        );
        if expect == U {
            assert!(
                only(&s).reasons[0].contains("in the future"),
                "{:?}",
                only(&s).reasons
            );
        }
    }
}
