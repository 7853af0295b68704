//! "What is broken": the problems named in a list beside the diagram when the
//! diagram is too dense to name each of them on its box (which entries, in
//! which order, is decided by `callouts::broken_list`).

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;

use super::callouts;
use super::scene::{Scene, Shows};

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// One problem in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Service id, to select it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The status it shows.
    pub status: Status,
    /// Its note ("impacted by Consul", "root cause").
    pub note: String,
}

/// The entries of the list for what `shows` says about `scene`'s boxes.
pub fn use_entries(scene: Arc<Scene>, shows: Shows) -> Memo<Vec<Entry>> {
    Memo::new(move |_| {
        let looks = shows.looks.get();
        let named = shows.named.get();
        callouts::broken_list(scene.density, &looks, &named)
            .into_iter()
            .map(|i| Entry {
                id: scene.boxes[i].id.clone(),
                name: scene.boxes[i].name.clone(),
                status: looks[i].effective,
                note: looks[i].note.clone(),
            })
            .collect()
    })
}

/// The list, worst first; nothing when `entries` is empty. Clicking an entry
/// selects its service, as clicking its box does.
#[component]
pub fn BrokenList(
    /// The problems, worst first.
    entries: Memo<Vec<Entry>>,
    /// The selected service id.
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        let list = entries.get();
        (!list.is_empty()).then(|| {
            let count = list.len();
            view! {
                <aside class="diagram-broken" data-testid="diagram-broken" aria-label="What is broken">
                    <h2 class="diagram-broken-title">{format!("{count} not healthy")}</h2>
                    <ol>
                        {list
                            .into_iter()
                            .map(|e| {
                                let id = e.id.clone();
                                view! {
                                    <li
                                        class=format!("diagram-broken-entry status-{}", e.status.as_str())
                                        data-service-ref=e.id.clone()
                                    >
                                        <button
                                            type="button"
                                            on:click=move |_| selected.set(Some(id.clone()))
                                        >
                                            <span class="broken-icon" aria-hidden="true">{e.status.icon()}</span>
                                            <span class="broken-word">{e.status.as_str()}</span>
                                            <Untrusted text=e.name />
                                            <span class="broken-note">
                                                <Untrusted text=e.note max=SENTENCE_CHARS />
                                            </span>
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </aside>
            }
        })
    }
}
