//! A bulleted list of sentences from outside (reasons, notes), keyed by their
//! text so a refresh that repeats them leaves their DOM nodes alone.

use leptos::prelude::*;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// `<ul class=class>` with one `<li>` per text, or nothing while there are none.
#[component]
pub fn TextList(
    /// The list's CSS class.
    class: &'static str,
    /// The texts, in order.
    #[prop(into)]
    texts: Signal<Vec<String>>,
) -> impl IntoView {
    // The same text twice is two items: the key counts earlier equal ones.
    let keyed = move || {
        let texts = texts.get();
        let mut seen: Vec<(String, usize)> = Vec::with_capacity(texts.len());
        for text in texts {
            let n = seen.iter().filter(|(t, _)| *t == text).count();
            seen.push((text, n));
        }
        seen
    };
    view! {
        <Show when=move || texts.with(|t| !t.is_empty())>
            <ul class=class>
                <For each=keyed key=Clone::clone let:text>
                    <li><Untrusted text=text.0 max=SENTENCE_CHARS /></li>
                </For>
            </ul>
        </Show>
    }
}
