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
use std::pin::pin;
use std::rc::Rc;

use futures_util::future::{AbortHandle, Abortable};
use futures_util::stream::{self, Stream, StreamExt};
use panopticon_core::prom::{self, Query, QueryError, QueryResult};

use crate::{Inner, fetch};

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
    wasm_bindgen_futures::spawn_local(async move {
        // Err(Aborted) just means the refresh was cancelled: nothing to report.
        let _ = Abortable::new(task, registration).await;
    });
    RefreshHandle {
        generation,
        abort,
        queries,
    }
}
