//! One service box in the document: the elements a new snapshot rewrites.
//!
//! The box is written as markup by [`super::markup::node`]; this keeps
//! handles to its changing parts and writes only what changed, so a refresh
//! that changes nothing touches no DOM.

use web_sys::Element;

use super::markup;
use super::model::{Density, NodeLook};
use super::shapes::{self, NodeMarkup};

/// The changing parts of one box.
pub struct NodeDom {
    g: Element,
    title: Option<Element>,
    /// Every status icon of the box (a tile has two: its own and its named box's).
    icons: Vec<Element>,
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
            word: part(".node-word"),
            note: part(".node-note"),
            g,
        };
        dom.find_icons();
        dom
    }

    /// The icons: a tile's own first, its named box's second (if written).
    fn find_icons(&mut self) {
        let part = |selector: &str| self.g.query_selector(selector).ok().flatten();
        self.icons = [".node-icon", ".node-callout .node-icon"]
            .iter()
            .filter_map(|selector| part(selector))
            .fold(Vec::new(), |mut found, icon| {
                if !found.contains(&icon) {
                    found.push(icon);
                }
                found
            });
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
        shapes::callout(&mut html, m, look.effective);
        let _ = self.g.insert_adjacent_html("beforeend", &html);
        self.find_icons();
    }

    /// The box's `<g>`.
    pub fn element(&self) -> &Element {
        &self.g
    }

    /// Writes `look` (and the selection, and whether it shows its name or is
    /// a tile; `width` is what its text is fitted to) into the box, changing only what
    /// differs from `before`, what the box shows now.
    pub fn apply(
        &self,
        name: &str,
        width: f64,
        (look, selected, named): (&NodeLook, bool, bool),
        (before, was_selected, was_named): (&NodeLook, bool, bool),
    ) {
        let g = &self.g;
        if look != before || selected != was_selected || named != was_named {
            let _ = g.set_attribute("class", &markup::node_class(look, selected, named));
        }
        if selected != was_selected {
            let _ = g.set_attribute("aria-pressed", if selected { "true" } else { "false" });
        }
        if look == before {
            return;
        }
        if look.effective != before.effective {
            let _ = g.set_attribute("data-status", look.effective.as_str());
            for icon in &self.icons {
                icon.set_text_content(Some(look.effective.icon()));
            }
            set_text(self.word.as_ref(), &markup::status_word(look.effective));
        }
        if look.own != before.own {
            let _ = g.set_attribute("data-own-status", look.own.as_str());
        }
        if look.impacted_by != before.impacted_by {
            if look.impacted_by.is_empty() {
                let _ = g.remove_attribute("data-impacted-by");
            } else {
                let _ = g.set_attribute("data-impacted-by", &look.impacted_by.join(","));
            }
        }
        if look.pending != before.pending {
            match &look.pending {
                Some(p) => {
                    let _ = g.set_attribute("data-pending", p);
                }
                None => {
                    let _ = g.remove_attribute("data-pending");
                }
            }
        }
        let label = markup::node_label(look, name);
        let _ = g.set_attribute("aria-label", &label);
        set_text(self.title.as_ref(), &label);
        if look.note != before.note {
            set_text(self.note.as_ref(), &markup::note_text(look, width));
        }
    }
}

fn set_text(element: Option<&Element>, text: &str) {
    if let Some(e) = element {
        e.set_text_content(Some(text));
    }
}
