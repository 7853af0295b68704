//! The graph's own errors and Prometheus's warnings about its queries: a
//! failed query says so under its own graph and blanks no other.

use leptos::prelude::*;
use panopticon_charts::GraphData;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// One paragraph per error (`data-testid="graph-error"`), then one per
/// warning (`graph-warning`).
#[component]
pub fn GraphMessages(
    /// The data of the last refresh; `None` while loading.
    #[prop(into)]
    data: Signal<Option<GraphData>>,
) -> impl IntoView {
    move || {
        data.with(|d| {
            d.as_ref().map(|d| {
                let errors = d.errors.iter().map(|e| message("graph-error", e));
                let warnings = d.warnings.iter().map(|w| message("graph-warning", w));
                (errors.collect_view(), warnings.collect_view())
            })
        })
    }
}

/// `<p>` with the class and test id `kind`.
fn message(kind: &'static str, text: &str) -> impl IntoView + use<> {
    view! {
        <p class=kind data-testid=kind>
            <Untrusted text=text.to_owned() max=SENTENCE_CHARS />
        </p>
    }
}
