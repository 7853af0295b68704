//! The detail panel and the recent changes in a real browser (wasm-bindgen-test,
//! headless Chromium): a refresh updates them in place, so what the reader is
//! at (keyboard focus, the rows and items they are reading) survives it.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::aggregate::Tally;
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
