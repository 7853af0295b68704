//! Which boxes show their name at the tile density: healthy services are
//! tiles, every problem gets an enlarged, named box over them where it has
//! room (worst first), and the rest are named in the "what is broken" list.

use panopticon_core::Status;
use panopticon_layout::Rect;

use super::look::NodeLook;
use super::plan::{COMPACT_HEIGHT, COMPACT_NAME_SIZE, Density, PROBLEM_PX, compact_width};

/// Whether a box shows its name: always, except a healthy service's at
/// [`Density::Tiles`] (a tile), and a problem whose enlarged box had no room
/// (see [`callouts`]). A pending hold is not healthy here: it is about to change.
pub fn shows_name(density: Density, look: &NodeLook) -> bool {
    density != Density::Tiles || look.effective != Status::Healthy || look.pending.is_some()
}

/// How much a problem's box is enlarged over the tiles so its name reaches
/// [`PROBLEM_PX`] at `scale`; 1 when it already does.
pub fn callout_zoom(scale: f64) -> f64 {
    if scale > 0.0 && scale.is_finite() {
        (PROBLEM_PX / (COMPACT_NAME_SIZE * scale)).max(1.0)
    } else {
        1.0
    }
}

/// The rectangle (user units) a problem's enlarged box covers: centred on
/// its tile, moved inside the drawing (`width` × `height`).
pub fn callout_rect(tile: Rect, name: &str, zoom: f64, (width, height): (f64, f64)) -> Rect {
    let (w, h) = (compact_width(name) * zoom, COMPACT_HEIGHT * zoom);
    let c = tile.center();
    let place = |centre: f64, size: f64, total: f64| {
        if size >= total {
            (total - size) / 2.0
        } else {
            (centre - size / 2.0).clamp(0.0, total - size)
        }
    };
    Rect {
        x: place(c.x, w, width),
        y: place(c.y, h, height),
        width: w,
        height: h,
    }
}

/// Whether each box shows its name now: [`shows_name`], and at
/// [`Density::Tiles`] only the problems whose enlarged box has room
/// ([`callouts`]). `rects` are the enlarged boxes' rectangles.
pub fn named(density: Density, looks: &[NodeLook], rects: &[Rect]) -> Vec<bool> {
    if density != Density::Tiles {
        return vec![true; looks.len()];
    }
    callouts(looks, rects)
}

/// Box indices in the order they are painted: tiles first, then named
/// boxes (SVG has no z-index; later elements lie on top).
pub fn paint_order(named: &[bool]) -> Vec<usize> {
    let (mut first, last): (Vec<usize>, Vec<usize>) = (0..named.len()).partition(|&i| !named[i]);
    first.extend(last);
    first
}

/// The problems the "what is broken" list names, worst first: only at
/// [`Density::Tiles`], and only when some problem has no named box (all of
/// them then, so the list reads in one place).
pub fn broken_list(density: Density, looks: &[NodeLook], named: &[bool]) -> Vec<usize> {
    if density != Density::Tiles {
        return Vec::new();
    }
    let worst = worst_first(looks);
    if worst.iter().all(|&i| named.get(i) == Some(&true)) {
        return Vec::new();
    }
    worst
}

/// Severity order for "problems first": critical, then warning, then
/// unknown; root causes before the services they drag down.
fn severity(look: &NodeLook) -> (u8, bool) {
    let rank = match look.effective {
        Status::Critical => 3,
        Status::Warning => 2,
        Status::Unknown => 1,
        Status::Healthy => 0,
    };
    (rank, look.root_cause)
}

/// Indices of the non-healthy (or pending) services, worst first, ties in
/// configuration order.
pub fn worst_first(looks: &[NodeLook]) -> Vec<usize> {
    let mut list: Vec<usize> = (0..looks.len())
        .filter(|&i| shows_name(Density::Tiles, &looks[i]))
        .collect();
    // The shared sort (`panopticon_core::sorting`): a `sort_by` of its own
    // was another copy of the standard sort in the bundle.
    panopticon_core::sorting::sort_by(&mut list, |&a, &b| {
        severity(&looks[b]).cmp(&severity(&looks[a]))
    });
    list
}

/// Which problems get an enlarged, named box at [`Density::Tiles`]: worst
/// first, each only where it covers no enlarged box already placed (the
/// rest stay tiles, coloured, with their status shape, and are named in the
/// "what is broken" list). `rects[i]` is service `i`'s callout rectangle.
pub fn callouts(looks: &[NodeLook], rects: &[Rect]) -> Vec<bool> {
    let mut shown = vec![false; looks.len()];
    let mut placed: Vec<Rect> = Vec::new();
    for i in worst_first(looks) {
        let Some(r) = rects.get(i) else { continue };
        if placed.iter().all(|p| !p.overlaps(r)) {
            placed.push(*r);
            shown[i] = true;
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::super::plan::TILE_SIZE;
    use super::*;

    use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    fn look_of(effective: Status, root_cause: bool) -> NodeLook {
        NodeLook {
            effective,
            own: if root_cause { effective } else { H },
            impacted_by: Vec::new(),
            impacted: !root_cause && effective != H,
            root_cause,
            note: String::new(),
            pending: None,
            maintenance: false,
            alerts: 0,
        }
    }

    #[test]
    fn only_healthy_services_become_tiles() {
        for density in [Density::Full, Density::Compact] {
            assert!(shows_name(density, &look_of(H, false)));
        }
        assert!(!shows_name(Density::Tiles, &look_of(H, false)));
        for s in [W, C, U] {
            assert!(shows_name(Density::Tiles, &look_of(s, true)), "{s:?} own");
            assert!(
                shows_name(Density::Tiles, &look_of(s, false)),
                "{s:?} impacted"
            );
        }
        let held = NodeLook {
            pending: Some("critical 1/2".into()),
            ..look_of(H, false)
        };
        assert!(shows_name(Density::Tiles, &held), "a pending hold is named");
    }

    #[test]
    fn problems_worst_first_and_callouts_without_overlap() {
        let looks = [
            look_of(H, false),
            look_of(W, true),
            look_of(C, false),
            look_of(U, true),
            look_of(C, true),
            look_of(H, false),
        ];
        assert_eq!(worst_first(&looks), vec![4, 2, 1, 3]);
        let r = |x: f64| Rect {
            x,
            y: 0.0,
            width: 100.0,
            height: 40.0,
        };
        // 2 and 4 overlap: the root cause (4) keeps its name, 2 stays a tile.
        let rects = [r(0.0), r(200.0), r(400.0), r(600.0), r(450.0), r(800.0)];
        assert_eq!(
            callouts(&looks, &rects),
            vec![false, true, false, true, true, false]
        );
    }

    #[test]
    fn the_list_names_problems_only_when_some_lack_a_name() {
        let looks = [look_of(H, false), look_of(W, true), look_of(C, false)];
        assert!(broken_list(Density::Compact, &looks, &[true, true, true]).is_empty());
        assert!(broken_list(Density::Tiles, &looks, &[false, true, true]).is_empty());
        assert_eq!(
            broken_list(Density::Tiles, &looks, &[false, true, false]),
            vec![2, 1]
        );
        assert_eq!(paint_order(&[true, false, true, false]), vec![1, 3, 0, 2]);
        assert_eq!(named(Density::Full, &looks, &[]), vec![true; 3]);
    }

    #[test]
    fn callouts_stay_inside_the_drawing() {
        let tile = Rect {
            x: 0.0,
            y: 0.0,
            width: TILE_SIZE,
            height: TILE_SIZE,
        };
        let c = callout_rect(tile, "api", 2.0, (1000.0, 500.0));
        assert_eq!((c.x, c.y), (0.0, 0.0));
        assert!((c.width - compact_width("api") * 2.0).abs() < 1e-9);
        let far = Rect {
            x: 980.0,
            y: 480.0,
            ..tile
        };
        let c = callout_rect(far, "api", 2.0, (1000.0, 500.0));
        assert!((c.right() - 1000.0).abs() < 1e-9 && (c.bottom() - 500.0).abs() < 1e-9);
        assert!((callout_zoom(2.0) - 1.0).abs() < 1e-12);
        assert!((callout_zoom(0.25) - 14.0 / 4.5).abs() < 1e-9);
        assert!((callout_zoom(0.0) - 1.0).abs() < 1e-12);
    }
}
