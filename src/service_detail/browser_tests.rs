//! The detail panel and the recent changes in a real browser (wasm-bindgen-test,
//! headless Chromium): a refresh updates them in place, so what the reader is
//! at (keyboard focus, the rows and items they are reading) survives it.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::aggregate::Tally;
use panopticon_engine::alerts::{AlertState, AlertView, SilenceView};
use panopticon_engine::check::{CheckOutcome, InstanceVerdict};
use panopticon_engine::snapshot::{
    CheckSnapshot, ServiceSnapshot, ServiceTransition, StatusCounts, Transition,
};
use panopticon_engine::{Config, Snapshot};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use super::ServiceDetail;
use crate::recent_changes::RecentChanges;

wasm_bindgen_test_configure!(run_in_browser);

/// One service with one check over three instances and a runbook (a link:
/// something besides the close button that takes focus).
const CONFIG: &str = "
instances: 3
services:
  - id: host
    name: Host
    runbook: https://runbooks.example.org/host
    checks:
      - id: load
        name: load
        query: node_load15
        rule: { kind: threshold, direction: above, warning: 4, critical: 8 }
";

fn transition(at: f64, from: Status, to: Status) -> Transition {
    Transition {
        at,
        from,
        to,
        cause: format!("{from} to {to}"),
    }
}

/// The host service at evaluation `at`: its load check judges node-1 and
/// node-3, with `load` as node-3's value, and node-2 once it `reports`; the
/// service has changed status once per entry of `changes`.
fn snapshot(at: f64, load: f64, reports: bool, changes: &[Transition]) -> Arc<Snapshot> {
    let verdict = |instance: &str, value: f64, status| InstanceVerdict {
        instance: instance.to_owned(),
        value: Some(value),
        status,
        reason: String::new(),
    };
    let node3 = if load > 4.0 {
        Status::Warning
    } else {
        Status::Healthy
    };
    let check = CheckSnapshot {
        id: "load".to_owned(),
        name: "load".to_owned(),
        status: node3,
        pending: None,
        outcome: CheckOutcome {
            status: node3,
            instances: [
                Some(verdict("node-1", 0.5, Status::Healthy)),
                reports.then(|| verdict("node-2", 0.7, Status::Healthy)),
                Some(verdict("node-3", load, node3)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            unnamed_missing: u32::from(!reports),
            tally: Tally::default(),
            reason: String::new(),
            notes: vec!["a note from Prometheus".to_owned()],
        },
    };
    let host = ServiceSnapshot {
        id: "host".to_owned(),
        name: "Host".to_owned(),
        own: node3,
        effective: node3,
        is_root_cause: node3 != Status::Healthy,
        impacted_by: Vec::new(),
        checks: vec![check],
        reasons: vec!["a reason".to_owned()],
        transitions: changes.to_vec(),
        alerts: panopticon_engine::alerts::ServiceAlerts::default(),
        maintenance: None,
    };
    let recent = changes
        .iter()
        .rev()
        .map(|t| ServiceTransition {
            service: "host".to_owned(),
            transition: t.clone(),
        })
        .collect();
    Arc::new(Snapshot {
        at,
        cluster: node3,
        counts: StatusCounts::default(),
        services: vec![host],
        summary: String::new(),
        recent,
        unmatched_alerts: panopticon_engine::alerts::UnmatchedAlerts::default(),
        maintenance: 0,
    })
}

fn element(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

async fn ticks() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

/// Focus on the close button; the next snapshot changes node-3's value and
/// status, brings node-2's row (sorted before node-3's) and adds a
/// transition. The focus, the panel, the rows and the older transitions stay
/// the same elements, the new values written into them.
///
/// Before, the lists were matched by position: node-2 was written into
/// node-3's row and node-3 got a new one, and the new transition into the
/// first item, every older one moved one element down. (Focus on the button
/// was kept even then: the renderer rebuilds a view of the same shape in place.)
#[wasm_bindgen_test]
async fn a_refresh_updates_the_detail_in_place_and_keeps_focus() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let first = transition(100.0, Status::Unknown, Status::Healthy);
    let snap = RwSignal::new(Some(snapshot(
        100.0,
        1.0,
        false,
        std::slice::from_ref(&first),
    )));
    let selected = RwSignal::new(Some("host".to_owned()));
    let cfg = Arc::new(Config::from_yaml("detail.yaml", CONFIG).unwrap());
    let handle = mount_to(root.clone(), move || {
        view! {
            <ServiceDetail config=Arc::clone(&cfg) snapshot=snap selected=selected />
            <RecentChanges snapshot=snap />
        }
    });
    ticks().await;

    let close: web_sys::HtmlElement = element(&root, "button.close").unchecked_into();
    close.focus().unwrap();
    let row = element(&root, "[data-instance=\"node-3\"]");
    let other_row = element(&root, "[data-instance=\"node-1\"]");
    let panel = element(&root, "[data-testid=\"service-detail\"]");
    let detail_change = element(&root, ".detail-panel .transitions li");
    let recent_change = element(&root, "[data-testid=\"recent-changes\"] li");
    let reason = element(&root, ".reasons li");
    assert!(row.text_content().unwrap_or_default().contains("healthy"));

    let second = transition(106.0, Status::Healthy, Status::Warning);
    snap.set(Some(snapshot(106.0, 9.5, true, &[first, second])));
    ticks().await;

    let active = document.active_element().expect("something has focus");
    assert!(
        active.is_same_node(Some(&close)),
        "focus moved to <{}>",
        active.tag_name()
    );
    for (was, selector) in [
        (&panel, "[data-testid=\"service-detail\"]"),
        (&row, "[data-instance=\"node-3\"]"),
        (&other_row, "[data-instance=\"node-1\"]"),
        (&reason, ".reasons li"),
    ] {
        assert!(
            was.is_same_node(Some(&element(&root, selector))),
            "{selector} is a new element"
        );
    }
    let order: Vec<String> = (1..=3)
        .filter_map(|i| {
            let row = element(&root, &format!(".instances tbody tr:nth-child({i})"));
            row.get_attribute("data-instance")
        })
        .collect();
    assert_eq!(order, ["node-1", "node-2", "node-3"]);
    // The new value and status are written into the kept row.
    let row_text = row.text_content().unwrap_or_default();
    assert!(
        row_text.contains("9.5") && row_text.contains("warning"),
        "{row_text}"
    );
    assert_eq!(
        row.get_attribute("class").as_deref(),
        Some("status-warning")
    );
    // Newest first: the new change on top, the old one the same element below it.
    for (was, list) in [
        (&detail_change, ".detail-panel .transitions"),
        (
            &recent_change,
            "[data-testid=\"recent-changes\"] .transitions",
        ),
    ] {
        let second = element(&root, &format!("{list} li:nth-child(2)"));
        assert!(
            was.is_same_node(Some(&second)),
            "{list}: the kept change is a new element"
        );
        let third = root
            .query_selector(&format!("{list} li:nth-child(3)"))
            .unwrap();
        assert!(third.is_none(), "{list}: more than two changes");
    }

    drop(handle);
    root.remove();
}

/// An alert of the host service: `name` in `state`, critical, since 180 s
/// before the evaluation at 1000, with hostile annotations.
fn alert(name: &str, state: AlertState) -> AlertView {
    AlertView {
        name: name.to_owned(),
        state,
        severity: "critical".to_owned(),
        raises: (state == AlertState::Firing).then_some(Status::Critical),
        severity_status: Some(Status::Critical),
        since: Some(820.0),
        instance: Some("node-1:9100".to_owned()),
        summary: Some("<img src=x onerror=alert(1)> load high".to_owned()),
        description: Some("x".repeat(100_000)),
        runbook_url: Some("https://runbooks.example.org/load".to_owned()),
        silence: (state == AlertState::Silenced).then(|| SilenceView {
            id: "s-1".to_owned(),
            created_by: "alice".to_owned(),
            comment: "kernel upgrade".to_owned(),
            ends_at: 1000.0 + 7200.0,
        }),
        inhibited_by: Vec::new(),
        reason: format!("alert {name} {}", state.as_str()),
    }
}

/// The detail of the host service with `alerts`, mounted.
async fn detail_with(
    alerts: Vec<AlertView>,
) -> (
    web_sys::HtmlElement,
    RwSignal<Option<Arc<Snapshot>>>,
    Box<dyn std::any::Any>,
) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let snap = RwSignal::new(Some(with_alerts(1000.0, alerts)));
    let selected = RwSignal::new(Some("host".to_owned()));
    let cfg = Arc::new(Config::from_yaml("detail.yaml", CONFIG).unwrap());
    let handle = mount_to(root.clone(), move || {
        view! { <ServiceDetail config=Arc::clone(&cfg) snapshot=snap selected=selected /> }
    });
    ticks().await;
    (root, snap, Box::new(handle))
}

fn with_alerts(at: f64, alerts: Vec<AlertView>) -> Arc<Snapshot> {
    let mut s = (*snapshot(at, 1.0, true, &[])).clone();
    let host = &mut s.services[0];
    host.alerts.declared = true;
    host.alerts.firing = (alerts.iter())
        .filter(|a| a.state == AlertState::Firing)
        .count();
    host.alerts.alerts = alerts;
    Arc::new(s)
}

/// A silenced alert says who silenced it, why and until when, and wears no
/// status colour; the firing one does. Annotations are text, bounded.
#[wasm_bindgen_test]
async fn a_muted_alert_does_not_look_firing() {
    let (root, _snap, handle) = detail_with(vec![
        alert("HostLoadHigh", AlertState::Firing),
        alert("HostDown", AlertState::Silenced),
        alert("HostSlow", AlertState::Pending),
    ])
    .await;
    let item = |name: &str| {
        element(
            &root,
            &format!("[data-testid=\"alert\"][data-alert-name=\"{name}\"]"),
        )
    };
    let firing = item("HostLoadHigh");
    assert_eq!(
        firing.get_attribute("data-alert-state").as_deref(),
        Some("firing")
    );
    assert_eq!(
        firing.get_attribute("data-severity").as_deref(),
        Some("critical")
    );
    assert!(
        firing.class_name().contains("status-critical"),
        "{}",
        firing.class_name()
    );
    assert!(
        firing
            .text_content()
            .unwrap()
            .contains("for 3m on node-1:9100")
    );
    assert!(
        firing
            .query_selector("[data-testid=\"alert-silence\"]")
            .unwrap()
            .is_none()
    );
    for (name, state) in [("HostDown", "silenced"), ("HostSlow", "pending")] {
        let muted = item(name);
        assert_eq!(
            muted.get_attribute("data-alert-state").as_deref(),
            Some(state)
        );
        let class = muted.class_name();
        assert!(
            !class.contains("status-") && !class.contains("alert-firing"),
            "{name}: {class}"
        );
        assert!(
            muted.text_content().unwrap().contains(state),
            "{name} says it is {state}"
        );
    }
    let silence = element(&item("HostDown"), "[data-testid=\"alert-silence\"]");
    let words = silence.text_content().unwrap();
    assert!(
        words.contains("Silenced by alice until") && words.contains("(2h left): kernel upgrade"),
        "{words}"
    );
    // Hostile annotations: text, not markup; 100 KB cut.
    assert!(
        root.query_selector("img").unwrap().is_none(),
        "no element from an annotation"
    );
    let summary = element(&firing, ".alert-summary").text_content().unwrap();
    assert!(summary.contains("<img src=x"), "{summary}");
    let description = element(&firing, ".alert-description")
        .text_content()
        .unwrap();
    assert!(description.chars().count() <= 240, "{}", description.len());
    drop(handle);
    root.remove();
}

/// A runbook link is a link only when it is http(s): a `javascript:` one
/// (were one to get past the engine) is neither an `href` nor shown as a link.
#[wasm_bindgen_test]
async fn a_javascript_runbook_is_not_a_link() {
    let mut hostile = alert("HostDown", AlertState::Firing);
    hostile.runbook_url = Some("javascript:alert(document.domain)".to_owned());
    let mut upper = alert("HostGone", AlertState::Firing);
    upper.runbook_url = Some("JaVaScRiPt:alert(1)".to_owned());
    let (root, _snap, handle) = detail_with(vec![
        alert("HostLoadHigh", AlertState::Firing),
        hostile,
        upper,
    ])
    .await;
    let links: Vec<String> = (0..3)
        .filter_map(|i| {
            root.query_selector(&format!("[data-testid=\"alert\"]:nth-child({}) a", i + 1))
                .unwrap()
        })
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    assert_eq!(links, ["https://runbooks.example.org/load"]);
    let a = element(&root, "[data-testid=\"alert\"] a");
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert!(
        !root.inner_html().contains("javascript:"),
        "not even as text in a link"
    );
    drop(handle);
    root.remove();
}

/// A refresh in which an alert turns from firing to silenced keeps its
/// element (keyed by name, instance and severity); a long list is bounded.
#[wasm_bindgen_test]
async fn the_alert_list_is_keyed_and_bounded() {
    let (root, snap, handle) = detail_with(vec![alert("HostLoadHigh", AlertState::Firing)]).await;
    let before = element(&root, "[data-testid=\"alert\"]");
    snap.set(Some(with_alerts(
        1010.0,
        vec![alert("HostLoadHigh", AlertState::Silenced)],
    )));
    ticks().await;
    let after = element(&root, "[data-testid=\"alert\"]");
    assert_eq!(
        after.get_attribute("data-alert-state").as_deref(),
        Some("silenced")
    );
    assert!(
        !after.class_name().contains("status-"),
        "{}",
        after.class_name()
    );
    let many = (0..40)
        .map(|i| alert(&format!("A{i}"), AlertState::Firing))
        .collect();
    snap.set(Some(with_alerts(1020.0, many)));
    ticks().await;
    let list = element(&root, "[data-testid=\"alert-list\"]");
    assert_eq!(list.child_element_count(), 25);
    assert!(root.text_content().unwrap().contains("and 15 more"));
    assert!(
        before.is_same_node(Some(&after)),
        "the alert is a new element"
    );
    drop(handle);
    root.remove();
}

/// With no alert to list because the alerts cannot be read, the list says
/// so, never "none firing".
#[wasm_bindgen_test]
async fn no_alerts_because_none_can_be_read_is_not_none_firing() {
    let (root, snap, handle) = detail_with(Vec::new()).await;
    let list = element(&root, "[data-testid=\"alert-list\"]");
    assert_eq!(list.text_content().unwrap(), "No alert firing or pending.");
    let mut s = (*with_alerts(1010.0, Vec::new())).clone();
    let alerts = &mut s.services[0].alerts;
    alerts.status = Some(Status::Unknown);
    alerts.reasons = vec!["alerts cannot be read: Alertmanager unreachable".to_owned()];
    snap.set(Some(Arc::new(s)));
    ticks().await;
    let text = element(&root, "[data-testid=\"alert-list\"]")
        .text_content()
        .unwrap();
    assert_eq!(text, "alerts cannot be read: Alertmanager unreachable");
    drop(handle);
    root.remove();
}

/// An annotation that quotes a changing value is rewritten, and the
/// runbook link keeps its element and the keyboard focus.
#[wasm_bindgen_test]
async fn a_changing_annotation_keeps_the_focus_on_the_runbook() {
    let with_description = |d: &str| {
        let mut a = alert("HostLoadHigh", AlertState::Firing);
        a.description = Some(d.to_owned());
        a
    };
    let (root, snap, handle) = detail_with(vec![with_description("load 9.1")]).await;
    let link: web_sys::HtmlElement = element(&root, ".alert-runbook a").unchecked_into();
    link.focus().unwrap();
    snap.set(Some(with_alerts(
        1010.0,
        vec![with_description("load 9.7")],
    )));
    ticks().await;
    let text = element(&root, ".alert-description").text_content().unwrap();
    assert_eq!(text, "load 9.7");
    let document = web_sys::window().unwrap().document().unwrap();
    let active = document.active_element().expect("something has focus");
    assert!(
        active.is_same_node(Some(&link)),
        "focus moved to <{}>",
        active.tag_name()
    );
    drop(handle);
    root.remove();
}

/// The detail says why the service is in maintenance while it is, under a
/// status that stays its own.
#[wasm_bindgen_test]
async fn the_detail_says_why_the_service_is_in_maintenance() {
    use panopticon_engine::alerts::Maintenance;
    let (root, snap, handle) = detail_with(vec![alert("HostDown", AlertState::Silenced)]).await;
    assert!(
        root.query_selector("[data-testid=\"detail-maintenance\"]")
            .unwrap()
            .is_none()
    );
    let mut s = (*with_alerts(1010.0, vec![alert("HostDown", AlertState::Silenced)])).clone();
    s.services[0].maintenance = Some(Maintenance {
        silences: Vec::new(),
        reason: "every firing alert is silenced (by <b>alice</b>)".to_owned(),
    });
    snap.set(Some(Arc::new(s)));
    ticks().await;
    let note = element(&root, "[data-testid=\"detail-maintenance\"]");
    let text = note.text_content().unwrap();
    assert!(
        text.contains("In maintenance: every firing alert is silenced (by <b>alice</b>)"),
        "{text}"
    );
    assert!(
        note.query_selector("b").unwrap().is_none(),
        "text, not markup"
    );
    snap.set(Some(with_alerts(
        1020.0,
        vec![alert("HostDown", AlertState::Silenced)],
    )));
    ticks().await;
    assert!(
        root.query_selector("[data-testid=\"detail-maintenance\"]")
            .unwrap()
            .is_none()
    );
    drop(handle);
    root.remove();
}
