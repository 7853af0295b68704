//! The refresh cycle: ask Prometheus everything on screen at once, feed the
//! engine, publish the snapshot and the graphs' data to signals.
//!
//! Wiring only: which queries, how answers are judged and how staleness is
//! decided all live in the pure crates (`panopticon-engine`,
//! `panopticon-core`); this module moves values between them, the client and
//! the UI's signals.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use panopticon_charts::GraphData;
use panopticon_client::{Client, ClientConfig, RefreshHandle};
use panopticon_core::prom::{BaseUrl, Query, QueryError, QueryResult, distinct};
use panopticon_engine::config::Graph;
use panopticon_engine::freshness::{self, Freshness};
use panopticon_engine::{Config, Engine, Snapshot};
use send_wrapper::SendWrapper;

use crate::timing::Span;

/// What the UI reads: every field is a signal, so the handle is `Copy`.
#[derive(Debug, Clone, Copy)]
pub struct LiveState {
    /// The latest evaluation; `None` until the first one.
    pub snapshot: RwSignal<Option<Arc<Snapshot>>>,
    /// When the last refresh that reached Prometheus finished (Unix seconds).
    pub last_success: RwSignal<Option<f64>>,
    /// Set while Prometheus cannot be reached; the message says why.
    pub source_error: RwSignal<Option<String>>,
    /// Prometheus `warnings`/`infos` of the last refresh, de-duplicated.
    pub warnings: RwSignal<Vec<String>>,
    /// The clock, ticking once a second, for "updated 12 s ago".
    pub now: RwSignal<f64>,
    /// Milliseconds the last refresh's instant queries took, all together.
    pub last_refresh_ms: RwSignal<Option<f64>>,
    /// Refreshes completed since the page loaded.
    pub refreshes: RwSignal<u64>,
}

impl LiveState {
    fn new() -> LiveState {
        LiveState {
            snapshot: RwSignal::new(None),
            last_success: RwSignal::new(None),
            source_error: RwSignal::new(None),
            warnings: RwSignal::new(Vec::new()),
            now: RwSignal::new(now_secs()),
            last_refresh_ms: RwSignal::new(None),
            refreshes: RwSignal::new(0),
        }
    }

    /// How current the data on screen is, at the ticking clock's time.
    pub fn freshness(&self, config: &Config) -> Freshness {
        Freshness::of(
            self.now.get(),
            self.last_success.get(),
            config.datasource.refresh_secs,
            config.datasource.stale_after_secs,
        )
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

/// Owns the engine and the client and runs refreshes.
pub struct Refresher {
    config: Arc<Config>,
    engine: RefCell<Engine>,
    client: Client,
    state: LiveState,
    /// The graphs of the view on screen.
    slots: RefCell<Vec<GraphSlot>>,
    /// The running refresh; replacing it cancels the old one.
    handle: RefCell<Option<RefreshHandle>>,
}

impl std::fmt::Debug for Refresher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher").finish_non_exhaustive()
    }
}

/// The answers of one refresh, collected as they arrive.
#[derive(Default)]
struct Collected {
    instant: HashMap<String, Result<QueryResult, QueryError>>,
    ranges: HashMap<String, Result<QueryResult, QueryError>>,
    instant_left: usize,
}

impl Refresher {
    /// A refresher for `config`, or a message when its data source URL is unusable.
    pub fn new(config: Arc<Config>) -> Result<(Rc<Refresher>, LiveState), String> {
        let ds = &config.datasource;
        let base = BaseUrl::parse(&ds.base_url)
            .map_err(|e| format!("datasource.base_url {:?}: {e}", ds.base_url))?;
        // A query may not outlive its refresh: the next refresh would cancel
        // it, and with a timeout longer than the interval none would finish.
        let timeout = ds.timeout_secs.min(ds.refresh_secs * 0.9).max(0.1);
        let client = Client::new(ClientConfig {
            base_url: base,
            timeout: Duration::from_secs_f64(timeout),
            max_in_flight: usize::try_from(ds.max_in_flight).unwrap_or(6),
            auth: None,
        });
        let state = LiveState::new();
        let refresher = Rc::new(Refresher {
            engine: RefCell::new(Engine::new((*config).clone())),
            config,
            client,
            state,
            slots: RefCell::new(Vec::new()),
            handle: RefCell::new(None),
        });
        Ok((refresher, state))
    }

    /// The client, for one-off queries (e.g. Prometheus's version).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sets the graphs the next refresh asks for, without refreshing.
    pub fn set_graphs(&self, slots: Vec<GraphSlot>) {
        *self.slots.borrow_mut() = slots;
    }

    /// Puts another view's graphs on screen (and refreshes so they fill at once).
    pub fn show_graphs(self: &Rc<Self>, slots: Vec<GraphSlot>) {
        self.set_graphs(slots);
        self.run();
    }

    /// Starts a refresh now; a refresh still running is cancelled.
    pub fn run(self: &Rc<Self>) {
        let span = Span::start("refresh");
        let now = now_secs();
        let started_ms = now_ms();
        let checks = self.engine.borrow().queries();
        let instant: Vec<Query> = distinct(checks.iter().map(|e| Query::instant(e, now)));
        let ranges: Vec<Query> = self
            .slots
            .borrow()
            .iter()
            .flat_map(|slot| range_queries(&slot.graph, slot.width_px.get_untracked(), now))
            .collect();
        let collected = Rc::new(RefCell::new(Collected {
            instant_left: instant.len(),
            ..Collected::default()
        }));
        let this = Rc::clone(self);
        let mut span = Some(span);
        let all: Vec<Query> = instant.into_iter().chain(ranges).collect();
        let on_result = move |query: Query, result: Result<QueryResult, QueryError>| {
            let mut c = collected.borrow_mut();
            match query {
                Query::Instant { expr, .. } => {
                    for original in checks.iter().filter(|e| e.trim() == expr) {
                        c.instant.insert(original.clone(), result.clone());
                    }
                    c.instant_left = c.instant_left.saturating_sub(1);
                    if c.instant_left == 0 {
                        let done = std::mem::take(&mut c.instant);
                        drop(c);
                        this.evaluate(now, &done, now_ms() - started_ms);
                        if let Some(span) = span.take() {
                            span.finish();
                        }
                    }
                }
                Query::Range { expr, .. } => {
                    c.ranges.insert(expr.clone(), result);
                    // Signal updates only schedule effects, so holding the borrow is safe.
                    this.publish_graphs(&c.ranges, now, &expr);
                }
            }
        };
        let handle = self.client.refresh(all, on_result);
        // Replacing the handle drops (and so cancels) the previous refresh.
        *self.handle.borrow_mut() = Some(handle);
    }

    fn evaluate(
        &self,
        now: f64,
        results: &HashMap<String, Result<QueryResult, QueryError>>,
        took_ms: f64,
    ) {
        let st = self.state;
        st.last_refresh_ms.set(Some(took_ms));
        st.refreshes.update(|n| *n += 1);
        let ds = &self.config.datasource;
        if let Some(message) = freshness::source_failure(results.values()) {
            st.source_error.set(Some(message));
            let fresh = Freshness::of(
                now,
                st.last_success.get_untracked(),
                ds.refresh_secs,
                ds.stale_after_secs,
            );
            // Keep the last known state (marked stale) until it expires; then,
            // and before any state is known, judge with the failures: unknown.
            if !matches!(fresh, Freshness::Waiting | Freshness::Expired) {
                return;
            }
        } else {
            st.source_error.set(None);
            st.last_success.set(Some(now));
        }
        let mut warnings: Vec<String> = results
            .values()
            .filter_map(|r| r.as_ref().ok())
            .flat_map(|r| r.warnings.iter().chain(r.infos.iter()).cloned())
            .collect();
        warnings.sort();
        warnings.dedup();
        st.warnings.set(warnings);
        let input: HashMap<String, Result<QueryResult, String>> = results
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().map_err(|e| e.to_string())))
            .collect();
        let span = Span::start("evaluate");
        let snapshot = self.engine.borrow_mut().evaluate(now, &input);
        span.finish();
        st.snapshot.set(Some(Arc::new(snapshot)));
    }

    /// Publishes the data of the graphs that use `arrived`, once all their
    /// answers are in (each graph is redrawn once per refresh, not per answer).
    fn publish_graphs(
        &self,
        ranges: &HashMap<String, Result<QueryResult, QueryError>>,
        now: f64,
        arrived: &str,
    ) {
        for slot in self.slots.borrow().iter() {
            let exprs: Vec<&str> = slot.graph.queries.iter().map(|q| q.trim()).collect();
            if !exprs.contains(&arrived) || !exprs.iter().all(|e| ranges.contains_key(*e)) {
                continue; // not this graph's answer, or not all of its answers yet
            }
            let mut data = GraphData::new(now - slot.graph.range_secs, now);
            for (i, e) in exprs.iter().enumerate() {
                match &ranges[*e] {
                    Ok(r) => data.add_query_result(i, r),
                    Err(err) => data.errors.push(err.to_string()),
                }
            }
            // A refresh where every query failed keeps the last lines on screen
            // (with the error shown), instead of blanking a graph that was fine
            // a moment ago.
            let all_failed = exprs.iter().all(|e| ranges[*e].is_err());
            if all_failed && let Some(previous) = slot.data.get_untracked() {
                data.series = previous.series;
                data.start = previous.start;
                data.end = previous.end;
            }
            slot.data.set(Some(data));
        }
    }
}

/// The range queries of one graph, `width_px` wide (a sensible default until measured).
fn range_queries(graph: &Graph, width_px: u32, now: f64) -> Vec<Query> {
    let width = if width_px == 0 { 600 } else { width_px };
    graph
        .queries
        .iter()
        .map(|q| Query::range(q, now - graph.range_secs, now, width))
        .collect()
}

/// Keeps refreshing at the configured interval and ticks the clock every
/// second until the owning component is unmounted.
pub fn start(refresher: &Rc<Refresher>) {
    let state = refresher.state;
    let every = Duration::from_secs_f64(refresher.config.datasource.refresh_secs.max(1.0));
    refresher.run();
    let r = Rc::clone(refresher);
    let refresh = set_interval_with_handle(move || r.run(), every).ok();
    let tick =
        set_interval_with_handle(move || state.now.set(now_secs()), Duration::from_secs(1)).ok();
    // Cleanups must be Send in leptos; this one runs on the page's only thread.
    let r = SendWrapper::new(Rc::clone(refresher));
    on_cleanup(move || {
        if let Some(h) = refresh {
            h.clear();
        }
        if let Some(h) = tick {
            h.clear();
        }
        r.handle.borrow_mut().take();
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
