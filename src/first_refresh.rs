//! What waits for the first refresh: the status comes first, everything else
//! after it.

use std::time::Duration;

use leptos::prelude::*;

/// How long the diagram and the graphs wait for the first status before they are
/// built anyway.
const FIRST_STATUS_WAIT: Duration = Duration::from_secs(1);

/// Runs `f` once, as soon as `refreshes` (refreshes completed so far) is past
/// zero; untracked, so what `f` reads does not wake the effect again.
pub fn when_first_refresh(refreshes: impl Into<Signal<u64>>, f: impl FnOnce() + 'static) {
    let refreshes = refreshes.into();
    let mut f = Some(f);
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true; // reads nothing more: the effect is done for good
        }
        if refreshes.get() == 0 {
            return false;
        }
        if let Some(f) = f.take() {
            untrack(f);
        }
        true
    });
}

/// Whether the diagram and the graphs may be built: once the first refresh
/// has been judged, or after a second (so a Prometheus that does not answer
/// still gets its grey diagram).
///
/// Building them earlier kept the main thread busy with their mount, style and
/// layout while the first refresh's answers waited to be read, and each wave of
/// queries (the browser runs six at a time) could only start after that: the
/// first status came hundreds of milliseconds later. They would also render
/// grey first and then again in colour.
///
/// The flag flips in a task of its own, so the banner's new status reaches the
/// screen before the diagram's mount and layout start, and only once: writing a
/// signal notifies even with an equal value, and every notification would build
/// the diagram and the graphs anew.
pub fn built_after_first_status(refreshes: impl Into<Signal<u64>>) -> Signal<bool> {
    let built = RwSignal::new(false);
    let build = move || {
        if built.try_get_untracked() == Some(false) {
            built.set(true);
        }
    };
    set_timeout(build, FIRST_STATUS_WAIT);
    when_first_refresh(refreshes, move || set_timeout(build, Duration::ZERO));
    built.into()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::when_first_refresh;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Not before the first refresh, once at it, never again after it, and
    /// what `f` reads does not make it run again.
    #[wasm_bindgen_test]
    async fn runs_once_at_the_first_refresh() {
        let document = web_sys::window().unwrap().document().unwrap();
        let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let refreshes = RwSignal::new(0_u64);
        let read = RwSignal::new(0_u32);
        let runs = RwSignal::new(0_u32);
        let handle = mount_to(root.clone(), move || {
            when_first_refresh(refreshes, move || {
                let _ = read.get();
                runs.update(|n| *n += 1);
            });
        });
        let tick = leptos::task::tick;
        tick().await;
        assert_eq!(runs.get_untracked(), 0, "before the first refresh");
        refreshes.set(1);
        tick().await;
        assert_eq!(runs.get_untracked(), 1, "at the first refresh");
        refreshes.set(2);
        read.set(1);
        tick().await;
        assert_eq!(runs.get_untracked(), 1, "after it");
        drop(handle);
        root.remove();
    }
}
