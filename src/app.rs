//! The root component: load the configuration, then show the dashboard or
//! say precisely what is wrong with the configuration.

use std::sync::Arc;

use leptos::prelude::*;

use crate::config_error::ConfigErrorPage;
use crate::config_loader;
use crate::dashboard::Dashboard;
use crate::url_state;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    apply_theme(url_state::param("theme").as_deref());
    let param = url_state::param("config");
    let config = LocalResource::new(move || config_loader::load(param.clone()));
    view! {
        <Suspense fallback=|| {
            view! { <p class="loading" data-testid="loading">"Loading configuration…"</p> }
        }>
            {move || {
                config
                    .get()
                    .map(|loaded| match loaded {
                        Ok(cfg) => view! { <Dashboard config=Arc::new(cfg) /> }.into_any(),
                        Err(e) => view! { <ConfigErrorPage error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// Sets `data-theme` on `<html>`: dark unless `?theme=light`.
pub fn apply_theme(theme: Option<&str>) {
    let theme = if theme == Some("light") {
        "light"
    } else {
        "dark"
    };
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        // Without the attribute the dark default still applies through CSS.
        let _ = root.set_attribute("data-theme", theme);
    }
}
