//! A plain sentence about the data source that is not a failure: it answers
//! slowly, or this browser's clock is off. The monitor decides and words it.

use leptos::prelude::*;

/// One notice, shown while the monitor has something to say.
#[component]
pub fn SourceNotice(
    /// The monitor's sentence, while it applies.
    #[prop(into)]
    message: Signal<Option<String>>,
    /// The element's `data-testid` (the DOM contract names each notice).
    testid: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <div class="alert alert-warnings alert-notice" data-testid=testid role="status">
                    <bdi class="alert-message">{message}</bdi>
                </div>
            }
        })
    }
}
