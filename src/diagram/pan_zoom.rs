//! Zoom and pan of the diagram's SVG: the wheel with Ctrl or ⌘, dragging a
//! zoomed view, the keys and the buttons. The arithmetic is `viewport`'s
//! (tested natively); this hook only turns events into it.

use leptos::prelude::*;

use super::viewport::{Screen, Viewport};

/// Zoom step of the buttons and keys.
pub const ZOOM_STEP: f64 = 1.25;
/// Pointer travel (CSS px) before a press becomes a drag instead of a click.
const DRAG_THRESHOLD: f64 = 4.0;

/// Where a press started, to turn pointer travel into panning.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DragStart {
    pointer: i32,
    x: f64,
    y: f64,
    from: Viewport,
    /// The SVG on screen, read once: reading it on every move would make
    /// the browser lay the drawing out again before the frame does.
    screen: Option<Screen>,
}

/// The view of one drawing and its event handlers ([`use_pan_zoom`]).
#[derive(Clone, Copy)]
pub struct PanZoom {
    /// The part of the drawing shown (the SVG's `viewBox`).
    pub viewport: RwSignal<Viewport>,
    /// Less than the whole drawing is shown.
    pub zoomed: Memo<bool>,
    /// The SVG element the handlers belong to.
    pub svg: NodeRef<leptos::svg::Svg>,
    full: Viewport,
    /// A press that may become a drag.
    drag: RwSignal<Option<DragStart>>,
    /// Whether the last press became a drag (then it is no click).
    dragged: RwSignal<bool>,
}

/// Pan and zoom over a drawing `width` × `height` user units large, all of
/// it shown at first.
pub fn use_pan_zoom((width, height): (f64, f64)) -> PanZoom {
    let full = Viewport::full(width, height);
    let viewport = RwSignal::new(full);
    PanZoom {
        viewport,
        zoomed: Memo::new(move |_| viewport.get().is_zoomed(&full)),
        svg: NodeRef::new(),
        full,
        drag: RwSignal::new(None),
        dragged: RwSignal::new(false),
    }
}

impl PanZoom {
    /// Whether a drag is moving the view now (for the cursor).
    pub fn dragging(self) -> bool {
        self.dragged.get() && self.drag.get().is_some()
    }

    /// Whether the last press dragged the view, so its click selects nothing.
    pub fn was_drag(self) -> bool {
        self.dragged.get_untracked()
    }

    /// Zooms by `factor` around the view's centre.
    pub fn zoom_by(self, factor: f64) {
        let full = self.full;
        (self.viewport).update(|vp| *vp = vp.zoom(factor, vp.center(), &full));
    }

    /// Shows the whole drawing again.
    pub fn reset(self) {
        self.viewport.set(self.full);
    }

    fn screen(self) -> Option<Screen> {
        self.svg.get_untracked().map(|svg| {
            let r = svg.get_bounding_client_rect();
            Screen {
                left: r.left(),
                top: r.top(),
                width: r.width(),
                height: r.height(),
            }
        })
    }

    /// A plain wheel scrolls the page (or the Grafana dashboard around an
    /// embedded panel); zooming takes Ctrl or ⌘, as in maps and most viewers.
    pub fn on_wheel(self, ev: &web_sys::WheelEvent) {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        let Some(screen) = self.screen() else { return };
        ev.prevent_default();
        // Lines and pages to pixels, roughly as browsers scroll them.
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => screen.height.max(100.0),
            _ => 1.0,
        };
        let factor = (-ev.delta_y() * unit * 0.0015).exp();
        let vp = self.viewport.get_untracked();
        let anchor = vp.user_point(&screen, f64::from(ev.client_x()), f64::from(ev.client_y()));
        self.viewport.set(vp.zoom(factor, anchor, &self.full));
    }

    /// A press: only a zoomed view can move; at full size it is just a click.
    pub fn on_pointer_down(self, ev: &web_sys::PointerEvent) {
        self.dragged.set(false);
        if ev.button() != 0 || !self.zoomed.get_untracked() {
            return;
        }
        self.drag.set(Some(DragStart {
            pointer: ev.pointer_id(),
            x: f64::from(ev.client_x()),
            y: f64::from(ev.client_y()),
            from: self.viewport.get_untracked(),
            screen: self.screen(),
        }));
    }

    /// Pointer travel: past [`DRAG_THRESHOLD`] the press pans the view.
    pub fn on_pointer_move(self, ev: &web_sys::PointerEvent) {
        let Some(start) = self.drag.get_untracked() else {
            return;
        };
        if ev.pointer_id() != start.pointer {
            return;
        }
        let (dx, dy) = (
            f64::from(ev.client_x()) - start.x,
            f64::from(ev.client_y()) - start.y,
        );
        if !self.dragged.get_untracked() {
            if dx.hypot(dy) < DRAG_THRESHOLD {
                return;
            }
            self.dragged.set(true);
            // Captured only now, so a plain click still reaches the box under it.
            if let Some(svg) = self.svg.get_untracked() {
                let _ = svg.set_pointer_capture(start.pointer);
            }
        }
        let Some(screen) = start.screen else { return };
        let upp = start.from.units_per_pixel(&screen);
        (self.viewport).set(start.from.pan(-dx * upp, -dy * upp, &self.full));
    }

    /// The press ended (or was cancelled).
    pub fn on_pointer_end(self) {
        self.drag.set(None);
    }

    /// `+`/`=` zooms in, `-`/`_` out, `0` shows everything.
    pub fn on_key(self, ev: &web_sys::KeyboardEvent) {
        match ev.key().as_str() {
            "+" | "=" => self.zoom_by(ZOOM_STEP),
            "-" | "_" => self.zoom_by(1.0 / ZOOM_STEP),
            "0" => self.reset(),
            _ => {}
        }
    }
}
