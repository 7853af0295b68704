//! Says plainly when Prometheus cannot be reached, and shows its warnings.

use leptos::prelude::*;
use panopticon_engine::Freshness;

use crate::refresh::LiveState;

/// The data-source failure message (with what it means for the statuses on
/// screen) and Prometheus's own warnings. Empty when all is well.
#[component]
pub fn SourceAlert(
    /// The live state.
    live: LiveState,
    /// How current the data is.
    #[prop(into)]
    freshness: Signal<Freshness>,
) -> impl IntoView {
    let consequence = move || match freshness.get() {
        Freshness::Expired | Freshness::Waiting => {
            "Statuses are unknown until Prometheus answers again."
        }
        _ => "Showing the last known state; it turns unknown if this lasts.",
    };
    view! {
        {move || {
            live.source_error
                .get()
                .map(|message| {
                    view! {
                        <div class="alert alert-source" data-testid="source-error" role="alert">
                            <strong>"Data source problem: "</strong>
                            <span class="alert-message">{message}</span>
                            " "
                            <span class="alert-consequence">{consequence}</span>
                        </div>
                    }
                })
        }}
        {move || {
            let warnings = live.warnings.get();
            (!warnings.is_empty())
                .then(|| {
                    view! {
                        <div class="alert alert-warnings" data-testid="prometheus-warnings">
                            <strong>"Prometheus says: "</strong>
                            <ul>
                                {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                            </ul>
                        </div>
                    }
                })
        }}
    }
}
