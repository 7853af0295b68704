//! The attributes of a service box's and an edge's element for a state: the
//! DOM contract (README: `data-service`, `data-status`, `data-own-status`,
//! `data-impacted-by`, `data-pending`, `data-maintenance`, `data-alerts`, and
//! an edge's `data-from`, `data-to`, `data-strength`, `data-passes`) and what
//! assistive technology reads.
//! Written once, here: the first markup ([`super::markup`]) and every later
//! update ([`super::node`], [`super::edge`]) take the same list, so a box
//! drawn in one state and one updated into it carry the same attributes.

use panopticon_core::Status;
use panopticon_engine::config::Strength;

use super::look::NodeLook;
use crate::untrusted::neutral;

/// An attribute's name and value; `None` when the element must not have it.
pub type Attribute = (&'static str, Option<String>);

/// What a box shows besides its look: selected, and named (or a tile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxState<'a> {
    /// The service's look at the snapshot.
    pub look: &'a NodeLook,
    /// It is the selected service.
    pub selected: bool,
    /// It shows its name (`callouts::named`); else it is a tile.
    pub named: bool,
}

/// The attributes of service `id`'s `<g>` (its name is `name`) in `state`,
/// in the order the markup writes them.
pub fn node_attributes(id: &str, name: &str, state: BoxState<'_>) -> [Attribute; 12] {
    let look = state.look;
    let some = |s: &str| Some(s.to_owned());
    [
        ("class", Some(node_class(look, state.selected, state.named))),
        ("data-service", some(id)),
        ("data-status", some(look.effective.as_str())),
        ("data-own-status", some(look.own.as_str())),
        (
            "data-impacted-by",
            (!look.impacted_by.is_empty()).then(|| look.impacted_by.join(",")),
        ),
        ("data-pending", look.pending.clone()),
        // Absent, not "false", outside maintenance: `[data-maintenance]`
        // selects the boxes in it (the marker's CSS, tests, automation).
        (
            "data-maintenance",
            look.maintenance.then(|| "true".to_owned()),
        ),
        (
            "data-alerts",
            (look.alerts > 0).then(|| look.alerts.to_string()),
        ),
        ("tabindex", some("0")),
        ("role", some("button")),
        (
            "aria-pressed",
            some(if state.selected { "true" } else { "false" }),
        ),
        ("aria-label", Some(node_label(look, name))),
    ]
}

/// The attributes of the edge `from` (the dependant) → `to`, passing
/// `status` on, `lit` when it belongs to the selected service.
pub fn edge_attributes(
    (from, to): (&str, &str),
    strength: Strength,
    (status, lit): (Status, bool),
) -> [Attribute; 5] {
    [
        ("class", Some(edge_class(strength, status, lit))),
        ("data-from", Some(from.to_owned())),
        ("data-to", Some(to.to_owned())),
        ("data-strength", Some(strength.as_str().to_owned())),
        ("data-passes", Some(status.as_str().to_owned())),
    ]
}

/// CSS classes of a box: its look, the selection, and whether it shows its
/// name or is a tile now (`callouts::named`; only tiles density has tiles).
fn node_class(look: &NodeLook, selected: bool, named: bool) -> String {
    let mut class = look.class();
    if selected {
        class.push_str(" selected");
    }
    class.push_str(if named { " named" } else { " tile" });
    class
}

/// The box's tooltip and `aria-label`: the whole name, bidi controls made
/// visible. It starts with what the box shows, in the order it shows it
/// (name, status word, note), and only then adds the own status the box
/// does not show in words: a name that contains the visible text lets a
/// voice-control user say what they see (WCAG 2.5.3, axe's
/// `label-content-name-mismatch`). An "own status" between the status word
/// and the note broke that on every impacted box.
pub fn node_label(look: &NodeLook, name: &str) -> String {
    let shown = NodeLook {
        own: look.effective,
        ..look.clone()
    };
    let mut label = shown.aria_label(name);
    if look.own != look.effective {
        label.push_str(", own status ");
        label.push_str(look.own.as_str());
    }
    neutral(&label).into_owned()
}

/// CSS classes of an edge; `lit` when it belongs to the selected service.
fn edge_class(strength: Strength, status: Status, lit: bool) -> String {
    format!(
        "diagram-edge {} status-{}{}",
        strength.as_str(),
        status.as_str(),
        if lit { " lit" } else { "" }
    )
}

/// An edge's tooltip: who needs whom, the rule of its strength, what it
/// passes on (names with bidi controls made visible).
pub fn edge_title(label: &str, strength: Strength, status: Status) -> String {
    let rule = match strength {
        Strength::Hard => "passes its status on",
        Strength::Soft => "passes at most warning",
    };
    let title = format!(
        "{label} ({}: {rule}): passes {}",
        strength.as_str(),
        status.as_str()
    );
    neutral(&title).into_owned()
}

/// Writes `attributes` into `element` where they differ from `before` (the
/// same list for the state the element shows now): set, or removed when
/// `None`.
pub fn patch(element: &web_sys::Element, attributes: &[Attribute], before: &[Attribute]) {
    for ((name, value), (_, was)) in attributes.iter().zip(before) {
        if value == was {
            continue;
        }
        let _ = match value {
            Some(v) => element.set_attribute(name, v),
            None => element.remove_attribute(name),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(effective: Status, own: Status, by: &[&str], pending: Option<&str>) -> NodeLook {
        NodeLook {
            pending: pending.map(str::to_owned),
            ..crate::diagram::fixtures::look(effective, own, by, "")
        }
    }

    /// The attributes a box carries, absent ones left out, as `name=value`.
    fn written(look: &NodeLook, selected: bool, named: bool) -> Vec<String> {
        let state = BoxState {
            look,
            selected,
            named,
        };
        node_attributes("swarm", "Swarm", state)
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
            .collect()
    }

    #[test]
    fn a_box_carries_the_dom_contract_for_its_state() {
        use Status::{Critical as C, Healthy as H};
        let plain = look(H, H, &[], None);
        assert_eq!(
            written(&plain, false, true),
            [
                "class=diagram-node status-healthy named",
                "data-service=swarm",
                "data-status=healthy",
                "data-own-status=healthy",
                "tabindex=0",
                "role=button",
                "aria-pressed=false",
                "aria-label=Swarm: healthy",
            ]
        );
        let dragged = NodeLook {
            maintenance: true,
            alerts: 2,
            ..look(C, H, &["consul", "db"], Some("critical 1/2"))
        };
        let w = written(&dragged, true, false);
        for part in [
            "class=diagram-node status-critical impacted selected tile",
            "data-status=critical",
            "data-own-status=healthy",
            "data-impacted-by=consul,db",
            "data-pending=critical 1/2",
            "data-maintenance=true",
            "data-alerts=2",
            "aria-pressed=true",
        ] {
            assert!(w.iter().any(|a| a == part), "{part} missing in {w:?}");
        }
    }

    #[test]
    fn an_edge_carries_the_dom_contract() {
        let attrs = edge_attributes(("app", "db"), Strength::Hard, (Status::Warning, true));
        let w: Vec<String> = attrs
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
            .collect();
        assert_eq!(
            w,
            [
                "class=diagram-edge hard status-warning lit",
                "data-from=app",
                "data-to=db",
                "data-strength=hard",
                "data-passes=warning",
            ]
        );
    }
}
