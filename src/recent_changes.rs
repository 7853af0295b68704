//! The latest status changes across the cluster, under the diagram.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::Snapshot;

use crate::transition_list::{TransitionEntry, TransitionList};

/// How many of the latest changes are shown.
const SHOWN: usize = 3;

/// The last few transitions (time, service, from → to, cause), newest first;
/// nothing before the first change. A refresh adds new changes at the top
/// and leaves the others' elements as they are.
#[component]
pub fn RecentChanges(
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
) -> impl IntoView {
    let entries = Memo::new(move |_| {
        snapshot.with(|snap| {
            snap.iter()
                .flat_map(|s| s.recent.iter().take(SHOWN))
                .map(|t| TransitionEntry {
                    service: Some(t.service.clone()),
                    transition: t.transition.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || entries.with(|e| !e.is_empty())>
            <div class="recent-changes" data-testid="recent-changes">
                <h2 class="recent-title">"Recent changes"</h2>
                <TransitionList entries=entries />
            </div>
        </Show>
    }
}
