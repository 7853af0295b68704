//! Which Prometheus (and Alertmanager) the dashboard talks to, as they
//! report themselves; with several data sources, each one's state.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_client::Client;
use panopticon_core::prom::QueryError;
use panopticon_engine::freshness::format_age;
use panopticon_engine::monitor::{SourceHealth, SourceState};

use crate::first_refresh::when_first_refresh;
use crate::refresh::now_secs;
use crate::text_list::{KeyedRows, Row};
use crate::untrusted::Untrusted;

/// Prometheus's version from `prometheus_build_info`, asked once per page load
/// (it does not change between refreshes). Nothing when unknown: outages are
/// reported by the source alert, not here.
///
/// Asked only after the first refresh has finished, so it never takes one of
/// the few connection slots the first status waits for. A plain task and a
/// signal, not a resource: a resource read inside the app's `Suspense` made
/// the boundary hold back the rest of the dashboard's updates (the first
/// status among them) until the answer came.
#[component]
pub fn SourceInfo(
    /// The dashboard's Prometheus client.
    client: Client,
    /// Refreshes completed so far; the question waits for the first.
    refreshes: RwSignal<u64>,
    /// Alertmanager's version, once the refresh cycle has read it (after
    /// the first refresh too); `None` without an Alertmanager.
    #[prop(into)]
    alertmanager: Signal<Option<String>>,
    /// Each data source's state; shown only when there are several (one
    /// source looks as it always did).
    #[prop(into, optional)]
    sources: Option<Signal<Vec<SourceState>>>,
    /// The one-second clock, for each source's "12 s ago".
    #[prop(into, optional)]
    now: Option<Signal<f64>>,
) -> impl IntoView {
    let several = move || sources.is_some_and(|s| s.with(|s| s.len() > 1));
    let version = RwSignal::new(None::<String>);
    when_first_refresh(refreshes, move || {
        leptos::task::spawn_local(async move {
            if let Ok(Some(v)) = fetch_version(&client).await {
                // The dashboard may be gone by now (another config): then nothing to show.
                let _ = version.try_set(Some(v));
            }
        });
    });
    view! {
        <span class="source-info">
            {move || {
                several().then(|| {
                    view! {
                        <SourceStates
                            sources=sources.unwrap_or_default()
                            now=now.unwrap_or_default()
                        />
                    }
                })
            }}
            {move || {
                (!several())
                    .then(|| version.get())
                    .flatten()
                    .map(|v| view! { <span data-testid="prometheus-version">"Prometheus " {v}</span> })
            }}
            {move || {
                alertmanager.get().map(|v| {
                    view! {
                        {move || version.with(Option::is_some).then_some(" · ")}
                        <span data-testid="alertmanager-version">
                            "Alertmanager " <Untrusted text=v />
                        </span>
                    }
                })
            }}
        </span>
    }
}

/// One item per data source: its name, its state in a word, its version,
/// and on hover what it last said (error, partial answer, age). The DOM
/// contract: `data-testid="source-state"`, `data-source`, `data-source-kind`,
/// `data-source-state` (`ok|partial|down|slow|waiting`).
#[component]
fn SourceStates(sources: Signal<Vec<SourceState>>, now: Signal<f64>) -> impl IntoView {
    // Through the app's one keyed list (its own `<For>` was a copy of
    // leptos' keyed diffing for this item type).
    let rows = move || -> Vec<Row> {
        sources.with(|all| {
            all.iter()
                .map(|s| {
                    let name = s.name.clone();
                    Row::new(s.name.clone(), move || {
                        view! { <SourceItem name=name.clone() sources=sources now=now /> }
                            .into_any()
                    })
                })
                .collect()
        })
    };
    view! {
        <span class="source-states" data-testid="source-states">
            <KeyedRows rows=Arc::new(rows) />
        </span>
    }
}

/// One source, updated in place as its state changes (keyed by name).
#[component]
fn SourceItem(name: String, sources: Signal<Vec<SourceState>>, now: Signal<f64>) -> impl IntoView {
    let key = name.clone();
    let this = Memo::new(move |_| sources.with(|all| all.iter().find(|s| s.name == key).cloned()));
    let health = move || this.with(|s| s.as_ref().map_or(SourceHealth::Waiting, |s| s.health));
    let kind = move || this.with(|s| s.as_ref().map(|s| s.kind.as_str()));
    // What it last said, for the tooltip and screen readers: the strings
    // from outside made inert like every other (controls shown, length cut).
    let detail = move || {
        this.with(|s| {
            let s = s.as_ref()?;
            let mut parts = Vec::new();
            if let Some(e) = &s.error {
                parts.push(crate::untrusted::shown(e, crate::untrusted::SENTENCE_CHARS).text);
            }
            if let Some(p) = &s.partial {
                parts.push(format!(
                    "partial answer: {}",
                    crate::untrusted::shown(p, crate::untrusted::SENTENCE_CHARS).text
                ));
            }
            if let Some(at) = s.last_answer {
                parts.push(format!("answered {}", format_age(now.get() - at)));
            }
            (!parts.is_empty()).then(|| parts.join("; "))
        })
    };
    let version = move || this.with(|s| s.as_ref().and_then(|s| s.version.clone()));
    view! {
        <span
            class="source-state"
            class:source-state-bad=move || matches!(health(), SourceHealth::Down | SourceHealth::Partial)
            data-testid="source-state"
            data-source=name.clone()
            data-source-kind=kind
            data-source-state=move || health().as_str()
            title=detail
        >
            {name.clone()}
            " "
            <span class="source-state-word">{move || health().as_str()}</span>
            {move || version().map(|v| view! { " " <Untrusted text=v /> })}
        </span>
    }
}

/// `None` when Prometheus does not scrape itself (no `prometheus_build_info`).
async fn fetch_version(client: &Client) -> Result<Option<String>, QueryError> {
    let vector = client
        .instant("prometheus_build_info", now_secs())
        .await?
        .into_vector()?;
    Ok(vector
        .into_iter()
        .find_map(|s| s.labels.get("version").cloned()))
}
