//! Firing alerts that no service's `alerts:` matchers select, in one line
//! under the diagram, so nothing firing is invisible.

use std::sync::Arc;

use leptos::prelude::*;
use panopticon_engine::Snapshot;
use panopticon_engine::alerts::UnmatchedAlerts as Unmatched;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// "2 firing alerts not matched to any service: A on node-1, B"
/// (`data-testid="unmatched-alerts"`), only while there are any.
#[component]
pub fn UnmatchedAlerts(
    /// The latest evaluation.
    #[prop(into)]
    snapshot: Signal<Option<Arc<Snapshot>>>,
) -> impl IntoView {
    let unmatched = Memo::new(move |_| {
        snapshot.with(|s| {
            s.as_ref()
                .map(|s| s.unmatched_alerts.clone())
                .unwrap_or_default()
        })
    });
    move || {
        unmatched.with(|u| {
            (!u.is_empty()).then(|| {
                let (count, names) = sentence(u);
                view! {
                    <p class="unmatched-alerts" data-testid="unmatched-alerts">
                        <strong>{count}</strong>
                        " "
                        <Untrusted text=names max=SENTENCE_CHARS />
                    </p>
                }
            })
        })
    }
}

/// "2 firing alerts not matched to any service:" and the names (with their
/// instance), the rest counted.
fn sentence(u: &Unmatched) -> (String, String) {
    let total = u.total();
    let noun = if total == 1 { "alert" } else { "alerts" };
    let count = format!("{total} firing {noun} not matched to any service:");
    let mut names: Vec<String> = (u.alerts.iter())
        .map(|a| match &a.instance {
            Some(i) => format!("{} on {i}", a.name),
            None => a.name.clone(),
        })
        .collect();
    if u.more > 0 {
        names.push(format!("and {} more", u.more));
    }
    (count, names.join(", "))
}

#[cfg(test)]
mod tests {
    use panopticon_engine::alerts::{AlertState, AlertView};

    use super::*;

    fn alert(name: &str, instance: Option<&str>) -> AlertView {
        AlertView {
            name: name.to_owned(),
            state: AlertState::Firing,
            severity: "critical".to_owned(),
            raises: None,
            severity_status: None,
            since: None,
            instance: instance.map(str::to_owned),
            summary: None,
            description: None,
            runbook_url: None,
            silence: None,
            inhibited_by: Vec::new(),
            reason: String::new(),
        }
    }

    #[test]
    fn the_line_names_the_alerts_and_counts_the_rest() {
        let one = Unmatched {
            alerts: vec![alert("DiskFull", Some("db-1:9100"))],
            more: 0,
        };
        assert_eq!(
            sentence(&one),
            (
                "1 firing alert not matched to any service:".to_owned(),
                "DiskFull on db-1:9100".to_owned()
            )
        );
        let many = Unmatched {
            alerts: vec![alert("A", None), alert("B", Some("x"))],
            more: 3,
        };
        assert_eq!(
            sentence(&many),
            (
                "5 firing alerts not matched to any service:".to_owned(),
                "A, B on x, and 3 more".to_owned()
            )
        );
    }
}
