//! How large the diagram's boxes are and how they are laid out for the room
//! the drawing has: the density ([`Density`]: full boxes, one-line boxes or
//! tiles), text fitted to a box, and the layout itself. Depends only on the
//! configuration and the panel's size, never on statuses, so a refresh never
//! moves a box.

use panopticon_engine::Config;
use panopticon_layout::{Edge, Layout, LayoutError, Node, Options};

/// Box height in user units; three lines of text.
pub const NODE_HEIGHT: f64 = 72.0;
/// Font sizes in user units. They scale with the boxes, so text is as
/// readable as the diagram is large, on a Grafana panel or a wall.
pub const NAME_SIZE: f64 = 17.0;
/// Status line ("✖ CRITICAL").
pub const STATUS_SIZE: f64 = 14.0;
/// Note line ("impacted by Consul").
pub const NOTE_SIZE: f64 = 12.0;
/// Baselines of the three lines, from the box's top.
pub const NAME_Y: f64 = 24.0;
/// See [`NAME_Y`].
pub const STATUS_Y: f64 = 45.0;
/// See [`NAME_Y`].
pub const NOTE_Y: f64 = 63.0;

const MIN_WIDTH: f64 = 160.0;
const MAX_WIDTH: f64 = 340.0;
/// Empty space left and right of the text inside a box.
const PADDING: f64 = 12.0;
/// Average advance of a character in em for a bold system sans-serif; generous,
/// because text measurement would need the DOM and a box that is a little wide
/// costs nothing.
const BOLD_EM: f64 = 0.62;
const REGULAR_EM: f64 = 0.56;

/// Width of a service's box: enough for its name, within bounds.
pub fn box_width(name: &str) -> f64 {
    let text = name.chars().count() as f64 * NAME_SIZE * BOLD_EM;
    (text + 2.0 * PADDING).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// `text` shortened with "…" to fit `width` at `font_size`, so a long name
/// never spills over its box (the full text is in the tooltip and the label).
pub fn fit(text: &str, width: f64, font_size: f64, bold: bool) -> String {
    let em = if bold { BOLD_EM } else { REGULAR_EM };
    // A hair of slack: a box sized for exactly this many characters must
    // not lose the last one to rounding.
    let room = ((width - 2.0 * PADDING) / (font_size * em) + 1e-9)
        .floor()
        .max(1.0);
    // `room` is small and positive; the cast cannot truncate meaningfully.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let room = room as usize;
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(room.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// `text` in at most `lines` lines of `width` at `font_size`, broken
/// between words where it can (within a word where one is too long), the
/// last line cut with "…" when the rest does not fit (the whole name is in
/// the box's tooltip and label).
pub fn wrap(text: &str, width: f64, font_size: f64, lines: usize) -> Vec<String> {
    let room = ((width / (font_size * REGULAR_EM)) + 1e-9).floor().max(1.0);
    // `room` is small and positive; the cast cannot truncate meaningfully.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let room = room as usize;
    let mut out: Vec<String> = Vec::new();
    let mut rest: Vec<char> = text.trim().chars().collect();
    while !rest.is_empty() && out.len() < lines {
        if rest.len() <= room {
            out.push(rest.iter().collect());
            break;
        }
        if out.len() + 1 == lines {
            let mut short: String = rest[..room.saturating_sub(1)].iter().collect();
            short.push('…');
            out.push(short);
            break;
        }
        // Break at the last space that keeps the line within `room`.
        let cut = rest[..=room]
            .iter()
            .rposition(|c| c.is_whitespace())
            .filter(|&at| at > 0)
            .unwrap_or(room);
        out.push(rest[..cut].iter().collect::<String>().trim_end().to_owned());
        rest.drain(..cut);
        while rest.first().is_some_and(|c| c.is_whitespace()) {
            rest.remove(0);
        }
    }
    out
}

/// The layout of the configured services with today's full boxes and no box
/// to fit: depends only on the config (see [`plan`] for the sized one).
pub fn diagram_layout(config: &Config) -> Result<Layout, LayoutError> {
    lay_out(config, Density::Full, None)
}

/// On-screen size (CSS px) below which a name is hard to read from a NOC desk.
pub const READABLE_PX: f64 = 12.0;
/// On-screen size (CSS px) the name of a non-healthy service reaches when the
/// healthy ones are tiles: problems are read from across the room.
pub const PROBLEM_PX: f64 = 14.0;

/// Compact boxes: one line, the status icon before the name.
pub const COMPACT_HEIGHT: f64 = 40.0;
/// Name size of a compact box (and of a tile's label), in user units.
pub const COMPACT_NAME_SIZE: f64 = 18.0;
/// Baseline of a compact box's line, from its top.
pub const COMPACT_Y: f64 = 26.0;
/// Room for the icon before the name in a compact box.
pub const COMPACT_ICON_ROOM: f64 = 24.0;
const COMPACT_MIN_WIDTH: f64 = 120.0;
/// A tile: a square with the status icon, the name in its tooltip.
pub const TILE_SIZE: f64 = 40.0;
/// Size of the name under a tile once zoomed in (`tile_labels`): two lines
/// fit the gap between rows.
pub const TILE_LABEL_SIZE: f64 = 6.0;
/// Lines of a name under a tile.
pub const TILE_LABEL_LINES: usize = 2;
/// Width of the name under a tile: the tile and most of the gap beside it
/// (neighbours' names keep a little space between them).
pub const TILE_LABEL_WIDTH: f64 = TILE_SIZE + TILES_NODE_GAP * 0.7;
/// Gap between tiles in a row.
const TILES_NODE_GAP: f64 = 12.0;

/// How much each box says, chosen from the graph and the panel's size only
/// (never from statuses), so boxes never move on a refresh. The first of
/// these whose names are at least [`READABLE_PX`] on screen wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Three lines: name, status word, note (a small graph, or a big panel).
    Full,
    /// One line: status icon and name.
    Compact,
    /// Healthy services are coloured tiles with their status shape; every
    /// other service keeps its name, drawn enlarged over the tiles.
    Tiles,
}

impl Density {
    /// The class on the diagram, for the styles of each density.
    pub fn as_str(self) -> &'static str {
        match self {
            Density::Full => "full",
            Density::Compact => "compact",
            Density::Tiles => "tiles",
        }
    }

    /// Name size in user units.
    pub fn name_size(self) -> f64 {
        match self {
            Density::Full => NAME_SIZE,
            Density::Compact | Density::Tiles => COMPACT_NAME_SIZE,
        }
    }

    /// The laid-out size of a service's box.
    pub fn box_size(self, name: &str) -> (f64, f64) {
        match self {
            Density::Full => (box_width(name), NODE_HEIGHT),
            Density::Compact => (compact_width(name), COMPACT_HEIGHT),
            Density::Tiles => (TILE_SIZE, TILE_SIZE),
        }
    }

    /// Gaps shrink with the boxes, so rows stay close and edges short.
    fn options(self, aspect: Option<f64>) -> Options {
        let (layer_gap, node_gap, edge_gap) = match self {
            Density::Full => (52.0, 28.0, 14.0),
            Density::Compact => (36.0, 20.0, 10.0),
            Density::Tiles => (30.0, TILES_NODE_GAP, 7.0),
        };
        Options {
            layer_gap,
            node_gap,
            edge_gap,
            margin: 12.0,
            aspect,
        }
    }
}

/// Average advance of a bold character, in em, for sizing compact boxes:
/// wider than [`BOLD_EM`] (which decides where a name is cut), because a
/// one-line box has no spare height to hide a name touching its border.
const COMPACT_BOLD_EM: f64 = 0.66;

/// Width of a compact box: icon and name on one line, within bounds.
pub fn compact_width(name: &str) -> f64 {
    let text = name.chars().count() as f64 * COMPACT_NAME_SIZE * COMPACT_BOLD_EM;
    (text + COMPACT_ICON_ROOM + 2.0 * PADDING).clamp(COMPACT_MIN_WIDTH, MAX_WIDTH)
}

/// The diagram for a panel: its layout, how much each box says, and the
/// scale (CSS px per user unit) at which the whole drawing fits the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Where every box and edge is.
    pub layout: Layout,
    /// How much each box says.
    pub density: Density,
    /// CSS px per user unit at full view; 0 when the panel's size is unknown.
    pub scale: f64,
}

/// The layout for a panel of `panel` CSS px (width, height): the fullest
/// boxes whose names are still readable there, laid out to the panel's shape
/// (long layers wrapped), else tiles. Without a usable size, today's layout.
/// A cheap estimate skips densities that cannot fit before one is laid out,
/// so a big graph pays for one layout, not three.
pub fn plan(config: &Config, panel: Option<(f64, f64)>) -> Result<Plan, LayoutError> {
    let Some((width, height)) =
        panel.filter(|&(w, h)| w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0)
    else {
        return Ok(Plan {
            layout: diagram_layout(config)?,
            density: Density::Full,
            scale: 0.0,
        });
    };
    let aspect = Some(width / height);
    let fit = |w: f64, h: f64| (width / w).min(height / h);
    for density in [Density::Full, Density::Compact] {
        let (nodes, edges) = graph(config, density);
        let options = density.options(aspect);
        let (w, h) = panopticon_layout::estimate(&nodes, &edges, &options)?;
        // The estimate's width can be a few units short of the layout's: 2 % leeway.
        if density.name_size() * fit(w * 0.98, h) < READABLE_PX {
            continue;
        }
        let layout = panopticon_layout::layout(&nodes, &edges, &options)?;
        let scale = fit(layout.width, layout.height);
        if density.name_size() * scale >= READABLE_PX {
            return Ok(Plan {
                layout,
                density,
                scale,
            });
        }
    }
    let layout = lay_out(config, Density::Tiles, aspect)?;
    let scale = fit(layout.width, layout.height);
    Ok(Plan {
        layout,
        density: Density::Tiles,
        scale,
    })
}

fn graph(config: &Config, density: Density) -> (Vec<Node>, Vec<Edge>) {
    let nodes: Vec<Node> = config
        .services
        .iter()
        .map(|s| {
            let (w, h) = density.box_size(&s.name);
            Node::new(s.id.clone(), w, h)
        })
        .collect();
    let edges: Vec<Edge> = config
        .services
        .iter()
        .flat_map(|s| {
            s.depends_on
                .iter()
                .map(|d| Edge::new(s.id.clone(), d.service.clone()))
        })
        .collect();
    (nodes, edges)
}

fn lay_out(config: &Config, density: Density, aspect: Option<f64>) -> Result<Layout, LayoutError> {
    let (nodes, edges) = graph(config, density);
    panopticon_layout::layout(&nodes, &edges, &density.options(aspect))
}

/// The size the drawing can take, from its area's CSS size: an area only as
/// tall as its minimum (its height follows its content: a narrow page that
/// scrolls) offers 70 % of the window's height instead. `None` when nothing
/// usable is known (a hidden area).
pub fn panel_size(width: f64, height: f64, window_height: f64) -> Option<(f64, f64)> {
    let height = if height < MIN_AREA_PX {
        (window_height * 0.7).max(height)
    } else {
        height
    };
    (width.is_finite() && height.is_finite() && width >= 1.0 && height >= MIN_AREA_PX)
        .then_some((width, height))
}

/// Below this height (CSS px) the diagram's area is taken as content-sized.
const MIN_AREA_PX: f64 = 160.0;

/// Whether a new size of the area is worth a new layout: a few pixels (a
/// scroll bar, rounding) are not.
pub fn size_changed(before: (f64, f64), now: (f64, f64)) -> bool {
    (before.0 - now.0).abs() > 8.0 || (before.1 - now.1).abs() > 8.0
}

#[cfg(test)]
mod tests {
    use super::super::callouts::callout_zoom;
    use super::super::fixtures::{config, stack};
    use super::*;

    fn check_fit(text: &str, width: f64, expect: &str) {
        assert_eq!(fit(text, width, NAME_SIZE, true), expect);
    }

    #[test]
    fn fit_shortens_long_text() {
        check_fit("Consul", 160.0, "Consul");
        // (160 - 24) / (17 × 0.62) = 12.9 → 12 characters.
        check_fit("Container application", 160.0, "Container a…");
        check_fit("abcdefghijkl", 160.0, "abcdefghijkl");
        check_fit("abcdefghijklm", 160.0, "abcdefghijk…");
        check_fit("x", 1.0, "x");
    }

    #[test]
    fn wrap_breaks_between_words_and_shortens_the_last_line() {
        // 52 / (6 × 0.56) = 15.5 → 15 characters a line.
        let check = |text: &str, expect: &[&str]| {
            assert_eq!(wrap(text, 52.0, 6.0, 2), expect, "{text}");
        };
        check("api gateway 1", &["api gateway 1"]);
        check("billing gateway 123", &["billing gateway", "123"]);
        check("import scheduler 354", &["import", "scheduler 354"]);
        check(
            "a very long service name indeed",
            &["a very long", "service name i…"],
        );
        check(
            "abcdefghijklmnopqrstuvwxyz",
            &["abcdefghijklmno", "pqrstuvwxyz"],
        );
        check("", &[] as &[&str]);
    }

    /// The smallest name on screen, in CSS px, for a plan.
    fn smallest_name(plan: &Plan) -> f64 {
        plan.density.name_size() * plan.scale
    }

    /// The panels of issue 19: the overview without graphs at 1920×1080 gives the
    /// diagram about 1850×700 CSS px; with graphs it keeps about half the width.
    const FULL_WIDTH: (f64, f64) = (1850.0, 700.0);
    const HALF_WIDTH: (f64, f64) = (960.0, 700.0);
    const WALL_4K: (f64, f64) = (3700.0, 1500.0);

    fn check_plan(cfg: &Config, panel: (f64, f64), density: Density) -> Plan {
        let plan = plan(cfg, Some(panel)).unwrap();
        assert_eq!(plan.density, density, "{panel:?}: scale {:.3}", plan.scale);
        assert_eq!(plan.layout.nodes.len(), cfg.services.len());
        for n in &plan.layout.nodes {
            assert!(
                n.rect.right() <= plan.layout.width && n.rect.bottom() <= plan.layout.height,
                "{} inside the drawing",
                n.id
            );
        }
        plan
    }

    #[test]
    fn the_reference_cluster_keeps_its_full_boxes() {
        let cfg = config();
        for panel in [FULL_WIDTH, HALF_WIDTH, WALL_4K] {
            let p = check_plan(&cfg, panel, Density::Full);
            assert_eq!(
                p.layout,
                diagram_layout(&cfg).unwrap(),
                "{panel:?}: a narrow graph is never wrapped"
            );
            assert!(smallest_name(&p) >= READABLE_PX);
        }
        // Without a measured panel: today's layout, unscaled.
        let p = plan(&cfg, None).unwrap();
        assert_eq!((p.density, p.scale), (Density::Full, 0.0));
        assert_eq!(plan(&cfg, Some((0.0, 0.0))).unwrap().density, Density::Full);
    }

    /// 60 services / 110 edges in 6 layers: names readable at full view (the
    /// issue measured 5–6 px in the left half, with one row per layer).
    #[test]
    fn sixty_services_are_readable_at_full_width() {
        let cfg = stack(6, 10, 110);
        let p = check_plan(&cfg, FULL_WIDTH, Density::Compact);
        assert!(
            smallest_name(&p) >= READABLE_PX,
            "{:.1} px",
            smallest_name(&p)
        );
        assert!(
            p.layout.layers > 6,
            "long layers wrapped: {} rows",
            p.layout.layers
        );
        // The drawing fills the panel: its bounding box at full view covers ≥ 60 %.
        let covered =
            p.layout.width * p.scale * p.layout.height * p.scale / (FULL_WIDTH.0 * FULL_WIDTH.1);
        assert!(covered >= 0.6, "covers {:.0} %", covered * 100.0);
        assert_eq!(
            check_plan(&cfg, WALL_4K, Density::Full).density,
            Density::Full
        );
    }

    /// 200 services / 400 edges: healthy ones are tiles, each problem's enlarged
    /// name reaches 14 px.
    #[test]
    fn two_hundred_services_become_tiles_with_named_problems() {
        let cfg = stack(8, 25, 400);
        let p = check_plan(&cfg, FULL_WIDTH, Density::Tiles);
        let zoom = callout_zoom(p.scale);
        assert!(COMPACT_NAME_SIZE * zoom * p.scale >= PROBLEM_PX - 1e-9);
        // The same graph and panel, the same plan: a refresh never moves a box.
        assert_eq!(plan(&cfg, Some(FULL_WIDTH)).unwrap(), p);
    }

    #[test]
    fn panel_sizes() {
        assert_eq!(panel_size(1800.0, 700.0, 1080.0), Some((1800.0, 700.0)));
        // A content-sized area (its 8 rem minimum): most of the window's height.
        assert_eq!(panel_size(900.0, 128.0, 1000.0), Some((900.0, 700.0)));
        assert_eq!(panel_size(0.0, 0.0, 0.0), None);
        assert!(!size_changed((1800.0, 700.0), (1795.0, 704.0)));
        assert!(size_changed((1800.0, 700.0), (1800.0, 1400.0)));
    }

    #[test]
    fn layout_of_the_reference_cluster() {
        let cfg = config();
        let layout = diagram_layout(&cfg).unwrap();
        assert_eq!(layout.nodes.len(), cfg.services.len());
        for s in &cfg.services {
            let node = layout.node(&s.id).unwrap();
            assert!((node.rect.width - box_width(&s.name)).abs() < 1e-9);
            // The name fits the box it was sized for, up to the maximum width.
            if box_width(&s.name) < MAX_WIDTH {
                assert_eq!(fit(&s.name, node.rect.width, NAME_SIZE, true), s.name);
            }
        }
        assert!(layout.node("app").unwrap().layer < layout.node("host").unwrap().layer);
    }
}
