//! Colours (status and series, per theme) and marker shapes.
//!
//! Colours come from the Okabe–Ito and Paul Tol sets minus anything close to
//! the status colours (green, orange, vermilion, grey), so a series line is
//! never mistaken for a verdict. Colour is still not the only cue: every series
//! also has a marker shape, drawn on the line and repeated in the HTML legend.

use panopticon_core::Status;

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

/// Status colours on the dark theme, in [`panopticon_core::Status::ALL`]
/// order (healthy, unknown, warning, critical). `style/main.css` is the
/// source (the page and the canvas read it); these are the canvas's
/// fallback, and a test proves them equal to the CSS.
pub const STATUS_COLOURS_DARK: [Rgb; 4] = [
    Rgb(0x22, 0xa8, 0x7b),
    Rgb(0x8e, 0x96, 0xa0),
    Rgb(0xe6, 0x9f, 0x00),
    Rgb(0xf0, 0x6a, 0x00),
];

/// Status colours on the light theme: the same hues, darker, so that they
/// read on white as text (the dark theme's were 2.1–3.9:1 there).
pub const STATUS_COLOURS_LIGHT: [Rgb; 4] = [
    Rgb(0x17, 0x73, 0x54),
    Rgb(0x60, 0x68, 0x71),
    Rgb(0x85, 0x5c, 0x00),
    Rgb(0xa3, 0x48, 0x00),
];

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

/// Series colours on the light theme: darker hues that hold up on white
/// (the third an olive: a dark yellow was too close to the dark amber of
/// `warning`).
pub const SERIES_COLOURS_LIGHT: [Rgb; 6] = [
    Rgb(0x00, 0x72, 0xb2),
    Rgb(0xb0, 0x4a, 0x8a),
    Rgb(0x66, 0x8f, 0x00),
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
        // `n` corners evenly around, the first at `phase`; angles in steps
        // of 6° (every corner of every mark is at a multiple of 6°).
        let polar = |n: i32, radius: &dyn Fn(i32) -> f64, phase: i32| -> Vec<(f64, f64)> {
            (0..n)
                .map(|i| {
                    let (cos, sin) = unit(phase + i * 60 / n);
                    let r = radius(i);
                    (r * cos, r * sin)
                })
                .collect()
        };
        // -90°, in steps of 6°.
        let up = -15;
        match self {
            Mark::Circle => polar(12, &|_| r, 0),
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

/// `sin(k × 6°)` for `k` in 0..=15 (0° to 90°), correctly rounded.
const SIN_6: [f64; 16] = [
    0.0,
    0.104_528_463_267_653_47,
    0.207_911_690_817_759_34,
    0.309_016_994_374_947_45,
    0.406_736_643_075_800_2,
    0.5,
    0.587_785_252_292_473_1,
    0.669_130_606_358_858_2,
    0.743_144_825_477_394_2,
    0.809_016_994_374_947_5,
    0.866_025_403_784_438_6,
    0.913_545_457_642_600_9,
    0.951_056_516_295_153_5,
    0.978_147_600_733_805_7,
    0.994_521_895_368_273_3,
    1.0,
];

/// `(cos, sin)` of `k × 6°`, from a table: `f64::sin`/`cos` brought their
/// argument reduction (about 7 KB of wasm) into the bundle for these few
/// fixed angles.
fn unit(k: i32) -> (f64, f64) {
    let k = k.rem_euclid(60);
    #[allow(clippy::cast_sign_loss)] // `rem_euclid` is never negative
    let (quadrant, r) = (k / 15, (k % 15) as usize);
    let (sin, cos) = (SIN_6[r], SIN_6[15 - r]);
    match quadrant {
        0 => (cos, sin),
        1 => (-sin, cos),
        2 => (-cos, -sin),
        _ => (sin, -cos),
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
    fn series_colours_stay_clear_of_status_colours_and_each_other() {
        for theme in [Theme::dark(), Theme::light()] {
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

    /// `style/main.css` and `style/graph.css`: the palette's source.
    const MAIN_CSS: &str = include_str!("../../style/main.css");
    const GRAPH_CSS: &str = include_str!("../../style/graph.css");

    /// The custom properties (`--name: value;`) of the first rule whose
    /// selector is `selector`.
    fn custom_properties(css: &str, selector: &str) -> Vec<(String, String)> {
        let start = css
            .find(&format!("{selector} {{"))
            .unwrap_or_else(|| panic!("no rule {selector}"));
        let body = &css[start..];
        let body = &body[body.find('{').unwrap_or(0) + 1..body.find('}').unwrap_or(body.len())];
        body.split(';')
            .filter_map(|decl| {
                let (name, value) = decl.split_once(':')?;
                let name = name.trim();
                name.starts_with("--")
                    .then(|| (name.to_owned(), value.trim().to_owned()))
            })
            .collect()
    }

    /// A theme's variables: the dark rule (`:root, [data-theme="dark"]`),
    /// overridden by the light rule for the light theme, from both files.
    struct Vars(Vec<(String, String)>);

    impl Vars {
        fn of(light: bool) -> Vars {
            let mut vars = Vec::new();
            for css in [MAIN_CSS, GRAPH_CSS] {
                vars.extend(custom_properties(css, ":root,\n[data-theme=\"dark\"]"));
                if light {
                    vars.extend(custom_properties(css, "[data-theme=\"light\"]"));
                }
            }
            Vars(vars)
        }

        fn get(&self, name: &str) -> &str {
            self.0
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or_else(|| panic!("no {name} in the CSS"), |(_, v)| v.as_str())
        }

        fn colour(&self, name: &str) -> Rgb {
            Rgb::parse_css(self.get(name)).unwrap_or_else(|| panic!("{name} is no colour"))
        }

        /// A percentage variable (`--tint-box: 18%`) as a fraction.
        fn fraction(&self, name: &str) -> f64 {
            let v = self.get(name);
            v.strip_suffix('%')
                .and_then(|p| p.trim().parse::<f64>().ok())
                .unwrap_or_else(|| panic!("{name}: {v} is no percentage"))
                / 100.0
        }
    }

    /// WCAG 2.2 relative luminance.
    fn luminance(c: Rgb) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
    }

    /// WCAG 2.2 contrast ratio, 1 to 21.
    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// `color-mix(in srgb, a p, b)`.
    fn mix(a: Rgb, b: Rgb, p: f64) -> Rgb {
        // A channel mixed from two channels stays within 0..=255.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let m = |x: u8, y: u8| (f64::from(x) * p + f64::from(y) * (1.0 - p)).round() as u8;
        Rgb(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
    }

    #[test]
    fn contrast_is_computed_as_wcag_says() {
        let black = Rgb(0, 0, 0);
        let white = Rgb(0xff, 0xff, 0xff);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // WebAIM's checker: #777777 on white is 4.48:1.
        assert!((contrast(Rgb(0x77, 0x77, 0x77), white) - 4.48).abs() < 0.01);
        assert_eq!(mix(Rgb(0xff, 0, 0), white, 0.2), Rgb(0xff, 0xcc, 0xcc));
    }

    /// Every status colour on both themes, against every background it is
    /// drawn on, read from the CSS: 4.5:1 where it is text (status words,
    /// counts, the banner's word, reasons in the detail), 3:1 where it is a
    /// shape (a box's outline, its icon on the box's tint); and the text
    /// drawn on a status's tint keeps 4.5:1.
    #[test]
    fn every_status_colour_reads_on_its_backgrounds() {
        let mut failures = Vec::new();
        for light in [false, true] {
            let theme = if light { "light" } else { "dark" };
            let v = Vars::of(light);
            let (bg, panel) = (v.colour("--bg"), v.colour("--panel"));
            let (text, muted) = (v.colour("--text"), v.colour("--muted"));
            let mut need = |what: String, ratio: f64, min: f64| {
                if ratio < min {
                    failures.push(format!("{theme}: {what} is {ratio:.2}:1, needs {min}:1"));
                }
            };
            need("--text on --bg".into(), contrast(text, bg), 4.5);
            need("--muted on --panel".into(), contrast(muted, panel), 4.5);
            need("--muted on --bg".into(), contrast(muted, bg), 4.5);
            need(
                "--bg on --warning (the STALE marker)".into(),
                contrast(bg, v.colour("--warning")),
                4.5,
            );
            for status in ["healthy", "unknown", "warning", "critical"] {
                let c = v.colour(&format!("--{status}"));
                let tint = |name: &str| mix(c, panel, v.fraction(name));
                need(format!("{status} text on --panel"), contrast(c, panel), 4.5);
                need(format!("{status} text on --bg"), contrast(c, bg), 4.5);
                let banner = tint("--tint-banner");
                need(
                    format!("{status} word on the banner"),
                    contrast(c, banner),
                    4.5,
                );
                need(
                    format!("--text on the {status} banner"),
                    contrast(text, banner),
                    4.5,
                );
                need(
                    format!("{status} outline on --panel"),
                    contrast(c, panel),
                    3.0,
                );
                for box_tint in ["--tint-box", "--tint-root", "--tint-hatch"] {
                    let fill = tint(box_tint);
                    need(
                        format!("{status} icon on {box_tint}"),
                        contrast(c, fill),
                        3.0,
                    );
                    need(
                        format!("--text on {status} {box_tint}"),
                        contrast(text, fill),
                        4.5,
                    );
                }
                need(
                    format!("--muted note on {status} --tint-box"),
                    contrast(muted, tint("--tint-box")),
                    4.5,
                );
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// The canvas's fallback colours (used before the CSS can be read) are
    /// the CSS's: one palette, not two that drift apart.
    #[test]
    fn the_canvas_fallbacks_are_the_css_palette() {
        for (light, theme) in [(false, Theme::dark()), (true, Theme::light())] {
            let v = Vars::of(light);
            let status = ["--healthy", "--unknown", "--warning", "--critical"].map(|n| v.colour(n));
            assert_eq!(theme.status, status, "light: {light}");
            let series = std::array::from_fn(|i| v.colour(&format!("--series-{}", i + 1)));
            assert_eq!(theme.series, series, "light: {light}");
            assert_eq!(theme.background, v.colour("--panel"), "light: {light}");
            assert_eq!(theme.text, v.colour("--muted"), "light: {light}");
            assert_eq!(theme.strong_text, v.colour("--text"), "light: {light}");
            assert_eq!(theme.grid, v.colour("--border"), "light: {light}");
        }
    }

    #[test]
    fn the_unit_circle_table_is_sin_and_cos() {
        for k in -60..120 {
            let (cos, sin) = unit(k);
            let a = f64::from((k * 6).rem_euclid(360)).to_radians();
            assert!((cos - a.cos()).abs() < 1e-15, "cos {k}");
            assert!((sin - a.sin()).abs() < 1e-15, "sin {k}");
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
