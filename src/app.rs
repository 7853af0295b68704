//! The root component.

use leptos::prelude::*;

/// The whole dashboard.
#[component]
pub fn App() -> impl IntoView {
    view! { <main class="app"><h1>"Panopticon"</h1></main> }
}
