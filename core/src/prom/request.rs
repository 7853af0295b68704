//! Building Prometheus HTTP requests as plain data, so that everything about
//! them except sending (URL, method, body, step) is decided and
//! tested natively. The browser client only hands the result to `fetch`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::error::QueryError;

/// Prometheus rejects range queries whose `(end - start) / step` exceeds
/// this (`web/api/v1/api.go`).
pub const MAX_POINTS_PER_SERIES: u32 = 11_000;

/// Above this many bytes of encoded parameters the request is sent as a POST
/// form instead of a GET. Proxies and CDNs cap the request line somewhere
/// between 4 KiB (nginx's default `large_client_header_buffers` line) and
/// 8 KiB; 2,000 bytes keeps GET well inside every cap while still covering
/// almost every real check, and GET keeps requests visible in access logs and
/// cacheable.
pub const MAX_GET_QUERY_BYTES: usize = 2_000;

/// The content type of a POST body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Steps a range query may use: round numbers of seconds, minutes, hours so
/// that points fall on times an operator recognises and consecutive refreshes
/// hit the same step. Spans longer than the last get whole days.
const TIDY_STEPS_S: [u64; 18] = [
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200,
    86_400,
];

/// Where Prometheus's HTTP API lives: a same-origin path such as
/// `/prometheus` (behind the nginx that serves the app) or a full
/// `http(s)://` URL. Stored without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

/// Why a configured base URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Neither a path starting with `/` nor an `http(s)://` URL.
    #[error(
        "Prometheus base URL {0:?} must be a path starting with / or an http:// or https:// URL"
    )]
    NotAbsolute(String),
    /// `http://` with nothing after it.
    #[error("Prometheus base URL {0:?} has no host")]
    NoHost(String),
    /// Parameters or fragments would be mangled when paths are appended.
    #[error("Prometheus base URL {0:?} must not contain ?, # or whitespace")]
    BadCharacter(String),
}

impl BaseUrl {
    /// Validates and normalises a configured base URL.
    pub fn parse(text: &str) -> Result<BaseUrl, BaseUrlError> {
        let trimmed = text.trim();
        if trimmed
            .chars()
            .any(|c| c == '?' || c == '#' || c.is_whitespace())
        {
            return Err(BaseUrlError::BadCharacter(text.to_owned()));
        }
        let rest = if let Some(rest) = trimmed.strip_prefix("http://") {
            Some(rest)
        } else {
            trimmed.strip_prefix("https://")
        };
        match rest {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                return Err(BaseUrlError::NoHost(text.to_owned()));
            }
            Some(_) => {}
            None if trimmed.starts_with('/') || trimmed.is_empty() => {}
            None => return Err(BaseUrlError::NotAbsolute(text.to_owned())),
        }
        Ok(BaseUrl(trimmed.trim_end_matches('/').to_owned()))
    }

    /// The normalised base, without trailing slash (empty for the site root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `path` (starting with `/`) appended to the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl Default for BaseUrl {
    /// `/prometheus`: the same-origin proxy path the shipped nginx serves.
    fn default() -> Self {
        BaseUrl("/prometheus".to_owned())
    }
}

impl FromStr for BaseUrl {
    type Err = BaseUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "/" } else { &self.0 })
    }
}

/// One question for Prometheus. Times are Unix seconds, like [`super::Sample`].
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// `/api/v1/query`, at an explicit time or at the server's own.
    Instant {
        /// The `PromQL` text.
        expr: String,
        /// Evaluation time; `None` lets Prometheus use its own clock.
        time: Option<f64>,
    },
    /// `/api/v1/query_range` for a graph `width_px` pixels wide.
    Range {
        /// The `PromQL` text.
        expr: String,
        /// First timestamp.
        start: f64,
        /// Last timestamp.
        end: f64,
        /// Plot width: the step is chosen for about one point per pixel.
        width_px: u32,
    },
}

impl Query {
    /// An instant query; surrounding whitespace of `expr` is dropped so that
    /// equal checks written differently are asked once.
    pub fn instant(expr: &str, time: f64) -> Query {
        Query::Instant {
            expr: expr.trim().to_owned(),
            time: Some(time),
        }
    }

    /// An instant query at the server's own time. The dashboard's checks ask
    /// this way: a browser whose clock is ten minutes behind would otherwise
    /// ask about ten minutes ago and judge the past as now.
    pub fn instant_now(expr: &str) -> Query {
        Query::Instant {
            expr: expr.trim().to_owned(),
            time: None,
        }
    }

    /// A range query (see [`Query::instant`] about whitespace).
    pub fn range(expr: &str, start: f64, end: f64, width_px: u32) -> Query {
        Query::Range {
            expr: expr.trim().to_owned(),
            start,
            end,
            width_px,
        }
    }

    /// The `PromQL` expression.
    pub fn expr(&self) -> &str {
        match self {
            Query::Instant { expr, .. } | Query::Range { expr, .. } => expr,
        }
    }
}

/// HTTP method of a built request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Parameters in the URL.
    Get,
    /// Parameters as a form body ([`FORM_CONTENT_TYPE`]).
    Post,
}

/// Everything `fetch` needs, decided up front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Full URL; for GET including the query string.
    pub url: String,
    /// For POST, the form-encoded parameters.
    pub body: Option<String>,
    /// For POST, [`FORM_CONTENT_TYPE`].
    pub content_type: Option<&'static str>,
}

/// Knobs that apply to every request of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Sent as Prometheus's `timeout` parameter, so the server stops
    /// working on a query nobody waits for any more.
    pub server_timeout: Option<Duration>,
    /// A source's own parameters, added to every query and range query
    /// after the dashboard's (Thanos's `partial_response=false`,
    /// `VictoriaMetrics`'s `nocache=1`); the configuration refuses the names
    /// the dashboard sets itself.
    pub params: Vec<(String, String)>,
}

impl RequestOptions {
    /// Options for a client that aborts after `client_timeout`: Prometheus
    /// is told to give up at 90 % of it, so that a slow query usually ends
    /// with Prometheus's own `timeout` error (which names the query's cost)
    /// instead of a bare abort, and stops using CPU for nobody.
    pub fn for_client(client_timeout: Duration) -> RequestOptions {
        RequestOptions {
            server_timeout: client_timeout.checked_mul(9).map(|d| d / 10),
            params: Vec::new(),
        }
    }
}

/// Builds the HTTP request for `query`.
pub fn build_request(
    base: &BaseUrl,
    query: &Query,
    options: &RequestOptions,
) -> Result<HttpRequest, QueryError> {
    let mut params = form_urlencoded::Serializer::new(String::new());
    if query.expr().is_empty() {
        return Err(invalid("the expression is empty".to_owned()));
    }
    let path = match query {
        Query::Instant { expr, time } => {
            params.append_pair("query", expr);
            if let Some(time) = time {
                params.append_pair("time", &format_time(*time)?);
            }
            "/api/v1/query"
        }
        Query::Range {
            expr,
            start,
            end,
            width_px,
        } => {
            let (start_s, end_s) = (format_time(*start)?, format_time(*end)?);
            if end < start {
                return Err(invalid(format!(
                    "range ends ({end}) before it starts ({start})"
                )));
            }
            let step = range_step(*start, *end, *width_px);
            params
                .append_pair("query", expr)
                .append_pair("start", &start_s)
                .append_pair("end", &end_s)
                .append_pair("step", &format_duration(step));
            "/api/v1/query_range"
        }
    };
    if let Some(timeout) = options.server_timeout {
        params.append_pair("timeout", &format_duration(timeout));
    }
    for (name, value) in &options.params {
        params.append_pair(name, value);
    }
    let encoded = params.finish();
    let url = base.join(path);
    Ok(if encoded.len() > MAX_GET_QUERY_BYTES {
        HttpRequest {
            method: Method::Post,
            url,
            body: Some(encoded),
            content_type: Some(FORM_CONTENT_TYPE),
        }
    } else {
        HttpRequest {
            method: Method::Get,
            url: format!("{url}?{encoded}"),
            body: None,
            content_type: None,
        }
    })
}

/// The step for a graph of `width_px` pixels over `[start, end]`: the
/// smallest tidy step that gives at most one point per pixel and at most
/// [`MAX_POINTS_PER_SERIES`]. More points than pixels cost bandwidth and
/// draw time on wall screens without showing anything more.
pub fn range_step(start: f64, end: f64, width_px: u32) -> Duration {
    let span = end - start;
    if !span.is_finite() || span <= 0.0 {
        return Duration::from_secs(TIDY_STEPS_S[0]);
    }
    let per_pixel = span / f64::from(width_px.max(1));
    let per_limit = span / f64::from(MAX_POINTS_PER_SERIES);
    let wanted = per_pixel.max(per_limit);
    if let Some(&tidy) = TIDY_STEPS_S
        .iter()
        .find(|&&s| Duration::from_secs(s).as_secs_f64() >= wanted)
    {
        return Duration::from_secs(tidy);
    }
    let day = Duration::from_hours(24);
    Duration::try_from_secs_f64((wanted / 86_400.0).ceil() * 86_400.0).unwrap_or(day * 36_500)
}

/// De-duplicates the queries of one refresh, keeping the first of each in
/// its original order: many checks share an expression (e.g. `up`), and a
/// refresh should ask Prometheus each question once. Quadratic, which is
/// cheaper than hashing for the few dozen queries of a dashboard.
pub fn distinct<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn invalid(reason: String) -> QueryError {
    QueryError::InvalidRequest { reason }
}

/// Unix seconds as Prometheus accepts them (decimal, never exponent notation).
fn format_time(t: f64) -> Result<String, QueryError> {
    if t.is_finite() {
        Ok(format!("{t}"))
    } else {
        Err(invalid(format!("time {t} is not a finite number")))
    }
}

/// A duration as float seconds, which Prometheus accepts for `step` and `timeout`.
fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        format!("{}", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let table: &[(&str, Result<&str, ()>)] = &[
            ("/prometheus", Ok("/prometheus")),
            ("/prometheus/", Ok("/prometheus")),
            (" /prometheus// ", Ok("/prometheus")),
            ("", Ok("")),
            ("/", Ok("")),
            ("http://localhost:9090", Ok("http://localhost:9090")),
            ("https://prom.example/sub/", Ok("https://prom.example/sub")),
            ("prometheus", Err(())),
            ("ftp://x", Err(())),
            ("http://", Err(())),
            ("https:///path", Err(())),
            ("/prom?x=1", Err(())),
            ("/prom#a", Err(())),
            ("/pro m", Err(())),
        ];
        for &(input, expect) in table {
            let got = BaseUrl::parse(input);
            assert_eq!(
                got.as_ref().map(BaseUrl::as_str).map_err(|_| ()),
                expect,
                "{input:?} gave {got:?}"
            );
        }
        assert_eq!(
            BaseUrl::parse("/prometheus/").map(|b| b.join("/api/v1/query")),
            Ok("/prometheus/api/v1/query".to_owned())
        );
        assert_eq!(
            BaseUrl::parse("").map(|b| b.join("/api/v1/query")),
            Ok("/api/v1/query".to_owned())
        );
    }

    fn check_request(query: &Query, options: &RequestOptions, expect: &HttpRequest) {
        let base = BaseUrl::parse("/prometheus/").unwrap();
        assert_eq!(&build_request(&base, query, options).unwrap(), expect);
    }

    #[test]
    fn instant_and_range_requests() {
        check_request(
            &Query::instant(" sum by (job) (up{job=~\"a|b\"}) ", 1_700_000_000.5),
            &RequestOptions::default(),
            &HttpRequest {
                method: Method::Get,
                url: "/prometheus/api/v1/query?query=sum+by+%28job%29+%28up%7Bjob%3D%7E%22a%7Cb%22%7D%29&time=1700000000.5".into(),
                body: None,
                content_type: None,
            },
        );
        // At the server's own time: no `time=` from a browser clock that may be wrong.
        check_request(
            &Query::instant_now(" up "),
            &RequestOptions::default(),
            &HttpRequest {
                method: Method::Get,
                url: "/prometheus/api/v1/query?query=up".into(),
                body: None,
                content_type: None,
            },
        );
        check_request(
            &Query::range("up", 0.0, 3600.0, 600),
            &RequestOptions {
                server_timeout: Some(Duration::from_millis(9_500)),
                params: Vec::new(),
            },
            &HttpRequest {
                method: Method::Get,
                url: "/prometheus/api/v1/query_range?query=up&start=0&end=3600&step=10&timeout=9.5"
                    .into(),
                body: None,
                content_type: None,
            },
        );
    }

    /// A source's parameters follow the dashboard's, encoded like them, on
    /// GET and in a POST form alike.
    #[test]
    fn source_params_are_added_to_every_query() {
        let options = RequestOptions {
            server_timeout: None,
            params: vec![
                ("dedup".to_owned(), "true".to_owned()),
                ("partial_response".to_owned(), "false".to_owned()),
                ("x".to_owned(), "a&b=c".to_owned()),
            ],
        };
        check_request(
            &Query::instant_now("up"),
            &options,
            &HttpRequest {
                method: Method::Get,
                url: "/prometheus/api/v1/query?query=up&dedup=true&partial_response=false&x=a%26b%3Dc"
                    .into(),
                body: None,
                content_type: None,
            },
        );
        check_request(
            &Query::range("up", 0.0, 3600.0, 600),
            &options,
            &HttpRequest {
                method: Method::Get,
                url: "/prometheus/api/v1/query_range?query=up&start=0&end=3600&step=10&dedup=true&partial_response=false&x=a%26b%3Dc"
                    .into(),
                body: None,
                content_type: None,
            },
        );
        let long = "x".repeat(MAX_GET_QUERY_BYTES);
        let post = build_request(&BaseUrl::default(), &Query::instant_now(&long), &options)
            .expect("built");
        assert_eq!(post.method, Method::Post);
        assert!(
            post.body
                .as_deref()
                .is_some_and(|b| b.ends_with("&dedup=true&partial_response=false&x=a%26b%3Dc")),
            "{post:?}"
        );
    }

    #[test]
    fn server_gives_up_before_the_client() {
        let table = [
            (Duration::from_secs(10), Some(Duration::from_secs(9))),
            (Duration::from_millis(500), Some(Duration::from_millis(450))),
            (Duration::ZERO, Some(Duration::ZERO)),
            (Duration::MAX, None),
        ];
        for (client, server) in table {
            assert_eq!(RequestOptions::for_client(client).server_timeout, server);
        }
    }

    #[test]
    fn long_queries_are_posted() {
        let expr = format!("up{{job=\"{}\"}}", "a".repeat(MAX_GET_QUERY_BYTES));
        let base = BaseUrl::parse("http://prom:9090").unwrap();
        let req = build_request(
            &base,
            &Query::instant(&expr, 10.0),
            &RequestOptions::default(),
        )
        .unwrap();
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.url, "http://prom:9090/api/v1/query");
        assert_eq!(req.content_type, Some(FORM_CONTENT_TYPE));
        let body = req.body.unwrap();
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("query".to_owned(), expr),
                ("time".to_owned(), "10".to_owned())
            ]
        );
        // Just under the threshold stays a GET.
        let short = build_request(
            &base,
            &Query::instant("up", 10.0),
            &RequestOptions::default(),
        )
        .unwrap();
        assert_eq!(short.method, Method::Get);
    }

    #[test]
    fn bad_requests_are_refused_not_sent() {
        let base = BaseUrl::parse("/").unwrap();
        let opts = RequestOptions::default();
        for query in [
            Query::instant("  ", 1.0),
            Query::instant("up", f64::NAN),
            Query::range("up", 10.0, 5.0, 100),
            Query::range("up", 0.0, f64::INFINITY, 100),
        ] {
            let got = build_request(&base, &query, &opts);
            assert!(
                got.as_ref().is_err_and(QueryError::is_invalid_request),
                "{query:?} gave {got:?}"
            );
        }
    }

    #[test]
    fn steps_are_tidy_and_within_limits() {
        // (span seconds, width px, expected step seconds)
        let table: &[(f64, u32, u64)] = &[
            (3_600.0, 600, 10),      // 6 s per px -> 10 s
            (3_600.0, 3_600, 1),     // exactly 1 s per px
            (3_600.0, 0, 3_600),     // zero width behaves like one pixel
            (86_400.0, 1_000, 120),  // 86.4 s -> 2 min
            (604_800.0, 1_920, 600), // a week on a 1080p screen: 315 s -> 10 min
            (0.0, 100, 1),
            (-5.0, 100, 1),
            (200_000.0, 100_000, 30), // the 11,000-point cap wins over width
            (30.0 * 86_400.0, 1, 30 * 86_400),
            (100.0 * 86_400.0 + 1.0, 1, 101 * 86_400),
        ];
        for &(span, width, expect) in table {
            let step = range_step(1_000.0, 1_000.0 + span, width);
            assert_eq!(
                step,
                Duration::from_secs(expect),
                "{span} s over {width} px"
            );
            if span > 0.0 {
                assert!(span / step.as_secs_f64() <= f64::from(MAX_POINTS_PER_SERIES));
            }
        }
        assert_eq!(range_step(0.0, f64::NAN, 100), Duration::from_secs(1));
        // Absurd spans saturate rather than panic.
        assert!(range_step(0.0, 1e300, 1) > Duration::ZERO);
    }

    #[test]
    fn distinct_keeps_first_occurrence_order() {
        let table: &[(&[&str], &[&str])] = &[
            (&["up", "a", "up", "b", "a"], &["up", "a", "b"]),
            (&[], &[]),
            (&["x"], &["x"]),
        ];
        for &(input, expect) in table {
            assert_eq!(distinct(input.iter().copied()), expect);
        }
        let queries = distinct([
            Query::instant("up ", 5.0),
            Query::instant("up", 5.0),
            Query::instant("up", 6.0),
            Query::range("up", 0.0, 5.0, 10),
        ]);
        assert_eq!(
            queries,
            vec![
                Query::instant("up", 5.0),
                Query::instant("up", 6.0),
                Query::range("up", 0.0, 5.0, 10)
            ]
        );
    }
}
