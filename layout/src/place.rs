//! Horizontal positions: as close to the neighbours as the order allows.
//!
//! Each sweep asks every vertex to sit at the mean of its neighbours in the
//! row above (or below) and then finds, per row, the positions closest to
//! those wishes that keep the order and the minimum gaps. That second step is
//! an isotonic regression, solved exactly by pooling adjacent violators, so
//! boxes can never overlap whatever the wishes were. Dummies pull harder than
//! boxes, which straightens long edges.

use crate::Options;
use crate::order::Layered;

/// Down-and-up sweep pairs; positions settle after a handful.
const ROUNDS: usize = 8;
/// How much more a dummy's wish counts than a box's.
const DUMMY_WEIGHT: f64 = 4.0;
/// Weight of "stay where you are" for a vertex without neighbours on the
/// side being considered; small, so it yields to vertices that have some.
const IDLE_WEIGHT: f64 = 0.25;

/// Weight of the pull of every vertex towards the drawing's centre line
/// (rows are centred on it when packed). Without it, rows follow their
/// neighbours' wishes apart: a wrapped 60-service stack came out 3,221 units
/// wide where its widest row packs into 1,944; with it, 2,300.
const GRAVITY: f64 = 0.5;

/// Which neighbours a sweep listens to.
#[derive(Debug, Clone, Copy)]
enum Toward {
    Above,
    Below,
    Both,
}

/// The placement of one ordered [`Layered`]: the centre x of every vertex
/// (real nodes have `widths`, dummies none), a round (a sweep down and one
/// up) at a time, so a caller can spread it over several slices of time (see
/// `LayoutJob`). The state between rounds is all here, so the result never
/// depends on the slicing.
#[derive(Debug, Clone)]
pub(crate) struct Placer {
    /// Offset of each vertex from its row's centre when packed tightly.
    offset: Vec<f64>,
    /// Current centre x of every vertex.
    x: Vec<f64>,
    /// Sweeps done out of [`SWEEPS`].
    done: usize,
    /// Reused by every row: a big graph has thousands of rows' worth of sweeps.
    wishes: Vec<(f64, f64)>,
    blocks: Vec<(f64, f64, usize)>,
}

/// Sweeps in all: `ROUNDS` down-and-up pairs, then one towards both sides.
const SWEEPS: usize = 2 * ROUNDS + 1;

impl Placer {
    /// Rows packed tightly around a common centre line.
    pub fn new(g: &Layered, widths: &[f64], options: &Options) -> Placer {
        let width = |v: usize| if g.is_dummy(v) { 0.0 } else { widths[v] };
        let gap = |a: usize, b: usize| match (g.is_dummy(a), g.is_dummy(b)) {
            (false, false) => options.node_gap,
            (true, true) => options.edge_gap,
            _ => options.edge_gap.max(options.node_gap / 2.0),
        };
        let mut offset = vec![0.0; g.layer.len()];
        for row in &g.rows {
            for pair in row.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                offset[b] = offset[a] + f64::midpoint(width(a), width(b)) + gap(a, b);
            }
            if let (Some(&first), Some(&last)) = (row.first(), row.last()) {
                let middle = f64::midpoint(offset[first], offset[last]);
                for &v in row {
                    offset[v] -= middle;
                }
            }
        }
        Placer {
            x: offset.clone(),
            offset,
            done: 0,
            wishes: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// The next round of sweeps (the last step: the final sweep). Returns
    /// whether the placement is over (further calls change nothing).
    pub fn step(&mut self, g: &Layered) -> bool {
        if self.done < 2 * ROUNDS {
            self.sweep(g, Toward::Above);
            self.sweep(g, Toward::Below);
            self.done += 2;
        } else if self.done < SWEEPS {
            self.sweep(g, Toward::Both);
            self.done += 1;
        }
        self.done >= SWEEPS
    }

    /// Centre x of every vertex.
    pub fn into_centres(self) -> Vec<f64> {
        self.x
    }

    fn sweep(&mut self, g: &Layered, toward: Toward) {
        let Placer {
            offset,
            x,
            wishes,
            blocks,
            ..
        } = self;
        let rows: Box<dyn Iterator<Item = &Vec<usize>>> = match toward {
            Toward::Below => Box::new(g.rows.iter().rev()),
            Toward::Above | Toward::Both => Box::new(g.rows.iter()),
        };
        for row in rows {
            wishes.clear();
            wishes.extend(row.iter().map(|&v| {
                let (above, below): (&[usize], &[usize]) = match toward {
                    Toward::Above => (g.up(v), &[]),
                    Toward::Below => (&[], g.down(v)),
                    Toward::Both => (g.up(v), g.down(v)),
                };
                let near = above.len() + below.len();
                let (wish, weight) = if near == 0 {
                    (x[v], IDLE_WEIGHT)
                } else {
                    let sum = above.iter().chain(below).map(|&n| x[n]).sum::<f64>();
                    let weight = near as f64 * if g.is_dummy(v) { DUMMY_WEIGHT } else { 1.0 };
                    (sum / near as f64, weight)
                };
                // A weak pull towards the common centre line keeps rows from
                // drifting apart, so the drawing stays compact.
                let pulled = wish * weight / (weight + GRAVITY);
                (pulled - offset[v], weight + GRAVITY)
            }));
            isotonic(wishes, blocks);
            let shifts = blocks
                .iter()
                .flat_map(|&(mean, _, count)| std::iter::repeat_n(mean, count));
            for (&v, shifted) in row.iter().zip(shifts) {
                x[v] = shifted + offset[v];
            }
        }
    }
}

/// The non-decreasing sequence closest to the weighted targets
/// (least squares), by pooling adjacent violators. Taking positions minus
/// their packed offsets turns "keep order and gaps" into "non-decreasing".
/// The answer is left in `blocks` as runs of pooled values: (weighted mean,
/// total weight, count), in order.
fn isotonic(targets: &[(f64, f64)], blocks: &mut Vec<(f64, f64, usize)>) {
    blocks.clear();
    for &(value, weight) in targets {
        let mut block = (value, weight, 1);
        while let Some(&(mean, total, count)) = blocks.last() {
            if mean <= block.0 {
                break;
            }
            blocks.pop();
            let sum = total + block.1;
            block = (
                (mean * total + block.0 * block.1) / sum,
                sum,
                count + block.2,
            );
        }
        blocks.push(block);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(targets: &[(f64, f64)], expect: &[f64]) {
        let mut blocks = Vec::new();
        isotonic(targets, &mut blocks);
        let got: Vec<f64> = blocks
            .iter()
            .flat_map(|&(mean, _, count)| std::iter::repeat_n(mean, count))
            .collect();
        assert_eq!(got.len(), expect.len());
        for (g, e) in got.iter().zip(expect) {
            assert!(
                (g - e).abs() < 1e-9,
                "{targets:?}: got {got:?}, expected {expect:?}"
            );
        }
    }

    #[test]
    fn isotonic_regression() {
        check(&[], &[]);
        check(&[(1.0, 1.0), (2.0, 1.0), (3.0, 1.0)], &[1.0, 2.0, 3.0]);
        check(&[(3.0, 1.0), (1.0, 1.0)], &[2.0, 2.0]);
        check(&[(3.0, 3.0), (1.0, 1.0)], &[2.5, 2.5]);
        check(
            &[(1.0, 1.0), (5.0, 1.0), (3.0, 1.0), (4.0, 1.0)],
            &[1.0, 4.0, 4.0, 4.0],
        );
        check(&[(5.0, 1.0), (4.0, 1.0), (3.0, 1.0)], &[4.0, 4.0, 4.0]);
    }
}
