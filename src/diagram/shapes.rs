//! The insides of a box at the dense sizes ([`Density::Compact`] and
//! [`Density::Tiles`]), as markup; the `<g>` around them, with the DOM
//! contract, is [`super::markup::node`]'s, whatever the density.

use std::fmt::Write;

use panopticon_core::Status;
use panopticon_layout::Rect;

use super::markup::{escape, fit_words};
use super::plan::{
    self, COMPACT_HEIGHT, COMPACT_ICON_ROOM, COMPACT_NAME_SIZE, COMPACT_Y, Density,
    TILE_LABEL_LINES, TILE_LABEL_SIZE, TILE_LABEL_WIDTH,
};
use crate::untrusted::neutral;

/// Room left of the icon in a compact box.
const LEFT: f64 = 12.0;

/// What a box's markup needs besides its look.
#[derive(Debug, Clone, Copy)]
pub struct NodeMarkup<'a> {
    /// Service id (`data-service`).
    pub id: &'a str,
    /// Its name, as configured.
    pub name: &'a str,
    /// Where the layout put it.
    pub rect: Rect,
    /// Where its enlarged, named box goes over the tiles.
    pub callout: Rect,
    /// How much the named box is enlarged over the tiles.
    pub zoom: f64,
    /// How much each box says.
    pub density: Density,
}

impl NodeMarkup<'_> {
    /// The width the name (and the note, at full size) is fitted to.
    pub fn text_width(&self) -> f64 {
        match self.density {
            Density::Full | Density::Compact => self.rect.width,
            Density::Tiles => plan::compact_width(self.name),
        }
    }
}

/// One line, icon then name, in a box `width` wide, at the box's origin.
fn compact_line(out: &mut String, name: &str, width: f64, status: Status) {
    let _ = write!(
        out,
        concat!(
            r#"<rect class="node-box" width="{w:.1}" height="{h:.1}" rx="8"/>"#,
            r#"<text class="node-status" x="{left:.1}" y="{y:.1}" font-size="{size}"><tspan class="node-icon">{icon}</tspan></text>"#,
            r#" <text class="node-name" x="{name_x:.1}" y="{y:.1}" font-size="{size}">{name}</text>"#,
        ),
        w = width,
        h = COMPACT_HEIGHT,
        left = LEFT,
        y = COMPACT_Y,
        size = COMPACT_NAME_SIZE,
        icon = status.icon(),
        name_x = LEFT + COMPACT_ICON_ROOM,
        // The icon's room is taken from the width the name may use.
        name = escape(&fit_words(
            &neutral(name),
            width - COMPACT_ICON_ROOM,
            COMPACT_NAME_SIZE,
            true
        )),
    );
}

/// The inside of a box at `m.density` (not [`Density::Full`], which keeps
/// its three lines): a compact line, or a tile, with the named box that
/// replaces it while the service is not healthy when `named` (CSS shows one
/// of the two, by the `tile`/`named` class `callouts::named` decides). A tile
/// that is healthy when first drawn gets its named box only once it needs it
/// ([`callout`], written by `node::NodeDom`): 200 tiles drawn with theirs
/// cost the first picture about a third more elements.
pub fn body(out: &mut String, m: &NodeMarkup<'_>, status: Status, named: bool, maintenance: bool) {
    match m.density {
        Density::Full | Density::Compact => compact_line(out, m.name, m.rect.width, status),
        Density::Tiles => {
            let size = m.rect.width;
            let _ = write!(
                out,
                concat!(
                    r#"<g class="node-tile-face"><rect class="node-box node-tile" width="{size:.1}" height="{size:.1}" rx="6"/>"#,
                    r#"<path class="node-tile-icon" transform="translate({mid:.1},{mid:.1})" d="{icon}"/></g>"#,
                ),
                size = size,
                mid = size / 2.0,
                icon = tile_icon(status),
            );
            if named {
                callout(out, m, status, maintenance);
            }
        }
    }
}

/// A tile's status icon as a path around its centre (in a 24-unit square),
/// drawn as a line: the
/// status's shape (tick, exclamation triangle, cross, question mark), like
/// its glyph elsewhere. A path, not a glyph in a `<text>`: the browser lays
/// every `<text>` out again whenever the view is zoomed or moved, which at
/// 1,000 tiles cost most of each frame of a drag.
pub fn tile_icon(status: Status) -> &'static str {
    match status {
        Status::Healthy => "M -7 0 L -2 5.5 L 7.5 -6",
        Status::Warning => "M 0 -8.5 L 9 7 L -9 7 Z M 0 -2.5 L 0 1.5 M 0 4.4 L 0 4.6",
        Status::Critical => "M -6.5 -6.5 L 6.5 6.5 M 6.5 -6.5 L -6.5 6.5",
        Status::Unknown => {
            "M -4.5 -3.5 C -4.5 -9.5 5 -9.5 5 -4 C 5 -0.5 0 -0.5 0 2.5 M 0 6.9 L 0 7.1"
        }
    }
}

/// A tile's named box: the compact line, enlarged by `m.zoom` and placed at
/// `m.callout` (relative to the tile's corner, where the box's `<g>` is).
pub fn callout(out: &mut String, m: &NodeMarkup<'_>, status: Status, maintenance: bool) {
    let _ = write!(
        out,
        r#"<g class="node-callout" transform="translate({dx:.1},{dy:.1}) scale({zoom:.3})">"#,
        dx = m.callout.x - m.rect.x,
        dy = m.callout.y - m.rect.y,
        zoom = m.zoom,
    );
    compact_line(out, m.name, plan::compact_width(m.name), status);
    if maintenance {
        callout_mark(out, m);
    }
    out.push_str("</g>");
}

/// The maintenance marker of a tile's named box, inside it.
pub fn callout_mark(out: &mut String, m: &NodeMarkup<'_>) {
    maintenance_mark(out, "", compact_mark(plan::compact_width(m.name)));
}

/// A wrench drawn as a line around its centre (in a 24-unit square): a ring
/// open to the upper right, its handle to the lower left.
pub const WRENCH: &str = "M 3.5 -7.7 A 4.2 4.2 0 1 0 7.7 -3.5 M 0.5 -0.5 L -6.5 6.5";

/// Where a box's maintenance marker goes and how large it is: centre and
/// radius, in the box's coordinates. On the top edge at the right, clear of
/// the name (a little above the edge) and of the status, which keep their
/// place and colour.
#[derive(Debug, Clone, Copy)]
struct Mark {
    x: f64,
    y: f64,
    r: f64,
}

/// The marker of a full box `width` wide.
fn full_mark(width: f64) -> Mark {
    Mark {
        x: width - 18.0,
        y: -2.0,
        r: 11.0,
    }
}

/// The marker of a one-line box `width` wide (and of a tile's named box).
fn compact_mark(width: f64) -> Mark {
    Mark {
        x: width - 14.0,
        y: -2.0,
        r: 10.0,
    }
}

/// The marker of a tile `size` wide: on its upper right corner, clear of
/// its status icon.
fn tile_mark(size: f64) -> Mark {
    Mark {
        x: size - 3.0,
        y: 3.0,
        r: 9.0,
    }
}

/// The maintenance marker (a wrench on a round badge) at `mark`, with the
/// extra CSS class `class` (the tile's own marker is hidden while its named
/// box shows). No text: the words are on the note line and in the label,
/// which must start with what the box shows (WCAG 2.5.3).
fn maintenance_mark(out: &mut String, class: &str, mark: Mark) {
    let _ = write!(
        out,
        concat!(
            r#"<g class="node-maint{sep}{class}" transform="translate({x:.1},{y:.1}) scale({s:.3})">"#,
            r#"<circle class="node-maint-badge" r="12"/><path class="node-maint-icon" d="{d}"/></g>"#,
        ),
        sep = if class.is_empty() { "" } else { " " },
        class = class,
        x = mark.x,
        y = mark.y,
        s = mark.r / 12.0,
        d = WRENCH,
    );
}

/// Every maintenance marker box `m` carries at its density, except the one
/// in a tile's named box ([`callout`] writes that).
pub fn maintenance_marks(out: &mut String, m: &NodeMarkup<'_>) {
    match m.density {
        Density::Full => maintenance_mark(out, "", full_mark(m.rect.width)),
        Density::Compact => maintenance_mark(out, "", compact_mark(m.rect.width)),
        Density::Tiles => maintenance_mark(out, "node-maint-tile", tile_mark(m.rect.width)),
    }
}

/// A tile's name beneath it, in drawing coordinates (the labels are a layer
/// of their own, over the boxes, written by `tile_labels` for the tiles in
/// view): at most two lines as wide as the tile and the gap beside it.
pub fn tile_label(out: &mut String, m: &NodeMarkup<'_>) {
    let x = m.rect.x + m.rect.width / 2.0;
    let _ = write!(
        out,
        r#"<text class="tile-label" data-label-for="{id}" x="{x:.1}" y="{y:.1}" font-size="{size}" text-anchor="middle">"#,
        id = escape(m.id),
        y = m.rect.bottom() + TILE_LABEL_SIZE + 1.0,
        size = TILE_LABEL_SIZE,
    );
    let lines = plan::wrap(
        &neutral(m.name),
        TILE_LABEL_WIDTH,
        TILE_LABEL_SIZE,
        TILE_LABEL_LINES,
    );
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { TILE_LABEL_SIZE * 1.15 };
        let _ = write!(
            out,
            r#"<tspan x="{x:.1}" dy="{dy:.1}">{}</tspan>"#,
            escape(line)
        );
    }
    out.push_str("</text>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markup(density: Density, named: bool) -> String {
        let rect = Rect {
            x: 100.0,
            y: 50.0,
            width: if density == Density::Tiles {
                40.0
            } else {
                200.0
            },
            height: 40.0,
        };
        let m = NodeMarkup {
            id: "db",
            name: "Billing <db>",
            rect,
            callout: Rect {
                x: 60.0,
                y: 40.0,
                width: 300.0,
                height: 80.0,
            },
            zoom: 2.0,
            density,
        };
        let mut out = String::new();
        body(&mut out, &m, Status::Critical, named, false);
        out
    }

    #[test]
    fn a_compact_box_is_one_line_icon_then_name() {
        let out = markup(Density::Compact, true);
        assert!(
            out.contains(r#"<tspan class="node-icon">✖</tspan>"#),
            "{out}"
        );
        assert!(out.contains(">Billing &lt;db&gt;</text>"), "{out}");
        assert!(out.contains(r#"height="40.0""#), "{out}");
        assert!(!out.contains("node-note"), "{out}");
    }

    #[test]
    fn a_tile_carries_its_named_box_enlarged_in_place() {
        let out = markup(Density::Tiles, true);
        assert!(
            out.contains(r#"class="node-box node-tile" width="40.0""#),
            "{out}"
        );
        // The named box is relative to the tile's corner, enlarged.
        assert!(
            out.contains(r#"transform="translate(-40.0,-10.0) scale(2.000)""#),
            "{out}"
        );
        assert_eq!(out.matches(r#"class="node-icon""#).count(), 1, "{out}");
        assert!(
            out.contains(&format!(r#"d="{}""#, tile_icon(Status::Critical))),
            "{out}"
        );
        assert!(out.contains(">Billing &lt;db&gt;</text>"), "{out}");
    }

    #[test]
    fn a_tile_label_is_the_name_in_two_lines_under_the_tile() {
        let m = NodeMarkup {
            id: "db",
            name: "Billing <db> \u{202E}db 12",
            rect: Rect {
                x: 100.0,
                y: 50.0,
                width: 40.0,
                height: 40.0,
            },
            callout: Rect {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.0,
            },
            zoom: 1.0,
            density: Density::Tiles,
        };
        let mut out = String::new();
        tile_label(&mut out, &m);
        assert!(
            out.starts_with(r#"<text class="tile-label" data-label-for="db" x="120.0" y="97.0""#),
            "{out}"
        );
        assert!(out.contains(">Billing &lt;db&gt;</tspan>"), "{out}");
        assert!(out.contains(r#"dy="6.9">[U+202E]db 12</tspan>"#), "{out}");
        assert!(!out.contains('\u{202E}'), "{out}");
    }

    #[test]
    fn a_tile_drawn_healthy_has_no_named_box_yet() {
        let out = markup(Density::Tiles, false);
        assert!(!out.contains("node-callout"), "{out}");
        assert!(!out.contains("node-name"), "{out}");
        assert!(
            !out.contains("<text"),
            "no text to lay out again on zoom: {out}"
        );
    }
}
