//! Everything about one service: checks, instances, expressions, thresholds,
//! transitions, runbook.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::check::InstanceVerdict;
use panopticon_engine::config::Service;
use panopticon_engine::rule::fmt_value;
use panopticon_engine::snapshot::{CheckSnapshot, NOT_EVALUATED, ServiceSnapshot, Transition};
use panopticon_engine::{Config, Snapshot};

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The detail panel for the selected service, over the graphs; nothing when
/// no service is selected.
#[component]
pub fn ServiceDetail(
    /// The configuration (expressions, thresholds, runbooks).
    config: Arc<Config>,
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
    /// The selected service id.
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        let id = selected.get()?;
        let snap = snapshot.get();
        let body = match config.service(&id).cloned() {
            Some(service) => {
                let live = snap.as_ref().and_then(|s| s.service(&id).cloned());
                view! { <ServiceCard service=service live=live selected=selected /> }.into_any()
            }
            None => view! { <p class="muted">"No service " <Untrusted text=id /></p> }.into_any(),
        };
        Some(view! {
            // Not a live region: it is rebuilt at every refresh, and a
            // screen reader would read every changed value again; the
            // cluster's status is announced by the banner's live region.
            <section class="panel detail-panel" data-testid="service-detail" aria-label="Service detail">
                {body}
            </section>
        })
    }
}

#[component]
fn ServiceCard(
    service: Service,
    live: Option<ServiceSnapshot>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let effective = live.as_ref().map_or(NOT_EVALUATED, |l| l.effective);
    let own = live.as_ref().map_or(NOT_EVALUATED, |l| l.own);
    let impacted_by = live
        .as_ref()
        .map(|l| l.impacted_by.clone())
        .unwrap_or_default();
    let n = service.instances;
    let checks = service
        .checks
        .iter()
        .map(|check| {
            let live_check = live
                .as_ref()
                .and_then(|l| l.checks.iter().find(|c| c.id == check.id).cloned());
            let rule = check.rule.describe(check.instances);
            view! {
                <CheckCard
                    name=check.name.clone()
                    query=check.query.clone()
                    rule=rule
                    hold=check.hold
                    live=live_check
                />
            }
        })
        .collect_view();
    let transitions = live
        .as_ref()
        .map(|l| {
            l.transitions
                .iter()
                .rev()
                .take(10)
                .map(|t| transition_item(None, t))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let reasons = live.as_ref().map(|l| l.reasons.clone()).unwrap_or_default();
    let pending = live.as_ref().and_then(ServiceSnapshot::pending);
    view! {
        <header class="detail-header">
            <h2 class=format!("detail-title status-{}", effective.as_str()) data-detail-service=service.id.clone()>
                <span class="status-icon" aria-hidden="true">{effective.icon()}</span>
                " "
                <Untrusted text=service.name.clone() />
                " — "
                {effective.label()}
            </h2>
            <button class="close" aria-label="Close details" on:click=move |_| selected.set(None)>
                "×"
            </button>
        </header>
        {(!impacted_by.is_empty())
            .then(|| {
                view! {
                    <p class="impacted">
                        "Own status " {own.as_str()} "; impacted by "
                        <Untrusted text=impacted_by.join(", ") max=SENTENCE_CHARS />
                        "."
                    </p>
                }
            })}
        {pending
            .map(|p| {
                view! {
                    <p class="pending" data-testid="detail-pending" data-pending=p.short()>
                        {p.to_string()}
                    </p>
                }
            })}
        {service
            .description
            .clone()
            .map(|d| view! { <p class="muted"><Untrusted text=d max=SENTENCE_CHARS /></p> })}
        <dl class="meta">
            <dt>"Expected instances"</dt>
            <dd>{n}</dd>
            {service.owner.clone().map(|o| view! { <dt>"Owner"</dt><dd><Untrusted text=o /></dd> })}
            // Only a validated `Link` (http(s) or relative) ever becomes an href.
            {service
                .runbook
                .clone()
                .map(|r| {
                    let href = r.as_str().to_owned();
                    view! {
                        <dt>"Runbook"</dt>
                        <dd>
                            <a href=href target="_blank" rel="noopener noreferrer">
                                <Untrusted text=r.as_str() max=SENTENCE_CHARS />
                            </a>
                        </dd>
                    }
                })}
        </dl>
        {(!reasons.is_empty())
            .then(|| view! {
                <ul class="reasons">
                    {reasons
                        .into_iter()
                        .map(|r| view! { <li><Untrusted text=r max=SENTENCE_CHARS /></li> })
                        .collect_view()}
                </ul>
            })}
        <div class="checks">{checks}</div>
        <h3>"Recent transitions"</h3>
        {if transitions.is_empty() {
            view! { <p class="muted">"None since the page was loaded."</p> }.into_any()
        } else {
            view! { <ol class="transitions">{transitions}</ol> }.into_any()
        }}
    }
}

#[component]
fn CheckCard(
    name: String,
    query: String,
    rule: String,
    hold: u32,
    live: Option<CheckSnapshot>,
) -> impl IntoView {
    let status = live.as_ref().map_or(NOT_EVALUATED, |c| c.status);
    let pending = live.as_ref().and_then(|c| c.pending).map(|p| {
        format!(
            "changing to {} after {} of {} evaluations",
            p.to, p.seen, p.needed
        )
    });
    let reason = live
        .as_ref()
        .map(|c| c.outcome.reason.clone())
        .unwrap_or_default();
    let instances = live
        .as_ref()
        .map(|c| c.outcome.instances.clone())
        .unwrap_or_default();
    let notes = live
        .as_ref()
        .map(|c| c.outcome.notes.clone())
        .unwrap_or_default();
    view! {
        <section class=format!("check status-{}", status.as_str()) data-check-status=status.as_str()>
            <h3 class="check-title">
                <span class="status-icon" aria-hidden="true">{status.icon()}</span>
                " " <Untrusted text=name /> " "
                <span class="status-word">{status.as_str()}</span>
            </h3>
            {(!reason.is_empty())
                .then(|| view! { <p class="check-reason"><Untrusted text=reason max=SENTENCE_CHARS /></p> })}
            {pending.map(|p| view! { <p class="check-pending">{p}</p> })}
            <p class="check-rule"><code class="expr"><Untrusted text=query max=SENTENCE_CHARS /></code></p>
            <p class="check-rule muted">
                <Untrusted text=rule max=SENTENCE_CHARS />
                {(hold > 1).then(|| format!(" · holds for {hold} evaluations"))}
            </p>
            {(!instances.is_empty()).then(|| instance_table(instances))}
            {(!notes.is_empty())
                .then(|| view! {
                    <ul class="notes">
                        {notes
                            .into_iter()
                            .map(|n| view! { <li><Untrusted text=n max=SENTENCE_CHARS /></li> })
                            .collect_view()}
                    </ul>
                })}
        </section>
    }
}

fn instance_table(instances: Vec<InstanceVerdict>) -> impl IntoView {
    view! {
        <table class="instances">
            <thead>
                <tr><th>"Instance"</th><th>"Value"</th><th>"Status"</th><th>"Why"</th></tr>
            </thead>
            <tbody>
                {instances
                    .into_iter()
                    .map(|i| {
                        let instance = i.instance.clone();
                        view! {
                            <tr class=format!("status-{}", i.status.as_str()) data-instance=instance>
                                <td class="instance-name"><Untrusted text=i.instance /></td>
                                <td class="num">{i.value.map_or_else(|| "—".to_owned(), fmt_value)}</td>
                                <td>
                                    <span class="status-icon" aria-hidden="true">{i.status.icon()}</span>
                                    " " {i.status.as_str()}
                                </td>
                                <td class="instance-why"><Untrusted text=i.reason max=SENTENCE_CHARS /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

pub(crate) fn transition_item(service: Option<&str>, t: &Transition) -> impl IntoView + use<> {
    let time = clock_time(t.at);
    let who = service.map(|s| view! { <Untrusted text=s.to_owned() />": " });
    view! {
        <li class=format!("transition status-{}", t.to.as_str())>
            <time>{time}</time>
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
