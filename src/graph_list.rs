//! The graphs of the view on screen.

use leptos::prelude::*;

use crate::graph_panel::range::{TimeRange, problem_note};
use crate::refresh::Refresher;

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
    let note = use_context::<RangeNote>().map(|n| n.0);
    let note = move || {
        note.and_then(|n| n.get())
            .map(|text| view! { <p class="range-note" data-testid="range-note">{text}</p> })
    };
    view! { <section class="graphs" aria-label="Graphs">{note}{panels}</section> }
}

/// Why the URL's `from`/`to` are not used, shown above the graphs; provided
/// by the dashboard.
#[derive(Debug, Clone, Copy)]
pub struct RangeNote(pub RwSignal<Option<String>>);

/// Sets the graphs' range from `from`/`to` as written (URL parameters):
/// none keeps each graph's own range; a bad one too, with a note saying why.
pub fn apply_range(
    refresher: &Refresher,
    note: RangeNote,
    range: Option<Result<TimeRange, crate::graph_panel::range::RangeProblem>>,
) {
    match range {
        Some(Ok(range)) => {
            refresher.set_range(Some(range));
            note.0.set(None);
        }
        Some(Err(problem)) => {
            refresher.set_range(None);
            note.0.set(Some(problem_note(&problem)));
        }
        None => {
            refresher.set_range(None);
            note.0.set(None);
        }
    }
}
