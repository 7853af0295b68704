//! One dependency edge.

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::config::Strength;

/// A dependency, drawn from the dependant's box down to the dependency's.
/// Solid for hard, dashed for soft; coloured by the status it passes on, so
/// the path of a failure can be followed upwards.
#[component]
pub fn DiagramEdge(
    /// SVG path data from the layout.
    path: String,
    /// The dependant's id.
    from: String,
    /// The dependency's id.
    to: String,
    /// "App needs Consul", for the tooltip.
    label: String,
    /// Hard or soft.
    strength: Strength,
    /// What the edge passes on now.
    #[prop(into)]
    status: Signal<Status>,
) -> impl IntoView {
    let rule = match strength {
        Strength::Hard => "passes its status on",
        Strength::Soft => "passes at most warning",
    };
    view! {
        <path
            class=move || format!("diagram-edge {} status-{}", strength.as_str(), status.get().as_str())
            d=path
            data-from=from
            data-to=to
            data-strength=strength.as_str()
            data-passes=move || status.get().as_str()
        >
            <title>
                {move || format!("{label} ({}: {rule}): passes {}", strength.as_str(), status.get().as_str())}
            </title>
        </path>
    }
}
