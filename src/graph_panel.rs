//! One graph of a view: title, canvas, legend, hover read-out, and the
//! graph's own errors, so a failed query blanks only its own graph.
//!
//! Everything about the picture is decided in `panopticon-charts`; this
//! component measures, reads the theme, forwards the pointer and renders text.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod canvas;
mod legend;
mod messages;
pub mod range;
mod resize;

use leptos::html;
use leptos::prelude::*;
use panopticon_charts::{ChartModel, ChartSpec, ChartThreshold, GraphData, Readout, nearest};
use panopticon_engine::config::Graph;
use web_sys::PointerEvent;

use canvas::Painted;
use legend::Legend;
use messages::GraphMessages;

use crate::effect::effect;
use crate::theme_toggle::LightTheme;
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The charts crate's own description of `graph` (it knows nothing of the
/// configuration).
fn chart_spec(graph: &Graph) -> ChartSpec {
    ChartSpec {
        queries: graph.queries.clone(),
        unit: graph.unit.clone(),
        thresholds: graph
            .thresholds
            .iter()
            .map(|t| ChartThreshold {
                value: t.value,
                status: t.status,
            })
            .collect(),
        max_series: graph.max_series,
    }
}

/// A graph: a `<figure data-testid="graph">` whose canvas is redrawn when
/// `data` changes or the figure is resized, never on a timer.
#[component]
pub fn GraphPanel(
    /// What to draw: title, unit, thresholds, series cap.
    graph: Graph,
    /// The data of the last refresh; `None` while the first one is loading.
    #[prop(into)]
    data: Signal<Option<GraphData>>,
    /// Written with the plot's measured CSS width, so the caller can ask
    /// Prometheus for about one sample per pixel.
    width_px: RwSignal<u32>,
) -> impl IntoView {
    let title = graph.title.clone();
    let title_for_label = StoredValue::new(title.clone());
    let graph = StoredValue::new(chart_spec(&graph));
    let plot_ref = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let size = RwSignal::new((0.0_f64, 0.0_f64));
    let painted = StoredValue::new(None::<Painted>);
    let hover = RwSignal::new(None::<(Readout, f64, bool)>);
    let pointer_x = StoredValue::new(None::<f64>);
    let model = Memo::new(move |_| {
        data.with(|d| {
            d.as_ref()
                .map(|d| graph.with_value(|g| ChartModel::new(d, g)))
        })
    });

    resize::observe(plot_ref, size, width_px);

    // The read-out for a pointer `x_css` CSS pixels right of the plot box's
    // left edge, on the drawing now on screen.
    let readout_at = move |x_css: f64| {
        let p = painted.get_value()?;
        let readout = data.with_untracked(|d| {
            let d = d.as_ref()?;
            graph.with_value(|g| nearest(d, g, &p.plot, x_css * p.dpr, p.utc_offset_secs))
        })?;
        let x = readout.x_px / p.dpr;
        Some((readout, x, x > size.get_untracked().0 / 2.0))
    };

    effect(move || {
        // The canvas's colours come from CSS at draw time: redraw when the theme flips.
        LightTheme::track();
        let (width, height) = size.get();
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let result = data.with(|d| {
            let d = d.as_ref()?;
            graph.with_value(|g| canvas::paint(&canvas, (width, height), d, g))
        });
        painted.set_value(result);
        // A refresh under a resting pointer updates the read-out instead of hiding it.
        hover.set(pointer_x.get_value().and_then(readout_at));
    });

    let on_move = move |ev: PointerEvent| {
        let Some(plot) = plot_ref.get_untracked() else {
            return;
        };
        let x_css = f64::from(ev.client_x()) - plot.get_bounding_client_rect().left();
        pointer_x.set_value(Some(x_css));
        hover.set(readout_at(x_css));
    };
    let on_leave = move |_| {
        pointer_x.set_value(None);
        hover.set(None);
    };

    let state = move || {
        data.with(|d| match d {
            None => "loading",
            Some(d) if !d.errors.is_empty() => "error",
            Some(_) => "ready",
        })
    };
    let label = move || {
        let entries = model.with(|m| {
            m.as_ref().map_or_else(String::new, |m| {
                let parts: Vec<String> = m
                    .entries
                    .iter()
                    .map(|e| format!("{} {}", e.label, e.last_text))
                    .collect();
                parts.join(", ")
            })
        });
        let label = title_for_label.with_value(|t| format!("{t}: {entries}"));
        crate::untrusted::shown(&label, SENTENCE_CHARS).text
    };

    // The time axis drawn, in epoch ms (`from`/`to`'s unit), for tests and tools.
    let range_ms = move |end: fn(&GraphData) -> f64| {
        move || data.with(|d| d.as_ref().map(|d| format!("{:.0}", end(d) * 1000.0)))
    };
    view! {
        <figure
            class="graph"
            data-testid="graph"
            data-state=state
            data-range-from=range_ms(|d| d.start)
            data-range-to=range_ms(|d| d.end)
            aria-busy=move || if data.with(Option::is_none) { "true" } else { "false" }>
            <figcaption class="graph-title"><Untrusted text=title max=SENTENCE_CHARS /></figcaption>
            <div
                class="graph-plot"
                node_ref=plot_ref
                on:pointermove=on_move
                on:pointerleave=on_leave
            >
                <canvas class="graph-canvas" node_ref=canvas_ref role="img" aria-label=label></canvas>
                <Show when=move || data.with(Option::is_none)>
                    <div class="graph-skeleton" aria-hidden="true"></div>
                </Show>
                {move || hover.get().map(|(readout, x, flip)| view! { <HoverReadout readout x flip /> })}
            </div>
            <Legend model=model />
            <GraphMessages data=data />
        </figure>
    }
}

/// The box beside the pointer: time and every series' value there, each
/// with its mark so it can be matched to a line without colour.
#[component]
fn HoverReadout(
    /// What to show.
    readout: Readout,
    /// Where the sample time is, in CSS pixels from the plot's left edge.
    x: f64,
    /// Whether the box opens to the left (pointer in the right half).
    flip: bool,
) -> impl IntoView {
    let left = format!("{x:.1}px");
    let values = readout
        .values
        .into_iter()
        .map(|v| {
            view! {
                <li>
                    <span class=format!("graph-swatch series-{}", v.index + 1) aria-hidden="true">{v.mark.glyph()}</span>
                    <span class="graph-series-name"><Untrusted text=v.label /></span>
                    <span class="graph-readout-value">{v.text}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="graph-cursor" style:left=left.clone() aria-hidden="true"></div>
        <div class="graph-readout" class:flip=flip style:left=left data-testid="graph-readout">
            <div class="graph-readout-time">{readout.time_text}</div>
            <ul>{values}</ul>
        </div>
    }
}
