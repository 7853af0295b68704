//! One request per (source, query) pair for the whole fleet in a refresh.
//!
//! Every cluster of a fleet over one Prometheus reads the same alerting
//! rules, every cluster reads the configuration's one Alertmanager, and
//! clusters whose checks name one shared source (a global Thanos) ask it
//! the same combined query: the same request, asked once per cluster,
//! would grow those sources' load with the fleet. The fleet's refreshers
//! start their rounds together, in one task (`refresh::start_all`'s
//! interval), so a request already started in that task is joined instead
//! of sent again: the first asker's fetch answers every cluster that asked
//! it (each gets its own copy, judged by its own monitor).
//!
//! Only within one task: a request of an earlier refresh is never joined
//! (its answer would be older than the round asking). A dashboard alone is
//! its own only asker, exactly as before. Should the first asker give its
//! round up before the answer (only a round outliving `stale_after_secs`
//! is), the others wait for theirs to outlive it too, judging meanwhile
//! what arrived, as for any slow source: late, never greener.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use panopticon_client::{AlertFetch, AlertsHandle, Client, RefreshHandle};
use panopticon_core::alerts::{AlertAnswer, AlertRequest, AlertSourceError};
use panopticon_core::prom::{Query, QueryError, QueryResult};

type Outcome = Result<AlertAnswer, AlertSourceError>;

/// Everyone waiting for one request's answer.
type Waiters = Rc<RefCell<Vec<Box<dyn FnMut(AlertRequest, Outcome)>>>>;

/// Everyone waiting for one source's instant answers.
type QueryWaiters = Rc<RefCell<Vec<Box<dyn FnMut(Query, Result<QueryResult, QueryError>)>>>>;

thread_local! {
    /// The alert requests started in the running task, by URL, with the
    /// client that sent them.
    static JOINABLE: RefCell<BTreeMap<String, (usize, Waiters)>> =
        const { RefCell::new(BTreeMap::new()) };
    /// The instant rounds started in the running task, by client
    /// configuration and queries, with the client that sent them.
    static JOINABLE_QUERIES: RefCell<BTreeMap<String, (usize, QueryWaiters)>> =
        const { RefCell::new(BTreeMap::new()) };
}

/// Who asks: a refresher's client (they stay where they are for the
/// refresher's life). A refresher never joins its own round: starting
/// another one replaces (and so cancels) it, and the joined answers would
/// never come.
fn asker(client: &Client) -> usize {
    std::ptr::from_ref(client) as usize
}

/// Starts one source's round like `Client::refresh_status_first`, or joins
/// the same round (a client configured alike, the same queries) another
/// refresher started in this task; `None` when joined. Rounds with graphs
/// are never shared (a fleet asks none; a dashboard's are its own).
pub fn refresh_status_first<F>(
    client: &Client,
    status: Vec<Query>,
    graphs: Vec<Query>,
    on_result: F,
) -> Option<RefreshHandle>
where
    F: FnMut(Query, Result<QueryResult, QueryError>) + 'static,
{
    if !graphs.is_empty() {
        return Some(client.refresh_status_first(status, graphs, on_result));
    }
    let key = format!("{:?} {status:?}", client.config());
    let mut on_result = Some(on_result);
    let waiters = JOINABLE_QUERIES.with(|joinable| {
        let mut joinable = joinable.borrow_mut();
        if joinable.is_empty() {
            wasm_bindgen_futures::spawn_local(async {
                JOINABLE_QUERIES.with(|j| j.borrow_mut().clear());
            });
        }
        if let Some((by, waiters)) = joinable.get(&key)
            && *by != asker(client)
        {
            if let Some(f) = on_result.take() {
                waiters.borrow_mut().push(Box::new(f));
            }
            return None;
        }
        let waiters: QueryWaiters = Rc::new(RefCell::new(Vec::new()));
        joinable.insert(key, (asker(client), Rc::clone(&waiters)));
        Some(waiters)
    })?;
    if let Some(f) = on_result.take() {
        waiters.borrow_mut().push(Box::new(f));
    }
    Some(
        client.refresh_status_first(status, graphs, move |query, result| {
            // Taken out while they run (an asker may be judged and publish in
            // its call), then put back: a round has one answer per query.
            let mut waiting = std::mem::take(&mut *waiters.borrow_mut());
            for waiter in &mut waiting {
                waiter(query.clone(), result.clone());
            }
            waiters.borrow_mut().splice(0..0, waiting);
        }),
    )
}

/// Asks `fetches` through `client` like `Client::fetch_alerts`, joining
/// any identical request another refresher started in this task; `None`
/// when every one was joined (or there is none). Dropping the handle
/// aborts the requests this caller sent.
pub fn fetch_alerts<F>(
    client: &Client,
    fetches: Vec<AlertFetch>,
    on_result: F,
) -> Option<AlertsHandle>
where
    F: FnMut(AlertRequest, Outcome) + 'static,
{
    if fetches.is_empty() {
        return None;
    }
    let callback = Rc::new(RefCell::new(on_result));
    let mut sent: Vec<(AlertFetch, Waiters)> = Vec::new();
    JOINABLE.with(|joinable| {
        let mut joinable = joinable.borrow_mut();
        if joinable.is_empty() {
            // Forgotten when this task ends (spawned futures run after it).
            wasm_bindgen_futures::spawn_local(async {
                JOINABLE.with(|j| j.borrow_mut().clear());
            });
        }
        for fetch in fetches {
            let callback = Rc::clone(&callback);
            let waiter: Box<dyn FnMut(AlertRequest, Outcome)> =
                Box::new(move |request, outcome| (callback.borrow_mut())(request, outcome));
            let url = fetch.request.http(&fetch.base_url).url;
            if let Some((by, waiters)) = joinable.get(&url)
                && *by != asker(client)
            {
                waiters.borrow_mut().push(waiter);
            } else {
                let waiters: Waiters = Rc::new(RefCell::new(vec![waiter]));
                joinable.insert(url, (asker(client), Rc::clone(&waiters)));
                sent.push((fetch, waiters));
            }
        }
    });
    if sent.is_empty() {
        return None;
    }
    let by_request: Vec<(AlertRequest, Waiters)> = sent
        .iter()
        .map(|(f, w)| (f.request, Rc::clone(w)))
        .collect();
    let fetches = sent.into_iter().map(|(f, _)| f).collect();
    Some(client.fetch_alerts(fetches, move |request, outcome| {
        let Some((_, waiters)) = by_request.iter().find(|(r, _)| *r == request) else {
            return;
        };
        // Taken out first: an asker may be judged (and publish) in its call.
        let waiting = std::mem::take(&mut *waiters.borrow_mut());
        for mut waiter in waiting {
            waiter(request, outcome.clone());
        }
    }))
}
