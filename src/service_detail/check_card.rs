//! One check of the open service: its status, why, its rule and its
//! instances, updated in place at every refresh.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::check::InstanceVerdict;
use panopticon_engine::config::Check;
use panopticon_engine::rule::fmt_value;
use panopticon_engine::snapshot::{CheckSnapshot, NOT_EVALUATED, ServiceSnapshot};

use crate::text_list::{KeyedRows, Row, TextList};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// A check as configured, with its latest verdict.
#[component]
pub fn CheckCard(
    /// The check as configured.
    check: Check,
    /// The service's part of the latest evaluation.
    service: Memo<Option<ServiceSnapshot>>,
) -> impl IntoView {
    let id = check.id.clone();
    let live = Memo::new(move |_| {
        service.with(|s| {
            s.as_ref()
                .and_then(|s| s.checks.iter().find(|c| c.id == id).cloned())
        })
    });
    let status = move || live.with(|c| c.as_ref().map_or(NOT_EVALUATED, |c| c.status));
    let reason = move || {
        let reason = live.with(|c| c.as_ref().map(|c| c.outcome.reason.clone()))?;
        (!reason.is_empty()).then(|| {
            view! { <p class="check-reason"><Untrusted text=reason max=SENTENCE_CHARS /></p> }
        })
    };
    let pending = move || {
        let p = live.with(|c| c.as_ref().and_then(|c| c.pending))?;
        let text = format!(
            "changing to {} after {} of {} evaluations",
            p.to, p.seen, p.needed
        );
        Some(view! { <p class="check-pending">{text}</p> })
    };
    let notes = Signal::derive(move || {
        live.with(|c| {
            c.as_ref()
                .map(|c| c.outcome.notes.clone())
                .unwrap_or_default()
        })
    });
    let hold = check.hold;
    view! {
        <section class=move || format!("check status-{}", status().as_str()) data-check-status=move || status().as_str()>
            <h3 class="check-title">
                <span class="status-icon" aria-hidden="true">{move || status().icon()}</span>
                " " <Untrusted text=check.name /> " "
                <span class="status-word">{move || status().as_str()}</span>
            </h3>
            {reason}
            {pending}
            <p class="check-rule"><code class="expr"><Untrusted text=check.query max=SENTENCE_CHARS /></code></p>
            <p class="check-rule muted">
                <Untrusted text=check.rule.describe(check.instances) max=SENTENCE_CHARS />
                {(hold > 1).then(|| format!(" · holds for {hold} evaluations"))}
            </p>
            <InstanceTable check=live />
            <TextList class="notes" texts=notes />
        </section>
    }
}

/// One row per instance, keyed by its name: a refresh rewrites the values of
/// the rows it keeps.
#[component]
fn InstanceTable(check: Memo<Option<CheckSnapshot>>) -> impl IntoView {
    let rows = move || -> Vec<Row> {
        check.with(|c| {
            c.iter()
                .flat_map(|c| c.outcome.instances.iter())
                .map(|i| {
                    let name = i.instance.clone();
                    Row::new(i.instance.clone(), move || {
                        view! { <InstanceRow check=check name=name.clone() /> }.into_any()
                    })
                })
                .collect()
        })
    };
    view! {
        <Show when=move || check.with(|c| c.as_ref().is_some_and(|c| !c.outcome.instances.is_empty()))>
            <table class="instances">
                <thead>
                    <tr><th>"Instance"</th><th>"Value"</th><th>"Status"</th><th>"Why"</th></tr>
                </thead>
                <tbody>
                    <KeyedRows rows=Arc::new(rows) />
                </tbody>
            </table>
        </Show>
    }
}

/// One instance's verdict, read from the check's by name.
#[component]
fn InstanceRow(check: Memo<Option<CheckSnapshot>>, name: String) -> impl IntoView {
    let key = name.clone();
    let verdict = Memo::new(move |_| {
        check.with(|c| {
            let instances = &c.as_ref()?.outcome.instances;
            // Sorted by name (the engine's order): a table of 1,000 rows would
            // otherwise scan 1,000 × 1,000 names at every refresh.
            let found = instances
                .binary_search_by(|i| i.instance.as_str().cmp(&key))
                .ok()
                .map(|at| &instances[at]);
            found
                .or_else(|| instances.iter().find(|i| i.instance == key))
                .cloned()
        })
    });
    let field = move |f: fn(&InstanceVerdict) -> String| {
        verdict.with(|v| v.as_ref().map(f).unwrap_or_default())
    };
    let status = move || verdict.with(|v| v.as_ref().map_or(NOT_EVALUATED, |v| v.status));
    let instance = name.clone();
    view! {
        <tr class=move || format!("status-{}", status().as_str()) data-instance=instance>
            <td class="instance-name"><Untrusted text=name /></td>
            <td class="num">{move || field(|v| v.value.map_or_else(|| "—".to_owned(), fmt_value))}</td>
            <td>
                <span class="status-icon" aria-hidden="true">{move || status().icon()}</span>
                " " {move || status().as_str()}
            </td>
            <td class="instance-why">
                {move || view! { <Untrusted text=field(|v| v.reason.clone()) max=SENTENCE_CHARS /> }}
            </td>
        </tr>
    }
}
