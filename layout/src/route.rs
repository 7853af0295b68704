//! Edge routes: where edges leave and enter boxes and how they bend.

use std::fmt::Write as _;

use crate::geometry::{Point, Rect};
use crate::graph::sort_indices;
use crate::order::Layered;

/// One edge as drawn, from the dependant (above) to the dependency (below).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRoute {
    /// Id of the dependant, where the route starts (bottom side of its box).
    pub from: String,
    /// Id of the dependency, where the route ends (top side of its box).
    pub to: String,
    /// The route's corners, top to bottom. Between rows it runs in the gap;
    /// through a row it runs straight down its own lane, so it never enters a box.
    pub points: Vec<Point>,
}

impl EdgeRoute {
    /// SVG path data: straight down through rows, and a smooth S-bend
    /// (cubic with vertical tangents) across each gap. Such a bend crosses
    /// another bend in the same gap exactly when their straight chords would,
    /// so the crossing reduction still holds for the curves.
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        let mut points = self.points.iter();
        if let Some(first) = points.next() {
            let _ = write!(d, "M{:.1},{:.1}", first.x, first.y);
            let mut prev = *first;
            for p in points {
                if (p.x - prev.x).abs() < 0.05 {
                    let _ = write!(d, " L{:.1},{:.1}", p.x, p.y);
                } else {
                    let mid = f64::midpoint(prev.y, p.y);
                    let _ = write!(
                        d,
                        " C{:.1},{mid:.1} {:.1},{mid:.1} {:.1},{:.1}",
                        prev.x, p.x, p.x, p.y
                    );
                }
                prev = *p;
            }
        }
        d
    }
}

/// Vertical extent of each row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Band {
    pub top: f64,
    pub bottom: f64,
}

/// Routes every chain. Edges leaving a box are spread along its bottom side,
/// ordered by where they head, and edges entering along its top side, ordered
/// by where they come from, so edges of one box never cross each other.
pub(crate) fn routes(
    g: &Layered,
    centre: &[f64],
    boxes: &[Rect],
    bands: &[Band],
    ids: &[&str],
) -> Vec<EdgeRoute> {
    let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); g.real];
    let mut entering: Vec<Vec<usize>> = vec![Vec::new(); g.real];
    for (e, chain) in g.chains.iter().enumerate() {
        leaving[chain[0]].push(e);
        entering[chain[chain.len() - 1]].push(e);
    }
    let mut start = vec![0.0; g.chains.len()];
    let mut end = vec![0.0; g.chains.len()];
    for v in 0..g.real {
        // Where an edge heads: the vertex after the box (or before it, entering).
        let toward = |e: usize, leave: bool| {
            let chain = &g.chains[e];
            let next = if leave {
                chain[1]
            } else {
                chain[chain.len() - 2]
            };
            (centre[next], e)
        };
        for (list, leave, out) in [
            (&mut leaving[v], true, &mut start),
            (&mut entering[v], false, &mut end),
        ] {
            sort_indices(list, &mut |a, b| {
                let (ka, kb) = (toward(a, leave), toward(b, leave));
                ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1))
            });
            let slots = list.len() as f64 + 1.0;
            for (i, &e) in list.iter().enumerate() {
                out[e] = boxes[v].x + boxes[v].width * (i as f64 + 1.0) / slots;
            }
        }
    }
    g.chains
        .iter()
        .enumerate()
        .map(|(e, chain)| {
            let (from, to) = (chain[0], chain[chain.len() - 1]);
            let mut points = vec![Point::new(start[e], boxes[from].bottom())];
            // A box shorter than its row: reach the row's bottom before bending.
            let from_band = bands[g.layer[from]];
            if boxes[from].bottom() < from_band.bottom {
                points.push(Point::new(start[e], from_band.bottom));
            }
            for &d in &chain[1..chain.len() - 1] {
                let band = bands[g.layer[d]];
                points.push(Point::new(centre[d], band.top));
                points.push(Point::new(centre[d], band.bottom));
            }
            let to_band = bands[g.layer[to]];
            if boxes[to].y > to_band.top {
                points.push(Point::new(end[e], to_band.top));
            }
            points.push(Point::new(end[e], boxes[to].y));
            EdgeRoute {
                from: ids[from].to_owned(),
                to: ids[to].to_owned(),
                points,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(points: &[(f64, f64)], expect: &str) {
        let route = EdgeRoute {
            from: "a".into(),
            to: "b".into(),
            points: points.iter().map(|&(x, y)| Point::new(x, y)).collect(),
        };
        assert_eq!(route.svg_path(), expect);
    }

    #[test]
    fn svg_path() {
        check(&[], "");
        check(&[(10.0, 0.0), (10.0, 40.0)], "M10.0,0.0 L10.0,40.0");
        check(
            &[(10.0, 0.0), (30.0, 40.0)],
            "M10.0,0.0 C10.0,20.0 30.0,20.0 30.0,40.0",
        );
        check(
            &[(10.0, 0.0), (30.0, 40.0), (30.0, 80.0), (20.5, 100.0)],
            "M10.0,0.0 C10.0,20.0 30.0,20.0 30.0,40.0 L30.0,80.0 C30.0,90.0 20.5,90.0 20.5,100.0",
        );
    }
}
