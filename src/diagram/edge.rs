//! One dependency edge in the document: what a new snapshot rewrites, with
//! the attribute list the markup writes ([`dom_contract::edge_attributes`]).

use panopticon_core::Status;
use panopticon_engine::config::Strength;
use web_sys::Element;

use super::dom_contract::{self, edge_attributes};

/// The changing parts of one edge (a `<path data-from data-to>` written by
/// [`super::markup::edge`]).
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

    /// Writes what the edge `ends` (dependant, dependency) passes on now and
    /// whether it is highlighted (it belongs to the selected service), where
    /// either changed.
    pub fn apply(
        &self,
        (ends, label): ((&str, &str), &str),
        strength: Strength,
        now: (Status, bool),
        before: (Status, bool),
    ) {
        if now == before {
            return;
        }
        dom_contract::patch(
            &self.path,
            &edge_attributes(ends, strength, now),
            &edge_attributes(ends, strength, before),
        );
        if now.0 != before.0
            && let Some(title) = &self.title
        {
            title.set_text_content(Some(&dom_contract::edge_title(label, strength, now.0)));
        }
    }
}
