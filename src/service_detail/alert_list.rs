//! The open service's alerts: firing, muted (silenced or inhibited) and
//! pending, as its `alerts:` matchers select them.
//!
//! Keyed by what names an alert (its name, instance and severity), so a
//! refresh rewrites only the values that changed, and an alert that turns
//! from firing to silenced keeps its element (and the reader's place in it).

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::alerts::AlertView;
use panopticon_engine::snapshot::ServiceSnapshot;

use super::alert_item::AlertItem;
use crate::text_list::{KeyedRows, Row};
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// How many alerts are listed; the rest are counted ("and 12 more").
pub const ALERTS_SHOWN: usize = 25;

/// The alert list, or a line saying there are none (or why none can be
/// listed) when the service declares `alerts:`; nothing when it declares
/// none and has none.
#[component]
pub fn AlertList(
    /// The service's part of the latest evaluation.
    service: Memo<Option<ServiceSnapshot>>,
    /// When the evaluation was made (server time, Unix seconds), for "for 3m".
    #[prop(into)]
    at: Signal<Option<f64>>,
) -> impl IntoView {
    let shown = Memo::new(move |_| {
        service.with(|s| {
            s.as_ref()
                .map(|s| keyed(&s.alerts.alerts))
                .unwrap_or_default()
        })
    });
    let total = move || service.with(|s| s.as_ref().map_or(0, |s| s.alerts.alerts.len()));
    let declared = move || service.with(|s| s.as_ref().is_some_and(|s| s.alerts.declared));
    let rows = move || -> Vec<Row> {
        shown.with(|e| {
            e.iter()
                .map(|(key, _)| {
                    let item = key.clone();
                    Row::new(key.clone(), move || {
                        view! { <AlertItem alerts=shown key=item.clone() at=at /> }.into_any()
                    })
                })
                .collect()
        })
    };
    let more = move || {
        let more = total().saturating_sub(ALERTS_SHOWN);
        (more > 0).then(|| view! { <p class="alert-more muted">{format!("and {more} more")}</p> })
    };
    // None listed is no news only when the alerts could be read: otherwise
    // say why there are none to list ("alerts cannot be read: …"), never
    // "none firing".
    let none = move || {
        let why = service.with(|s| {
            let a = &s.as_ref()?.alerts;
            (a.status == Some(Status::Unknown)).then(|| a.reasons.join(" · "))
        });
        match why {
            Some(why) => view! {
                <p class="alert-unknown" data-testid="alert-list">
                    <Untrusted text=why max=SENTENCE_CHARS />
                </p>
            }
            .into_any(),
            None => view! { <p class="muted" data-testid="alert-list">"No alert firing or pending."</p> }
                .into_any(),
        }
    };
    view! {
        <Show when=move || { total() > 0 || declared() }>
            <h3>"Alerts"</h3>
            <Show when=move || { total() > 0 } fallback=none>
                <ul class="alert-list" data-testid="alert-list">
                    <KeyedRows rows=Arc::new(rows) />
                </ul>
                {more}
            </Show>
        </Show>
    }
}

/// The first [`ALERTS_SHOWN`] alerts with their keys: name, instance and
/// severity, and how many equal ones came before (two alerts can differ only
/// in labels the screen does not show, and keys must be distinct).
fn keyed(alerts: &[AlertView]) -> Vec<(String, AlertView)> {
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for a in alerts.iter().take(ALERTS_SHOWN) {
        let name = format!(
            "{}\u{0}{}\u{0}{}",
            a.name,
            a.instance.as_deref().unwrap_or_default(),
            a.severity
        );
        let n = names.iter().filter(|k| **k == name).count();
        out.push((format!("{name}\u{0}{n}"), a.clone()));
        names.push(name);
    }
    out
}
