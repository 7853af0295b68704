//! Which Prometheus the dashboard talks to, as Prometheus itself reports it.

use leptos::prelude::*;
use panopticon_client::Client;
use panopticon_core::prom::QueryError;

use crate::refresh::now_secs;

/// Prometheus's version from `prometheus_build_info`, asked once per page load
/// (it does not change between refreshes). Nothing when unknown: outages are
/// reported by the source alert, not here.
#[component]
pub fn SourceInfo(
    /// The dashboard's Prometheus client.
    client: Client,
) -> impl IntoView {
    let version = LocalResource::new(move || {
        let client = client.clone();
        async move { fetch_version(&client).await }
    });
    view! {
        <span class="source-info">
            {move || {
                version
                    .get()
                    .and_then(Result::ok)
                    .flatten()
                    .map(|v| view! { <span data-testid="prometheus-version">"Prometheus " {v}</span> })
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
