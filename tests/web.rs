//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and, when
//! there is no Prometheus behind it (the test runner serves no proxy), says so in words
//! instead of showing a blank page.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

async fn wait_for(selector: &str) -> Option<web_sys::Element> {
    for _ in 0..200 {
        leptos::task::tick().await;
        if let Ok(Some(el)) = document().query_selector(selector) {
            return Some(el);
        }
        gloo_timers_sleep(25).await;
    }
    None
}

async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .expect("timer");
}

#[wasm_bindgen_test]
async fn unreachable_source_is_reported_in_words() {
    let body = document().body().expect("body");
    let handle = mount_to(body, panopticon::App);
    let title = document()
        .query_selector(".app-title")
        .unwrap()
        .expect("title rendered");
    assert_eq!(title.text_content().as_deref(), Some("Panopticon"));
    let err = wait_for("[data-testid=source-error]")
        .await
        .expect("an error message, not a blank page");
    let text = err.text_content().unwrap_or_default();
    assert!(!text.trim().is_empty(), "the error message says something");
    drop(handle);
}
