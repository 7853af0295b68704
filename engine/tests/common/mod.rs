//! Builders shared by the engine's integration tests: series, complete
//! answers, the series a generated cluster's instance sends, and the
//! statuses a snapshot shows. Each test binary includes this module with
//! `mod common;` and uses what it needs.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, Labels, QueryData, QueryResult, Sample};
use panopticon_engine::Snapshot;

/// A series with `labels` and `value`, sampled at `at`.
pub fn series(labels: &[(&str, &str)], value: f64, at: f64) -> InstantSeries {
    InstantSeries {
        labels: labels
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<Labels>(),
        sample: Some(Sample {
            timestamp: at,
            value,
        }),
        histogram: None,
    }
}

/// A complete instant answer of `series`: no warnings, not partial.
pub fn vector(series: Vec<InstantSeries>) -> QueryResult {
    QueryResult {
        data: QueryData::Vector(series),
        warnings: vec![],
        infos: vec![],
        is_partial: false,
    }
}

/// What the `i`-th instance (from 0) of a generated cluster sends for one
/// query: instance `node-{i + 1}` of job `j`, one series per entry of
/// `states` labelled `state` with the matching value of `values` when
/// `states` is given, otherwise one series with `values[0]`.
pub fn instance_series(
    i: usize,
    states: Option<&[&str]>,
    values: &[f64],
    at: f64,
) -> Vec<InstantSeries> {
    let instance = format!("node-{}", i + 1);
    let base = [("instance", instance.as_str()), ("job", "j")];
    match states {
        Some(states) => states
            .iter()
            .zip(values)
            .map(|(state, value)| {
                let mut labels = base.to_vec();
                labels.push(("state", state));
                series(&labels, *value, at)
            })
            .collect(),
        None => vec![series(&base, values[0], at)],
    }
}

/// Each service's effective status in configuration order, then the
/// cluster's.
pub fn statuses(s: &Snapshot) -> Vec<Status> {
    let mut out: Vec<Status> = s.services.iter().map(|x| x.effective).collect();
    out.push(s.cluster);
    out
}
