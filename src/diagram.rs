//! The dependency diagram: every service as a box, dependencies below their
//! dependants, coloured by effective status and marked as root cause or
//! impacted (SPEC §5).
//!
//! The geometry comes from `panopticon-layout`, computed once per
//! configuration, so refreshes only change colours and words, never
//! positions. What each box says is decided in `model` and zoom/pan is
//! arithmetic in `viewport`, both tested natively; the components here only
//! render and forward events.

mod broken_list;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod edge;
mod legend;
mod markup;
mod model;
mod node;
mod shapes;
mod viewport;
mod zoom_controls;

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::config::Dependency;
use panopticon_engine::{Config, Snapshot};
use panopticon_layout::Rect;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::timing::Span;
use broken_list::BrokenList;
use edge::EdgeDom;
use legend::DiagramLegend;
use model::{Density, NodeLook};
use node::NodeDom;
use viewport::{Screen, Viewport};
use zoom_controls::ZoomControls;

/// Zoom step of the buttons and keys.
const ZOOM_STEP: f64 = 1.25;
/// Pointer travel (CSS px) before a press becomes a drag instead of a click.
const DRAG_THRESHOLD: f64 = 4.0;

/// The service dependency diagram, an inline SVG that fits its container.
///
/// The drawing is laid out for the room it has: the diagram's area is
/// measured once it is in the page (and again when the window is resized,
/// never on a refresh), and [`model::plan`] picks the box sizes and the
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
    Effect::new(move |_| {
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
            && model::size_changed(before, now)
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
    model::panel_size(r.width(), r.height(), window_height)
}

/// The drawing for one measured size of the area.
#[component]
fn DiagramDrawing(
    config: Arc<Config>,
    snapshot: Signal<Option<Arc<Snapshot>>>,
    selected: RwSignal<Option<String>>,
    /// The area's size in CSS px, if it could be measured.
    panel: Option<(f64, f64)>,
    /// The `diagram` span, finished once the first drawing is mounted.
    whole: StoredValue<Option<Span>>,
) -> impl IntoView {
    Effect::new(move |_| {
        if let Some(span) = whole.try_update_value(Option::take).flatten() {
            span.finish();
        }
    });
    let span = Span::start("diagram-layout");
    let plan = model::plan(&config, panel);
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

    let (layout, density) = (plan.layout, plan.density);
    let zoom = model::callout_zoom(plan.scale);
    let full = Viewport::full(layout.width, layout.height);
    let viewport = RwSignal::new(full);
    let zoomed = Memo::new(move |_| viewport.get().is_zoomed(&full));
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    // A press that may become a drag, and whether the last press did.
    let drag = RwSignal::new(None::<DragStart>);
    let dragged = RwSignal::new(false);

    let screen = move || {
        svg_ref.get_untracked().map(|svg| {
            let r = svg.get_bounding_client_rect();
            Screen {
                left: r.left(),
                top: r.top(),
                width: r.width(),
                height: r.height(),
            }
        })
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        // A plain wheel scrolls the page (or the Grafana dashboard around an
        // embedded panel); zooming takes Ctrl or ⌘, as in maps and most viewers.
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        let Some(screen) = screen() else { return };
        ev.prevent_default();
        // Lines and pages to pixels, roughly as browsers scroll them.
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => screen.height.max(100.0),
            _ => 1.0,
        };
        let factor = (-ev.delta_y() * unit * 0.0015).exp();
        let vp = viewport.get_untracked();
        let anchor = vp.user_point(&screen, f64::from(ev.client_x()), f64::from(ev.client_y()));
        viewport.set(vp.zoom(factor, anchor, &full));
    };
    let on_pointer_down = move |ev: web_sys::PointerEvent| {
        dragged.set(false);
        // Only a zoomed view can move; at full size a press is just a click.
        if ev.button() != 0 || !zoomed.get_untracked() {
            return;
        }
        drag.set(Some(DragStart {
            pointer: ev.pointer_id(),
            x: f64::from(ev.client_x()),
            y: f64::from(ev.client_y()),
            from: viewport.get_untracked(),
        }));
    };
    let on_pointer_move = move |ev: web_sys::PointerEvent| {
        let Some(start) = drag.get_untracked() else {
            return;
        };
        if ev.pointer_id() != start.pointer {
            return;
        }
        let (dx, dy) = (
            f64::from(ev.client_x()) - start.x,
            f64::from(ev.client_y()) - start.y,
        );
        if !dragged.get_untracked() {
            if dx.hypot(dy) < DRAG_THRESHOLD {
                return;
            }
            dragged.set(true);
            // Captured only now, so a plain click still reaches the box under it.
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.set_pointer_capture(start.pointer);
            }
        }
        let Some(screen) = screen() else { return };
        let upp = start.from.units_per_pixel(&screen);
        viewport.set(start.from.pan(-dx * upp, -dy * upp, &full));
    };
    let on_pointer_end = move |_: web_sys::PointerEvent| drag.set(None);
    let zoom_by = move |factor: f64| {
        viewport.update(|vp| *vp = vp.zoom(factor, vp.center(), &full));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "+" | "=" => zoom_by(ZOOM_STEP),
        "-" | "_" => zoom_by(1.0 / ZOOM_STEP),
        "0" => viewport.set(full),
        _ => {}
    };

    let (width, height) = (layout.width, layout.height);
    // Every box and edge in config order, with what its markup and updates need.
    let boxes: Arc<Vec<BoxInfo>> = Arc::new(
        config
            .services
            .iter()
            .zip(&layout.nodes)
            .map(|(service, placed)| BoxInfo {
                id: service.id.clone(),
                name: service.name.clone(),
                rect: placed.rect,
                callout: model::callout_rect(
                    placed.rect,
                    &service.name,
                    zoom,
                    (layout.width, layout.height),
                ),
            })
            .collect(),
    );
    let lines: Arc<Vec<EdgeInfo>> = Arc::new(
        config
            .services
            .iter()
            .flat_map(|s| s.depends_on.iter().map(move |d| (s, d)))
            .zip(&layout.edges)
            .map(|((service, dep), route)| {
                let dep_name = config
                    .service(&dep.service)
                    .map_or_else(|| dep.service.clone(), |d| d.name.clone());
                EdgeInfo {
                    path: route.svg_path(),
                    from: service.id.clone(),
                    to: route.to.clone(),
                    label: format!("{} needs {dep_name}", service.name),
                    dep: dep.clone(),
                }
            })
            .collect(),
    );
    // Computed once per snapshot; the DOM is written only where they change.
    let looks = {
        let (cfg, boxes) = (Arc::clone(&config), Arc::clone(&boxes));
        Memo::new(move |_| {
            let snapshot = snapshot.get();
            boxes
                .iter()
                .map(|b| model::node_look(&cfg, snapshot.as_deref(), &b.id))
                .collect::<Vec<_>>()
        })
    };
    // Which boxes show their name now (tiles and enlarged problems: `model`).
    let named = {
        let boxes = Arc::clone(&boxes);
        Memo::new(move |_| {
            let looks = looks.get();
            let rects: Vec<Rect> = boxes.iter().map(|b| b.callout).collect();
            model::named(density, &looks, &rects)
        })
    };
    let passes = {
        let lines = Arc::clone(&lines);
        Memo::new(move |_| {
            let snapshot = snapshot.get();
            lines
                .iter()
                .map(|e| model::edge_status(snapshot.as_deref(), &e.dep))
                .collect::<Vec<_>>()
        })
    };

    // The first picture is markup, parsed by the browser in one go (see `markup`).
    let shown = Shown {
        looks: looks.get_untracked(),
        named: named.get_untracked(),
        selected: selected.get_untracked(),
        passes: passes.get_untracked(),
    };
    let mut nodes_html = String::new();
    // Named problems last: SVG paints in document order, so their enlarged
    // boxes lie over the tiles.
    for i in model::paint_order(&shown.named) {
        let (b, look) = (&boxes[i], &shown.looks[i]);
        let is_selected = shown.selected.as_deref() == Some(b.id.as_str());
        markup::node(
            &mut nodes_html,
            &b.markup(density, zoom),
            look,
            (is_selected, shown.named[i]),
        );
    }
    let mut edges_html = String::new();
    for (e, status) in lines.iter().zip(&shown.passes) {
        markup::edge(
            &mut edges_html,
            &e.path,
            (&e.from, &e.to),
            &e.label,
            e.dep.strength,
            (
                *status,
                model::edge_lit(shown.selected.as_deref(), &e.from, &e.to),
            ),
        );
    }

    // Afterwards, each change is written into the elements it concerns.
    let nodes_ref = NodeRef::<leptos::svg::G>::new();
    let edges_ref = NodeRef::<leptos::svg::G>::new();
    let on_screen = StoredValue::new_local((shown, None::<(Vec<Option<NodeDom>>, Vec<EdgeDom>)>));
    let ids: Arc<Vec<String>> = Arc::new(boxes.iter().map(|b| b.id.clone()).collect());
    let boxes_for_updates = Arc::clone(&boxes);
    Effect::new(move |_| {
        let boxes = &boxes_for_updates;
        let looks = looks.get();
        let named = named.get();
        let chosen = selected.get();
        let passes = passes.get();
        let (Some(nodes_g), Some(edges_g)) = (nodes_ref.get(), edges_ref.get()) else {
            return;
        };
        on_screen.update_value(|(shown, doms)| {
            if shown.looks == looks
                && shown.named == named
                && shown.selected == chosen
                && shown.passes == passes
            {
                return; // the markup shows this already (the run right after mounting)
            }
            // Handles are looked up at the first change, not while mounting;
            // boxes by their id (the markup paints named problems last).
            let (node_doms, edge_doms) = doms.get_or_insert_with(|| {
                let index: HashMap<&str, usize> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (id.as_str(), i))
                    .collect();
                let mut found: Vec<Option<NodeDom>> = ids.iter().map(|_| None).collect();
                for el in children(&nodes_g) {
                    let at = el
                        .get_attribute("data-service")
                        .and_then(|id| index.get(id.as_str()).copied());
                    if let Some(i) = at {
                        found[i] = Some(NodeDom::find(el));
                    }
                }
                (found, children(&edges_g).map(EdgeDom::find).collect())
            });
            for (i, (b, dom)) in boxes.iter().zip(node_doms.iter_mut()).enumerate() {
                let is = |s: &Option<String>| s.as_deref() == Some(b.id.as_str());
                let (Some(dom), Some(look), Some(before)) = (dom, looks.get(i), shown.looks.get(i))
                else {
                    continue;
                };
                let (now_named, was_named) = (named[i], shown.named.get(i) == Some(&true));
                if now_named && !was_named {
                    dom.ensure_callout(&b.markup(density, zoom), look);
                }
                dom.apply(
                    &b.name,
                    b.text_width(density, zoom),
                    (look, is(&chosen), now_named),
                    (before, is(&shown.selected), was_named),
                );
                if density == Density::Tiles && now_named && !was_named {
                    // Over the tiles drawn after it.
                    let _ = nodes_g.append_child(dom.element());
                }
            }
            for (i, (e, dom)) in lines.iter().zip(edge_doms.iter()).enumerate() {
                if let (Some(now), Some(before)) = (passes.get(i), shown.passes.get(i)) {
                    dom.apply(
                        &e.label,
                        e.dep.strength,
                        (*now, model::edge_lit(chosen.as_deref(), &e.from, &e.to)),
                        (
                            *before,
                            model::edge_lit(shown.selected.as_deref(), &e.from, &e.to),
                        ),
                    );
                }
            }
            *shown = Shown {
                looks,
                named,
                selected: chosen,
                passes,
            };
        });
    });

    // What is broken, worst first, when some problem has no named box (tiles only).
    let broken = {
        let boxes = Arc::clone(&boxes);
        Memo::new(move |_| {
            let looks = looks.get();
            let named = named.get();
            model::broken_list(density, &looks, &named)
                .into_iter()
                .map(|i| broken_list::Entry {
                    id: boxes[i].id.clone(),
                    name: boxes[i].name.clone(),
                    status: looks[i].effective,
                    note: looks[i].note.clone(),
                })
                .collect::<Vec<_>>()
        })
    };

    // One listener for all boxes: the box is the target's `[data-service]` ancestor.
    let toggle = move |id: String| {
        selected.update(|s| {
            *s = if s.as_deref() == Some(id.as_str()) {
                None
            } else {
                Some(id)
            }
        });
    };
    let on_node_click = move |ev: web_sys::MouseEvent| {
        if dragged.get_untracked() {
            return;
        }
        if let Some(id) = service_of(&ev) {
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
                class:zoomed=move || zoomed.get()
                class:dragging=move || dragged.get() && drag.get().is_some()
                style:aspect-ratio=format!("{width:.0} / {height:.0}")
                on:keydown=on_key
            >
                <svg
                    node_ref=svg_ref
                    class="diagram-svg"
                    viewBox=move || viewport.get().view_box()
                    preserveAspectRatio="xMidYMid meet"
                    role="group"
                    aria-label="Service dependency diagram: each service above the services it depends on"
                    on:wheel=on_wheel
                    on:pointerdown=on_pointer_down
                    on:pointermove=on_pointer_move
                    on:pointerup=on_pointer_end
                    on:pointercancel=on_pointer_end
                >
                    <defs>
                        {Status::ALL
                            .iter()
                            .map(|s| {
                                view! {
                                    <pattern
                                        id=format!("diagram-hatch-{}", s.as_str())
                                        class=format!("diagram-hatch status-{}", s.as_str())
                                        width="10"
                                        height="10"
                                        patternUnits="userSpaceOnUse"
                                        patternTransform="rotate(45)"
                                    >
                                        <rect class="hatch-bg" width="10" height="10" />
                                        <rect class="hatch-stripe" width="4" height="10" />
                                    </pattern>
                                }
                            })
                            .collect_view()}
                    </defs>
                    <g class="diagram-edges" node_ref=edges_ref inner_html=edges_html></g>
                    <g
                        class="diagram-nodes"
                        node_ref=nodes_ref
                        inner_html=nodes_html
                        on:click=on_node_click
                        on:keydown=on_node_key
                    ></g>
                </svg>
                <ZoomControls
                    zoom_in=move || zoom_by(ZOOM_STEP)
                    zoom_out=move || zoom_by(1.0 / ZOOM_STEP)
                    reset=move || viewport.set(full)
                    zoomed=zoomed
                />
            </div>
            <BrokenList entries=broken selected=selected />
        </>
    }
    .into_any()
}

/// Where a press started, to turn pointer travel into panning.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DragStart {
    pointer: i32,
    x: f64,
    y: f64,
    from: Viewport,
}

/// A service box: what its markup and its updates need.
struct BoxInfo {
    id: String,
    name: String,
    rect: Rect,
    /// Where its enlarged, named box goes over the tiles ([`Density::Tiles`]).
    callout: Rect,
}

impl BoxInfo {
    fn markup(&self, density: Density, zoom: f64) -> shapes::NodeMarkup<'_> {
        shapes::NodeMarkup {
            id: &self.id,
            name: &self.name,
            rect: self.rect,
            callout: self.callout,
            zoom,
            density,
        }
    }

    /// The width its text is fitted to.
    fn text_width(&self, density: Density, zoom: f64) -> f64 {
        self.markup(density, zoom).text_width()
    }
}

/// A dependency edge: what its markup and its updates need.
struct EdgeInfo {
    path: String,
    from: String,
    to: String,
    /// "App needs Consul", for the tooltip.
    label: String,
    dep: Dependency,
}

/// What the elements show now, to write only the differences.
struct Shown {
    looks: Vec<NodeLook>,
    named: Vec<bool>,
    selected: Option<String>,
    passes: Vec<Status>,
}

/// The element children of `parent`, in document order.
fn children(parent: &Element) -> impl Iterator<Item = Element> {
    std::iter::successors(parent.first_element_child(), Element::next_element_sibling)
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
