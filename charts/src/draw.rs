//! Painting one graph on any plotters backend.

use panopticon_core::prom::Sample;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::chart::{ChartModel, ChartSpec};
use crate::data::GraphData;
use crate::palette::{Mark, Rgb};
use crate::plot_area::{GLYPH_WIDTH, PlotArea, Projection, pixel, text_width};
use crate::style::Style;
use crate::ticks::time_ticks;

/// Marker spacing along a line, in CSS pixels: close enough to follow a line
/// by its shape, far enough not to clutter it.
const MARK_SPACING: f64 = 140.0;

/// The backend failed (e.g. the canvas context was lost). Carries the
/// backend's message as text, so the type stays `Send + Sync` whatever the backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    /// plotters reported an error while drawing.
    #[error("drawing the graph failed: {0}")]
    Backend(String),
}

/// Draws `graph`'s chart of `data` onto the whole of `area`.
///
/// Paints the background first, so redrawing onto a used canvas is clean.
/// Returns the plot rectangle (device pixels) for hover lookup with
/// [`nearest`](crate::nearest), or `None` when the area is too small to plot.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &GraphData,
    graph: &ChartSpec,
    style: &Style,
) -> Result<Option<PlotArea>, DrawError> {
    let theme = &style.theme;
    area.fill(&colour(theme.background)).map_err(backend)?;
    let (width, height) = area.dim_in_pixel();
    let model = ChartModel::new(data, graph);
    let label_chars = model
        .ticks
        .iter()
        .map(|t| t.1.chars().count())
        .max()
        .unwrap_or(1);
    let Some(plot) = PlotArea::new(f64::from(width), f64::from(height), label_chars, style) else {
        return Ok(None);
    };
    let projection = Projection {
        area: plot,
        start: model.start,
        end: model.end,
        low: model.low,
        high: model.high,
    };
    let painter = Painter { area, style };
    painter.grid(&model, &projection, f64::from(width))?;
    painter.thresholds(graph, &projection)?;
    let series = model.shown_series(data);
    for (index, s) in series.iter().enumerate() {
        painter.series(index, &s.samples, &model, &projection)?;
    }
    painter.threshold_labels(graph, &model, &projection)?;
    if !model.has_data {
        let message = if data.errors.is_empty() {
            "no data"
        } else {
            "no data: query failed"
        };
        let centre = (
            f64::midpoint(plot.left, plot.right),
            f64::midpoint(plot.top, plot.bottom),
        );
        let font = style.font() * 1.25;
        painter.text(
            message,
            centre,
            font,
            theme.strong_text,
            (HPos::Center, VPos::Center),
        )?;
    }
    Ok(Some(plot))
}

struct Painter<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    style: &'a Style,
}

impl<DB: DrawingBackend> Painter<'_, DB> {
    fn grid(&self, model: &ChartModel, p: &Projection, width: f64) -> Result<(), DrawError> {
        let (style, theme, plot) = (self.style, &self.style.theme, p.area);
        let font = style.font();
        let thin = colour(theme.grid).stroke_width(style.stroke(1.0));
        for (value, label) in &model.ticks {
            let y = p.y(*value);
            self.line((plot.left, y), (plot.right, y), thin)?;
            let anchor = (plot.left - style.px(6.0), y);
            self.text(label, anchor, font, theme.text, (HPos::Right, VPos::Center))?;
        }
        let target = (plot.width() / style.px(90.0)).floor().max(2.0);
        // `target` is a small positive count.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let target = target as usize;
        for tick in time_ticks(model.start, model.end, target, style.utc_offset_secs) {
            let x = p.x(tick.time);
            self.line((x, plot.top), (x, plot.bottom), thin)?;
            let half = text_width(tick.label.chars().count(), font) / 2.0;
            if x - half >= 0.0 && x + half <= width {
                let anchor = (x, plot.bottom + style.px(4.0));
                self.text(
                    &tick.label,
                    anchor,
                    font,
                    theme.text,
                    (HPos::Center, VPos::Top),
                )?;
            }
        }
        let axis = colour(theme.text).stroke_width(style.stroke(1.0));
        self.line((plot.left, plot.bottom), (plot.right, plot.bottom), axis)?;
        self.line((plot.left, plot.top), (plot.left, plot.bottom), axis)
    }

    fn thresholds(&self, graph: &ChartSpec, p: &Projection) -> Result<(), DrawError> {
        let style = self.style;
        for threshold in graph.thresholds.iter().filter(|t| t.value.is_finite()) {
            let y = pixel(p.y(threshold.value));
            let line = [(pixel(p.area.left), y), (pixel(p.area.right), y)];
            let stroke =
                colour(style.theme.status_colour(threshold.status)).stroke_width(style.stroke(1.5));
            let dashed = DashedPathElement::new(line, style.px(7.0), style.px(5.0), stroke);
            self.area.draw(&dashed).map_err(backend)?;
        }
        Ok(())
    }

    /// Labels go on top of the series, so a line never hides what a dashed line means.
    fn threshold_labels(
        &self,
        graph: &ChartSpec,
        model: &ChartModel,
        p: &Projection,
    ) -> Result<(), DrawError> {
        let style = self.style;
        let font = style.font() * 0.95;
        for threshold in graph.thresholds.iter().filter(|t| t.value.is_finite()) {
            let text = format!(
                "{} {}",
                threshold.status,
                model.unit.format(threshold.value)
            );
            let y = p.y(threshold.value);
            // Above the line, unless that would leave the plot.
            let (y, v) = if y - font - style.px(3.0) >= p.area.top {
                (y - style.px(3.0), VPos::Bottom)
            } else {
                (y + style.px(3.0), VPos::Top)
            };
            let anchor = (p.area.right - style.px(4.0), y);
            let backdrop = text_width(text.chars().count(), font);
            let (top, bottom) = match v {
                VPos::Bottom => (y - font, y),
                _ => (y, y + font),
            };
            let rect = [
                (pixel(anchor.0 - backdrop - style.px(2.0)), pixel(top)),
                (pixel(anchor.0 + style.px(2.0)), pixel(bottom)),
            ];
            self.area
                .draw(&Rectangle::new(
                    rect,
                    colour(style.theme.background).mix(0.8).filled(),
                ))
                .map_err(backend)?;
            let rgb = style.theme.status_colour(threshold.status);
            self.text(&text, anchor, font, rgb, (HPos::Right, v))?;
        }
        Ok(())
    }

    fn series(
        &self,
        index: usize,
        samples: &[Sample],
        model: &ChartModel,
        p: &Projection,
    ) -> Result<(), DrawError> {
        let style = self.style;
        let rgb = style.theme.series_colour(index);
        let stroke = colour(rgb).stroke_width(style.stroke(2.0));
        let dot = colour(rgb).filled();
        for segment in segments(samples, model) {
            let points: Vec<(i32, i32)> = segment
                .iter()
                .map(|s| (pixel(p.x(s.timestamp)), pixel(p.y(s.value))))
                .collect();
            if let [only] = points[..] {
                // A lone sample between gaps: a dot, or it would be invisible.
                let r = pixel(style.px(2.0));
                let square =
                    Rectangle::new([(only.0 - r, only.1 - r), (only.0 + r, only.1 + r)], dot);
                self.area.draw(&square).map_err(backend)?;
            } else {
                self.area
                    .draw(&PathElement::new(points, stroke))
                    .map_err(backend)?;
            }
        }
        self.marks(index, samples, model, p)
    }

    /// The series' mark at its last finite sample and every [`MARK_SPACING`]
    /// along the line, shifted per series so marks of close lines do not stack.
    fn marks(
        &self,
        index: usize,
        samples: &[Sample],
        model: &ChartModel,
        p: &Projection,
    ) -> Result<(), DrawError> {
        let style = self.style;
        let visible: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.value.is_finite() && model.in_range(s.timestamp))
            .collect();
        let Some(last) = visible.last() else {
            return Ok(());
        };
        let spacing = style.px(MARK_SPACING);
        let mut at: Vec<&Sample> = vec![last];
        let mut target = p.area.left + spacing * (index as f64 + 0.5) / 6.0;
        let mut i = 0;
        while target < p.area.right - spacing / 2.0 && i < visible.len() {
            while i + 1 < visible.len() && p.x(visible[i + 1].timestamp) <= target {
                i += 1;
            }
            let x = p.x(visible[i].timestamp);
            if (x - target).abs() <= spacing / 4.0 {
                at.push(visible[i]);
            }
            target += spacing;
        }
        let mark = Mark::for_series(index);
        let fill = colour(style.theme.series_colour(index)).filled();
        let rim = colour(style.theme.background).stroke_width(style.stroke(1.0));
        for s in at {
            let (cx, cy) = (p.x(s.timestamp), p.y(s.value));
            let outline: Vec<(i32, i32)> = mark
                .outline(style.px(4.0))
                .into_iter()
                .map(|(x, y)| (pixel(cx + x), pixel(cy + y)))
                .collect();
            self.area
                .draw(&Polygon::new(outline.clone(), fill))
                .map_err(backend)?;
            let mut closed = outline;
            closed.push(closed[0]);
            self.area
                .draw(&PathElement::new(closed, rim))
                .map_err(backend)?;
        }
        Ok(())
    }

    fn line(&self, from: (f64, f64), to: (f64, f64), stroke: ShapeStyle) -> Result<(), DrawError> {
        let path = PathElement::new(
            [(pixel(from.0), pixel(from.1)), (pixel(to.0), pixel(to.1))],
            stroke,
        );
        self.area.draw(&path).map_err(backend)
    }

    fn text(
        &self,
        text: &str,
        at: (f64, f64),
        size: f64,
        rgb: Rgb,
        (h, v): (HPos, VPos),
    ) -> Result<(), DrawError> {
        // The family as a value, not the string "sans-serif": plotters
        // lower-cases a family given as text, which brings the standard
        // library's Unicode case tables (about 12 KB) into the bundle.
        let font = (FontFamily::SansSerif, size)
            .into_font()
            .color(&colour(rgb))
            .pos(Pos::new(h, v));
        let element = Text::new(text.to_owned(), (pixel(at.0), pixel(at.1)), font);
        self.area.draw(&element).map_err(backend)
    }
}

/// Runs of drawable samples: a run ends at a NaN/±Inf value, at a sample
/// outside the time range, or where samples are missing (a jump of more than
/// 1.5 steps), so missing data is seen as missing instead of bridged.
fn segments<'s>(samples: &'s [Sample], model: &ChartModel) -> Vec<&'s [Sample]> {
    let drawable = |s: &Sample| s.value.is_finite() && model.in_range(s.timestamp);
    let max_jump = model.step * 1.5;
    let mut runs = Vec::new();
    let mut begin = None;
    for (i, s) in samples.iter().enumerate() {
        match begin {
            Some(b) if !drawable(s) => {
                runs.push(&samples[b..i]);
                begin = None;
            }
            Some(b) if s.timestamp - samples[i - 1].timestamp > max_jump => {
                runs.push(&samples[b..i]);
                begin = Some(i);
            }
            None if drawable(s) => begin = Some(i),
            _ => {}
        }
    }
    if let Some(b) = begin {
        runs.push(&samples[b..]);
    }
    runs
}

fn colour(rgb: Rgb) -> RGBColor {
    RGBColor(rgb.0, rgb.1, rgb.2)
}

fn backend<E: std::error::Error + Send + Sync>(err: DrawingAreaErrorKind<E>) -> DrawError {
    DrawError::Backend(err.to_string())
}

// Keep the estimate honest: a label's backdrop must cover the text in tests too.
const _: () = assert!(GLYPH_WIDTH > 0.5);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::tests::{graph, series_of};

    fn run(samples: &[(f64, f64)]) -> Vec<Vec<f64>> {
        let mut data = series_of(&[&[]]);
        data.series[0].samples = samples
            .iter()
            .map(|&(timestamp, value)| Sample { timestamp, value })
            .collect();
        let model = ChartModel::new(&data, &graph(None, &[], 6));
        segments(&data.series[0].samples, &model)
            .iter()
            .map(|run| run.iter().map(|s| s.timestamp).collect())
            .collect()
    }

    fn check(samples: &[(f64, f64)], expect: &[&[f64]]) {
        assert_eq!(run(samples), expect, "{samples:?}");
    }

    #[test]
    fn segments_break_at_non_finite_values_and_missing_samples() {
        let (nan, inf) = (f64::NAN, f64::INFINITY);
        check(
            &[(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)],
            &[&[0.0, 10.0, 20.0]],
        );
        check(
            &[(0.0, 1.0), (10.0, nan), (20.0, 3.0), (30.0, 3.0)],
            &[&[0.0], &[20.0, 30.0]],
        );
        check(
            &[(0.0, 1.0), (10.0, 1.0), (40.0, 3.0), (50.0, 3.0)],
            &[&[0.0, 10.0], &[40.0, 50.0]],
        );
        check(&[(0.0, inf), (10.0, 1.0), (20.0, -inf)], &[&[10.0]]);
        check(
            &[(-10.0, 1.0), (0.0, 1.0), (10.0, 1.0), (110.0, 1.0)],
            &[&[0.0, 10.0]],
        );
        check(&[], &[]);
    }
}
