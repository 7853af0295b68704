//! A bulleted list of sentences from outside (reasons, notes), keyed by their
//! text so a refresh that repeats them leaves their DOM nodes alone; and
//! [`KeyedRows`], the one keyed list the app's short lists share.

use std::sync::Arc;

use leptos::prelude::*;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// One row of a [`KeyedRows`]: its key and how to draw it.
#[derive(Clone)]
pub struct Row {
    /// Distinct among the rows; a row whose key stays keeps its DOM nodes.
    pub key: String,
    /// Called once, when a row with this key first appears.
    pub view: Arc<dyn Fn() -> AnyView + Send + Sync>,
}

impl Row {
    /// A row drawn by `view`.
    pub fn new(key: String, view: impl Fn() -> AnyView + Send + Sync + 'static) -> Row {
        Row {
            key,
            view: Arc::new(view),
        }
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The rows of a [`KeyedRows`], read again (reactively) whenever what they
/// read changes. A trait object, not a `Signal::derive` per list: each of
/// those was its own copy of the derived signal's code.
pub type Rows = Arc<dyn Fn() -> Vec<Row> + Send + Sync>;

/// `rows` as siblings, keyed: a refresh adds the new ones, removes the gone
/// ones and leaves the rest (their DOM nodes, what a screen reader is at)
/// alone. Every short keyed list of the app goes through this one `<For>`:
/// each `<For>` with its own item type was a copy of leptos' keyed diffing
/// in the bundle (5–7 KB of wasm each).
#[component]
pub fn KeyedRows(
    /// The rows, in order.
    rows: Rows,
) -> impl IntoView {
    view! {
        <For each=move || rows() key=|row: &Row| row.key.clone() let:row>
            {(row.view)()}
        </For>
    }
}

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
    let rows = move || -> Vec<Row> {
        let texts = texts.get();
        let mut seen: Vec<&String> = Vec::with_capacity(texts.len());
        let mut rows = Vec::with_capacity(texts.len());
        for text in &texts {
            let n = seen.iter().filter(|t| **t == text).count();
            seen.push(text);
            let shown = text.clone();
            rows.push(Row::new(format!("{n}\u{0}{text}"), move || {
                view! { <li><Untrusted text=shown.clone() max=SENTENCE_CHARS /></li> }.into_any()
            }));
        }
        rows
    };
    view! {
        <Show when=move || texts.with(|t| !t.is_empty())>
            <ul class=class>
                <KeyedRows rows=Arc::new(rows) />
            </ul>
        </Show>
    }
}
