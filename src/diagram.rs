//! The dependency diagram: every service as a box, dependencies below their
//! dependants, coloured by effective status and marked as root cause or
//! impacted (SPEC §5).
//!
//! The geometry comes from `panopticon-layout`, computed once per
//! configuration, so refreshes only change colours and words, never
//! positions. What each box says is decided in `plan` (sizes and layout),
//! `look` (status and words) and `callouts` (names over tiles), and zoom/pan
//! is arithmetic in `viewport`, all tested natively; the components and
//! hooks only render and forward events.

mod broken_list;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod callouts;
mod dom_contract;
mod drawing;
mod edge;
#[cfg(test)]
mod fixtures;
mod hatches;
mod legend;
mod look;
mod markup;
mod node;
mod pan_zoom;
mod patcher;
mod plan;
mod scene;
mod shapes;
mod tile_labels;
mod viewport;
mod zoom_controls;

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::{Config, Snapshot};
use web_sys::Element;

use crate::effect::effect;
use crate::timing::Span;
use drawing::DiagramDrawing;
use legend::DiagramLegend;
/// The maintenance marker's wrench, for the mark outside the diagram.
pub use shapes::WRENCH;

/// The service dependency diagram, an inline SVG that fits its container.
///
/// The drawing is laid out for the room it has: the diagram's area is
/// measured once it is in the page (and again when the window is resized,
/// never on a refresh), and [`plan::plan`] picks the box sizes and the
/// wrapping of long layers for that size.
///
/// DOM contract: each service box carries `data-service`, `data-status`
/// (effective), `data-own-status` and, when impacted, `data-impacted-by`.
#[component]
pub fn DependencyDiagram(
    /// The validated configuration; its services and dependencies are laid
    /// out when the component is created and when the window is resized.
    config: Arc<Config>,
    /// The latest evaluation; `None` until the first one (all boxes `unknown`).
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// The selected service id; clicking a box (or Enter/Space on it) toggles it.
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    // `diagram` spans measuring the area, layout, and building and mounting
    // the SVG: it ends in the drawing's effect, once it is in the document.
    let whole = StoredValue::new(Some(Span::start("diagram")));
    let area = NodeRef::<leptos::html::Div>::new();
    // The area's size in CSS px; `None` until measured (after mounting).
    let panel = RwSignal::new(None::<Option<(f64, f64)>>);
    effect(move || {
        if let Some(el) = area.get() {
            panel.set(Some(measure(&el)));
        }
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        let (Some(el), Some(Some(before))) = (area.get_untracked(), panel.get_untracked()) else {
            return;
        };
        let now = measure(&el);
        if let Some(now) = now
            && plan::size_changed(before, now)
        {
            panel.set(Some(Some(now)));
        }
    });
    on_cleanup(move || on_resize.remove());
    view! {
        <div class="diagram" data-testid="diagram">
            <div class="diagram-area" node_ref=area>
                {move || {
                    panel
                        .get()
                        .map(|size| {
                            view! {
                                <DiagramDrawing
                                    config=Arc::clone(&config)
                                    snapshot=snapshot
                                    selected=selected
                                    panel=size
                                    whole=whole
                                />
                            }
                        })
                }}
            </div>
            <DiagramLegend />
        </div>
    }
}

/// The size the drawing can take, in CSS px. An area whose height follows its
/// content (narrow screens: the page scrolls) has only its minimum height to
/// offer: then the drawing may take most of the window's height.
fn measure(area: &Element) -> Option<(f64, f64)> {
    let r = area.get_bounding_client_rect();
    let window_height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    plan::panel_size(r.width(), r.height(), window_height)
}
