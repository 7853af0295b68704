//! Zoom buttons over the diagram.

use leptos::prelude::*;

/// Zoom in, zoom out, and back to the whole diagram (shown only when zoomed,
/// so a wall screen at rest shows no stray controls' state).
#[component]
pub fn ZoomControls(
    /// Shows more detail.
    zoom_in: impl Fn() + 'static,
    /// Shows more of the diagram.
    zoom_out: impl Fn() + 'static,
    /// Shows the whole diagram again.
    reset: impl Fn() + Send + Sync + Clone + 'static,
    /// Whether the view is zoomed in.
    zoomed: Memo<bool>,
) -> impl IntoView {
    view! {
        <div class="diagram-zoom" role="toolbar" aria-label="Zoom">
            <button
                type="button"
                class="diagram-zoom-in"
                aria-label="Zoom in"
                title="Zoom in (+, or Ctrl + mouse wheel)"
                on:click=move |_| zoom_in()
            >
                "+"
            </button>
            <button
                type="button"
                class="diagram-zoom-out"
                aria-label="Zoom out"
                title="Zoom out (−)"
                on:click=move |_| zoom_out()
            >
                "−"
            </button>
            <Show when=move || zoomed.get()>
                <button
                    type="button"
                    class="diagram-zoom-reset"
                    aria-label="Show the whole diagram"
                    title="Show the whole diagram (0)"
                    on:click={
                        let reset = reset.clone();
                        move |_| reset()
                    }
                >
                    "Reset"
                </button>
            </Show>
        </div>
    }
}
