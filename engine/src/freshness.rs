//! How old the dashboard's data is, and whether the data source as a whole failed.
//!
//! A wall screen must never show yesterday's green as today's: when Prometheus
//! cannot be reached, the last known state stays visible but marked stale, and
//! after `stale_after` seconds every status becomes `unknown`. These decisions
//! are pure so they are tested here, not discovered on a wall.

use panopticon_core::prom::{QueryError, QueryResult};

/// How current the data on screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Nothing has arrived yet (first load).
    Waiting,
    /// The last refresh succeeded within two refresh intervals.
    Fresh,
    /// The last success is older than two refresh intervals: the state shown is
    /// the last known one and is marked stale.
    Stale,
    /// The last success is older than `stale_after`: statuses must be `unknown`.
    Expired,
}

impl Freshness {
    /// Judges the age of the last successful refresh.
    pub fn of(
        now: f64,
        last_success: Option<f64>,
        refresh_secs: f64,
        stale_after_secs: f64,
    ) -> Freshness {
        let Some(at) = last_success else {
            return Freshness::Waiting;
        };
        let age = (now - at).max(0.0);
        if age > stale_after_secs {
            Freshness::Expired
        } else if age > 2.0 * refresh_secs {
            Freshness::Stale
        } else {
            Freshness::Fresh
        }
    }

    /// Lower-case word for CSS classes and `data-freshness`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Freshness::Waiting => "waiting",
            Freshness::Fresh => "fresh",
            Freshness::Stale => "stale",
            Freshness::Expired => "expired",
        }
    }
}

/// "updated 12 s ago" style age, coarse enough to read from across a room.
pub fn format_age(age_secs: f64) -> String {
    let s = age_secs.max(0.0).round();
    if s < 90.0 {
        format!("{s:.0} s ago")
    } else if s < 90.0 * 60.0 {
        format!("{:.0} min ago", (s / 60.0).round())
    } else if s < 36.0 * 3600.0 {
        format!("{:.0} h ago", (s / 3600.0).round())
    } else {
        format!("{:.0} days ago", (s / 86_400.0).round())
    }
}

/// Whether one refresh's outcomes mean "the data source is down" (as opposed
/// to "some queries failed"): nothing succeeded and at least one failure is
/// about reaching Prometheus (network, timeout, HTTP error page). Returns the
/// first such error, to show. Prometheus rejecting a query (`bad_data`) is a
/// config problem of that check, not an outage, and cancelled requests say
/// nothing.
pub fn source_failure<'a, I>(outcomes: I) -> Option<&'a QueryError>
where
    I: IntoIterator<Item = &'a Result<QueryResult, QueryError>>,
{
    let mut first_source_error = None;
    for outcome in outcomes {
        match outcome {
            Ok(_) => return None,
            Err(e) if is_source_error(e) => {
                first_source_error.get_or_insert(e);
            }
            Err(_) => {}
        }
    }
    first_source_error
}

/// An answer refused for its size or series count is a source error too:
/// when every query is refused (a proxy answering with huge pages, a
/// Prometheus gone wild) the operator must see why instead of quietly
/// current-looking data; when only some are, the other answers keep it from
/// being called an outage, and those checks are `unknown` with the reason.
fn is_source_error(e: &QueryError) -> bool {
    match e {
        QueryError::Unreachable { .. }
        | QueryError::Timeout { .. }
        | QueryError::Http { .. }
        | QueryError::TooLarge { .. }
        | QueryError::TooManySeries { .. }
        // An answer that is not the Prometheus API (truncated JSON, wrong
        // types, a success without data) comes from a broken source or
        // proxy: the screen must say so, not look fresh.
        | QueryError::Decode { .. }
        | QueryError::UnexpectedResultType { .. } => true,
        // An error envelope with a 2xx status breaks the API as well.
        QueryError::Prometheus { status, .. } => {
            e.is_transient() || (200..300).contains(status)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use panopticon_core::prom::{QueryData, QueryResult};

    use super::*;

    #[test]
    fn freshness_levels() {
        let check = |now: f64, last: Option<f64>, expect: Freshness| {
            assert_eq!(
                Freshness::of(now, last, 15.0, 120.0),
                expect,
                "now={now} last={last:?}"
            );
        };
        check(100.0, None, Freshness::Waiting);
        check(100.0, Some(100.0), Freshness::Fresh);
        check(130.0, Some(100.0), Freshness::Fresh); // exactly two intervals
        check(130.5, Some(100.0), Freshness::Stale);
        check(220.0, Some(100.0), Freshness::Stale); // exactly stale_after
        check(220.5, Some(100.0), Freshness::Expired);
        check(90.0, Some(100.0), Freshness::Fresh); // clock went back: not negative
    }

    #[test]
    fn ages_read_from_across_a_room() {
        let check = |secs: f64, expect: &str| assert_eq!(format_age(secs), expect);
        check(0.0, "0 s ago");
        check(12.4, "12 s ago");
        check(89.0, "89 s ago");
        check(90.0, "2 min ago");
        check(3600.0, "60 min ago");
        check(5400.0, "2 h ago");
        check(200_000.0, "2 days ago");
        check(-5.0, "0 s ago");
    }

    fn empty() -> QueryResult {
        QueryResult {
            data: QueryData::Vector(vec![]),
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }
    }

    #[test]
    fn source_failure_only_when_nothing_got_through() {
        let down = || {
            Err(QueryError::Unreachable {
                reason: "Failed to fetch".into(),
            })
        };
        let bad = || {
            Err(QueryError::Prometheus {
                kind: panopticon_core::prom::PromErrorKind::BadData,
                message: "parse error".into(),
                status: 400,
            })
        };
        let timeout = || {
            Err(QueryError::Timeout {
                after: Duration::from_secs(10),
            })
        };
        let message = |outcomes: &[Result<QueryResult, QueryError>]| {
            source_failure(outcomes).map(ToString::to_string)
        };
        assert_eq!(
            message(&[down(), down()]),
            Some("Prometheus unreachable: Failed to fetch".into())
        );
        assert_eq!(source_failure(&[down(), Ok(empty())]), None);
        assert_eq!(
            source_failure(&[bad(), bad()]),
            None,
            "rejected queries are not an outage"
        );
        assert_eq!(
            message(&[bad(), timeout()]),
            Some("query timed out after 10 s".into())
        );
        assert_eq!(source_failure(&[Err(QueryError::Canceled)]), None);
        assert_eq!(source_failure(&[]), None);
        let starting = Err(QueryError::Http {
            status: 503,
            content_type: Some("text/plain".into()),
            excerpt: "Service Unavailable".into(),
        });
        assert!(source_failure(&[starting]).is_some());
        // Issue 12, row 7: unreadable answers are the source failing.
        let garbage = || {
            Err(QueryError::Decode {
                line: 1,
                column: 40,
                message: "EOF while parsing an object".into(),
            })
        };
        assert!(source_failure(&[garbage(), garbage()]).is_some());
        let error_with_200 = Err(QueryError::Prometheus {
            kind: panopticon_core::prom::PromErrorKind::BadData,
            message: "nonsense".into(),
            status: 200,
        });
        assert!(source_failure(&[error_with_200]).is_some());
        // Issue 12, row 8: refused answers are said, not hidden.
        let too_large = Err(QueryError::TooLarge {
            bytes: None,
            limit: 1,
        });
        assert!(source_failure(&[too_large]).is_some());
    }
}
