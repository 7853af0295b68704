//! How a graph looks: device pixel ratio, font size, time zone and colours.

use crate::palette::Theme;

/// Everything about the picture that is not data or configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// Device pixels per CSS pixel: the canvas backing store is that much
    /// larger than its box, and every font size and stroke is scaled by it,
    /// or a 4K wall screen shows blurry, hair-thin lines.
    pub dpr: f64,
    /// Tick label size in CSS pixels.
    pub font_px: f64,
    /// The viewer's UTC offset (seconds east), for clock labels.
    pub utc_offset_secs: i32,
    /// Colours.
    pub theme: Theme,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            dpr: 1.0,
            font_px: 12.0,
            utc_offset_secs: 0,
            theme: Theme::dark(),
        }
    }
}

impl Style {
    /// `css_px` CSS pixels in device pixels (at least 1, so lines never vanish).
    pub(crate) fn px(&self, css_px: f64) -> f64 {
        let dpr = if self.dpr.is_finite() && self.dpr > 0.0 {
            self.dpr.min(8.0)
        } else {
            1.0
        };
        (css_px * dpr).max(1.0)
    }

    /// A stroke width in whole device pixels, as plotters wants it.
    pub(crate) fn stroke(&self, css_px: f64) -> u32 {
        // `px` is within 1..=8 × css_px, far inside u32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let width = self.px(css_px).round() as u32;
        width.max(1)
    }

    /// The tick label font size in device pixels.
    pub(crate) fn font(&self) -> f64 {
        let css = if self.font_px.is_finite() && self.font_px > 0.0 {
            self.font_px.min(64.0)
        } else {
            12.0
        };
        self.px(css)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_scale_with_dpr_and_survive_nonsense() {
        let style = |dpr, font_px| Style {
            dpr,
            font_px,
            ..Style::default()
        };
        let table = [
            (style(1.0, 12.0), 12.0, 2),
            (style(2.0, 12.0), 24.0, 4),
            (style(1.5, 10.0), 15.0, 3),
            (style(f64::NAN, 12.0), 12.0, 2),
            (style(0.0, -3.0), 12.0, 2),
            (style(1000.0, 12.0), 96.0, 16),
        ];
        for (style, font, stroke) in table {
            assert!((style.font() - font).abs() < 1e-9, "{style:?}");
            assert_eq!(style.stroke(2.0), stroke, "{style:?}");
        }
    }
}
