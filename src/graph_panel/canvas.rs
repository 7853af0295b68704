//! Sizing the canvas for the screen's pixel density, reading the theme from
//! CSS, and handing both to the pure drawing.

use panopticon_charts::{ChartSpec, GraphData, PlotArea, Rgb, Style, Theme, draw};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;
use web_sys::{CssStyleDeclaration, HtmlCanvasElement};

/// What a finished drawing tells the hover lookup.
#[derive(Debug, Clone, Copy)]
pub struct Painted {
    /// The plot rectangle in backing-store pixels.
    pub plot: PlotArea,
    /// Backing-store pixels per CSS pixel at the time of drawing.
    pub dpr: f64,
    /// The viewer's UTC offset used for the labels.
    pub utc_offset_secs: i32,
}

/// Draws `data` on `canvas`, whose box is `css_size` CSS pixels.
///
/// The backing store is sized to CSS size × `devicePixelRatio` (plotters-canvas
/// ignores the ratio; without this a 4K wall screen shows a blurry upscale).
/// `None` when nothing could be plotted (no box yet, or drawing failed; the
/// failure is logged, the rest of the page carries on).
pub fn paint(
    canvas: &HtmlCanvasElement,
    css_size: (f64, f64),
    data: &GraphData,
    graph: &ChartSpec,
) -> Option<Painted> {
    let window = web_sys::window()?;
    let dpr = window.device_pixel_ratio();
    let dpr = if dpr.is_finite() && dpr > 0.0 {
        dpr.min(4.0)
    } else {
        1.0
    };
    let (width, height) = (backing(css_size.0, dpr), backing(css_size.1, dpr));
    if width == 0 || height == 0 {
        return None;
    }
    // Assigning the size clears the canvas even when unchanged: only do it on change.
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    let computed = window.get_computed_style(canvas).ok().flatten();
    let utc_offset_secs = utc_offset_at(data.end);
    let style = Style {
        dpr,
        font_px: computed.as_ref().and_then(font_px).unwrap_or(12.0),
        utc_offset_secs,
        theme: computed.as_ref().map_or_else(Theme::dark, theme_from_css),
    };
    let area = CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area();
    let span = crate::timing::Span::start("graph-draw");
    let drawn = draw(&area, data, graph, &style);
    span.finish();
    match drawn {
        Ok(plot) => plot.map(|plot| Painted {
            plot,
            dpr,
            utc_offset_secs,
        }),
        Err(err) => {
            leptos::logging::warn!("graph of {:?}: {err}", graph.queries);
            None
        }
    }
}

/// Backing-store pixels for `css` CSS pixels.
fn backing(css: f64, dpr: f64) -> u32 {
    let px = (css * dpr).round();
    // Clamped to 0..=16384 (browsers' canvas limit) before the cast.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let px = if px.is_finite() {
        px.clamp(0.0, 16_384.0) as u32
    } else {
        0
    };
    px
}

/// The page's colours, from the CSS variables of `style/main.css` and
/// `style/graph.css`, so canvas and HTML legend agree in both themes.
/// A variable that is missing or unreadable keeps the dark theme's colour.
fn theme_from_css(css: &CssStyleDeclaration) -> Theme {
    let fallback = Theme::dark();
    let read = |name: &str, default: Rgb| {
        css.get_property_value(name)
            .ok()
            .and_then(|v| Rgb::parse_css(&v))
            .unwrap_or(default)
    };
    let status = ["--healthy", "--unknown", "--warning", "--critical"];
    Theme {
        background: read("--panel", fallback.background),
        text: read("--muted", fallback.text),
        strong_text: read("--text", fallback.strong_text),
        grid: read("--border", fallback.grid),
        status: std::array::from_fn(|i| read(status[i], fallback.status[i])),
        series: std::array::from_fn(|i| read(&format!("--series-{}", i + 1), fallback.series[i])),
    }
}

/// The canvas's CSS font size, so a wall-screen stylesheet can enlarge tick labels.
fn font_px(css: &CssStyleDeclaration) -> Option<f64> {
    let text = css.get_property_value("font-size").ok()?;
    text.trim().strip_suffix("px")?.parse().ok()
}

/// The browser's UTC offset (seconds east) at unix time `t`.
fn utc_offset_at(t: f64) -> i32 {
    let millis = if t.is_finite() {
        t * 1000.0
    } else {
        js_sys::Date::now()
    };
    let minutes_west = js_sys::Date::new(&JsValue::from_f64(millis)).get_timezone_offset();
    // Offsets are within ±14 h.
    #[allow(clippy::cast_possible_truncation)]
    let secs = (-minutes_west * 60.0).clamp(-86_400.0, 86_400.0) as i32;
    secs
}
