//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and, when
//! its configuration cannot be loaded (the test runner serves no `panopticon.yaml`),
//! says so in words instead of showing a blank page.
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
async fn missing_configuration_is_reported_in_words() {
    let body = document().body().expect("body");
    let handle = mount_to(body, panopticon::App);
    let page = wait_for("[data-testid=config-error]")
        .await
        .expect("a config error page, not a blank page");
    let text = page.text_content().unwrap_or_default();
    assert!(
        text.contains("panopticon.yaml"),
        "the page names the file it could not load: {text}"
    );
    assert!(
        document()
            .query_selector("[data-testid=cluster-status]")
            .unwrap()
            .is_none(),
        "no dashboard (and so no status) without a configuration"
    );
    drop(handle);
}
