//! "1 in maintenance": how many services are in maintenance, beside the
//! banner's counts, only while there are any.

use leptos::prelude::*;

use crate::maintenance_icon::MaintenanceIcon;

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
                    <MaintenanceIcon />
                    <span class="maint-number">{n}</span>
                    " in maintenance"
                </p>
            }
        })
    }
}
