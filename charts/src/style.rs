//! How a graph looks: device pixel ratio, font size, time zone and colours.

use panopticon_core::Status;

use crate::palette::{
    SERIES_COLOURS_DARK, SERIES_COLOURS_LIGHT, STATUS_COLOURS_DARK, STATUS_COLOURS_LIGHT,
};

/// An opaque colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#rgb`, `#rrggbb` or `rgb(r, g, b)` (what `getComputedStyle`
    /// returns for CSS custom properties and colours). `None` for anything else,
    /// so the caller keeps its default instead of drawing black.
    pub fn parse_css(text: &str) -> Option<Rgb> {
        let text = text.trim();
        if let Some(hex) = text.strip_prefix('#') {
            let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
            let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            return match hex.len() {
                3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
                6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
                _ => None,
            };
        }
        let inner = text
            .strip_prefix("rgba(")
            .or_else(|| text.strip_prefix("rgb("))?
            .strip_suffix(')')?;
        let mut parts = inner.split([',', ' ', '/']).filter(|p| !p.is_empty());
        let mut channel = || parts.next()?.parse::<u8>().ok();
        Some(Rgb(channel()?, channel()?, channel()?))
    }

    /// `#rrggbb`, e.g. for tests and SVG output.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The colours of one theme. The browser fills it from the page's CSS
/// variables, so canvas and HTML legend always agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Behind the chart (`--panel`).
    pub background: Rgb,
    /// Tick labels (`--muted`).
    pub text: Rgb,
    /// The "no data" message (`--text`).
    pub strong_text: Rgb,
    /// Grid lines and the axis frame (`--border`).
    pub grid: Rgb,
    /// `--healthy`, `--unknown`, `--warning`, `--critical`, in [`Status::ALL`] order.
    pub status: [Rgb; 4],
    /// Series colours (`--series-1` … `--series-6`).
    pub series: [Rgb; 6],
}

impl Theme {
    /// The default, dark theme (wall screens), as in `style/main.css`.
    pub fn dark() -> Theme {
        Theme {
            background: Rgb(0x17, 0x1b, 0x21),
            text: Rgb(0x9a, 0xa4, 0xb1),
            strong_text: Rgb(0xe8, 0xeb, 0xef),
            grid: Rgb(0x2a, 0x31, 0x3b),
            status: STATUS_COLOURS_DARK,
            series: SERIES_COLOURS_DARK,
        }
    }

    /// The light theme (`[data-theme="light"]`).
    pub fn light() -> Theme {
        Theme {
            background: Rgb(0xff, 0xff, 0xff),
            text: Rgb(0x56, 0x60, 0x6c),
            strong_text: Rgb(0x14, 0x18, 0x1d),
            grid: Rgb(0xd5, 0xda, 0xe0),
            status: STATUS_COLOURS_LIGHT,
            series: SERIES_COLOURS_LIGHT,
        }
    }

    /// The colour of a status.
    pub fn status_colour(&self, status: Status) -> Rgb {
        match status {
            Status::Healthy => self.status[0],
            Status::Unknown => self.status[1],
            Status::Warning => self.status[2],
            Status::Critical => self.status[3],
        }
    }

    /// The colour of the `index`-th shown series (wraps, though at most six are shown).
    pub fn series_colour(&self, index: usize) -> Rgb {
        self.series[index % self.series.len()]
    }
}

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
    fn parse_css_reads_what_browsers_return() {
        let table = [
            ("#0f1216", Some(Rgb(0x0f, 0x12, 0x16))),
            ("  #E69F00 ", Some(Rgb(0xe6, 0x9f, 0x00))),
            ("#fff", Some(Rgb(255, 255, 255))),
            ("rgb(31, 158, 115)", Some(Rgb(31, 158, 115))),
            ("rgba(1, 2, 3, 0.5)", Some(Rgb(1, 2, 3))),
            ("rgb(1 2 3 / 50%)", Some(Rgb(1, 2, 3))),
            ("", None),
            ("#12345", None),
            ("#gg0000", None),
            ("#ééé", None),
            ("red", None),
            ("rgb(300, 0, 0)", None),
        ];
        for (input, expect) in table {
            assert_eq!(Rgb::parse_css(input), expect, "{input:?}");
        }
    }

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
