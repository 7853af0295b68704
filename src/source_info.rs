//! Which Prometheus the dashboard talks to, as Prometheus reports it.

use gloo_net::http::Request;
use leptos::prelude::*;

/// Prometheus's version, read through the proxy from `prometheus_build_info`;
/// a readable message when the data source cannot be reached.
#[component]
pub fn SourceInfo() -> impl IntoView {
    let version = LocalResource::new(fetch_version);
    view! {
        <span class="source-info">
            <Suspense fallback=|| "connecting…">
                {move || {
                    version
                        .get()
                        .map(|r| match r {
                            Ok(v) => {
                                view! { <span data-testid="prometheus-version">"Prometheus " {v}</span> }
                                    .into_any()
                            }
                            Err(e) => {
                                view! { <span class="source-error" data-testid="source-error">{e}</span> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </span>
    }
}

async fn fetch_version() -> Result<String, String> {
    let resp = Request::get("prometheus/api/v1/query")
        .query([("query", "prometheus_build_info")])
        .send()
        .await
        .map_err(|e| format!("Prometheus unreachable: {e}"))?;
    let body: serde_json::Value = resp
        .json()
        .await
        .map_err(|e| format!("unreadable answer from Prometheus: {e}"))?;
    body.pointer("/data/result/0/metric/version")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "Prometheus did not report its version".to_owned())
}
