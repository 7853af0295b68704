//! One service box in the document: the elements a new snapshot rewrites.
//!
//! The box is written as markup by [`super::markup::node`]; this keeps
//! handles to its changing parts and writes only what changed, so a refresh
//! that changes nothing touches no DOM. Its attributes are the same list the
//! markup writes ([`super::dom_contract::node_attributes`]).

use web_sys::Element;

use super::dom_contract::{self, BoxState, node_attributes};
use super::look::NodeLook;
use super::markup;
use super::plan::Density;
use super::shapes::{self, NodeMarkup};

/// The changing parts of one box.
pub struct NodeDom {
    g: Element,
    title: Option<Element>,
    /// Every status glyph of the box (a tile's named box has one).
    icons: Vec<Element>,
    /// A tile's own icon, a path (`shapes::tile_icon`).
    tile_icon: Option<Element>,
    word: Option<Element>,
    note: Option<Element>,
}

impl NodeDom {
    /// Handles into the box `g` (a `<g data-service>` written by the markup).
    pub fn find(g: Element) -> NodeDom {
        let part = |selector: &str| g.query_selector(selector).ok().flatten();
        let mut dom = NodeDom {
            title: part(":scope > title"),
            icons: Vec::new(),
            tile_icon: part(".node-tile-icon"),
            word: part(".node-word"),
            note: part(".node-note"),
            g,
        };
        dom.find_icons();
        dom
    }

    /// The status glyphs (a box has one, a tile only in its named box).
    fn find_icons(&mut self) {
        self.icons = self
            .g
            .query_selector(".node-icon")
            .ok()
            .flatten()
            .into_iter()
            .collect();
    }

    /// Writes a tile's named box the first time it is needed (the markup
    /// leaves it out of tiles that were healthy when drawn), as `look` shows.
    pub fn ensure_callout(&mut self, m: &NodeMarkup<'_>, look: &NodeLook) {
        let has = self
            .g
            .query_selector(".node-callout")
            .ok()
            .flatten()
            .is_some();
        if has || m.density != Density::Tiles {
            return;
        }
        let mut html = String::new();
        shapes::callout(&mut html, m, look.effective, look.maintenance);
        let _ = self.g.insert_adjacent_html("beforeend", &html);
        self.find_icons();
    }

    /// The box's `<g>`.
    pub fn element(&self) -> &Element {
        &self.g
    }

    /// Writes `now` into the box `m`, changing only what differs from
    /// `before`, what the box shows now.
    pub fn apply(&self, m: &NodeMarkup<'_>, now: BoxState<'_>, before: BoxState<'_>) {
        if now == before {
            return;
        }
        dom_contract::patch(
            &self.g,
            &node_attributes(m.id, m.name, now),
            &node_attributes(m.id, m.name, before),
        );
        let (look, before) = (now.look, before.look);
        if look == before {
            return;
        }
        if look.effective != before.effective {
            for icon in &self.icons {
                icon.set_text_content(Some(look.effective.icon()));
            }
            if let Some(path) = &self.tile_icon {
                let _ = path.set_attribute("d", shapes::tile_icon(look.effective));
            }
            set_text(self.word.as_ref(), &markup::status_word(look.effective));
        }
        set_text(self.title.as_ref(), &dom_contract::node_label(look, m.name));
        if look.note != before.note {
            set_text(self.note.as_ref(), &markup::note_text(look, m.text_width()));
        }
        if look.maintenance && !before.maintenance {
            self.ensure_maintenance(m);
        }
    }

    /// Writes the maintenance markers the box lacks (the markup writes them
    /// only for a box in maintenance when drawn). They are never removed:
    /// CSS shows them only while the box has `data-maintenance`.
    fn ensure_maintenance(&self, m: &NodeMarkup<'_>) {
        let has = |selector: &str| self.g.query_selector(selector).ok().flatten();
        if has(":scope > .node-maint").is_none() {
            let mut html = String::new();
            shapes::maintenance_marks(&mut html, m);
            let _ = self.g.insert_adjacent_html("beforeend", &html);
        }
        if let Some(callout) = has(":scope > .node-callout")
            && has(":scope > .node-callout > .node-maint").is_none()
        {
            let mut html = String::new();
            shapes::callout_mark(&mut html, m);
            let _ = callout.insert_adjacent_html("beforeend", &html);
        }
    }
}

fn set_text(element: Option<&Element>, text: &str) {
    if let Some(e) = element {
        e.set_text_content(Some(text));
    }
}
