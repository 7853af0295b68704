//! The root component.

use leptos::prelude::*;

use crate::source_info::SourceInfo;

/// The whole dashboard.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main class="app">
            <header class="app-header">
                <h1 class="app-title">"Panopticon"</h1>
                <SourceInfo />
            </header>
        </main>
    }
}
