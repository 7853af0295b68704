//! After the first markup, each change of a snapshot or of the selection is
//! written into the elements it concerns, and only there.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use web_sys::Element;

use super::edge::EdgeDom;
use super::node::NodeDom;
use super::plan::Density;
use super::scene::{Scene, Shown, Shows};

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
    Effect::new(move |_| {
        let now = Shown::read(shows, selected, true);
        let (Some(nodes_g), Some(edges_g)) = (nodes.get(), edges.get()) else {
            return;
        };
        on_screen.update_value(|(shown, handles)| {
            if *shown == now {
                return; // the markup shows this already (the run right after mounting)
            }
            let (node_doms, edge_doms) =
                handles.get_or_insert_with(|| find(&scene, &nodes_g, &edges_g));
            patch_nodes(&scene, node_doms, &nodes_g, (&now, shown));
            for (i, dom) in edge_doms.iter().enumerate() {
                let e = &scene.lines[i];
                dom.apply(
                    ((&e.from, &e.to), &e.label),
                    e.dep.strength,
                    now.edge_state(&scene, i),
                    shown.edge_state(&scene, i),
                );
            }
            *shown = now;
        });
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

/// Writes the boxes that differ between `before` and `now`.
fn patch_nodes(
    scene: &Scene,
    doms: &mut [Option<NodeDom>],
    nodes_g: &Element,
    (now, before): (&Shown, &Shown),
) {
    for (i, dom) in doms.iter_mut().enumerate() {
        let Some(dom) = dom else { continue };
        let (is, was) = (now.box_state(scene, i), before.box_state(scene, i));
        if is == was {
            continue;
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
    }
}

/// The element children of `parent`, in document order.
fn children(parent: &Element) -> impl Iterator<Item = Element> {
    std::iter::successors(parent.first_element_child(), Element::next_element_sibling)
}
