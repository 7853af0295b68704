//! One query over `fetch`: send what core built, enforce the deadline, hand
//! the answer to core's decoder.

use std::pin::pin;

use futures_util::future::{Either, select};
use gloo_net::http::{Method, RequestBuilder};
use gloo_timers::future::sleep;
use panopticon_core::prom::{
    self, AbortCause, HttpRequest, Query, QueryError, QueryResult, RequestOptions,
};
use web_sys::AbortController;

use crate::ClientConfig;

/// Aborts the fetch when the future that owns it is dropped (superseded
/// refresh, unmounted view), so the browser frees the connection at once
/// instead of downloading an answer nobody reads. Aborting a finished fetch
/// does nothing, so it is safe on every path.
struct AbortOnDrop(AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends `query` and decodes the answer, giving up after `config.timeout`.
pub(crate) async fn run(
    config: &ClientConfig,
    options: &RequestOptions,
    query: &Query,
) -> Result<QueryResult, QueryError> {
    let request = prom::build_request(&config.base_url, query, options)?;
    let controller = AbortController::new().map_err(|_| QueryError::Unreachable {
        reason: "this browser cannot abort requests (no AbortController)".to_owned(),
    })?;
    let guard = AbortOnDrop(controller);
    let exchange = pin!(exchange(&request, &guard.0));
    let deadline = pin!(sleep(config.timeout));
    match select(exchange, deadline).await {
        Either::Left((answer, _)) => answer,
        Either::Right(((), _)) => {
            // `guard` aborts the fetch when it goes out of scope right after.
            Err(QueryError::Timeout {
                after: config.timeout,
            })
        }
    }
}

/// The HTTP exchange itself, without deadline.
async fn exchange(
    request: &HttpRequest,
    controller: &AbortController,
) -> Result<QueryResult, QueryError> {
    let signal = controller.signal();
    let mut builder = RequestBuilder::new(&request.url)
        .method(match request.method {
            prom::Method::Get => Method::GET,
            prom::Method::Post => Method::POST,
        })
        .header("Accept", "application/json")
        .abort_signal(Some(&signal));
    if let Some(auth) = &request.authorization {
        builder = builder.header("Authorization", auth.expose());
    }
    if let Some(content_type) = request.content_type {
        builder = builder.header("Content-Type", content_type);
    }
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    };
    let aborted = || signal.aborted().then_some(AbortCause::Canceled);
    let response = built
        .map_err(|e| fetch_error(&e, None))?
        .send()
        .await
        .map_err(|e| fetch_error(&e, aborted()))?;
    let status = response.status();
    let content_type = response.headers().get("content-type");
    let body = response
        .binary()
        .await
        .map_err(|e| fetch_error(&e, aborted()))?;
    prom::decode_response(status, content_type.as_deref(), &body)
}

fn fetch_error(err: &gloo_net::Error, aborted: Option<AbortCause>) -> QueryError {
    match err {
        gloo_net::Error::JsError(js) => {
            QueryError::from_fetch_failure(&js.name, &js.message, aborted)
        }
        other => QueryError::from_fetch_failure("", &other.to_string(), aborted),
    }
}
