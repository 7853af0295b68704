//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and, when
//! its configuration cannot be loaded (the test runner serves no `panopticon.yaml`),
//! says so in words that fit the case instead of showing a blank page.
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
        text.contains("there is no such file on this site (HTTP 404)")
            && !text.contains("Fix the file"),
        "a missing file is not a file to fix: {text}"
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

/// Mounts the app, waits for the config error page and returns its text.
async fn error_page_text() -> String {
    let body = document().body().expect("body");
    let handle = mount_to(body, panopticon::App);
    let text = wait_for("[data-testid=config-error]")
        .await
        .expect("a config error page")
        .text_content()
        .unwrap_or_default();
    drop(handle);
    text
}

/// The boot script's early request (`scripts/trunk_post_build.py`) is what the
/// app reads when it asked for the file in use: here an empty file, which
/// says what a configuration needs (issue 12 rows 15 and 16).
#[wasm_bindgen_test]
async fn the_early_request_is_used_and_an_empty_file_says_what_is_needed() {
    let window = web_sys::window().expect("window");
    let answer = web_sys::Response::new_with_opt_str(Some("")).expect("a response");
    let slot = js_sys::Object::new();
    js_sys::Reflect::set(&slot, &"path".into(), &"panopticon.yaml".into()).unwrap();
    js_sys::Reflect::set(
        &slot,
        &"response".into(),
        &js_sys::Promise::resolve(&answer),
    )
    .unwrap();
    js_sys::Reflect::set(&window, &"__panopticonConfig".into(), &slot).unwrap();
    let text = error_page_text().await;
    assert!(
        text.contains("The configuration file is empty.")
            && text.contains("it needs at least `services:` with one service"),
        "{text}"
    );
    assert!(!text.contains("unexpected end of input"), "{text}");
    assert!(
        js_sys::Reflect::get(&window, &"__panopticonConfig".into())
            .unwrap()
            .is_undefined(),
        "the early answer is taken once"
    );
}

/// A refused `?config=` is a link to fix, not a file (issue 12 row 16).
#[wasm_bindgen_test]
async fn a_refused_config_link_is_worded_as_a_link() {
    let window = web_sys::window().expect("window");
    let history = window.history().expect("history");
    let before = window.location().href().expect("href");
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("?config=https://evil.example/x.yaml"),
        )
        .expect("replaceState");
    let text = error_page_text().await;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .expect("replaceState");
    assert!(
        text.contains("This link names a configuration the dashboard will not load")
            && text.contains("only relative .yaml paths on this site"),
        "{text}"
    );
    assert!(
        !text.contains("Fix the file"),
        "there is no file to fix: {text}"
    );
}
