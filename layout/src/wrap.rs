//! Wrapping long layers into several rows, so the drawing fits its box.
//!
//! A layered layout of a wide stack is wide and flat: 60 services in 6 layers
//! drawn in a 16:9 panel fill a strip a fifth of its height, and every label
//! shrinks with the width. Given the box's aspect ratio, each layer that is
//! wider than a limit is split into consecutive rows; edges then pass the
//! extra rows in lanes of their own like any long edge, so every promise of
//! the layout still holds (dependencies below dependants, no box crossed).
//!
//! The limit is chosen by estimating, for each candidate, the size of the
//! drawing (boxes, gaps and the lanes each row must leave for passing edges)
//! and keeping the one that lets the drawing be shown largest in the box.
//! Only the graph, the node sizes and the aspect ratio go in, so the same box
//! always gets the same picture and a status change never moves a box.

use crate::Options;
use crate::graph::{Dag, sort_indices};

/// The estimated size of the drawing with the rows [`rows`] chooses.
pub(crate) fn estimated_size(
    dag: &Dag,
    layer_of: &[usize],
    sizes: &[(f64, f64)],
    options: &Options,
) -> (f64, f64) {
    estimate(dag, &rows(dag, layer_of, sizes, options), sizes, options)
}

/// Rows per node: `layer_of` unchanged without an aspect ratio or when
/// wrapping would not let the drawing be shown larger.
pub(crate) fn rows(
    dag: &Dag,
    layer_of: &[usize],
    sizes: &[(f64, f64)],
    options: &Options,
) -> Vec<usize> {
    let Some(aspect) = options.aspect else {
        return layer_of.to_vec();
    };
    let layers = layer_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (v, &l) in layer_of.iter().enumerate() {
        members[l].push(v);
    }
    // Within a layer, services that many others need go in its top row and
    // services that need many others in its bottom row: their edges then
    // cross the fewest extra rows. Stable, so ties keep the input order.
    for list in &mut members {
        let key =
            |v: usize| dag.deps[v].len().cast_signed() - dag.dependants[v].len().cast_signed();
        sort_indices(list, &mut |a, b| key(a).cmp(&key(b)));
    }
    let row_width = |list: &[usize]| {
        list.iter().map(|&v| sizes[v].0).sum::<f64>()
            + list.len().saturating_sub(1) as f64 * options.node_gap
    };
    let widest = members.iter().map(|l| row_width(l)).fold(0.0, f64::max);
    let most = members.iter().map(Vec::len).max().unwrap_or(0);

    let mut best = layer_of.to_vec();
    let mut best_score = score(&estimate(dag, &best, sizes, options), aspect);
    for k in 2..=most {
        let limit = widest / k as f64;
        let candidate = split(&members, sizes, limit, options.node_gap);
        let size = estimate(dag, &candidate, sizes, options);
        let s = score(&size, aspect);
        if s > best_score * (1.0 + 1e-9) {
            best_score = s;
            best = candidate;
        }
        // More rows only make the drawing taller: once its height alone
        // shows it smaller than the best, no later candidate can win.
        if 1.0 / size.1 < best_score {
            break;
        }
    }
    best
}

/// How large a drawing of `size` is shown in a box of `aspect` (width ÷
/// height) and height 1: the tighter axis decides.
fn score(size: &(f64, f64), aspect: f64) -> f64 {
    (aspect / size.0).min(1.0 / size.1)
}

/// Rows when no row may be wider than `limit`: each layer gets as many rows
/// as its width needs, filled to about equal widths, in `members` order.
fn split(members: &[Vec<usize>], sizes: &[(f64, f64)], limit: f64, gap: f64) -> Vec<usize> {
    let mut row_of = vec![0; sizes.len()];
    let mut base = 0;
    for list in members {
        let total: f64 = list.iter().map(|&v| sizes[v].0 + gap).sum();
        // At least one row, at most one per node; the ratio is small and positive.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let count = ((total / (limit + gap)).ceil() as usize).clamp(1, list.len().max(1));
        let share = total / count as f64;
        let mut filled = 0.0;
        for &v in list {
            let centre = filled + f64::midpoint(sizes[v].0, gap);
            // The row whose share the node's centre falls in.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let row = ((centre / share).floor() as usize).min(count - 1);
            row_of[v] = base + row;
            filled += sizes[v].0 + gap;
        }
        base += count;
    }
    row_of
}

/// Width and height of the drawing with these rows, before placement: the
/// widest row packed tightly, counting a lane for every edge passing it.
fn estimate(dag: &Dag, row_of: &[usize], sizes: &[(f64, f64)], options: &Options) -> (f64, f64) {
    let rows = row_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut width = vec![0.0_f64; rows];
    let mut height = vec![0.0_f64; rows];
    let mut count = vec![0_usize; rows];
    for (v, &r) in row_of.iter().enumerate() {
        width[r] += sizes[v].0;
        height[r] = height[r].max(sizes[v].1);
        count[r] += 1;
    }
    // A lane beside another lane takes `edge_gap`; between two boxes it can
    // take less than that beyond their own gap, so this can overshoot a
    // little (a few units; see the test), never by a box.
    let lane = options.edge_gap;
    for &(from, to) in &dag.edges {
        for passed in &mut width[row_of[from] + 1..row_of[to]] {
            *passed += lane;
        }
    }
    let widest = width
        .iter()
        .zip(&count)
        .map(|(w, &n)| w + n.saturating_sub(1) as f64 * options.node_gap)
        .fold(0.0, f64::max);
    let tall = height.iter().sum::<f64>() + rows.saturating_sub(1) as f64 * options.layer_gap;
    (widest + 2.0 * options.margin, tall + 2.0 * options.margin)
}
