//! What the `postMessage` bridge decides, apart from the browser: whose
//! message is obeyed, which of its fields are taken, what is posted back and
//! when. Natively tested; [`super`] only moves values in and out of the page.
//!
//! Every field of a message is judged on its own: a bad `theme` does not
//! throw away a good range. Whatever is not understood changes nothing.

use std::collections::BTreeMap;

use panopticon_core::Status;
use panopticon_engine::snapshot::StatusCounts;
use panopticon_engine::variables::MAX_VALUE_CHARS;

use crate::graph_panel::range::TimeRange;

/// The `type` of the one message the page obeys.
pub const SET: &str = "panopticon:set";
/// The `type` of the message the page posts.
pub const STATUS: &str = "panopticon:status";

/// A field of a message as the page found it, before judging it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Absent or `undefined`.
    Missing,
    /// A string (cut to [`MAX_FIELD_CHARS`] by the reader).
    Text(String),
    /// A number.
    Number(f64),
    /// Anything else (an object, a boolean, `null`).
    Other,
}

/// Longer strings are cut when read: no field of the protocol is long.
pub const MAX_FIELD_CHARS: usize = 64;
/// A variable's value is cut one past the engine's bound when read, so a
/// longer one is still refused as too long, never copied whole.
pub const MAX_VAR_CHARS: usize = MAX_VALUE_CHARS + 1;
/// Most variables and values per variable read from one message: more than
/// the engine accepts (so it still says why it refuses), and no more.
pub const MAX_VARS: usize = 256;

impl Field {
    /// The field as a time parameter: a string as written, a number as
    /// epoch milliseconds (what Grafana's `${__from}` holds).
    fn time_text(&self) -> Option<String> {
        match self {
            Field::Text(t) => Some(t.clone()),
            Field::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 => {
                Some(format!("{n:.0}"))
            }
            _ => None,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Field::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// A `panopticon:set` message's fields, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSet {
    /// `from`: epoch ms (number or string) or `now-6h`.
    pub from: Field,
    /// `to`, likewise; missing is `now`.
    pub to: Field,
    /// `light` or `dark`.
    pub theme: Field,
    /// A view id of the configuration.
    pub view: Field,
    /// `vars`: `{name: value | [values]}` as read (each value a field),
    /// `None` when absent or not an object.
    pub vars: Option<Vec<(String, Vec<Field>)>>,
}

/// The theme a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// `light`.
    Light,
    /// `dark`.
    Dark,
}

/// What a `panopticon:set` message changes; `None`: that part stays.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The graphs' range.
    pub range: Option<TimeRange>,
    /// The theme.
    pub theme: Option<Theme>,
    /// The index of the view to show.
    pub view: Option<usize>,
    /// Template variables' values to ask for, by name (the engine checks
    /// them as it checks the URL's `var-`); `None`: none asked.
    pub vars: Option<BTreeMap<String, Vec<String>>>,
}

/// Whether a message from `origin` is obeyed: it comes from the page that
/// frames this one (`from_parent`, the event's `source` is `window.parent`,
/// and this page is framed at all) and its origin is listed exactly. With no
/// list the bridge is off.
pub fn accepts(origin: &str, from_parent: bool, allowed: &[String]) -> bool {
    from_parent && allowed.iter().any(|a| a == origin)
}

/// The origins the status is posted to: the framing page's, when the browser
/// says it (`location.ancestorOrigins`) and it is listed; without that word
/// (Firefox), each listed origin, of which the browser delivers only to the
/// one the parent has. Never `*`.
pub fn targets<'a>(ancestor: Option<&str>, allowed: &'a [String]) -> Vec<&'a str> {
    match ancestor {
        Some(a) => allowed
            .iter()
            .filter(|o| *o == a)
            .map(String::as_str)
            .collect(),
        None => allowed.iter().map(String::as_str).collect(),
    }
}

/// Judges a `panopticon:set` message's fields one by one at `now` (epoch
/// seconds); `views` are the configuration's view ids in order.
pub fn read_set(raw: &RawSet, now: f64, views: &[String]) -> Order {
    let from = raw.from.time_text();
    let to = raw.to.time_text();
    let range = TimeRange::parse(from.as_deref(), to.as_deref(), now).and_then(Result::ok);
    let theme = match raw.theme.text() {
        Some("light") => Some(Theme::Light),
        Some("dark") => Some(Theme::Dark),
        _ => None,
    };
    let view = raw
        .view
        .text()
        .and_then(|id| views.iter().position(|v| v == id));
    let vars = raw
        .vars
        .as_ref()
        .map(|vars| read_vars(vars))
        .filter(|v| !v.is_empty());
    Order {
        range,
        theme,
        view,
        vars,
    }
}

/// The variables of a message: a value is a string (a number as written);
/// a variable with any other value is left out.
fn read_vars(vars: &[(String, Vec<Field>)]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    // Inserted one by one: collecting into a map sorts, and each sort on
    // another type costs the bundle its own copy of the sort.
    for (name, fields) in vars.iter().take(MAX_VARS) {
        let values: Option<Vec<String>> = fields
            .iter()
            .take(MAX_VARS)
            .map(|f| match f {
                Field::Text(t) => Some(t.chars().take(MAX_VAR_CHARS).collect()),
                Field::Number(n) if n.is_finite() => Some(n.to_string()),
                _ => None,
            })
            .collect();
        if let Some(values) = values.filter(|v| !v.is_empty()) {
            out.insert(name.chars().take(MAX_VAR_CHARS).collect(), values);
        }
    }
    out
}

/// The message posted to the parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMessage {
    /// The cluster status on screen (`unknown` before the first status).
    pub status: Status,
    /// Services per status.
    pub counts: Counts,
    /// Services in maintenance.
    pub maintenance: usize,
}

/// Services per status, in the message's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Healthy services.
    pub healthy: usize,
    /// Warning services.
    pub warning: usize,
    /// Critical services.
    pub critical: usize,
    /// Services without usable data.
    pub unknown: usize,
}

impl From<&StatusCounts> for Counts {
    fn from(c: &StatusCounts) -> Counts {
        Counts {
            healthy: c.get(Status::Healthy),
            warning: c.get(Status::Warning),
            critical: c.get(Status::Critical),
            unknown: c.get(Status::Unknown),
        }
    }
}

/// Whether `next` is posted, `last` being the message posted before: once
/// the first status is there, and then on every change of status, counts or
/// maintenance (not on every refresh: a host reacting to each message would
/// otherwise re-render every 15 s for nothing).
pub fn should_post(last: Option<&StatusMessage>, next: Option<&StatusMessage>) -> bool {
    match (last, next) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(last), Some(next)) => last != next,
    }
}

#[cfg(test)]
mod tests {
    use panopticon_core::Status;

    use super::{
        Counts, Field, MAX_VAR_CHARS, MAX_VARS, Order, RawSet, StatusMessage, Theme, accepts,
        read_set, should_post, targets,
    };
    use crate::graph_panel::range::TimeRange;

    const NOW: f64 = 1_795_808_400.0;

    fn allowed() -> Vec<String> {
        vec![
            "https://grafana.example.com".to_owned(),
            "http://localhost:3000".to_owned(),
        ]
    }

    fn raw() -> RawSet {
        RawSet {
            from: Field::Missing,
            to: Field::Missing,
            theme: Field::Missing,
            view: Field::Missing,
            vars: None,
        }
    }

    #[test]
    fn only_the_framing_page_on_a_listed_origin_is_obeyed() {
        let allowed = allowed();
        assert!(accepts("https://grafana.example.com", true, &allowed));
        assert!(accepts("http://localhost:3000", true, &allowed));
        // Another frame or window of an allowed origin is not the parent.
        assert!(!accepts("https://grafana.example.com", false, &allowed));
        for origin in [
            "https://evil.example",
            "https://grafana.example.com.evil.example",
            "https://grafana.example.com:8443",
            "http://grafana.example.com",
            "null",
            "",
            "*",
        ] {
            assert!(!accepts(origin, true, &allowed), "{origin}");
        }
        // No list: the bridge is off.
        assert!(!accepts("https://grafana.example.com", true, &[]));
    }

    #[test]
    fn the_status_goes_to_the_parents_origin_only_and_never_to_everyone() {
        let allowed = allowed();
        assert_eq!(
            targets(Some("http://localhost:3000"), &allowed),
            ["http://localhost:3000"]
        );
        assert!(targets(Some("https://evil.example"), &allowed).is_empty());
        assert_eq!(targets(None, &allowed).len(), 2);
        assert!(targets(None, &[]).is_empty());
    }

    #[test]
    fn each_field_is_judged_on_its_own() {
        let views = ["overview".to_owned(), "latency".to_owned()];
        let order = read_set(
            &RawSet {
                from: Field::Number(1_795_800_000_000.0),
                to: Field::Text("1795807200000".to_owned()),
                theme: Field::Text("light".to_owned()),
                view: Field::Text("latency".to_owned()),
                vars: None,
            },
            NOW,
            &views,
        );
        assert_eq!(
            order,
            Order {
                range: TimeRange::parse(Some("1795800000000"), Some("1795807200000"), NOW)
                    .and_then(Result::ok),
                theme: Some(Theme::Light),
                view: Some(1),
                vars: None,
            }
        );
        assert!(order.range.is_some());
        // Bad values are dropped one by one; the good one stays.
        let order = read_set(
            &RawSet {
                from: Field::Text("now-6h".to_owned()),
                theme: Field::Text("<script>".to_owned()),
                view: Field::Text("../../etc".to_owned()),
                ..raw()
            },
            NOW,
            &views,
        );
        assert_eq!(
            order.range.map(|r| r.resolve(NOW)),
            Some(Ok((NOW - 21_600.0, NOW)))
        );
        assert_eq!((order.theme, order.view), (None, None));
        let hostile = read_set(
            &RawSet {
                from: Field::Other,
                to: Field::Number(f64::NAN),
                theme: Field::Number(1.0),
                view: Field::Other,
                vars: Some(vec![("x".to_owned(), vec![Field::Other])]),
            },
            NOW,
            &views,
        );
        assert_eq!(
            hostile,
            Order {
                range: None,
                theme: None,
                view: None,
                vars: None,
            }
        );
        // A backwards or too long range is not applied.
        for (from, to) in [("now", "now-1h"), ("now-90d", "now")] {
            let order = read_set(
                &RawSet {
                    from: Field::Text(from.to_owned()),
                    to: Field::Text(to.to_owned()),
                    ..raw()
                },
                NOW,
                &views,
            );
            assert_eq!(order.range, None, "{from} {to}");
        }
        assert_eq!(
            read_set(&raw(), NOW, &views),
            Order {
                range: None,
                theme: None,
                view: None,
                vars: None,
            }
        );
    }

    #[test]
    fn variables_are_read_as_strings_bounded_and_left_to_the_engine_to_judge() {
        let text = |t: &str| Field::Text(t.to_owned());
        let order = read_set(
            &RawSet {
                vars: Some(vec![
                    ("cluster".to_owned(), vec![text("eu-1")]),
                    ("env".to_owned(), vec![text("prod"), text("staging")]),
                    ("n".to_owned(), vec![Field::Number(3.0)]),
                    ("hostile".to_owned(), vec![text("\"}) or vector(1)")]),
                    ("long".to_owned(), vec![text(&"x".repeat(10_000))]),
                    ("object".to_owned(), vec![text("a"), Field::Other]),
                    ("empty".to_owned(), vec![]),
                ]),
                ..raw()
            },
            NOW,
            &[],
        );
        let vars = order.vars.expect("vars");
        assert_eq!(vars["cluster"], ["eu-1"]);
        assert_eq!(vars["env"], ["prod", "staging"]);
        assert_eq!(vars["n"], ["3"]);
        // Passed on as written: the engine refuses what is not offered.
        assert_eq!(vars["hostile"], ["\"}) or vector(1)"]);
        assert_eq!(vars["long"][0].chars().count(), MAX_VAR_CHARS);
        assert!(!vars.contains_key("object") && !vars.contains_key("empty"));
        let many = RawSet {
            vars: Some(
                (0..1_000)
                    .map(|i| (i.to_string(), vec![text("v")]))
                    .collect(),
            ),
            ..raw()
        };
        assert_eq!(
            read_set(&many, NOW, &[]).vars.map(|v| v.len()),
            Some(MAX_VARS)
        );
        let none = RawSet {
            vars: Some(vec![]),
            ..raw()
        };
        assert_eq!(read_set(&none, NOW, &[]).vars, None);
    }

    #[test]
    fn posted_once_after_the_first_status_then_on_every_change() {
        let unknown = StatusMessage {
            status: Status::Unknown,
            counts: Counts {
                unknown: 3,
                ..Counts::default()
            },
            maintenance: 0,
        };
        let healthy = StatusMessage {
            status: Status::Healthy,
            counts: Counts {
                healthy: 3,
                ..Counts::default()
            },
            maintenance: 0,
        };
        let one_in_maintenance = StatusMessage {
            maintenance: 1,
            ..healthy
        };
        assert!(!should_post(None, None));
        assert!(should_post(None, Some(&unknown)));
        assert!(!should_post(Some(&unknown), Some(&unknown)));
        assert!(should_post(Some(&unknown), Some(&healthy)));
        assert!(should_post(Some(&healthy), Some(&one_in_maintenance)));
    }
}
