//! Strings the dashboard did not write (names and descriptions from the
//! configuration, label values and instance names from Prometheus, reasons
//! and error texts that quote them) as the screen shows them.
//!
//! Two things can go wrong with such a string. A 10 KB label value widened
//! the page to 96,792 px; so every one is cut to a length that fits (the
//! whole text stays in the tooltip) and style/main.css lets what remains
//! wrap anywhere. An unterminated right-to-left override (U+202E) in a label
//! reversed the rest of the reason sentence and of "Recent changes"; so every
//! one is isolated (`<bdi>`, `unicode-bidi: isolate`), and the explicit bidi
//! embedding, override and isolate characters inside it are shown as
//! `[U+202E]`: isolation alone would still let a label reverse the rest of
//! the sentence the engine quoted it in. Bidi *marks* (U+200E, U+200F,
//! U+061C) stay: right-to-left names need them, and they reorder nothing
//! beyond their neighbours.

use std::borrow::Cow;
use std::fmt::Write;

use leptos::prelude::*;

/// Names: services, checks, instances, label values, series.
pub const NAME_CHARS: usize = 80;
/// Sentences: reasons, descriptions, causes, error and warning texts.
pub const SENTENCE_CHARS: usize = 240;

/// A string made fit for the screen by [`shown`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// What to render: bidi controls made visible, at most the allowed length.
    pub text: String,
    /// The whole string (controls made visible) when `text` had to be cut,
    /// for the tooltip.
    pub full: Option<String>,
}

/// `text` with bidi controls made visible and cut to `max` characters
/// (the last one "…"), so no string from outside reorders or widens the page.
pub fn shown(text: &str, max: usize) -> Shown {
    let visible = neutral(text);
    let count = visible.chars().count();
    if count <= max {
        return Shown {
            text: visible.into_owned(),
            full: None,
        };
    }
    let mut cut: String = visible.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    Shown {
        text: cut,
        full: Some(visible.into_owned()),
    }
}

/// `text` with every bidi embedding, override and isolate character
/// (U+202A–U+202E, U+2066–U+2069) written as `[U+XXXX]`.
pub fn neutral(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_bidi_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_bidi_control(c) {
            let _ = write!(out, "[U+{:04X}]", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A string from outside, isolated from the text around it and cut to
/// `max` characters, with the whole of it on hover when it was cut.
#[component]
pub fn Untrusted(
    /// The string as received.
    #[prop(into)]
    text: String,
    /// Most characters shown; [`NAME_CHARS`] unless said.
    #[prop(optional)]
    max: Option<usize>,
) -> impl IntoView {
    let Shown { text, full } = shown(&text, max.unwrap_or(NAME_CHARS));
    view! { <bdi class="untrusted" title=full>{text}</bdi> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_made_visible_and_long_strings_cut() {
        let check = |text: &str, max: usize, expect: &str, full: Option<&str>| {
            let got = shown(text, max);
            assert_eq!(got.text, expect, "{text:?}");
            assert_eq!(got.full.as_deref(), full, "{text:?}");
        };
        check("node-1", 80, "node-1", None);
        check("node\u{202E}-1 down", 80, "node[U+202E]-1 down", None);
        check(
            "\u{2066}\u{2067}\u{2068}\u{2069}\u{202A}\u{202B}\u{202C}\u{202D}",
            200,
            "[U+2066][U+2067][U+2068][U+2069][U+202A][U+202B][U+202C][U+202D]",
            None,
        );
        // Marks stay: right-to-left names need them.
        check("שלום\u{200F}-1", 80, "שלום\u{200F}-1", None);
        check("abcdef", 4, "abc…", Some("abcdef"));
        check("abcd", 4, "abcd", None);
        // Cut after the controls are made visible, so a cut never splits one
        // into something that reorders, and counted in characters, not bytes.
        check("ééééé\u{202E}", 6, "ééééé…", Some("ééééé[U+202E]"));
        let long = "x".repeat(10_240);
        let got = shown(&long, NAME_CHARS);
        assert_eq!(got.text.chars().count(), NAME_CHARS);
        assert_eq!(got.full.as_deref(), Some(long.as_str()));
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::{NAME_CHARS, Untrusted};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn an_untrusted_string_is_isolated_cut_and_whole_on_hover() {
        let window = web_sys::window().unwrap();
        let document = window.document().unwrap();
        let root: web_sys::HtmlElement = document.create_element("p").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let long = format!("evil\u{202E}{}", "x".repeat(10_240));
        let handle = mount_to(root.clone(), move || {
            view! { "before " <Untrusted text=long.clone() /> " after" }
        });
        leptos::task::tick().await;
        let bdi = root
            .query_selector("bdi.untrusted")
            .unwrap()
            .expect("a <bdi>");
        let style = window.get_computed_style(&bdi).unwrap().unwrap();
        assert_eq!(style.get_property_value("unicode-bidi").unwrap(), "isolate");
        let text = bdi.text_content().unwrap_or_default();
        assert!(text.starts_with("evil[U+202E]x"), "{text}");
        assert_eq!(text.chars().count(), NAME_CHARS);
        let title = bdi.get_attribute("title").unwrap_or_default();
        assert_eq!(title.chars().count(), 10_240 + "evil[U+202E]".len());
        assert!(
            !root.text_content().unwrap_or_default().contains('\u{202E}'),
            "no override reaches the page"
        );
        drop(handle);
        root.remove();
    }
}
