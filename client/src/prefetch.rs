//! The first refresh's combined query, sent by the boot script while the
//! wasm downloads and compiles.
//!
//! After a successful combined query the client remembers its exact request
//! (URL and body) in `localStorage`, keyed by the configuration's path. On
//! the next load the boot script (`early-<hash>.js`, a classic script
//! written by `scripts/trunk_post_build.py`) sends that request as soon as
//! it runs, reads the answer's body ahead (up to a bound) while the wasm
//! compiles, and leaves `{ url, body, sent, response }` in a global. The
//! first refresh takes the answer only when the request it would send now
//! is byte for byte the same, so a changed configuration (or base URL, or timeout)
//! simply ignores it; no later refresh ever sees it. The query carries no
//! `time=`: Prometheus evaluated it when it arrived, so the data is as
//! fresh as asked, and the refresh counts as asked when the boot script
//! sent it.
//!
//! The alert sources' GETs are remembered the same way (their URLs), sent
//! by the boot script right after, and taken by the first refresh's alert
//! requests of the same URL: a round is judged once both are answered, so
//! without them a returning screen's first status would wait for requests
//! that leave only once the wasm runs.

use panopticon_core::prom::HttpRequest;
use wasm_bindgen::{JsCast, JsValue};

/// Where the boot script leaves its early request.
const SLOT: &str = "__panopticonQuery";

/// The `localStorage` key of the remembered request, before the
/// configuration's path (the boot script builds the same key).
const STORAGE_PREFIX: &str = "panopticon.firstQuery:";

/// The boot script's early request, matching the one the refresh would send.
#[derive(Debug)]
pub(crate) struct Early {
    /// When it left (Unix seconds, browser clock).
    pub sent_at: f64,
    /// The `fetch` promise.
    pub response: js_sys::Promise,
}

/// Takes the boot script's early request (only once per page, whether it
/// matches or not) and returns it if it is `request` exactly.
pub(crate) fn take(request: &HttpRequest) -> Option<Early> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(SLOT);
    let slot = js_sys::Reflect::get(&window, &key).ok()?;
    if slot.is_undefined() || slot.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&slot, &JsValue::from_str(name)).ok();
    let url = field("url")?.as_string()?;
    let body = field("body")?.as_string();
    if url != request.url || body != request.body {
        return None;
    }
    let sent_at = field("sent")?.as_f64()? / 1000.0;
    let response = field("response")?.dyn_into::<js_sys::Promise>().ok()?;
    Some(Early { sent_at, response })
}

/// Drops the boot script's early request unused.
pub(crate) fn discard() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(SLOT));
    }
}

/// Remembers `request` as the one to send early on the next load of the
/// configuration at `config_path`. Storage may be full or forbidden
/// (private windows): then the next load simply asks after the wasm starts.
pub(crate) fn remember(config_path: &str, request: &HttpRequest) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let entry = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&entry, &"url".into(), &request.url.as_str().into());
    let body = request
        .body
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let _ = js_sys::Reflect::set(&entry, &"body".into(), &body);
    if let Some(text) = js_sys::JSON::stringify(&entry)
        .ok()
        .and_then(|t| t.as_string())
    {
        let _ = storage.set_item(&format!("{STORAGE_PREFIX}{config_path}"), &text);
    }
}

/// Where the boot script leaves its early alert requests: an object from
/// URL to `{ sent, response }`.
const ALERTS_SLOT: &str = "__panopticonAlerts";

/// The `localStorage` key of the remembered alert requests' URLs, before
/// the configuration's path (the boot script builds the same key).
const ALERTS_STORAGE_PREFIX: &str = "panopticon.alertRequests:";

/// Takes the boot script's early GET of `url`, if it sent one (each at
/// most once per page).
pub(crate) fn take_alert(url: &str) -> Option<Early> {
    let window = web_sys::window()?;
    let slot = js_sys::Reflect::get(&window, &JsValue::from_str(ALERTS_SLOT)).ok()?;
    if !slot.is_object() {
        return None;
    }
    let key = JsValue::from_str(url);
    let entry = js_sys::Reflect::get(&slot, &key).ok()?;
    if !entry.is_object() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(slot.unchecked_ref::<js_sys::Object>(), &key);
    let field = |name: &str| js_sys::Reflect::get(&entry, &JsValue::from_str(name)).ok();
    let sent_at = field("sent")?.as_f64()? / 1000.0;
    let response = field("response")?.dyn_into::<js_sys::Promise>().ok()?;
    Some(Early { sent_at, response })
}

/// Drops the boot script's early alert requests that were not taken.
pub(crate) fn discard_alerts() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(ALERTS_SLOT));
    }
}

/// Remembers the alert requests' URLs for the next load of the
/// configuration at `config_path`, for the boot script to send early (the
/// first status waits for them).
pub(crate) fn remember_alerts(config_path: &str, urls: &[String]) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let list = js_sys::Array::new();
    for url in urls {
        list.push(&JsValue::from_str(url));
    }
    if let Some(text) = js_sys::JSON::stringify(&list)
        .ok()
        .and_then(|t| t.as_string())
    {
        let _ = storage.set_item(&format!("{ALERTS_STORAGE_PREFIX}{config_path}"), &text);
    }
}
