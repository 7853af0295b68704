//! Panopticon's Prometheus client for the browser: the only crate that does I/O.
//!
//! Everything that can be decided without a network (URLs, step, POST vs
//! GET, decoding, error wording) lives in
//! `panopticon_core::prom`; this crate only sends what core describes with
//! `fetch`, enforces deadlines with `AbortController`, and fans out the
//! queries of one refresh.
//!
//! Architecture invariant: every failure reaches the caller as a
//! [`QueryError`], never as a panic or a `JsValue`; a slow or failing query
//! never holds back or blanks the answers to the others.

mod alerts;
mod buildinfo;
mod fan_out;
mod fetch;
mod file;
mod labels;
mod prefetch;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures_util::Stream;
use panopticon_core::alerts::{AlertAnswer, AlertRequest, AlertSourceError};
pub use panopticon_core::clock::ClockReading;
use panopticon_core::prom::{
    AnswerLimits, BaseUrl, HttpRequest, Query, QueryError, QueryResult, RequestOptions,
};

pub use alerts::{AlertFetch, AlertsHandle};
pub use fan_out::RefreshHandle;
pub use file::{FileError, Revalidated, Validators, fetch_site_file, revalidate_site_file};
pub use labels::{MAX_LABEL_VALUE_CHARS, MAX_LABEL_VALUES, fetch_label_values};

/// How to reach Prometheus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Where the HTTP API lives (`/prometheus` behind the app's nginx, or a full URL).
    pub base_url: BaseUrl,
    /// Deadline per query; the fetch is aborted when it passes.
    pub timeout: Duration,
    /// How many queries of one refresh may be in flight at once. Browsers
    /// allow about six HTTP/1.1 connections per host; more would only queue
    /// inside the browser where our deadline already runs. Zero means one.
    pub max_in_flight: usize,
    /// Largest successful answer read, in bytes (`datasource.max_answer_bytes`):
    /// a bigger one is refused by its `Content-Length`, or once that many
    /// bytes have streamed in, before it is copied into wasm memory.
    pub max_answer_bytes: u64,
    /// Most series accepted in one answer (`datasource.max_series`); the
    /// decoder counts past it without building the rest.
    pub max_series: usize,
    /// The source's own query parameters (`datasources[].params`), added to
    /// every query and range query.
    pub params: Vec<(String, String)>,
}

impl ClientConfig {
    /// Six in flight and a 10 s deadline: what a browser's connection pool
    /// and an operator's patience allow; answer limits as
    /// [`AnswerLimits::default`] (8 MiB, 20,000 series).
    pub fn new(base_url: BaseUrl) -> ClientConfig {
        let limits = AnswerLimits::default();
        ClientConfig {
            base_url,
            timeout: Duration::from_secs(10),
            max_in_flight: 6,
            max_answer_bytes: limits.max_bytes,
            max_series: limits.max_series,
            params: Vec::new(),
        }
    }
}

/// A Prometheus client. Cheap to clone (shared state); not `Send`, like
/// everything in a browser tab.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ClientConfig,
    options: RequestOptions,
    refreshes: fan_out::Generations,
    /// The latest look at the server's clock.
    clock: Cell<Option<ClockReading>>,
    /// Whether the checks' instant queries are still asked as one: a
    /// combined query that failed for good (a part that does not parse, an
    /// answer over the limits) is not tried again by this client.
    combine: Cell<bool>,
    /// No refresh started yet: the boot script's early request may be its.
    first_refresh: Cell<bool>,
    /// The configuration's path under which the combined request is
    /// remembered for the boot script, and what was last remembered.
    remember_as: RefCell<Option<String>>,
    remembered: RefCell<Option<HttpRequest>>,
    /// No alert requests sent yet: the boot script's early ones may be theirs.
    first_alerts: Cell<bool>,
    /// The alert requests' URLs last remembered for the boot script.
    remembered_alerts: RefCell<Vec<String>>,
}

impl Inner {
    /// Remembers a combined request that was answered, for the next load
    /// (written only when it changed).
    fn remember(&self, request: HttpRequest) {
        let Some(path) = self.remember_as.borrow().clone() else {
            return;
        };
        if self.remembered.borrow().as_ref() == Some(&request) {
            return;
        }
        prefetch::remember(&path, &request);
        *self.remembered.borrow_mut() = Some(request);
    }

    /// Remembers the alert requests' URLs for the next load (written only
    /// when they changed).
    fn remember_alerts(&self, urls: Vec<String>) {
        let Some(path) = self.remember_as.borrow().clone() else {
            return;
        };
        if *self.remembered_alerts.borrow() == urls {
            return;
        }
        prefetch::remember_alerts(&path, &urls);
        *self.remembered_alerts.borrow_mut() = urls;
    }
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Client {
        let options = RequestOptions {
            params: config.params.clone(),
            ..RequestOptions::for_client(config.timeout)
        };
        Client {
            inner: Rc::new(Inner {
                config,
                options,
                refreshes: fan_out::Generations::default(),
                clock: Cell::new(None),
                combine: Cell::new(true),
                first_refresh: Cell::new(true),
                remember_as: RefCell::new(None),
                remembered: RefCell::new(None),
                first_alerts: Cell::new(true),
                remembered_alerts: RefCell::new(Vec::new()),
            }),
        }
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The latest look at the server's clock (from an answer's `Date`
    /// header), for correcting this browser's clock skew; `None` until an
    /// answer with a readable `Date` arrived.
    pub fn clock(&self) -> Option<ClockReading> {
        self.inner.clock.get()
    }

    /// Runs one query. Dropping the returned future aborts the fetch.
    pub async fn query(&self, query: &Query) -> Result<QueryResult, QueryError> {
        fetch::run(
            &self.inner.config,
            &self.inner.options,
            &self.inner.clock,
            query,
        )
        .await
    }

    /// The version the source says it runs (`/api/v1/status/buildinfo`);
    /// `Ok(None)` when it names none. Asked once, after the first refresh.
    pub async fn version(&self) -> Result<Option<String>, QueryError> {
        buildinfo::version(&self.inner.config).await
    }

    /// An instant query evaluated at `time` (Unix seconds).
    pub async fn instant(&self, expr: &str, time: f64) -> Result<QueryResult, QueryError> {
        self.query(&Query::instant(expr, time)).await
    }

    /// A range query over `[start, end]` (Unix seconds) with about one point
    /// per pixel of a graph `width_px` wide.
    pub async fn range(
        &self,
        expr: &str,
        start: f64,
        end: f64,
        width_px: u32,
    ) -> Result<QueryResult, QueryError> {
        self.query(&Query::range(expr, start, end, width_px)).await
    }

    /// The queries of one refresh, de-duplicated, at most `max_in_flight` at
    /// a time, each answer yielded as soon as it arrives (not in input
    /// order). Dropping the stream aborts whatever is still in flight.
    pub fn fan_out(
        &self,
        queries: impl IntoIterator<Item = Query>,
    ) -> impl Stream<Item = (Query, Result<QueryResult, QueryError>)> + 'static {
        fan_out::fan_out(Rc::clone(&self.inner), queries)
    }

    /// Starts a refresh in the background and calls `on_result` once per
    /// distinct query as each answer arrives.
    ///
    /// Starting another refresh on this client (or a clone of it) cancels
    /// this one, and so does dropping the returned handle: in-flight fetches
    /// are aborted and no late answer of a cancelled refresh ever reaches
    /// `on_result`. Keep the handle for as long as the answers are wanted.
    #[must_use = "dropping the handle cancels the refresh"]
    pub fn refresh<F>(
        &self,
        queries: impl IntoIterator<Item = Query>,
        on_result: F,
    ) -> RefreshHandle
    where
        F: FnMut(Query, Result<QueryResult, QueryError>) + 'static,
    {
        fan_out::start(&self.inner, queries, on_result)
    }

    /// Starts a refresh like [`Client::refresh`], but status first: the
    /// `status` queries (the checks') all have their answers before any of
    /// `graphs` is sent, so the graphs never compete with the status for
    /// the browser's connections or Prometheus's CPU. The instant queries
    /// at the server's time are asked as one combined query
    /// ([`panopticon_core::prom::combine`]), each still answered on its
    /// own through `on_result`; when the combined query fails they are
    /// asked one by one. On this client's first refresh the combined answer
    /// may come from the boot script's early request (see
    /// [`Client::remember_for_boot`]); [`RefreshHandle::asked_at`] then says
    /// when it was sent.
    #[must_use = "dropping the handle cancels the refresh"]
    pub fn refresh_status_first<F>(
        &self,
        status: Vec<Query>,
        graphs: Vec<Query>,
        on_result: F,
    ) -> RefreshHandle
    where
        F: FnMut(Query, Result<QueryResult, QueryError>) + 'static,
    {
        fan_out::start_status_first(&self.inner, status, graphs, on_result)
    }

    /// Starts the alert sources' requests of one refresh in the background
    /// and calls `on_result` once per request as each answer arrives (each
    /// bounded by its own timeout and by `max_answer_bytes`). Dropping the
    /// returned handle aborts them; no late answer is delivered.
    #[must_use = "dropping the handle cancels the requests"]
    pub fn fetch_alerts<F>(&self, fetches: Vec<AlertFetch>, on_result: F) -> AlertsHandle
    where
        F: FnMut(AlertRequest, Result<AlertAnswer, AlertSourceError>) + 'static,
    {
        alerts::start(&self.inner, fetches, on_result)
    }

    /// One alert source request (e.g. Alertmanager's status, asked once).
    /// Dropping the future aborts it.
    pub async fn alert(&self, fetch: &AlertFetch) -> Result<AlertAnswer, AlertSourceError> {
        alerts::run(&self.inner.config, fetch).await
    }

    /// Remembers each answered combined query in `localStorage` under the
    /// configuration at `config_path`, for the boot script of the next load
    /// to send while the wasm downloads.
    pub fn remember_for_boot(&self, config_path: &str) {
        *self.inner.remember_as.borrow_mut() = Some(config_path.to_owned());
    }
}
