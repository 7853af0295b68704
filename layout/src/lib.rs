//! Layered ("Sugiyama") layout of the service dependency diagram.
//!
//! Pure geometry: nodes and edges in, boxes and edge routes out, in SVG user
//! units. The app only draws what this crate computes, so every promise the
//! diagram makes is tested here, natively:
//!
//! - every dependency sits in a row strictly below each of its dependants;
//! - boxes never overlap, and edges never pass through boxes (long edges get
//!   their own lane through the rows they skip);
//! - rows are ordered to keep crossings few (none where the graph allows);
//! - the result depends only on the graph and sizes, never on statuses or
//!   time, and ties follow input order: a refresh never moves a box.
//!
//! ```
//! use panopticon_layout::{Edge, Node, Options, layout};
//!
//! let nodes = [Node::new("app", 120.0, 40.0), Node::new("db", 120.0, 40.0)];
//! let edges = [Edge::new("app", "db")];
//! let drawn = layout(&nodes, &edges, &Options::default()).unwrap();
//! let (app, db) = (drawn.node("app").unwrap(), drawn.node("db").unwrap());
//! assert!(app.rect.bottom() < db.rect.y);
//! ```

mod error;
mod geometry;
mod graph;
mod order;
mod place;
mod rank;
mod route;
mod wrap;

pub use error::LayoutError;
pub use geometry::{Point, Rect};
pub use route::EdgeRoute;

use graph::Dag;
use order::{Effort, Layered, Reducer};
use place::Placer;
use route::Band;

/// A box to place.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique id; edges refer to it.
    pub id: String,
    /// Width of the box (finite, positive).
    pub width: f64,
    /// Height of the box (finite, positive).
    pub height: f64,
}

impl Node {
    /// A box `id` of the given size.
    pub fn new(id: impl Into<String>, width: f64, height: f64) -> Node {
        Node {
            id: id.into(),
            width,
            height,
        }
    }
}

/// "`from` depends on `to`": `to` is drawn below `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The dependant.
    pub from: String,
    /// The dependency.
    pub to: String,
}

impl Edge {
    /// `from` depends on `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
        }
    }
}

/// Spacing, in the same units as node sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Vertical space between rows, where edges bend.
    pub layer_gap: f64,
    /// Horizontal space between neighbouring boxes.
    pub node_gap: f64,
    /// Horizontal space between lanes of long edges passing a row.
    pub edge_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
    /// Width ÷ height of the box the drawing is shown in, if known. A layer
    /// wider than the box allows is then wrapped into several rows when that
    /// lets the whole drawing be shown larger (see `wrap`); `None` keeps one
    /// row per layer. Part of the input like the graph: the same box always
    /// gets the same picture.
    pub aspect: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            layer_gap: 60.0,
            node_gap: 32.0,
            edge_gap: 14.0,
            margin: 16.0,
            aspect: None,
        }
    }
}

impl Options {
    fn check(&self) -> Result<(), LayoutError> {
        let fields = [
            ("layer_gap", self.layer_gap),
            ("node_gap", self.node_gap),
            ("edge_gap", self.edge_gap),
            ("margin", self.margin),
        ];
        if let Some((name, _)) = fields.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
            return Err(LayoutError::InvalidOption(name));
        }
        match self.aspect {
            Some(a) if !(a.is_finite() && a > 0.0) => Err(LayoutError::InvalidOption("aspect")),
            _ => Ok(()),
        }
    }
}

/// A placed node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// The node's id.
    pub id: String,
    /// Where its box is.
    pub rect: Rect,
    /// Its row, 0 at the top (a wrapped layer spans several rows).
    pub layer: usize,
}

/// The whole drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Boxes, in input order.
    pub nodes: Vec<NodeBox>,
    /// Edge routes, in input order.
    pub edges: Vec<EdgeRoute>,
    /// Width of the drawing including margins (the SVG `viewBox` width).
    pub width: f64,
    /// Height of the drawing including margins.
    pub height: f64,
    /// Number of rows.
    pub layers: usize,
    /// Edge crossings between neighbouring rows that the ordering left (edges
    /// are split at every row they pass), to judge a layout's quality.
    pub crossings: usize,
}

impl Layout {
    /// The box of node `id`.
    pub fn node(&self, id: &str) -> Option<&NodeBox> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// The size [`layout`] would need, roughly and cheaply: rows as `layout`
/// chooses them, each packed tightly with a lane per passing edge, before
/// crossing reduction and placement (which mostly widen it, by up to half).
/// The height is exact; the width is at most a few units more than the
/// layout's. For choosing node sizes before paying for a layout: a size
/// whose estimate clearly does not fit will not fit laid out either.
pub fn estimate(
    nodes: &[Node],
    edges: &[Edge],
    options: &Options,
) -> Result<(f64, f64), LayoutError> {
    options.check()?;
    let dag = Dag::new(nodes, edges)?;
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let layer_of = rank::layers(&dag, &ids)?;
    let sizes: Vec<(f64, f64)> = nodes.iter().map(|n| (n.width, n.height)).collect();
    Ok(wrap::estimated_size(&dag, &layer_of, &sizes, options))
}

/// Lays out a dependency graph.
///
/// `nodes` in the order ties should follow (the config's order);
/// `edges` as "from depends on to". Errors on duplicate or unknown ids,
/// self-loops, cycles and sizes that are not finite and positive.
/// The same as a [`LayoutJob`] run to the end in one go.
pub fn layout(nodes: &[Node], edges: &[Edge], options: &Options) -> Result<Layout, LayoutError> {
    Ok(LayoutJob::new(nodes, edges, options)?.finish())
}

/// A [`layout`] computed in slices, for a caller that must not hold its
/// thread for long: in a browser, a task over 50 ms delays the page's
/// response to input, and 1,000 services take longer than that in a freshly
/// loaded WebAssembly module. Each [`step`](LayoutJob::step) does one sweep
/// of the crossing reduction, or its last polish, or a round of the
/// placement; the caller yields between steps. For 1,000 services / 2,000
/// edges drawn as tiles in a wide panel that is `new`, 21 steps and
/// `finish`, each about a millisecond natively (the whole: 14 ms). In such
/// a module under Node the first few, which compile as they go, took 5 to
/// 35 ms and the rest about a millisecond (the whole: about 60 ms).
/// Slicing never changes the result: [`finish`](LayoutJob::finish) after any
/// number of steps gives exactly what [`layout`] gives.
///
/// ```
/// use panopticon_layout::{Edge, LayoutJob, Node, Options, layout};
///
/// let nodes = [Node::new("app", 120.0, 40.0), Node::new("db", 120.0, 40.0)];
/// let edges = [Edge::new("app", "db")];
/// let mut job = LayoutJob::new(&nodes, &edges, &Options::default()).unwrap();
/// while !job.step() {
///     // Let the page breathe here.
/// }
/// assert_eq!(job.finish(), layout(&nodes, &edges, &Options::default()).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct LayoutJob {
    nodes: Vec<Node>,
    options: Options,
    /// Row of every node.
    layer_of: Vec<usize>,
    g: Layered,
    reducer: Reducer,
    /// Whether the crossing reduction is over.
    ordered: bool,
    /// The placement, once the order is final.
    placer: Option<Placer>,
}

impl LayoutJob {
    /// Checks the graph and ranks it (the cheap part); errors as [`layout`].
    pub fn new(
        nodes: &[Node],
        edges: &[Edge],
        options: &Options,
    ) -> Result<LayoutJob, LayoutError> {
        options.check()?;
        let dag = Dag::new(nodes, edges)?;
        let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
        let layer_of = rank::layers(&dag, &ids)?;
        let sizes: Vec<(f64, f64)> = nodes.iter().map(|n| (n.width, n.height)).collect();
        let layer_of = wrap::rows(&dag, &layer_of, &sizes, options);
        let g = Layered::new(&dag, &layer_of);
        let reducer = Reducer::new(&g, Effort::for_size(g.layer.len()));
        Ok(LayoutJob {
            nodes: nodes.to_vec(),
            options: options.clone(),
            layer_of,
            g,
            reducer,
            ordered: false,
            placer: None,
        })
    }

    /// Does the next slice of the work. Returns whether only
    /// [`finish`](LayoutJob::finish) is left (then further steps do nothing).
    pub fn step(&mut self) -> bool {
        if !self.ordered {
            self.ordered = self.reducer.step(&mut self.g);
            return false;
        }
        let g = &self.g;
        let placer = self.placer.get_or_insert_with(|| {
            let widths: Vec<f64> = self.nodes.iter().map(|n| n.width).collect();
            Placer::new(g, &widths, &self.options)
        });
        placer.step(g)
    }

    /// Runs the steps left and draws the layout: boxes, routes, size.
    pub fn finish(mut self) -> Layout {
        while !self.step() {}
        let LayoutJob {
            nodes,
            options,
            layer_of,
            g,
            reducer,
            placer,
            ..
        } = self;
        let centre = placer.map(Placer::into_centres).unwrap_or_default();
        draw(
            &nodes,
            &options,
            &layer_of,
            &g,
            &centre,
            reducer.crossings(),
        )
    }
}

/// The drawing of a placed, ordered graph.
fn draw(
    nodes: &[Node],
    options: &Options,
    layer_of: &[usize],
    g: &Layered,
    centre: &[f64],
    crossings: usize,
) -> Layout {
    let ids: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let widths: Vec<f64> = nodes.iter().map(|n| n.width).collect();
    let left = (0..g.layer.len())
        .map(|v| centre[v] - if g.is_dummy(v) { 0.0 } else { widths[v] / 2.0 })
        .fold(f64::INFINITY, f64::min);
    let shift = options.margin - if left.is_finite() { left } else { 0.0 };
    let centre: Vec<f64> = centre.iter().map(|x| x + shift).collect();

    let mut bands = Vec::with_capacity(g.rows.len());
    let mut y = options.margin;
    for row in &g.rows {
        let height = row
            .iter()
            .filter(|&&v| !g.is_dummy(v))
            .map(|&v| nodes[v].height)
            .fold(0.0, f64::max);
        bands.push(Band {
            top: y,
            bottom: y + height,
        });
        y += height + options.layer_gap;
    }
    let boxes: Vec<Rect> = nodes
        .iter()
        .enumerate()
        .map(|(v, node)| {
            let band = bands[layer_of[v]];
            Rect {
                x: centre[v] - node.width / 2.0,
                y: band.top + (band.bottom - band.top - node.height) / 2.0,
                width: node.width,
                height: node.height,
            }
        })
        .collect();
    let edges = route::routes(g, &centre, &boxes, &bands, &ids);

    let right = (0..g.layer.len())
        .map(|v| {
            if g.is_dummy(v) {
                centre[v]
            } else {
                boxes[v].right()
            }
        })
        .fold(0.0, f64::max);
    let bottom = bands.last().map_or(0.0, |b| b.bottom);
    Layout {
        nodes: nodes
            .iter()
            .zip(boxes)
            .zip(layer_of)
            .map(|((node, rect), &layer)| NodeBox {
                id: node.id.clone(),
                rect,
                layer,
            })
            .collect(),
        edges,
        width: right.max(options.margin) + options.margin,
        height: bottom.max(options.margin) + options.margin,
        layers: g.rows.len(),
        crossings,
    }
}
