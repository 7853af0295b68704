//! What a graph will show, decided once for the canvas, the legend and the read-out.

use panopticon_core::Status;

use crate::data::{GraphData, GraphSeries};
use crate::legend::legend_labels;
use crate::palette::Mark;
use crate::ticks::nice_ticks;
use crate::unit::Unit;

/// What this crate needs to know about a graph, and nothing of the
/// configuration that describes it (the app builds one from its config).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// The range queries, in order: the legend tells series of different
    /// queries apart by them.
    pub queries: Vec<String>,
    /// Unit for the axis and the read-out (`%`, `bytes`, `s`, …).
    pub unit: Option<String>,
    /// Horizontal lines, e.g. the warning and critical levels.
    pub thresholds: Vec<ChartThreshold>,
    /// At most this many series are drawn (never more than [`MAX_SERIES`]).
    pub max_series: usize,
}

/// A horizontal line on a chart, in its status's colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartThreshold {
    /// Where the line is drawn.
    pub value: f64,
    /// Its colour and label.
    pub status: Status,
}

/// Series per graph, whatever the config says: more is unreadable
/// (docs/semantics.md, "The screen").
pub const MAX_SERIES: usize = 6;

/// Prometheus rounds sample times to milliseconds, so the last sample of a
/// range query can sit a hair after the `end` that was asked for.
const TIME_SLACK: f64 = 1e-3;

/// Value ticks aimed for; a graph is a few hundred pixels tall.
const Y_TICKS: usize = 5;

/// The decisions about one graph that do not depend on pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartModel {
    /// The graph's unit.
    pub unit: Unit,
    /// The first `shown` series of the data are drawn.
    pub shown: usize,
    /// Series left out because of the cap.
    pub hidden: usize,
    /// One entry per shown series, in order.
    pub entries: Vec<LegendEntry>,
    /// Time axis (unix seconds).
    pub start: f64,
    /// Time axis end.
    pub end: f64,
    /// Value axis, lowest tick (raw units).
    pub low: f64,
    /// Value axis, highest tick.
    pub high: f64,
    /// Value ticks (raw units), lowest first, with their labels.
    pub ticks: Vec<(f64, String)>,
    /// The sample interval, estimated as the smallest gap between samples:
    /// a longer gap in a series is missing data and is drawn as a gap.
    pub step: f64,
    /// Whether any shown series has a finite sample in the time range.
    pub has_data: bool,
}

/// A legend line.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// The series' name (see [`legend_labels`]).
    pub label: String,
    /// Position among the shown series: picks colour (`series-{index + 1}`) and mark.
    pub index: usize,
    /// Marker shape, also printed in the legend.
    pub mark: Mark,
    /// The latest sample's value.
    pub last: Option<f64>,
    /// `last` formatted with the unit, or "no data".
    pub last_text: String,
}

impl ChartModel {
    /// Decides what `graph` shows of `data`.
    pub fn new(data: &GraphData, graph: &ChartSpec) -> ChartModel {
        let unit = Unit::parse(graph.unit.as_deref());
        let cap = match graph.max_series {
            0 => MAX_SERIES,
            n => n.min(MAX_SERIES),
        };
        let shown = data.series.len().min(cap);
        let series = &data.series[..shown];
        let (start, end) = data.time_range();
        let entries = legend_labels(series, &graph.queries)
            .into_iter()
            .zip(series)
            .enumerate()
            .map(|(index, (label, s))| {
                let last = s.samples.last().map(|p| p.value);
                LegendEntry {
                    label,
                    index,
                    mark: Mark::for_series(index),
                    last,
                    last_text: last.map_or_else(|| "no data".to_owned(), |v| unit.format(v)),
                }
            })
            .collect();
        let in_range = |t: f64| t >= start - TIME_SLACK && t <= end + TIME_SLACK;
        let values: Vec<f64> = series
            .iter()
            .flat_map(|s| &s.samples)
            .filter(|p| in_range(p.timestamp) && p.value.is_finite())
            .map(|p| p.value)
            .collect();
        let has_data = !values.is_empty();
        let thresholds = graph
            .thresholds
            .iter()
            .map(|t| t.value)
            .filter(|v| v.is_finite());
        let (low, high, ticks) = value_axis(values.into_iter().chain(thresholds), &unit);
        ChartModel {
            shown,
            hidden: data.series.len() - shown,
            entries,
            start,
            end,
            low,
            high,
            ticks,
            step: sample_step(series, end - start),
            has_data,
            unit,
        }
    }

    /// "2 more series hidden", when the cap left some out.
    pub fn hidden_note(&self) -> Option<String> {
        match self.hidden {
            0 => None,
            n => Some(format!("{n} more series hidden")),
        }
    }

    /// Whether a sample at `time` belongs on the time axis.
    pub fn in_range(&self, time: f64) -> bool {
        time >= self.start - TIME_SLACK && time <= self.end + TIME_SLACK
    }

    /// The shown series of `data` (the data this model was built from).
    pub fn shown_series<'a>(&self, data: &'a GraphData) -> &'a [GraphSeries] {
        &data.series[..self.shown.min(data.series.len())]
    }
}

/// The value axis: lowest and highest tick and the labelled ticks.
///
/// 0 is included for amounts (bytes, percent) and when the data sits close
/// enough to it that leaving it out would only exaggerate small changes;
/// a bit of headroom keeps a flat line off the frame.
fn value_axis(values: impl Iterator<Item = f64>, unit: &Unit) -> (f64, f64, Vec<(f64, String)>) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    // A flat line is anchored too: its height means more than its wiggle.
    let flat = (hi - lo).abs() <= f64::EPSILON * hi.abs();
    if lo > 0.0 && (flat || unit.anchors_at_zero() || lo <= hi / 2.0) {
        lo = 0.0;
    }
    if hi < 0.0 && (flat || unit.anchors_at_zero() || hi >= lo / 2.0) {
        hi = 0.0;
    }
    let headroom = 0.05 * (hi - lo);
    if hi != 0.0 {
        hi += headroom;
    }
    if lo != 0.0 {
        lo -= headroom;
    }
    // The tick scale depends on the largest tick, which may round past a
    // prefix boundary (1000 B → 1.2 KiB): recompute once on the new scale.
    let mut magnitude = lo.abs().max(hi.abs());
    let mut result = None;
    for _ in 0..2 {
        let factor = unit.scale(magnitude).factor;
        let (scaled, step) = nice_ticks(lo / factor, hi / factor, Y_TICKS);
        let raw: Vec<f64> = scaled.iter().map(|t| t * factor).collect();
        let top = raw.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
        // Factors are exact constants from one table, so equality is meaningful.
        #[allow(clippy::float_cmp)]
        let stable = unit.scale(top).factor == factor;
        result = Some((raw, step * factor));
        if stable {
            break;
        }
        magnitude = top;
    }
    let (raw, step) = result.unwrap_or_default();
    let labels = unit.format_ticks(&raw, step);
    let low = raw.first().copied().unwrap_or(0.0);
    let high = raw.last().copied().unwrap_or(1.0);
    (low, high, raw.into_iter().zip(labels).collect())
}

/// The smallest positive interval between consecutive samples of any series;
/// the whole span when no series has two samples.
fn sample_step(series: &[GraphSeries], span: f64) -> f64 {
    series
        .iter()
        .flat_map(|s| {
            s.samples
                .windows(2)
                .map(|w| w[1].timestamp - w[0].timestamp)
        })
        .filter(|d| *d > 0.0)
        .fold(None, |min: Option<f64>, d| {
            Some(min.map_or(d, |m| m.min(d)))
        })
        .unwrap_or(span.max(f64::MIN_POSITIVE))
}

#[cfg(test)]
pub(crate) mod tests {
    use panopticon_core::prom::{Labels, Sample};

    use super::*;

    pub(crate) fn graph(
        unit: Option<&str>,
        thresholds: &[(f64, Status)],
        max_series: usize,
    ) -> ChartSpec {
        ChartSpec {
            queries: vec!["q".to_owned()],
            unit: unit.map(str::to_owned),
            thresholds: thresholds
                .iter()
                .map(|&(value, status)| ChartThreshold { value, status })
                .collect(),
            max_series,
        }
    }

    pub(crate) fn series_of(values: &[&[f64]]) -> GraphData {
        GraphData {
            start: 0.0,
            end: 100.0,
            series: values
                .iter()
                .enumerate()
                .map(|(i, vs)| GraphSeries {
                    query: 0,
                    labels: Labels::from([("node".to_owned(), format!("node-{}", i + 1))]),
                    samples: vs
                        .iter()
                        .enumerate()
                        .map(|(k, &value)| Sample {
                            timestamp: k as f64 * 10.0,
                            value,
                        })
                        .collect(),
                })
                .collect(),
            ..GraphData::default()
        }
    }

    fn axis(model: &ChartModel) -> (f64, f64) {
        (model.low, model.high)
    }

    #[test]
    fn value_axis_includes_thresholds_zero_and_ignores_non_finite() {
        let nan = f64::NAN;
        let inf = f64::INFINITY;
        let table: [(GraphData, ChartSpec, (f64, f64)); 9] = [
            (series_of(&[&[0.5, 3.5]]), graph(None, &[], 6), (0.0, 4.0)),
            (
                series_of(&[&[1000.0, 1010.0]]),
                graph(None, &[], 6),
                (997.5, 1012.5),
            ),
            (
                series_of(&[&[60.0, 65.0]]),
                graph(Some("%"), &[], 6),
                (0.0, 80.0),
            ),
            (
                series_of(&[&[0.5, 1.0]]),
                graph(None, &[(2.0, Status::Critical)], 6),
                (0.0, 2.5),
            ),
            (
                series_of(&[&[nan, inf, 1.0, -inf]]),
                graph(None, &[], 6),
                (0.0, 1.25),
            ),
            (series_of(&[&[nan]]), graph(None, &[], 6), (0.0, 1.25)),
            (
                series_of(&[&[-5.0, -2.0]]),
                graph(None, &[], 6),
                (-6.0, 0.0),
            ),
            (
                series_of(&[&[-5.0, -4.0]]),
                graph(None, &[], 6),
                (-5.25, -3.75),
            ),
            (
                series_of(&[&[1.0], &[100.0]]),
                graph(None, &[], 1),
                (0.0, 1.25),
            ),
        ];
        for (data, graph, expect) in table {
            let model = ChartModel::new(&data, &graph);
            let got = axis(&model);
            assert!(
                (got.0 - expect.0).abs() < 1e-9 && (got.1 - expect.1).abs() < 1e-9,
                "{data:?}: {got:?}"
            );
            let first = model.ticks.first().map(|t| t.0);
            assert_eq!(first, Some(model.low));
        }
    }

    #[test]
    fn byte_ticks_do_not_straddle_a_prefix() {
        let data = series_of(&[&[0.0, 1000.0]]);
        let model = ChartModel::new(&data, &graph(Some("bytes"), &[], 6));
        let labels: Vec<&str> = model.ticks.iter().map(|t| t.1.as_str()).collect();
        assert!(labels.iter().all(|l| l.ends_with(" KiB")), "{labels:?}");
        assert_eq!(labels.first(), Some(&"0.00 KiB"));
    }

    #[test]
    fn cap_hides_series_and_says_how_many() {
        let seven: Vec<&[f64]> = vec![&[1.0]; 7];
        let table = [
            (3, 3, Some("4 more series hidden")),
            (6, 6, Some("1 more series hidden")),
            (10, 6, Some("1 more series hidden")),
            (0, 6, Some("1 more series hidden")),
        ];
        for (max, shown, note) in table {
            let model = ChartModel::new(&series_of(&seven), &graph(None, &[], max));
            assert_eq!(model.shown, shown, "max {max}");
            assert_eq!(model.entries.len(), shown);
            assert_eq!(model.hidden_note().as_deref(), note);
        }
        let model = ChartModel::new(&series_of(&[&[1.0], &[]]), &graph(None, &[], 6));
        assert_eq!(model.hidden_note(), None);
        let entries: Vec<(&str, &str, Mark)> = model
            .entries
            .iter()
            .map(|e| (e.label.as_str(), e.last_text.as_str(), e.mark))
            .collect();
        assert_eq!(
            entries,
            [
                ("node-1", "1", Mark::Circle),
                ("node-2", "no data", Mark::Square)
            ]
        );
    }

    #[test]
    fn step_is_the_smallest_sample_interval() {
        let mut data = series_of(&[&[1.0, 2.0, 3.0], &[1.0]]);
        data.series[0].samples.remove(1);
        data.series[0].samples.push(Sample {
            timestamp: 25.0,
            value: 1.0,
        });
        assert!((ChartModel::new(&data, &graph(None, &[], 6)).step - 5.0).abs() < 1e-9);
        let single = series_of(&[&[1.0]]);
        assert!((ChartModel::new(&single, &graph(None, &[], 6)).step - 100.0).abs() < 1e-9);
    }
}
