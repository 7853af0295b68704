//! Panopticon's graphs as plain Rust: which series to show and what to call
//! them, the value and time axes, units, colours, and the drawing itself.
//!
//! Everything is generic over plotters' [`DrawingBackend`](plotters::prelude::DrawingBackend),
//! so the same [`draw`] paints a `<canvas>` in the browser and an SVG string in
//! native tests. The browser component only measures, reads the theme and
//! forwards pointer positions; every decision about the picture lives here.
//!
//! Architecture invariant: no web-sys, js-sys, wasm-bindgen or leptos here, and
//! only plotters *primitives* (paths, polygons, text at fixed anchors). plotters'
//! `ChartBuilder` and mesh measure text on wasm by inserting `<span style="…">`
//! elements, which the page's CSP forbids and which touches the DOM per label.

mod chart;
mod data;
mod draw;
mod hover;
mod legend;
mod palette;
mod plot_area;
mod round;
mod style;
mod ticks;
mod time;
mod unit;

pub use chart::{ChartModel, ChartSpec, ChartThreshold, LegendEntry, MAX_SERIES};
pub use data::{GraphData, GraphSeries};
pub use draw::{DrawError, draw};
pub use hover::{Readout, ReadoutValue, nearest};
pub use legend::legend_labels;
pub use palette::{Mark, Rgb, SERIES_COLOURS_DARK, SERIES_COLOURS_LIGHT, Theme};
pub use plot_area::PlotArea;
pub use round::{DEFAULT_WIDTH_PX, GraphRequest, RangeRound};
pub use style::Style;
pub use ticks::{TimeTick, nice_ticks, time_ticks};
pub use time::{format_clock, format_time_tick};
pub use unit::Unit;
