//! The refresh cycle: ask Prometheus everything on screen at once, feed the
//! monitor, publish what it says the screen shows and the graphs' data to
//! signals.
//!
//! Wiring only: which queries, how answers are judged, how range answers find
//! their graph and what stale, expired or missing data looks like all live in
//! the pure crates (`panopticon-engine`'s `Monitor`, `panopticon-charts`'s
//! `RangeRound`); this module moves values between them, the client and the
//! UI's signals.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use panopticon_charts::{GraphData, GraphRequest, RangeRound};
use panopticon_client::{AlertFetch, AlertsHandle, Client, ClientConfig, RefreshHandle};
use panopticon_core::alerts::{AlertAnswer, AlertRequest, AlertSource};
use panopticon_core::prom::{Query, QueryError, QueryResult, distinct};
use panopticon_engine::alerts::AlertSourceProblem;
use panopticon_engine::config::Graph;
use panopticon_engine::monitor::SourceState;
use panopticon_engine::{
    Config, Freshness, Monitor, Next, OnScreen, Snapshot, SourceAlert, Summary,
};
use send_wrapper::SendWrapper;

use crate::graph_panel::range::TimeRange;
use crate::timing::Span;

/// What the UI reads: the monitor's latest answer to "what is shown now",
/// one signal per part so that each component wakes only for its part, plus
/// the clock and refresh statistics. Every field is a signal, so the handle
/// is `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct LiveState {
    /// The statuses to draw; `None` until the first evaluation.
    pub snapshot: RwSignal<Option<Arc<Snapshot>>>,
    /// How current the data is (`data-freshness`).
    pub freshness: RwSignal<Freshness>,
    /// Some statuses drawn are last-known warnings or criticals: mark them stale.
    pub stale: RwSignal<bool>,
    /// The banner's explanation of the cluster status.
    pub summary: RwSignal<Summary>,
    /// Set while Prometheus cannot be reached.
    pub source_alert: RwSignal<Option<SourceAlert>>,
    /// When the data on screen was asked for (Unix seconds).
    pub last_success: RwSignal<Option<f64>>,
    /// Prometheus `warnings`/`infos` of the last refresh, de-duplicated.
    pub warnings: RwSignal<Vec<String>>,
    /// Set while refreshes take longer than their interval.
    pub slow: RwSignal<Option<String>>,
    /// Set while this browser's clock is far off the server's.
    pub clock_skew: RwSignal<Option<String>>,
    /// The alert sources that cannot be read now (`alert-source-error`);
    /// empty while they answer or none is configured.
    pub alert_source_errors: RwSignal<Vec<AlertSourceProblem>>,
    /// How many services shown are in maintenance (`maintenance-count`).
    pub maintenance: RwSignal<usize>,
    /// Each data source's state, the default first (`source-state`).
    pub sources: RwSignal<Vec<SourceState>>,
    /// Alertmanager's version, read once after the first refresh (`None`
    /// without `alertmanager:`, or until it answered).
    pub alertmanager_version: RwSignal<Option<String>>,
    /// The clock, ticking once a second, for "updated 12 s ago".
    pub now: RwSignal<f64>,
    /// Milliseconds the last refresh's instant queries took, all together.
    pub last_refresh_ms: RwSignal<Option<f64>>,
    /// Refreshes completed since the page loaded.
    pub refreshes: RwSignal<u64>,
}

impl LiveState {
    fn new(screen: OnScreen, now: f64) -> LiveState {
        LiveState {
            snapshot: RwSignal::new(screen.snapshot),
            freshness: RwSignal::new(screen.freshness),
            stale: RwSignal::new(screen.stale),
            summary: RwSignal::new(screen.summary),
            source_alert: RwSignal::new(screen.source_alert),
            last_success: RwSignal::new(screen.last_success),
            warnings: RwSignal::new(screen.warnings),
            slow: RwSignal::new(screen.slow),
            clock_skew: RwSignal::new(screen.clock_skew),
            alert_source_errors: RwSignal::new(screen.alert_source_errors),
            maintenance: RwSignal::new(screen.maintenance),
            sources: RwSignal::new(screen.sources),
            alertmanager_version: RwSignal::new(None),
            now: RwSignal::new(now),
            last_refresh_ms: RwSignal::new(None),
            refreshes: RwSignal::new(0),
        }
    }

    /// Writes what the monitor says into the signals, touching only those
    /// whose value changed (a write notifies even when the value is equal,
    /// and the diagram and the detail would redo their work every second).
    fn show(&self, screen: OnScreen) {
        let same_snapshot = self
            .snapshot
            .with_untracked(|old| match (old, &screen.snapshot) {
                // The outage view is made anew each second: equal is enough.
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                (None, None) => true,
                _ => false,
            });
        if !same_snapshot {
            self.snapshot.set(screen.snapshot);
        }
        set_if_changed(self.freshness, screen.freshness);
        set_if_changed(self.stale, screen.stale);
        set_if_changed(self.summary, screen.summary);
        set_if_changed(self.source_alert, screen.source_alert);
        set_if_changed(self.last_success, screen.last_success);
        set_if_changed(self.warnings, screen.warnings);
        set_if_changed(self.slow, screen.slow);
        set_if_changed(self.clock_skew, screen.clock_skew);
        set_if_changed(self.alert_source_errors, screen.alert_source_errors);
        set_if_changed(self.maintenance, screen.maintenance);
        set_if_changed(self.sources, screen.sources);
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}

/// One graph on screen: what to draw, the data for it, and its measured width.
#[derive(Debug, Clone)]
pub struct GraphSlot {
    /// The graph's definition.
    pub graph: Graph,
    /// Data of the last refresh; `None` while loading.
    pub data: RwSignal<Option<GraphData>>,
    /// The canvas's CSS width, written by the graph component.
    pub width_px: RwSignal<u32>,
}

impl GraphSlot {
    /// A slot for `graph`, loading.
    pub fn new(graph: Graph) -> GraphSlot {
        GraphSlot {
            graph,
            data: RwSignal::new(None),
            width_px: RwSignal::new(0),
        }
    }
}

/// Owns the monitor (the engine and what the screen shows) and the
/// clients, and runs refreshes.
pub struct Refresher {
    config: Arc<Config>,
    monitor: RefCell<Monitor>,
    /// One client per data source (indexed like `Config::datasources`, the
    /// default first): its base URL, parameters, timeout and limits.
    clients: Vec<Client>,
    state: LiveState,
    /// The graphs of the view on screen.
    slots: RefCell<Vec<GraphSlot>>,
    /// The running refresh, one handle per source; replacing them cancels
    /// the old ones.
    handle: RefCell<Vec<RefreshHandle>>,
    /// The running refresh's alert requests; replacing it cancels them.
    alerts: RefCell<Option<AlertsHandle>>,
    /// The graphs' `from`/`to` (URL or host page); `None`: each graph's own range.
    range: RefCell<Option<TimeRange>>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher").finish_non_exhaustive()
    }
}

impl Refresher {
    /// A refresher for `config` (whose base URL the configuration already
    /// validated, so nothing here can fail).
    pub fn new(config: Arc<Config>) -> (Rc<Refresher>, LiveState) {
        let refresh_secs = config.datasource.refresh_secs;
        let clients: Vec<Client> = config
            .datasources
            .iter()
            .map(|ds| {
                // One query may take at most about one interval: a refresh is
                // waited for, not cut off, so a longer timeout would let one
                // hung query hold back every refresh after it.
                let timeout = ds.timeout_secs.min(refresh_secs * 0.9).max(0.1);
                Client::new(ClientConfig {
                    base_url: ds.base_url.clone(),
                    timeout: Duration::from_secs_f64(timeout),
                    max_in_flight: usize::try_from(ds.max_in_flight).unwrap_or(6),
                    max_answer_bytes: ds.max_answer_bytes,
                    max_series: usize::try_from(ds.max_series).unwrap_or(usize::MAX),
                    params: ds.params.clone(),
                })
            })
            .collect();
        // The boot script sends the default source's combined query only.
        clients[0].remember_for_boot(&config.source_name);
        let monitor = Monitor::new((*config).clone());
        let now = now_secs();
        let state = LiveState::new(monitor.on_screen(now), now);
        let refresher = Rc::new(Refresher {
            monitor: RefCell::new(monitor),
            config,
            clients,
            state,
            slots: RefCell::new(Vec::new()),
            handle: RefCell::new(Vec::new()),
            alerts: RefCell::new(None),
            range: RefCell::new(None),
        });
        (refresher, state)
    }

    /// The default source's client, for one-off queries (e.g. Prometheus's version).
    pub fn client(&self) -> &Client {
        &self.clients[0]
    }

    /// Takes back transitions kept from an earlier page load, before the
    /// first refresh (they are history only, never a status).
    pub fn restore_history(&self, history: &panopticon_engine::history::History) {
        self.monitor.borrow_mut().restore_history(history);
    }

    /// Sets the graphs the next refresh asks for, without refreshing.
    pub fn set_graphs(&self, slots: Vec<GraphSlot>) {
        *self.slots.borrow_mut() = slots;
    }

    /// Sets the graphs' time range for the next refreshes (not the statuses':
    /// they are always "now").
    pub fn set_range(&self, range: Option<TimeRange>) {
        *self.range.borrow_mut() = range;
    }

    /// Puts another view's graphs on screen (and refreshes so they fill at once).
    pub fn show_graphs(self: &Rc<Self>, slots: Vec<GraphSlot>) {
        self.set_graphs(slots);
        self.run();
    }

    /// The refresh interval came round: start a refresh, unless the last one
    /// is still being answered (a slow source is waited for, not cut off;
    /// what arrived so far is judged meanwhile).
    fn tick(self: &Rc<Self>) {
        let now = now_secs();
        let next = self.monitor.borrow_mut().next(now);
        match next {
            Next::Start => self.run(),
            Next::Wait => self.publish(now),
        }
    }

    /// Starts a refresh now; a refresh still running is given up (a view
    /// switch wants its graphs now). Each source is asked its own checks'
    /// instant queries (one combined query per source where possible) and
    /// then its own graphs' range queries, through its own client.
    pub fn run(self: &Rc<Self>) {
        let span = Span::start("refresh");
        let now = now_secs();
        let started_ms = now_ms();
        let instant: Vec<Vec<Query>> = self
            .monitor
            .borrow()
            .source_queries()
            .iter()
            .map(|exprs| distinct(exprs.iter().map(|e| Query::instant_now(e))))
            .collect();
        let asked: Vec<Vec<String>> = instant
            .iter()
            .map(|qs| qs.iter().map(|q| q.expr().to_owned()).collect())
            .collect();
        let slots = self.slots.borrow().clone();
        // The graphs' window in the server's time: a skewed browser clock
        // would draw the last hour as it was ten minutes ago.
        let server_now = self.monitor.borrow().server_now(now);
        // A range that no longer resolves (a fixed end with a moving start
        // grown past the limit) leaves each graph its own range.
        let window = self
            .range
            .borrow()
            .as_ref()
            .and_then(|r| r.resolve(server_now).ok());
        let span = Rc::new(RefCell::new(Some(span)));
        let mut handles = Vec::with_capacity(self.clients.len());
        for (source, (client, instant)) in self.clients.iter().zip(instant).enumerate() {
            // This source's graphs, by their index among the slots.
            let mine: Vec<usize> = (0..slots.len())
                .filter(|&i| slots[i].graph.source == source)
                .collect();
            if instant.is_empty() && mine.is_empty() {
                continue;
            }
            let ranges = RangeRound::new(
                window.map_or(server_now, |(_, end)| end),
                mine.iter().map(|&i| GraphRequest {
                    queries: &slots[i].graph.queries,
                    range_secs: window
                        .map_or(slots[i].graph.range_secs, |(start, end)| end - start),
                    width_px: slots[i].width_px.get_untracked(),
                }),
            )
            .told_by(self.monitor.borrow().teller(source));
            let graph_queries = ranges.queries();
            let ranges = RefCell::new(ranges);
            let this = Rc::clone(self);
            let round_span = Rc::clone(&span);
            let slots = slots.clone();
            let on_result = move |query: Query, result: Result<QueryResult, QueryError>| {
                if let Query::Instant { expr, .. } = &query {
                    let failed = result.is_err();
                    let mut monitor = this.monitor.borrow_mut();
                    if let Some(reading) = this.clients[0].clock() {
                        monitor.observe_clock(reading);
                    }
                    // Measured per answer, recorded only for the one that completes
                    // the round: that is when the monitor evaluates the checks.
                    let evaluate = Span::start("evaluate");
                    let done = monitor.answer_from(now_secs(), source, expr, result);
                    drop(monitor);
                    this.answered(done, failed, evaluate, started_ms, &round_span);
                    return;
                }
                // A source no check asks is judged by its graphs' answers.
                this.monitor.borrow_mut().range_answer(now, source, &result);
                // Each graph is redrawn once per refresh, when its last answer is in.
                let mut ranges = ranges.borrow_mut();
                for k in ranges.answer(query, result) {
                    if let Some(slot) = mine.get(k).and_then(|&i| slots.get(i)) {
                        let previous = slot.data.get_untracked();
                        if let Some(data) = ranges.data(k, previous.as_ref()) {
                            // Signal updates only schedule effects, so holding the borrow is safe.
                            slot.data.set(Some(data));
                        }
                    }
                }
            };
            // Status first: the graphs' range queries leave once the checks
            // are answered, which are asked as one combined query where possible.
            // A fleet's clusters asking the same share it (src/fleet/share.rs).
            handles.extend(crate::fleet::share::refresh_status_first(
                client,
                instant,
                graph_queries,
                on_result,
            ));
        }
        // The alert sources' requests leave with the checks' (right after
        // them, in this task), beside them: the round is judged once both
        // are answered, each alert request bounded by its own timeout.
        let fetches = self.alert_fetches();
        // A fleet's clusters asking the same request share it (src/fleet/share.rs).
        let alerts = {
            let this = Rc::clone(self);
            crate::fleet::share::fetch_alerts(&self.clients[0], fetches, move |request, result| {
                let failed = result.is_err();
                let evaluate = Span::start("evaluate");
                let done = this
                    .monitor
                    .borrow_mut()
                    .alert_answer(now_secs(), request, result);
                this.answered(done, failed, evaluate, started_ms, &span);
            })
        };
        // Begun after the clients started (no answer is delivered before this
        // task ends): an early answer sent by the boot script (the default
        // source's) counts as asked when it was sent.
        let asked_at = handles
            .first()
            .and_then(RefreshHandle::asked_at)
            .unwrap_or(now)
            .min(now);
        self.monitor.borrow_mut().begin_sources(asked_at, asked);
        // Replacing the handles drops (and so cancels) the previous refresh.
        *self.handle.borrow_mut() = handles;
        *self.alerts.borrow_mut() = alerts;
    }

    /// One answer of the running round was taken by the monitor: when it
    /// completed the round, the refresh's figures; when it completed it or
    /// failed (a source may be down: said at once), the screen.
    fn answered(
        self: &Rc<Self>,
        done: bool,
        failed: bool,
        evaluate: Span,
        started_ms: f64,
        span: &RefCell<Option<Span>>,
    ) {
        if done {
            evaluate.finish();
            let st = self.state;
            st.last_refresh_ms.set(Some(now_ms() - started_ms));
            st.refreshes.update(|n| *n += 1);
            if let Some(span) = span.borrow_mut().take() {
                span.finish();
            }
            if st.refreshes.get_untracked() == 1 {
                self.read_alertmanager_version();
                self.read_source_versions();
            }
        }
        if done || failed {
            self.publish(now_secs());
        }
    }

    /// The alert requests each refresh sends, each with its source's base
    /// URL and timeout (at most about one interval, like a query's: a
    /// refresh is waited for, not cut off).
    fn alert_fetches(&self) -> Vec<AlertFetch> {
        let config = &self.config;
        let cap = |secs: f64| {
            Duration::from_secs_f64(secs.min(config.datasource.refresh_secs * 0.9).max(0.1))
        };
        self.monitor
            .borrow()
            .alert_requests()
            .into_iter()
            .filter_map(|request| {
                let (base_url, timeout) = match request.source() {
                    AlertSource::PrometheusRules => (
                        config.datasource.base_url.clone(),
                        config.datasource.timeout_secs,
                    ),
                    AlertSource::Alertmanager => {
                        let am = config.alertmanager.as_ref()?;
                        (am.base_url.clone(), am.timeout_secs)
                    }
                };
                Some(AlertFetch {
                    request,
                    base_url,
                    timeout: cap(timeout),
                })
            })
            .collect()
    }

    /// Alertmanager's version for the source info, asked once after the
    /// first refresh (like Prometheus's), never competing with the first status.
    fn read_alertmanager_version(&self) {
        let Some(am) = &self.config.alertmanager else {
            return;
        };
        let fetch = AlertFetch {
            request: AlertRequest::AmStatus,
            base_url: am.base_url.clone(),
            timeout: Duration::from_secs_f64(am.timeout_secs.max(0.1)),
        };
        let client = self.clients[0].clone();
        let version = self.state.alertmanager_version;
        leptos::task::spawn_local(async move {
            if let Ok(AlertAnswer::Status(status)) = client.alert(&fetch).await {
                // The dashboard may be gone by now: then nothing to show.
                let _ = version.try_set(status.version);
            }
        });
    }

    /// Each source's version for its state, asked once after the first
    /// refresh, only where several sources are shown (one source keeps
    /// today's screen: its version comes from `prometheus_build_info`).
    fn read_source_versions(self: &Rc<Self>) {
        if !self.config.has_several_sources() {
            return;
        }
        for (source, client) in self.clients.iter().enumerate() {
            let client = client.clone();
            let this = Rc::clone(self);
            leptos::task::spawn_local(async move {
                // The dashboard may be gone by now (another config): its
                // signals with it, and then nothing to show.
                if let Ok(version) = client.version().await
                    && this.state.sources.try_with_untracked(|_| ()).is_some()
                {
                    this.monitor.borrow_mut().set_version(source, version);
                    this.publish(now_secs());
                }
            });
        }
    }

    /// Shows what the monitor says the screen shows at `now`.
    fn publish(&self, now: f64) {
        let screen = self.monitor.borrow().on_screen(now);
        self.state.show(screen);
    }
}

/// Keeps refreshing at the configured interval and ticks the clock every
/// second until the owning component is unmounted.
pub fn start(refresher: &Rc<Refresher>) {
    let state = refresher.state;
    let every = Duration::from_secs_f64(refresher.config.datasource.refresh_secs.max(1.0));
    refresher.run();
    let r = Rc::clone(refresher);
    let refresh = set_interval_with_handle(move || r.tick(), every).ok();
    // The clock asks the monitor again, so data turns stale and expires on
    // screen without an evaluation (a hung data source, a throttled tab).
    let r = Rc::clone(refresher);
    let tick = set_interval_with_handle(
        move || {
            let now = now_secs();
            state.now.set(now);
            r.publish(now);
        },
        Duration::from_secs(1),
    )
    .ok();
    // Cleanups must be Send in leptos; this one runs on the page's only thread.
    let r = SendWrapper::new(Rc::clone(refresher));
    on_cleanup(move || {
        if let Some(h) = refresh {
            h.clear();
        }
        if let Some(h) = tick {
            h.clear();
        }
        r.handle.borrow_mut().clear();
        r.alerts.borrow_mut().take();
    });
}

/// The fleet page's refreshers, one per cluster, driven by one refresh
/// interval and one clock: the page keeps a dashboard's two timers however
/// many clusters it shows (they share the configuration's interval).
pub fn start_all(refreshers: &[Rc<Refresher>]) {
    let Some(first) = refreshers.first() else {
        return;
    };
    let every = Duration::from_secs_f64(first.config.datasource.refresh_secs.max(1.0));
    for r in refreshers {
        r.run();
    }
    let all = refreshers.to_vec();
    let refresh =
        set_interval_with_handle(move || all.iter().for_each(Refresher::tick), every).ok();
    let all = refreshers.to_vec();
    let tick = set_interval_with_handle(
        move || {
            let now = now_secs();
            for r in &all {
                r.state.now.set(now);
                r.publish(now);
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    let all = SendWrapper::new(refreshers.to_vec());
    on_cleanup(move || {
        if let Some(h) = refresh {
            h.clear();
        }
        if let Some(h) = tick {
            h.clear();
        }
        for r in all.iter() {
            r.handle.borrow_mut().clear();
            r.alerts.borrow_mut().take();
        }
    });
}

/// Wall-clock Unix time in seconds.
pub fn now_secs() -> f64 {
    js_sys::Date::now() / 1000.0
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}
