//! The graphs of the view on screen.

use leptos::prelude::*;

use crate::graph_panel::GraphPanel;
use crate::refresh::GraphSlot;

/// One panel per graph of the current view, once the dashboard lets them be
/// built (after the first status, so they never hold it back).
#[component]
pub fn GraphList(
    /// The graph slots of every view, by view index.
    slots: Vec<Vec<GraphSlot>>,
    /// The index of the view on screen.
    #[prop(into)]
    view: Signal<usize>,
    /// Whether the graphs may be built yet.
    #[prop(into)]
    built: Signal<bool>,
) -> impl IntoView {
    let panels = move || {
        if !built.get() {
            return None;
        }
        let panels = slots
            .get(view.get())
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|slot| {
                view! { <GraphPanel graph=slot.graph data=slot.data width_px=slot.width_px /> }
            })
            .collect_view();
        Some(panels)
    };
    view! { <section class="graphs" aria-label="Graphs">{panels}</section> }
}
