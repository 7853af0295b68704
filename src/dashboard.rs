//! The dashboard for one configuration: top bar, banner, diagram, detail, graphs.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::Config;

use crate::alert_source_error::AlertSourceError;
use crate::cluster_banner::ClusterBanner;
use crate::embed::{self, protocol::Order, protocol::Theme};
use crate::first_refresh::built_after_first_status;
use crate::graph_list::{self, GraphList, RangeNote};
use crate::graph_panel::range::TimeRange;
use crate::history_store;
use crate::kiosk::{self, Activity};
use crate::overview::Overview;
use crate::refresh::{self, GraphSlot, Refresher};
use crate::reload_watch;
use crate::rotation;
use crate::sound;
use crate::source_alert::SourceAlert;
use crate::source_notice::SourceNotice;
use crate::theme_toggle::{LightTheme, apply_theme};
use crate::top_bar::TopBar;
use crate::url_state;
use crate::variable_picker::VariableError;
use crate::variables::{Variables, use_variables};

/// Everything for one loaded configuration, bound to its template
/// variables' values: a new binding (picker, `var-` URL, host page) rebuilds
/// the dashboard below with a fresh evaluation, like a view switch; the
/// view, range and theme are in the URL, so they stay.
#[component]
pub fn Dashboard(
    /// The validated configuration, its `$name`s not yet bound.
    config: Arc<Config>,
    /// The text it was read from.
    text: String,
) -> impl IntoView {
    // Once per page: its window listeners outlive any one binding (and any
    // one cluster's dashboard: the fleet page installs it for them all).
    if use_context::<Activity>().is_none() {
        provide_context(Activity::install());
    }
    let vars = Variables::provide(&config);
    move || match vars.bound(&config) {
        Some(Ok(bound)) => view! { <BoundDashboard config=bound text=text.clone() /> }.into_any(),
        Some(Err(why)) => view! { <crate::variables::Unbound why=why /> }.into_any(),
        None => view! {
            <p class="loading" data-testid="loading">"Loading the variables' values…"</p>
        }
        .into_any(),
    }
}

/// The dashboard for one bound configuration. Owns the refresh cycle: it
/// starts when this mounts and stops when it unmounts.
#[component]
fn BoundDashboard(
    /// The validated configuration.
    config: Arc<Config>,
    /// The text it was read from, to tell a changed file from the one running.
    text: String,
) -> impl IntoView {
    let config = with_url_refresh(config);
    let (refresher, live) = Refresher::new(Arc::clone(&config));
    // Before the first refresh: the first snapshot already lists what an
    // earlier page load saw.
    refresher.restore_history(&history_store::load(&config));
    history_store::keep(&config, live.snapshot);
    let kiosk = kiosk::requested();
    // Graph slots for every view, made once, so switching views keeps their data.
    let slots: Vec<Vec<GraphSlot>> = config
        .views
        .iter()
        .enumerate()
        // A kiosk's overview is the banner and the diagram alone.
        .map(|(i, v)| {
            if kiosk && i == 0 {
                return Vec::new();
            }
            v.graphs.iter().cloned().map(GraphSlot::new).collect()
        })
        .collect();
    let view_index = RwSignal::new(
        url_state::param("view")
            .and_then(|id| config.views.iter().position(|v| v.id == id))
            .unwrap_or(0),
    );
    let selected = RwSignal::new(url_state::param("service"));
    follow_views(&refresher, slots.clone(), view_index);
    // Before the first refresh, so its graphs already ask for `from`/`to`.
    let range_note = RangeNote(RwSignal::new(None));
    provide_context(range_note);
    graph_list::apply_range(
        &refresher,
        range_note,
        TimeRange::parse(
            url_state::param("from").as_deref(),
            url_state::param("to").as_deref(),
            live.now.get_untracked(),
        ),
    );
    refresh::start(&refresher);
    let activity = use_context::<Activity>().unwrap_or_else(Activity::install);
    if kiosk {
        kiosk::start(live.now, activity);
    }
    let rotation = url_state::param("rotate")
        .and_then(|text| url_state::parse_duration(&text))
        .map(|every| {
            let status = Signal::derive(move || live.summary.with(|s| s.status));
            rotation::start(
                every.max(rotation::MIN_SECS),
                config.views.len(),
                view_index,
                live.now,
                status,
                activity,
            )
        });
    let rejected = reload_watch::start(
        reload_watch::Running {
            config_path: config.source_name.clone(),
            config_text: text,
            refresh_secs: config.datasource.refresh_secs,
        },
        live.now,
        live.refreshes,
        activity,
    );
    Effect::new(move |_| url_state::set_param("service", selected.get().as_deref()));
    let sound = sound::start(live);

    let built = built_after_first_status(live.refreshes);
    let is_overview = move || view_index.get() == 0;
    // Before any child: the theme toggle and the graphs share it.
    let light = LightTheme::provide();
    let view_ids: Vec<String> = config.views.iter().map(|v| v.id.clone()).collect();
    embed::start(
        config.embedding.allowed_origins.clone(),
        view_ids.clone(),
        live,
        obey(
            Rc::clone(&refresher),
            light,
            view_index,
            view_ids,
            range_note,
        ),
    );
    let views = config
        .views
        .iter()
        .map(|v| (v.id.clone(), v.name.clone()))
        .collect();
    let graphs = {
        let slots = slots.clone();
        move || view! { <GraphList slots=slots.clone() view=view_index built=built /> }
    };
    // The panels below the banner are mounted once the first status is
    // shown (or after a second without it), not with the banner: their mount
    // (and the compiling of their code, which the browser does on first use)
    // ran in the task that starts the first refresh, whose requests leave and
    // whose answers are read only once that task ends, so the first status
    // waited for panels it does not need.
    let panels = move || {
        built.get().then(|| {
            let graphs = graphs.clone();
            let config = Arc::clone(&config);
            let slots = slots.clone();
            view! {
                <Show when=is_overview fallback=graphs>
                    <Overview
                        config=Arc::clone(&config)
                        live=live
                        selected=selected
                        built=built
                        slots=slots.clone()
                    />
                </Show>
            }
        })
    };
    // What the screen shows (current, last known or expired) is the
    // monitor's answer, written into `live` by the refresh cycle.
    view! {
        <div
            class="dashboard"
            class:view-overview=is_overview
            data-freshness=move || live.freshness.get().as_str()
            data-rotation=move || rotation.map(|r| r.state.get())
            class:flash-critical=move || rotation.is_some_and(|r| r.flash.get())
        >
            <TopBar views=views current=view_index live=live client=refresher.client().clone() />
            // The page's one `main` landmark: everything but the top bar, so a
            // screen reader's "skip to main" lands on the status.
            <main class="dashboard-main">
                <SourceAlert alert=live.source_alert warnings=live.warnings sources=live.sources />
                <AlertSourceError problems=live.alert_source_errors />
                <SourceNotice message=live.slow testid="source-slow" />
                <SourceNotice message=live.clock_skew testid="clock-skew" />
                <SourceNotice message=rejected testid="config-rejected" />
                <VariableError />
                {sound}
                <ClusterBanner
                    snapshot=live.snapshot
                    summary=live.summary
                    stale=live.stale
                    maintenance=live.maintenance
                />
                {panels}
            </main>
        </div>
    }
    .into_any()
}

/// Carries out what a host page's `panopticon:set` validly asks, and writes
/// it into the URL, so copying the address reproduces the screen.
fn obey(
    refresher: Rc<Refresher>,
    light: LightTheme,
    view: RwSignal<usize>,
    view_ids: Vec<String>,
    note: RangeNote,
) -> impl Fn(Order) + 'static {
    let variables = use_variables();
    move |order: Order| {
        if let Some(theme) = order.theme {
            let is_light = theme == Theme::Light;
            light.0.set(is_light);
            apply_theme(is_light.then_some("light"));
            url_state::set_param("theme", is_light.then_some("light"));
        }
        // The same range again (a host repeating its state) asks Prometheus nothing new.
        let same = |range: &TimeRange| {
            url_state::param("from").as_deref() == Some(range.written_from())
                && url_state::param("to").as_deref() == Some(range.written_to())
        };
        if let Some(range) = order.range.filter(|r| !same(r)) {
            url_state::set_param("from", Some(range.written_from()));
            url_state::set_param("to", Some(range.written_to()));
            graph_list::apply_range(&refresher, note, Some(Ok(range)));
            // A view switch below refreshes too; the later refresh replaces this one.
            refresher.run();
        }
        if let Some(i) = order.view {
            view.set(i);
            url_state::set_param("view", (i > 0).then(|| view_ids[i].as_str()));
        }
        // Last: a new binding rebuilds the dashboard from the URL just written.
        if let (Some(vars), Some(variables)) = (order.vars, variables) {
            variables.ask(vars);
        }
    }
}

/// `config` with the refresh interval `?refresh=` asks for (Grafana's
/// spelling), within the bounds of [`url_state::refresh_override`]. Only the
/// interval changes, to a positive value as the parser requires.
fn with_url_refresh(config: Arc<Config>) -> Arc<Config> {
    let ds = &config.datasource;
    let Some(secs) = url_state::refresh_override(
        url_state::param("refresh").as_deref(),
        ds.refresh_secs,
        ds.stale_after_secs,
    ) else {
        return config;
    };
    let mut changed = (*config).clone();
    changed.datasource.refresh_secs = secs;
    Arc::new(changed)
}

/// The first refresh asks for the initial view's graphs together with the
/// checks; a later view switch refreshes at once so its graphs fill. (Starting
/// a refresh and then replacing it for the graphs cancelled every query of the
/// page's first refresh and delayed the first status.)
fn follow_views(refresher: &Rc<Refresher>, slots: Vec<Vec<GraphSlot>>, view: RwSignal<usize>) {
    let graphs_of = move |i: usize| slots.get(i).cloned().unwrap_or_default();
    refresher.set_graphs(graphs_of(view.get_untracked()));
    let refresher = Rc::clone(refresher);
    Effect::new(move |previous: Option<usize>| {
        let i = view.get();
        if previous.is_some_and(|p| p != i) {
            refresher.show_graphs(graphs_of(i));
        }
        i
    });
}
