//! The no-data policy and per-instance verdicts, one behaviour per table row.

// Tables of cases are the point of these tests: long by design.
#![allow(clippy::too_many_lines)]
// Tables of tuples are the point of these tests, values are exact by construction,
// and the helper mirrors the decoder's `Result` output.
#![allow(clippy::type_complexity, clippy::float_cmp, clippy::unnecessary_wraps)]

use panopticon_core::Status;
use std::time::Duration;

use panopticon_core::prom::{
    InstantSeries, Labels, PromErrorKind, QueryData, QueryError, QueryResult, Sample,
};

use super::{Inputs, QueryOutcome, evaluate};
use crate::config::{Aggregation, Check};
use crate::rule::{Direction, Rule, Threshold};

const NOW: f64 = 1_000.0;

fn series(instance: &str, value: f64, ts: f64) -> InstantSeries {
    let mut labels = Labels::new();
    labels.insert("instance".to_owned(), instance.to_owned());
    labels.insert("volume".to_owned(), "gv_data".to_owned());
    InstantSeries {
        labels,
        sample: Some(Sample {
            timestamp: ts,
            value,
        }),
        histogram: None,
    }
}

fn vector(points: &[(&str, f64)]) -> QueryOutcome {
    Ok(QueryResult {
        data: QueryData::Vector(points.iter().map(|&(i, v)| series(i, v, NOW)).collect()),
        warnings: vec![],
        infos: vec![],
        is_partial: false,
    })
}

fn check(rule: Rule, aggregation: Aggregation, up: bool) -> Check {
    Check {
        id: "c".to_owned(),
        name: "writeable".to_owned(),
        query: "q".to_owned(),
        instance_label: "instance".to_owned(),
        up: up.then(|| "up".to_owned()),
        instances: 4,
        rule,
        aggregation,
        hold: 0,
        message: None,
        source: 0,
    }
}

fn equals() -> Rule {
    Rule::Equals {
        expected: 1.0,
        otherwise: Status::Critical,
    }
}

fn run(
    check: &Check,
    main: Option<&QueryOutcome>,
    up: Option<&QueryOutcome>,
    remembered: &[String],
) -> super::CheckOutcome {
    evaluate(
        check,
        &Inputs {
            main,
            denominator: None,
            up,
            now: NOW,
            stale_after_secs: 60.0,
            remembered,
            source: None,
            name_source: false,
        },
    )
}

#[test]
fn no_data_policy() {
    let all_up = vector(&[
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", 1.0),
    ]);
    let node4_down = vector(&[
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", 0.0),
    ]);
    let three = vector(&[("node-1", 1.0), ("node-2", 1.0), ("node-3", 1.0)]);
    let four = vector(&[
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", 1.0),
    ]);
    let nan = vector(&[
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", f64::NAN),
    ]);
    let stale = Ok(QueryResult {
        data: QueryData::Vector(vec![
            series("node-1", 1.0, NOW),
            series("node-2", 1.0, NOW),
            series("node-3", 1.0, NOW),
            series("node-4", 1.0, NOW - 61.0),
        ]),
        warnings: vec![],
        infos: vec![],
        is_partial: false,
    });
    let failed: QueryOutcome = Err(QueryError::Timeout {
        after: Duration::from_secs(10),
    });
    // (main, up, remembered, aggregation, expected status, node-4's status and reason, unnamed missing)
    let table: Vec<(
        Option<&QueryOutcome>,
        Option<&QueryOutcome>,
        Vec<String>,
        Aggregation,
        Status,
        Option<(Status, &str)>,
        u32,
    )> = vec![
        (
            Some(&four),
            Some(&all_up),
            vec![],
            Aggregation::Worst,
            Status::Healthy,
            Some((Status::Healthy, "")),
            0,
        ),
        (
            Some(&four),
            Some(&node4_down),
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "exporter down (up == 0)")),
            0,
        ),
        (
            Some(&three),
            Some(&node4_down),
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "exporter down (up == 0)")),
            0,
        ),
        (
            Some(&three),
            Some(&all_up),
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "no series, although its exporter is up")),
            0,
        ),
        (
            Some(&three),
            None,
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            None,
            1,
        ),
        (
            Some(&three),
            None,
            vec!["node-4".to_owned()],
            Aggregation::Worst,
            Status::Warning, // a known instance fell silent: at least a warning
            Some((Status::Unknown, "no data (reported before, now silent)")),
            0,
        ),
        (
            Some(&three),
            None,
            vec![],
            Aggregation::Quorum,
            Status::Unknown, // best case all healthy: the missing one decides
            None,
            1,
        ),
        (
            Some(&nan),
            None,
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "value is NaN")),
            0,
        ),
        (
            Some(&stale),
            None,
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "stale: last sample 61 s old (limit 60 s)")),
            0,
        ),
        (
            Some(&failed),
            Some(&all_up),
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            Some((Status::Unknown, "query failed: query timed out after 10 s")),
            0,
        ),
        (
            Some(&failed),
            None,
            vec![],
            Aggregation::Quorum,
            Status::Unknown,
            None,
            4,
        ),
        (
            None,
            None,
            vec![],
            Aggregation::Worst,
            Status::Unknown,
            None,
            4,
        ),
    ];
    for (i, (main, up, remembered, aggregation, expect, node4, missing)) in
        table.into_iter().enumerate()
    {
        let c = check(equals(), aggregation, up.is_some());
        let got = run(&c, main, up, &remembered);
        assert_eq!(got.status, expect, "row {i}: {got:?}");
        assert_eq!(got.unnamed_missing, missing, "row {i}: {got:?}");
        let v4 = got.instances.iter().find(|v| v.instance == "node-4");
        assert_eq!(
            v4.map(|v| (v.status, v.reason.as_str())),
            node4,
            "row {i}: {got:?}"
        );
        assert_eq!(
            got.reason.is_empty(),
            expect == Status::Healthy,
            "row {i}: {got:?}"
        );
    }
}

#[test]
fn failed_query_reason_reaches_the_check_sentence() {
    let failed: QueryOutcome = Err(QueryError::Unreachable {
        reason: "Failed to fetch".to_owned(),
    });
    let got = run(
        &check(equals(), Aggregation::Worst, false),
        Some(&failed),
        None,
        &[],
    );
    assert_eq!(
        got.reason,
        "4 of 4 expected instances: query failed: Prometheus unreachable: Failed to fetch"
    );
}

#[test]
fn message_template_and_grouped_reasons() {
    let mut c = check(equals(), Aggregation::Worst, false);
    c.message = Some("volume {volume} not writeable on {instance}".to_owned());
    let data = vector(&[
        ("node-1", 1.0),
        ("node-2", 0.0),
        ("node-3", 0.0),
        ("node-4", 1.0),
    ]);
    let got = run(&c, Some(&data), None, &[]);
    assert_eq!(got.status, Status::Critical);
    assert_eq!(
        got.reason,
        "node-2: volume gv_data not writeable on node-2; node-3: volume gv_data not writeable on node-3"
    );
    c.message = None;
    let got = run(&c, Some(&data), None, &[]);
    assert_eq!(got.reason, "node-2, node-3: writeable is 0, expected 1");
}

#[test]
fn ratio_joins_on_instance() {
    let mut c = check(
        Rule::Ratio {
            denominator: "cores".to_owned(),
            threshold: Threshold {
                direction: Direction::Above,
                warning: Some(1.0),
                critical: Some(2.0),
            },
        },
        Aggregation::Worst,
        false,
    );
    c.name = "load per core".to_owned();
    let load = vector(&[
        ("node-1", 0.5),
        ("node-2", 4.8),
        ("node-3", 3.0),
        ("node-4", 1.0),
    ]);
    let cores = vector(&[("node-1", 2.0), ("node-2", 2.0), ("node-3", 0.0)]);
    let got = evaluate(
        &c,
        &Inputs {
            main: Some(&load),
            denominator: Some(&cores),
            up: None,
            now: NOW,
            stale_after_secs: 60.0,
            remembered: &[],
            source: None,
            name_source: false,
        },
    );
    let verdicts: Vec<(&str, Status, Option<f64>, &str)> = got
        .instances
        .iter()
        .map(|v| (v.instance.as_str(), v.status, v.value, v.reason.as_str()))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("node-1", Status::Healthy, Some(0.25), ""),
            (
                "node-2",
                Status::Critical,
                Some(2.4),
                "load per core 2.4 ≥ 2 (critical)"
            ),
            ("node-3", Status::Unknown, None, "`cores` is 0"),
            (
                "node-4",
                Status::Unknown,
                None,
                "no `cores` sample to divide by"
            ),
        ]
    );
    assert_eq!(got.status, Status::Critical);
    // The denominator's failure makes every instance unknown with its text.
    let failed: QueryOutcome = Err(QueryError::Prometheus {
        kind: PromErrorKind::BadData,
        message: "parse error".to_owned(),
        status: 400,
    });
    let got = evaluate(
        &c,
        &Inputs {
            main: Some(&load),
            denominator: Some(&failed),
            up: None,
            now: NOW,
            stale_after_secs: 60.0,
            remembered: &[],
            source: None,
            name_source: false,
        },
    );
    assert_eq!(got.status, Status::Unknown);
    assert!(
        got.reason.contains("(bad_data): parse error"),
        "{}",
        got.reason
    );
}

#[test]
fn prometheus_warnings_are_kept() {
    let data = Ok(QueryResult {
        data: QueryData::Scalar(Sample {
            timestamp: NOW,
            value: 1.0,
        }),
        warnings: vec!["results truncated".to_owned()],
        infos: vec![],
        is_partial: false,
    });
    let mut c = check(equals(), Aggregation::Worst, false);
    c.instances = 1;
    let got = run(&c, Some(&data), None, &[]);
    assert_eq!(got.status, Status::Healthy);
    assert_eq!(got.instances[0].instance, super::CLUSTER_INSTANCE);
    assert_eq!(
        got.notes,
        vec!["Prometheus warning: results truncated".to_owned()]
    );
}

fn with_source(
    check: &Check,
    main: &QueryOutcome,
    up: Option<&QueryOutcome>,
    source: &crate::config::DataSource,
    name_source: bool,
) -> super::CheckOutcome {
    evaluate(
        check,
        &Inputs {
            main: Some(main),
            denominator: None,
            up,
            now: NOW,
            stale_after_secs: 60.0,
            remembered: &[],
            source: Some(source),
            name_source,
        },
    )
}

fn source(name: &str, kind: panopticon_core::prom::SourceKind) -> crate::config::DataSource {
    crate::config::DataSource {
        name: name.to_owned(),
        kind,
        ..crate::config::DataSource::default()
    }
}

/// A partial answer is never green: healthy turns unknown with the source
/// and its warning named; warning and critical stay what they are.
#[test]
fn a_partial_answer_is_at_best_unknown_and_says_whose() {
    use panopticon_core::prom::SourceKind;
    let thanos = source("thanos-eu", SourceKind::Thanos);
    let prometheus = source("main", SourceKind::Prometheus);
    let vm = source("vm", SourceKind::VictoriaMetrics);
    let c = check(equals(), Aggregation::Worst, false);
    let with_warning = |points: &[(&str, f64)]| {
        vector(points).map(|mut r| {
            r.warnings = vec!["No StoreAPIs matched for this query".to_owned()];
            r
        })
    };
    let all = [
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", 1.0),
    ];
    let got = with_source(&c, &with_warning(&all), None, &thanos, false);
    assert_eq!(got.status, Status::Unknown);
    assert_eq!(
        got.reason,
        "partial answer from thanos-eu: No StoreAPIs matched for this query; \
         4 of 4 instances healthy"
    );
    // The same warning from Prometheus is an annotation: healthy stays.
    let got = with_source(&c, &with_warning(&all), None, &prometheus, false);
    assert_eq!(got.status, Status::Healthy);
    let vm_partial = vector(&all).map(|mut r| {
        r.is_partial = true;
        r
    });
    let got = with_source(&c, &vm_partial, None, &vm, false);
    assert_eq!(got.status, Status::Unknown);
    assert!(
        got.reason.starts_with("partial answer from vm: isPartial"),
        "{}",
        got.reason
    );
    // A critical stays critical, the partial answer said first.
    let failing = with_warning(&[
        ("node-1", 1.0),
        ("node-2", 1.0),
        ("node-3", 1.0),
        ("node-4", 0.0),
    ]);
    let got = with_source(&c, &failing, None, &thanos, false);
    assert_eq!(got.status, Status::Critical);
    assert!(
        got.reason.starts_with("partial answer from thanos-eu: "),
        "{}",
        got.reason
    );
    // A partial reachability answer counts too: it may lack an `up == 0`.
    let c = check(equals(), Aggregation::Worst, true);
    let got = with_source(&c, &vector(&all), Some(&with_warning(&all)), &thanos, false);
    assert_eq!(got.status, Status::Unknown);
}

#[test]
fn a_failed_query_names_its_source_when_there_are_several() {
    use panopticon_core::prom::SourceKind;
    let vm = source("vm", SourceKind::VictoriaMetrics);
    let c = check(equals(), Aggregation::Worst, false);
    let failed: QueryOutcome = Err(QueryError::Timeout {
        after: Duration::from_secs(10),
    });
    let named = with_source(&c, &failed, None, &vm, true);
    assert_eq!(named.status, Status::Unknown);
    assert!(
        named.reason.contains("query to vm failed: "),
        "{}",
        named.reason
    );
    let alone = with_source(&c, &failed, None, &vm, false);
    assert!(alone.reason.contains("query failed: "), "{}", alone.reason);
}
