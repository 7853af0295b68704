//! The diagram's SVG as markup text, decided without a browser.
//!
//! The boxes and edges are written as one string per group and handed to the
//! browser in one `innerHTML` assignment: its parser builds the elements
//! natively. Building them one by one through wasm-bindgen cost every
//! element, attribute and string a call into JavaScript (and a string
//! decode), about 0.6 ms per service with its edges: 200 services and 400
//! edges took 130 ms to mount. Afterwards only what a snapshot changes is
//! written, through [`super::node`] and [`super::edge`].

use std::fmt::Write;

use panopticon_core::Status;
use panopticon_engine::config::Strength;

use super::dom_contract::{
    Attribute, BoxState, edge_attributes, edge_title, node_attributes, node_label,
};
use super::look::NodeLook;
use super::plan::{self, Density, NAME_SIZE, NAME_Y, NOTE_SIZE, NOTE_Y, STATUS_SIZE, STATUS_Y};
use super::shapes::{self, NodeMarkup};
use crate::untrusted::neutral;

/// `text` safe inside an element or a double-quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The status line's word, after its icon.
pub fn status_word(status: Status) -> String {
    format!(" {}", status.label())
}

/// The note line of a box `width` wide (it may quote a reason, and so a
/// label: bidi controls made visible, see [`crate::untrusted`]).
pub fn note_text(look: &NodeLook, width: f64) -> String {
    fit_words(&neutral(&look.note), width, NOTE_SIZE, false)
}

/// `text` shortened with "…" after a whole word to fit `width` at
/// `font_size` ([`plan::fit`], which cuts anywhere, for a single word too
/// long for the box). The box's label holds the whole text, and a word cut
/// in half ("in maintenance · ro…" of "root cause", "Container applicat…")
/// is none of its words: the box's accessible name would no longer contain
/// what it shows (WCAG 2.5.3, axe's `label-content-name-mismatch`).
pub fn fit_words(text: &str, width: f64, font_size: f64, bold: bool) -> String {
    let fitted = plan::fit(text, width, font_size, bold);
    if fitted == text {
        return fitted;
    }
    let kept = fitted.trim_end_matches('…');
    let words = if text[kept.len()..].starts_with(char::is_whitespace) {
        kept
    } else {
        match kept.rfind(char::is_whitespace) {
            Some(at) if at > 0 => &kept[..at],
            _ => return fitted, // one long word: cut it
        }
    };
    let words = words.trim_end_matches(|c: char| c.is_whitespace() || "·,;:—-".contains(c));
    format!("{words}…")
}

/// `attributes` as markup, each ` name="value"`, the absent ones left out.
fn write_attributes(out: &mut String, attributes: &[Attribute]) {
    for (name, value) in attributes {
        if let Some(value) = value {
            let _ = write!(out, r#" {name}="{}""#, escape(value));
        }
    }
}

/// One service's box, as it looks now. `data-*` attributes are the DOM
/// contract (README); the `<title>` is the tooltip and says what the
/// `aria-label` says.
///
/// At the dense sizes the box's inside is [`shapes::body`]'s; the `<g>` with
/// the DOM contract, the tooltip and the focus ring are the same at every size.
pub fn node(out: &mut String, m: &NodeMarkup<'_>, state: BoxState<'_>) {
    let (name, rect, look) = (m.name, m.rect, state.look);
    let (w, h) = (rect.width, rect.height);
    let mid = w / 2.0;
    out.push_str("<g");
    write_attributes(out, &node_attributes(m.id, name, state));
    let _ = write!(
        out,
        concat!(
            r#" transform="translate({x:.1},{y:.1})">"#,
            "<title>{label}</title>",
            r#"<rect class="node-focus" x="-5" y="-5" width="{fw:.1}" height="{fh:.1}" rx="13"/>"#,
        ),
        label = escape(&node_label(look, name)),
        x = rect.x,
        y = rect.y,
        fw = w + 10.0,
        fh = h + 10.0,
    );
    if m.density != Density::Full {
        shapes::body(out, m, look.effective, state.named, look.maintenance);
        if look.maintenance {
            shapes::maintenance_marks(out, m);
        }
        out.push_str("</g>");
        return;
    }
    let _ = write!(
        out,
        concat!(
            r#"<rect class="node-box" width="{w:.1}" height="{h:.1}" rx="9"/>"#,
            r#"<text class="node-name" x="{mid:.1}" y="{name_y}" font-size="{name_size}" text-anchor="middle">{name}</text>"#,
            // A space between the lines (a text node of the `<g>`, never
            // drawn): without it the box's text content ran "CRITICALroot
            // cause", which is not the label's words (WCAG 2.5.3).
            r#" <text class="node-status" x="{mid:.1}" y="{status_y}" font-size="{status_size}" text-anchor="middle">"#,
            r#"<tspan class="node-icon">{icon}</tspan><tspan class="node-word">{word}</tspan></text>"#,
            r#" <text class="node-note" x="{mid:.1}" y="{note_y}" font-size="{note_size}" text-anchor="middle">{note}</text>"#,
        ),
        w = w,
        h = h,
        mid = mid,
        name_y = NAME_Y,
        name_size = NAME_SIZE,
        name = escape(&fit_words(&neutral(name), w, NAME_SIZE, true)),
        status_y = STATUS_Y,
        status_size = STATUS_SIZE,
        icon = look.effective.icon(),
        word = escape(&status_word(look.effective)),
        note_y = NOTE_Y,
        note_size = NOTE_SIZE,
        note = escape(&note_text(look, w)),
    );
    if look.maintenance {
        shapes::maintenance_marks(out, m);
    }
    out.push_str("</g>");
}

/// One dependency edge from `from` (the dependant) to `to`, along `path`:
/// solid for hard, dashed for soft, coloured by what it passes on.
pub fn edge(
    out: &mut String,
    path: &str,
    ends: (&str, &str),
    label: &str,
    strength: Strength,
    (status, lit): (Status, bool),
) {
    let _ = write!(out, r#"<path d="{}""#, escape(path));
    write_attributes(out, &edge_attributes(ends, strength, (status, lit)));
    let _ = write!(
        out,
        "><title>{}</title></path>",
        escape(&edge_title(label, strength, status))
    );
}

#[cfg(test)]
mod tests {
    use panopticon_layout::Rect;

    use super::*;

    /// A box at full size, as the reference cluster draws it.
    fn full<'a>(id: &'a str, name: &'a str, rect: Rect) -> NodeMarkup<'a> {
        NodeMarkup {
            id,
            name,
            rect,
            callout: rect,
            zoom: 1.0,
            density: Density::Full,
        }
    }

    use crate::diagram::fixtures::look;

    #[test]
    fn escapes_what_markup_would_read() {
        for (input, expect) in [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<script>", "&lt;script&gt;"),
            (r#"say "hi""#, "say &quot;hi&quot;"),
            ("it's", "it&#39;s"),
            ("Ümlaut ✓", "Ümlaut ✓"),
        ] {
            assert_eq!(escape(input), expect, "{input}");
        }
    }

    #[test]
    fn a_node_carries_the_dom_contract_and_escapes_names() {
        let rect = Rect {
            x: 10.0,
            y: 20.0,
            width: 300.0,
            height: 72.0,
        };
        let mut out = String::new();
        let l = look(
            Status::Critical,
            Status::Healthy,
            &["consul", "db"],
            "impacted by Consul",
        );
        node(
            &mut out,
            &full("swarm", "Swarm <prod> & co", rect),
            BoxState {
                look: &l,
                selected: true,
                named: true,
            },
        );
        for part in [
            r#"class="diagram-node status-critical impacted selected named""#,
            r#"data-service="swarm""#,
            r#"data-status="critical""#,
            r#"data-own-status="healthy""#,
            r#"data-impacted-by="consul,db""#,
            r#"aria-pressed="true""#,
            r#"aria-label="Swarm &lt;prod&gt; &amp; co: critical, impacted by Consul, own status healthy""#,
            r#"transform="translate(10.0,20.0)""#,
            r#"<rect class="node-box" width="300.0" height="72.0" rx="9"/>"#,
            ">Swarm &lt;prod&gt; &amp; co</text>",
            r#"<tspan class="node-icon">✖</tspan><tspan class="node-word"> CRITICAL</tspan>"#,
            ">impacted by Consul</text>",
        ] {
            assert!(out.contains(part), "missing {part}\nin {out}");
        }
        assert!(out.starts_with("<g ") && out.ends_with("</g>"), "{out}");
        assert!(
            !out.contains("data-pending"),
            "no hold, no attribute: {out}"
        );

        let mut out = String::new();
        let held = NodeLook {
            pending: Some("critical 1/2".to_owned()),
            ..look(
                Status::Healthy,
                Status::Healthy,
                &[],
                "critical pending 1/2",
            )
        };
        node(
            &mut out,
            &full("host", "Host", rect),
            BoxState {
                look: &held,
                selected: false,
                named: true,
            },
        );
        assert!(out.contains(r#"data-pending="critical 1/2""#), "{out}");
        assert!(out.contains(">critical pending 1/2</text>"), "{out}");

        let mut out = String::new();
        node(
            &mut out,
            &full("host", "Host", rect),
            BoxState {
                look: &look(Status::Healthy, Status::Healthy, &[], ""),
                selected: false,
                named: true,
            },
        );
        assert!(!out.contains("data-impacted-by"), "{out}");
        assert!(out.contains(r#"aria-pressed="false""#), "{out}");
    }

    /// The label holds the box's visible text in its order (name, status
    /// word, note) before anything the box does not show.
    #[test]
    fn the_label_starts_with_what_the_box_shows() {
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            width: 300.0,
            height: 72.0,
        };
        for l in [
            look(
                Status::Critical,
                Status::Healthy,
                &["consul"],
                "impacted by Consul",
            ),
            look(
                Status::Warning,
                Status::Healthy,
                &["consul"],
                "impacted by Consul",
            ),
            look(
                Status::Critical,
                Status::Critical,
                &[],
                "node-3: volume not writeable",
            ),
            look(Status::Healthy, Status::Healthy, &[], ""),
            NodeLook {
                pending: Some("critical 1/2".to_owned()),
                ..look(
                    Status::Warning,
                    Status::Healthy,
                    &["consul"],
                    "impacted by Consul",
                )
            },
            NodeLook {
                maintenance: true,
                alerts: 1,
                ..look(
                    Status::Critical,
                    Status::Critical,
                    &[],
                    "in maintenance · root cause",
                )
            },
        ]
        .into_iter()
        .map(|l| (l, rect))
        // A note cut to a narrow box (GlusterFS's, 160 wide) keeps whole words.
        .chain(std::iter::once((
            NodeLook {
                maintenance: true,
                ..look(
                    Status::Critical,
                    Status::Critical,
                    &[],
                    "in maintenance · root cause",
                )
            },
            Rect {
                width: 160.0,
                ..rect
            },
        ))) {
            let (l, rect) = l;
            let mut out = String::new();
            node(
                &mut out,
                &full("swarm", "Docker Swarm", rect),
                BoxState {
                    look: &l,
                    selected: false,
                    named: true,
                },
            );
            let between = |from: &str, to: &str| {
                out.split(from)
                    .nth(1)
                    .and_then(|t| t.split(to).next())
                    .unwrap_or_default()
                    .to_owned()
            };
            let visible = [
                between(r#"text-anchor="middle">"#, "</text>"),
                between(r#"<tspan class="node-word">"#, "</tspan>"),
                between(r#"<text class="node-note""#, "</text>")
                    .split('>')
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned(),
            ];
            // axe compares lower-cased words with punctuation dropped.
            let words = |s: &str| {
                s.to_lowercase()
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let shown = words(&visible.join(" "));
            // The box's text content as a browser concatenates it (text
            // nodes joined without a separator), the title left out.
            let content: String = {
                let mut text = String::new();
                let mut depth_in_title = false;
                for piece in out.split('<').skip(1) {
                    let (tag, after) = piece.split_once('>').unwrap_or_default();
                    if tag.starts_with("title") {
                        depth_in_title = true;
                    } else if tag.starts_with("/title") {
                        depth_in_title = false;
                    }
                    if !depth_in_title {
                        text.push_str(after);
                    }
                }
                text
            };
            let joined = content
                .to_lowercase()
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(
                joined, shown,
                "the lines' words run together in {content:?}"
            );
            let label = words(&between(r#"aria-label=""#, "\""));
            // Word by word: axe compares words, and a word cut in half
            // ("ro…" of "root cause") is none of the label's.
            assert!(
                format!("{label} ").starts_with(&format!("{shown} ")),
                "label {label:?} does not start with the visible {shown:?}"
            );
        }
    }

    /// A box in maintenance carries the attribute and the marker at every
    /// density, and its status colour and word are the status's; one out of
    /// it has neither.
    #[test]
    fn a_box_in_maintenance_carries_its_marker() {
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            width: 200.0,
            height: 72.0,
        };
        let in_maintenance = NodeLook {
            maintenance: true,
            alerts: 3,
            ..look(Status::Critical, Status::Critical, &[], "in maintenance")
        };
        for density in [Density::Full, Density::Compact, Density::Tiles] {
            for (l, marked) in [
                (&in_maintenance, true),
                (&look(Status::Critical, Status::Critical, &[], ""), false),
            ] {
                let mut out = String::new();
                let m = NodeMarkup {
                    density,
                    ..full("consul", "Consul", rect)
                };
                let state = BoxState {
                    look: l,
                    selected: false,
                    named: true,
                };
                node(&mut out, &m, state);
                assert_eq!(out.contains(r#"data-maintenance="true""#), marked, "{out}");
                assert_eq!(out.contains(r#"data-alerts="3""#), marked, "{out}");
                assert!(out.contains("status-critical"), "{out}");
                // A tile's named box has a marker of its own.
                let marks = if density == Density::Tiles { 2 } else { 1 };
                let count = out.matches(r#"<g class="node-maint"#).count();
                assert_eq!(count, if marked { marks } else { 0 }, "{density:?}: {out}");
            }
        }
    }

    /// A note too long for its box is cut after a whole word.
    #[test]
    fn a_long_note_is_cut_between_words() {
        for (note, width, expect) in [
            ("root cause", 160.0, "root cause"),
            ("in maintenance · root cause", 160.0, "in maintenance…"),
            (
                "in maintenance · impacted by Consul",
                200.0,
                "in maintenance · impacted…",
            ),
            (
                "impacted by Consul, GlusterFS",
                160.0,
                "impacted by Consul…",
            ),
            (
                "nodeaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                160.0,
                "nodeaaaaaaaaaaaaaaa…",
            ),
        ] {
            let l = look(Status::Critical, Status::Critical, &[], note);
            assert_eq!(note_text(&l, width), expect, "{note} in {width}");
        }
    }

    /// A name too long for its box is cut after a whole word too, at every
    /// density that writes it (the label holds the whole name).
    #[test]
    fn a_long_name_is_cut_between_words() {
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            width: 200.0,
            height: 72.0,
        };
        let name = "Container application of the billing team";
        for density in [Density::Full, Density::Compact] {
            let mut out = String::new();
            let m = NodeMarkup {
                density,
                ..full("app", name, rect)
            };
            let l = look(Status::Critical, Status::Critical, &[], "");
            node(
                &mut out,
                &m,
                BoxState {
                    look: &l,
                    selected: false,
                    named: true,
                },
            );
            let shown = out
                .split(r#"class="node-name""#)
                .nth(1)
                .and_then(|t| t.split('>').nth(1))
                .and_then(|t| t.split('<').next())
                .unwrap_or_default();
            assert!(shown.ends_with('…'), "{density:?}: {shown}");
            let words = shown.trim_end_matches('…');
            assert!(
                name.starts_with(words) && name[words.len()..].starts_with(' '),
                "{density:?}: {shown:?} ends inside a word"
            );
        }
    }

    #[test]
    fn hostile_names_neither_reorder_nor_spill() {
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            width: 200.0,
            height: 72.0,
        };
        let mut out = String::new();
        let name = format!("evil\u{202E}{}", "x".repeat(10_240));
        let l = look(
            Status::Unknown,
            Status::Unknown,
            &[],
            "node\u{202E}-1: no data",
        );
        node(
            &mut out,
            &full("evil", &name, rect),
            BoxState {
                look: &l,
                selected: false,
                named: true,
            },
        );
        assert!(!out.contains('\u{202E}'), "no override reaches the SVG");
        assert!(out.contains(">node[U+202E]-1: no data</text>"), "{out}");
        let shown = out
            .split(r#"<text class="node-name""#)
            .nth(1)
            .and_then(|t| t.split("</text>").next())
            .unwrap_or_default();
        assert!(shown.contains("evil[U+202E]x"), "{shown}");
        assert!(
            shown.len() < 200,
            "the box's name is cut to its width: {shown}"
        );
        assert!(
            out.contains(&format!("<title>evil[U+202E]{}", "x".repeat(10_240))),
            "the whole name stays in the tooltip"
        );
    }

    #[test]
    fn an_edge_says_what_it_passes_on() {
        let mut out = String::new();
        edge(
            &mut out,
            "M 1 2 L 3 4",
            ("weave", "consul"),
            "Weave needs Consul",
            Strength::Soft,
            (Status::Warning, false),
        );
        assert_eq!(
            out,
            concat!(
                r#"<path d="M 1 2 L 3 4" class="diagram-edge soft status-warning" data-from="weave" data-to="consul""#,
                r#" data-strength="soft" data-passes="warning">"#,
                "<title>Weave needs Consul (soft: passes at most warning): passes warning</title></path>"
            )
        );
    }
}
