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

mod fan_out;
mod fetch;
mod file;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures_util::Stream;
pub use panopticon_core::clock::ClockReading;
use panopticon_core::prom::{
    AnswerLimits, BaseUrl, Query, QueryError, QueryResult, RequestOptions,
};

pub use fan_out::RefreshHandle;
pub use file::{FileError, fetch_site_file};

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
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Client {
        let options = RequestOptions::for_client(config.timeout);
        Client {
            inner: Rc::new(Inner {
                config,
                options,
                refreshes: fan_out::Generations::default(),
                clock: Cell::new(None),
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
}
