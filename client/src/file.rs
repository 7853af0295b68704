//! Fetching a file of the dashboard's own site (its configuration), so that
//! the app itself does no I/O: the client is the one crate that talks to the
//! network.

use gloo_net::http::{Request, Response};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a file of the site could not be had. `Send + Sync`, worded for the
/// page that explains it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The request failed before any answer (network, CSP, abort).
    #[error("{reason}")]
    Unreachable {
        /// What the browser said.
        reason: String,
    },
    /// The server has no such file.
    #[error("HTTP 404")]
    NotFound,
    /// The server answered with another error status.
    #[error("HTTP {status}")]
    Http {
        /// HTTP status.
        status: u16,
    },
}

/// Where the boot script (written by `scripts/trunk_post_build.py`) leaves
/// the request for the default configuration it starts while the wasm
/// loads: `{ path, response: Promise<Response> }`. It starts one only when
/// the URL names no other configuration, so nothing unused is fetched (a
/// `<link rel=preload>` fetched `panopticon.yaml` for `?config=other.yaml`
/// too, and Chromium warned every few seconds that it went unused).
const PREFETCH_SLOT: &str = "__panopticonConfig";

/// The text of `path` on the dashboard's own site, using the boot script's
/// early request for it when there is one (taken once).
pub async fn fetch_site_file(path: &str) -> Result<String, FileError> {
    let unreachable = |reason: String| FileError::Unreachable { reason };
    let response = match take_prefetched(path) {
        Some(answer) => JsFuture::from(answer)
            .await
            .map_err(|e| unreachable(js_reason(&e)))?
            .dyn_into::<web_sys::Response>()
            .map(Response::from)
            .map_err(|_| unreachable("the early request did not answer".to_owned()))?,
        None => Request::get(path)
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?,
    };
    match response.status() {
        404 => return Err(FileError::NotFound),
        status if !response.ok() => return Err(FileError::Http { status }),
        _ => {}
    }
    response
        .text()
        .await
        .map_err(|e| unreachable(e.to_string()))
}

/// The early request for `path`, if the boot script made one; taken once.
fn take_prefetched(path: &str) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(PREFETCH_SLOT);
    let slot = js_sys::Reflect::get(&window, &key).ok()?;
    if slot.is_undefined() || slot.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let asked = js_sys::Reflect::get(&slot, &JsValue::from_str("path"))
        .ok()?
        .as_string()?;
    if asked != path {
        return None;
    }
    js_sys::Reflect::get(&slot, &JsValue::from_str("response"))
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()
}

/// A rejected fetch's reason in words (a `TypeError` names the network failure).
fn js_reason(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}

/// What a file's last answer said about its version (`ETag`, `Last-Modified`),
/// sent back as `If-None-Match` / `If-Modified-Since` so that an unchanged
/// file costs a 304 and no body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    etag: Option<String>,
    last_modified: Option<String>,
}

/// The answer to [`revalidate_site_file`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revalidated {
    /// The server says the file is the one the validators describe (304).
    Unchanged,
    /// The file as served now, with its validators for the next request. It
    /// may still be the same text (a first request has no validators, and a
    /// server may not send any): the caller compares.
    Current {
        /// The file's text.
        text: String,
        /// For the next request.
        validators: Validators,
    },
}

/// Asks for `path` of the dashboard's own site again, conditionally on
/// `known` when it holds validators. A request with such headers bypasses the
/// browser's HTTP cache (the Fetch standard's rule), so the server decides.
pub async fn revalidate_site_file(
    path: &str,
    known: &Validators,
) -> Result<Revalidated, FileError> {
    let unreachable = |reason: String| FileError::Unreachable { reason };
    let mut request = Request::get(path);
    if let Some(etag) = &known.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(date) = &known.last_modified {
        request = request.header("If-Modified-Since", date);
    }
    let response = request
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    match response.status() {
        304 => return Ok(Revalidated::Unchanged),
        404 => return Err(FileError::NotFound),
        status if !response.ok() => return Err(FileError::Http { status }),
        _ => {}
    }
    let headers = response.headers();
    let validators = Validators {
        etag: headers.get("etag"),
        last_modified: headers.get("last-modified"),
    };
    let text = response
        .text()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    Ok(Revalidated::Current { text, validators })
}
