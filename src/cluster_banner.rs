//! The one big status, readable from across the room.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::{Freshness, Snapshot};

/// Colour, icon and word of the cluster status, the count of services per
/// status, and the one-line reason of the worst problems. Before the first
/// evaluation it says UNKNOWN ("waiting for data"), never green.
#[component]
pub fn ClusterBanner(
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// How current the data is.
    #[prop(into)]
    freshness: Signal<Freshness>,
    /// Why Prometheus cannot be reached, while it cannot.
    #[prop(into)]
    source_error: Signal<Option<String>>,
) -> impl IntoView {
    let status = move || snapshot.get().map_or(Status::Unknown, |s| s.cluster);
    let summary = move || {
        // When nothing could be asked, the one reason is the data source, not
        // every check's copy of its error.
        if let (Some(e), Freshness::Expired | Freshness::Waiting) =
            (source_error.get(), freshness.get())
        {
            return format!("no current data — {e}");
        }
        snapshot.get().map_or_else(
            || "waiting for the first data from Prometheus".to_owned(),
            // The banner's word already says the status: drop the summary's "CRITICAL: ".
            |s| {
                let prefix = format!("{}: ", s.cluster.label());
                s.summary
                    .strip_prefix(&prefix)
                    .unwrap_or(&s.summary)
                    .to_owned()
            },
        )
    };
    let counts = move || {
        snapshot.get().map(|s| {
            [
                Status::Critical,
                Status::Warning,
                Status::Unknown,
                Status::Healthy,
            ]
            .into_iter()
            .map(|st| {
                let n = s.counts.get(st);
                view! {
                    <li class=format!("count status-{}", st.as_str()) data-count-status=st.as_str()>
                        <span class="count-icon" aria-hidden="true">{st.icon()}</span>
                        <span class="count-number">{n}</span>
                        <span class="count-word">{st.as_str()}</span>
                    </li>
                }
            })
            .collect_view()
        })
    };
    let stale = move || matches!(freshness.get(), Freshness::Stale);
    view! {
        <section
            class=move || format!("cluster-banner status-{}", status().as_str())
            class:stale=stale
            data-testid="cluster-status"
            data-status=move || status().as_str()
            role="status"
            aria-live="polite"
        >
            <div class="banner-main">
                <span class="banner-icon" aria-hidden="true">{move || status().icon()}</span>
                <div class="banner-text">
                    <span class="banner-word">{move || status().label()}</span>
                    <span class="banner-summary" data-testid="cluster-summary">{summary}</span>
                </div>
            </div>
            <ul class="banner-counts" aria-label="Services per status">{counts}</ul>
            <Show when=stale>
                <span class="banner-stale" data-testid="stale-marker">"STALE — last known state"</span>
            </Show>
        </section>
    }
}
