//! "1 in maintenance": how many services are in maintenance, beside the
//! banner's counts, only while there are any.

use leptos::prelude::*;

use crate::diagram::WRENCH;

/// The count of services in maintenance (`data-testid="maintenance-count"`),
/// with the wrench their boxes carry; nothing while there are none.
#[component]
pub fn MaintenanceCount(
    /// Services in maintenance now.
    #[prop(into)]
    count: Signal<usize>,
) -> impl IntoView {
    move || {
        let n = count.get();
        (n > 0).then(|| {
            view! {
                <p class="banner-maintenance" data-testid="maintenance-count">
                    <svg class="maint-icon" viewBox="-13 -13 26 26" aria-hidden="true">
                        <circle class="maint-badge" r="12" />
                        <path class="maint-wrench" d=WRENCH />
                    </svg>
                    <span class="maint-number">{n}</span>
                    " in maintenance"
                </p>
            }
        })
    }
}
