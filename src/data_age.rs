//! "updated 12 s ago": how old the data on screen is.

use leptos::prelude::*;
use panopticon_engine::Freshness;
use panopticon_engine::freshness::format_age;

use crate::refresh::LiveState;

/// The age of the last successful refresh, ticking every second, marked when stale.
#[component]
pub fn DataAge(
    /// The live state.
    live: LiveState,
    /// How current the data is.
    #[prop(into)]
    freshness: Signal<Freshness>,
) -> impl IntoView {
    let text = move || match live.last_success.get() {
        None => "waiting for data…".to_owned(),
        Some(at) => format!("updated {}", format_age(live.now.get() - at)),
    };
    let title = move || {
        live.last_refresh_ms
            .get()
            .map(|ms| format!("last refresh took {ms:.0} ms"))
            .unwrap_or_default()
    };
    view! {
        <span
            class=move || format!("data-age freshness-{}", freshness.get().as_str())
            data-testid="data-age"
            data-freshness=move || freshness.get().as_str()
            title=title
        >
            {text}
        </span>
    }
}
