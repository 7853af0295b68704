//! Status transitions kept across page loads, so that a wall screen's nightly
//! browser restart (or a reload for a new build) does not wipe what it saw.
//!
//! The app stores [`History::encode`]'s text (in `localStorage`) and hands it
//! back to [`History::decode`] on the next load. What is read back is
//! untrusted: another tab, an extension, a full disk or an older build may
//! have written it. So the text is one line per transition, each line is
//! validated on its own, and a line that fails is dropped without affecting
//! the others; the whole is bounded in bytes, lines and entries. A restored
//! transition is only history: it never sets a status (the engine's statuses
//! come from current data alone, see [`crate::Engine::restore_history`]).
//!
//! Line format, after the header line [`HEADER`]:
//! `<at, Unix seconds>\t<service id>\t<from>\t<to>\t<cause>`, where the
//! service id and the cause escape `\`, tab, CR and LF as `\\`, `\t`, `\r`,
//! `\n`. A line-based text instead of JSON keeps the engine free of a JSON
//! dependency and makes "one bad entry" a line, not a broken document.

use panopticon_core::Status;
use panopticon_core::sorting;

use crate::snapshot::{ServiceTransition, Snapshot, Transition};

/// How many transitions are kept across loads (the newest), over all services.
pub const MAX_ENTRIES: usize = 500;

/// Stored text longer than this is not read at all: a legitimate history of
/// [`MAX_ENTRIES`] lines with causes of [`MAX_CAUSE_CHARS`] stays below it.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// A cause longer than this (in characters) marks its line as corrupt; the
/// engine's causes are one or two sentences.
pub const MAX_CAUSE_CHARS: usize = 1000;

/// A service id longer than this marks its line as corrupt.
const MAX_ID_CHARS: usize = 200;

/// How far ahead of the reader's clock a transition may be dated (transitions
/// are dated by the server's clock, which may be ahead of a wall screen's by
/// minutes; a day is far beyond any skew the monitor tolerates).
pub const MAX_FUTURE_SECS: f64 = 86_400.0;

/// The first line of the text: a format version, so that a later build's
/// different format is ignored as a whole rather than misread line by line.
pub const HEADER: &str = "panopticon-history 1";

/// Transitions of several services, oldest first, at most [`MAX_ENTRIES`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    entries: Vec<ServiceTransition>,
}

/// What [`History::decode`] made of a stored text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// The valid transitions.
    pub history: History,
    /// Lines that were dropped as invalid, unknown (a service no longer in
    /// the configuration) or duplicated; the whole text counts as one when its
    /// header or size is wrong.
    pub dropped: usize,
}

impl History {
    /// The transitions a snapshot carries (each service's own list), the
    /// newest [`MAX_ENTRIES`] of them.
    pub fn from_snapshot(snapshot: &Snapshot) -> History {
        History::from_entries(snapshot.services.iter().flat_map(|s| {
            s.transitions.iter().map(|t| ServiceTransition {
                service: s.id.clone(),
                transition: t.clone(),
            })
        }))
    }

    /// `entries` sorted oldest first (stable, so the order of equal times is
    /// kept), without exact duplicates, cut to the newest [`MAX_ENTRIES`].
    pub fn from_entries(entries: impl IntoIterator<Item = ServiceTransition>) -> History {
        let mut entries: Vec<ServiceTransition> = entries.into_iter().collect();
        sorting::sort_by(&mut entries, |a, b| {
            a.transition.at.total_cmp(&b.transition.at)
        });
        entries.dedup();
        let excess = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..excess);
        History { entries }
    }

    /// The transitions, oldest first.
    pub fn entries(&self) -> &[ServiceTransition] {
        &self.entries
    }

    /// Whether there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The text to store.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(HEADER.len() + 1 + self.entries.len() * 120);
        out.push_str(HEADER);
        out.push('\n');
        for e in &self.entries {
            let t = &e.transition;
            out.push_str(&t.at.to_string());
            out.push('\t');
            escape_into(&mut out, &e.service);
            out.push('\t');
            out.push_str(t.from.as_str());
            out.push('\t');
            out.push_str(t.to.as_str());
            out.push('\t');
            escape_into(&mut out, &t.cause);
            out.push('\n');
        }
        out
    }

    /// Reads a stored text back: every line is checked on its own (a number
    /// that is finite, positive and not more than [`MAX_FUTURE_SECS`] after
    /// `now`; a service `known` to the configuration; two different known
    /// statuses; a cause within [`MAX_CAUSE_CHARS`]) and dropped if it fails.
    /// A text with another header or over [`MAX_TEXT_BYTES`] yields nothing.
    pub fn decode(text: &str, known: impl Fn(&str) -> bool, now: f64) -> Decoded {
        let mut lines = text.lines();
        if text.len() > MAX_TEXT_BYTES || lines.next() != Some(HEADER) {
            return Decoded {
                history: History::default(),
                dropped: usize::from(!text.is_empty()),
            };
        }
        let mut dropped = 0;
        let mut valid = Vec::new();
        for line in lines {
            match parse_line(line, &known, now) {
                Some(entry) => valid.push(entry),
                None => dropped += 1,
            }
        }
        let read = valid.len();
        let history = History::from_entries(valid);
        Decoded {
            dropped: dropped + (read - history.entries.len()),
            history,
        }
    }
}

/// One stored line as a transition, or `None` if any part of it is wrong.
fn parse_line(line: &str, known: &impl Fn(&str) -> bool, now: f64) -> Option<ServiceTransition> {
    let mut fields = line.split('\t');
    let at: f64 = fields.next()?.parse().ok()?;
    let service = unescape(fields.next()?)?;
    let from: Status = fields.next()?.parse().ok()?;
    let to: Status = fields.next()?.parse().ok()?;
    let cause = unescape(fields.next()?)?;
    let valid = fields.next().is_none()
        && at.is_finite()
        && at > 0.0
        && at <= now + MAX_FUTURE_SECS
        && from != to
        && !service.is_empty()
        && service.chars().count() <= MAX_ID_CHARS
        && cause.chars().count() <= MAX_CAUSE_CHARS
        && known(&service);
    valid.then_some(ServiceTransition {
        service,
        transition: Transition {
            at,
            from,
            to,
            cause,
        },
    })
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// The text `escape_into` wrote; `None` for an escape it never writes.
fn unescape(field: &str) -> Option<String> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '\\' => '\\',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    // Times are exact by construction.
    #![allow(clippy::float_cmp)]

    use super::*;

    const NOW: f64 = 1_800_000_000.0;

    fn entry(service: &str, at: f64, from: Status, to: Status, cause: &str) -> ServiceTransition {
        ServiceTransition {
            service: service.to_owned(),
            transition: Transition {
                at,
                from,
                to,
                cause: cause.to_owned(),
            },
        }
    }

    fn known(id: &str) -> bool {
        ["consul", "gluster", "weird\tid"].contains(&id)
    }

    #[test]
    fn history_round_trips_any_text() {
        let h = History::from_entries([
            entry(
                "consul",
                NOW - 60.0,
                Status::Healthy,
                Status::Critical,
                "Consul: quorum — 1/3 \\ peers\tleft\nnow\r",
            ),
            entry(
                "weird\tid",
                NOW - 30.5,
                Status::Critical,
                Status::Unknown,
                "\u{202e} bidi and emoji 🚨",
            ),
            entry("gluster", NOW - 10.0, Status::Warning, Status::Healthy, ""),
        ]);
        let text = h.encode();
        assert_eq!(text.lines().count(), 4, "{text}");
        let back = History::decode(&text, known, NOW);
        assert_eq!(back.dropped, 0);
        assert_eq!(back.history, h);
    }

    #[test]
    fn history_drops_each_bad_line_and_keeps_the_rest() {
        let good = entry("consul", NOW - 5.0, Status::Healthy, Status::Warning, "ok");
        let good_line = History::from_entries([good.clone()]).encode();
        let good_line = good_line.lines().nth(1).expect("one line");
        let bad = [
            "",
            "garbage",
            "NaN\tconsul\thealthy\twarning\tx",
            "inf\tconsul\thealthy\twarning\tx",
            "-1\tconsul\thealthy\twarning\tx",
            "0\tconsul\thealthy\twarning\tx",
            &format!(
                "{}\tconsul\thealthy\twarning\tx",
                NOW + 2.0 * MAX_FUTURE_SECS
            ),
            "100\tconsul\thealthy\thealthy\tno change",
            "100\tconsul\thealthy\tgreenish\tx",
            "100\tnot-a-service\thealthy\twarning\tx",
            "100\t\thealthy\twarning\tx",
            "100\tconsul\thealthy\twarning",
            "100\tconsul\thealthy\twarning\tx\textra",
            "100\tconsul\thealthy\twarning\tbad escape \\q",
            "100\tconsul\thealthy\twarning\tdangling \\",
            &format!(
                "100\tconsul\thealthy\twarning\t{}",
                "x".repeat(MAX_CAUSE_CHARS + 1)
            ),
        ];
        let mut text = format!("{HEADER}\n");
        for b in bad {
            text.push_str(b);
            text.push('\n');
        }
        text.push_str(good_line);
        text.push('\n');
        // The same line twice is one transition.
        text.push_str(good_line);
        let d = History::decode(&text, known, NOW);
        assert_eq!(d.history.entries(), [good]);
        assert_eq!(d.dropped, bad.len() + 1);
    }

    #[test]
    fn history_refuses_another_format_or_an_oversized_text_as_a_whole() {
        let line = "100\tconsul\thealthy\twarning\tx\n";
        for text in [
            format!("panopticon-history 2\n{line}"),
            format!("{{\"v\":1}}\n{line}"),
            line.to_owned(),
            format!("{HEADER}\n{}", line.repeat(MAX_TEXT_BYTES / line.len() + 1)),
        ] {
            let d = History::decode(&text, known, NOW);
            assert!(d.history.is_empty(), "{}", &text[..40.min(text.len())]);
            assert_eq!(d.dropped, 1);
        }
        assert_eq!(History::decode("", known, NOW), Decoded::default());
    }

    #[test]
    fn history_keeps_the_newest_entries_in_time_order() {
        let many = (0..MAX_ENTRIES + 50).rev().map(|i| {
            let (from, to) = if i % 2 == 0 {
                (Status::Healthy, Status::Critical)
            } else {
                (Status::Critical, Status::Healthy)
            };
            entry("consul", 1000.0 + i as f64, from, to, "c")
        });
        let h = History::from_entries(many);
        assert_eq!(h.entries().len(), MAX_ENTRIES);
        assert_eq!(h.entries()[0].transition.at, 1050.0);
        assert!(
            h.entries()
                .windows(2)
                .all(|w| w[0].transition.at < w[1].transition.at)
        );
        // More lines than kept: the oldest are dropped and counted.
        let mut text = h.encode();
        text.push_str("999\tconsul\thealthy\twarning\told\n");
        let d = History::decode(&text, known, NOW);
        assert_eq!(d.history, h);
        assert_eq!(d.dropped, 1);
    }

    #[test]
    fn history_restored_into_the_engine_is_shown_but_sets_no_status() {
        use std::collections::HashMap;

        use crate::{Config, Engine};

        let yaml = "
history: 2
services:
  - id: consul
    name: Consul
    checks:
      - id: up
        query: consul_up
        rule: { kind: equals, expected: 1 }
  - id: gluster
    name: Gluster
    depends_on: [{ service: consul, strength: soft }]
";
        let config = Config::from_yaml("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
        let mut engine = Engine::new(config);
        let stored = History::from_entries([
            entry("consul", 100.0, Status::Healthy, Status::Warning, "a"),
            entry("consul", 200.0, Status::Warning, Status::Critical, "b"),
            entry("consul", 300.0, Status::Critical, Status::Healthy, "c"),
            entry("removed", 250.0, Status::Healthy, Status::Critical, "gone"),
        ]);
        engine.restore_history(&stored);
        // No answer for consul_up: the check is unknown now, whatever the
        // history's last word (healthy) was.
        let snap = engine.evaluate(400.0, &HashMap::new());
        let consul = &snap.services[0];
        assert_eq!(consul.effective, Status::Unknown);
        let at: Vec<f64> = consul.transitions.iter().map(|t| t.at).collect();
        assert_eq!(at, [200.0, 300.0], "cut to history: 2, no change recorded");
        assert_eq!(snap.services[1].transitions, []);
        let recent: Vec<&str> = snap
            .recent
            .iter()
            .map(|t| t.transition.cause.as_str())
            .collect();
        assert_eq!(recent, ["c", "b"]);
        // What is stored next is what the screen shows.
        assert_eq!(History::from_snapshot(&snap).entries().len(), 2);
    }
}
