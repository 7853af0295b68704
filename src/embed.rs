//! The `postMessage` bridge to a host page (Grafana's Business Text or HTML
//! graphics panel): the host sets the range, theme, view and template
//! variables (`vars`) without reloading the frame, and hears the status
//! when it changes.
//!
//! Off unless the configuration lists the host's origin
//! (`embedding.allowed_origins`) and the page is framed. Every decision is
//! in [`protocol`]; this module only reads messages and posts them.

pub mod protocol;

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::Window;

use crate::refresh::LiveState;
use protocol::{Field, MAX_FIELD_CHARS, MAX_VAR_CHARS, MAX_VARS, Order, RawSet, StatusMessage};

/// Starts the bridge: obeys `panopticon:set` from the framing page on an
/// `allowed` origin (calling `on_order` with what it validly asks) and posts
/// `panopticon:status` to it. `views` are the view ids in order.
pub fn start(
    allowed: Vec<String>,
    views: Vec<String>,
    live: LiveState,
    on_order: impl Fn(Order) + 'static,
) {
    if allowed.is_empty() {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(parent) = framing_parent(&window) else {
        return;
    };
    listen(
        &window,
        parent.clone(),
        allowed.clone(),
        views,
        live,
        on_order,
    );
    post_status(parent, allowed, live);
}

/// Marks `<html>` for `style/embed.css`: `data-framed` when the page is in a
/// frame (a Grafana panel: no scroll bars, banner only when small; not for a
/// phone, whose small screen still wants the whole page) and
/// `data-transparent` for `?transparent` (Grafana's transparent panels).
pub fn mark_page() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(root) = window.document().and_then(|d| d.document_element()) else {
        return;
    };
    let transparent =
        crate::url_state::param("transparent").is_some_and(|v| v != "0" && v != "false");
    for (name, on) in [
        ("data-framed", framing_parent(&window).is_some()),
        ("data-transparent", transparent),
    ] {
        if on {
            // Without the mark the page is laid out as a full page: still usable.
            let _ = root.set_attribute(name, "");
        }
    }
}

/// The window framing this one, if any (`window.parent` is the window
/// itself at the top).
fn framing_parent(window: &Window) -> Option<Window> {
    let parent = window.parent().ok()??;
    (!Object::is(&parent, window)).then_some(parent)
}

fn listen(
    window: &Window,
    parent: Window,
    allowed: Vec<String>,
    views: Vec<String>,
    live: LiveState,
    on_order: impl Fn(Order) + 'static,
) {
    let handler = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let origin = get(&event, "origin").as_string().unwrap_or_default();
        let from_parent = Object::is(&get(&event, "source"), &parent);
        if !protocol::accepts(&origin, from_parent, &allowed) {
            return;
        }
        let data = get(&event, "data");
        if !data.is_object() || get(&data, "type").as_string().as_deref() != Some(protocol::SET) {
            return;
        }
        let raw = RawSet {
            from: field(&data, "from"),
            to: field(&data, "to"),
            theme: field(&data, "theme"),
            view: field(&data, "view"),
            vars: vars(&data),
        };
        on_order(protocol::read_set(&raw, live.now.get_untracked(), &views));
    });
    let function = handler.as_ref().unchecked_ref::<js_sys::Function>().clone();
    if window
        .add_event_listener_with_callback("message", &function)
        .is_err()
    {
        return;
    }
    // Removed with the dashboard (cleanups must be Send; this runs on the
    // page's only thread).
    let kept = SendWrapper::new((window.clone(), function, handler));
    on_cleanup(move || {
        let (window, function, _handler) = kept.take();
        let _ = window.remove_event_listener_with_callback("message", &function);
    });
}

/// Posts the status once the first one is in, then on every change.
fn post_status(parent: Window, allowed: Vec<String>, live: LiveState) {
    let parent = SendWrapper::new(parent);
    let last = StoredValue::new(None::<StatusMessage>);
    crate::effect::effect(move || {
        let next = (live.refreshes.get() > 0).then(|| StatusMessage {
            status: live.summary.with(|s| s.status),
            counts: live
                .snapshot
                .with(|s| s.as_ref().map(|s| (&s.counts).into()).unwrap_or_default()),
            maintenance: live.maintenance.get(),
        });
        if !protocol::should_post(last.get_value().as_ref(), next.as_ref()) {
            return;
        }
        last.set_value(next);
        let Some(message) = next else {
            return;
        };
        let ancestor = ancestor_origin();
        let message = status_object(&message);
        for target in protocol::targets(ancestor.as_deref(), &allowed) {
            // A parent on another origin makes the browser drop the message; nothing to handle.
            let _ = parent.post_message(&message, target);
        }
    });
}

/// The framing page's origin as the browser states it (Chromium, Safari).
fn ancestor_origin() -> Option<String> {
    let location = web_sys::window()?.location();
    let list = Reflect::get(&location, &JsValue::from_str("ancestorOrigins")).ok()?;
    if list.is_undefined() || list.is_null() {
        return None;
    }
    Reflect::get(&list, &JsValue::from_f64(0.0))
        .ok()?
        .as_string()
}

fn status_object(message: &StatusMessage) -> JsValue {
    let counts = Object::new();
    let c = message.counts;
    for (name, n) in [
        ("healthy", c.healthy),
        ("warning", c.warning),
        ("critical", c.critical),
        ("unknown", c.unknown),
    ] {
        set(&counts, name, &number(n));
    }
    let object = Object::new();
    set(&object, "type", &JsValue::from_str(protocol::STATUS));
    set(
        &object,
        "status",
        &JsValue::from_str(message.status.as_str()),
    );
    set(&object, "counts", &counts);
    set(&object, "maintenance", &number(message.maintenance));
    object.into()
}

/// A count as a JS number (no cluster has 2^32 services).
fn number(n: usize) -> JsValue {
    JsValue::from_f64(u32::try_from(n).map_or(f64::from(u32::MAX), f64::from))
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn field(data: &JsValue, key: &str) -> Field {
    let value = get(data, key);
    if value.is_undefined() {
        Field::Missing
    } else if let Some(text) = value.as_string() {
        Field::Text(text.chars().take(MAX_FIELD_CHARS).collect())
    } else if let Some(n) = value.as_f64() {
        Field::Number(n)
    } else {
        Field::Other
    }
}

/// `data.vars` as read: `{name: value | [values]}`, at most [`MAX_VARS`]
/// names and values each, strings cut to [`MAX_VAR_CHARS`]; `None` unless
/// an object.
fn vars(data: &JsValue) -> Option<Vec<(String, Vec<Field>)>> {
    let object = get(data, "vars");
    if !object.is_object() || js_sys::Array::is_array(&object) {
        return None;
    }
    let keys = Object::keys(object.unchecked_ref::<Object>());
    let read = |value: JsValue| match value.as_string() {
        Some(text) => Field::Text(text.chars().take(MAX_VAR_CHARS).collect()),
        None => value.as_f64().map_or(Field::Other, Field::Number),
    };
    let mut out = Vec::new();
    for key in keys.iter().take(MAX_VARS) {
        let Some(name) = key.as_string() else {
            continue;
        };
        let value = Reflect::get(&object, &key).unwrap_or(JsValue::UNDEFINED);
        let values = if js_sys::Array::is_array(&value) {
            // Indexed, not copied: a host's huge array costs nothing past the bound.
            let array = value.unchecked_ref::<js_sys::Array>();
            (0..array
                .length()
                .min(u32::try_from(MAX_VARS).unwrap_or(u32::MAX)))
                .map(|i| read(array.get(i)))
                .collect()
        } else {
            vec![read(value)]
        };
        out.push((name.chars().take(MAX_VAR_CHARS).collect(), values));
    }
    Some(out)
}
