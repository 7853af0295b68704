//! The first view: the dependency diagram and recent changes beside the
//! graphs and the selected service's detail.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::Config;

use crate::diagram::DependencyDiagram;
use crate::graph_list::GraphList;
use crate::recent_changes::RecentChanges;
use crate::refresh::{GraphSlot, LiveState};
use crate::service_detail::ServiceDetail;
use crate::unmatched_alerts::UnmatchedAlerts;

/// The overview's panels.
#[component]
pub fn Overview(
    /// The validated configuration.
    config: Arc<Config>,
    /// The live state: the statuses on screen.
    live: LiveState,
    /// The graph slots of every view (the overview's are the first).
    slots: Vec<Vec<GraphSlot>>,
    /// Whether the diagram and the graphs may be built yet.
    #[prop(into)]
    built: Signal<bool>,
    /// The selected service id, shared by the diagram and the detail.
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let snapshot = live.snapshot;
    // The diagram takes the whole width when the overview has no graphs (style/diagram-size.css).
    let no_graphs = slots.first().is_none_or(Vec::is_empty);
    let diagram_config = Arc::clone(&config);
    let diagram = move || {
        built.get().then(|| {
            view! {
                <DependencyDiagram config=Arc::clone(&diagram_config) snapshot=snapshot selected=selected />
            }
        })
    };
    view! {
        <div class="overview" class:no-graphs=no_graphs>
            <section class="panel diagram-panel" aria-label="Service dependencies">
                {diagram}
                <UnmatchedAlerts snapshot=snapshot />
                <RecentChanges snapshot=snapshot />
            </section>
            <div class="side">
                <GraphList slots=slots view=0 built=built />
                <ServiceDetail config=config snapshot=snapshot selected=selected />
            </div>
        </div>
    }
}
