//! The fan-out of one refresh and its cancellation.
//!
//! Cancellation is belt and braces. Aborting the background task drops every
//! in-flight fetch future, and each of those aborts its fetch on drop. But a
//! callback may itself start the next refresh while the stream still holds
//! finished answers of the old one, which would be delivered in the same
//! poll; so every answer is also checked against the client's current
//! generation before it is handed out. A late answer of a cancelled refresh
//! can never overwrite a newer one on screen.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::pin::pin;
use std::rc::Rc;

use futures_util::future::{AbortHandle, AbortRegistration, Abortable, LocalBoxFuture};
use futures_util::stream::{self, FuturesUnordered, Stream, StreamExt};
use panopticon_core::prom::{
    self, Combined, HttpRequest, Query, QueryError, QueryResult, Split, combine,
};

use crate::{Inner, fetch, prefetch};

/// Which refresh of a client is the live one.
#[derive(Debug, Default)]
pub(crate) struct Generations {
    current: Cell<u64>,
    running: RefCell<Option<AbortHandle>>,
}

impl Generations {
    /// Makes a new refresh the live one, cancelling the previous.
    fn begin(&self, abort: AbortHandle) -> u64 {
        let generation = self.current.get().wrapping_add(1);
        self.current.set(generation);
        if let Some(previous) = self.running.replace(Some(abort)) {
            previous.abort();
        }
        generation
    }

    fn is_live(&self, generation: u64) -> bool {
        self.current.get() == generation
    }
}

/// A running refresh. Dropping it (or calling [`RefreshHandle::cancel`])
/// aborts the queries still in flight; their answers are never delivered.
#[derive(Debug)]
pub struct RefreshHandle {
    generation: u64,
    abort: AbortHandle,
    queries: Vec<Query>,
    asked_at: Option<f64>,
}

impl RefreshHandle {
    /// Which refresh of its client this is (1 for the first); callers can
    /// tag answers with it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The distinct queries issued, in their original order: as many
    /// answers will arrive unless the refresh is cancelled.
    pub fn queries(&self) -> &[Query] {
        &self.queries
    }

    /// When the status's answers were asked for, if earlier than now: the
    /// boot script sent the combined query of a client's first refresh
    /// while the wasm loaded (Unix seconds, browser clock).
    pub fn asked_at(&self) -> Option<f64> {
        self.asked_at
    }

    /// Aborts what is still in flight and drops any answer not yet delivered.
    pub fn cancel(&self) {
        self.abort.abort();
    }

    /// Whether this refresh was cancelled (by [`RefreshHandle::cancel`] or a newer refresh).
    pub fn is_cancelled(&self) -> bool {
        self.abort.is_aborted()
    }
}

impl Drop for RefreshHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

pub(crate) fn fan_out(
    inner: Rc<Inner>,
    queries: impl IntoIterator<Item = Query>,
) -> impl Stream<Item = (Query, Result<QueryResult, QueryError>)> + 'static {
    let in_flight = inner.config.max_in_flight.max(1);
    stream::iter(prom::distinct(queries))
        .map(move |query| {
            let inner = Rc::clone(&inner);
            async move {
                let answer = fetch::run(&inner.config, &inner.options, &inner.clock, &query).await;
                (query, answer)
            }
        })
        .buffer_unordered(in_flight)
}

pub(crate) fn start<F>(
    inner: &Rc<Inner>,
    queries: impl IntoIterator<Item = Query>,
    mut on_result: F,
) -> RefreshHandle
where
    F: FnMut(Query, Result<QueryResult, QueryError>) + 'static,
{
    let queries = prom::distinct(queries);
    let (abort, registration) = AbortHandle::new_pair();
    let generation = inner.refreshes.begin(abort.clone());
    let answers = fan_out(Rc::clone(inner), queries.clone());
    let owner = Rc::clone(inner);
    let own_abort = abort.clone();
    let task = async move {
        let mut answers = pin!(answers);
        while let Some((query, answer)) = answers.next().await {
            if own_abort.is_aborted() || !owner.refreshes.is_live(generation) {
                break;
            }
            on_result(query, answer);
        }
    };
    launch(task, registration);
    RefreshHandle {
        generation,
        abort,
        queries,
        asked_at: None,
    }
}

/// Runs a refresh's task in the background until it ends or is aborted.
fn launch(task: impl Future<Output = ()> + 'static, registration: AbortRegistration) {
    wasm_bindgen_futures::spawn_local(async move {
        // Err(Aborted) just means the refresh was cancelled: nothing to report.
        let _ = Abortable::new(task, registration).await;
    });
}

/// One unit of work of a status-first refresh.
enum Job {
    /// A query asked alone.
    One(Query),
    /// The combined instant query, possibly already sent by the boot script.
    Combined(Combined, Option<prefetch::Early>),
}

/// What a finished job brought.
enum Done {
    One {
        query: Query,
        answer: Result<QueryResult, QueryError>,
        status: bool,
    },
    Combined {
        combined: Combined,
        request: Option<HttpRequest>,
        answer: Result<QueryResult, QueryError>,
    },
}

fn run_job(inner: Rc<Inner>, job: Job, status: bool) -> LocalBoxFuture<'static, Done> {
    Box::pin(async move {
        match job {
            Job::One(query) => {
                let answer = fetch::run(&inner.config, &inner.options, &inner.clock, &query).await;
                Done::One {
                    query,
                    answer,
                    status,
                }
            }
            Job::Combined(combined, early) => {
                let request =
                    prom::build_request(&inner.config.base_url, combined.query(), &inner.options);
                let answer = match &request {
                    Ok(request) => {
                        let mut answer = Err(QueryError::Canceled);
                        if let Some(early) = early {
                            answer = fetch::send(
                                &inner.config,
                                &inner.clock,
                                request,
                                Some(early.response),
                            )
                            .await;
                        }
                        // No early request, or a failed one: asked now, as
                        // if there had been none.
                        if answer.is_err() {
                            answer = fetch::send(&inner.config, &inner.clock, request, None).await;
                        }
                        answer
                    }
                    Err(e) => Err(e.clone()),
                };
                Done::Combined {
                    combined,
                    request: request.ok(),
                    answer,
                }
            }
        }
    })
}

/// The jobs that decide the status: the checks' instant queries at the
/// server's time combined into one where the client still combines, the
/// rest alone. Takes the boot script's early request on a client's first
/// refresh and says when it left.
fn status_jobs(inner: &Inner, status: Vec<Query>) -> (VecDeque<Job>, Option<f64>) {
    let first = inner.first_refresh.replace(false);
    let (now, timed): (Vec<Query>, Vec<Query>) = status
        .into_iter()
        .partition(|q| matches!(q, Query::Instant { time: None, .. }));
    let mut jobs = VecDeque::new();
    let mut asked_at = None;
    if inner.combine.get() {
        let plan = combine::plan(now.iter().map(Query::expr));
        if let Some(combined) = plan.combined {
            let early = if first {
                prom::build_request(&inner.config.base_url, combined.query(), &inner.options)
                    .ok()
                    .and_then(|request| prefetch::take(&request))
            } else {
                None
            };
            // If the early request failed, the combined query is asked again
            // and its answer is newer than this: older is the safe side.
            asked_at = early.as_ref().map(|e| e.sent_at);
            jobs.push_back(Job::Combined(combined, early));
        }
        jobs.extend(plan.alone.iter().map(|e| Job::One(Query::instant_now(e))));
    } else {
        jobs.extend(now.into_iter().map(Job::One));
    }
    if first && asked_at.is_none() {
        // Not this refresh's request: never any later refresh's either.
        prefetch::discard();
    }
    jobs.extend(timed.into_iter().map(Job::One));
    (jobs, asked_at)
}

/// Starts a refresh whose `status` queries (the checks') are all answered
/// before any of `graphs` leaves, so the graphs' range queries never
/// compete with the first status for the browser's connections or
/// Prometheus's CPU. See [`Client::refresh_status_first`](crate::Client).
pub(crate) fn start_status_first<F>(
    inner: &Rc<Inner>,
    status: Vec<Query>,
    graphs: Vec<Query>,
    mut on_result: F,
) -> RefreshHandle
where
    F: FnMut(Query, Result<QueryResult, QueryError>) + 'static,
{
    let status = prom::distinct(status);
    let graphs: Vec<Query> = prom::distinct(graphs)
        .into_iter()
        .filter(|q| !status.contains(q))
        .collect();
    let queries: Vec<Query> = status.iter().chain(&graphs).cloned().collect();
    let (abort, registration) = AbortHandle::new_pair();
    let generation = inner.refreshes.begin(abort.clone());
    let (mut jobs, asked_at) = status_jobs(inner, status);
    let mut graphs: VecDeque<Query> = graphs.into();
    let owner = Rc::clone(inner);
    let own_abort = abort.clone();
    let in_flight = inner.config.max_in_flight.max(1);
    let task = async move {
        let live = || !own_abort.is_aborted() && owner.refreshes.is_live(generation);
        let mut running = FuturesUnordered::new();
        let mut status_running = 0_usize;
        loop {
            while running.len() < in_flight {
                if let Some(job) = jobs.pop_front() {
                    status_running += 1;
                    running.push(run_job(Rc::clone(&owner), job, true));
                } else if status_running == 0
                    && let Some(query) = graphs.pop_front()
                {
                    running.push(run_job(Rc::clone(&owner), Job::One(query), false));
                } else {
                    break;
                }
            }
            let Some(done) = running.next().await else {
                break;
            };
            if !live() {
                break;
            }
            match done {
                Done::One {
                    query,
                    answer,
                    status,
                } => {
                    status_running -= usize::from(status);
                    on_result(query, answer);
                }
                Done::Combined {
                    combined,
                    request,
                    answer,
                } => {
                    status_running -= 1;
                    let answered = answer.is_ok();
                    match combined.split(answer) {
                        Split::Parts(parts) => {
                            if let Some(request) = request.filter(|_| answered) {
                                owner.remember(request);
                            }
                            for (expr, answer) in parts {
                                if !live() {
                                    return;
                                }
                                on_result(Query::instant_now(&expr), answer);
                            }
                        }
                        Split::Fallback { combine_again } => {
                            if !combine_again {
                                owner.combine.set(false);
                            }
                            for part in combined.parts().iter().rev() {
                                jobs.push_front(Job::One(Query::instant_now(part)));
                            }
                        }
                    }
                }
            }
        }
    };
    launch(task, registration);
    RefreshHandle {
        generation,
        abort,
        queries,
        asked_at,
    }
}
