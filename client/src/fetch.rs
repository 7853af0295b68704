//! One query over `fetch`: send what core built, enforce the deadline, read
//! the body within its size limit, hand it to core's decoder.
//!
//! The body is read as a stream and its chunks stay in JavaScript until the
//! whole body is known to fit: only then is it copied into wasm memory, once,
//! at its exact size. A refused answer never enters wasm memory, which never
//! shrinks; its chunks are garbage-collected JavaScript objects.

use std::cell::Cell;
use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select};
use gloo_net::http::{Method, RequestBuilder, Response};
use gloo_timers::future::sleep;
use js_sys::Uint8Array;
use panopticon_core::clock::ClockReading;
use panopticon_core::prom::{
    self, AbortCause, AnswerLimits, HttpRequest, Query, QueryError, QueryResult, RequestOptions,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, ReadableStreamReadResult};

use crate::ClientConfig;

/// Aborts the fetch when the future that owns it is dropped (superseded
/// refresh, unmounted view), so the browser frees the connection at once
/// instead of downloading an answer nobody reads. Aborting a finished fetch
/// does nothing, so it is safe on every path.
pub(crate) struct AbortOnDrop(pub(crate) AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends `query` and decodes the answer, giving up after `config.timeout`.
/// The answer's `Date` header, when readable, goes to `clock`.
pub(crate) async fn run(
    config: &ClientConfig,
    options: &RequestOptions,
    clock: &Cell<Option<ClockReading>>,
    query: &Query,
) -> Result<QueryResult, QueryError> {
    let request = prom::build_request(&config.base_url, query, options)?;
    send(config, clock, &request, None).await
}

/// Sends `request`, or takes `early` as its answer: the boot script's fetch
/// of the very same request (see `prefetch.rs`). The deadline runs from now
/// either way.
pub(crate) async fn send(
    config: &ClientConfig,
    clock: &Cell<Option<ClockReading>>,
    request: &HttpRequest,
    early: Option<js_sys::Promise>,
) -> Result<QueryResult, QueryError> {
    let controller = AbortController::new().map_err(|_| QueryError::Unreachable {
        reason: "this browser cannot abort requests (no AbortController)".to_owned(),
    })?;
    let guard = AbortOnDrop(controller);
    let limits = AnswerLimits {
        max_bytes: config.max_answer_bytes,
        max_series: config.max_series,
    };
    let exchange = pin!(exchange(request, early, &guard.0, &limits, clock));
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

/// An answer read within its size bound and not yet decoded: what the side
/// requests (buildinfo, label values) hand to their own decoders.
pub(crate) struct BoundedAnswer {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// Sends `request` and reads its body within `limits`, giving up after
/// `timeout`. The answer is left undecoded because the side requests each
/// have their own format; the bounds and the errors are those of a query.
pub(crate) async fn get_bounded(
    request: &HttpRequest,
    timeout: Duration,
    limits: &AnswerLimits,
) -> Result<BoundedAnswer, QueryError> {
    let controller = AbortController::new().map_err(|_| QueryError::Unreachable {
        reason: "this browser cannot abort requests (no AbortController)".to_owned(),
    })?;
    let guard = AbortOnDrop(controller);
    let exchange = pin!(read_bounded(request, &guard.0, limits));
    let deadline = pin!(sleep(timeout));
    match select(exchange, deadline).await {
        Either::Left((answer, _)) => answer,
        // `guard` aborts the fetch as it goes out of scope.
        Either::Right(((), _)) => Err(QueryError::Timeout { after: timeout }),
    }
}

/// [`get_bounded`]'s exchange, without deadline.
async fn read_bounded(
    request: &HttpRequest,
    controller: &AbortController,
    limits: &AnswerLimits,
) -> Result<BoundedAnswer, QueryError> {
    let signal = controller.signal();
    let aborted = || signal.aborted().then_some(AbortCause::Canceled);
    let response = send_fetch(request, &signal, aborted).await?;
    read_within(&response, limits, aborted).await
}

/// Reads `response`'s body as core's budget for `limits` allows: a
/// successful answer too large for them is refused (by its `Content-Length`
/// before a byte is read, else once it grows past them), an error page is
/// only read to its start.
pub(crate) async fn read_within(
    response: &Response,
    limits: &AnswerLimits,
    aborted: impl Fn() -> Option<AbortCause>,
) -> Result<BoundedAnswer, QueryError> {
    let status = response.status();
    let headers = response.headers();
    let mut budget = limits.budget(status, headers.get("content-length").as_deref())?;
    let body = read_body(response, &mut budget)
        .await
        .map_err(|failure| match failure {
            BodyFailure::Refused(err) => err,
            BodyFailure::Js(js) => js_error(&js, aborted()),
        })?;
    Ok(BoundedAnswer {
        status,
        content_type: headers.get("content-type"),
        body,
    })
}

/// The HTTP exchange itself, without deadline.
async fn exchange(
    request: &HttpRequest,
    early: Option<js_sys::Promise>,
    controller: &AbortController,
    limits: &AnswerLimits,
    clock: &Cell<Option<ClockReading>>,
) -> Result<QueryResult, QueryError> {
    let signal = controller.signal();
    let aborted = || signal.aborted().then_some(AbortCause::Canceled);
    let response = respond(request, early, &signal, aborted).await?;
    read_response(&response, limits, clock, aborted).await
}

/// The response to `request`: `early`'s (the boot script's fetch of the
/// very same request, see `prefetch.rs`) when given, else a fetch sent now.
pub(crate) async fn respond(
    request: &HttpRequest,
    early: Option<js_sys::Promise>,
    signal: &web_sys::AbortSignal,
    aborted: impl Fn() -> Option<AbortCause>,
) -> Result<Response, QueryError> {
    match early {
        Some(early) => JsFuture::from(early)
            .await
            .map_err(|e| js_error(&e, aborted()))?
            .dyn_into::<web_sys::Response>()
            .map(Response::from)
            .map_err(|_| QueryError::Unreachable {
                reason: "the early request did not answer".to_owned(),
            }),
        None => send_fetch(request, signal, aborted).await,
    }
}

async fn send_fetch(
    request: &HttpRequest,
    signal: &web_sys::AbortSignal,
    aborted: impl Fn() -> Option<AbortCause>,
) -> Result<Response, QueryError> {
    let mut builder = RequestBuilder::new(&request.url)
        .method(match request.method {
            prom::Method::Get => Method::GET,
            prom::Method::Post => Method::POST,
        })
        .header("Accept", "application/json")
        .abort_signal(Some(signal));
    if let Some(content_type) = request.content_type {
        builder = builder.header("Content-Type", content_type);
    }
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    };
    built
        .map_err(|e| fetch_error(&e, None))?
        .send()
        .await
        .map_err(|e| fetch_error(&e, aborted()))
}

/// Reads and decodes an answer within `limits`.
async fn read_response(
    response: &Response,
    limits: &AnswerLimits,
    clock: &Cell<Option<ClockReading>>,
    aborted: impl Fn() -> Option<AbortCause>,
) -> Result<QueryResult, QueryError> {
    // Any answer, an error page too, tells the proxy's time. Cross-origin
    // the header is readable only where the proxy exposes it.
    if let Some(reading) = response
        .headers()
        .get("date")
        .and_then(|d| ClockReading::from_date_header(&d, js_sys::Date::now() / 1000.0))
    {
        clock.set(Some(reading));
    }
    let answer = read_within(response, limits, aborted).await?;
    prom::decode_response_within(
        limits,
        answer.status,
        answer.content_type.as_deref(),
        &answer.body,
    )
}

enum BodyFailure {
    /// Over the limit: core's error says why.
    Refused(QueryError),
    /// The stream broke (network, abort).
    Js(JsValue),
}

impl From<JsValue> for BodyFailure {
    fn from(js: JsValue) -> Self {
        BodyFailure::Js(js)
    }
}

/// Reads the body chunk by chunk as `budget` allows, cancelling the stream
/// as soon as it says stop; the chunks are copied into wasm memory only at
/// the end, into one buffer of the exact size.
async fn read_body(
    response: &Response,
    budget: &mut prom::BodyBudget,
) -> Result<Vec<u8>, BodyFailure> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new()); // 204, or a body-less answer
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut chunks: Vec<Uint8Array> = Vec::new();
    loop {
        let step: ReadableStreamReadResult = JsFuture::from(reader.read()).await?.unchecked_into();
        if step.get_done().unwrap_or(false) {
            break;
        }
        let Ok(chunk) = step.get_value().dyn_into::<Uint8Array>() else {
            continue; // not bytes: nothing a fetch body stream produces
        };
        let take = match budget.take(chunk.length() as usize) {
            Ok(take) => take,
            Err(refused) => {
                // Fire and forget: the fetch is also aborted when the query
                // ends, this only stops the download sooner.
                let _cancelling = reader.cancel();
                return Err(BodyFailure::Refused(refused));
            }
        };
        chunks.push(if take.keep < chunk.length() as usize {
            chunk.subarray(0, u32::try_from(take.keep).unwrap_or(u32::MAX))
        } else {
            chunk
        });
        if !take.more {
            let _cancelling = reader.cancel();
            break;
        }
    }
    let mut body = vec![0; usize::try_from(budget.kept()).unwrap_or(usize::MAX)];
    let mut at = 0;
    for chunk in chunks {
        let len = chunk.length() as usize;
        chunk.copy_to(&mut body[at..at + len]);
        at += len;
    }
    Ok(body)
}

/// A JavaScript error (a `DOMException` or `TypeError` from the stream) as a
/// query error.
fn js_error(js: &JsValue, aborted: Option<AbortCause>) -> QueryError {
    match js.dyn_ref::<js_sys::Error>() {
        Some(err) => QueryError::from_fetch_failure(
            &String::from(err.name()),
            &String::from(err.message()),
            aborted,
        ),
        None => QueryError::from_fetch_failure("", &js.as_string().unwrap_or_default(), aborted),
    }
}

fn fetch_error(err: &gloo_net::Error, aborted: Option<AbortCause>) -> QueryError {
    match err {
        gloo_net::Error::JsError(js) => {
            QueryError::from_fetch_failure(&js.name, &js.message, aborted)
        }
        other @ gloo_net::Error::GlooError(_) => {
            QueryError::from_fetch_failure("", &other.to_string(), aborted)
        }
    }
}
