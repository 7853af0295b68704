//! The bar across the top: title, view tabs, variables, data age, source, theme.

use leptos::prelude::*;
use panopticon_client::Client;

use crate::data_age::DataAge;
use crate::refresh::LiveState;
use crate::source_info::SourceInfo;
use crate::theme_toggle::ThemeToggle;
use crate::variable_picker::VariablePicker;
use crate::view_tabs::ViewTabs;

/// The top bar, outside the page's `main` landmark.
#[component]
pub fn TopBar(
    /// `(id, name)` of each view, in order.
    views: Vec<(String, String)>,
    /// The index of the view on screen.
    current: RwSignal<usize>,
    /// The live state (data age, refreshes).
    live: LiveState,
    /// The dashboard's Prometheus client, for its version.
    client: Client,
) -> impl IntoView {
    view! {
        <header class="topbar">
            <h1 class="app-title">"Panopticon"</h1>
            <ViewTabs views=views current=current />
            <VariablePicker />
            <div class="topbar-right">
                <DataAge live=live freshness=live.freshness />
                <SourceInfo
                    client=client
                    refreshes=live.refreshes
                    alertmanager=live.alertmanager_version
                    sources=live.sources
                    now=live.now
                />
                <ThemeToggle />
            </div>
        </header>
    }
}
