//! Says plainly when Prometheus cannot be reached, and shows its warnings.

use leptos::prelude::*;
use panopticon_engine::SourceAlert as Alert;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The data-source failure message (with what it means for the statuses on
/// screen, as the monitor decided) and Prometheus's own warnings. Empty when
/// all is well.
#[component]
pub fn SourceAlert(
    /// The data source's failure, while it lasts.
    #[prop(into)]
    alert: Signal<Option<Alert>>,
    /// Prometheus's warnings and infos.
    #[prop(into)]
    warnings: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        {move || {
            alert
                .get()
                .map(|alert| {
                    view! {
                        <div class="alert alert-source" data-testid="source-error" role="alert">
                            <strong>"Data source problem: "</strong>
                            <span class="alert-message">
                                <Untrusted text=alert.message max=SENTENCE_CHARS />
                            </span>
                            " "
                            <span class="alert-consequence">{alert.consequence}</span>
                        </div>
                    }
                })
        }}
        {move || {
            let warnings = warnings.get();
            (!warnings.is_empty())
                .then(|| {
                    view! {
                        <div class="alert alert-warnings" data-testid="prometheus-warnings">
                            <strong>"Prometheus says: "</strong>
                            <ul>
                                {warnings
                                    .into_iter()
                                    .map(|w| view! { <li><Untrusted text=w max=SENTENCE_CHARS /></li> })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
        }}
    }
}
