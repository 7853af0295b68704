//! The hatch patterns impacted boxes are filled with, one per status.

use leptos::prelude::*;
use panopticon_core::Status;

/// `<defs>` with a `diagram-hatch-<status>` pattern for every status.
#[component]
pub fn HatchPatterns() -> impl IntoView {
    view! {
        <defs>
            {Status::ALL
                .iter()
                .map(|s| {
                    view! {
                        <pattern
                            id=format!("diagram-hatch-{}", s.as_str())
                            class=format!("diagram-hatch status-{}", s.as_str())
                            width="10"
                            height="10"
                            patternUnits="userSpaceOnUse"
                            patternTransform="rotate(45)"
                        >
                            <rect class="hatch-bg" width="10" height="10" />
                            <rect class="hatch-stripe" width="4" height="10" />
                        </pattern>
                    }
                })
                .collect_view()}
        </defs>
    }
}
