//! The status transitions kept in `localStorage`, so a wall screen's nightly
//! browser restart or a reload for a new build loses none of them.
//!
//! One entry per configuration path (`?config=`), the same identity the boot
//! script's remembered first query uses: an edit of the file (a threshold, a
//! new service) keeps the history of every service still in it, and a
//! transition of a service no longer there is dropped when read back. What
//! is read back is validated line by line by the engine's pure
//! [`History::decode`]; storage that is full, disabled or refused (private
//! mode, a sandboxed frame) only means no history is kept.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::history::History;
use panopticon_engine::{Config, Snapshot};

/// The `localStorage` key before the configuration's path.
const PREFIX: &str = "panopticon.history:";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A fleet's cluster keeps its own transitions (`#<cluster>` after the
/// path): one cluster's changes are never listed under another's.
fn key(config: &Config) -> String {
    match &config.cluster {
        Some(cluster) => format!("{PREFIX}{}#{cluster}", config.source_name),
        None => format!("{PREFIX}{}", config.source_name),
    }
}

/// The transitions kept for `config` by an earlier page load, validated.
pub fn load(config: &Config) -> History {
    let Some(text) = storage().and_then(|s| s.get_item(&key(config)).ok().flatten()) else {
        return History::default();
    };
    let known = |id: &str| config.services.iter().any(|s| s.id == id);
    History::decode(&text, known, js_sys::Date::now() / 1000.0).history
}

/// Writes the transitions of each new snapshot for `config`, only when they
/// changed (a refresh without a change writes nothing). Nothing is written
/// before the first evaluation, so a page that never got data does not
/// erase what an earlier one kept.
pub fn keep(config: &Config, snapshot: RwSignal<Option<Arc<Snapshot>>>) {
    let key = key(config);
    let written: Rc<RefCell<Option<String>>> = Rc::default();
    crate::effect::effect(move || {
        let Some(text) =
            snapshot.with(|s| s.as_deref().map(|s| History::from_snapshot(s).encode()))
        else {
            return;
        };
        if written.borrow().as_deref() == Some(text.as_str()) {
            return;
        }
        if let Some(storage) = storage() {
            // A full or refused storage keeps no history; the screen is unaffected.
            let _ = storage.set_item(&key, &text);
        }
        *written.borrow_mut() = Some(text);
    });
}
