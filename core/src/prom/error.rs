//! Every way a Prometheus query can fail, as one enum the whole app shares.
//!
//! The dashboard turns any of these into `unknown` with the error's text as the
//! reason, so the texts are written for a NOC operator reading a wall screen,
//! not for a developer. The type is `Clone + Send + Sync` and holds no
//! `JsValue`, so leptos error boundaries and signals can carry it.

use std::fmt;
use std::time::Duration;

use super::kind::SourceKind;

/// Why a query produced no usable result.
///
/// Its `Display` text names the engine "Prometheus", as a configuration with
/// one Prometheus reads it; [`QueryError::told_by`] names another source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// The request never got an HTTP answer: DNS, refused connection, CORS
    /// rejection, offline browser. Browsers do not tell these apart, so
    /// neither can we.
    Unreachable {
        /// What the browser reported, e.g. "Failed to fetch".
        reason: String,
    },
    /// Our own deadline passed and the request was aborted.
    Timeout {
        /// The deadline that was exceeded.
        after: Duration,
    },
    /// The request was aborted because a newer refresh replaced it or its
    /// view went away; never shown as a failure of Prometheus.
    Canceled,
    /// An answer that is not Prometheus JSON: a proxy's error page, the
    /// "Service Unavailable" text Prometheus sends while it starts, or a
    /// wrong base URL that lands on some HTML page.
    Http {
        /// HTTP status code.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The start of the body, tags stripped, whitespace collapsed.
        excerpt: String,
    },
    /// Prometheus answered with its JSON error envelope.
    Prometheus {
        /// `errorType`.
        kind: PromErrorKind,
        /// `error`: Prometheus's own explanation.
        message: String,
        /// HTTP status the error came with.
        status: u16,
    },
    /// The body looked like JSON but did not match the Prometheus API.
    Decode {
        /// 1-based line in the body, from `serde_json` (0 if unknown).
        line: usize,
        /// 1-based column in the body, from `serde_json` (0 if unknown).
        column: usize,
        /// What did not match.
        message: String,
    },
    /// A successful answer larger than `datasource.max_answer_bytes`,
    /// refused before it was held in memory: WebAssembly memory never
    /// shrinks, so one such answer would cost a wall screen for weeks.
    TooLarge {
        /// The declared size (`Content-Length`); `None` when the body came
        /// without one and reading stopped once it passed the limit.
        bytes: Option<u64>,
        /// `datasource.max_answer_bytes`.
        limit: u64,
    },
    /// A result with more series than `datasource.max_series`, refused
    /// while it was decoded: no more than `limit` series were ever built.
    TooManySeries {
        /// How many series the answer had.
        series: usize,
        /// `datasource.max_series`.
        limit: usize,
    },
    /// The query succeeded but returned another shape than the caller needs,
    /// usually a check written as a range selector where a vector was meant.
    UnexpectedResultType {
        /// What the caller asked for.
        expected: &'static str,
        /// What Prometheus returned.
        got: &'static str,
    },
    /// The request could not even be built (e.g. an end time before the start);
    /// a bug or a bad configuration on our side, not Prometheus's fault.
    InvalidRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// A series of this query already carries the label the dashboard tags
    /// the parts of its combined query with; the tag would have replaced
    /// it, so the series cannot be trusted as this query's answer.
    ReservedLabel {
        /// The reserved label's name.
        label: String,
    },
}

impl QueryError {
    /// No HTTP answer at all.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, QueryError::Unreachable { .. })
    }

    /// Too slow, whether our deadline or Prometheus's own `timeout` hit first:
    /// both mean "ask a cheaper question or look at Prometheus's load".
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            QueryError::Timeout { .. }
                | QueryError::Prometheus {
                    kind: PromErrorKind::Timeout,
                    ..
                }
        )
    }

    /// Aborted on purpose: callers should drop the result silently rather
    /// than show it.
    pub fn is_canceled(&self) -> bool {
        matches!(
            self,
            QueryError::Canceled
                | QueryError::Prometheus {
                    kind: PromErrorKind::Canceled,
                    ..
                }
        )
    }

    /// A non-Prometheus HTTP answer.
    pub fn is_http(&self) -> bool {
        matches!(self, QueryError::Http { .. })
    }

    /// Prometheus's own error envelope.
    pub fn is_prometheus(&self) -> bool {
        matches!(self, QueryError::Prometheus { .. })
    }

    /// The query text is wrong (`bad_data`): retrying will not help, the
    /// configuration must change.
    pub fn is_bad_data(&self) -> bool {
        self.prometheus_kind() == Some(&PromErrorKind::BadData)
    }

    /// Prometheus could not evaluate the query (`execution`), e.g. too many samples.
    pub fn is_execution(&self) -> bool {
        self.prometheus_kind() == Some(&PromErrorKind::Execution)
    }

    /// The answer could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, QueryError::Decode { .. })
    }

    /// The answer was refused for its size in bytes.
    pub fn is_too_large(&self) -> bool {
        matches!(self, QueryError::TooLarge { .. })
    }

    /// The answer was refused for its number of series.
    pub fn is_too_many_series(&self) -> bool {
        matches!(self, QueryError::TooManySeries { .. })
    }

    /// The result had the wrong type for its use.
    pub fn is_unexpected_result_type(&self) -> bool {
        matches!(self, QueryError::UnexpectedResultType { .. })
    }

    /// The request could not be built.
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, QueryError::InvalidRequest { .. })
    }

    /// Whether the same query may succeed later without a config change:
    /// worth a retry on the next refresh, and worth a "Prometheus is slow or
    /// down" banner rather than a "fix your check" hint.
    pub fn is_transient(&self) -> bool {
        match self {
            QueryError::Unreachable { .. }
            | QueryError::Timeout { .. }
            | QueryError::Canceled
            | QueryError::Http { .. } => true,
            QueryError::Prometheus { kind, .. } => matches!(
                kind,
                PromErrorKind::Timeout
                    | PromErrorKind::Canceled
                    | PromErrorKind::Internal
                    | PromErrorKind::Unavailable
            ),
            // An answer over a configured bound is the query's or the
            // limit's to change; the next refresh gets the same answer.
            QueryError::Decode { .. }
            | QueryError::TooLarge { .. }
            | QueryError::TooManySeries { .. }
            | QueryError::UnexpectedResultType { .. }
            | QueryError::InvalidRequest { .. }
            | QueryError::ReservedLabel { .. } => false,
        }
    }

    /// The `errorType` when Prometheus itself reported the error.
    pub fn prometheus_kind(&self) -> Option<&PromErrorKind> {
        match self {
            QueryError::Prometheus { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

/// The data source a sentence names as the one that answered (or did not).
///
/// With one Prometheus the texts say "Prometheus", as they always did; a
/// Thanos, Mimir or `VictoriaMetrics` is named by its kind, and with several
/// sources by its configured name too, since which one failed is the news
/// ("thanos-eu (Thanos) answered HTTP 502 Bad Gateway").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Teller<'a> {
    /// The configured name, when the sentence should say it.
    pub name: Option<&'a str>,
    /// The engine behind the source.
    pub kind: SourceKind,
}

impl<'a> Teller<'a> {
    /// The source called by its kind only ("Thanos").
    pub const fn kind(kind: SourceKind) -> Teller<'a> {
        Teller { name: None, kind }
    }

    /// The source called by its name and kind ("thanos-eu (Thanos)").
    pub const fn named(name: &'a str, kind: SourceKind) -> Teller<'a> {
        Teller {
            name: Some(name),
            kind,
        }
    }

    /// The source as a sentence's subject: its name with its kind in
    /// parentheses (left out when the name is the kind's own word), or
    /// the kind alone.
    pub fn subject(&self) -> String {
        let kind = engine_name(self.kind);
        match self.name {
            Some(name) if name.eq_ignore_ascii_case(kind) || name == self.kind.as_str() => {
                name.to_owned()
            }
            Some(name) => format!("{name} ({kind})"),
            None => kind.to_owned(),
        }
    }

    /// The source again later in the same sentence: "it" once named, else
    /// the kind, so one Prometheus's texts read as they always did.
    fn again(&self) -> &'static str {
        match self.name {
            Some(_) => "it",
            None => engine_name(self.kind),
        }
    }
}

/// The engine's own name, as a sentence about its source says it.
const fn engine_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Prometheus => "Prometheus",
        SourceKind::Thanos => "Thanos",
        SourceKind::Mimir => "Mimir",
        SourceKind::VictoriaMetrics => "VictoriaMetrics",
    }
}

/// [`QueryError`]'s text with its source named (see [`QueryError::told_by`]).
#[derive(Debug, Clone, Copy)]
pub struct Told<'e, 't> {
    error: &'e QueryError,
    teller: Teller<'t>,
}

impl fmt::Display for Told<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = &self.teller;
        match self.error {
            QueryError::Unreachable { reason } => {
                write!(f, "{} unreachable: {reason}", who.subject())
            }
            QueryError::Timeout { after } => {
                write!(f, "query timed out after {}", Seconds(*after))
            }
            QueryError::Canceled => f.write_str("query canceled (superseded by a newer refresh)"),
            QueryError::Http {
                status,
                content_type,
                excerpt,
            } => f.write_str(&http_text(who, *status, content_type.as_deref(), excerpt)),
            QueryError::Prometheus { kind, message, .. } => {
                write!(
                    f,
                    "{} {} ({kind}): {message}",
                    who.subject(),
                    kind.predicate()
                )
            }
            QueryError::Decode {
                line,
                column,
                message,
            } => write!(
                f,
                "unreadable answer from {} (line {line}, column {column}): {message}",
                who.subject()
            ),
            QueryError::TooLarge { bytes, limit } => f.write_str(&too_large_text(*bytes, *limit)),
            QueryError::TooManySeries { series, limit } => write!(
                f,
                "answer with {} series refused: more than datasource.max_series ({}); \
                 narrow the query or raise the limit",
                Count(*series),
                Count(*limit)
            ),
            QueryError::UnexpectedResultType { expected, got } => {
                write!(f, "expected a {expected} result, got a {got}")
            }
            QueryError::InvalidRequest { reason } => {
                write!(f, "invalid query request: {reason}")
            }
            QueryError::ReservedLabel { label } => write!(
                f,
                "a series of this query already has the label {label}, which the dashboard \
                 reserves for telling its queries apart; drop or rename that label in the query"
            ),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.told_by(Teller::default()).fmt(f)
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    /// The text naming `teller` where [`QueryError`]'s own text says
    /// "Prometheus": a Thanos's 502 is not Prometheus's.
    pub fn told_by<'e, 't>(&'e self, teller: Teller<'t>) -> Told<'e, 't> {
        Told {
            error: self,
            teller,
        }
    }

    /// Whether the text names the source at all: a timeout's does not, so
    /// a caller that must say which source failed adds it.
    pub fn names_source(&self) -> bool {
        matches!(
            self,
            QueryError::Unreachable { .. }
                | QueryError::Http { .. }
                | QueryError::Prometheus { .. }
                | QueryError::Decode { .. }
        )
    }
}

/// Why the client aborted a request itself, if it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortCause {
    /// The per-query deadline passed.
    Timeout(Duration),
    /// A newer refresh replaced this one, or its view went away.
    Canceled,
}

impl QueryError {
    /// Maps a failed `fetch` (no HTTP answer, or the body stream broke) to an
    /// error. The browser's error only says `AbortError` or `TypeError: Failed
    /// to fetch`; what we know about our own aborts is what tells a timeout
    /// from a cancellation, so it takes precedence.
    pub fn from_fetch_failure(
        js_name: &str,
        js_message: &str,
        aborted: Option<AbortCause>,
    ) -> QueryError {
        match aborted {
            Some(AbortCause::Timeout(after)) => QueryError::Timeout { after },
            Some(AbortCause::Canceled) => QueryError::Canceled,
            None if js_name == "AbortError" => QueryError::Canceled,
            None => {
                // "TypeError" is what every browser says for a failed
                // fetch: the message is the useful part.
                let reason = if js_message.is_empty() {
                    if js_name.is_empty() {
                        "the browser gave no reason".to_owned()
                    } else {
                        js_name.to_owned()
                    }
                } else if js_name.is_empty() || js_name == "TypeError" {
                    js_message.to_owned()
                } else {
                    format!("{js_name}: {js_message}")
                };
                QueryError::Unreachable { reason }
            }
        }
    }
}

/// Prometheus's `errorType`, as `web/api/v1/api.go` defines it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PromErrorKind {
    /// `bad_data` (HTTP 400): the query or its parameters are malformed.
    BadData,
    /// `execution` (HTTP 422): valid query that failed while running.
    Execution,
    /// `timeout` (HTTP 503): Prometheus's own query timeout.
    Timeout,
    /// `canceled` (HTTP 503): the query was canceled on the server.
    Canceled,
    /// `internal` (HTTP 500).
    Internal,
    /// `not_found` (HTTP 404).
    NotFound,
    /// `unavailable` (HTTP 503): e.g. storage not ready.
    Unavailable,
    /// Any other value, kept verbatim so newer servers still give a readable message.
    Other(String),
}

impl PromErrorKind {
    /// Maps the wire string; unknown values are kept, not rejected, because a
    /// newer Prometheus (or Thanos, Mimir) may add kinds.
    pub fn from_wire(error_type: &str) -> PromErrorKind {
        match error_type {
            "bad_data" => PromErrorKind::BadData,
            "execution" => PromErrorKind::Execution,
            "timeout" => PromErrorKind::Timeout,
            "canceled" => PromErrorKind::Canceled,
            "internal" => PromErrorKind::Internal,
            "not_found" => PromErrorKind::NotFound,
            "unavailable" => PromErrorKind::Unavailable,
            other => PromErrorKind::Other(other.to_owned()),
        }
    }

    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            PromErrorKind::BadData => "bad_data",
            PromErrorKind::Execution => "execution",
            PromErrorKind::Timeout => "timeout",
            PromErrorKind::Canceled => "canceled",
            PromErrorKind::Internal => "internal",
            PromErrorKind::NotFound => "not_found",
            PromErrorKind::Unavailable => "unavailable",
            PromErrorKind::Other(s) => s,
        }
    }

    /// What the source did, after its name, in the operator-facing sentence.
    fn predicate(&self) -> &'static str {
        match self {
            PromErrorKind::BadData => "rejected the query",
            PromErrorKind::Execution => "could not run the query",
            PromErrorKind::Timeout => "gave up on the query",
            PromErrorKind::Canceled => "canceled the query",
            PromErrorKind::Internal => "failed internally",
            PromErrorKind::NotFound => "does not know this endpoint",
            PromErrorKind::Unavailable => "is not ready",
            PromErrorKind::Other(_) => "reported an error",
        }
    }
}

impl fmt::Display for PromErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A duration as an operator reads it: "10 s", "1.5 s", "250 ms".
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // In u64, not `as_millis`'s u128 (as `alerts::error::secs`, whose
        // test checks the two agree): a u128 was formatted only here.
        let d = self.0;
        let ms = d
            .as_secs()
            .saturating_mul(1000)
            .saturating_add(u64::from(d.subsec_millis()));
        if ms < 1000 {
            write!(f, "{ms} ms")
        } else if ms.is_multiple_of(1000) {
            write!(f, "{} s", ms / 1000)
        } else {
            write!(f, "{} s", self.0.as_secs_f64())
        }
    }
}

/// A size as an operator reads it, in the binary units configuration
/// values are usually written in: "8 MiB", "29.6 MiB", "512 bytes".
struct Bytes(u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
        if self.0 < 1024 {
            return write!(f, "{} bytes", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = UNITS[0];
        for next in &UNITS[1..] {
            // Compare as printed, so 1 MiB - 1 byte is "1 MiB", not "1024 KiB".
            if (value * 10.0).round() < 10_240.0 {
                break;
            }
            value /= 1024.0;
            unit = next;
        }
        let tenths = (value * 10.0).round() / 10.0;
        if tenths.fract() == 0.0 {
            write!(f, "{tenths:.0} {unit}")
        } else {
            write!(f, "{tenths:.1} {unit}")
        }
    }
}

/// A count with thousands separators: "100,000".
struct Count(usize);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                f.write_str(",")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

fn too_large_text(bytes: Option<u64>, limit: u64) -> String {
    let size = match bytes {
        Some(bytes) => Bytes(bytes).to_string(),
        None => format!("more than {}", Bytes(limit)),
    };
    format!(
        "answer of {size} refused: larger than datasource.max_answer_bytes ({}); \
         narrow the query or raise the limit",
        Bytes(limit)
    )
}

fn http_text(who: &Teller<'_>, status: u16, content_type: Option<&str>, excerpt: &str) -> String {
    let body = if excerpt.is_empty() {
        "(empty body)"
    } else {
        excerpt
    };
    let subject = who.subject();
    if (200..300).contains(&status) {
        let ct = content_type.unwrap_or("no content type");
        return format!(
            "expected JSON from {subject} but got {ct} (is the base URL right?): {body}"
        );
    }
    let again = who.again();
    let hint = match status {
        502 | 504 => format!(" (the proxy could not reach {again})"),
        503 => format!(" ({again} is starting or overloaded)"),
        // Mimir refuses a request without a tenant ("no org id"), and
        // serves its API under /prometheus: the usual two setup slips.
        401 | 403 if who.kind == SourceKind::Mimir => {
            " (check the credentials and the tenant header X-Scope-OrgID)".to_owned()
        }
        401 | 403 => " (check the credentials)".to_owned(),
        404 if who.kind == SourceKind::Mimir => {
            " (is the base URL right? Mimir serves the API under /prometheus)".to_owned()
        }
        404 => " (is the base URL right?)".to_owned(),
        _ => String::new(),
    };
    match status_line_reason(status, excerpt) {
        // "502 Bad Gateway" from a proxy's page: one sentence, said once.
        Some(reason) => format!("{subject} answered HTTP {status} {reason}{hint}"),
        None => format!("{subject} answered HTTP {status}{hint}: {body}"),
    }
}

/// The reason phrase when `excerpt` is nothing but a status line for
/// `status` ("502 Bad Gateway", "404 page not found"), so the sentence need
/// not repeat the code.
fn status_line_reason(status: u16, excerpt: &str) -> Option<&str> {
    let reason = excerpt.strip_prefix(&format!("{status} "))?.trim();
    let short = !reason.is_empty() && reason.chars().count() <= 40;
    let words_only = reason
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '\'');
    (short && words_only).then_some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(err: QueryError, expect: &str) {
        assert_eq!(err.to_string(), expect);
    }

    #[test]
    fn texts_read_like_sentences_for_an_operator() {
        check(
            QueryError::Unreachable {
                reason: "Failed to fetch".into(),
            },
            "Prometheus unreachable: Failed to fetch",
        );
        check(
            QueryError::Timeout {
                after: Duration::from_secs(10),
            },
            "query timed out after 10 s",
        );
        check(
            QueryError::Timeout {
                after: Duration::from_millis(1500),
            },
            "query timed out after 1.5 s",
        );
        check(
            QueryError::Timeout {
                after: Duration::from_millis(250),
            },
            "query timed out after 250 ms",
        );
        check(
            QueryError::Prometheus {
                kind: PromErrorKind::BadData,
                message: "parse error at char 5: unexpected end of input".into(),
                status: 400,
            },
            "Prometheus rejected the query (bad_data): parse error at char 5: unexpected end of input",
        );
        check(
            QueryError::Prometheus {
                kind: PromErrorKind::Other("not_acceptable".into()),
                message: "nope".into(),
                status: 406,
            },
            "Prometheus reported an error (not_acceptable): nope",
        );
        check(
            QueryError::Http {
                status: 503,
                content_type: Some("text/plain".into()),
                excerpt: "Service Unavailable".into(),
            },
            "Prometheus answered HTTP 503 (Prometheus is starting or overloaded): Service Unavailable",
        );
        check(
            QueryError::Http {
                status: 200,
                content_type: Some("text/html".into()),
                excerpt: String::new(),
            },
            "expected JSON from Prometheus but got text/html (is the base URL right?): (empty body)",
        );
        check(
            QueryError::UnexpectedResultType {
                expected: "vector",
                got: "matrix",
            },
            "expected a vector result, got a matrix",
        );
        check(
            QueryError::TooLarge {
                bytes: Some(31 * 1024 * 1024 + 200 * 1024),
                limit: 8 * 1024 * 1024,
            },
            "answer of 31.2 MiB refused: larger than datasource.max_answer_bytes (8 MiB); \
             narrow the query or raise the limit",
        );
        check(
            QueryError::TooLarge {
                bytes: None,
                limit: 8 * 1024 * 1024,
            },
            "answer of more than 8 MiB refused: larger than datasource.max_answer_bytes (8 MiB); \
             narrow the query or raise the limit",
        );
        check(
            QueryError::TooManySeries {
                series: 100_000,
                limit: 20_000,
            },
            "answer with 100,000 series refused: more than datasource.max_series (20,000); \
             narrow the query or raise the limit",
        );
    }

    #[test]
    fn a_status_line_excerpt_is_not_said_twice() {
        let http = |status, excerpt: &str| QueryError::Http {
            status,
            content_type: Some("text/html".into()),
            excerpt: excerpt.into(),
        };
        check(
            http(502, "502 Bad Gateway"),
            "Prometheus answered HTTP 502 Bad Gateway (the proxy could not reach Prometheus)",
        );
        check(
            http(404, "404 page not found"),
            "Prometheus answered HTTP 404 page not found (is the base URL right?)",
        );
        // Another code, or more than a reason phrase: kept as the body.
        check(
            http(502, "503 Service Unavailable"),
            "Prometheus answered HTTP 502 (the proxy could not reach Prometheus): 503 Service Unavailable",
        );
        check(
            http(500, "500 error: disk full on /var/lib/prometheus"),
            "Prometheus answered HTTP 500: 500 error: disk full on /var/lib/prometheus",
        );
        check(
            http(502, "502 "),
            "Prometheus answered HTTP 502 (the proxy could not reach Prometheus): 502 ",
        );
    }

    /// A second source, or an engine that is not Prometheus, is named
    /// where the text said "Prometheus"; the default teller is the
    /// `Display` text, byte for byte.
    #[test]
    fn another_source_is_named_in_place_of_prometheus() {
        let told = |err: &QueryError, teller: Teller<'_>| err.told_by(teller).to_string();
        let thanos_eu = Teller::named("thanos-eu", SourceKind::Thanos);
        let vm = Teller::kind(SourceKind::VictoriaMetrics);
        let bad_gateway = QueryError::Http {
            status: 502,
            content_type: Some("text/html".into()),
            excerpt: "502 Bad Gateway".into(),
        };
        assert_eq!(
            told(&bad_gateway, thanos_eu),
            "thanos-eu (Thanos) answered HTTP 502 Bad Gateway (the proxy could not reach it)"
        );
        assert_eq!(
            told(&bad_gateway, vm),
            "VictoriaMetrics answered HTTP 502 Bad Gateway (the proxy could not reach VictoriaMetrics)"
        );
        let starting = QueryError::Http {
            status: 503,
            content_type: Some("text/plain".into()),
            excerpt: "Service Unavailable".into(),
        };
        assert_eq!(
            told(&starting, thanos_eu),
            "thanos-eu (Thanos) answered HTTP 503 (it is starting or overloaded): Service Unavailable"
        );
        let html = QueryError::Http {
            status: 200,
            content_type: Some("text/html".into()),
            excerpt: "Grafana".into(),
        };
        assert_eq!(
            told(&html, Teller::named("mimir", SourceKind::Mimir)),
            "expected JSON from mimir but got text/html (is the base URL right?): Grafana"
        );
        let unreachable = QueryError::Unreachable {
            reason: "Failed to fetch".into(),
        };
        assert_eq!(
            told(
                &unreachable,
                Teller::named("second", SourceKind::Prometheus)
            ),
            "second (Prometheus) unreachable: Failed to fetch"
        );
        let rejected = QueryError::Prometheus {
            kind: PromErrorKind::BadData,
            message: "parse error".into(),
            status: 400,
        };
        assert_eq!(
            told(&rejected, vm),
            "VictoriaMetrics rejected the query (bad_data): parse error"
        );
        let decode = QueryError::Decode {
            line: 1,
            column: 2,
            message: "x".into(),
        };
        assert_eq!(
            told(&decode, thanos_eu),
            "unreadable answer from thanos-eu (Thanos) (line 1, column 2): x"
        );
        // Mimir's two usual setup slips get their own hints.
        let mimir = Teller::named("mimir-eu", SourceKind::Mimir);
        let http = |status, excerpt: &str| QueryError::Http {
            status,
            content_type: Some("text/plain".into()),
            excerpt: excerpt.into(),
        };
        assert_eq!(
            told(&http(401, "no org id"), mimir),
            "mimir-eu (Mimir) answered HTTP 401 (check the credentials and the tenant header \
             X-Scope-OrgID): no org id"
        );
        assert_eq!(
            told(&http(404, "404 page not found"), mimir),
            "mimir-eu (Mimir) answered HTTP 404 page not found (is the base URL right? Mimir \
             serves the API under /prometheus)"
        );
        // Texts that never named the engine stay as they are, and say so.
        let timeout = QueryError::Timeout {
            after: Duration::from_secs(10),
        };
        assert_eq!(told(&timeout, thanos_eu), "query timed out after 10 s");
        assert!(!timeout.names_source());
        for err in [
            &bad_gateway,
            &starting,
            &html,
            &unreachable,
            &rejected,
            &decode,
        ] {
            assert!(err.names_source(), "{err:?}");
            assert_eq!(told(err, Teller::default()), err.to_string());
            assert!(!told(err, thanos_eu).contains("Prometheus"), "{err:?}");
        }
    }

    #[test]
    fn sizes_and_counts_read_like_an_operator_writes_them() {
        let bytes: &[(u64, &str)] = &[
            (0, "0 bytes"),
            (1023, "1023 bytes"),
            (1024, "1 KiB"),
            (1536, "1.5 KiB"),
            (8 * 1024 * 1024, "8 MiB"),
            (1024 * 1024 - 1, "1 MiB"),
            (5 * 1024 * 1024 * 1024, "5 GiB"),
            (u64::MAX, "16777216 TiB"),
        ];
        for (n, expect) in bytes {
            assert_eq!(Bytes(*n).to_string(), *expect);
        }
        let counts: &[(usize, &str)] = &[
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (20_000, "20,000"),
            (1_234_567, "1,234,567"),
        ];
        for (n, expect) in counts {
            assert_eq!(Count(*n).to_string(), *expect);
        }
    }

    #[test]
    fn kinds_round_trip_through_the_wire_name() {
        for wire in [
            "bad_data",
            "execution",
            "timeout",
            "canceled",
            "internal",
            "not_found",
            "unavailable",
            "something_new",
        ] {
            assert_eq!(PromErrorKind::from_wire(wire).as_str(), wire);
        }
        assert_eq!(
            PromErrorKind::from_wire("something_new"),
            PromErrorKind::Other("something_new".into())
        );
    }

    #[test]
    fn predicates_classify_each_variant() {
        let prom = |kind| QueryError::Prometheus {
            kind,
            message: String::new(),
            status: 503,
        };
        // (error, timeout, canceled, transient)
        let table = [
            (
                QueryError::Unreachable { reason: "x".into() },
                false,
                false,
                true,
            ),
            (
                QueryError::Timeout {
                    after: Duration::from_secs(1),
                },
                true,
                false,
                true,
            ),
            (QueryError::Canceled, false, true, true),
            (prom(PromErrorKind::Timeout), true, false, true),
            (prom(PromErrorKind::Canceled), false, true, true),
            (prom(PromErrorKind::BadData), false, false, false),
            (prom(PromErrorKind::Execution), false, false, false),
            (
                QueryError::Decode {
                    line: 1,
                    column: 2,
                    message: "x".into(),
                },
                false,
                false,
                false,
            ),
            (
                QueryError::TooLarge {
                    bytes: None,
                    limit: 1,
                },
                false,
                false,
                false,
            ),
            (
                QueryError::TooManySeries {
                    series: 2,
                    limit: 1,
                },
                false,
                false,
                false,
            ),
        ];
        for (err, timeout, canceled, transient) in table {
            assert_eq!(err.is_timeout(), timeout, "{err:?}");
            assert_eq!(err.is_canceled(), canceled, "{err:?}");
            assert_eq!(err.is_transient(), transient, "{err:?}");
        }
        assert!(prom(PromErrorKind::BadData).is_bad_data());
        assert!(prom(PromErrorKind::Execution).is_execution());
        assert!(!prom(PromErrorKind::Execution).is_bad_data());
        let too_large = QueryError::TooLarge {
            bytes: Some(2),
            limit: 1,
        };
        let too_many = QueryError::TooManySeries {
            series: 2,
            limit: 1,
        };
        assert!(too_large.is_too_large() && !too_large.is_too_many_series());
        assert!(too_many.is_too_many_series() && !too_many.is_too_large());
    }

    #[test]
    fn fetch_failures_tell_timeout_from_cancel_from_network() {
        let ten = Duration::from_secs(10);
        let table: &[(&str, &str, Option<AbortCause>, QueryError)] = &[
            (
                "AbortError",
                "The user aborted a request.",
                Some(AbortCause::Timeout(ten)),
                QueryError::Timeout { after: ten },
            ),
            (
                "AbortError",
                "The user aborted a request.",
                Some(AbortCause::Canceled),
                QueryError::Canceled,
            ),
            ("AbortError", "", None, QueryError::Canceled),
            (
                "TypeError",
                "Failed to fetch",
                None,
                QueryError::Unreachable {
                    reason: "Failed to fetch".into(),
                },
            ),
            (
                "TypeError",
                "",
                None,
                QueryError::Unreachable {
                    reason: "TypeError".into(),
                },
            ),
            (
                "NetworkError",
                "offline",
                None,
                QueryError::Unreachable {
                    reason: "NetworkError: offline".into(),
                },
            ),
            (
                "",
                "",
                None,
                QueryError::Unreachable {
                    reason: "the browser gave no reason".into(),
                },
            ),
            // A network error that races our own timeout is reported as the timeout.
            (
                "TypeError",
                "Failed to fetch",
                Some(AbortCause::Timeout(ten)),
                QueryError::Timeout { after: ten },
            ),
        ];
        for (name, message, cause, expect) in table {
            assert_eq!(
                &QueryError::from_fetch_failure(name, message, *cause),
                expect,
                "{name} {message}"
            );
        }
    }

    #[test]
    fn error_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + std::error::Error + 'static>() {}
        assert_traits::<QueryError>();
    }
}
