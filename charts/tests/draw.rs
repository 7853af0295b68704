//! The drawing, checked through the SVG backend: structure (how many lines,
//! which colours, which texts), not pixels.

use panopticon_charts::{ChartSpec, ChartThreshold};
use panopticon_charts::{GraphData, GraphSeries, Style, Theme, draw, nearest};
use panopticon_core::Status;
use panopticon_core::prom::{Labels, Sample, decode_response};
use plotters::prelude::*;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 240;

fn graph(unit: Option<&str>, thresholds: &[(f64, Status)], max_series: usize) -> ChartSpec {
    ChartSpec {
        queries: vec!["node_load15 / count by (node) (node_cpu_seconds_total)".to_owned()],
        unit: unit.map(str::to_owned),
        thresholds: thresholds
            .iter()
            .map(|&(value, status)| ChartThreshold { value, status })
            .collect(),
        max_series,
    }
}

/// `n` series of `points` samples 15 s apart, value `f(series, point)`.
fn data(n: usize, points: usize, f: impl Fn(usize, usize) -> f64) -> GraphData {
    let start = 1_795_269_600.0;
    GraphData {
        start,
        end: start + 15.0 * (points.max(2) - 1) as f64,
        series: (0..n)
            .map(|i| GraphSeries {
                query: 0,
                labels: Labels::from([
                    ("__name__".to_owned(), "node_load15".to_owned()),
                    ("node".to_owned(), format!("node-{}", i + 1)),
                ]),
                samples: (0..points)
                    .map(|k| Sample {
                        timestamp: start + 15.0 * k as f64,
                        value: f(i, k),
                    })
                    .collect(),
            })
            .collect(),
        ..GraphData::default()
    }
}

struct Svg {
    text: String,
}

impl Svg {
    fn render(
        data: &GraphData,
        graph: &ChartSpec,
        style: &Style,
    ) -> (Svg, Option<panopticon_charts::PlotArea>) {
        let mut text = String::new();
        let plot = {
            let area = SVGBackend::with_string(&mut text, (WIDTH, HEIGHT)).into_drawing_area();
            let plot = draw(&area, data, graph, style).expect("draws");
            area.present().expect("presents");
            plot
        };
        (Svg { text }, plot)
    }

    /// `<polyline>` elements stroked with `colour`.
    fn polylines(&self, colour: Rgb) -> usize {
        let stroke = format!("stroke=\"{}\"", colour.to_hex().to_uppercase());
        self.text
            .lines()
            .filter(|l| {
                l.contains("<polyline") && l.to_uppercase().contains(&stroke.to_uppercase())
            })
            .count()
    }

    /// The contents of every `<text>` element.
    fn texts(&self) -> Vec<String> {
        self.text
            .split("<text")
            .skip(1)
            .filter_map(|t| {
                t.split_once('>')
                    .and_then(|(_, rest)| rest.split_once("</text>"))
                    .map(|(inner, _)| inner.to_owned())
            })
            .collect()
    }
}

type Rgb = panopticon_charts::Rgb;

fn style() -> Style {
    Style::default()
}

fn series_lines(svg: &Svg, theme: &Theme) -> Vec<usize> {
    theme.series.iter().map(|&c| svg.polylines(c)).collect()
}

#[test]
fn one_line_per_series_and_breaks_at_gaps() {
    let nan = f64::NAN;
    let g = graph(None, &[], 6);
    let table: [(GraphData, Vec<usize>); 5] = [
        (data(2, 5, |i, k| (i + k) as f64), vec![1, 1, 0, 0, 0, 0]),
        (
            data(1, 5, |_, k| if k == 2 { nan } else { 1.0 }),
            vec![2, 0, 0, 0, 0, 0],
        ),
        (
            data(3, 4, |_, k| if k == 0 { f64::INFINITY } else { 1.0 }),
            vec![1, 1, 1, 0, 0, 0],
        ),
        (data(8, 3, |i, _| i as f64), vec![1, 1, 1, 1, 1, 1]),
        (data(0, 3, |_, _| 0.0), vec![0, 0, 0, 0, 0, 0]),
    ];
    for (input, expect) in table {
        let (svg, plot) = Svg::render(&input, &g, &style());
        assert!(plot.is_some());
        assert_eq!(
            series_lines(&svg, &style().theme),
            expect,
            "{} series",
            input.series.len()
        );
    }
}

#[test]
fn missing_samples_leave_a_gap() {
    let mut input = data(1, 6, |_, k| k as f64);
    input.series[0].samples.remove(3);
    let (svg, _) = Svg::render(&input, &graph(None, &[], 6), &style());
    assert_eq!(series_lines(&svg, &style().theme)[0], 2);
}

#[test]
fn thresholds_are_dashed_in_their_status_colour_with_a_label() {
    let theme = style().theme;
    let g = graph(
        Some("%"),
        &[(80.0, Status::Warning), (95.0, Status::Critical)],
        6,
    );
    let (svg, _) = Svg::render(&data(2, 10, |i, k| 50.0 + (i * k) as f64), &g, &style());
    let warning = svg.polylines(theme.status_colour(Status::Warning));
    let critical = svg.polylines(theme.status_colour(Status::Critical));
    // Dashes: many short pieces, not one solid line.
    assert!(warning > 10 && critical > 10, "{warning} {critical}");
    let texts = svg.texts();
    for label in ["warning 80%", "critical 95%", "0%", "100%"] {
        assert!(
            texts.iter().any(|t| t.trim() == label),
            "{label} missing from {texts:?}"
        );
    }
    assert!(!texts.iter().any(|t| t.contains("no data")));
}

#[test]
fn empty_data_says_no_data_and_why() {
    let g = graph(None, &[], 6);
    let failed = GraphData {
        errors: vec!["query timed out after 10 s".to_owned()],
        ..data(0, 0, |_, _| 0.0)
    };
    let table = [
        (data(0, 0, |_, _| 0.0), "no data"),
        (data(2, 4, |_, _| f64::NAN), "no data"),
        (failed, "no data: query failed"),
    ];
    for (input, message) in table {
        let (svg, _) = Svg::render(&input, &g, &style());
        let texts = svg.texts();
        assert!(
            texts.iter().any(|t| t.trim() == message),
            "{message} missing from {texts:?}"
        );
    }
}

#[test]
fn device_pixel_ratio_scales_strokes_and_fonts() {
    let g = graph(None, &[], 6);
    let input = data(1, 5, |_, k| k as f64);
    let one = Svg::render(&input, &g, &style()).0;
    let two = Svg::render(
        &input,
        &g,
        &Style {
            dpr: 2.0,
            ..style()
        },
    )
    .0;
    let colour = style().theme.series[0].to_hex().to_uppercase();
    let width = |svg: &Svg| {
        svg.text
            .lines()
            .find(|l| l.contains("<polyline") && l.contains(&colour))
            .and_then(|l| l.split("stroke-width=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    assert_eq!(
        (width(&one).as_deref(), width(&two).as_deref()),
        (Some("2"), Some("4"))
    );
    let font = |svg: &Svg| {
        svg.text
            .split("font-size=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|f| f.parse::<f64>().ok())
    };
    let (f1, f2) = (font(&one).expect("font"), font(&two).expect("font"));
    assert!((f2 / f1 - 2.0).abs() < 1e-9, "{f1} {f2}");
}

#[test]
fn too_small_a_canvas_draws_no_plot() {
    let mut text = String::new();
    let plot = {
        let area = SVGBackend::with_string(&mut text, (30, 20)).into_drawing_area();
        draw(
            &area,
            &data(1, 3, |_, _| 1.0),
            &graph(None, &[], 6),
            &style(),
        )
        .expect("draws")
    };
    assert_eq!(plot, None);
}

#[test]
fn recorded_prometheus_matrix_draws_and_reads_out() {
    let body = include_bytes!("../../tests/fixtures/prometheus/matrix_range.body");
    let result = decode_response(200, Some("application/json"), body);
    // start and end exactly as requested (see the .meta.json): the samples are
    // rounded to milliseconds, so the last one lies just after `end`.
    let input = GraphData::from_results(1_795_294_972.619_936_7, 1_795_294_982.619_936_7, [result]);
    let g = graph(None, &[], 6);
    let (svg, plot) = Svg::render(&input, &g, &style());
    assert_eq!(series_lines(&svg, &style().theme), [1, 1, 1, 0, 0, 0]);
    let plot = plot.expect("plot area");
    let readout = nearest(&input, &g, &plot, plot.right, 0).expect("readout");
    let values: Vec<(&str, &str)> = readout
        .values
        .iter()
        .map(|v| (v.label.as_str(), v.text.as_str()))
        .collect();
    assert_eq!(
        values,
        [("node1", "1"), ("node2", "0.25"), ("node3", "-30µ")]
    );
    assert!(
        (readout.time - 1_795_294_982.62).abs() < 1e-6,
        "{}",
        readout.time
    );
}

/// Not a timing assertion: prints how long the worst allowed graph
/// (6 series × 1,000 points) takes to draw. `cargo test -p panopticon-charts
/// --release -- --ignored --nocapture`.
#[test]
#[ignore = "prints a figure; run by hand"]
fn bench_six_series_of_a_thousand_points() {
    let input = data(6, 1000, |i, k| {
        ((k as f64) / 50.0 + i as f64).sin() * 10.0 + 20.0
    });
    let g = graph(
        None,
        &[(25.0, Status::Warning), (28.0, Status::Critical)],
        6,
    );
    let runs = 20;
    let begin = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..runs {
        let (svg, _) = Svg::render(
            &input,
            &g,
            &Style {
                dpr: 2.0,
                ..style()
            },
        );
        bytes = svg.text.len();
    }
    let each = begin.elapsed() / runs;
    println!("6 series x 1000 points: {each:?} per draw (SVG backend, {bytes} bytes)");
}
