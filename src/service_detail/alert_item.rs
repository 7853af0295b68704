//! One alert of the open service: what it is doing, how bad, since when and
//! where, what its rule says about it, and who muted it.

use leptos::prelude::*;
use panopticon_engine::alerts::{AlertState, AlertView};

use super::alert_silence::AlertSilence;
use super::alert_text::{duration, is_http};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The alert named `key` in `alerts`. Its element stays while the key does
/// (an alert turning from firing to silenced is the same alert); what it
/// says is rewritten only when the alert changes.
#[component]
pub fn AlertItem(
    /// The listed alerts with their keys.
    alerts: Memo<Vec<(String, AlertView)>>,
    /// Which one this is.
    key: String,
    /// When the evaluation was made (server time, Unix seconds).
    #[prop(into)]
    at: Signal<Option<f64>>,
) -> impl IntoView {
    // Without its reason, whose "for 3m" changes as time passes: the time
    // is written from `at` alone.
    let alert = Memo::new(move |_| {
        alerts.with(|l| {
            let (_, a) = l.iter().find(|(k, _)| *k == key)?;
            Some(AlertView {
                reason: String::new(),
                ..a.clone()
            })
        })
    });
    let field = move |f: fn(&AlertView) -> String| alert.with(|a| a.as_ref().map(f));
    view! {
        <li
            class=move || field(class)
            data-testid="alert"
            data-alert-name=move || field(|a| a.name.clone())
            data-alert-state=move || field(|a| a.state.as_str().to_owned())
            data-severity=move || field(|a| a.severity.clone())
        >
            {move || alert.get().map(|a| body(a, at))}
        </li>
    }
}

/// Only a firing alert wears a status colour: a muted or pending one
/// raises nothing and must not look as if it did.
fn class(a: &AlertView) -> String {
    match (a.state, a.raises.or(a.severity_status)) {
        (AlertState::Firing, Some(s)) => format!("alert-item alert-firing status-{}", s.as_str()),
        (state, _) => format!("alert-item alert-{}", state.as_str()),
    }
}

fn body(a: AlertView, at: Signal<Option<f64>>) -> impl IntoView {
    let since = a.since.map(|since| {
        move || {
            at.get()
                .and_then(|now| duration(now - since))
                .map(|t| format!(" for {t}"))
        }
    });
    let severity = if a.severity.is_empty() {
        "no severity".to_owned()
    } else {
        a.severity.clone()
    };
    let runbook = a.runbook_url.clone().filter(|u| is_http(u)).map(|u| {
        let href = u.clone();
        view! {
            <p class="alert-runbook">
                "Runbook: "
                <a href=href target="_blank" rel="noopener noreferrer">
                    <Untrusted text=u max=SENTENCE_CHARS />
                </a>
            </p>
        }
    });
    let muted = a.state.is_muted().then(|| {
        view! { <AlertSilence silence=a.silence.clone() inhibited_by=a.inhibited_by.clone() at=at /> }
    });
    view! {
        <p class="alert-head">
            <span class="alert-state">{a.state.as_str()}</span>
            " " <span class="alert-severity"><Untrusted text=severity /></span>
            " " <strong class="alert-name"><Untrusted text=a.name /></strong>
            {since}
            {a.instance.map(|i| view! { " on " <Untrusted text=i /> })}
        </p>
        {a.summary.map(|s| view! { <p class="alert-summary"><Untrusted text=s max=SENTENCE_CHARS /></p> })}
        {a.description.map(|d| view! { <p class="alert-description"><Untrusted text=d max=SENTENCE_CHARS /></p> })}
        {runbook}
        {muted}
    }
}
