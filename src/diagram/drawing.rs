//! The drawing for one measured size of the diagram's area: laid out once,
//! drawn as markup, then patched where a snapshot or the selection changes.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::{Config, Snapshot};
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::broken_list::{self, BrokenList};
use super::hatches::HatchPatterns;
use super::pan_zoom::{ZOOM_STEP, use_pan_zoom};
use super::patcher::use_patcher;
use super::plan;
use super::scene::{Scene, Shown, Shows};
use super::tile_labels::use_tile_labels;
use super::zoom_controls::ZoomControls;
use crate::effect::effect;
use crate::timing::Span;

/// The SVG of every box and edge, its zoom controls and the "what is broken"
/// list, for an area of `panel` CSS px.
#[component]
pub fn DiagramDrawing(
    /// The validated configuration.
    config: Arc<Config>,
    /// The latest evaluation; `None` until the first one (all boxes `unknown`).
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// The selected service id; clicking a box (or Enter/Space on it) toggles it.
    selected: RwSignal<Option<String>>,
    /// The area's size in CSS px, if it could be measured.
    panel: Option<(f64, f64)>,
    /// The `diagram` span, finished once the first drawing is mounted.
    whole: StoredValue<Option<Span>>,
) -> impl IntoView {
    effect(move || {
        if let Some(span) = whole.try_update_value(Option::take).flatten() {
            span.finish();
        }
    });
    let span = Span::start("diagram-layout");
    let plan = plan::plan(&config, panel);
    span.finish();
    let plan = match plan {
        Ok(plan) => plan,
        Err(e) => {
            return view! {
                <p class="diagram-error" role="alert" data-testid="diagram-error">
                    "The dependency diagram cannot be drawn: "
                    {e.to_string()}
                </p>
            }
            .into_any();
        }
    };
    let scene = Arc::new(Scene::new(&config, &plan));
    let (density, (width, height)) = (scene.density, scene.size);
    let pz = use_pan_zoom(scene.size);
    let shows = Shows::new(config, &scene, snapshot);
    // The first picture is markup, parsed by the browser in one go (see `markup`).
    let first = Shown::read(&scene, shows, selected, false);
    let (nodes_html, edges_html) = scene.write(&first);
    let (nodes_ref, edges_ref, labels_ref) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let labelled = use_tile_labels(&scene, pz, labels_ref);
    use_patcher(
        Arc::clone(&scene),
        (shows, selected),
        first,
        (nodes_ref, edges_ref),
    );
    let broken = broken_list::use_entries(scene, shows);

    // One listener for all boxes: the box is the target's `[data-service]` ancestor.
    let toggle = move |id: String| {
        selected.update(|s| *s = (s.as_deref() != Some(id.as_str())).then_some(id));
    };
    let on_node_click = move |ev: web_sys::MouseEvent| {
        if let (false, Some(id)) = (pz.was_drag(), service_of(&ev)) {
            toggle(id);
        }
    };
    let on_node_key = move |ev: web_sys::KeyboardEvent| {
        if matches!(ev.key().as_str(), "Enter" | " " | "Spacebar")
            && let Some(id) = service_of(&ev)
        {
            ev.prevent_default();
            toggle(id);
        }
    };

    view! {
        <>
            <div
                class=format!("diagram-canvas density-{}", density.as_str())
                data-density=density.as_str()
                class:zoomed=move || pz.zoomed.get()
                class:dragging=move || pz.dragging()
                class:tile-labels=move || labelled.get()
                style:aspect-ratio=format!("{width:.0} / {height:.0}")
                on:keydown=move |ev| pz.on_key(&ev)
            >
                <svg
                    node_ref=pz.svg
                    class="diagram-svg"
                    viewBox=move || pz.viewport.get().view_box()
                    preserveAspectRatio="xMidYMid meet"
                    role="group"
                    aria-label="Service dependency diagram: each service above the services it depends on"
                    on:wheel=move |ev| pz.on_wheel(&ev)
                    on:pointerdown=move |ev| pz.on_pointer_down(&ev)
                    on:pointermove=move |ev| pz.on_pointer_move(&ev)
                    on:pointerup=move |_| pz.on_pointer_end()
                    on:pointercancel=move |_| pz.on_pointer_end()
                >
                    <HatchPatterns />
                    <rect class="diagram-backdrop" width=width height=height></rect>
                    <g class="diagram-edges" node_ref=edges_ref inner_html=edges_html></g>
                    <g
                        class="diagram-nodes"
                        node_ref=nodes_ref
                        inner_html=nodes_html
                        on:click=on_node_click
                        on:keydown=on_node_key
                    ></g>
                    <g class="diagram-tile-labels" node_ref=labels_ref aria-hidden="true"></g>
                </svg>
                <ZoomControls
                    zoom_in=move || pz.zoom_by(ZOOM_STEP)
                    zoom_out=move || pz.zoom_by(1.0 / ZOOM_STEP)
                    reset=move || pz.reset()
                    zoomed=pz.zoomed
                />
            </div>
            <BrokenList entries=broken selected=selected />
        </>
    }
    .into_any()
}

/// The service whose box the event happened in.
fn service_of(ev: &web_sys::Event) -> Option<String> {
    ev.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest("[data-service]")
        .ok()??
        .get_attribute("data-service")
}
