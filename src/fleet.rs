//! The fleet overview (`clusters:`): one tile per cluster, worst first, and
//! a cluster's own dashboard on a click or `?cluster=<name>`.
//!
//! Each cluster is the configuration as the engine makes it for that
//! cluster (`Config::for_cluster`), judged by its own refresher (its own
//! monitor: outage, stale and partial answers as on any dashboard); the
//! tiles are the engine's `fleet::summarize` of their screens. The page
//! renders and wires; what a tile says is decided there.

pub mod share;

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::Config;
use panopticon_engine::config::Cluster;
use panopticon_engine::fleet::{ClusterState, FleetSummary, grid_shape, summarize};
use panopticon_engine::snapshot::StatusCounts;
use panopticon_engine::variables::{Options, bounded_answer};

use crate::dashboard::Dashboard;
use crate::fleet_tile::FleetTile;
use crate::kiosk::{self, Activity};
use crate::refresh::{self, LiveState, Refresher};
use crate::reload_watch;
use crate::rotation;
use crate::source_notice::SourceNotice;
use crate::text_list::{KeyedRows, Row};
use crate::theme_toggle::{LightTheme, ThemeToggle};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};
use crate::url_state;

/// The dashboard of `config`, or its fleet page when it declares `clusters:`.
pub fn dashboard_or_fleet(config: Arc<Config>, text: String) -> AnyView {
    if config.clusters.is_some() {
        view! { <Fleet config=config text=text /> }.into_any()
    } else {
        view! { <Dashboard config=config text=text /> }.into_any()
    }
}

/// The label-values answers the clusters need, and why one could not be read.
type Answers = (BTreeMap<String, Vec<String>>, Vec<String>);

/// The fleet page, or one cluster's dashboard (`?cluster=`), with the way back.
#[component]
pub fn Fleet(
    /// The configuration as loaded (with `clusters:`).
    config: Arc<Config>,
    /// The text it was read from (a cluster's dashboard watches it for changes).
    text: String,
) -> impl IntoView {
    // Here, not in each cluster's dashboard: its window listeners live as
    // long as the page, and a dashboard left for the fleet is disposed.
    provide_context(Activity::install());
    // The same for the theme the fleet's toggle flips: one for the page, so
    // the fleet rebuilt after a cluster never finds the disposed one of the
    // page it replaced.
    LightTheme::provide();
    let opened = RwSignal::new(url_state::param("cluster"));
    crate::effect::effect(move || url_state::set_param("cluster", opened.get().as_deref()));
    // `?rotate=` over the fleet: the overview, then each cluster's dashboard
    // (src/rotation.rs); a cluster's dashboard then runs no rotation of its own.
    let rotate = url_state::param("rotate")
        .and_then(|t| url_state::parse_duration(&t))
        .map(|every| every.max(rotation::MIN_SECS));
    let rotating = rotate.map(|_| {
        let state = RwSignal::new("running");
        provide_context(rotation::FleetRotating(state));
        state
    });
    let answers = read_answers(&config);
    move || {
        let Some((answers, failures)) = answers.get() else {
            return view! {
                <p class="loading" data-testid="loading">"Loading the clusters' values…"</p>
            }
            .into_any();
        };
        let clusters = config.cluster_list(&answers);
        // Every cluster judged for as long as these clusters are the fleet,
        // whether the overview or a cluster's dashboard is on screen: coming
        // back finds each evaluation where it was (holds, remembered
        // instances), and the rotation sees a cluster turn critical from anywhere.
        let live = FleetLive::start(&config, &clusters, &answers);
        let flashing = RwSignal::new(Vec::new());
        if let (Some(every), Some(state), Some(now)) = (rotate, rotating, live.now) {
            let activity = use_context::<Activity>().unwrap_or_else(Activity::install);
            rotation::start_fleet(every, opened, now, live.summary, flashing, state, activity);
        }
        let config = Arc::clone(&config);
        let text = text.clone();
        let on_screen = move || {
            let wanted = opened.get();
            let chosen = wanted
                .as_ref()
                .and_then(|name| clusters.iter().find(|c| &c.name == name))
                .map(|c| (c.name.clone(), config.for_cluster(c, &answers)));
            if let Some((name, Ok(one))) = chosen {
                return view! {
                    <ClusterPage name=name config=Arc::new(one) text=text.clone() opened=opened />
                }
                .into_any();
            }
            // A cluster that is not (or not any more) in the fleet, or one that
            // cannot be made: the fleet, which says why.
            let mut notes: Vec<(&'static str, String)> = failures
                .iter()
                .map(|f| ("variable-error", f.clone()))
                .collect();
            if let Some(name) = wanted.filter(|n| !clusters.iter().any(|c| &c.name == n)) {
                let why = format!("no cluster {name:?} to open: the fleet is shown instead");
                notes.push(("fleet-notice", why));
            }
            view! {
                <FleetPage
                    config=Arc::clone(&config)
                    text=text.clone()
                    live=live
                    notes=notes
                    opened=opened
                    flashing=flashing
                />
            }
            .into_any()
        };
        on_screen.into_any()
    }
}

/// Every cluster's refresher, started together (one refresh interval, one
/// clock), and the tiles they make.
#[derive(Debug, Clone, Copy)]
struct FleetLive {
    /// The overview's tiles and clusters per status.
    summary: Memo<FleetSummary>,
    /// The first cluster's clock (every cluster's ticks with it); `None`
    /// when no cluster could be made.
    now: Option<RwSignal<f64>>,
    /// The first cluster's completed refreshes.
    refreshes: Option<RwSignal<u64>>,
}

impl FleetLive {
    fn start(
        config: &Config,
        clusters: &[Cluster],
        answers: &BTreeMap<String, Vec<String>>,
    ) -> FleetLive {
        let mut refreshers: Vec<Rc<Refresher>> = Vec::new();
        let mut live: Vec<(String, LiveState)> = Vec::new();
        let mut failed: Vec<ClusterState> = Vec::new();
        for c in clusters {
            match config.for_cluster(c, answers) {
                Ok(one) => {
                    let (refresher, state) = Refresher::new(Arc::new(one));
                    refreshers.push(refresher);
                    live.push((c.name.clone(), state));
                }
                Err(e) => failed.push(ClusterState::failed(&c.name, &e)),
            }
        }
        refresh::start_all(&refreshers);
        let first = live.first().map(|(_, l)| *l);
        let summary = Memo::new(move |_| {
            let mut states = failed.clone();
            states.extend(live.iter().map(|(name, l)| state_of(name, *l)));
            summarize(&states)
        });
        FleetLive {
            summary,
            now: first.map(|l| l.now),
            refreshes: first.map(|l| l.refreshes),
        }
    }
}

/// One cluster's dashboard under a strip that leads back to the fleet.
#[component]
fn ClusterPage(
    /// The cluster's name.
    name: String,
    /// Its configuration (`Config::for_cluster`).
    config: Arc<Config>,
    /// The loaded file's text.
    text: String,
    /// The cluster on screen; `None` goes back.
    opened: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="fleet-cluster">
            <nav class="fleet-nav" aria-label="Fleet">
                <button
                    class="fleet-back"
                    data-testid="fleet-back"
                    type="button"
                    on:click=move |_| opened.set(None)
                >
                    "← Fleet"
                </button>
                <span class="fleet-nav-name" data-testid="fleet-cluster">
                    "Cluster "
                    <Untrusted text=name />
                </span>
            </nav>
            <Dashboard config=config text=text />
        </div>
    }
}

/// Every cluster's tile, refreshed together.
#[component]
fn FleetPage(
    /// The configuration as loaded.
    config: Arc<Config>,
    /// The text it was read from, to tell a changed file from the one running.
    text: String,
    /// The clusters' tiles, judged for the page's lifetime.
    live: FleetLive,
    /// What to tell the operator, each with its `data-testid`: unreadable
    /// variable values (`variable-error`), an unknown `?cluster=` (`fleet-notice`).
    notes: Vec<(&'static str, String)>,
    /// Set to open a cluster.
    opened: RwSignal<Option<String>>,
    /// The clusters whose tiles flash (they just turned critical, `?rotate=`).
    flashing: RwSignal<Vec<String>>,
) -> impl IntoView {
    // A wall showing the fleet picks up a new build or configuration as a
    // dashboard does, on the first cluster's clock and refreshes (every
    // cluster's share one timer).
    let activity = use_context::<Activity>().unwrap_or_else(Activity::install);
    // `?kiosk` as on a dashboard: the screen kept awake, the cursor hidden
    // when idle, the layout moved against burn-in, on the same clock.
    if kiosk::requested()
        && let Some(now) = live.now
    {
        kiosk::start(now, activity);
    }
    let rejected = live.now.zip(live.refreshes).map(|(now, refreshes)| {
        reload_watch::start(
            reload_watch::Running {
                config_path: config.source_name.clone(),
                config_text: text,
                refresh_secs: config.datasource.refresh_secs,
            },
            now,
            refreshes,
            activity,
        )
    });
    let summary = live.summary;
    let rotation = use_context::<rotation::FleetRotating>().map(|r| r.0);
    let count = move |pick: fn(&FleetSummary) -> usize| summary.with(pick);
    let grid = NodeRef::<leptos::html::Ul>::new();
    shape_grid(
        grid,
        Signal::derive(move || summary.with(|s| s.tiles.len())),
    );
    view! {
        <div class="fleet-page" data-rotation=move || rotation.map(|r| r.get())>
            <header class="topbar fleet-topbar">
                <h1 class="app-title">"Panopticon"</h1>
                <span class="fleet-title">"Fleet"</span>
                <ul class="fleet-counts" aria-label="Clusters per status" data-testid="fleet-counts">
                    <li class="status-critical">{move || count(|s| s.clusters.critical)}" critical"</li>
                    <li class="status-warning">{move || count(|s| s.clusters.warning)}" warning"</li>
                    <li class="status-unknown">{move || count(|s| s.clusters.unknown)}" unknown"</li>
                    <li class="status-healthy">{move || count(|s| s.clusters.healthy)}" healthy"</li>
                </ul>
                <div class="topbar-right">
                    <ThemeToggle />
                </div>
            </header>
            <main class="fleet-main">
                // Read by screen readers when the clusters per status change.
                <p class="visually-hidden" aria-live="polite" data-testid="fleet-announcement">
                    {move || summary.with(|s| announcement(&s.clusters))}
                </p>
                {rejected.map(|r| view! { <SourceNotice message=r testid="config-rejected" /> })}
                {notes
                    .into_iter()
                    .map(|(testid, n)| {
                        view! {
                            <div class="alert alert-source" data-testid=testid role="alert">
                                <Untrusted text=n max=SENTENCE_CHARS />
                            </div>
                        }
                    })
                    .collect_view()}
                <ul
                    class="fleet-grid"
                    data-testid="fleet"
                    aria-label="Clusters, worst first"
                    node_ref=grid
                >
                    // A changed tile is made anew (keyed by all it shows); the others stay.
                    <KeyedRows rows=Arc::new(move || {
                        summary
                            .get()
                            .tiles
                            .into_iter()
                            .map(|t| {
                                Row::new(format!("{t:?}"), move || {
                                    view! { <FleetTile tile=t.clone() opened=opened flashing=flashing /> }
                                        .into_any()
                                })
                            })
                            .collect()
                    }) />
                </ul>
            </main>
        </div>
    }
}

/// Gap between tiles assumed when choosing the grid's shape (CSS px; the
/// stylesheet's is close: a few pixels either way never change the choice
/// by more than a column).
const GRID_GAP_PX: f64 = 8.0;

/// Sets the grid's columns and rows for `tiles` tiles in the grid's box, measured
/// when it is in the page and again when the window is resized (a wall's
/// screen, an embed's panel): the tiles fill the box, none below its edge.
fn shape_grid(grid: NodeRef<leptos::html::Ul>, tiles: Signal<usize>) {
    // Before the first measurement: the window less the top bar.
    let guess = web_sys::window().map_or((1920.0, 1020.0), |w| {
        let px = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
        (
            px(w.inner_width()).unwrap_or(1920.0) - 20.0,
            px(w.inner_height()).unwrap_or(1080.0) - 60.0,
        )
    });
    let size = RwSignal::new(guess);
    let measure = move || {
        if let Some(el) = grid.get_untracked() {
            let r = el.get_bounding_client_rect();
            let now = (r.width(), r.height());
            if now.0 > 0.0 && now.1 > 0.0 && size.get_untracked() != now {
                size.set(now);
            }
        }
    };
    crate::effect::effect(move || {
        if grid.get().is_some() {
            measure();
        }
    });
    let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || on_resize.remove());
    let shape = Memo::new(move |_| {
        let (w, h) = size.get();
        grid_shape(tiles.get(), w, h, GRID_GAP_PX)
    });
    // Through the style object, not a `style` attribute: the shipped CSP
    // (`style-src 'self'`) refuses inline style attributes.
    crate::effect::effect(move || {
        let (cols, rows) = shape.get();
        if let Some(el) = grid.get() {
            let style = web_sys::HtmlElement::style(&el);
            let _ = style.set_property("--cols", &cols.to_string());
            let _ = style.set_property("--rows", &rows.to_string());
        }
    });
}

/// "Fleet: 1 critical, 2 healthy": the clusters per status, worst first,
/// the statuses no cluster has left out.
fn announcement(c: &StatusCounts) -> String {
    let parts: Vec<String> = [
        Status::Critical,
        Status::Warning,
        Status::Unknown,
        Status::Healthy,
    ]
    .into_iter()
    .filter(|&s| c.get(s) > 0)
    .map(|s| format!("{} {}", c.get(s), s.as_str()))
    .collect();
    format!("Fleet: {}", parts.join(", "))
}

/// What the fleet needs of one cluster's live screen.
fn state_of(name: &str, l: LiveState) -> ClusterState {
    ClusterState {
        name: name.to_owned(),
        summary: l.summary.get(),
        services: l.snapshot.with(|s| s.as_ref().map(|s| s.counts)),
        source_alert: l.source_alert.get(),
        sources: l.sources.get(),
    }
}

/// Seconds before the label values are asked again after a failure.
const RETRY_SECS: u64 = 30;

/// The label-values answers of the configuration's variables (read once
/// per page, retried while one fails); `Some` at once without any.
fn read_answers(config: &Config) -> RwSignal<Option<Answers>> {
    let jobs: Vec<(
        String,
        panopticon_core::prom::BaseUrl,
        String,
        Option<String>,
        f64,
        u64,
    )> = config
        .variables
        .iter()
        .filter_map(|v| match &v.options {
            Options::LabelValues(lv) => {
                let source = lv
                    .source
                    .as_ref()
                    .and_then(|n| config.datasources.iter().find(|d| &d.name == n))
                    .unwrap_or(&config.datasource);
                Some((
                    v.name.clone(),
                    source.base_url.clone(),
                    lv.label.clone(),
                    lv.matcher.clone(),
                    source.timeout_secs,
                    source.max_answer_bytes,
                ))
            }
            Options::Fixed(_) => None,
        })
        .collect();
    let out = RwSignal::new(jobs.is_empty().then(Default::default));
    if !jobs.is_empty() {
        wasm_bindgen_futures::spawn_local(ask(jobs, out));
    }
    out
}

type Job = (
    String,
    panopticon_core::prom::BaseUrl,
    String,
    Option<String>,
    f64,
    u64,
);

async fn ask(jobs: Vec<Job>, out: RwSignal<Option<Answers>>) {
    let mut answers = BTreeMap::new();
    let mut failures = Vec::new();
    for (name, base_url, label, matcher, timeout, max_bytes) in &jobs {
        let answer = panopticon_client::fetch_label_values(
            base_url,
            label,
            matcher.as_deref(),
            Duration::from_secs_f64(*timeout),
            *max_bytes,
        )
        .await;
        match answer {
            Ok(values) => {
                answers.insert(name.clone(), bounded_answer(values));
            }
            Err(e) => failures.push(format!(
                "variable {name:?}: its values could not be read: {e}; retrying every {RETRY_SECS} s"
            )),
        }
    }
    let failed = !failures.is_empty();
    // `Some` back: the page is gone.
    if out.try_set(Some((answers, failures))).is_some() || !failed {
        return;
    }
    set_timeout(
        move || wasm_bindgen_futures::spawn_local(ask(jobs, out)),
        Duration::from_secs(RETRY_SECS),
    );
}
