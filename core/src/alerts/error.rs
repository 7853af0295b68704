//! Every way reading an alert source can fail, worded for the operator
//! together with the source's name ([`AlertSourceError::describe`]): an
//! alert source's failure is its own, never "Prometheus unreachable".

use std::time::Duration;

use super::AlertSource;
use crate::prom::QueryError;

/// Why an alert source's answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertSourceError {
    /// No HTTP answer at all (refused connection, DNS, CORS, offline).
    #[error("unreachable: {reason}")]
    Unreachable {
        /// What the browser reported.
        reason: String,
    },
    /// No answer within the source's timeout; the request was aborted.
    #[error("no answer within {}", secs(*after))]
    Timeout {
        /// The timeout.
        after: Duration,
    },
    /// Aborted because a newer refresh replaced it; never shown.
    #[error("request canceled (superseded by a newer refresh)")]
    Canceled,
    /// An HTTP answer that is not the source's JSON (a proxy's page, a
    /// failing status).
    #[error("HTTP {status}: {excerpt}")]
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body as text (an HTML page's title).
        excerpt: String,
    },
    /// The source answered with its own JSON error (Prometheus's error
    /// envelope, Alertmanager's `{"code","message"}` or a JSON string).
    #[error("error (HTTP {status}): {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The source's explanation (bounded).
        message: String,
    },
    /// JSON that does not match the API (or no JSON at all with a 2xx).
    #[error("unreadable answer (line {line}, column {column}): {message}")]
    Decode {
        /// 1-based line, 0 if unknown.
        line: usize,
        /// 1-based column, 0 if unknown.
        column: usize,
        /// What did not match.
        message: String,
    },
    /// A successful answer larger than `datasource.max_answer_bytes`,
    /// refused before it was held in memory.
    #[error(
        "answer {}refused: larger than datasource.max_answer_bytes ({limit} bytes)",
        bytes.map(|b| format!("of {b} bytes ")).unwrap_or_default()
    )]
    TooLarge {
        /// Its declared size, if known.
        bytes: Option<u64>,
        /// The limit.
        limit: u64,
    },
}

impl AlertSourceError {
    /// The failure in one sentence that names its source: "Alertmanager
    /// unreachable: Failed to fetch", "Alertmanager is slow: no answer
    /// within 5 s", "Prometheus alerting rules: HTTP 502: Bad Gateway".
    pub fn describe(&self, source: AlertSource) -> String {
        match self {
            AlertSourceError::Unreachable { reason } => format!("{source} unreachable: {reason}"),
            AlertSourceError::Timeout { .. } => format!("{source} is slow: {self}"),
            _ => format!("{source}: {self}"),
        }
    }

    /// A newer refresh replaced the request: not a failure of the source.
    pub fn is_canceled(&self) -> bool {
        matches!(self, AlertSourceError::Canceled)
    }
}

/// "5 s", "250 ms", "2.5 s".
fn secs(d: Duration) -> String {
    // In u64, not `as_millis`'s u128: formatting and dividing a u128 were
    // their own code in the bundle. Saturates after 584 million years.
    let ms = d
        .as_secs()
        .saturating_mul(1000)
        .saturating_add(u64::from(d.subsec_millis()));
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

/// The client reads an alert source with the query path's fetch and body
/// limits, whose failures are [`QueryError`]s worded for Prometheus; here
/// they become the alert source's own.
impl From<QueryError> for AlertSourceError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::Unreachable { reason } => AlertSourceError::Unreachable { reason },
            QueryError::Timeout { after } => AlertSourceError::Timeout { after },
            QueryError::Canceled => AlertSourceError::Canceled,
            QueryError::Http {
                status, excerpt, ..
            } => AlertSourceError::Http { status, excerpt },
            QueryError::Prometheus {
                kind,
                message,
                status,
            } => AlertSourceError::Api {
                status,
                message: format!("{}: {message}", kind.as_str()),
            },
            QueryError::Decode {
                line,
                column,
                message,
            } => AlertSourceError::Decode {
                line,
                column,
                message,
            },
            QueryError::TooLarge { bytes, limit } => AlertSourceError::TooLarge { bytes, limit },
            other => AlertSourceError::Decode {
                line: 0,
                column: 0,
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::secs;

    /// What `secs` said when it counted in `as_millis`'s u128.
    fn secs_u128(d: Duration) -> String {
        let ms = d.as_millis();
        if ms < 1000 {
            format!("{ms} ms")
        } else if ms.is_multiple_of(1000) {
            format!("{} s", ms / 1000)
        } else {
            format!("{} s", d.as_secs_f64())
        }
    }

    #[test]
    fn durations_read_as_they_did_in_u128() {
        let mut cases = vec![Duration::from_nanos(999_999)];
        for ms in (0..3_000).chain([59_999, 60_000, 3_600_000, 86_400_123, u64::from(u32::MAX)]) {
            cases.push(Duration::from_millis(ms));
            cases.push(Duration::from_millis(ms) + Duration::from_nanos(999_999));
        }
        for d in cases {
            assert_eq!(secs(d), secs_u128(d), "{d:?}");
        }
    }
}
