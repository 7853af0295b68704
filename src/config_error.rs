//! The page shown instead of a dashboard when the configuration cannot be used.

use leptos::prelude::*;

use crate::config_loader::{Explanation, LoadError};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// Every problem of the configuration, one per line with file:line:col, so the
/// operator can fix them all in one go; worded for the case (a refused link,
/// a missing or empty file, mistakes in the file); never a blank screen.
#[component]
pub fn ConfigErrorPage(
    /// What went wrong.
    error: LoadError,
) -> impl IntoView {
    let Explanation {
        lead,
        messages,
        hint,
    } = error.explain();
    view! {
        // The page's `main` landmark; the alert inside it (a role on
        // `main` itself would replace the landmark).
        <main class="config-error" data-testid="config-error">
            <div role="alert">
                <h1 class="config-error-title">
                    <span class="status-icon status-critical" aria-hidden="true">"✖"</span>
                    " Configuration error"
                </h1>
                <p class="config-error-lead">{lead}</p>
                <ul class="config-error-list">
                    {messages
                        .into_iter()
                        .map(|m| view! { <li><code><Untrusted text=m max=SENTENCE_CHARS /></code></li> })
                        .collect_view()}
                </ul>
                <p class="config-error-hint">{hint}</p>
            </div>
        </main>
    }
}
