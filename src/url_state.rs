//! The URL as the dashboard's address: `?config=`, `?view=`, `?theme=`,
//! `?refresh=`, and the durations of `?rotate=` and `?recheck=`.
//!
//! Reading and replacing query parameters is all that lives here, so a NOC
//! screen's URL can be bookmarked and a Grafana panel can point at one view.

/// The value of query parameter `name` of the current page, if present.
pub fn param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Sets (or with `None` removes) query parameter `name` without reloading or
/// adding a history entry.
pub fn set_param(name: &str, value: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(search), Ok(path)) = (location.search(), location.pathname()) else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    match value {
        Some(v) => params.set(name, v),
        None => params.delete(name),
    }
    let query = String::from(params.to_string());
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Ok(history) = window.history() {
        // Failing to update the address bar must not break the dashboard.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A duration as Grafana writes one in a URL (`30s`, `1m`, `2h`, `1d`, `500ms`;
/// a bare number is seconds), in seconds. `None` for anything else, zero,
/// negative or over a year: the caller keeps its default then.
pub fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let scale = match unit {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3_600.0,
        "d" => 86_400.0,
        _ => return None,
    };
    let secs = value * scale;
    (secs.is_finite() && secs > 0.0 && secs <= 366.0 * 86_400.0).then_some(secs)
}

/// The refresh interval `?refresh=` asks for (Grafana's `30s`, `1m`), given
/// the configured one and the configuration's `stale_after_secs`: at least a
/// second (the proxy's rate limit is shared), and no longer than half the
/// staleness limit (or the configured interval, if that is longer), so data
/// never expires between two refreshes. `None` keeps the configured interval:
/// no parameter, a value that is no duration, or `off` (a health screen that
/// stops asking would only turn grey: "no current data").
pub fn refresh_override(param: Option<&str>, configured: f64, stale_after: f64) -> Option<f64> {
    let secs = parse_duration(param?)?;
    Some(secs.clamp(1.0, (stale_after / 2.0).max(configured).max(1.0)))
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, refresh_override};

    #[test]
    fn refresh_from_the_url_within_what_keeps_data_current() {
        // (param, configured, stale_after) -> interval
        let cases: [(Option<&str>, f64, f64, Option<f64>); 7] = [
            (None, 15.0, 60.0, None),
            (Some("off"), 15.0, 60.0, None),
            (Some("soon"), 15.0, 60.0, None),
            (Some("30s"), 15.0, 60.0, Some(30.0)),
            (Some("5m"), 15.0, 60.0, Some(30.0)),
            (Some("100ms"), 15.0, 60.0, Some(1.0)),
            (Some("5m"), 90.0, 60.0, Some(90.0)),
        ];
        for (param, configured, stale, want) in cases {
            assert_eq!(
                refresh_override(param, configured, stale),
                want,
                "{param:?}"
            );
        }
    }

    #[test]
    fn durations_as_grafana_writes_them() {
        let cases: [(&str, Option<f64>); 14] = [
            ("30s", Some(30.0)),
            ("1m", Some(60.0)),
            ("5m", Some(300.0)),
            ("2h", Some(7_200.0)),
            ("1d", Some(86_400.0)),
            ("500ms", Some(0.5)),
            ("45", Some(45.0)),
            ("1.5m", Some(90.0)),
            ("off", None),
            ("", None),
            ("0s", None),
            ("-5s", None),
            ("10y", None),
            ("1e400s", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), want, "{text}");
        }
    }
}
