//! One dependency edge in the document: what a new snapshot rewrites.

use panopticon_core::Status;
use panopticon_engine::config::Strength;
use web_sys::Element;

use super::markup;

/// The changing parts of one edge (a `<path data-from data-to>` written by
/// [`markup::edge`]).
pub struct EdgeDom {
    path: Element,
    title: Option<Element>,
}

impl EdgeDom {
    /// Handles into the edge `path`.
    pub fn find(path: Element) -> EdgeDom {
        EdgeDom {
            title: path.query_selector(":scope > title").ok().flatten(),
            path,
        }
    }

    /// Writes what the edge passes on now and whether it is highlighted
    /// (it belongs to the selected service), where either changed.
    pub fn apply(
        &self,
        label: &str,
        strength: Strength,
        (status, lit): (Status, bool),
        (before, was_lit): (Status, bool),
    ) {
        if status == before && lit == was_lit {
            return;
        }
        let path = &self.path;
        let _ = path.set_attribute("class", &markup::edge_class(strength, status, lit));
        if status == before {
            return;
        }
        let _ = path.set_attribute("data-passes", status.as_str());
        if let Some(title) = &self.title {
            title.set_text_content(Some(&markup::edge_title(label, strength, status)));
        }
    }
}
