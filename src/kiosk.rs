//! Kiosk mode for wall screens (`?kiosk`, Grafana's and Kiali's spelling):
//! the screen shows the banner and the diagram, nothing to click.
//!
//! What kiosk mode changes (the look is `style/kiosk.css`, keyed on
//! `<html data-kiosk>`):
//! - no chrome: the top bar's title, tabs, version and theme button are
//!   hidden; only "updated 12 s ago" stays, small, in a corner, because a wall
//!   must say when its data is old. The overview shows no graphs (the banner
//!   and the diagram fill the screen); other views (`?view=`, `?rotate=`) show
//!   theirs as usual;
//! - the status word and the banner sized in viewport units (`vmin`), so they
//!   have the same physical size on a 1080p and a 4K screen of one size;
//! - the cursor hidden after [`CURSOR_IDLE_SECS`] without input;
//! - a Screen Wake Lock where the browser offers one, taken again whenever
//!   the page becomes visible (the browser drops it when it is hidden);
//!   `<html data-wake-lock="held|released|refused|unavailable">` says how it went;
//! - against burn-in, the whole layout moves by a few pixels every
//!   [`SHIFT_EVERY_SECS`] ([`burn_in_offset`]); none with `prefers-reduced-motion`.
//!
//! No timer of its own: the dashboard's one-second clock drives the cursor
//! and the shift.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::effect::effect;
use crate::url_state;

/// Seconds without pointer or key input before the cursor is hidden.
pub const CURSOR_IDLE_SECS: f64 = 3.0;

/// How long the layout stays at one offset against burn-in.
pub const SHIFT_EVERY_SECS: f64 = 15.0 * 60.0;

/// The offsets the layout cycles through, in CSS pixels: around a 3 px square,
/// one step each [`SHIFT_EVERY_SECS`] (a full round in a little over two hours).
const SHIFTS: [(i8, i8); 9] = [
    (0, 0),
    (3, 0),
    (3, 3),
    (0, 3),
    (-3, 3),
    (-3, 0),
    (-3, -3),
    (0, -3),
    (3, -3),
];

/// Whether the URL asks for kiosk mode: `?kiosk` (any value but `0`/`false`).
pub fn requested() -> bool {
    url_state::param("kiosk").is_some_and(|v| v != "0" && v != "false")
}

/// The layout's offset against burn-in at `now` (Unix seconds).
pub fn burn_in_offset(now: f64) -> (i8, i8) {
    let step = (now / SHIFT_EVERY_SECS).floor();
    if !step.is_finite() || step < 0.0 {
        return SHIFTS[0];
    }
    // In range: an integer remainder (a float `%` is libm's `fmod` in the
    // bundle); the cast of a finite, non-negative float saturates.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (step as u64 % SHIFTS.len() as u64) as usize;
    SHIFTS[i]
}

/// When someone last moved the pointer, clicked, scrolled or typed: the
/// cursor, the rotation and the self-reload wait for the screen to be left
/// alone.
#[derive(Debug, Clone, Copy)]
pub struct Activity {
    last_input: StoredValue<f64>,
}

impl Activity {
    /// Listens for input on the window for the page's lifetime. The listeners
    /// only store a time (and show the cursor again).
    pub fn install() -> Activity {
        // No input yet: the screen counts as left alone since it loaded.
        let activity = Activity {
            last_input: StoredValue::new(f64::NEG_INFINITY),
        };
        for name in [
            "pointermove",
            "pointerdown",
            "wheel",
            "keydown",
            "touchstart",
        ] {
            on_window(name, move || {
                activity.last_input.set_value(now_secs());
                set_root_flag("data-idle", false);
            });
        }
        activity
    }

    /// Seconds since the last input (infinite before the first).
    pub fn idle_secs(self, now: f64) -> f64 {
        now - self.last_input.get_value()
    }
}

/// Turns kiosk mode on: marks `<html>`, keeps the screen awake, and lets the
/// one-second clock `now` hide the cursor and move the layout.
pub fn start(now: RwSignal<f64>, activity: Activity) {
    set_root_flag("data-kiosk", true);
    keep_awake();
    let shown = StoredValue::new((i8::MIN, i8::MIN));
    effect(move || {
        let t = now.get();
        set_root_flag("data-idle", activity.idle_secs(t) >= CURSOR_IDLE_SECS);
        let offset = burn_in_offset(t);
        if shown.get_value() != offset {
            shown.set_value(offset);
            if let Some(style) = root().and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok()) {
                let style = style.style();
                let _ = style.set_property("--burn-in-x", &format!("{}px", offset.0));
                let _ = style.set_property("--burn-in-y", &format!("{}px", offset.1));
            }
        }
    });
}

/// Asks for a screen wake lock now and again whenever the page becomes
/// visible. The API is reached by name: web-sys has it only behind its
/// unstable-API flag.
fn keep_awake() {
    request_wake_lock();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let doc = document.clone();
    let on_change = Closure::<dyn Fn()>::new(move || {
        if doc.hidden() {
            set_root_attr("data-wake-lock", "released");
        } else {
            request_wake_lock();
        }
    });
    if document
        .add_event_listener_with_callback("visibilitychange", on_change.as_ref().unchecked_ref())
        .is_ok()
    {
        // Kiosk mode lasts as long as the page.
        on_change.forget();
    }
}

fn request_wake_lock() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let wake_lock = js_sys::Reflect::get(&navigator, &JsValue::from_str("wakeLock"))
        .ok()
        .filter(|w| !w.is_undefined() && !w.is_null());
    let request = wake_lock.as_ref().and_then(|w| {
        js_sys::Reflect::get(w, &JsValue::from_str("request"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(wake_lock), Some(request)) = (wake_lock, request) else {
        set_root_attr("data-wake-lock", "unavailable");
        return;
    };
    let Ok(promise) = request
        .call1(&wake_lock, &JsValue::from_str("screen"))
        .and_then(JsCast::dyn_into::<js_sys::Promise>)
    else {
        set_root_attr("data-wake-lock", "refused");
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let state = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => "held",
            // Not allowed here (a permissions policy, a hidden page, a battery saver).
            Err(_) => "refused",
        };
        set_root_attr("data-wake-lock", state);
    });
}

fn on_window(name: &str, f: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::<dyn Fn()>::new(f);
    // Chromium treats window-level wheel and touch listeners as passive anyway.
    if window
        .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
        .is_ok()
    {
        // For the page's lifetime, like the dashboard it serves.
        callback.forget();
    }
}

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Sets or removes a boolean attribute on `<html>`, touching the DOM only on a change.
fn set_root_flag(name: &str, on: bool) {
    if let Some(root) = root()
        && root.has_attribute(name) != on
    {
        let _ = if on {
            root.set_attribute(name, "")
        } else {
            root.remove_attribute(name)
        };
    }
}

fn set_root_attr(name: &str, value: &str) {
    if let Some(root) = root() {
        let _ = root.set_attribute(name, value);
    }
}

fn now_secs() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_in_offset_moves_a_few_pixels_every_quarter_hour_and_cycles() {
        let t0 = 1_800_000_000.0 - 1_800_000_000.0 % (9.0 * SHIFT_EVERY_SECS);
        assert_eq!(burn_in_offset(t0), (0, 0));
        assert_eq!(burn_in_offset(t0 + SHIFT_EVERY_SECS - 1.0), (0, 0));
        assert_eq!(burn_in_offset(t0 + SHIFT_EVERY_SECS), (3, 0));
        assert_eq!(burn_in_offset(t0 + 9.0 * SHIFT_EVERY_SECS), (0, 0));
        for k in 0..40 {
            let (x, y) = burn_in_offset(t0 + f64::from(k) * SHIFT_EVERY_SECS);
            assert!(x.abs() <= 3 && y.abs() <= 3);
        }
        for odd in [f64::NAN, f64::INFINITY, -5.0] {
            assert_eq!(burn_in_offset(odd), (0, 0));
        }
    }
}
