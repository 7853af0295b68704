//! Series grouped by instance as one sorted vector, so the check's query, its
//! divisor and the reachability query can be joined by walking them in step.
//!
//! At 1,000 nodes a map per query keyed by copied instance names cost more
//! than all the rating; the names are borrowed from the query result instead.

use panopticon_core::prom::{Labels, QueryData, Sample};
use panopticon_core::sorting;

use super::CLUSTER_INSTANCE;

/// One series: its instance, its labels and its float sample (if it has one).
#[derive(Debug, Clone, Copy)]
pub(super) struct Point<'a> {
    pub instance: &'a str,
    /// Whether the series has the instance label (else it is [`CLUSTER_INSTANCE`]).
    pub labelled: bool,
    pub labels: &'a Labels,
    pub sample: Option<Sample>,
}

/// Every series of `data`, sorted by the value of `label` (series without it
/// belong to [`CLUSTER_INSTANCE`]), in the query's order within one instance.
/// Matrices contribute their last sample.
pub(super) fn group<'a>(data: &'a QueryData, label: &str) -> Vec<Point<'a>> {
    static NO_LABELS: Labels = Labels::new();
    let point = |labels: &'a Labels, sample: Option<Sample>| {
        let instance = labels.get(label);
        Point {
            instance: instance.map_or(CLUSTER_INSTANCE, String::as_str),
            labelled: instance.is_some(),
            labels,
            sample,
        }
    };
    let mut points: Vec<Point<'a>> = match data {
        QueryData::Vector(series) => series.iter().map(|s| point(&s.labels, s.sample)).collect(),
        QueryData::Matrix(series) => series
            .iter()
            .map(|s| point(&s.labels, s.samples.last().copied()))
            .collect(),
        QueryData::Scalar(sample) => vec![point(&NO_LABELS, Some(*sample))],
        QueryData::String { .. } => Vec::new(),
    };
    // Stable: one instance's series keep the query's order. Prometheus
    // mostly answers in label order already, which this sort finds in one pass.
    sorting::sort_by(&mut points, |a, b| a.instance.cmp(b.instance));
    points
}

/// Drops the series without the instance label when any series has it, and
/// says how many: such a series (a federated copy, a stray aggregate) never
/// stands in for an instance. An answer with no labelled series at all is a
/// cluster-wide value (a scalar, `sum(…)`) and stays whole.
pub(super) fn drop_unlabelled(points: &mut Vec<Point<'_>>) -> usize {
    if !points.iter().any(|p| p.labelled) {
        return 0;
    }
    let before = points.len();
    points.retain(|p| p.labelled);
    before - points.len()
}

/// The points of one instance at a time, in instance order; never empty.
pub(super) fn runs<'p, 'a>(points: &'p [Point<'a>]) -> impl Iterator<Item = &'p [Point<'a>]> {
    points.chunk_by(|a, b| a.instance == b.instance)
}

/// A walk over sorted points alongside another walk in instance order.
pub(super) struct Cursor<'p, 'a> {
    rest: &'p [Point<'a>],
}

impl<'p, 'a> Cursor<'p, 'a> {
    pub fn new(points: &'p [Point<'a>]) -> Self {
        Cursor { rest: points }
    }

    /// The points of `instance` (empty when it has none). Instances must be
    /// asked for in ascending order; earlier ones are passed over for good.
    pub fn take(&mut self, instance: &str) -> &'p [Point<'a>] {
        let before = self
            .rest
            .iter()
            .take_while(|p| p.instance < instance)
            .count();
        let rest = &self.rest[before..];
        let len = rest.iter().take_while(|p| p.instance == instance).count();
        let (mine, rest) = rest.split_at(len);
        self.rest = rest;
        mine
    }
}

#[cfg(test)]
mod tests {
    use panopticon_core::prom::InstantSeries;

    use super::*;

    fn vector(instances: &[Option<&str>]) -> QueryData {
        let series = instances
            .iter()
            .enumerate()
            .map(|(i, instance)| {
                let mut labels = Labels::new();
                if let Some(name) = instance {
                    labels.insert("instance".to_owned(), (*name).to_owned());
                }
                labels.insert("i".to_owned(), i.to_string());
                InstantSeries {
                    labels,
                    sample: None,
                    histogram: None,
                }
            })
            .collect();
        QueryData::Vector(series)
    }

    /// (instance label per series, expected runs as (instance, series indices))
    fn check(instances: &[Option<&str>], expect: &[(&str, &[&str])]) {
        let data = vector(instances);
        let points = group(&data, "instance");
        let got: Vec<(&str, Vec<&str>)> = runs(&points)
            .map(|run| {
                let order = run.iter().map(|p| p.labels["i"].as_str()).collect();
                (run[0].instance, order)
            })
            .collect();
        let want: Vec<(&str, Vec<&str>)> = expect.iter().map(|(i, o)| (*i, o.to_vec())).collect();
        assert_eq!(got, want, "{instances:?}");
    }

    #[test]
    fn runs_are_sorted_and_keep_series_order() {
        check(&[], &[]);
        check(
            &[Some("node-2"), Some("node-10"), Some("node-2"), None],
            &[
                ("cluster", &["3"]),
                ("node-10", &["1"]),
                ("node-2", &["0", "2"]),
            ],
        );
        check(
            &[Some("b"), Some("a"), Some("b"), Some("a")],
            &[("a", &["1", "3"]), ("b", &["0", "2"])],
        );
    }

    #[test]
    fn cursor_hands_out_each_instance_once() {
        let data = vector(&[Some("b"), Some("d"), Some("b"), Some("f")]);
        let points = group(&data, "instance");
        let mut cursor = Cursor::new(&points);
        // (asked for, how many points it gets)
        for (instance, expect) in [("a", 0), ("b", 2), ("c", 0), ("d", 1), ("e", 0), ("g", 0)] {
            assert_eq!(cursor.take(instance).len(), expect, "{instance}");
        }
    }
}
