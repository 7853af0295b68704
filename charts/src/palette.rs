//! Series colours and marker shapes.
//!
//! Colours come from the Okabe–Ito and Paul Tol sets minus anything close to
//! the status colours (green, orange, vermilion, grey), so a series line is
//! never mistaken for a verdict. Colour is still not the only cue: every series
//! also has a marker shape, drawn on the line and repeated in the HTML legend.

use crate::style::Rgb;

/// Series colours on the dark theme: sky blue, reddish purple, yellow, violet,
/// near-white, pink.
pub const SERIES_COLOURS_DARK: [Rgb; 6] = [
    Rgb(0x56, 0xb4, 0xe9),
    Rgb(0xcc, 0x79, 0xa7),
    Rgb(0xf0, 0xe4, 0x42),
    Rgb(0xa4, 0x8c, 0xff),
    Rgb(0xea, 0xea, 0xea),
    Rgb(0xff, 0x80, 0xff),
];

/// Series colours on the light theme: darker hues that hold up on white.
pub const SERIES_COLOURS_LIGHT: [Rgb; 6] = [
    Rgb(0x00, 0x72, 0xb2),
    Rgb(0xb0, 0x4a, 0x8a),
    Rgb(0x8a, 0x7a, 0x00),
    Rgb(0x6a, 0x4c, 0xe0),
    Rgb(0x33, 0x33, 0x33),
    Rgb(0xad, 0x14, 0x57),
];

/// The shape that marks a series on the chart and in the legend.
///
/// None of them is a status icon (✔ ? ▲ ✖), so a marker never reads as a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// ●
    Circle,
    /// ■
    Square,
    /// ◆
    Diamond,
    /// ▼
    TriangleDown,
    /// ✚
    Plus,
    /// ★
    Star,
}

impl Mark {
    /// In series order.
    pub const ALL: [Mark; 6] = [
        Mark::Circle,
        Mark::Square,
        Mark::Diamond,
        Mark::TriangleDown,
        Mark::Plus,
        Mark::Star,
    ];

    /// The mark of the `index`-th shown series.
    pub fn for_series(index: usize) -> Mark {
        Mark::ALL[index % Mark::ALL.len()]
    }

    /// The same shape as text, for the HTML legend.
    pub const fn glyph(self) -> &'static str {
        match self {
            Mark::Circle => "●",
            Mark::Square => "■",
            Mark::Diamond => "◆",
            Mark::TriangleDown => "▼",
            Mark::Plus => "✚",
            Mark::Star => "★",
        }
    }

    /// Lower-case name, for CSS classes and test ids.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mark::Circle => "circle",
            Mark::Square => "square",
            Mark::Diamond => "diamond",
            Mark::TriangleDown => "triangle-down",
            Mark::Plus => "plus",
            Mark::Star => "star",
        }
    }

    /// The outline of the shape centred on the origin with "radius" `r`, as
    /// polygon corners (a circle is approximated; plotters' own circle would
    /// do, but one code path keeps every backend's output alike).
    pub(crate) fn outline(self, r: f64) -> Vec<(f64, f64)> {
        let polar = |n: usize, radius: &dyn Fn(usize) -> f64, phase: f64| -> Vec<(f64, f64)> {
            (0..n)
                .map(|i| {
                    let a = phase + std::f64::consts::TAU * i as f64 / n as f64;
                    let r = radius(i);
                    (r * a.cos(), r * a.sin())
                })
                .collect()
        };
        let up = -std::f64::consts::FRAC_PI_2;
        match self {
            Mark::Circle => polar(12, &|_| r, 0.0),
            Mark::Square => {
                let s = r * 0.85;
                vec![(-s, -s), (s, -s), (s, s), (-s, s)]
            }
            Mark::Diamond => polar(4, &|_| r * 1.15, up),
            Mark::TriangleDown => polar(3, &|_| r * 1.15, -up),
            Mark::Plus => {
                let (a, b) = (r, r * 0.35);
                vec![
                    (-b, -a),
                    (b, -a),
                    (b, -b),
                    (a, -b),
                    (a, b),
                    (b, b),
                    (b, a),
                    (-b, a),
                    (-b, b),
                    (-a, b),
                    (-a, -b),
                    (-b, -b),
                ]
            }
            Mark::Star => polar(10, &|i| if i % 2 == 0 { r * 1.2 } else { r * 0.5 }, up),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Perceived distance, good enough to catch a palette that drifts into a status colour.
    fn distance(a: Rgb, b: Rgb) -> f64 {
        let d = |x: u8, y: u8| f64::from(x) - f64::from(y);
        (2.0 * d(a.0, b.0).powi(2) + 4.0 * d(a.1, b.1).powi(2) + 3.0 * d(a.2, b.2).powi(2)).sqrt()
    }

    #[test]
    fn series_colours_stay_clear_of_status_colours_and_each_other() {
        for theme in [crate::Theme::dark(), crate::Theme::light()] {
            for (i, &series) in theme.series.iter().enumerate() {
                for &status in &theme.status {
                    assert!(
                        distance(series, status) > 100.0,
                        "{series:?} vs status {status:?}"
                    );
                }
                for &other in &theme.series[i + 1..] {
                    assert!(distance(series, other) > 100.0, "{series:?} vs {other:?}");
                }
                assert!(
                    distance(series, theme.background) > 200.0,
                    "{series:?} on background"
                );
            }
        }
    }

    #[test]
    fn marks_are_distinct_and_closed_shapes() {
        let corners: Vec<usize> = Mark::ALL.iter().map(|m| m.outline(4.0).len()).collect();
        assert_eq!(corners, [12, 4, 4, 3, 12, 10]);
        let glyphs: std::collections::BTreeSet<_> = Mark::ALL.iter().map(|m| m.glyph()).collect();
        assert_eq!(glyphs.len(), 6);
        assert_eq!(Mark::for_series(7), Mark::Square);
    }
}
