//! One service box.

use leptos::prelude::*;
use panopticon_layout::Rect;

use super::model::{self, NodeLook};

/// A service: name, status icon and word, and a note (root cause, or what
/// it is impacted by). Colour is never the only signal. Focusable; click,
/// Enter or Space toggles the selection.
#[component]
pub fn DiagramNode(
    /// Service id.
    id: String,
    /// Display name.
    name: String,
    /// Where the layout put the box.
    rect: Rect,
    /// How the box looks now.
    #[prop(into)]
    look: Signal<NodeLook>,
    /// The selected service id, shared with the detail panel.
    selected: RwSignal<Option<String>>,
    /// Whether the current press turned into panning (then it is no click).
    dragged: RwSignal<bool>,
) -> impl IntoView {
    let (w, h) = (rect.width, rect.height);
    let mid = format!("{:.1}", w / 2.0);
    let shown_name = model::fit(&name, w, model::NAME_SIZE, true);
    let is_selected = {
        let id = id.clone();
        Memo::new(move |_| selected.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let toggle = {
        let id = id.clone();
        move || {
            selected.update(|s| {
                *s = if s.as_deref() == Some(id.as_str()) {
                    None
                } else {
                    Some(id.clone())
                };
            });
        }
    };
    let on_click = {
        let toggle = toggle.clone();
        move |_| {
            if !dragged.get_untracked() {
                toggle();
            }
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if matches!(ev.key().as_str(), "Enter" | " " | "Spacebar") {
            ev.prevent_default();
            toggle();
        }
    };
    let label_name = name.clone();
    view! {
        <g
            class=move || look.with(NodeLook::class)
            class:selected=move || is_selected.get()
            data-service=id
            data-status=move || look.with(|l| l.effective.as_str())
            data-own-status=move || look.with(|l| l.own.as_str())
            data-impacted-by=move || {
                look.with(|l| (!l.impacted_by.is_empty()).then(|| l.impacted_by.join(",")))
            }
            tabindex="0"
            role="button"
            aria-pressed=move || if is_selected.get() { "true" } else { "false" }
            aria-label=move || look.with(|l| l.aria_label(&label_name))
            transform=format!("translate({:.1},{:.1})", rect.x, rect.y)
            on:click=on_click
            on:keydown=on_key
        >
            <title>{move || look.with(|l| l.aria_label(&name))}</title>
            <rect
                class="node-focus"
                x="-5"
                y="-5"
                width=format!("{:.1}", w + 10.0)
                height=format!("{:.1}", h + 10.0)
                rx="13"
            />
            <rect class="node-box" width=format!("{w:.1}") height=format!("{h:.1}") rx="9" />
            <text
                class="node-name"
                x=mid.clone()
                y=model::NAME_Y
                font-size=model::NAME_SIZE
                text-anchor="middle"
            >
                {shown_name}
            </text>
            <text
                class="node-status"
                x=mid.clone()
                y=model::STATUS_Y
                font-size=model::STATUS_SIZE
                text-anchor="middle"
            >
                <tspan class="node-icon">{move || look.with(|l| l.effective.icon())}</tspan>
                " "
                {move || look.with(|l| l.effective.label())}
            </text>
            <text
                class="node-note"
                x=mid
                y=model::NOTE_Y
                font-size=model::NOTE_SIZE
                text-anchor="middle"
            >
                {move || look.with(|l| model::fit(&l.note, w, model::NOTE_SIZE, false))}
            </text>
        </g>
    }
}
