//! After the first markup, each change of a snapshot or of the selection is
//! written into the elements it concerns, and only there.
//!
//! Every change to a worse status is written at once, however many: a box
//! must never show a healthier status than its service has, not even for a
//! frame (an outage turning 1,000 services red is one long task, the price
//! of that). The other changes (recoveries, selection, names) are written
//! at most 150 boxes and 300 edges per frame, each part in a task of its own
//! right after a frame: the browser restyles every element written, and a
//! recovery of 1,000 boxes in one task held the main thread for over 100 ms.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use web_sys::Element;

use super::edge::EdgeDom;
use super::node::NodeDom;
use super::plan::Density;
use super::scene::{Scene, Shown, Shows};
use crate::effect::effect;

/// Boxes written per frame, at most, besides those that turn worse.
const BOXES_PER_FRAME: usize = 150;
/// Edges written per frame, at most, besides those that turn worse.
const EDGES_PER_FRAME: usize = 300;

/// Handles to every box (by configuration order; `None` if not found) and edge.
type Handles = (Vec<Option<NodeDom>>, Vec<EdgeDom>);

/// Keeps the boxes in `nodes` and the edges in `edges` (written from `first`)
/// showing what `shows` and `selected` say.
pub fn use_patcher(
    scene: Arc<Scene>,
    (shows, selected): (Shows, RwSignal<Option<String>>),
    first: Shown,
    (nodes, edges): (NodeRef<leptos::svg::G>, NodeRef<leptos::svg::G>),
) {
    let on_screen = StoredValue::new_local((first, None::<Handles>));
    // Bumped on the next frame while a large change is still being written.
    let next_frame = RwSignal::new(0_u32);
    effect(move || {
        next_frame.track();
        let now = Shown::read(&scene, shows, selected, true);
        let (Some(nodes_g), Some(edges_g)) = (nodes.get(), edges.get()) else {
            return;
        };
        let more = on_screen
            .try_update_value(|(shown, handles)| {
                if *shown == now {
                    return false; // the markup shows this already (the run right after mounting)
                }
                let (node_doms, edge_doms) =
                    handles.get_or_insert_with(|| find(&scene, &nodes_g, &edges_g));
                let more_boxes = patch_nodes(&scene, node_doms, &nodes_g, (&now, shown));
                let more_edges = patch_edges(&scene, edge_doms, (&now, shown));
                more_boxes || more_edges
            })
            .unwrap_or(false);
        if more {
            // Right after the next frame is drawn, in a task of its own: the
            // frame restyles only what this part wrote.
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        next_frame.try_update(|n| *n = n.wrapping_add(1));
                    },
                    Duration::ZERO,
                );
            });
        }
    });
}

/// Handles are looked up at the first change, not while mounting; boxes by
/// their id (the markup paints named problems last).
fn find(scene: &Scene, nodes_g: &Element, edges_g: &Element) -> Handles {
    let index: HashMap<&str, usize> = (scene.boxes.iter().enumerate())
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    let mut found: Vec<Option<NodeDom>> = scene.boxes.iter().map(|_| None).collect();
    for el in children(nodes_g) {
        let at = el
            .get_attribute("data-service")
            .and_then(|id| index.get(id.as_str()).copied());
        if let Some(i) = at {
            found[i] = Some(NodeDom::find(el));
        }
    }
    (found, children(edges_g).map(EdgeDom::find).collect())
}

/// Writes every box that turned worse since `shown`, and of the others at most
/// [`BOXES_PER_FRAME`]; `true` when some are left for the next frame.
fn patch_nodes(
    scene: &Scene,
    doms: &mut [Option<NodeDom>],
    nodes_g: &Element,
    (now, shown): (&Shown, &mut Shown),
) -> bool {
    let mut budget = BOXES_PER_FRAME;
    // Worse news all at once, first: while a large change is written part by
    // part, a box may show its old status for a few frames, and that must
    // never be a healthier one than the truth. Only the rest is spread.
    for worse in [true, false] {
        for (i, dom) in doms.iter_mut().enumerate() {
            let Some(dom) = dom else { continue };
            let (is, was) = (now.box_state(i), shown.box_state(i));
            if is == was || (is.look.effective > was.look.effective) != worse {
                continue;
            }
            if !worse {
                if budget == 0 {
                    return true;
                }
                budget -= 1;
            }
            let m = scene.markup(i);
            let newly_named = is.named && !was.named;
            if newly_named {
                dom.ensure_callout(&m, is.look);
            }
            dom.apply(&m, is, was);
            if scene.density == Density::Tiles && newly_named {
                // Over the tiles drawn after it.
                let _ = nodes_g.append_child(dom.element());
            }
            shown.take_box(now, i);
        }
    }
    false
}

/// Writes every edge that turned worse since `shown`, and of the others at most
/// [`EDGES_PER_FRAME`]; `true` when some are left for the next frame.
fn patch_edges(scene: &Scene, doms: &[EdgeDom], (now, shown): (&Shown, &mut Shown)) -> bool {
    let mut budget = EDGES_PER_FRAME;
    // Worse news first, as for the boxes.
    for worse in [true, false] {
        for (i, dom) in doms.iter().enumerate() {
            let (is, was) = (now.edge_state(i), shown.edge_state(i));
            if is == was || (is.0 > was.0) != worse {
                continue;
            }
            if !worse {
                if budget == 0 {
                    return true;
                }
                budget -= 1;
            }
            let e = &scene.lines[i];
            dom.apply(((&e.from, &e.to), &e.label), e.dep.strength, is, was);
            shown.take_edge(now, i);
        }
    }
    false
}

/// The element children of `parent`, in document order.
fn children(parent: &Element) -> impl Iterator<Item = Element> {
    std::iter::successors(parent.first_element_child(), Element::next_element_sibling)
}
