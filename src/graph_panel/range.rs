//! The graphs' time range as Grafana writes it in a URL (`from`, `to`): epoch
//! milliseconds, `now`, `now-6h`, `now/d`, `now-1d/d`.
//!
//! Pure, so every spelling Grafana's Text panel can put into an iframe's
//! `src` is tested natively. A relative range is kept as written and resolved
//! again at every refresh (it moves); a fixed one resolves to the same window
//! every time (it does not). The statuses never use it: they are always "now".

use std::fmt;

/// The longest window the graphs may be asked for: a month of one-sample-per-
/// pixel range queries is still cheap for Prometheus; a year is not.
pub const MAX_RANGE_SECS: f64 = 31.0 * 86_400.0;

/// Epoch milliseconds beyond this (year 5138) are no time Grafana sends.
const MAX_EPOCH_MS: f64 = 1e14;

/// One end of the range as written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Point {
    /// Epoch seconds.
    Fixed(f64),
    /// `now`, shifted by `offset_secs`, then rounded to the start (or, for
    /// `to`, the end) of a `round` unit, as Grafana's `now-1d/d`.
    Relative {
        offset_secs: f64,
        round: Option<Unit>,
    },
}

/// A unit Grafana's relative times can round to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
}

impl Unit {
    fn parse(text: &str) -> Option<Unit> {
        Some(match text {
            "s" => Unit::Second,
            "m" => Unit::Minute,
            "h" => Unit::Hour,
            "d" => Unit::Day,
            "w" => Unit::Week,
            _ => return None,
        })
    }

    fn secs(self) -> f64 {
        match self {
            Unit::Second => 1.0,
            Unit::Minute => 60.0,
            Unit::Hour => 3_600.0,
            Unit::Day => 86_400.0,
            Unit::Week => 7.0 * 86_400.0,
        }
    }

    /// The start of the unit holding `t` (UTC; weeks start on Monday, as
    /// ISO weeks do; the epoch was a Thursday).
    fn floor(self, t: f64) -> f64 {
        let shift = if self == Unit::Week {
            3.0 * 86_400.0
        } else {
            0.0
        };
        ((t + shift) / self.secs()).floor() * self.secs() - shift
    }
}

/// Why `from`/`to` are not used; the graphs keep their own ranges then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeProblem {
    /// A value that is neither epoch milliseconds nor `now…`.
    #[error("{which}={text:?} is not a time (epoch ms, now, now-6h, now/d)")]
    NotATime {
        /// `from` or `to`.
        which: &'static str,
        /// What was written (cut short).
        text: String,
    },
    /// `to` without `from`.
    #[error("to= without from=")]
    NoFrom,
    /// The range is empty or backwards.
    #[error("from is not before to")]
    Backwards,
    /// Longer than [`MAX_RANGE_SECS`].
    #[error("the range is longer than 31 days")]
    TooLong,
}

/// `from` and `to` as written, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRange {
    from: Point,
    to: Point,
    /// The texts, to write back into the URL unchanged (round trip).
    from_text: String,
    to_text: String,
}

impl TimeRange {
    /// The range `from`/`to` name; `None` when neither is given (each graph
    /// keeps its configured range). A missing `to` is `now`, as in Grafana.
    /// Judged at `now` (epoch seconds); [`TimeRange::resolve`] judges it
    /// again at every refresh.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        now: f64,
    ) -> Option<Result<TimeRange, RangeProblem>> {
        let (from, to) = match (from.map(str::trim), to.map(str::trim)) {
            (None, None) => return None,
            (None, Some(_)) => return Some(Err(RangeProblem::NoFrom)),
            (Some(from), to) => (from, to.unwrap_or("now")),
        };
        let parsed = (|| {
            let range = TimeRange {
                from: point("from", from)?,
                to: point("to", to)?,
                from_text: from.to_owned(),
                to_text: to.to_owned(),
            };
            range.resolve(now)?;
            Ok(range)
        })();
        Some(parsed)
    }

    /// The window (epoch seconds, start < end) at `now`.
    pub fn resolve(&self, now: f64) -> Result<(f64, f64), RangeProblem> {
        let start = at(self.from, now, false);
        let end = at(self.to, now, true);
        if start >= end {
            return Err(RangeProblem::Backwards);
        }
        if end - start > MAX_RANGE_SECS {
            return Err(RangeProblem::TooLong);
        }
        Ok((start, end))
    }

    /// `from` as written.
    pub fn written_from(&self) -> &str {
        &self.from_text
    }

    /// `to` as written.
    pub fn written_to(&self) -> &str {
        &self.to_text
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.from_text, self.to_text)
    }
}

/// The note under the graphs when `from`/`to` were given but are not used.
pub fn problem_note(problem: &RangeProblem) -> String {
    format!("Time range ignored ({problem}); each graph shows its own range.")
}

fn point(which: &'static str, text: &str) -> Result<Point, RangeProblem> {
    let refuse = || RangeProblem::NotATime {
        which,
        text: text.chars().take(40).collect(),
    };
    if !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit()) {
        let ms: f64 = text.parse().map_err(|_| refuse())?;
        return if ms <= MAX_EPOCH_MS {
            Ok(Point::Fixed(ms / 1000.0))
        } else {
            Err(refuse())
        };
    }
    let rest = text.strip_prefix("now").ok_or_else(refuse)?;
    let (shift, round) = match rest.split_once('/') {
        Some((shift, unit)) => (shift, Some(Unit::parse(unit).ok_or_else(refuse)?)),
        None => (rest, None),
    };
    let offset_secs = if shift.is_empty() {
        0.0
    } else {
        let sign = match shift.as_bytes()[0] {
            b'-' => -1.0,
            b'+' => 1.0,
            _ => return Err(refuse()),
        };
        let body = &shift[1..];
        let split = body
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(refuse)?;
        let (number, unit) = body.split_at(split);
        let n: f64 = number.parse().map_err(|_| refuse())?;
        let unit = Unit::parse(unit).ok_or_else(refuse)?;
        // Far beyond any range allowed; refused here so no overflow follows.
        if n * unit.secs() > 10.0 * 366.0 * 86_400.0 {
            return Err(refuse());
        }
        sign * n * unit.secs()
    };
    Ok(Point::Relative { offset_secs, round })
}

/// The time `point` names at `now`; `end` rounds up (Grafana's `to=now/d` is
/// the end of today).
fn at(point: Point, now: f64, end: bool) -> f64 {
    match point {
        Point::Fixed(t) => t,
        Point::Relative { offset_secs, round } => {
            let t = now + offset_secs;
            match round {
                None => t,
                Some(unit) if end => unit.floor(t) + unit.secs(),
                Some(unit) => unit.floor(t),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{RangeProblem, TimeRange};

    /// 2026-11-27 19:40:00 UTC, a Friday.
    const NOW: f64 = 1_795_808_400.0;
    const DAY: f64 = 86_400.0;

    /// What `from`/`to` resolve to at `NOW`.
    type Window = Option<Result<(f64, f64), RangeProblem>>;

    fn window(from: Option<&str>, to: Option<&str>) -> Window {
        TimeRange::parse(from, to, NOW).map(|r| r.and_then(|r| r.resolve(NOW)))
    }

    #[test]
    fn grafana_spellings_resolve_to_their_windows() {
        // 2026-11-27 00:00:00 UTC: NOW is 19:40 that day.
        let midnight = 1_795_737_600.0;
        let cases: [(&str, &str, (f64, f64)); 8] = [
            ("now-6h", "now", (NOW - 6.0 * 3600.0, NOW)),
            ("now-15m", "now", (NOW - 900.0, NOW)),
            ("now/d", "now", (midnight, NOW)),
            ("now/d", "now/d", (midnight, midnight + DAY)),
            ("now-1d/d", "now-1d/d", (midnight - DAY, midnight)),
            ("now-7d", "now-1h", (NOW - 7.0 * DAY, NOW - 3600.0)),
            // Monday 2026-11-23.
            ("now/w", "now", (midnight - 4.0 * DAY, NOW)),
            (
                "1795800000000",
                "1795807200000",
                (1_795_800_000.0, 1_795_807_200.0),
            ),
        ];
        for (from, to, want) in cases {
            assert_eq!(window(Some(from), Some(to)), Some(Ok(want)), "{from} {to}");
        }
    }

    #[test]
    fn a_relative_range_moves_and_a_fixed_one_does_not() {
        let relative = TimeRange::parse(Some("now-1h"), None, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(relative.resolve(NOW), Ok((NOW - 3600.0, NOW)));
        assert_eq!(relative.resolve(NOW + 60.0), Ok((NOW - 3540.0, NOW + 60.0)));
        let fixed = TimeRange::parse(Some("1795800000000"), Some("1795807200000"), NOW)
            .unwrap()
            .unwrap();
        assert_eq!(fixed.resolve(NOW), fixed.resolve(NOW + 3600.0));
        assert_eq!(relative.written_to(), "now");
        assert_eq!(fixed.written_from(), "1795800000000");
    }

    #[test]
    fn no_parameters_keep_each_graphs_range() {
        assert_eq!(window(None, None), None);
    }

    #[test]
    fn bad_ranges_are_refused_with_a_reason() {
        let not_a_time = |which: &'static str, text: &str| {
            Some(Err(RangeProblem::NotATime {
                which,
                text: text.to_owned(),
            }))
        };
        let cases: [(Option<&str>, Option<&str>, Window); 13] = [
            (None, Some("now"), Some(Err(RangeProblem::NoFrom))),
            (
                Some("now"),
                Some("now-1h"),
                Some(Err(RangeProblem::Backwards)),
            ),
            (Some("now"), Some("now"), Some(Err(RangeProblem::Backwards))),
            (
                Some("1795807200000"),
                Some("1795800000000"),
                Some(Err(RangeProblem::Backwards)),
            ),
            (Some("now-90d"), None, Some(Err(RangeProblem::TooLong))),
            (
                Some("0"),
                Some("1795807200000"),
                Some(Err(RangeProblem::TooLong)),
            ),
            (Some("yesterday"), None, not_a_time("from", "yesterday")),
            (Some("now-6x"), None, not_a_time("from", "now-6x")),
            (Some("now-h"), None, not_a_time("from", "now-h")),
            (Some("now-1M"), None, not_a_time("from", "now-1M")),
            (Some("now/q"), None, not_a_time("from", "now/q")),
            (Some("now-1h"), Some("now*2"), not_a_time("to", "now*2")),
            (
                Some("now-99999999999999999999d"),
                None,
                not_a_time("from", "now-99999999999999999999d"),
            ),
        ];
        for (from, to, want) in cases {
            assert_eq!(window(from, to), want, "{from:?} {to:?}");
        }
        let long = "9".repeat(10_000);
        let got = window(Some(&long), None);
        assert!(
            matches!(&got, Some(Err(RangeProblem::NotATime { text, .. })) if text.len() == 40),
            "{got:?}"
        );
    }
}
