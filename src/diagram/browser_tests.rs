//! The diagram in a real browser (wasm-bindgen-test, headless Chromium): the
//! DOM contract, selection by mouse and keyboard, and the zoom buttons.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::{Config, Snapshot};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

use super::DependencyDiagram;

wasm_bindgen_test_configure!(run_in_browser);

fn config() -> Arc<Config> {
    Arc::new(super::fixtures::config())
}

/// Consul without quorum: Consul critical, Swarm dragged to critical, Weave to warning.
fn consul_down() -> Arc<Snapshot> {
    use Status::{Critical as C, Healthy as H, Warning as W};
    Arc::new(super::fixtures::snapshot(&[
        ("host", H, H, false, &[]),
        ("consul", C, C, true, &[]),
        ("glusterfs", H, H, false, &[]),
        ("weave", H, W, false, &["consul"]),
        ("swarm", H, C, false, &["consul"]),
        ("app", H, W, false, &["consul"]),
    ]))
}

struct Mounted {
    root: web_sys::HtmlElement,
    snapshot: RwSignal<Option<Arc<Snapshot>>>,
    selected: RwSignal<Option<String>>,
    _handle: Box<dyn std::any::Any>,
}

/// Mounts the diagram and waits for it to be measured and drawn.
async fn mount() -> Mounted {
    mount_with(config()).await
}

/// Mounts the diagram of `cfg` and waits for it to be measured and drawn.
async fn mount_with(cfg: Arc<Config>) -> Mounted {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let snapshot = RwSignal::new(None);
    let selected = RwSignal::new(None);
    let handle = mount_to(root.clone(), move || {
        view! { <DependencyDiagram config=Arc::clone(&cfg) snapshot=snapshot selected=selected /> }
    });
    // The drawing is laid out once its area has been measured, after mounting.
    leptos::task::tick().await;
    leptos::task::tick().await;
    Mounted {
        root,
        snapshot,
        selected,
        _handle: Box::new(handle),
    }
}

impl Mounted {
    fn get(&self, selector: &str) -> web_sys::Element {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("{selector} not found"))
    }

    fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.get(selector).get_attribute(name)
    }

    fn node(&self, id: &str, name: &str) -> Option<String> {
        self.attr(&format!("[data-service=\"{id}\"]"), name)
    }
}

/// A click as the browser sends it: it bubbles (the boxes share one listener).
fn click(el: &web_sys::Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

fn key(el: &web_sys::Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn dom_contract_before_and_after_the_first_snapshot() {
    let m = mount().await;
    let cfg = config();
    assert_eq!(
        m.get("g.diagram-nodes").child_element_count() as usize,
        cfg.services.len()
    );
    for s in &cfg.services {
        assert_eq!(
            m.node(&s.id, "data-status").as_deref(),
            Some("unknown"),
            "{} before data",
            s.id
        );
        assert_eq!(m.node(&s.id, "data-own-status").as_deref(), Some("unknown"));
        assert_eq!(m.node(&s.id, "data-impacted-by"), None);
        assert_eq!(m.node(&s.id, "tabindex").as_deref(), Some("0"));
        assert_eq!(m.node(&s.id, "role").as_deref(), Some("button"));
        assert!(m.node(&s.id, "aria-label").unwrap().starts_with(&s.name));
    }

    m.snapshot.set(Some(consul_down()));
    leptos::task::tick().await;
    assert_eq!(m.node("consul", "data-status").as_deref(), Some("critical"));
    assert_eq!(
        m.node("consul", "data-impacted-by"),
        None,
        "the root cause is not impacted"
    );
    assert!(m.node("consul", "class").unwrap().contains("root-cause"));
    assert_eq!(m.node("swarm", "data-status").as_deref(), Some("critical"));
    assert_eq!(
        m.node("swarm", "data-own-status").as_deref(),
        Some("healthy")
    );
    assert_eq!(
        m.node("swarm", "data-impacted-by").as_deref(),
        Some("consul")
    );
    assert!(m.node("swarm", "class").unwrap().contains("impacted"));
    assert!(
        m.get("[data-service=\"swarm\"]")
            .text_content()
            .unwrap()
            .contains("impacted by Consul")
    );
    // Edges carry what they pass on: hard passes critical, soft at most warning.
    let edge = |from: &str, to: &str, name: &str| {
        m.attr(
            &format!("path[data-from=\"{from}\"][data-to=\"{to}\"]"),
            name,
        )
    };
    assert_eq!(
        edge("swarm", "consul", "data-passes").as_deref(),
        Some("critical")
    );
    assert_eq!(
        edge("weave", "consul", "data-passes").as_deref(),
        Some("warning")
    );
    assert!(edge("weave", "consul", "class").unwrap().contains("soft"));
    assert_eq!(
        edge("weave", "host", "data-passes").as_deref(),
        Some("healthy")
    );

    // Back to no data: grey again, never the last colours.
    m.snapshot.set(None);
    leptos::task::tick().await;
    assert_eq!(m.node("consul", "data-status").as_deref(), Some("unknown"));
    assert_eq!(m.node("swarm", "data-impacted-by"), None);
}

#[wasm_bindgen_test]
async fn click_enter_and_space_toggle_the_selection() {
    let m = mount().await;
    let consul = m.get("[data-service=\"consul\"]");
    click(&consul);
    leptos::task::tick().await;
    assert_eq!(m.selected.get_untracked().as_deref(), Some("consul"));
    assert_eq!(
        consul.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    click(&consul);
    leptos::task::tick().await;
    assert_eq!(m.selected.get_untracked(), None);
    key(&consul, "Enter");
    assert_eq!(m.selected.get_untracked().as_deref(), Some("consul"));
    key(&m.get("[data-service=\"host\"]"), " ");
    assert_eq!(m.selected.get_untracked().as_deref(), Some("host"));
    key(&m.get("[data-service=\"host\"]"), "a");
    assert_eq!(
        m.selected.get_untracked().as_deref(),
        Some("host"),
        "other keys do nothing"
    );
}

#[wasm_bindgen_test]
async fn zoom_buttons_and_reset() {
    let m = mount().await;
    let full = m.attr("svg.diagram-svg", "viewBox").unwrap();
    assert!(
        m.root
            .query_selector(".diagram-zoom-reset")
            .unwrap()
            .is_none(),
        "no reset at full size"
    );
    click(&m.get(".diagram-zoom-in"));
    leptos::task::tick().await;
    let zoomed = m.attr("svg.diagram-svg", "viewBox").unwrap();
    assert_ne!(zoomed, full);
    let width = |vb: &str| vb.split(' ').nth(2).unwrap().parse::<f64>().unwrap();
    assert!(width(&zoomed) < width(&full));
    click(&m.get(".diagram-zoom-reset"));
    leptos::task::tick().await;
    assert_eq!(m.attr("svg.diagram-svg", "viewBox").unwrap(), full);
    assert!(
        m.root
            .query_selector(".diagram-zoom-reset")
            .unwrap()
            .is_none()
    );
    // Zooming out at full size changes nothing.
    click(&m.get(".diagram-zoom-out"));
    leptos::task::tick().await;
    assert_eq!(m.attr("svg.diagram-svg", "viewBox").unwrap(), full);
}

/// A change too large for one frame is written worse news first: while the
/// rest waits for the next frame, no box shows a healthier status than its
/// service has. 400 services: the first 200 (in configuration order) recover
/// while the other 200 fail, so writing in configuration order would leave
/// failing services green for a frame.
#[wasm_bindgen_test]
async fn a_large_change_is_written_worse_news_first() {
    use Status::{Critical as C, Healthy as H};
    let cfg = super::fixtures::stack(10, 40, 400);
    let ids: Vec<String> = cfg.services.iter().map(|s| s.id.clone()).collect();
    let at = |fail_first: bool| {
        let rows: Vec<(&str, Status, Status, bool, &[&str])> = (ids.iter().enumerate())
            .map(|(i, id)| {
                let status = if (i < 200) == fail_first { C } else { H };
                (id.as_str(), status, status, status == C, &[][..])
            })
            .collect();
        Arc::new(super::fixtures::snapshot(&rows))
    };
    let m = mount_with(Arc::new(cfg)).await;
    m.snapshot.set(Some(at(true)));
    // Let the first snapshot be written completely (several frames).
    for _ in 0..20 {
        leptos::task::tick().await;
        next_frame().await;
    }
    assert_eq!(m.node(&ids[0], "data-status").as_deref(), Some("critical"));
    assert_eq!(m.node(&ids[399], "data-status").as_deref(), Some("healthy"));
    m.snapshot.set(Some(at(false)));
    leptos::task::tick().await;
    // One part written, the rest waiting for a frame.
    let shown = |i: usize| m.node(&ids[i], "data-status");
    let still_old = (0..200)
        .filter(|&i| shown(i).as_deref() == Some("critical"))
        .count();
    assert!(
        still_old > 0,
        "the change was written in one go: the test needs more boxes"
    );
    for id in &ids[200..] {
        let status = m.node(id, "data-status");
        assert_eq!(
            status.as_deref(),
            Some("critical"),
            "{id} shows {status:?} while failing"
        );
    }
}

/// `snapshot` with `ids` in maintenance and `firing` alerts firing on each.
fn with_maintenance(snapshot: &Snapshot, ids: &[&str], firing: usize) -> Arc<Snapshot> {
    use panopticon_engine::alerts::Maintenance;
    let mut s = snapshot.clone();
    for service in &mut s.services {
        if ids.contains(&service.id.as_str()) {
            service.maintenance = Some(Maintenance {
                silences: Vec::new(),
                reason: "every firing alert is silenced".to_owned(),
            });
            service.alerts.firing = firing;
        }
    }
    Arc::new(s)
}

/// A service in maintenance gets `data-maintenance` and its marker, its
/// status unchanged; both go when it ends, as does `data-alerts`. As a
/// one-line box and as a tile among 400.
#[wasm_bindgen_test]
async fn the_maintenance_marker_appears_and_disappears() {
    use Status::Critical as C;
    let stack = super::fixtures::stack(10, 40, 400);
    let last = stack.services[399].id.clone();
    let cases = [(config(), "consul".to_owned()), (Arc::new(stack), last)];
    let mut seen = Vec::new();
    for (cfg, id) in cases {
        let down = Arc::new(super::fixtures::snapshot(&[(id.as_str(), C, C, true, &[])]));
        let m = mount_with(cfg).await;
        m.snapshot.set(Some(Arc::clone(&down)));
        leptos::task::tick().await;
        let density = m.attr("[data-density]", "data-density").unwrap();
        seen.push(density.clone());
        let shown = |m: &Mounted| {
            let g = m.get(&format!("[data-service=\"{id}\"]"));
            let marks = g.outer_html().matches(r#"<g class="node-maint"#).count();
            (
                g.get_attribute("data-maintenance"),
                g.get_attribute("data-alerts"),
                g.get_attribute("data-status"),
                marks,
            )
        };
        let (maintenance, alerts, status, marks) = shown(&m);
        assert_eq!((maintenance, alerts, marks), (None, None, 0), "{density}");
        assert_eq!(status.as_deref(), Some("critical"));

        m.snapshot.set(Some(with_maintenance(&down, &[&id], 2)));
        for _ in 0..3 {
            leptos::task::tick().await;
            next_frame().await;
        }
        let (maintenance, alerts, status, marks) = shown(&m);
        assert_eq!(maintenance.as_deref(), Some("true"), "{density}");
        assert_eq!(alerts.as_deref(), Some("2"), "{density}");
        assert_eq!(status.as_deref(), Some("critical"), "the status stays");
        // A tile's named box carries a marker of its own.
        let expected = if density == "tiles" { 2 } else { 1 };
        assert_eq!(marks, expected, "{density}");
        let label = m.node(&id, "aria-label").unwrap();
        assert!(label.contains("in maintenance"), "{label}");

        m.snapshot.set(Some(Arc::clone(&down)));
        for _ in 0..3 {
            leptos::task::tick().await;
            next_frame().await;
        }
        let (maintenance, alerts, status, _) = shown(&m);
        assert_eq!((maintenance, alerts), (None, None), "{density}");
        assert_eq!(status.as_deref(), Some("critical"));
        assert!(!m.node(&id, "aria-label").unwrap().contains("maintenance"));
    }
    // Full boxes: markup's `a_box_in_maintenance_carries_its_marker`.
    assert_eq!(seen, ["compact", "tiles"], "the densities tested");
}

/// Resolves after the browser's next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().unwrap().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
