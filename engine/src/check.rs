//! Running one check over decoded query results, with the no-data policy.
//!
//! Never a false green: every way of *not* knowing is `unknown` with a reason
//! a person can read —
//! - the query failed (or has no result yet): every instance, with the error text;
//! - the instance's target is down (`up == 0`): "exporter down";
//! - the target is up but sent no series for this check: missing;
//! - fewer instances reported than expected: missing (named when the engine
//!   has seen them before, counted otherwise);
//! - NaN, a native histogram instead of a float, or a sample older than the
//!   stale age.
//!
//! What remains are real numbers, handed to the [`Rule`].

use std::collections::BTreeMap;

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, Labels, QueryData, QueryResult, Sample};

use crate::aggregate::{self, Tally};
use crate::config::{Aggregation, Check};
use crate::rule::{Rating, Rule, fmt_value};

/// A query's outcome as the app hands it in: decoded data or the error text.
pub type QueryOutcome = Result<QueryResult, String>;

/// The instance name used for series without the instance label (scalars,
/// cluster-wide aggregates).
pub const CLUSTER_INSTANCE: &str = "cluster";

/// Everything a check needs besides its configuration.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Result of the check's query; `None` when it has not been fetched yet.
    pub main: Option<&'a QueryOutcome>,
    /// Result of the ratio's denominator, for ratio rules.
    pub denominator: Option<&'a QueryOutcome>,
    /// Result of the reachability query, when the check has one.
    pub up: Option<&'a QueryOutcome>,
    /// Evaluation time, Unix seconds.
    pub now: f64,
    /// Samples older than this many seconds are stale.
    pub stale_after_secs: f64,
    /// Instances this check reported before, most recent first: used to name
    /// instances that went silent.
    pub remembered: &'a [String],
}

/// The verdict on one instance.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceVerdict {
    /// The instance (node) name.
    pub instance: String,
    /// The value the verdict is about, when there is one.
    pub value: Option<f64>,
    /// The verdict.
    pub status: Status,
    /// Why, without the instance name; empty when healthy.
    pub reason: String,
}

/// The verdict on one check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    /// The aggregated status.
    pub status: Status,
    /// One verdict per instance, sorted by instance name.
    pub instances: Vec<InstanceVerdict>,
    /// Expected instances that sent nothing and that we cannot name.
    pub unnamed_missing: u32,
    /// The ratings counted for the aggregation.
    pub tally: Tally,
    /// A sentence explaining a non-healthy status; empty when healthy.
    pub reason: String,
    /// Prometheus warnings and infos, and trouble with the reachability query.
    pub notes: Vec<String>,
    /// Instances that sent data this time (for the engine's memory).
    pub seen: Vec<String>,
}

/// Evaluates `check` on `inputs`.
pub fn evaluate(check: &Check, inputs: &Inputs<'_>) -> CheckOutcome {
    let mut notes = Vec::new();
    let up = up_map(check, inputs.up, &mut notes);
    let data = match (fetched(&check.query, inputs.main), &check.rule) {
        (Err(e), _) => Err(e),
        (Ok(main), Rule::Ratio { denominator, .. }) => {
            fetched(denominator, inputs.denominator).map(|d| (main, Some(d)))
        }
        (Ok(main), _) => Ok((main, None)),
    };
    let failure = data.as_ref().err().cloned();
    let mut verdicts: BTreeMap<String, InstanceVerdict> = BTreeMap::new();
    let mut seen = Vec::new();
    match data {
        Err(error) => {
            for instance in up.keys() {
                verdicts.insert(instance.clone(), unknown(instance, error.clone()));
            }
        }
        Ok((main, denominator)) => {
            collect_notes(main, &mut notes);
            if let Some(d) = denominator {
                collect_notes(d, &mut notes);
            }
            let groups = group(&main.data, &check.instance_label);
            let denominators = denominator.map(|d| group(&d.data, &check.instance_label));
            for (instance, points) in &groups {
                seen.push(instance.clone());
                let verdict = if up.get(instance) == Some(&false) {
                    unknown(instance, EXPORTER_DOWN.to_owned())
                } else {
                    let denominator = denominators
                        .as_ref()
                        .map(|d| d.get(instance).map_or(&[][..], Vec::as_slice));
                    rate_instance(check, inputs, instance, points, denominator)
                };
                verdicts.insert(instance.clone(), verdict);
            }
            for (instance, is_up) in &up {
                if !verdicts.contains_key(instance) {
                    let reason = if *is_up {
                        "no series, although its exporter is up".to_owned()
                    } else {
                        EXPORTER_DOWN.to_owned()
                    };
                    verdicts.insert(instance.clone(), unknown(instance, reason));
                }
            }
        }
    }
    let n = check.instances;
    let reason_for_silent = failure
        .clone()
        .unwrap_or_else(|| "no data (reported before, now silent)".to_owned());
    for instance in inputs.remembered {
        if verdicts.len() >= n as usize {
            break;
        }
        if !verdicts.contains_key(instance) {
            verdicts.insert(
                instance.clone(),
                unknown(instance, reason_for_silent.clone()),
            );
        }
    }
    let unnamed_missing = u32::try_from(verdicts.len()).map_or(0, |have| n.saturating_sub(have));
    let instances: Vec<InstanceVerdict> = verdicts.into_values().collect();
    let mut tally = Tally::of(instances.iter().map(|v| v.status));
    tally.unknown += unnamed_missing;
    let status = match check.aggregation {
        Aggregation::Quorum => aggregate::quorum(tally, n),
        Aggregation::Worst => aggregate::worst(tally, n),
    };
    let reason = if status == Status::Healthy {
        String::new()
    } else {
        explain(check, &instances, unnamed_missing, failure.as_deref())
    };
    CheckOutcome {
        status,
        instances,
        unnamed_missing,
        tally,
        reason,
        notes,
        seen,
    }
}

const EXPORTER_DOWN: &str = "exporter down (up == 0)";

fn unknown(instance: &str, reason: String) -> InstanceVerdict {
    InstanceVerdict {
        instance: instance.to_owned(),
        value: None,
        status: Status::Unknown,
        reason,
    }
}

/// The result, or the reason there is none.
fn fetched<'a>(query: &str, outcome: Option<&'a QueryOutcome>) -> Result<&'a QueryResult, String> {
    match outcome {
        None => Err(format!("no result yet for `{query}`")),
        Some(Err(e)) => Err(format!("query failed: {e}")),
        Some(Ok(r)) => match &r.data {
            QueryData::String { .. } => Err(format!("`{query}` returned a string, not numbers")),
            _ => Ok(r),
        },
    }
}

fn collect_notes(result: &QueryResult, notes: &mut Vec<String>) {
    for w in &result.warnings {
        notes.push(format!("Prometheus warning: {w}"));
    }
    for i in &result.infos {
        notes.push(format!("Prometheus info: {i}"));
    }
}

/// Instance → is its target up. Several targets per instance: up only if all are.
fn up_map(
    check: &Check,
    up: Option<&QueryOutcome>,
    notes: &mut Vec<String>,
) -> BTreeMap<String, bool> {
    let mut map = BTreeMap::new();
    let Some(expr) = &check.up else {
        return map;
    };
    match fetched(expr, up) {
        Err(e) => notes.push(format!("reachability unknown: {e}")),
        Ok(result) => {
            for (instance, points) in group(&result.data, "instance") {
                let is_up = points.iter().all(|p| {
                    p.sample
                        .is_some_and(|s| (s.value - 1.0).abs() < f64::EPSILON)
                });
                map.insert(instance, is_up);
            }
        }
    }
    map
}

/// One series' labels and float sample (if it has one).
#[derive(Debug, Clone)]
struct Point<'a> {
    labels: &'a Labels,
    sample: Option<Sample>,
}

/// Series grouped by instance label, sorted. Matrices contribute their last sample.
fn group<'a>(data: &'a QueryData, label: &str) -> BTreeMap<String, Vec<Point<'a>>> {
    static NO_LABELS: Labels = Labels::new();
    let mut groups: BTreeMap<String, Vec<Point<'a>>> = BTreeMap::new();
    let mut add = |labels: &'a Labels, sample: Option<Sample>| {
        let instance = labels
            .get(label)
            .cloned()
            .unwrap_or_else(|| CLUSTER_INSTANCE.to_owned());
        groups
            .entry(instance)
            .or_default()
            .push(Point { labels, sample });
    };
    match data {
        QueryData::Vector(series) => {
            for InstantSeries { labels, sample, .. } in series {
                add(labels, *sample);
            }
        }
        QueryData::Matrix(series) => {
            for s in series {
                add(&s.labels, s.samples.last().copied());
            }
        }
        QueryData::Scalar(sample) => add(&NO_LABELS, Some(*sample)),
        QueryData::String { .. } => {}
    }
    groups
}

/// The usable value of a point, or why there is none.
fn usable(point: &Point<'_>, inputs: &Inputs<'_>) -> Result<f64, String> {
    let Some(sample) = point.sample else {
        return Err("a native histogram, not a float value".to_owned());
    };
    if sample.value.is_nan() {
        return Err("value is NaN".to_owned());
    }
    let age = inputs.now - sample.timestamp;
    if age > inputs.stale_after_secs {
        return Err(format!(
            "stale: last sample {} s old (limit {} s)",
            fmt_value(age.round()),
            fmt_value(inputs.stale_after_secs)
        ));
    }
    Ok(sample.value)
}

fn unknown_rating(reason: String) -> Rating {
    Rating {
        status: Status::Unknown,
        value: None,
        detail: reason,
    }
}

/// Rates all of one instance's points and keeps the worst.
fn rate_instance(
    check: &Check,
    inputs: &Inputs<'_>,
    instance: &str,
    points: &[Point<'_>],
    denominator: Option<&[Point<'_>]>,
) -> InstanceVerdict {
    let mut ratings: Vec<(Rating, Option<&Labels>)> = Vec::new();
    match &check.rule {
        Rule::LabelState(rule) => {
            let label = rule.label.as_str();
            let mut states = Vec::new();
            for p in points {
                match usable(p, inputs) {
                    Ok(v) => states.push((p.labels.get(label).map_or("", String::as_str), v)),
                    Err(e) => ratings.push((unknown_rating(e), Some(p.labels))),
                }
            }
            if !states.is_empty() {
                let labels = points.first().map(|p| p.labels);
                ratings.push((rule.rate(&check.name, check.instances, &states), labels));
            }
        }
        Rule::Ratio {
            denominator: expr, ..
        } => {
            let divisors = denominator.unwrap_or(&[]);
            for p in points {
                let rating = match (usable(p, inputs), divisor_for(p, divisors)) {
                    (Err(e), _) => unknown_rating(e),
                    (Ok(_), None) => unknown_rating(format!("no `{expr}` sample to divide by")),
                    (Ok(num), Some(d)) => match usable(d, inputs) {
                        Err(e) => unknown_rating(format!("divisor: {e}")),
                        Ok(0.0) => unknown_rating(format!("`{expr}` is 0")),
                        Ok(den) => check
                            .rule
                            .rate_value(&check.name, check.instances, num / den),
                    },
                };
                ratings.push((rating, Some(p.labels)));
            }
        }
        rule => {
            for p in points {
                let rating = match usable(p, inputs) {
                    Ok(v) => rule.rate_value(&check.name, check.instances, v),
                    Err(e) => unknown_rating(e),
                };
                ratings.push((rating, Some(p.labels)));
            }
        }
    }
    let worst = ratings
        .iter()
        .map(|(r, _)| r.status)
        .max()
        .unwrap_or(Status::Unknown);
    let value = ratings
        .iter()
        .find(|(r, _)| r.status == worst)
        .and_then(|(r, _)| r.value);
    let mut reasons: Vec<String> = Vec::new();
    for (rating, labels) in ratings.iter().filter(|(r, _)| r.status == worst) {
        let text = match (&check.message, labels, rating.status) {
            (Some(template), Some(labels), Status::Warning | Status::Critical) => {
                fill(template, instance, rating, labels)
            }
            _ => rating.detail.clone(),
        };
        if !text.is_empty() && !reasons.contains(&text) {
            reasons.push(text);
        }
    }
    if ratings.is_empty() {
        reasons.push("no series".to_owned());
    }
    InstanceVerdict {
        instance: instance.to_owned(),
        value,
        status: worst,
        reason: reasons.join("; "),
    }
}

/// The divisor for `p`: same labels (ignoring the metric name), else the
/// instance's only divisor (e.g. one core count for every CPU series).
fn divisor_for<'a, 'b>(p: &Point<'_>, divisors: &'b [Point<'a>]) -> Option<&'b Point<'a>> {
    let strip = |l: &Labels| {
        l.iter()
            .filter(|(k, _)| k.as_str() != "__name__")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Labels>()
    };
    let want = strip(p.labels);
    divisors
        .iter()
        .find(|d| strip(d.labels) == want)
        .or(if divisors.len() == 1 {
            divisors.first()
        } else {
            None
        })
}

/// Fills a message template: `{instance}`, `{value}`, `{status}`, `{<label>}`.
fn fill(template: &str, instance: &str, rating: &Rating, labels: &Labels) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let key = &after[..close];
        let replacement = match key {
            "instance" => Some(instance.to_owned()),
            "value" => rating.value.map(fmt_value),
            "status" => Some(rating.status.to_string()),
            label => labels.get(label).cloned(),
        };
        if let Some(r) = replacement {
            out.push_str(&r);
        } else {
            out.push('{');
            out.push_str(key);
            out.push('}');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The check's sentence: non-healthy instances grouped by identical reason.
fn explain(
    check: &Check,
    instances: &[InstanceVerdict],
    unnamed_missing: u32,
    failure: Option<&str>,
) -> String {
    let mut by_reason: Vec<(Status, &str, Vec<&str>)> = Vec::new();
    for v in instances.iter().filter(|v| v.status != Status::Healthy) {
        match by_reason
            .iter_mut()
            .find(|(s, r, _)| *s == v.status && *r == v.reason)
        {
            Some((_, _, names)) => names.push(&v.instance),
            None => by_reason.push((v.status, &v.reason, vec![&v.instance])),
        }
    }
    by_reason.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut parts: Vec<String> = by_reason
        .iter()
        .map(|(_, reason, names)| format!("{}: {reason}", names.join(", ")))
        .collect();
    if unnamed_missing > 0 {
        let total = check.instances;
        let why = failure.unwrap_or("no data");
        parts.push(format!(
            "{unnamed_missing} of {total} expected instances: {why}"
        ));
    }
    if parts.is_empty() {
        // Aggregation judged the healthy instances too few (e.g. more
        // instances than expected): say what was counted.
        let healthy = instances
            .iter()
            .filter(|v| v.status == Status::Healthy)
            .count();
        parts.push(format!(
            "{healthy} of {} instances healthy",
            check.instances
        ));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests;
