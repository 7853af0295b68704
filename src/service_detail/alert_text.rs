//! What the alert list decides besides the alert's own words: durations,
//! which runbook links may become links, and which alerts wear a status
//! colour.

use panopticon_engine::alerts::{AlertState, AlertView};

/// "3m", "1h 59m": how long, coarse enough to read from across a room but
/// never a whole unit off (a silence with 1 h 59 min left is not "1h");
/// `None` for a time that cannot be right (negative, not a number).
pub fn duration(secs: f64) -> Option<String> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    let s = secs.round();
    // Not `s % 3600.0`: a float remainder is libm's `fmod` in the bundle,
    // and a whole number of seconds needs none.
    let hours = (s / 3600.0).floor();
    let minutes = ((s - hours * 3600.0) / 60.0).floor();
    Some(match s {
        s if s < 90.0 => format!("{s:.0}s"),
        s if s < 90.0 * 60.0 => format!("{:.0}m", (s / 60.0).floor()),
        _ if s < 48.0 * 3600.0 && minutes > 0.0 => format!("{hours:.0}h {minutes:.0}m"),
        _ if s < 48.0 * 3600.0 => format!("{hours:.0}h"),
        s => format!("{:.0}d", (s / 86_400.0).floor()),
    })
}

/// Only an http(s) link becomes an `href`: a `javascript:` one would run on
/// a click. The engine keeps only those; this does not rely on it.
pub fn is_http(url: &str) -> bool {
    let scheme = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    scheme.starts_with("http://") || scheme.starts_with("https://")
}

/// An alert's CSS classes: only a firing alert wears its status colour; a
/// muted or pending one raises nothing and must not look as if it did.
pub fn item_class(a: &AlertView) -> String {
    match (a.state, a.raises.or(a.severity_status)) {
        (AlertState::Firing, Some(s)) => format!("alert-item alert-firing status-{}", s.as_str()),
        (state, _) => format!("alert-item alert-{}", state.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use panopticon_core::Status;

    use super::*;

    #[test]
    fn only_a_firing_alert_wears_a_status_colour() {
        let alert = |state, severity_status| AlertView {
            name: "A".to_owned(),
            state,
            severity: "critical".to_owned(),
            raises: (state == AlertState::Firing)
                .then_some(severity_status)
                .flatten(),
            severity_status,
            since: None,
            instance: None,
            summary: None,
            description: None,
            runbook_url: None,
            silence: None,
            inhibited_by: Vec::new(),
            reason: String::new(),
        };
        let critical = Some(Status::Critical);
        for (state, status, expect) in [
            (
                AlertState::Firing,
                critical,
                "alert-item alert-firing status-critical",
            ),
            (AlertState::Firing, None, "alert-item alert-firing"),
            (AlertState::Silenced, critical, "alert-item alert-silenced"),
            (
                AlertState::Inhibited,
                critical,
                "alert-item alert-inhibited",
            ),
            (AlertState::Pending, critical, "alert-item alert-pending"),
        ] {
            assert_eq!(item_class(&alert(state, status)), expect, "{state:?}");
        }
    }

    #[test]
    fn durations_without_a_float_remainder_say_what_the_remainder_said() {
        let with_remainder = |secs: f64| {
            let s = secs.round();
            let (hours, minutes) = ((s / 3600.0).floor(), ((s % 3600.0) / 60.0).floor());
            if minutes > 0.0 {
                format!("{hours:.0}h {minutes:.0}m")
            } else {
                format!("{hours:.0}h")
            }
        };
        for s in 90 * 60..48 * 3600 {
            for secs in [f64::from(s), f64::from(s) + 0.4, f64::from(s) - 0.4] {
                assert_eq!(duration(secs), Some(with_remainder(secs)), "{secs}");
            }
        }
    }

    #[test]
    fn durations_read_from_across_a_room() {
        for (secs, expect) in [
            (0.0, Some("0s")),
            (20.4, Some("20s")),
            (89.0, Some("89s")),
            (90.0, Some("1m")),
            (200.0, Some("3m")),
            (5399.0, Some("89m")),
            (5400.0, Some("1h 30m")),
            (7199.0, Some("1h 59m")),
            (7200.0, Some("2h")),
            (47.0 * 3600.0, Some("47h")),
            (3.0 * 86_400.0, Some("3d")),
            (-1.0, None),
            (f64::NAN, None),
            (f64::INFINITY, None),
        ] {
            assert_eq!(duration(secs).as_deref(), expect, "{secs}");
        }
    }

    #[test]
    fn only_http_links_are_links() {
        for (url, ok) in [
            ("https://runbooks.example.org/consul", true),
            ("http://wiki/x", true),
            ("HTTPS://wiki/x", true),
            ("javascript:alert(1)", false),
            ("JavaScript:alert(1)", false),
            (" javascript:alert(1)", false),
            (" https://x", false),
            ("data:text/html,<script>", false),
            ("//evil.example/x", false),
            ("/relative", false),
            ("https:", false),
            ("", false),
            ("ht\ttps://x", false),
        ] {
            assert_eq!(is_http(url), ok, "{url:?}");
        }
    }
}
