//! The order of nodes within each row, chosen to keep edges from crossing.
//!
//! Edges that skip rows get one placeholder ("dummy") vertex per row they pass,
//! so every edge only joins neighbouring rows and a long edge gets its own lane
//! instead of cutting through boxes. Then barycenter sweeps (each vertex moves
//! to the mean position of its neighbours in the row above or below) alternate
//! with local swaps of neighbours, and the best order seen wins. Every sort is
//! stable and starts from input order, so the same graph always gets the same
//! picture.

use crate::graph::Dag;

/// Sweeps tried at most; small graphs reach zero crossings in a few.
const SWEEPS: usize = 24;
/// Sweeps without improvement before giving up early.
const PATIENCE: usize = 6;
/// Rounds of neighbour swaps after each sweep.
const SWAP_ROUNDS: usize = 8;

/// The graph with every edge split into single-row steps.
#[derive(Debug, Clone)]
pub(crate) struct Layered {
    /// Number of real (input) vertices; the vertices after them are dummies.
    pub real: usize,
    /// Per vertex: its row.
    pub layer: Vec<usize>,
    /// Per vertex: neighbours in the row above.
    pub up: Vec<Vec<usize>>,
    /// Per vertex: neighbours in the row below.
    pub down: Vec<Vec<usize>>,
    /// Per row: its vertices, left to right.
    pub rows: Vec<Vec<usize>>,
    /// Per input edge: the vertices it passes, from dependant to dependency.
    pub chains: Vec<Vec<usize>>,
}

impl Layered {
    /// Splits long edges; rows start in input order (dummies after real nodes,
    /// in edge order).
    pub fn new(dag: &Dag, layer_of: &[usize]) -> Layered {
        let rows_count = layer_of.iter().copied().max().map_or(0, |m| m + 1);
        let mut g = Layered {
            real: dag.len(),
            layer: layer_of.to_vec(),
            up: vec![Vec::new(); dag.len()],
            down: vec![Vec::new(); dag.len()],
            rows: vec![Vec::new(); rows_count],
            chains: Vec::with_capacity(dag.edges.len()),
        };
        for &(from, to) in &dag.edges {
            let mut chain = vec![from];
            for row in layer_of[from] + 1..layer_of[to] {
                chain.push(g.layer.len());
                g.layer.push(row);
                g.up.push(Vec::new());
                g.down.push(Vec::new());
            }
            chain.push(to);
            for pair in chain.windows(2) {
                g.down[pair[0]].push(pair[1]);
                g.up[pair[1]].push(pair[0]);
            }
            g.chains.push(chain);
        }
        for (v, &row) in g.layer.iter().enumerate() {
            g.rows[row].push(v);
        }
        g
    }

    /// Whether `v` is a placeholder of a long edge.
    pub fn is_dummy(&self, v: usize) -> bool {
        v >= self.real
    }

    /// Reorders the rows to reduce crossings; returns the crossings left.
    pub fn reduce_crossings(&mut self) -> usize {
        let mut pos = self.positions();
        let mut best = self.rows.clone();
        let mut best_count = self.crossings(&pos);
        let mut since_better = 0;
        for sweep in 0..SWEEPS {
            if best_count == 0 || since_better >= PATIENCE {
                break;
            }
            if sweep % 2 == 0 {
                for row in 1..self.rows.len() {
                    self.sort_row(row, &mut pos, true);
                }
            } else {
                for row in (0..self.rows.len().saturating_sub(1)).rev() {
                    self.sort_row(row, &mut pos, false);
                }
            }
            // Every other pair of sweeps also swaps neighbours whose crossings
            // tie, which lets a later sweep find orders no single swap reaches.
            self.swap_neighbours(&mut pos, sweep % 4 >= 2);
            let count = self.crossings(&pos);
            if count < best_count {
                best_count = count;
                best.clone_from(&self.rows);
                since_better = 0;
            } else {
                since_better += 1;
            }
        }
        self.rows = best;
        best_count
    }

    /// Position of every vertex within its row.
    pub fn positions(&self) -> Vec<usize> {
        let mut pos = vec![0; self.layer.len()];
        for row in &self.rows {
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i;
            }
        }
        pos
    }

    /// Crossings between all pairs of neighbouring rows.
    pub fn crossings(&self, pos: &[usize]) -> usize {
        (0..self.rows.len().saturating_sub(1))
            .map(|row| self.crossings_below(row, pos))
            .sum()
    }

    /// Crossings between `row` and the row below: the inversions among edge
    /// ends once edges are sorted by their upper end (Barth, Jünger, Mutzel),
    /// counted with a Fenwick tree so big graphs stay fast.
    fn crossings_below(&self, row: usize, pos: &[usize]) -> usize {
        let width = self.rows.get(row + 1).map_or(0, Vec::len);
        let mut ends: Vec<(usize, usize)> = self.rows[row]
            .iter()
            .flat_map(|&u| self.down[u].iter().map(move |&v| (pos[u], pos[v])))
            .collect();
        ends.sort_unstable();
        let mut tree = vec![0_usize; width + 1];
        let mut count = 0;
        for (seen, &(_, lower)) in ends.iter().enumerate() {
            // Edges already seen whose lower end lies strictly right of this one.
            let mut at_or_left = 0;
            let mut i = lower + 1;
            while i > 0 {
                at_or_left += tree[i];
                i &= i - 1;
            }
            count += seen - at_or_left;
            let mut i = lower + 1;
            while i <= width {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
        count
    }

    /// Sorts one row by the mean position of each vertex's neighbours in the
    /// row above (`from_above`) or below. A vertex without such neighbours
    /// keeps its own position as its key, so it stays roughly where it was.
    fn sort_row(&mut self, row: usize, pos: &mut [usize], from_above: bool) {
        let key = |v: usize| {
            let near = if from_above {
                &self.up[v]
            } else {
                &self.down[v]
            };
            if near.is_empty() {
                pos[v] as f64
            } else {
                near.iter().map(|&n| pos[n] as f64).sum::<f64>() / near.len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize)> = self.rows[row].iter().map(|&v| (key(v), v)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.rows[row] = keyed.into_iter().map(|(_, v)| v).collect();
        for (i, &v) in self.rows[row].iter().enumerate() {
            pos[v] = i;
        }
    }

    /// Swaps neighbours in a row while that removes crossings with the rows
    /// above and below ("transpose" in Gansner et al.); catches what the mean
    /// positions miss, e.g. ties.
    fn swap_neighbours(&mut self, pos: &mut [usize], on_ties: bool) {
        for _ in 0..SWAP_ROUNDS {
            let mut improved = false;
            for row in 0..self.rows.len() {
                for i in 1..self.rows[row].len() {
                    let (a, b) = (self.rows[row][i - 1], self.rows[row][i]);
                    let (now, swapped) = self.pair_crossings(a, b, pos);
                    if swapped < now || (on_ties && swapped == now && now > 0) {
                        self.rows[row].swap(i - 1, i);
                        pos[a] = i;
                        pos[b] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Crossings among the edges of `left` and `right` with `left` first, and
    /// with the two swapped: one pass over the pairs of their edge ends counts
    /// both (an end of `left` right of one of `right` crosses as things stand,
    /// one left of it crosses once they are swapped; shared ends never cross).
    fn pair_crossings(&self, left: usize, right: usize, pos: &[usize]) -> (usize, usize) {
        let mut now = 0;
        let mut swapped = 0;
        for (a, b) in [
            (&self.up[left], &self.up[right]),
            (&self.down[left], &self.down[right]),
        ] {
            for &x in a {
                let px = pos[x];
                for &y in b {
                    let py = pos[y];
                    now += usize::from(px > py);
                    swapped += usize::from(px < py);
                }
            }
        }
        (now, swapped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Edge, Node};

    /// Builds the layered graph for `edges` over nodes `0..n` with the given
    /// rows and explicit row orders, and counts its crossings.
    fn check(rows: &[&[usize]], edges: &[(usize, usize)], expect: usize) {
        let n = rows.iter().map(|r| r.len()).sum::<usize>();
        let nodes: Vec<Node> = (0..n).map(|i| Node::new(i.to_string(), 1.0, 1.0)).collect();
        let edges: Vec<Edge> = edges
            .iter()
            .map(|(a, b)| Edge::new(a.to_string(), b.to_string()))
            .collect();
        let dag = Dag::new(&nodes, &edges).unwrap();
        let mut layer = vec![0; n];
        for (r, row) in rows.iter().enumerate() {
            for &v in *row {
                layer[v] = r;
            }
        }
        let mut g = Layered::new(&dag, &layer);
        for (r, row) in rows.iter().enumerate() {
            g.rows[r] = row.to_vec();
        }
        assert_eq!(g.crossings(&g.positions()), expect, "{rows:?} {edges:?}");
    }

    #[test]
    fn counts_crossings() {
        check(&[&[0, 1], &[2, 3]], &[(0, 2), (1, 3)], 0);
        check(&[&[0, 1], &[2, 3]], &[(0, 3), (1, 2)], 1);
        // A shared end never counts as a crossing.
        check(&[&[0, 1], &[2]], &[(0, 2), (1, 2)], 0);
        check(&[&[0], &[1, 2]], &[(0, 1), (0, 2)], 0);
        // K(2,2) drawn in any order has exactly one crossing.
        check(&[&[0, 1], &[2, 3]], &[(0, 2), (0, 3), (1, 2), (1, 3)], 1);
        // Three edges fully reversed: every pair crosses.
        check(&[&[0, 1, 2], &[3, 4, 5]], &[(0, 5), (1, 4), (2, 3)], 3);
        check(&[&[0, 1, 2], &[3, 4, 5]], &[(0, 5), (1, 3), (2, 4)], 2);
    }
}
