//! The URL as the dashboard's address: `?config=`, `?view=`, `?theme=`,
//! `?refresh=`, `var-<name>=` (Grafana's template variables, repeatable),
//! and the durations of `?rotate=` and `?recheck=`.
//!
//! Reading and replacing query parameters is all that lives here, so a NOC
//! screen's URL can be bookmarked and a Grafana panel can point at one view.

use std::collections::BTreeMap;

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
    // The same address again (every dashboard's first effects write what the
    // URL already says) is not replaced: a replacement is a same-document
    // navigation, milliseconds in the task that shows the first status.
    if query == search.trim_start_matches('?') {
        return;
    }
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

/// The prefix of a template variable's parameter (Grafana's spelling).
const VAR_PREFIX: &str = "var-";
/// Most `var-` parameters read, and values per variable: more than any
/// configuration declares or the engine accepts, so the refusal still
/// names the variable, and a crafted URL costs nothing more.
const MAX_VAR_PARAMS: usize = 256;
/// Values are cut one past the engine's bound, so a 10 KB value is still
/// refused as too long (and never copied whole).
const MAX_VAR_CHARS: usize = panopticon_engine::variables::MAX_VALUE_CHARS + 1;

/// Every `var-<name>=value` of the current page, by name, values in order.
pub fn var_params() -> BTreeMap<String, Vec<String>> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let mut pairs = Vec::new();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        // `entries()` is an iterator object; `toString` and a split are what
        // web-sys offers without another feature, so parse the text once.
        let text = String::from(params.to_string());
        for part in text.split('&').filter(|p| p.starts_with(VAR_PREFIX)) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((decode(&name[VAR_PREFIX.len()..]), decode(value)));
        }
    }
    vars_from_pairs(pairs)
}

/// The `var-` parameters as a map, bounded (see [`MAX_VAR_PARAMS`]).
pub fn vars_from_pairs(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> BTreeMap<String, Vec<String>> {
    let mut vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs.into_iter().take(MAX_VAR_PARAMS) {
        let name: String = name.chars().take(MAX_VAR_CHARS).collect();
        let value: String = value.chars().take(MAX_VAR_CHARS).collect();
        vars.entry(name).or_default().push(value);
    }
    vars
}

/// A form-encoded URL component, decoded (`+` is a space); undecodable
/// text is kept as written.
fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    js_sys::decode_uri_component(&spaced).map_or(spaced, String::from)
}

/// Replaces every `var-` parameter with `vars` (`(name, values)`, each
/// value its own `var-<name>=`), without reloading or a history entry.
pub fn set_var_params<'a>(vars: impl IntoIterator<Item = (&'a str, &'a [String])>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let (Ok(search), Ok(path)) = (location.search(), location.pathname()) else {
        return;
    };
    let Ok(old) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    let text = String::from(old.to_string());
    let kept: Vec<&str> = text
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with(VAR_PREFIX))
        .collect();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&kept.join("&")) else {
        return;
    };
    for (name, values) in vars {
        for v in values {
            params.append(&format!("{VAR_PREFIX}{name}"), v);
        }
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
    use super::{parse_duration, refresh_override, vars_from_pairs};

    #[test]
    fn var_parameters_are_grouped_by_name_and_bounded() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let vars = vars_from_pairs([
            pair("cluster", "eu-1"),
            pair("env", "prod"),
            pair("env", "staging"),
            pair("x", &"y".repeat(10_000)),
        ]);
        assert_eq!(vars["cluster"], ["eu-1"]);
        assert_eq!(vars["env"], ["prod", "staging"]);
        assert_eq!(vars["x"][0].chars().count(), 257);
        let many = vars_from_pairs((0..1_000).map(|i| pair("v", &i.to_string())));
        assert_eq!(many["v"].len(), 256);
    }

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
