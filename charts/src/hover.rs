//! The read-out under the pointer: which time, and each series' value there.

use crate::chart::{ChartModel, ChartSpec};
use crate::data::GraphData;
use crate::palette::Mark;
use crate::plot_area::{PlotArea, Projection};
use crate::time::format_readout_time;

/// What the hover box shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    /// The sample time nearest the pointer (unix seconds).
    pub time: f64,
    /// `time` as wall-clock text.
    pub time_text: String,
    /// Where that time is on the canvas (device pixels), for the cursor line.
    pub x_px: f64,
    /// One entry per shown series, in legend order.
    pub values: Vec<ReadoutValue>,
}

/// One series' value at the read-out's time.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadoutValue {
    /// Legend name.
    pub label: String,
    /// Position among the shown series (colour `series-{index + 1}`).
    pub index: usize,
    /// Marker shape.
    pub mark: Mark,
    /// The sample at that time; `None` when the series has none there (a gap).
    pub value: Option<f64>,
    /// `value` formatted with the unit, or "no data".
    pub text: String,
}

/// The read-out for a pointer at `x_px` (device pixels, the same space as
/// `plot`, which [`draw`](crate::draw) returned).
///
/// Snaps to the nearest sample time of any shown series, then reports every
/// series' sample at that time (Prometheus aligns range-query samples to the
/// step, so series share times). `None` outside the plot or without samples.
/// `utc_offset_secs` is the viewer's offset, as in [`Style`](crate::Style).
pub fn nearest(
    data: &GraphData,
    graph: &ChartSpec,
    plot: &PlotArea,
    x_px: f64,
    utc_offset_secs: i32,
) -> Option<Readout> {
    if !(x_px.is_finite() && x_px >= plot.left && x_px <= plot.right && plot.width() > 0.0) {
        return None;
    }
    let model = ChartModel::new(data, graph);
    let projection = Projection {
        area: *plot,
        start: model.start,
        end: model.end,
        low: model.low,
        high: model.high,
    };
    let wanted = projection.time_at(x_px);
    let series = model.shown_series(data);
    let time = series
        .iter()
        .filter_map(|s| closest(&s.samples, wanted))
        .map(|p| p.timestamp)
        .filter(|t| model.in_range(*t))
        .min_by(|a, b| (a - wanted).abs().total_cmp(&(b - wanted).abs()))?;
    // Half a step either way still counts as "the same time" (scrape jitter).
    let tolerance = model.step / 2.0;
    let values = model
        .entries
        .iter()
        .zip(series)
        .map(|(entry, s)| {
            let value = closest(&s.samples, time)
                .filter(|p| (p.timestamp - time).abs() <= tolerance)
                .map(|p| p.value);
            ReadoutValue {
                label: entry.label.clone(),
                index: entry.index,
                mark: entry.mark,
                value,
                text: value.map_or_else(|| "no data".to_owned(), |v| model.unit.format(v)),
            }
        })
        .collect();
    Some(Readout {
        time,
        time_text: format_readout_time(time, model.end - model.start, utc_offset_secs),
        x_px: projection.x(time),
        values,
    })
}

/// The sample closest in time to `t` (samples are sorted by time).
fn closest(
    samples: &[panopticon_core::prom::Sample],
    t: f64,
) -> Option<&panopticon_core::prom::Sample> {
    let i = samples.partition_point(|p| p.timestamp < t);
    let before = i.checked_sub(1).and_then(|j| samples.get(j));
    let after = samples.get(i);
    match (before, after) {
        (Some(b), Some(a)) => Some(if t - b.timestamp <= a.timestamp - t {
            b
        } else {
            a
        }),
        (b, a) => b.or(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::tests::{graph, series_of};

    const AREA: PlotArea = PlotArea {
        left: 100.0,
        top: 0.0,
        right: 1100.0,
        bottom: 200.0,
    };

    fn texts(readout: &Readout) -> Vec<&str> {
        readout.values.iter().map(|v| v.text.as_str()).collect()
    }

    #[test]
    fn snaps_to_the_nearest_sample_and_reads_every_series() {
        // Samples every 10 s over 0..100 s: x = 100 + 10 px per second.
        let mut data = series_of(&[&[1.0, 2.0, 3.0], &[10.0, f64::NAN, 30.0], &[5.0]]);
        data.series[2].samples[0].timestamp = 20.0;
        let g = graph(Some("%"), &[], 6);
        let table = [
            (100.0, Some((0.0, vec!["1%", "10%", "no data"]))),
            (240.0, Some((10.0, vec!["2%", "NaN", "no data"]))),
            (260.0, Some((20.0, vec!["3%", "30%", "5%"]))),
            (1100.0, Some((20.0, vec!["3%", "30%", "5%"]))),
            (99.0, None),
            (1101.0, None),
            (f64::NAN, None),
        ];
        for (x, expect) in table {
            let got = nearest(&data, &g, &AREA, x, 0);
            let got = got.as_ref().map(|r| (r.time, texts(r)));
            assert_eq!(got, expect, "x {x}");
        }
        let r = nearest(&data, &g, &AREA, 260.0, 3600).expect("readout");
        assert!((r.x_px - 300.0).abs() < 1e-9);
        assert_eq!(r.time_text, "01:00:20");
        assert_eq!(r.values[1].label, "node-2");
    }

    #[test]
    fn nothing_to_read_without_samples() {
        let g = graph(None, &[], 6);
        for data in [series_of(&[]), series_of(&[&[]])] {
            assert_eq!(nearest(&data, &g, &AREA, 500.0, 0), None);
        }
    }
}
