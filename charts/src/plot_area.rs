//! Where the plot sits inside the canvas, and the mapping between values and pixels.
//!
//! Drawing and hover lookup share this code, so the read-out always names the
//! sample under the pointer.

use crate::style::Style;

/// Average glyph width as a share of the font size. Labels are measured by this
/// estimate instead of the backend: plotters' wasm text measuring inserts
/// styled `<span>`s into the page (blocked by the CSP, and slow).
pub(crate) const GLYPH_WIDTH: f64 = 0.62;

/// The rectangle of the canvas where data is drawn, in device (backing-store)
/// pixels. [`draw`](crate::draw) returns it; the browser keeps it to turn a
/// pointer position into a [`nearest`](crate::nearest) read-out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotArea {
    /// Left edge (x of the earliest time).
    pub left: f64,
    /// Top edge (y of the largest value).
    pub top: f64,
    /// Right edge (x of the latest time).
    pub right: f64,
    /// Bottom edge (y of the smallest value).
    pub bottom: f64,
}

impl PlotArea {
    /// The plot rectangle for a canvas of `width` × `height` device pixels whose
    /// widest value label has `label_chars` characters. `None` when the canvas
    /// is too small to hold a plot (e.g. a collapsed panel), so nothing is
    /// drawn rather than something inside-out.
    pub(crate) fn new(
        width: f64,
        height: f64,
        label_chars: usize,
        style: &Style,
    ) -> Option<PlotArea> {
        let font = style.font();
        let pad = style.px(8.0);
        let area = PlotArea {
            left: pad + text_width(label_chars, font) + style.px(6.0),
            top: pad + font / 2.0,
            right: width - pad,
            bottom: height - pad - font * 1.4,
        };
        (area.right - area.left >= style.px(20.0) && area.bottom - area.top >= style.px(20.0))
            .then_some(area)
    }

    /// Width in device pixels.
    pub fn width(&self) -> f64 {
        self.right - self.left
    }

    /// Height in device pixels.
    pub fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

/// Estimated width of `chars` characters at `font` pixels.
pub(crate) fn text_width(chars: usize, font: f64) -> f64 {
    chars as f64 * font * GLYPH_WIDTH
}

/// Linear mapping between (time, value) and pixels of one plot area.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    pub area: PlotArea,
    pub start: f64,
    pub end: f64,
    pub low: f64,
    pub high: f64,
}

impl Projection {
    pub fn x(&self, time: f64) -> f64 {
        self.area.left + (time - self.start) / (self.end - self.start) * self.area.width()
    }

    pub fn y(&self, value: f64) -> f64 {
        self.area.bottom - (value - self.low) / (self.high - self.low) * self.area.height()
    }

    pub fn time_at(&self, x: f64) -> f64 {
        self.start + (x - self.area.left) / self.area.width() * (self.end - self.start)
    }
}

/// A pixel coordinate as plotters wants it.
pub(crate) fn pixel(v: f64) -> i32 {
    // Clamped into i32's range first; non-finite values land on 0.
    #[allow(clippy::cast_possible_truncation)]
    let p = if v.is_finite() {
        v.round().clamp(-1e9, 1e9) as i32
    } else {
        0
    };
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plot_area_leaves_room_for_labels_and_scales_with_dpr() {
        let at = |dpr| Style {
            dpr,
            ..Style::default()
        };
        let one = PlotArea::new(600.0, 200.0, 5, &at(1.0)).expect("fits");
        let two = PlotArea::new(1200.0, 400.0, 5, &at(2.0)).expect("fits");
        for (a, b) in [
            (one.left, two.left),
            (one.top, two.top),
            (one.right, two.right),
            (one.bottom, two.bottom),
        ] {
            assert!((a * 2.0 - b).abs() < 1e-9, "{one:?} {two:?}");
        }
        assert!(one.left > 5.0 * 12.0 * 0.5 && one.bottom < 200.0 - 12.0);
        let wider = PlotArea::new(600.0, 200.0, 9, &at(1.0)).expect("fits");
        assert!(wider.left > one.left);
    }

    #[test]
    fn plot_area_refuses_tiny_canvases() {
        let style = Style::default();
        let table = [
            ((600.0, 200.0), true),
            ((60.0, 200.0), false),
            ((600.0, 40.0), false),
            ((0.0, 0.0), false),
        ];
        for ((w, h), fits) in table {
            assert_eq!(PlotArea::new(w, h, 4, &style).is_some(), fits, "{w}x{h}");
        }
    }

    #[test]
    fn projection_round_trips() {
        let area = PlotArea {
            left: 50.0,
            top: 10.0,
            right: 550.0,
            bottom: 210.0,
        };
        let p = Projection {
            area,
            start: 100.0,
            end: 200.0,
            low: 0.0,
            high: 4.0,
        };
        let table = [
            ((100.0, 0.0), (50.0, 210.0)),
            ((200.0, 4.0), (550.0, 10.0)),
            ((150.0, 1.0), (300.0, 160.0)),
        ];
        for ((t, v), (x, y)) in table {
            assert!(
                (p.x(t) - x).abs() < 1e-9 && (p.y(v) - y).abs() < 1e-9,
                "{t},{v}"
            );
            assert!((p.time_at(x) - t).abs() < 1e-9);
        }
        assert_eq!(
            (pixel(2.5), pixel(-1.4), pixel(f64::NAN), pixel(1e300)),
            (3, -1, 0, 1_000_000_000)
        );
    }
}
