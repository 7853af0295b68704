//! A graph panel in a real browser (wasm-bindgen-test, headless Chromium):
//! its legend, the note on series left out, and its own errors and warnings.

use leptos::prelude::*;
use panopticon_charts::{GraphData, GraphSeries};
use panopticon_core::prom::{Labels, Sample};
use panopticon_engine::Config;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use super::GraphPanel;

wasm_bindgen_test_configure!(run_in_browser);

const CONFIG: &str = "
instances: 1
services:
  - id: host
    name: Host
    checks:
      - id: up
        name: up
        query: up
        rule: { kind: equals, expected: 1, otherwise: critical }
views:
  - id: overview
    name: Overview
    graphs:
      - title: Load
        query: node_load15
";

/// `n` series of two samples each, with one error and one warning.
fn series(n: usize) -> GraphData {
    let series = (0..n)
        .map(|i| GraphSeries {
            query: 0,
            labels: Labels::from([("node".to_owned(), format!("node-{i}"))]),
            samples: vec![
                Sample {
                    timestamp: 0.0,
                    value: 1.0,
                },
                Sample {
                    timestamp: 60.0,
                    value: 2.0,
                },
            ],
        })
        .collect();
    GraphData {
        series,
        start: 0.0,
        end: 60.0,
        errors: vec!["the query timed out".to_owned()],
        warnings: vec!["results truncated".to_owned()],
    }
}

#[wasm_bindgen_test]
async fn legend_hidden_note_errors_and_warnings() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let config = Config::from_yaml("graph.yaml", CONFIG).unwrap();
    let graph = config.views[0].graphs[0].clone();
    let max = graph.max_series;
    let data = RwSignal::new(None::<GraphData>);
    let width = RwSignal::new(0);
    let handle = mount_to(root.clone(), move || {
        view! { <GraphPanel graph=graph.clone() data=data width_px=width /> }
    });
    leptos::task::tick().await;
    let count = |selector: &str| {
        let mut n = 0;
        while root
            .query_selector(&format!("{selector}:nth-of-type({})", n + 1))
            .unwrap()
            .is_some()
        {
            n += 1;
        }
        n
    };
    let text = |selector: &str| {
        root.query_selector(selector)
            .unwrap()
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    };
    assert_eq!(count("[data-testid=\"graph-legend-item\"]"), 0, "loading");

    data.set(Some(series(max + 1)));
    leptos::task::tick().await;
    let figure = root
        .query_selector("[data-testid=\"graph\"]")
        .unwrap()
        .unwrap();
    assert_eq!(figure.get_attribute("data-state").as_deref(), Some("error"));
    assert_eq!(count("[data-testid=\"graph-legend-item\"]"), max);
    assert!(!text("[data-testid=\"graph-hidden\"]").is_empty());
    assert_eq!(text("[data-testid=\"graph-error\"]"), "the query timed out");
    assert_eq!(text("[data-testid=\"graph-warning\"]"), "results truncated");

    drop(handle);
    root.remove();
}
