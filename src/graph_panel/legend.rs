//! The graph's legend: each shown series' mark, name and last value, and
//! how many were left out.

use leptos::prelude::*;
use panopticon_charts::ChartModel;

use crate::untrusted::Untrusted;

/// `<ul class="graph-legend">`, empty while the graph has no data.
#[component]
pub fn Legend(
    /// What the graph shows; `None` while loading.
    model: Memo<Option<ChartModel>>,
) -> impl IntoView {
    let items = move || {
        model.with(|m| {
            m.as_ref().map(|m| {
                let entries = m.entries.iter().map(|e| {
                    view! {
                        <li class="graph-legend-item" data-testid="graph-legend-item">
                            <span class=format!("graph-swatch series-{}", e.index + 1) aria-hidden="true">
                                {e.mark.glyph()}
                            </span>
                            <span class="graph-series-name"><Untrusted text=e.label.clone() /></span>
                            <span class="graph-last">{e.last_text.clone()}</span>
                        </li>
                    }
                });
                let note = m.hidden_note().map(|note| {
                    view! { <li class="graph-hidden-note" data-testid="graph-hidden">{note}</li> }
                });
                (entries.collect_view(), note)
            })
        })
    };
    view! { <ul class="graph-legend">{items}</ul> }
}
