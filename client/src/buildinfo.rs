//! A source's version (`GET /api/v1/status/buildinfo`), asked once per page
//! load for the screen's source state. Core decides what the answer says.

use std::pin::pin;

use futures_util::future::{Either, select};
use gloo_timers::future::sleep;
use panopticon_core::prom::{self, AbortCause, AnswerLimits, HttpRequest, Method, QueryError};
use web_sys::AbortController;

use crate::ClientConfig;
use crate::fetch::{self, AbortOnDrop, BodyFailure};

/// A buildinfo answer is a few hundred bytes; more is not one.
const MAX_BYTES: u64 = 64 * 1024;

/// The version the source at `config.base_url` names, within its timeout;
/// `Ok(None)` when it names none (`VictoriaMetrics`).
pub(crate) async fn version(config: &ClientConfig) -> Result<Option<String>, QueryError> {
    let request = HttpRequest {
        method: Method::Get,
        url: config.base_url.join("/api/v1/status/buildinfo"),
        body: None,
        content_type: None,
    };
    let controller = AbortController::new().map_err(|_| QueryError::Unreachable {
        reason: "this browser cannot abort requests (no AbortController)".to_owned(),
    })?;
    let guard = AbortOnDrop(controller);
    let exchange = pin!(exchange(&request, &guard.0));
    let deadline = pin!(sleep(config.timeout));
    match select(exchange, deadline).await {
        Either::Left((answer, _)) => answer,
        // `guard` aborts the fetch as it goes out of scope.
        Either::Right(((), _)) => Err(QueryError::Timeout {
            after: config.timeout,
        }),
    }
}

async fn exchange(
    request: &HttpRequest,
    controller: &AbortController,
) -> Result<Option<String>, QueryError> {
    let signal = controller.signal();
    let aborted = || signal.aborted().then_some(AbortCause::Canceled);
    let response = fetch::send_fetch(request, &signal, aborted).await?;
    let status = response.status();
    let headers = response.headers();
    let limits = AnswerLimits {
        max_bytes: MAX_BYTES,
        max_series: usize::MAX,
    };
    let mut budget = limits.budget(status, headers.get("content-length").as_deref())?;
    let body = fetch::read_body(&response, &mut budget)
        .await
        .map_err(|failure| match failure {
            BodyFailure::Refused(err) => err,
            BodyFailure::Js(js) => fetch::js_error(&js, aborted()),
        })?;
    prom::decode_buildinfo(status, headers.get("content-type").as_deref(), &body)
}
