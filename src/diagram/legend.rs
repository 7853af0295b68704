//! The key to the diagram's symbols.

use leptos::prelude::*;
use panopticon_core::Status;

use crate::maintenance_icon::MaintenanceIcon;

/// What the colours, icons, line styles, box styles and the maintenance
/// marker mean.
#[component]
pub fn DiagramLegend() -> impl IntoView {
    let statuses = [
        Status::Healthy,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
    ];
    view! {
        <ul class="diagram-legend" aria-label="Legend">
            {statuses
                .iter()
                .map(|s| {
                    view! {
                        <li class=format!("legend-status status-{}", s.as_str())>
                            <span class="legend-icon" aria-hidden="true">{s.icon()}</span>
                            {s.as_str()}
                        </li>
                    }
                })
                .collect_view()}
            <li class="legend-line">
                <svg class="legend-sample" viewBox="0 0 32 10" aria-hidden="true">
                    <path class="diagram-edge hard status-unknown" d="M1,5 L31,5" />
                </svg>
                "hard: passes the status on"
            </li>
            <li class="legend-line">
                <svg class="legend-sample" viewBox="0 0 32 10" aria-hidden="true">
                    <path class="diagram-edge soft status-unknown" d="M1,5 L31,5" />
                </svg>
                "soft: passes at most warning"
            </li>
            <li class="legend-box">
                <svg class="legend-sample" viewBox="0 0 32 18" aria-hidden="true">
                    <g class="diagram-node status-critical root-cause">
                        <rect class="node-box" x="2" y="2" width="28" height="14" rx="3" />
                    </g>
                </svg>
                "root cause"
            </li>
            <li class="legend-box">
                <svg class="legend-sample" viewBox="0 0 32 18" aria-hidden="true">
                    <g class="diagram-node status-critical impacted">
                        <rect class="node-box" x="2" y="2" width="28" height="14" rx="3" />
                    </g>
                </svg>
                "only impacted by a dependency"
            </li>
            <li class="legend-maint">
                <MaintenanceIcon class="legend-sample" />
                "in maintenance (silenced in Alertmanager): its status still shown"
            </li>
        </ul>
    }
}
