//! Which Prometheus (and Alertmanager) the dashboard talks to, as they
//! report themselves.

use leptos::prelude::*;
use panopticon_client::Client;
use panopticon_core::prom::QueryError;

use crate::first_refresh::when_first_refresh;
use crate::refresh::now_secs;
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
) -> impl IntoView {
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
                version
                    .get()
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
