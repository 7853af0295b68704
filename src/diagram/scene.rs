//! The boxes and edges of one drawing: what their markup and their updates
//! need (ids, names, rectangles, paths), fixed for the layout, and what they
//! show for the current snapshot, computed once per snapshot.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::config::Dependency;
use panopticon_engine::snapshot::ServiceSnapshot;
use panopticon_engine::{Config, Snapshot};
use panopticon_layout::Rect;

use super::callouts;
use super::dom_contract::BoxState;
use super::look::{self, NodeLook, Part};
use super::markup;
use super::plan::{Density, Plan};
use super::shapes::NodeMarkup;

/// Every box and edge of a drawing, in configuration order.
pub struct Scene {
    /// The service boxes.
    pub boxes: Vec<BoxInfo>,
    /// The dependency edges.
    pub lines: Vec<EdgeInfo>,
    /// How much each box says.
    pub density: Density,
    /// How much a problem's named box is enlarged over the tiles.
    pub zoom: f64,
    /// The drawing's size in user units.
    pub size: (f64, f64),
    /// CSS px per user unit at full view (0 when the panel was not measured).
    pub scale: f64,
}

/// A service box: what its markup and its updates need.
pub struct BoxInfo {
    /// Service id.
    pub id: String,
    /// Its configured name.
    pub name: String,
    rect: Rect,
    /// Where its enlarged, named box goes over the tiles ([`Density::Tiles`]).
    pub callout: Rect,
}

/// A dependency edge: what its markup and its updates need.
pub struct EdgeInfo {
    path: String,
    /// The dependant's id.
    pub from: String,
    /// The dependency's id.
    pub to: String,
    /// "App needs Consul", for the tooltip.
    pub label: String,
    /// The configured dependency (its strength decides what passes on).
    pub dep: Dependency,
}

impl Scene {
    /// The scene of `config` laid out as `plan` says.
    pub fn new(config: &Config, plan: &Plan) -> Scene {
        let layout = &plan.layout;
        let size = (layout.width, layout.height);
        let zoom = callouts::callout_zoom(plan.scale);
        let boxes = config
            .services
            .iter()
            .zip(&layout.nodes)
            .map(|(service, placed)| BoxInfo {
                id: service.id.clone(),
                name: service.name.clone(),
                rect: placed.rect,
                callout: callouts::callout_rect(placed.rect, &service.name, zoom, size),
            })
            .collect();
        let lines = config
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
            .collect();
        Scene {
            boxes,
            lines,
            density: plan.density,
            zoom,
            size,
            scale: plan.scale,
        }
    }

    /// Box `i` as its markup and updates see it.
    pub fn markup(&self, i: usize) -> NodeMarkup<'_> {
        let b = &self.boxes[i];
        NodeMarkup {
            id: &b.id,
            name: &b.name,
            rect: b.rect,
            callout: b.callout,
            zoom: self.zoom,
            density: self.density,
        }
    }

    /// The boxes' and the edges' markup as `shown` says, one string each.
    /// Named problems come last: SVG paints in document order, so their
    /// enlarged boxes lie over the tiles.
    pub fn write(&self, shown: &Shown) -> (String, String) {
        let mut nodes = String::new();
        for i in callouts::paint_order(&shown.named) {
            markup::node(&mut nodes, &self.markup(i), shown.box_state(i));
        }
        let mut edges = String::new();
        for (i, e) in self.lines.iter().enumerate() {
            markup::edge(
                &mut edges,
                &e.path,
                (&e.from, &e.to),
                &e.label,
                e.dep.strength,
                shown.edge_state(i),
            );
        }
        (nodes, edges)
    }
}

/// What the boxes and edges show for the current snapshot, each computed
/// once per snapshot (the DOM is written only where they change).
#[derive(Clone, Copy)]
pub struct Shows {
    /// Each box's look.
    pub looks: Memo<Vec<NodeLook>>,
    /// Whether each box shows its name (`callouts::named`).
    pub named: Memo<Vec<bool>>,
    /// What each edge passes on.
    pub passes: Memo<Vec<Status>>,
}

impl Shows {
    /// Follows `snapshot` for the boxes and edges of `scene`.
    pub fn new(
        config: Arc<Config>,
        scene: &Arc<Scene>,
        snapshot: Signal<Option<Arc<Snapshot>>>,
    ) -> Shows {
        let for_looks = Arc::clone(scene);
        let looks = Memo::new(move |_| {
            let snapshot = snapshot.get();
            let parts = Parts::of(snapshot.as_deref());
            (for_looks.boxes.iter())
                .map(|b| look::node_look(&config, parts.get(&b.id)))
                .collect::<Vec<_>>()
        });
        let for_named = Arc::clone(scene);
        let named = Memo::new(move |_| {
            let rects: Vec<Rect> = for_named.boxes.iter().map(|b| b.callout).collect();
            callouts::named(for_named.density, &looks.get(), &rects)
        });
        let for_passes = Arc::clone(scene);
        let passes = Memo::new(move |_| {
            let snapshot = snapshot.get();
            let parts = Parts::of(snapshot.as_deref());
            (for_passes.lines.iter())
                .map(|e| look::edge_status(&e.dep, parts.get(&e.dep.service)))
                .collect::<Vec<_>>()
        });
        Shows {
            looks,
            named,
            passes,
        }
    }
}

/// Each service's part of a snapshot by id, found in one pass over it:
/// looking each box and edge up in turn would pass over the snapshot once
/// per box and per edge (millions of comparisons at 1,000 services).
struct Parts<'a>(Option<HashMap<&'a str, &'a ServiceSnapshot>>);

impl<'a> Parts<'a> {
    fn of(snapshot: Option<&'a Snapshot>) -> Parts<'a> {
        Parts(snapshot.map(|s| s.services.iter().map(|p| (p.id.as_str(), p)).collect()))
    }

    /// Service `id`'s part.
    fn get(&self, id: &str) -> Part<'a> {
        match &self.0 {
            None => Part::Waiting,
            Some(p) => p.get(id).map_or(Part::Missing, |s| Part::Evaluated(s)),
        }
    }
}

/// What the elements show at one moment, item by item, to write only the
/// differences (and, for a large change, to write it over a few frames:
/// `patcher`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Each box's look.
    pub looks: Vec<NodeLook>,
    /// Whether each box shows its name.
    pub named: Vec<bool>,
    /// Whether each box is the selected service.
    pub chosen: Vec<bool>,
    /// What each edge passes on.
    pub passes: Vec<Status>,
    /// Whether each edge belongs to the selected service.
    pub lit: Vec<bool>,
}

impl Shown {
    /// Reads `shows` and `selected` for `scene`, tracked when `track`.
    pub fn read(
        scene: &Scene,
        shows: Shows,
        selected: RwSignal<Option<String>>,
        track: bool,
    ) -> Shown {
        let (looks, named, selected, passes) = if track {
            (
                shows.looks.get(),
                shows.named.get(),
                selected.get(),
                shows.passes.get(),
            )
        } else {
            (
                shows.looks.get_untracked(),
                shows.named.get_untracked(),
                selected.get_untracked(),
                shows.passes.get_untracked(),
            )
        };
        let selected = selected.as_deref();
        Shown {
            looks,
            named,
            chosen: (scene.boxes.iter())
                .map(|b| selected == Some(b.id.as_str()))
                .collect(),
            passes,
            lit: (scene.lines.iter())
                .map(|e| look::edge_lit(selected, &e.from, &e.to))
                .collect(),
        }
    }

    /// Box `i`'s state here.
    pub fn box_state(&self, i: usize) -> BoxState<'_> {
        BoxState {
            look: &self.looks[i],
            selected: self.chosen[i],
            named: self.named[i],
        }
    }

    /// Edge `i`'s state here: what it passes on, and whether it is lit.
    pub fn edge_state(&self, i: usize) -> (Status, bool) {
        (self.passes[i], self.lit[i])
    }

    /// Takes box `i`'s state from `now` (it has been written).
    pub fn take_box(&mut self, now: &Shown, i: usize) {
        self.looks[i].clone_from(&now.looks[i]);
        self.named[i] = now.named[i];
        self.chosen[i] = now.chosen[i];
    }

    /// Takes edge `i`'s state from `now` (it has been written).
    pub fn take_edge(&mut self, now: &Shown, i: usize) {
        self.passes[i] = now.passes[i];
        self.lit[i] = now.lit[i];
    }
}
