//! A list of status changes, keyed so a refresh adds the new ones and leaves
//! the rest of the list (its DOM nodes, what a screen reader is at) alone.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::snapshot::Transition;

use crate::text_list::{KeyedRows, Row, Rows};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// One line of a transition list.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionEntry {
    /// Whose change it is, in a list across services; `None` in a service's own.
    pub service: Option<String>,
    /// The change.
    pub transition: Transition,
}

impl TransitionEntry {
    /// A transition never changes once made: its service, time and statuses
    /// name it (a service changes at most once per evaluation). The service
    /// comes last, after fixed words, so no two entries share a key.
    fn key(&self) -> String {
        let t = &self.transition;
        let service = self
            .service
            .as_deref()
            .map_or_else(String::new, |s| format!("+{s}"));
        format!(
            "{:x} {} {}{service}",
            t.at.to_bits(),
            t.from.as_str(),
            t.to.as_str()
        )
    }
}

/// `entries` as an ordered list (time, service, from → to, cause).
#[component]
pub fn TransitionList(
    /// The transitions, in the order shown.
    #[prop(into)]
    entries: Signal<Vec<TransitionEntry>>,
) -> impl IntoView {
    let rows: Rows = Arc::new(move || {
        entries
            .get()
            .into_iter()
            .map(|entry| Row::new(entry.key(), move || item(&entry).into_any()))
            .collect()
    });
    view! {
        <ol class="transitions">
            <KeyedRows rows=rows />
        </ol>
    }
}

fn item(entry: &TransitionEntry) -> impl IntoView + use<> {
    let t = &entry.transition;
    let who = entry
        .service
        .clone()
        .map(|s| view! { <Untrusted text=s />": " });
    view! {
        <li class=format!("transition status-{}", t.to.as_str())>
            <time>{clock_time(t.at)}</time>
            " " {who}
            <span class=format!("status-{}", t.from.as_str())>{t.from.as_str()}</span>
            " → "
            <span class=format!("status-{}", t.to.as_str())>{t.to.as_str()}</span>
            " — " <Untrusted text=t.cause.clone() max=SENTENCE_CHARS />
        </li>
    }
}

/// Local wall-clock time of a Unix timestamp, e.g. `14:03:27`.
fn clock_time(unix_secs: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_secs * 1000.0));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}
