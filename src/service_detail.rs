//! Everything about one service: alerts, checks, instances, expressions,
//! thresholds, transitions, runbook.
//!
//! Built once per selected service; a refresh writes only the values that
//! changed (nothing at all when the service's part of the snapshot did not),
//! and the lists are keyed: instance rows by name, alerts by name, instance
//! and severity, transitions by what they are. A new transition is one new
//! item at the top, not every item rewritten one element down, so what the
//! reader is at (a row, an item, a text selection, a screen reader's place)
//! stays with its element.

mod alert_item;
mod alert_list;
mod alert_silence;
mod alert_text;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod check_card;
mod maintenance_note;
mod service_card;
mod service_meta;

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::{Config, Snapshot};

use crate::untrusted::Untrusted;
use service_card::ServiceCard;

/// The detail panel for the selected service, over the graphs; nothing when
/// no service is selected.
#[component]
pub fn ServiceDetail(
    /// The configuration (expressions, thresholds, runbooks).
    config: Arc<Config>,
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// The selected service id.
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    // Setting the same service again (a second click) rebuilds nothing.
    let shown = Memo::new(move |_| selected.get());
    let at = Memo::new(move |_| snapshot.with(|s| s.as_ref().map(|s| s.at)));
    move || {
        let id = shown.get()?;
        let body = match config.service(&id).cloned() {
            Some(service) => {
                // Wakes only when this service's part of the evaluation changed.
                let live = Memo::new(move |_| {
                    snapshot.with(|s| s.as_ref().and_then(|s| s.service(&id).cloned()))
                });
                view! { <ServiceCard service=service live=live at=at selected=selected /> }
                    .into_any()
            }
            None => view! { <p class="muted">"No service " <Untrusted text=id /></p> }.into_any(),
        };
        Some(view! {
            // Not a live region: its values change at every refresh, and a
            // screen reader would read every changed value again; the
            // cluster's status is announced by the banner's live region.
            <section class="panel detail-panel" data-testid="service-detail" aria-label="Service detail">
                {body}
            </section>
        })
    }
}
