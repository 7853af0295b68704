//! Zoom and pan as plain arithmetic on the SVG `viewBox`, so it is tested
//! natively; the component only feeds it pointer positions.

use panopticon_layout::Point;

/// Zooming in stops when this many user units are visible across: about two
/// boxes, whatever the size of the graph.
const MIN_VIEW_WIDTH: f64 = 320.0;

/// The part of the drawing the SVG shows (its `viewBox`), in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Visible width.
    pub width: f64,
    /// Visible height.
    pub height: f64,
}

/// Where the SVG element is on screen, in CSS pixels (its client rect).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Viewport {
    /// The whole drawing.
    pub fn full(width: f64, height: f64) -> Viewport {
        Viewport {
            x: 0.0,
            y: 0.0,
            width,
            height,
        }
    }

    /// The `viewBox` attribute value.
    pub fn view_box(&self) -> String {
        format!(
            "{:.1} {:.1} {:.1} {:.1}",
            self.x, self.y, self.width, self.height
        )
    }

    /// Whether less than the whole drawing is visible.
    pub fn is_zoomed(&self, full: &Viewport) -> bool {
        self.width < full.width - 0.5
    }

    /// Zooms by `factor` (above 1 shows less, larger) keeping `anchor` (a point
    /// in user units, e.g. under the mouse) where it is on screen. Never shows
    /// more than the whole drawing, nor less than [`MIN_VIEW_WIDTH`].
    #[must_use]
    pub fn zoom(&self, factor: f64, anchor: Point, full: &Viewport) -> Viewport {
        if !(factor.is_finite() && factor > 0.0) || self.width <= 0.0 {
            return *self;
        }
        let min_width = MIN_VIEW_WIDTH.min(full.width);
        let width = (self.width / factor).clamp(min_width, full.width);
        let ratio = width / self.width;
        Viewport {
            x: anchor.x - (anchor.x - self.x) * ratio,
            y: anchor.y - (anchor.y - self.y) * ratio,
            width,
            height: self.height * ratio,
        }
        .inside(full)
    }

    /// Moves the view by `dx`, `dy` user units, staying on the drawing.
    #[must_use]
    pub fn pan(&self, dx: f64, dy: f64, full: &Viewport) -> Viewport {
        if !(dx.is_finite() && dy.is_finite()) {
            return *self;
        }
        Viewport {
            x: self.x + dx,
            y: self.y + dy,
            ..*self
        }
        .inside(full)
    }

    /// The centre, for zooming with buttons.
    pub fn center(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Keeps the view on the drawing: a view smaller than the drawing stays
    /// within it, a view as large as it shows all of it.
    fn inside(self, full: &Viewport) -> Viewport {
        let fit = |pos: f64, size: f64, start: f64, total: f64| {
            if size >= total {
                start
            } else {
                pos.clamp(start, start + total - size)
            }
        };
        Viewport {
            x: fit(self.x, self.width, full.x, full.width),
            y: fit(self.y, self.height, full.y, full.height),
            ..self
        }
    }

    /// User units per CSS pixel with `preserveAspectRatio="xMidYMid meet"`:
    /// the whole view fits, so the tighter axis decides.
    pub fn units_per_pixel(&self, screen: &Screen) -> f64 {
        let scale = (screen.width / self.width).min(screen.height / self.height);
        if scale.is_finite() && scale > 0.0 {
            1.0 / scale
        } else {
            0.0
        }
    }

    /// The user-space point under a screen position (`xMidYMid meet`: the
    /// view is centred in the element, with bars on the looser axis).
    pub fn user_point(&self, screen: &Screen, client_x: f64, client_y: f64) -> Point {
        let upp = self.units_per_pixel(screen);
        let (shown_w, shown_h) = (self.width / upp, self.height / upp);
        if upp == 0.0 || !shown_w.is_finite() || !shown_h.is_finite() {
            return self.center();
        }
        let left = screen.left + (screen.width - shown_w) / 2.0;
        let top = screen.top + (screen.height - shown_h) / 2.0;
        Point::new(
            self.x + (client_x - left) * upp,
            self.y + (client_y - top) * upp,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: Viewport = Viewport {
        x: 0.0,
        y: 0.0,
        width: 1000.0,
        height: 500.0,
    };

    fn vp(x: f64, y: f64, width: f64, height: f64) -> Viewport {
        Viewport {
            x,
            y,
            width,
            height,
        }
    }

    fn check(got: Viewport, expect: Viewport) {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert!(
            close(got.x, expect.x)
                && close(got.y, expect.y)
                && close(got.width, expect.width)
                && close(got.height, expect.height),
            "got {got:?}, expected {expect:?}"
        );
    }

    #[test]
    fn zoom() {
        let centre = Point::new(500.0, 250.0);
        check(
            FULL.zoom(2.0, centre, &FULL),
            vp(250.0, 125.0, 500.0, 250.0),
        );
        // The anchor stays put: zooming at the top-left corner keeps the corner.
        check(
            FULL.zoom(2.0, Point::new(0.0, 0.0), &FULL),
            vp(0.0, 0.0, 500.0, 250.0),
        );
        // Never out past the whole drawing, never in past the minimum width.
        check(FULL.zoom(0.5, centre, &FULL), FULL);
        check(
            FULL.zoom(100.0, centre, &FULL),
            vp(340.0, 170.0, 320.0, 160.0),
        );
        // Zooming out of a corner view slides back onto the drawing.
        check(
            vp(600.0, 300.0, 400.0, 200.0).zoom(0.5, Point::new(1000.0, 500.0), &FULL),
            vp(200.0, 100.0, 800.0, 400.0),
        );
        // Garbage in, nothing moves.
        check(FULL.zoom(f64::NAN, centre, &FULL), FULL);
        check(FULL.zoom(0.0, centre, &FULL), FULL);
        // A drawing narrower than the minimum cannot be zoomed.
        let small = vp(0.0, 0.0, 200.0, 100.0);
        check(small.zoom(2.0, Point::new(100.0, 50.0), &small), small);
    }

    #[test]
    fn pan() {
        let half = vp(250.0, 125.0, 500.0, 250.0);
        check(
            half.pan(100.0, -25.0, &FULL),
            vp(350.0, 100.0, 500.0, 250.0),
        );
        check(
            half.pan(10_000.0, 10_000.0, &FULL),
            vp(500.0, 250.0, 500.0, 250.0),
        );
        check(
            half.pan(-10_000.0, -10_000.0, &FULL),
            vp(0.0, 0.0, 500.0, 250.0),
        );
        check(FULL.pan(50.0, 50.0, &FULL), FULL);
        check(half.pan(f64::INFINITY, 0.0, &FULL), half);
    }

    #[test]
    fn is_zoomed() {
        assert!(!FULL.is_zoomed(&FULL));
        assert!(vp(0.0, 0.0, 900.0, 450.0).is_zoomed(&FULL));
    }

    #[test]
    fn screen_to_user() {
        // 1000×500 drawn in a 500×500 element: half scale, 125 px bars above and below.
        let screen = Screen {
            left: 10.0,
            top: 20.0,
            width: 500.0,
            height: 500.0,
        };
        assert!((FULL.units_per_pixel(&screen) - 2.0).abs() < 1e-9);
        let check_point = |cx: f64, cy: f64, x: f64, y: f64| {
            let p = FULL.user_point(&screen, cx, cy);
            assert!(
                (p.x - x).abs() < 1e-9 && (p.y - y).abs() < 1e-9,
                "({cx},{cy}) → {p:?}, expected ({x},{y})"
            );
        };
        check_point(10.0, 145.0, 0.0, 0.0);
        check_point(510.0, 395.0, 1000.0, 500.0);
        check_point(260.0, 270.0, 500.0, 250.0);
        // An element not laid out yet (0×0) maps everything to the centre.
        let hidden = Screen {
            left: 0.0,
            top: 0.0,
            width: 0.0,
            height: 0.0,
        };
        assert_eq!(FULL.user_point(&hidden, 5.0, 5.0), FULL.center());
    }
}
