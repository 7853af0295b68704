//! Says plainly when the data source cannot be reached, and shows the
//! sources' warnings, each under the name of the source that said it.

use leptos::prelude::*;
use panopticon_core::prom::Teller;
use panopticon_engine::SourceAlert as Alert;
use panopticon_engine::monitor::SourceState;

use crate::untrusted::{SENTENCE_CHARS, Untrusted, neutral};

/// The data-source failure message (with what it means for the statuses on
/// screen, as the monitor decided) and the sources' warnings. Empty when
/// all is well.
#[component]
pub fn SourceAlert(
    /// The data source's failure, while it lasts.
    #[prop(into)]
    alert: Signal<Option<Alert>>,
    /// The sources' warnings and infos (with several sources each starts
    /// with its source's name, as the monitor words it).
    #[prop(into)]
    warnings: Signal<Vec<String>>,
    /// The configured sources, for the heading's "Thanos says" (without
    /// them it says "Prometheus says", as with one Prometheus).
    #[prop(optional, into)]
    sources: Option<Signal<Vec<SourceState>>>,
) -> impl IntoView {
    let heading = move || match sources.map(|s| s.get()).as_deref() {
        Some([one]) => format!("{} says: ", Teller::kind(one.kind).subject()),
        Some([_, _, ..]) => "The data sources say: ".to_owned(),
        _ => "Prometheus says: ".to_owned(),
    };
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
                    // Where the panel is one clamped line (a Grafana panel's
                    // 400×300), every warning stays readable on hover.
                    let full = warnings
                        .iter()
                        .map(|w| neutral(w).into_owned())
                        .collect::<Vec<_>>()
                        .join("\n");
                    view! {
                        <div
                            class="alert alert-warnings"
                            data-testid="prometheus-warnings"
                            title=full
                        >
                            <strong class="alert-heading">{heading}</strong>
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
