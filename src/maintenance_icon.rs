//! The maintenance marker's wrench outside the diagram (the banner's
//! count, the legend, the service detail), so all of them show the mark the
//! boxes carry.

use leptos::prelude::*;

use crate::diagram::WRENCH;

/// A wrench on a round badge, decorative (the words beside it say it).
#[component]
pub fn MaintenanceIcon(
    /// Extra CSS classes.
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <svg class=format!("maint-icon {class}") viewBox="-13 -13 26 26" aria-hidden="true">
            <circle class="maint-badge" r="12" />
            <path class="maint-wrench" d=WRENCH />
        </svg>
    }
}
