//! The open service's card: title, maintenance, impact, pending hold,
//! description, configuration, reasons, alerts, checks, transitions.

use leptos::prelude::*;
use panopticon_engine::config::Service;
use panopticon_engine::snapshot::{NOT_EVALUATED, ServiceSnapshot};

use super::alert_list::AlertList;
use super::check_card::CheckCard;
use super::maintenance_note::MaintenanceNote;
use super::service_meta::ServiceMeta;
use crate::text_list::TextList;
use crate::transition_list::{TransitionEntry, TransitionList};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// How many of a service's latest transitions are shown.
const TRANSITIONS_SHOWN: usize = 10;

/// The open service: its status and why, its alerts, checks and transitions.
#[component]
pub fn ServiceCard(
    /// The service as configured.
    service: Service,
    /// Its part of the latest evaluation.
    live: Memo<Option<ServiceSnapshot>>,
    /// When the evaluation was made (server time, Unix seconds).
    at: Memo<Option<f64>>,
    /// The selected service id (the close button clears it).
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
            fallback=|| view! { <p class="muted">"None recorded yet."</p> }
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
