//! The top bar's pickers, one native `<select>` per template variable
//! (`multiple` for a multi-value one), and the notice naming values that
//! were refused.
//!
//! A native control is keyboard- and screen-reader-accessible as it is;
//! values from Prometheus are shown as plain text through `untrusted.rs`
//! (an `<option>` holds text only) and travel in the `value` property,
//! never as markup.

use leptos::prelude::*;
use panopticon_engine::variables::Variable;
use wasm_bindgen::JsValue;

use crate::untrusted::{NAME_CHARS, SENTENCE_CHARS, Untrusted, shown};
use crate::variables::{Variables, use_variables};

/// A picker per declared variable; nothing without variables.
#[component]
pub fn VariablePicker() -> impl IntoView {
    let vars = use_variables().filter(|v| !v.declared().is_empty())?;
    let pickers = vars
        .declared()
        .into_iter()
        .map(|variable| view! { <Picker vars=vars variable=variable /> })
        .collect_view();
    Some(view! {
        <div class="variables" role="group" aria-label="Variables">
            {pickers}
        </div>
    })
}

/// One variable's picker.
#[component]
fn Picker(vars: Variables, variable: Variable) -> impl IntoView {
    let name = variable.name.clone();
    let node = NodeRef::<leptos::html::Select>::new();
    {
        let name = name.clone();
        // The dashboard is rebuilt for a new binding: the picker just used
        // gets the focus back, so a keyboard user stays where they were.
        crate::effect::effect(move || {
            if let Some(select) = node.get()
                && vars.take_focus(&name)
            {
                let _ = select.focus();
            }
        });
    }
    let options = {
        let name = name.clone();
        move || {
            let selected = vars.selected(&name);
            let mut offered = vars.offered(&name);
            // A bound value the list lacks (a default Prometheus no longer
            // knows) is still shown as what is on screen.
            for s in &selected {
                if !offered.contains(s) {
                    offered.insert(0, s.clone());
                }
            }
            offered
                .into_iter()
                .map(|value| {
                    let is_selected = selected.contains(&value);
                    let text = shown(&value, NAME_CHARS).text;
                    view! {
                        <option prop:value=value selected=is_selected>
                            {text}
                        </option>
                    }
                })
                .collect_view()
                // Erased: each typed view a reactive closure returns is its own
                // copy of the renderer in the bundle.
                .into_any()
        }
    };
    let on_change = {
        let name = name.clone();
        move |ev: leptos::ev::Event| {
            let values = ev.target().map(|t| chosen(&t.into())).unwrap_or_default();
            if !values.is_empty() {
                vars.pick(name.clone(), values);
            }
        }
    };
    view! {
        <label class="variable">
            <span class="variable-name">{name.clone()}</span>
            <select
                node_ref=node
                data-testid="variable"
                data-variable=name
                multiple=variable.multi
                size=variable.multi.then_some("1")
                on:change=on_change
            >
                {options}
            </select>
        </label>
    }
}

/// The values of a `<select>`'s selected options (`selectedOptions`, read
/// by name: web-sys has it only behind features this crate does not use).
fn chosen(select: &JsValue) -> Vec<String> {
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &JsValue::from_str(k)).ok();
    let Some(list) = get(select, "selectedOptions") else {
        return Vec::new();
    };
    let len = get(&list, "length").and_then(|l| l.as_f64()).unwrap_or(0.0);
    // `len` is an option count, a small non-negative integer.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let len = len.min(10_000.0) as u32;
    (0..len)
        .filter_map(|i| js_sys::Reflect::get_u32(&list, i).ok())
        .filter_map(|o| get(&o, "value").and_then(|v| v.as_string()))
        .collect()
}

/// What was refused or could not be read (`variable-error`), while there is any.
#[component]
pub fn VariableError() -> impl IntoView {
    let vars = use_variables();
    move || {
        let problems = vars.map(Variables::problems).unwrap_or_default();
        if problems.is_empty() {
            return ().into_any();
        }
        let items = problems
            .into_iter()
            .map(|p| view! { <li><Untrusted text=p max=SENTENCE_CHARS /></li> })
            .collect_view();
        view! {
            <div class="alert alert-warnings" data-testid="variable-error" role="status">
                <ul>{items}</ul>
            </div>
        }
        .into_any()
    }
}
