//! [`effect`], the one effect type the app's value-less effects share.

use leptos::prelude::*;

/// `run` as an effect: once after mounting, then whenever a signal it read
/// changes, as `Effect::new` does. `Effect::new` is generic over its closure,
/// and each closure type was its own copy of leptos' effect task (about 2 KB
/// of wasm each); through a boxed closure every effect here is one copy.
pub fn effect(run: impl FnMut() + 'static) -> Effect<LocalStorage> {
    boxed(Box::new(run))
}

fn boxed(mut run: Box<dyn FnMut()>) -> Effect<LocalStorage> {
    Effect::new(move |_| run())
}
