//! One alert of the open service: what it is doing, how bad, since when and
//! where, what its rule says about it, and who muted it.

use leptos::prelude::*;
use panopticon_engine::alerts::AlertView;

use super::alert_silence::AlertSilence;
use super::alert_text::{duration, is_http, item_class};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The listed alerts with their keys.
type Keyed = Memo<Vec<(String, AlertView)>>;

/// The alert named `key` in `alerts`. Its element stays while the key does
/// (an alert turning from firing to silenced is the same alert); what it
/// says is rewritten only when the alert changes, and its annotations (which
/// often quote a value that changes at every evaluation) on their own.
#[component]
pub fn AlertItem(
    /// The listed alerts with their keys.
    alerts: Keyed,
    /// Which one this is.
    key: String,
    /// When the evaluation was made (server time, Unix seconds).
    #[prop(into)]
    at: Signal<Option<f64>>,
) -> impl IntoView {
    let key = StoredValue::new(key);
    // Without its reason, whose "for 3m" changes as time passes (the time
    // is written from `at` alone), and without its annotations.
    let alert = find(alerts, key, |a| {
        Some(AlertView {
            reason: String::new(),
            summary: None,
            description: None,
            ..a.clone()
        })
    });
    let note = move |f: fn(&AlertView) -> Option<String>, class: &'static str| {
        let text = find(alerts, key, f);
        move || {
            text.get()
                .map(|t| view! { <p class=class><Untrusted text=t max=SENTENCE_CHARS /></p> })
        }
    };
    let field = move |f: fn(&AlertView) -> String| alert.with(|a| a.as_ref().map(f));
    view! {
        <li
            class=move || field(item_class)
            data-testid="alert"
            data-alert-name=move || field(|a| a.name.clone())
            data-alert-state=move || field(|a| a.state.as_str().to_owned())
            data-severity=move || field(|a| a.severity.clone())
        >
            {move || alert.get().map(|a| head(a, at))}
            {note(|a| a.summary.clone(), "alert-summary")}
            {note(|a| a.description.clone(), "alert-description")}
            {move || alert.get().map(|a| tail(a, at))}
        </li>
    }
}

/// `f` of the alert named `key`, changing only when that does.
fn find<T>(
    alerts: Keyed,
    key: StoredValue<String>,
    f: fn(&AlertView) -> Option<T>,
) -> Memo<Option<T>>
where
    T: PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| {
        alerts.with(|l| {
            key.with_value(|key| l.iter().find(|(k, _)| k == key).and_then(|(_, a)| f(a)))
        })
    })
}

/// State, severity, name, since when, where.
fn head(a: AlertView, at: Signal<Option<f64>>) -> impl IntoView {
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
        a.severity
    };
    view! {
        <p class="alert-head">
            <span class="alert-state">{a.state.as_str()}</span>
            " " <span class="alert-severity"><Untrusted text=severity /></span>
            " " <strong class="alert-name"><Untrusted text=a.name /></strong>
            {since}
            {a.instance.map(|i| view! { " on " <Untrusted text=i /> })}
        </p>
    }
}

/// The runbook (only an http(s) one is a link) and who muted it.
fn tail(a: AlertView, at: Signal<Option<f64>>) -> impl IntoView {
    let runbook = a.runbook_url.filter(|u| is_http(u)).map(|u| {
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
        view! { <AlertSilence silence=a.silence inhibited_by=a.inhibited_by at=at /> }
    });
    view! { {runbook} {muted} }
}
