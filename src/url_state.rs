//! The URL as the dashboard's address: `?config=`, `?view=`, `?theme=`.
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
