//! Says plainly when an alert source (Prometheus's alerting rules,
//! Alertmanager) cannot be read, apart from Prometheus's queries: the
//! checks' statuses do not depend on it.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::alerts::AlertSourceProblem;

use crate::text_list::{KeyedRows, Row, Rows};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// One message per alert source that cannot be read now, each with what
/// that means for the statuses (as the engine worded it); nothing when
/// all can be read. Never `data-testid="source-error"`: that one says
/// Prometheus's queries failed.
#[component]
pub fn AlertSourceError(
    /// The alert sources that cannot be read.
    #[prop(into)]
    problems: Signal<Vec<AlertSourceProblem>>,
) -> impl IntoView {
    let rows: Rows = Arc::new(move || {
        problems
            .get()
            .into_iter()
            .map(named)
            .map(|p| {
                Row::new(
                    format!("{}\u{0}{}", p.source.as_str(), p.message),
                    move || row(&p),
                )
            })
            .collect()
    });
    view! { <KeyedRows rows=rows /> }
}

fn row(p: &AlertSourceProblem) -> AnyView {
    view! {
        <div
            class="alert alert-alert-source"
            data-testid="alert-source-error"
            data-source=p.source.as_str()
            role="alert"
        >
            <strong>"Alert source problem: "</strong>
            <span class="alert-message">
                <Untrusted text=p.message.clone() max=SENTENCE_CHARS />
            </span>
            " — "
            <span class="alert-consequence">{p.consequence.clone()}</span>
        </div>
    }
    .into_any()
}

/// The problem with its message naming its source ("Alertmanager unreachable:
/// …"), the name put first when the message does not start with it.
fn named(mut p: AlertSourceProblem) -> AlertSourceProblem {
    let name = p.source.name();
    if !p.message.starts_with(name) {
        p.message = format!("{name}: {}", p.message);
    }
    p
}
