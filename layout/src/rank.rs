//! Which row each node goes in.
//!
//! A node's rank is the length of the longest chain of dependencies below it:
//! services that depend on nothing (hosts, storage) form the bottom row, and
//! every service sits at least one row above everything it needs. Ranks only
//! depend on the edges, so a refresh never moves a box.

use crate::LayoutError;
use crate::graph::Dag;

/// Rows from the top (0 = topmost) per node, or the cycle that prevents them.
pub(crate) fn layers(dag: &Dag, ids: &[&str]) -> Result<Vec<usize>, LayoutError> {
    let n = dag.len();
    let mut rank = vec![0_usize; n];
    let mut waiting: Vec<usize> = dag.deps.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut done = 0;
    // Kahn's algorithm from the bottom up: a node is ranked once all its
    // dependencies are.
    while let Some(node) = ready.pop() {
        done += 1;
        for &up in &dag.dependants[node] {
            rank[up] = rank[up].max(rank[node] + 1);
            waiting[up] -= 1;
            if waiting[up] == 0 {
                ready.push(up);
            }
        }
    }
    if done < n {
        return Err(LayoutError::Cycle(find_cycle(dag, &waiting, ids)));
    }
    let top = rank.iter().copied().max().unwrap_or(0);
    Ok(rank.into_iter().map(|r| top - r).collect())
}

/// A cycle among the nodes Kahn's algorithm could not rank, for the message.
/// Each such node still waits for a dependency that is itself unranked, so
/// following those must come back to a node already seen.
fn find_cycle(dag: &Dag, waiting: &[usize], ids: &[&str]) -> Vec<String> {
    let stuck = |i: usize| waiting[i] > 0;
    let Some(start) = (0..dag.len()).find(|&i| stuck(i)) else {
        return Vec::new();
    };
    let mut path = vec![start];
    let mut seen = vec![None; dag.len()];
    seen[start] = Some(0);
    let mut at = start;
    // The `find` cannot fail by the argument above; should it, the path so far
    // still names the stuck nodes, and nothing panics.
    while let Some(&next) = dag.deps[at].iter().find(|&&d| stuck(d)) {
        if let Some(pos) = seen[next] {
            path.drain(..pos);
            path.push(next);
            break;
        }
        seen[next] = Some(path.len());
        path.push(next);
        at = next;
    }
    path.into_iter().map(|i| ids[i].to_owned()).collect()
}
