//! Names under the tiles, once the view is zoomed in far enough to read them.
//!
//! At [`Density::Tiles`] a healthy service is a coloured square with its
//! status icon and no name: at 1,000 services the names would be a few
//! pixels tall at full view. Zoomed in, the tiles in view get their names
//! beneath them (in the gap between rows), written only for what is in view
//! (and a margin around it) and only when that set changes, so a drag over a
//! large diagram writes a few dozen short labels now and then, not a
//! thousand. Named problems drop their enlarged box meanwhile (it would cover
//! the neighbours' names); their tile and label remain.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_layout::Rect;

use super::pan_zoom::PanZoom;
use super::plan::{Density, READABLE_PX, TILE_LABEL_SIZE};
use super::scene::Scene;
use super::shapes;
use super::viewport::Viewport;
use crate::effect::effect;

/// How far around the view labels are written, as a share of its size: a
/// short drag needs no new labels.
const MARGIN: f64 = 0.25;

/// Whether tiles show their names at `view`: a label of
/// [`TILE_LABEL_SIZE`] would be at least [`READABLE_PX`] on screen, where
/// the whole drawing (`full_width` user units wide) is shown at `scale` CSS
/// px per unit.
pub fn readable(scale: f64, full_width: f64, view: &Viewport) -> bool {
    view.width > 0.0 && TILE_LABEL_SIZE * scale * full_width / view.width >= READABLE_PX
}

/// Indices of the `rects` inside `view` or near it (see [`MARGIN`]).
pub fn in_view(rects: &[Rect], view: &Viewport) -> Vec<usize> {
    let (mx, my) = (view.width * MARGIN, view.height * MARGIN);
    let near = Rect {
        x: view.x - mx,
        y: view.y - my,
        width: view.width + 2.0 * mx,
        height: view.height + 2.0 * my,
    };
    (0..rects.len())
        .filter(|&i| rects[i].overlaps(&near))
        .collect()
}

/// Whether the tiles show their names now (for the canvas's class), and the
/// labels of those in view written into `layer` as the view moves.
pub fn use_tile_labels(
    scene: &Arc<Scene>,
    pz: PanZoom,
    layer: NodeRef<leptos::svg::G>,
) -> Memo<bool> {
    let (scale, full_width) = (scene.scale, scene.size.0);
    let tiles = scene.density == Density::Tiles;
    let shown = Memo::new(move |_| tiles && readable(scale, full_width, &pz.viewport.get()));
    let rects: Vec<Rect> = (0..scene.boxes.len())
        .map(|i| scene.markup(i).rect)
        .collect();
    let near = Memo::new(move |_| {
        if shown.get() {
            in_view(&rects, &pz.viewport.get())
        } else {
            Vec::new()
        }
    });
    let scene = Arc::clone(scene);
    effect(move || {
        let list = near.get();
        let Some(g) = layer.get() else { return };
        let mut html = String::new();
        for i in list {
            shapes::tile_label(&mut html, &scene.markup(i));
        }
        g.set_inner_html(&html);
    });
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64) -> Rect {
        Rect {
            x,
            y,
            width: 40.0,
            height: 40.0,
        }
    }

    #[test]
    fn names_appear_once_they_would_be_readable() {
        let full = Viewport::full(6000.0, 1500.0);
        // 0.3 px per unit at full view: a 6-unit name is 1.8 px.
        assert!(!readable(0.3, 6000.0, &full));
        let zoomed = Viewport {
            width: 800.0,
            height: 200.0,
            ..full
        };
        // 6000 / 800 × 0.3 = 2.25 px per unit: 13.5 px.
        assert!(readable(0.3, 6000.0, &zoomed));
        let half = Viewport {
            width: 3000.0,
            height: 750.0,
            ..full
        };
        assert!(!readable(0.3, 6000.0, &half));
        assert!(!readable(0.3, 6000.0, &Viewport { width: 0.0, ..full }));
    }

    #[test]
    fn only_tiles_in_view_or_near_it_are_labelled() {
        let rects = [
            rect(0.0, 0.0),
            rect(500.0, 0.0),
            rect(1100.0, 0.0),
            rect(0.0, 900.0),
        ];
        let view = Viewport {
            x: 400.0,
            y: 0.0,
            width: 400.0,
            height: 200.0,
        };
        // The margin (100 units across, 50 down) reaches x 300..900, y -50..250.
        assert_eq!(in_view(&rects, &view), vec![1]);
        let wide = Viewport {
            x: 0.0,
            width: 1000.0,
            ..view
        };
        assert_eq!(in_view(&rects, &wide), vec![0, 1, 2]);
    }
}
