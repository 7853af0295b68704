//! The page shown instead of a dashboard when the configuration cannot be used.

use leptos::prelude::*;

use crate::config_loader::LoadError;

/// Every problem of the configuration, one per line with file:line:col, so the
/// operator can fix them all in one go; never a blank screen.
#[component]
pub fn ConfigErrorPage(
    /// What went wrong.
    error: LoadError,
) -> impl IntoView {
    let messages = error.messages();
    let count = messages.len();
    view! {
        <main class="config-error" data-testid="config-error" role="alert">
            <h1 class="config-error-title">
                <span class="status-icon status-critical" aria-hidden="true">"✖"</span>
                " Configuration error"
            </h1>
            <p class="config-error-lead">
                {if count == 1 {
                    "The dashboard cannot start: its configuration has a problem.".to_owned()
                } else {
                    format!("The dashboard cannot start: its configuration has {count} problems.")
                }}
            </p>
            <ul class="config-error-list">
                {messages
                    .into_iter()
                    .map(|m| view! { <li><code>{m}</code></li> })
                    .collect_view()}
            </ul>
            <p class="config-error-hint">
                "Fix the file and reload this page. The examples in examples/config/ are valid starting points."
            </p>
        </main>
    }
}
