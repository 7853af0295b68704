//! The theme: dark (wall screens) unless `?theme=light`, set on `<html>` at
//! start-up, shared with what draws its own colours, and switched by a button
//! that the URL follows.

use leptos::prelude::*;

use crate::url_state;

/// Whether the light theme is on, shared through the context: what draws its
/// own colours (the graphs' canvases read them from CSS at draw time) tracks it
/// to redraw at once when the theme flips, not at the next refresh.
#[derive(Debug, Clone, Copy)]
pub struct LightTheme(pub RwSignal<bool>);

impl LightTheme {
    /// Provides the theme state to everything below, from `?theme=`.
    pub fn provide() -> LightTheme {
        let theme = LightTheme(RwSignal::new(
            url_state::param("theme").as_deref() == Some("light"),
        ));
        provide_context(theme);
        theme
    }

    /// Subscribes the running effect to theme changes (no-op without a provider).
    pub fn track() {
        if let Some(LightTheme(light)) = use_context::<LightTheme>() {
            light.track();
        }
    }
}

/// A button that flips the theme and records it as `?theme=light` (dark is the
/// default and needs no parameter), so a bookmarked or embedded URL keeps it.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let light = use_context::<LightTheme>().map_or_else(|| LightTheme::provide().0, |t| t.0);
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
