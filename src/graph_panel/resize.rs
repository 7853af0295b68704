//! Keeping the canvas's size in step with its box.

use crate::effect::effect;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::ResizeObserver;

/// Watches `target` with a `ResizeObserver` and writes its CSS size into
/// `size` and its width into `width_px`, only when they change (a write
/// redraws the canvas). The observer is disconnected on unmount: a wall
/// screen switches views for weeks, and leaked observers would pile up.
pub fn observe(target: NodeRef<html::Div>, size: RwSignal<(f64, f64)>, width_px: RwSignal<u32>) {
    effect(move || {
        let Some(element) = target.get() else {
            return;
        };
        let measured = element.clone();
        let measure = move || {
            let rect = measured.get_bounding_client_rect();
            let now = (rect.width(), rect.height());
            if size.get_untracked() != now {
                size.set(now);
            }
            // A CSS width is far inside u32.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let width = now.0.round().max(0.0) as u32;
            if width_px.get_untracked() != width {
                width_px.set(width);
            }
        };
        // No measurement here: reading the box now would force a style and
        // layout of the page in the middle of mounting it. The observer reports
        // the first size itself once the browser has laid the page out.
        let callback = Closure::<dyn FnMut()>::new(measure);
        let Ok(observer) = ResizeObserver::new(callback.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&element);
        // Cleanups must be Send in leptos; this one runs on the page's only thread.
        let held = SendWrapper::new((observer, callback));
        on_cleanup(move || {
            let (observer, callback) = held.take();
            observer.disconnect();
            drop(callback);
        });
    });
}
