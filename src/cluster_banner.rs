//! The one big status, readable from across the room.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::snapshot::Announcement;
use panopticon_engine::{Snapshot, Summary};

use crate::maintenance_count::MaintenanceCount;
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// Colour, icon and word of the cluster status, the count of services per
/// status, and the reasons that set the status, as the monitor decided them
/// (before the first evaluation: UNKNOWN, "waiting for data", never green).
#[component]
pub fn ClusterBanner(
    /// The statuses on screen, for the counts.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// The status shown and why.
    #[prop(into)]
    summary: Signal<Summary>,
    /// The statuses shown are last-known ones.
    #[prop(into)]
    stale: Signal<bool>,
    /// How many services are in maintenance.
    #[prop(into)]
    maintenance: Signal<usize>,
) -> impl IntoView {
    let status = move || summary.with(|s| s.status);
    // The parts of the sentence, each in its own element; the status word is
    // the banner's, so no reason carries it.
    let sentence = move || {
        summary.with(|s| {
            let reasons = s
                .reasons
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    view! {
                        {(i > 0).then_some(" · ")}
                        <span class="summary-reason" data-reason-status=r.status.as_str()>
                            <Untrusted text=r.text.clone() max=SENTENCE_CHARS />
                        </span>
                    }
                })
                .collect_view();
            let more = (s.more > 0).then(|| {
                view! { " · "<span class="summary-more">{s.more_text()}</span> }
            });
            let impacts = (!s.impacts.is_empty()).then(|| {
                view! {
                    " — "
                    <span class="summary-impacts">
                        <Untrusted text=s.impacts_text() max=SENTENCE_CHARS />
                    </span>
                }
            });
            view! { {reasons}{more}{impacts} }
        })
    };
    let counts = move || {
        snapshot.get().map(|s| {
            // Worst first.
            Status::ALL
                .into_iter()
                .rev()
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
    // What a screen reader is told, decided by the engine: the banner itself
    // is not a live region (it changes at every refresh); this says a new
    // status or a new leading reason once.
    let announcement = Memo::new(move |previous: Option<&Announcement>| {
        summary.with(|s| Announcement::next(previous, s))
    });
    view! {
        <section
            class=move || format!("cluster-banner status-{}", status().as_str())
            class:stale=stale
            data-testid="cluster-status"
            data-status=move || status().as_str()
            data-stale=move || stale.get().to_string()
            aria-label="Cluster status"
        >
            <div
                class="visually-hidden"
                data-testid="status-announcement"
                aria-live=move || announcement.with(|a| a.politeness.as_str())
                aria-atomic="true"
            >
                {move || {
                    announcement
                        .with(|a| view! { <Untrusted text=a.text.clone() max=SENTENCE_CHARS /> })
                }}
            </div>
            <div class="banner-main">
                <span class="banner-icon" aria-hidden="true">{move || status().icon()}</span>
                <div class="banner-text">
                    <span class="banner-word">{move || status().label()}</span>
                    <span class="banner-summary" data-testid="cluster-summary">{sentence}</span>
                </div>
            </div>
            <ul class="banner-counts" aria-label="Services per status">{counts}</ul>
            <MaintenanceCount count=maintenance />
            <Show when=move || stale.get()>
                <span class="banner-stale" data-testid="stale-marker">"STALE — last known state"</span>
            </Show>
        </section>
    }
}
