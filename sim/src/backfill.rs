//! The simulator's own past, as an `OpenMetrics` file for
//! `promtool tsdb create-blocks-from openmetrics`: a Prometheus started on the
//! blocks it writes has an hour of history at once, so a demo's graphs show a
//! full range instead of a minute squeezed against the right edge.
//!
//! The history is the healthy cluster of the model the live targets serve
//! (values are pure functions of `(seed, node, t)`, [`crate::cluster`]), at
//! `t` *before* the start (`t < 0`): the simulator started right after the
//! file was written goes on from `t = 0`, so every counter keeps growing across
//! the seam (a drop would read as a counter reset and a spike in `rate()`).
//! Series carry the labels a scrape of the per-target layout gives them
//! (`job` = exporter, `instance` = node-K, and `up`), so the history and the
//! live data are the same series.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::cluster::ClusterView;
use crate::cluster::families::families;
use crate::exposition::{escape_label_value, format_value};
use crate::target::{Exporter, instance};

/// How much history a backfill may write: a day at 15 s is 5,760 steps.
pub const MAX_SECONDS: f64 = 24.0 * 3600.0;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backfill {
    /// Nodes, as `serve --nodes`.
    pub nodes: usize,
    /// Seed, as `serve --seed`.
    pub seed: u64,
    /// How far back, in seconds.
    pub seconds: f64,
    /// Seconds between samples (the demo scrapes every 5 s; 15 s is plenty for
    /// an hour's graph and a third of the file).
    pub step: f64,
    /// Unix time (seconds) at which the simulator starts: `t = 0`. The last
    /// sample is one step before it.
    pub end_unix: f64,
}

/// One series' samples, in time order.
struct Series {
    labels: String,
    samples: Vec<(f64, f64)>,
}

impl Backfill {
    /// The times (seconds relative to the start, all negative) of the samples,
    /// oldest first.
    pub fn times(&self) -> Vec<f64> {
        // Bounded by MAX_SECONDS / a positive step, checked by the caller (cli).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let steps = (self.seconds / self.step).floor() as usize;
        (1..=steps).rev().map(|i| -(i as f64) * self.step).collect()
    }

    /// The history as `OpenMetrics` text: every family's samples together,
    /// each series' samples in time order (what the format and promtool
    /// require), timestamps in Unix seconds, `# EOF` at the end. No `# TYPE`
    /// lines: a TSDB block keeps no metadata, and `OpenMetrics` would want
    /// counters named without their `_total`.
    pub fn openmetrics(&self) -> String {
        let mut order: Vec<String> = Vec::new();
        let mut by_family: HashMap<String, (Vec<Series>, HashMap<String, usize>)> = HashMap::new();
        let mut push = |name: &str, labels: String, at: f64, value: f64| {
            let (series, index) = by_family.entry(name.to_owned()).or_insert_with(|| {
                order.push(name.to_owned());
                (Vec::new(), HashMap::new())
            });
            let i = *index.entry(labels.clone()).or_insert_with(|| {
                series.push(Series {
                    labels,
                    samples: Vec::new(),
                });
                series.len() - 1
            });
            series[i].samples.push((at, value));
        };
        for t in self.times() {
            let at = self.end_unix + t;
            let view = ClusterView::healthy(self.nodes, self.seed, t);
            for exporter in Exporter::ALL {
                for (i, node) in view.nodes.iter().enumerate() {
                    let target = [("job", exporter.job()), ("instance", &instance(i + 1))]
                        .map(|(k, v)| (k.to_owned(), v.to_owned()));
                    push("up", label_set(&target), at, 1.0);
                    for family in families(exporter, node) {
                        for sample in family.samples {
                            let labels: Vec<(String, String)> =
                                target.iter().cloned().chain(sample.labels).collect();
                            push(&family.name, label_set(&labels), at, sample.value);
                        }
                    }
                }
            }
        }
        let mut out = String::new();
        for name in &order {
            for series in &by_family[name].0 {
                for (at, value) in &series.samples {
                    let _ = writeln!(
                        out,
                        "{name}{{{}}} {} {at:.3}",
                        series.labels,
                        format_value(*value)
                    );
                }
            }
        }
        out.push_str("# EOF\n");
        out
    }
}

fn label_set(labels: &[(String, String)]) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_label_value(v)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    // Times and values are exact by construction (multiples of the step, the model's numbers).
    #![allow(clippy::float_cmp)]

    use super::*;

    fn backfill(seconds: f64, step: f64) -> Backfill {
        Backfill {
            nodes: 4,
            seed: 1,
            seconds,
            step,
            end_unix: 1_800_000_000.0,
        }
    }

    /// (name, labels, value, timestamp) of every sample line.
    fn samples(text: &str) -> Vec<(String, String, f64, f64)> {
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let (series, rest) = l.split_once("} ").expect("a sample line");
                let (name, labels) = series.split_once('{').expect("labels");
                let (value, at) = rest.split_once(' ').expect("value and timestamp");
                (
                    name.to_owned(),
                    labels.to_owned(),
                    value.parse().expect("value"),
                    at.parse().expect("timestamp"),
                )
            })
            .collect()
    }

    #[test]
    fn an_hour_before_the_start_at_every_step() {
        let b = backfill(3600.0, 15.0);
        let times = b.times();
        assert_eq!(times.len(), 240);
        assert_eq!((times[0], times[239]), (-3600.0, -15.0));
        let text = b.openmetrics();
        assert!(text.ends_with("# EOF\n"), "OpenMetrics ends with # EOF");
        let all = samples(&text);
        let up: Vec<_> = all
            .iter()
            .filter(|s| s.0 == "up" && s.1 == r#"job="consul",instance="node-3""#)
            .collect();
        assert_eq!(up.len(), 240, "one sample per step");
        assert_eq!(up[0].3, 1_800_000_000.0 - 3600.0);
        assert_eq!(up[239].3, 1_800_000_000.0 - 15.0);
        assert!(up.iter().all(|s| s.2 == 1.0));
        // Every exporter of every node, with the labels a scrape gives.
        for job in ["consul", "gluster", "weave", "node"] {
            for k in 1..=4 {
                let labels = format!(r#"job="{job}",instance="node-{k}""#);
                assert!(all.iter().any(|s| s.0 == "up" && s.1 == labels), "{labels}");
            }
        }
        assert!(all.iter().any(|s| s.0 == "node_load15"
            && s.1.starts_with(r#"job="node",instance="node-2""#)));
    }

    /// promtool reads a family's samples together and each series in time order.
    #[test]
    fn families_are_contiguous_and_series_in_time_order() {
        let all = samples(&backfill(600.0, 15.0).openmetrics());
        let mut seen_names: Vec<&str> = Vec::new();
        for s in &all {
            if seen_names.last() != Some(&s.0.as_str()) {
                assert!(
                    !seen_names.contains(&s.0.as_str()),
                    "{} appears in two places",
                    s.0
                );
                seen_names.push(&s.0);
            }
        }
        let mut last: HashMap<(&str, &str), f64> = HashMap::new();
        for s in &all {
            if let Some(before) = last.insert((&s.0, &s.1), s.3) {
                assert!(s.3 > before, "{}{{{}}} goes back in time", s.0, s.1);
            }
        }
    }

    /// The history is the model the live targets serve, and its counters run
    /// on into the live ones without a drop (no false reset in `rate()`).
    #[test]
    fn the_history_is_the_live_model_and_counters_continue() {
        let b = backfill(300.0, 15.0);
        let all = samples(&b.openmetrics());
        let series = r#"job="node",instance="node-1",device="eth0""#;
        let rx: Vec<_> = all
            .iter()
            .filter(|s| s.0 == "node_network_receive_bytes_total" && s.1 == series)
            .collect();
        assert_eq!(rx.len(), 20, "{series} in {:?}", &all[..3]);
        assert!(rx.windows(2).all(|w| w[1].2 >= w[0].2), "monotone");
        let live = ClusterView::healthy(4, 1, 0.0).nodes[0].host.receive_bytes;
        assert!(
            live >= rx[19].2,
            "the live counter goes on from the history"
        );
        let then = ClusterView::healthy(4, 1, -15.0).nodes[0]
            .host
            .receive_bytes;
        assert_eq!(rx[19].2, then, "the model's value at t = -15 s");
    }
}
