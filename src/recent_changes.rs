//! The latest status changes across the cluster, under the diagram.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::Snapshot;

use crate::service_detail::transition_item;

/// The last few transitions (time, service, from → to, cause), newest first;
/// nothing before the first change.
#[component]
pub fn RecentChanges(
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
) -> impl IntoView {
    move || {
        let snap = snapshot.get()?;
        if snap.recent.is_empty() {
            return None;
        }
        let items = snap
            .recent
            .iter()
            .take(3)
            .map(|t| transition_item(Some(&t.service), &t.transition))
            .collect_view();
        Some(view! {
            <div class="recent-changes" data-testid="recent-changes">
                <h2 class="recent-title">"Recent changes"</h2>
                <ol class="transitions">{items}</ol>
            </div>
        })
    }
}
