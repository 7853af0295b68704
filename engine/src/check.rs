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

use std::collections::{HashMap, HashSet};

use panopticon_core::Status;
use panopticon_core::prom::{Labels, QueryData, QueryError, QueryResult, SourceKind, Teller};
use panopticon_core::sorting;

use crate::aggregate::{self, Tally};
use crate::config::{Aggregation, Check, DataSource};
use crate::rule::{Rating, Rule, fmt_value};
use group::Point;

mod group;

/// A query's outcome as the app hands it in: decoded data or the typed
/// error, worded for the reason only here, where a check explains itself.
pub type QueryOutcome = Result<QueryResult, QueryError>;

/// The instance name used for series without the instance label (scalars,
/// cluster-wide aggregates).
pub const CLUSTER_INSTANCE: &str = "cluster";

/// Everything a check needs besides its configuration. The query results
/// (`'a`) and the engine's memory (`'m`) are borrowed separately: the names
/// seen are handed back borrowed from the results while the memory changes.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a, 'm> {
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
    pub remembered: &'m [String],
    /// The source asked, when known: its kind decides which answers are
    /// partial, and its name is said with them.
    pub source: Option<&'m DataSource>,
    /// Name the source in a failed query's reason too (several sources are
    /// configured: which one is down is the news).
    pub name_source: bool,
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
}

/// Evaluates `check` on `inputs`.
pub fn evaluate(check: &Check, inputs: &Inputs<'_, '_>) -> CheckOutcome {
    evaluate_seen(check, inputs).0
}

/// Evaluates `check` on `inputs`; also returns the instances that sent data
/// this time, sorted and borrowed from the query result, for the engine's
/// memory. Borrowed, because at 1,000 nodes copying every name for every
/// check on every refresh was a large share of an evaluation.
pub(crate) fn evaluate_seen<'a>(
    check: &Check,
    inputs: &Inputs<'a, '_>,
) -> (CheckOutcome, Vec<&'a str>) {
    let mut notes = Vec::new();
    let named = inputs.source.filter(|_| inputs.name_source);
    let kind = inputs.source.map(|s| s.kind).unwrap_or_default();
    let fetched = |query: &str, outcome| fetched(query, outcome, named, kind);
    let up = up_list(check, inputs.up, &mut notes, named, kind);
    let data = match (fetched(&check.query, inputs.main), &check.rule) {
        (Err(e), _) => Err(e),
        (Ok(main), Rule::Ratio { denominator, .. }) => {
            fetched(denominator, inputs.denominator).map(|d| (main, Some(d)))
        }
        (Ok(main), _) => Ok((main, None)),
    };
    let partial = partial(check, inputs);
    let failure = data.as_ref().err().cloned();
    let mut found = match data {
        Err(error) => Found {
            verdicts: up
                .iter()
                .map(|&(instance, _)| unknown(instance, error.clone()))
                .collect(),
            seen: Vec::new(),
            stray: 0,
        },
        Ok((main, denominator)) => {
            collect_notes(main, &mut notes, kind);
            if let Some(d) = denominator {
                collect_notes(d, &mut notes, kind);
            }
            rate_all(check, inputs, main, denominator, &up)
        }
    };
    // A known instance that fell silent while others answered is news (a
    // node gone, a target dropped): at least a warning, whatever the others
    // say. When the query failed or nobody answered, nothing is known about
    // anyone: that is no data, `unknown`.
    let named = name_silent(inputs.remembered, &mut found, failure.as_deref());
    let fell_silent = failure.is_none() && !found.seen.is_empty() && named > 0;
    let Found {
        verdicts: instances,
        seen,
        stray,
    } = found;
    let n = check.instances;
    let unnamed_missing = u32::try_from(instances.len()).map_or(0, |have| n.saturating_sub(have));
    let mut tally = Tally::of(instances.iter().map(|v| v.status));
    tally.unknown += unnamed_missing;
    let mut status = match check.aggregation {
        Aggregation::Quorum => aggregate::quorum(tally, n),
        Aggregation::Worst => aggregate::worst(tally, n),
    };
    if fell_silent {
        status = status.worst(Status::Warning);
    }
    // Series without the instance label beside labelled ones: whose they
    // are is unknown (a state series of a failing node with its label
    // stripped would otherwise vanish), so the check cannot be healthy.
    if stray > 0 {
        status = status.worst(Status::Unknown);
    }
    // Series may be missing from a partial answer, and a missing series can
    // be a failing node's: whatever the rest says, not healthy.
    if partial.is_some() {
        status = status.worst(Status::Unknown);
    }
    let reason = if status == Status::Healthy {
        String::new()
    } else {
        let mut reason = explain(check, &instances, unnamed_missing, failure.as_deref());
        if stray > 0 {
            reason = format!(
                "{reason}; {stray} series without the `{}` label (never counted as an instance)",
                check.instance_label
            );
        }
        if let Some(partial) = &partial {
            reason = if reason.is_empty() {
                partial.clone()
            } else {
                format!("{partial}; {reason}")
            };
        }
        reason
    };
    let outcome = CheckOutcome {
        status,
        instances,
        unnamed_missing,
        tally,
        reason,
        notes,
    };
    (outcome, seen)
}

/// What one answer says about the instances, before aggregation.
struct Found<'a> {
    /// One verdict per instance, sorted by instance.
    verdicts: Vec<InstanceVerdict>,
    /// The instances that sent series, sorted (borrowed from the answer).
    seen: Vec<&'a str>,
    /// Series without the instance label beside labelled ones.
    stray: usize,
}

/// Rates every instance of a successful answer, joined with its divisor and
/// its reachability. Every list is sorted by instance and they are merged in
/// step, so no map is needed.
fn rate_all<'a>(
    check: &Check,
    inputs: &Inputs<'a, '_>,
    main: &'a QueryResult,
    denominator: Option<&'a QueryResult>,
    up: &[(&str, bool)],
) -> Found<'a> {
    let mut points = group::group(&main.data, &check.instance_label);
    let stray = group::drop_unlabelled(&mut points);
    let divisors = denominator.map(|d| group::group(&d.data, &check.instance_label));
    let mut divisors = divisors.as_deref().map(group::Cursor::new);
    let mut up_rest = up;
    let up_only = |instance: &str, is_up: bool| {
        let reason = if is_up {
            "no series, although its exporter is up".to_owned()
        } else {
            EXPORTER_DOWN.to_owned()
        };
        unknown(instance, reason)
    };
    let mut verdicts = Vec::new();
    let mut seen = Vec::new();
    for points in group::runs(&points) {
        let instance = points[0].instance;
        seen.push(instance);
        let mut is_up = None;
        while let Some((&(name, flag), rest)) = up_rest.split_first() {
            if name > instance {
                break;
            }
            up_rest = rest;
            if name == instance {
                is_up = Some(flag);
                break;
            }
            verdicts.push(up_only(name, flag));
        }
        let denominator = divisors.as_mut().map(|d| d.take(instance));
        let verdict = if is_up == Some(false) {
            unknown(instance, EXPORTER_DOWN.to_owned())
        } else {
            rate_instance(check, inputs, instance, points, denominator)
        };
        verdicts.push(verdict);
    }
    for &(name, flag) in up_rest {
        verdicts.push(up_only(name, flag));
    }
    Found {
        verdicts,
        seen,
        stray,
    }
}

/// Names every remembered instance that sent nothing — even when another
/// instance took its place (the engine forgets after a while) — as an
/// `unknown` verdict; returns how many.
fn name_silent(remembered: &[String], found: &mut Found<'_>, failure: Option<&str>) -> usize {
    let reason = failure.map_or_else(
        || "no data (reported before, now silent)".to_owned(),
        str::to_owned,
    );
    // Usually the memory starts with exactly the instances that reported
    // (same order): those are not silent, and skipping them keeps a
    // 1,000-node evaluation from searching every name again.
    let same = remembered
        .iter()
        .zip(&found.seen)
        .take_while(|(r, s)| r.as_str() == **s)
        .count();
    let mut silent: Vec<InstanceVerdict> = Vec::new();
    let mut named: HashSet<&str> = HashSet::new();
    for instance in &remembered[same..] {
        let known = found
            .verdicts
            .binary_search_by(|v| v.instance.as_str().cmp(instance))
            .is_ok();
        if !known && named.insert(instance) {
            silent.push(unknown(instance, reason.clone()));
        }
    }
    let count = silent.len();
    if count > 0 {
        found.verdicts.append(&mut silent);
        sorting::sort_by(&mut found.verdicts, |a, b| a.instance.cmp(&b.instance));
    }
    count
}

const EXPORTER_DOWN: &str = "exporter down (up == 0)";

/// How far ahead of the evaluation time a sample may be dated: the time of
/// one refresh's answers spreads by a second or two, and the evaluation time
/// is corrected for the browser's clock skew only to about a second.
pub const FUTURE_TOLERANCE_SECS: f64 = 30.0;

fn unknown(instance: &str, reason: String) -> InstanceVerdict {
    InstanceVerdict {
        instance: instance.to_owned(),
        value: None,
        status: Status::Unknown,
        reason,
    }
}

/// Why the answers this check is rated from may lack series, naming the
/// source (`partial answer from thanos-eu: No StoreAPIs matched`).
pub(crate) fn partial(check: &Check, inputs: &Inputs<'_, '_>) -> Option<String> {
    let source = inputs.source?;
    let denominator = matches!(check.rule, Rule::Ratio { .. })
        .then_some(inputs.denominator)
        .flatten();
    let up = check.up.as_ref().and(inputs.up);
    [inputs.main, denominator, up]
        .into_iter()
        .flatten()
        .filter_map(|outcome| outcome.as_ref().ok())
        .find_map(|result| source.kind.partial(result))
        .map(|why| format!("partial answer from {}: {why}", source.name))
}

/// The result, or the reason there is none (naming `source` when given;
/// the error itself calls the engine by its `kind`: a Thanos's 502 is not
/// Prometheus's).
fn fetched<'a>(
    query: &str,
    outcome: Option<&'a QueryOutcome>,
    source: Option<&DataSource>,
    kind: SourceKind,
) -> Result<&'a QueryResult, String> {
    match outcome {
        None => Err(format!("no result yet for `{query}`")),
        Some(Err(e)) => Err(match source {
            Some(source) => format!(
                "query to {} failed: {}",
                source.name,
                e.told_by(Teller::kind(kind))
            ),
            None => format!("query failed: {}", e.told_by(Teller::kind(kind))),
        }),
        Some(Ok(r)) => match &r.data {
            QueryData::String { .. } => Err(format!("`{query}` returned a string, not numbers")),
            _ => Ok(r),
        },
    }
}

/// The answer's warnings and infos, said as the engine's (a Thanos's
/// warning about a missing store is not Prometheus's).
fn collect_notes(result: &QueryResult, notes: &mut Vec<String>, kind: SourceKind) {
    if result.warnings.is_empty() && result.infos.is_empty() {
        return;
    }
    let who = Teller::kind(kind).subject();
    for w in &result.warnings {
        notes.push(format!("{who} warning: {w}"));
    }
    for i in &result.infos {
        notes.push(format!("{who} info: {i}"));
    }
}

/// Instance → is its target up, sorted by instance. Several targets per
/// instance: up only if all are.
fn up_list<'a>(
    check: &Check,
    up: Option<&'a QueryOutcome>,
    notes: &mut Vec<String>,
    source: Option<&DataSource>,
    kind: SourceKind,
) -> Vec<(&'a str, bool)> {
    let Some(expr) = &check.up else {
        return Vec::new();
    };
    match fetched(expr, up, source, kind) {
        Err(e) => {
            notes.push(format!("reachability unknown: {e}"));
            Vec::new()
        }
        Ok(result) => group::runs(&group::group(&result.data, "instance"))
            .filter(|points| points[0].labelled)
            .map(|points| {
                let is_up = points.iter().all(|p| {
                    p.sample
                        .is_some_and(|s| (s.value - 1.0).abs() < f64::EPSILON)
                });
                (points[0].instance, is_up)
            })
            .collect(),
    }
}

/// The usable value of a point, or why there is none.
fn usable(point: &Point<'_>, inputs: &Inputs<'_, '_>) -> Result<f64, String> {
    let Some(sample) = point.sample else {
        return Err("a native histogram, not a float value".to_owned());
    };
    if !sample.value.is_finite() {
        // ±Inf compares like a number and would be rated (−Inf "below" any
        // level is healthy): a value that is no measurement is not known.
        return Err(format!("value is {}", fmt_value(sample.value)));
    }
    let age = inputs.now - sample.timestamp;
    // With several sources, whose clock is off is the news (worded only
    // on the way out: this runs for every sample).
    let from = || match inputs.source.filter(|_| inputs.name_source) {
        Some(source) => format!(" from {}", source.name),
        None => String::new(),
    };
    if -age > FUTURE_TOLERANCE_SECS {
        // A sample from the future is no current measurement: a broken
        // upstream, or this browser's clock behind the source's.
        return Err(format!(
            "sample{} dated {} s in the future (clock skew?)",
            from(),
            fmt_value((-age).round())
        ));
    }
    if age > inputs.stale_after_secs {
        return Err(format!(
            "stale: last sample{} {} s old (limit {} s)",
            from(),
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
    inputs: &Inputs<'_, '_>,
    instance: &str,
    points: &[Point<'_>],
    denominator: Option<&[Point<'_>]>,
) -> InstanceVerdict {
    let mut ratings: Vec<(Rating, Option<&Labels>)> = Vec::new();
    match &check.rule {
        Rule::LabelState(rule) => {
            let label = rule.label.as_str();
            let expected = rule.expect.as_ref().map(|e| e.state.as_str());
            let mut kept: Vec<&Labels> = Vec::new();
            let mut states: Vec<(&str, f64)> = Vec::new();
            for p in points {
                match usable(p, inputs) {
                    Ok(v) => {
                        let state = p.labels.get(label).map_or("", String::as_str);
                        // The same series scraped by two jobs is one series:
                        // counted once, with the worse of its values.
                        // Same series means same state: compare that first.
                        let twin = (0..kept.len())
                            .find(|&i| states[i].0 == state && same_series(kept[i], p.labels));
                        match twin {
                            Some(i) if expected == Some(state) => states[i].1 = states[i].1.min(v),
                            Some(i) => states[i].1 = states[i].1.max(v),
                            None => {
                                kept.push(p.labels);
                                states.push((state, v));
                            }
                        }
                    }
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
                        Ok(den) => rate_ratio(check, num, den),
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

/// Whether two series are one series seen twice: equal but for the labels
/// a scrape adds (`job`) and the metric name.
fn same_series(a: &Labels, b: &Labels) -> bool {
    let own = |l: &(&String, &String)| l.0 != "job" && l.0 != "__name__";
    a.iter().filter(own).eq(b.iter().filter(own))
}

/// Rates `num / den`. A share or a per-core figure of negative operands
/// means nothing (8 / −4 "above" would be healthy), and a quotient that
/// overflows is no measurement: both are unknown with the values shown.
fn rate_ratio(check: &Check, num: f64, den: f64) -> Rating {
    let quotient = num / den;
    if num < 0.0 || den < 0.0 || !quotient.is_finite() {
        return unknown_rating(format!(
            "ratio {} / {} cannot be rated",
            fmt_value(num),
            fmt_value(den)
        ));
    }
    check
        .rule
        .rate_value(&check.name, check.instances, quotient)
}

/// The divisor for `p`: same labels (ignoring the metric name), else the
/// instance's only divisor (e.g. one core count for every CPU series).
fn divisor_for<'a, 'b>(p: &Point<'_>, divisors: &'b [Point<'a>]) -> Option<&'b Point<'a>> {
    // Compared in place: copying both label sets without `__name__` for
    // every pair was most of the cost of a ratio check.
    let named = |l: &(&String, &String)| l.0 != "__name__";
    let same = |d: &&Point<'_>| {
        p.labels
            .iter()
            .filter(named)
            .eq(d.labels.iter().filter(named))
    };
    divisors.iter().find(same).or(if divisors.len() == 1 {
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
    // In order of first appearance; the index keeps it linear when every
    // instance has a reason of its own (a thousand different loads).
    let mut by_reason: Vec<(Status, &str, Vec<&str>)> = Vec::new();
    let mut index: HashMap<(Status, &str), usize> = HashMap::new();
    for v in instances.iter().filter(|v| v.status != Status::Healthy) {
        let i = *index.entry((v.status, &v.reason)).or_insert_with(|| {
            by_reason.push((v.status, &v.reason, Vec::new()));
            by_reason.len() - 1
        });
        by_reason[i].2.push(&v.instance);
    }
    sorting::sort_by_key(&mut by_reason, |r| std::cmp::Reverse(r.0));
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
