//! What the configuration says about the open service: expected
//! instances, owner, runbook.

use leptos::prelude::*;
use panopticon_engine::config::Service;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// Expected instances, owner and runbook, from the configuration.
#[component]
pub fn ServiceMeta(
    /// The service as configured.
    service: Service,
) -> impl IntoView {
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
