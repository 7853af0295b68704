//! Tabs to switch between the configuration's views; the URL follows.

use leptos::prelude::*;

use crate::untrusted::Untrusted;
use crate::url_state;

/// One tab per view (the first is the overview). Selecting one updates
/// `?view=` so the address can be bookmarked or embedded.
#[component]
pub fn ViewTabs(
    /// `(id, name)` of each view, in order.
    views: Vec<(String, String)>,
    /// The index of the view on screen.
    current: RwSignal<usize>,
) -> impl IntoView {
    let tabs = views
        .into_iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let select = move |_| {
                current.set(i);
                url_state::set_param("view", (i > 0).then_some(id.as_str()));
            };
            view! {
                <button
                    class="tab"
                    class:active=move || current.get() == i
                    role="tab"
                    aria-selected=move || (current.get() == i).to_string()
                    data-testid="view-tab"
                    on:click=select
                >
                    <Untrusted text=name />
                </button>
            }
        })
        .collect_view();
    view! { <nav class="tabs" role="tablist" aria-label="Views">{tabs}</nav> }
}
