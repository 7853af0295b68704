//! Switches between the dark (wall screen) and light themes; the URL follows.

use leptos::prelude::*;

use crate::app::apply_theme;
use crate::url_state;

/// A button that flips the theme and records it as `?theme=light` (dark is the
/// default and needs no parameter), so a bookmarked or embedded URL keeps it.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let light = RwSignal::new(url_state::param("theme").as_deref() == Some("light"));
    let flip = move |_| {
        let now_light = !light.get_untracked();
        light.set(now_light);
        apply_theme(now_light.then_some("light"));
        url_state::set_param("theme", now_light.then_some("light"));
    };
    view! {
        <button
            class="tab theme-toggle"
            on:click=flip
            aria-pressed=move || light.get().to_string()
            title="Switch between the dark and the light theme"
        >
            {move || if light.get() { "☾ Dark" } else { "☀ Light" }}
        </button>
    }
}
