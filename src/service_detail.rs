//! Everything about one service: alerts, checks, instances, expressions,
//! thresholds, transitions, runbook.
//!
//! Built once per selected service; a refresh writes only the values that
//! changed (nothing at all when the service's part of the snapshot did not),
//! and the lists are keyed: instance rows by name, transitions by what they
//! are. A new transition is one new item at the top, not every item rewritten
//! one element down, so what the reader is at (a row, an item, a text
//! selection, a screen reader's place) stays with its element.

mod alert_item;
mod alert_list;
mod alert_silence;
mod alert_text;
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
mod check_card;
mod maintenance_note;

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::config::Service;
use panopticon_engine::snapshot::{NOT_EVALUATED, ServiceSnapshot};
use panopticon_engine::{Config, Snapshot};

use crate::text_list::TextList;
use crate::transition_list::{TransitionEntry, TransitionList};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};
use alert_list::AlertList;
use check_card::CheckCard;
use maintenance_note::MaintenanceNote;

/// How many of a service's latest transitions are shown.
const TRANSITIONS_SHOWN: usize = 10;

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

#[component]
fn ServiceCard(
    service: Service,
    live: Memo<Option<ServiceSnapshot>>,
    at: Memo<Option<f64>>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let effective = move || part(live, |l| l.effective).unwrap_or(NOT_EVALUATED);
    let impacted = move || {
        let (own, by) = part(live, |l| (l.own, l.impacted_by.join(", ")))?;
        (!by.is_empty()).then(|| {
            view! {
                <p class="impacted">
                    "Own status " {own.as_str()} "; impacted by "
                    <Untrusted text=by max=SENTENCE_CHARS />
                    "."
                </p>
            }
        })
    };
    let pending = move || {
        part(live, ServiceSnapshot::pending).flatten().map(|p| {
            view! {
                <p class="pending" data-testid="detail-pending" data-pending=p.short()>
                    {p.to_string()}
                </p>
            }
        })
    };
    let reasons = Signal::derive(move || part(live, |l| l.reasons.clone()).unwrap_or_default());
    let transitions = Signal::derive(move || {
        let latest = |l: &ServiceSnapshot| {
            let newest_first = l.transitions.iter().rev().take(TRANSITIONS_SHOWN);
            newest_first
                .map(|t| TransitionEntry {
                    service: None,
                    transition: t.clone(),
                })
                .collect::<Vec<_>>()
        };
        part(live, latest).unwrap_or_default()
    });
    let checks = service
        .checks
        .iter()
        .map(|check| view! { <CheckCard check=check.clone() service=live /> })
        .collect_view();
    view! {
        <header class="detail-header">
            <h2
                class=move || format!("detail-title status-{}", effective().as_str())
                data-detail-service=service.id.clone()
            >
                <span class="status-icon" aria-hidden="true">{move || effective().icon()}</span>
                " "
                <Untrusted text=service.name.clone() />
                " — "
                {move || effective().label()}
            </h2>
            <button class="close" aria-label="Close details" on:click=move |_| selected.set(None)>
                "×"
            </button>
        </header>
        <MaintenanceNote service=live />
        {impacted}
        {pending}
        {service
            .description
            .clone()
            .map(|d| view! { <p class="muted"><Untrusted text=d max=SENTENCE_CHARS /></p> })}
        <ServiceMeta service=service.clone() />
        <TextList class="reasons" texts=reasons />
        <AlertList service=live at=at />
        <div class="checks">{checks}</div>
        <h3>"Recent transitions"</h3>
        <Show
            when=move || transitions.with(|t| !t.is_empty())
            fallback=|| view! { <p class="muted">"None since the page was loaded."</p> }
        >
            <TransitionList entries=transitions />
        </Show>
    }
}

/// `f` of the service's part of the evaluation; `None` before its first.
fn part<T>(
    live: Memo<Option<ServiceSnapshot>>,
    f: impl FnOnce(&ServiceSnapshot) -> T,
) -> Option<T> {
    live.with(|l| l.as_ref().map(f))
}

/// Expected instances, owner and runbook, from the configuration.
#[component]
fn ServiceMeta(service: Service) -> impl IntoView {
    view! {
        <dl class="meta">
            <dt>"Expected instances"</dt>
            <dd>{service.instances}</dd>
            {service.owner.map(|o| view! { <dt>"Owner"</dt><dd><Untrusted text=o /></dd> })}
            // Only a validated `Link` (http(s) or relative) ever becomes an href.
            {service
                .runbook
                .map(|r| {
                    let href = r.as_str().to_owned();
                    view! {
                        <dt>"Runbook"</dt>
                        <dd>
                            <a href=href target="_blank" rel="noopener noreferrer">
                                <Untrusted text=r.as_str() max=SENTENCE_CHARS />
                            </a>
                        </dd>
                    }
                })}
        </dl>
    }
}
