//! The first refresh's combined query, sent by the boot script while the
//! wasm downloads and compiles.
//!
//! After a successful combined query the client remembers its exact request
//! (URL and body) in `localStorage`, keyed by the configuration's path. On
//! the next load the boot script (written by `scripts/trunk_post_build.py`)
//! sends that request once the wasm and configuration fetches have left,
//! and leaves `{ url, body, sent, response }` in a global. The first refresh
//! takes the answer only when the request it would send now is byte for
//! byte the same, so a changed configuration (or base URL, or timeout)
//! simply ignores it; no later refresh ever sees it. The query carries no
//! `time=`: Prometheus evaluated it when it arrived, so the data is as
//! fresh as asked, and the refresh counts as asked when the boot script
//! sent it.

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
