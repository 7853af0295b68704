//! Why the open service is in maintenance, under its title: the status
//! above it is still its status.

use leptos::prelude::*;
use panopticon_engine::snapshot::ServiceSnapshot;

use crate::maintenance_icon::MaintenanceIcon;
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// "In maintenance: every firing alert is silenced (by alice until …)"
/// (`data-testid="detail-maintenance"`), only while it is.
#[component]
pub fn MaintenanceNote(
    /// The service's part of the latest evaluation.
    service: Memo<Option<ServiceSnapshot>>,
) -> impl IntoView {
    move || {
        let reason = service.with(|s| {
            let m = s.as_ref()?.maintenance.as_ref()?;
            Some(m.reason.clone())
        })?;
        Some(view! {
            <p class="detail-maintenance" data-testid="detail-maintenance">
                <MaintenanceIcon />
                <span>"In maintenance: " <Untrusted text=reason max=SENTENCE_CHARS /></span>
            </p>
        })
    }
}
