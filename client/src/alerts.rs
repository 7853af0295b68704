//! Reading the alert sources: one GET per request, each with its own
//! timeout, through the query path's fetch and bounded body reading, the
//! answer decoded by `panopticon_core::alerts`.
//!
//! They run beside the checks' queries, never in their place: a slow or
//! dead Alertmanager neither holds back the graphs nor takes the checks'
//! connections for longer than its own timeout.

use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{AbortHandle, Abortable, Either, select};
use futures_util::stream::{FuturesUnordered, StreamExt};
use gloo_timers::future::sleep;
use panopticon_core::alerts::{
    AlertAnswer, AlertLimits, AlertRequest, AlertSourceError, decode_alert_answer,
};
use panopticon_core::prom::{AbortCause, AnswerLimits, BaseUrl};
use web_sys::AbortController;

use crate::fetch::{self, AbortOnDrop};
use crate::{ClientConfig, Inner, prefetch};

/// One alert source request: what, where, and how long it may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFetch {
    /// Which request.
    pub request: AlertRequest,
    /// The source's base URL (the datasource's for Prometheus,
    /// `alertmanager.base_url` for Alertmanager).
    pub base_url: BaseUrl,
    /// Its timeout: the request is aborted when it passes.
    pub timeout: Duration,
}

/// Alert requests running in the background. Dropping it (or a newer
/// call of [`crate::Client::fetch_alerts`] replacing it in its owner)
/// aborts what is still in flight; no answer is delivered after that.
#[derive(Debug)]
pub struct AlertsHandle {
    abort: AbortHandle,
}

impl AlertsHandle {
    /// Aborts what is still in flight.
    pub fn cancel(&self) {
        self.abort.abort();
    }
}

impl Drop for AlertsHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

pub(crate) fn start<F>(
    inner: &Rc<Inner>,
    fetches: Vec<AlertFetch>,
    mut on_result: F,
) -> AlertsHandle
where
    F: FnMut(AlertRequest, Result<AlertAnswer, AlertSourceError>) + 'static,
{
    let (abort, registration) = AbortHandle::new_pair();
    let urls: Vec<String> = fetches
        .iter()
        .map(|f| f.request.http(&f.base_url).url)
        .collect();
    // The boot script's early requests serve the first round only.
    let mut early: Vec<Option<js_sys::Promise>> = if inner.first_alerts.replace(false) {
        let taken = urls
            .iter()
            .map(|url| prefetch::take_alert(url).map(|e| e.response))
            .collect();
        prefetch::discard_alerts();
        taken
    } else {
        Vec::new()
    };
    early.resize(fetches.len(), None);
    inner.remember_alerts(urls);
    let owner = Rc::clone(inner);
    let own_abort = abort.clone();
    let task = async move {
        let mut running: FuturesUnordered<_> = fetches
            .into_iter()
            .zip(early)
            .map(|(f, early)| {
                let owner = Rc::clone(&owner);
                async move {
                    let mut answer = Err(AlertSourceError::Canceled);
                    if let Some(early) = early {
                        answer = run_with(&owner.config, &f, Some(early)).await;
                    }
                    // No early request, or a failed one: asked now.
                    if answer.is_err() {
                        answer = run(&owner.config, &f).await;
                    }
                    (f.request, answer)
                }
            })
            .collect();
        while let Some((request, answer)) = running.next().await {
            if own_abort.is_aborted() {
                break;
            }
            on_result(request, answer);
        }
    };
    wasm_bindgen_futures::spawn_local(async move {
        // Err(Aborted): a newer refresh took over; nothing to report.
        let _ = Abortable::new(task, registration).await;
    });
    AlertsHandle { abort }
}

/// Sends one alert request and decodes its answer, giving up after its timeout.
pub(crate) async fn run(
    config: &ClientConfig,
    fetch: &AlertFetch,
) -> Result<AlertAnswer, AlertSourceError> {
    run_with(config, fetch, None).await
}

/// Like [`run`], taking `early` (the boot script's fetch of the same
/// request) as the answer when given. The timeout runs from now either way.
async fn run_with(
    config: &ClientConfig,
    fetch: &AlertFetch,
    early: Option<js_sys::Promise>,
) -> Result<AlertAnswer, AlertSourceError> {
    let controller = AbortController::new().map_err(|_| AlertSourceError::Unreachable {
        reason: "this browser cannot abort requests (no AbortController)".to_owned(),
    })?;
    let guard = AbortOnDrop(controller);
    let exchange = pin!(exchange(config.max_answer_bytes, fetch, early, &guard.0));
    let deadline = pin!(sleep(fetch.timeout));
    match select(exchange, deadline).await {
        Either::Left((answer, _)) => answer,
        // `guard` aborts the fetch as it goes out of scope.
        Either::Right(((), _)) => Err(AlertSourceError::Timeout {
            after: fetch.timeout,
        }),
    }
}

async fn exchange(
    max_bytes: u64,
    fetch: &AlertFetch,
    early: Option<js_sys::Promise>,
    controller: &AbortController,
) -> Result<AlertAnswer, AlertSourceError> {
    let request = fetch.request.http(&fetch.base_url);
    let signal = controller.signal();
    let aborted = || signal.aborted().then_some(AbortCause::Canceled);
    let response = fetch::respond(&request, early, &signal, aborted).await?;
    let limits = AnswerLimits {
        max_bytes,
        max_series: usize::MAX,
    };
    let answer = fetch::read_within(&response, &limits, aborted).await?;
    decode_alert_answer(
        fetch.request,
        &AlertLimits::new(max_bytes),
        answer.status,
        answer.content_type.as_deref(),
        &answer.body,
    )
}
