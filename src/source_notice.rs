//! Says plainly when Prometheus answers, but slower than the refresh interval.

use leptos::prelude::*;

/// "Prometheus is slow: the last refresh took 8.1 s (refresh every 6 s)",
/// while that is so. The monitor decides; this only shows it.
#[component]
pub fn SlowNotice(
    /// The monitor's sentence, while refreshes are slow.
    #[prop(into)]
    slow: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        slow.get().map(|message| {
            view! {
                <div class="alert alert-warnings alert-slow" data-testid="source-slow" role="status">
                    <bdi class="alert-message">{message}</bdi>
                </div>
            }
        })
    }
}
