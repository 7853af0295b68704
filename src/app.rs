//! The root component: load the configuration, then show the dashboard or
//! say precisely what is wrong with the configuration.

use std::sync::Arc;

use leptos::prelude::*;

use crate::config_error::ConfigErrorPage;
use crate::config_loader;
use crate::embed;
use crate::theme_toggle::apply_theme;
use crate::url_state;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    apply_theme(url_state::param("theme").as_deref());
    embed::mark_page();
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
                        Ok(loaded) => {
                            crate::fleet::dashboard_or_fleet(Arc::new(loaded.config), loaded.text)
                        }
                        Err(e) => view! { <ConfigErrorPage error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
