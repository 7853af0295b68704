//! The input graph, checked and turned into indices.

use std::collections::HashMap;

use crate::{Edge, LayoutError, Node};

/// The input with ids replaced by indices into the node list. Built only by
/// [`Dag::new`], so later stages may index freely.
#[derive(Debug)]
pub(crate) struct Dag {
    /// Per node: indices of the nodes it depends on, in edge order.
    pub deps: Vec<Vec<usize>>,
    /// Per node: indices of the nodes that depend on it, in edge order.
    pub dependants: Vec<Vec<usize>>,
    /// Every edge as `(dependant, dependency)`, in input order.
    pub edges: Vec<(usize, usize)>,
}

impl Dag {
    /// Checks ids, endpoints and sizes. Cycles are found later, by ranking.
    pub fn new(nodes: &[Node], edges: &[Edge]) -> Result<Dag, LayoutError> {
        let mut index = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            let valid = |v: f64| v.is_finite() && v > 0.0;
            if !valid(node.width) || !valid(node.height) {
                return Err(LayoutError::InvalidSize(node.id.clone()));
            }
            if index.insert(node.id.as_str(), i).is_some() {
                return Err(LayoutError::DuplicateNode(node.id.clone()));
            }
        }
        let mut dag = Dag {
            deps: vec![Vec::new(); nodes.len()],
            dependants: vec![Vec::new(); nodes.len()],
            edges: Vec::with_capacity(edges.len()),
        };
        for edge in edges {
            let find = |id: &str| {
                index
                    .get(id)
                    .copied()
                    .ok_or_else(|| LayoutError::UnknownNode {
                        from: edge.from.clone(),
                        to: edge.to.clone(),
                        missing: id.to_owned(),
                    })
            };
            let (from, to) = (find(&edge.from)?, find(&edge.to)?);
            if from == to {
                return Err(LayoutError::SelfLoop(edge.from.clone()));
            }
            dag.deps[from].push(to);
            dag.dependants[to].push(from);
            dag.edges.push((from, to));
        }
        Ok(dag)
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.deps.len()
    }
}

/// The sorts done once per layout (edge ends, wrapped rows) go through the
/// core's one index sort: each `sort_by` with its own closure was its own
/// copy of the standard sort (about 3.5 KB of wasm each). The crossing
/// reduction's hot loop keeps `sort_by`.
pub(crate) use panopticon_core::sorting::sort_indices;
