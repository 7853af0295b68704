//! The dashboard for one configuration: banner, diagram, detail, graphs.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use panopticon_engine::Config;

use crate::cluster_banner::ClusterBanner;
use crate::data_age::DataAge;
use crate::diagram::DependencyDiagram;
use crate::graph_panel::GraphPanel;
use crate::recent_changes::RecentChanges;
use crate::refresh::{self, GraphSlot, Refresher};
use crate::service_detail::ServiceDetail;
use crate::source_alert::SourceAlert;
use crate::source_info::SourceInfo;
use crate::source_notice::SourceNotice;
use crate::theme_toggle::{LightTheme, ThemeToggle};
use crate::url_state;
use crate::view_tabs::ViewTabs;

/// How long the diagram and the graphs wait for the first status before they are
/// built anyway.
const FIRST_STATUS_WAIT: Duration = Duration::from_secs(1);

/// Everything for one loaded configuration. Owns the refresh cycle: it starts
/// when this mounts and stops when it unmounts.
#[component]
pub fn Dashboard(
    /// The validated configuration.
    config: Arc<Config>,
) -> impl IntoView {
    let (refresher, live) = Refresher::new(Arc::clone(&config));

    // Graph slots for every view, made once, so switching views keeps their data.
    let slots: Vec<Vec<GraphSlot>> = config
        .views
        .iter()
        .map(|v| v.graphs.iter().cloned().map(GraphSlot::new).collect())
        .collect();
    let initial_view = url_state::param("view")
        .and_then(|id| config.views.iter().position(|v| v.id == id))
        .unwrap_or(0);
    let view_index = RwSignal::new(initial_view);
    let selected = RwSignal::new(url_state::param("service"));

    // The first refresh asks for the initial view's graphs together with the
    // checks; a later view switch refreshes at once so its graphs fill. (Starting
    // a refresh and then replacing it for the graphs cancelled every query of the
    // page's first refresh and delayed the first status.)
    refresher.set_graphs(slots.get(initial_view).cloned().unwrap_or_default());
    let refresher_for_views = Rc::clone(&refresher);
    let slots_for_views = slots.clone();
    Effect::new(move |previous: Option<usize>| {
        let i = view_index.get();
        if previous.is_some_and(|p| p != i) {
            refresher_for_views.show_graphs(slots_for_views.get(i).cloned().unwrap_or_default());
        }
        i
    });
    refresh::start(&refresher);

    Effect::new(move |_| url_state::set_param("service", selected.get().as_deref()));

    // What the screen shows (current, last known or expired) is the
    // monitor's answer, written into `live` by the refresh cycle.
    let freshness = live.freshness;
    // The cluster status first, then the detail: the diagram and the graphs are
    // built once the first refresh has been judged (or after a second, so a
    // Prometheus that does not answer still gets its grey diagram). Building them
    // earlier kept the main thread busy with their mount, style and layout while the
    // first refresh's answers waited to be read, and each wave of queries (the
    // browser runs six at a time) could only start after that: the first status
    // came hundreds of milliseconds later. They would also render grey first and
    // then again in colour.
    //
    // The flag flips in a task of its own, so the banner's new status reaches the
    // screen before the diagram's mount and layout start, and only once: writing a
    // signal notifies even with an equal value, and every notification would build
    // the diagram and the graphs anew.
    let built = RwSignal::new(false);
    let build = move || {
        if built.try_get_untracked() == Some(false) {
            built.set(true);
        }
    };
    set_timeout(build, FIRST_STATUS_WAIT);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true; // reads nothing more: the effect is done for good
        }
        if live.refreshes.get() == 0 {
            return false;
        }
        set_timeout(build, Duration::ZERO);
        true
    });
    let is_overview = move || view_index.get() == 0;
    let client = refresher.client().clone();
    // Before any child: the theme toggle and the graphs share it.
    LightTheme::provide();
    let views: Vec<(String, String)> = config
        .views
        .iter()
        .map(|v| (v.id.clone(), v.name.clone()))
        .collect();

    let diagram_config = Arc::clone(&config);
    let detail_config = Arc::clone(&config);
    let snapshot = live.snapshot;
    // The diagram takes the whole width when the overview has no graphs (style/diagram-size.css).
    let no_graphs = slots.first().is_none_or(Vec::is_empty);
    let graphs = move || {
        if !built.get() {
            return None;
        }
        let views = slots
            .get(view_index.get())
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|slot| {
                view! { <GraphPanel graph=slot.graph data=slot.data width_px=slot.width_px /> }
            })
            .collect_view();
        Some(views)
    };
    view! {
        <div
            class="dashboard"
            class:view-overview=is_overview
            data-freshness=move || freshness.get().as_str()
        >
            <header class="topbar">
                <h1 class="app-title">"Panopticon"</h1>
                <ViewTabs views=views current=view_index />
                <div class="topbar-right">
                    <DataAge live=live freshness=freshness />
                    <SourceInfo client=client refreshes=live.refreshes />
                    <ThemeToggle />
                </div>
            </header>
            // The page's one `main` landmark: everything but the top bar, so a
            // screen reader's "skip to main" lands on the status.
            <main class="dashboard-main">
                <SourceAlert alert=live.source_alert warnings=live.warnings />
                <SourceNotice message=live.slow testid="source-slow" />
                <SourceNotice message=live.clock_skew testid="clock-skew" />
                <ClusterBanner snapshot=snapshot summary=live.summary stale=live.stale />
                <Show
                    when=is_overview
                    fallback={
                        let graphs = graphs.clone();
                        move || view! { <section class="graphs" aria-label="Graphs">{graphs.clone()}</section> }
                    }
                >
                    <div class="overview" class:no-graphs=no_graphs>
                        <section class="panel diagram-panel" aria-label="Service dependencies">
                            {
                                let diagram_config = Arc::clone(&diagram_config);
                                move || {
                                    built
                                        .get()
                                        .then(|| {
                                            view! {
                                                <DependencyDiagram
                                                    config=Arc::clone(&diagram_config)
                                                    snapshot=snapshot
                                                    selected=selected
                                                />
                                            }
                                        })
                                }
                            }
                            <RecentChanges snapshot=snapshot />
                        </section>
                        <div class="side">
                            <section class="graphs" aria-label="Graphs">{graphs.clone()}</section>
                            <ServiceDetail config=Arc::clone(&detail_config) snapshot=snapshot selected=selected />
                        </div>
                    </div>
                </Show>
            </main>
        </div>
    }
    .into_any()
}
