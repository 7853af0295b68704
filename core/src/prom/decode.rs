//! Turning an HTTP answer (status, content type, body bytes) into a
//! [`QueryResult`] or a [`QueryError`] an operator can read.
//!
//! Only a 2xx answer can be a result: a 503 whose body is a success envelope
//! (a caching proxy, a broken middlebox) is an HTTP error whatever the body
//! says, or a failing source would look healthy. Otherwise the body is
//! looked at first: Prometheus sends its JSON error envelope with 400, 422,
//! 503, 500 or 404, and proxies in front of it send HTML or plain text with
//! any status, so the status only picks the wording when the body is not
//! Prometheus JSON. An HTML page is reduced to its title (nginx's 502 page
//! says "502 Bad Gateway" three times).

use super::error::{PromErrorKind, QueryError};
use super::limits::AnswerLimits;
use super::result::{HistogramSample, InstantSeries, QueryData, QueryResult, RangeSeries, Sample};
use super::wire;

/// How many characters of a non-JSON body end up in an error message: enough
/// to recognise an nginx page or Prometheus's "Service Unavailable", short
/// enough for a tooltip on a wall screen.
pub const EXCERPT_CHARS: usize = 200;

/// How far into an HTML page its title is looked for: pages put it in the
/// head, and a megabyte of markup is not worth scanning for an error text.
const HTML_SCAN_BYTES: usize = 16 * 1024;

/// What a failing answer's excerpt says when its body is a success
/// envelope: the body is not shown, it is not the problem.
pub const SUCCESS_BODY_IGNORED: &str =
    "its body claims success; a failing status is never taken as data";

/// Decodes one response of `/api/v1/query` or `/api/v1/query_range`, with
/// no bound on its size or series (see [`decode_response_within`]).
///
/// Never panics, whatever the bytes.
pub fn decode_response(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<QueryResult, QueryError> {
    decode_response_within(&AnswerLimits::UNLIMITED, http_status, content_type, body)
}

/// Decodes one response, refusing a successful body larger than
/// `limits.max_bytes` and a result with more than `limits.max_series`
/// series. The series are counted while they are decoded: at most
/// `max_series` are ever built, the rest are skipped and only counted.
///
/// Never panics, whatever the bytes.
pub fn decode_response_within(
    limits: &AnswerLimits,
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<QueryResult, QueryError> {
    if !looks_like_json(content_type, body) {
        return Err(not_json(http_status, content_type, body));
    }
    if !is_success(http_status) {
        return Err(failed_status(http_status, content_type, body));
    }
    let size = u64::try_from(body.len()).unwrap_or(u64::MAX);
    if size > limits.max_bytes {
        return Err(QueryError::TooLarge {
            bytes: Some(size),
            limit: limits.max_bytes,
        });
    }
    match wire::decode_envelope(body, limits.max_series) {
        Ok(envelope) => from_envelope(envelope, http_status),
        Err(wire::EnvelopeError::TooManySeries(series)) => Err(QueryError::TooManySeries {
            series,
            limit: limits.max_series,
        }),
        Err(wire::EnvelopeError::Json(err)) => {
            if let Ok(wire::ErrorOnly {
                status: wire::Status::Error,
                error_type,
                error,
            }) = serde_json::from_slice::<wire::ErrorOnly>(body)
            {
                return Err(prometheus_error(error_type, error, http_status));
            }
            Err(QueryError::Decode {
                line: err.line(),
                column: err.column(),
                message: err.to_string(),
            })
        }
    }
}

/// A JSON-looking body with a failing status: Prometheus's error envelope
/// if it is one, an HTTP error otherwise. Only `status`, `errorType` and
/// `error` are read; a `data` next to them is skipped, never built.
fn failed_status(status: u16, content_type: Option<&str>, body: &[u8]) -> QueryError {
    match serde_json::from_slice::<wire::ErrorOnly>(body) {
        Ok(wire::ErrorOnly {
            status: wire::Status::Error,
            error_type,
            error,
        }) => prometheus_error(error_type, error, status),
        Ok(wire::ErrorOnly {
            status: wire::Status::Success,
            ..
        }) => success_body_ignored(status, content_type),
        // The client reads only the start of a failing answer, so a long
        // success envelope arrives cut off: recognise it by its start.
        Err(_) if starts_as_success(body) => success_body_ignored(status, content_type),
        // Most likely a proxy's page: the status is the more useful half
        // of the story.
        Err(_) => not_json(status, content_type, body),
    }
}

fn success_body_ignored(status: u16, content_type: Option<&str>) -> QueryError {
    QueryError::Http {
        status,
        content_type: content_type.map(str::to_owned),
        excerpt: SUCCESS_BODY_IGNORED.to_owned(),
    }
}

/// `{"status":"success"` at the start, whitespace allowed: how Prometheus
/// starts every success envelope.
fn starts_as_success(body: &[u8]) -> bool {
    let mut rest = body;
    for token in [&b"{"[..], b"\"status\"", b":", b"\"success\""] {
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        match rest[start..].strip_prefix(token) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    true
}

fn from_envelope(envelope: wire::Envelope, http_status: u16) -> Result<QueryResult, QueryError> {
    match envelope.status {
        wire::Status::Error => Err(prometheus_error(
            envelope.error_type,
            envelope.error,
            http_status,
        )),
        wire::Status::Success => {
            let data = envelope.data.ok_or_else(|| QueryError::Decode {
                line: 0,
                column: 0,
                message: "status is success but data is missing".to_owned(),
            })?;
            Ok(QueryResult {
                data: data.into(),
                warnings: envelope.warnings.unwrap_or_default(),
                infos: envelope.infos.unwrap_or_default(),
                is_partial: envelope.is_partial.unwrap_or(false),
            })
        }
    }
}

fn prometheus_error(error_type: Option<String>, error: Option<String>, status: u16) -> QueryError {
    QueryError::Prometheus {
        kind: PromErrorKind::from_wire(error_type.as_deref().unwrap_or("")),
        message: error.unwrap_or_else(|| "(no message)".to_owned()),
        status,
    }
}

const fn is_success(status: u16) -> bool {
    status >= 200 && status < 300
}

/// JSON by header, or by its first byte when a proxy sends the wrong header.
fn looks_like_json(content_type: Option<&str>, body: &[u8]) -> bool {
    let by_header = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    let by_body = first_byte(body) == Some(b'{');
    by_header || by_body
}

fn first_byte(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// HTML by header, or by its first byte (`<!DOCTYPE`, `<html>`).
fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let by_header = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
    by_header || first_byte(body) == Some(b'<')
}

fn not_json(status: u16, content_type: Option<&str>, body: &[u8]) -> QueryError {
    let excerpt = if looks_like_html(content_type, body) {
        page_excerpt(body)
    } else {
        excerpt(body)
    };
    QueryError::Http {
        status,
        content_type: content_type.map(str::to_owned),
        excerpt,
    }
}

/// What an HTML page says in a line: its `<title>`, else its first `<h1>`,
/// else its text without scripts and styles; entities decoded, cut at
/// [`EXCERPT_CHARS`] characters.
pub fn page_excerpt(body: &[u8]) -> String {
    let head = String::from_utf8_lossy(&body[..body.len().min(HTML_SCAN_BYTES)]);
    let lower = head.to_ascii_lowercase();
    for element in ["title", "h1"] {
        if let Some(inner) = element_text(&head, &lower, element) {
            let text = decode_entities(&excerpt(inner.as_bytes()));
            if !text.is_empty() {
                return text;
            }
        }
    }
    let mut text = head.into_owned();
    for element in ["script", "style"] {
        text = remove_elements(&text, element);
    }
    decode_entities(&excerpt(text.as_bytes()))
}

/// The inner markup of the first `<name …>…</name>` in `text`; `lower` is
/// `text` in ASCII lower case (same byte offsets).
fn element_text<'a>(text: &'a str, lower: &str, name: &str) -> Option<&'a str> {
    let open = find_open_tag(lower, name, 0)?;
    let inner_start = open + lower[open..].find('>')? + 1;
    let inner_end = inner_start
        + lower[inner_start..]
            .find(&format!("</{name}"))
            .unwrap_or(lower.len() - inner_start);
    text.get(inner_start..inner_end)
}

/// Where `<name` starts as a whole tag name (`<h1>` but not `<h10>`,
/// `<title>` but not `<titles>`), from `from` on.
fn find_open_tag(lower: &str, name: &str, from: usize) -> Option<usize> {
    let needle = format!("<{name}");
    let mut at = from;
    loop {
        let found = at + lower[at..].find(&needle)?;
        let after = lower.as_bytes().get(found + needle.len()).copied();
        if matches!(
            after,
            None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
        ) {
            return Some(found);
        }
        at = found + needle.len();
    }
}

/// `text` without its `<name …>…</name>` elements (an unclosed one runs to
/// the end).
fn remove_elements(text: &str, name: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let close = format!("</{name}");
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(open) = find_open_tag(&lower, name, at) {
        out.push_str(&text[at..open]);
        at = match lower[open..].find(&close) {
            Some(end) => {
                let end = open + end;
                lower[end..].find('>').map_or(text.len(), |gt| end + gt + 1)
            }
            None => text.len(),
        };
    }
    out.push_str(&text[at..]);
    out
}

/// The entities an error page uses; others are left as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32)
                    .filter(|c| !c.is_control()),
            };
            c.map(|c| (c, semi))
        });
        if let Some((c, semi)) = decoded {
            out.push(c);
            rest = &rest[semi + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The readable start of a body: HTML tags removed,
/// whitespace collapsed, cut at [`EXCERPT_CHARS`] characters.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    let mut in_tag = false;
    let mut pending_space = false;
    let mut chars = 0;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                pending_space = true;
            }
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => pending_space = true,
            c => {
                let space = pending_space && !out.is_empty();
                if chars + usize::from(space) >= EXCERPT_CHARS {
                    out.push('…');
                    break;
                }
                if space {
                    out.push(' ');
                    chars += 1;
                }
                pending_space = false;
                out.push(c);
                chars += 1;
            }
        }
    }
    out
}

impl From<wire::Data> for QueryData {
    fn from(data: wire::Data) -> Self {
        match data {
            wire::Data::Vector(series) => {
                QueryData::Vector(series.into_iter().map(Into::into).collect())
            }
            wire::Data::Matrix(series) => {
                QueryData::Matrix(series.into_iter().map(Into::into).collect())
            }
            wire::Data::Scalar(sample) => QueryData::Scalar(sample.into()),
            wire::Data::String(wire::StringSample(timestamp, value)) => {
                QueryData::String { timestamp, value }
            }
        }
    }
}

impl From<wire::Sample> for Sample {
    fn from(s: wire::Sample) -> Self {
        Sample {
            timestamp: s.timestamp,
            value: s.value,
        }
    }
}

impl From<wire::HistogramSample> for HistogramSample {
    fn from(h: wire::HistogramSample) -> Self {
        HistogramSample {
            timestamp: h.timestamp,
            count: h.count,
            sum: h.sum,
        }
    }
}

impl From<wire::InstantSeries> for InstantSeries {
    fn from(s: wire::InstantSeries) -> Self {
        InstantSeries {
            labels: s.metric,
            sample: s.value.map(Into::into),
            histogram: s.histogram.map(Into::into),
        }
    }
}

impl From<wire::RangeSeries> for RangeSeries {
    fn from(s: wire::RangeSeries) -> Self {
        RangeSeries {
            labels: s.metric,
            samples: s.values.into_iter().map(Into::into).collect(),
            histograms: s.histograms.into_iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, ct: Option<&str>, body: &str, expect: &Result<QueryResult, QueryError>) {
        assert_eq!(
            &decode_response(status, ct, body.as_bytes()),
            expect,
            "{status} {ct:?} {body}"
        );
    }

    fn plain(data: QueryData) -> QueryResult {
        QueryResult {
            data,
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }
    }

    const JSON: Option<&str> = Some("application/json");

    #[test]
    fn shapes_and_failures() {
        check(
            200,
            JSON,
            r#"{"status":"success","data":{"resultType":"scalar","result":[10,"1"]}}"#,
            &Ok(plain(QueryData::Scalar(Sample {
                timestamp: 10.0,
                value: 1.0,
            }))),
        );
        check(
            200,
            JSON,
            r#"{"status":"success","data":{"resultType":"string","result":[10,"hi"]}}"#,
            &Ok(plain(QueryData::String {
                timestamp: 10.0,
                value: "hi".into(),
            })),
        );
        check(
            200,
            None,
            r#" {"status":"success","data":{"resultType":"vector","result":[]},"warnings":["w"],"infos":["i"]}"#,
            &Ok(QueryResult {
                data: QueryData::Vector(vec![]),
                warnings: vec!["w".into()],
                infos: vec!["i".into()],
                is_partial: false,
            }),
        );
        check(
            400,
            JSON,
            r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
            &Err(QueryError::Prometheus {
                kind: PromErrorKind::BadData,
                message: "parse error".into(),
                status: 400,
            }),
        );
        // Odd `data` next to an error must not hide the error.
        check(
            422,
            JSON,
            r#"{"status":"error","data":42,"errorType":"execution","error":"too many samples"}"#,
            &Err(QueryError::Prometheus {
                kind: PromErrorKind::Execution,
                message: "too many samples".into(),
                status: 422,
            }),
        );
        check(
            503,
            Some("text/plain; charset=utf-8"),
            "Service Unavailable\n",
            &Err(QueryError::Http {
                status: 503,
                content_type: Some("text/plain; charset=utf-8".into()),
                excerpt: "Service Unavailable".into(),
            }),
        );
        check(
            502,
            Some("text/html"),
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n",
            &Err(QueryError::Http {
                status: 502,
                content_type: Some("text/html".into()),
                excerpt: "502 Bad Gateway".into(),
            }),
        );
        check(
            502,
            JSON,
            "{ broken",
            &Err(QueryError::Http {
                status: 502,
                content_type: Some("application/json".into()),
                excerpt: "{ broken".into(),
            }),
        );
        check(
            200,
            JSON,
            r#"{"status":"success"}"#,
            &Err(QueryError::Decode {
                line: 0,
                column: 0,
                message: "status is success but data is missing".into(),
            }),
        );
    }

    #[test]
    fn decode_errors_say_where() {
        let err = decode_response(
            200,
            JSON,
            b"{\"status\":\"success\",\n\"data\":{\"resultType\":\"tensor\",\"result\":[]}}",
        )
        .unwrap_err();
        let QueryError::Decode {
            line,
            column,
            message,
        } = err
        else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(line, 2);
        assert!(column > 0);
        assert!(message.contains("tensor"), "{message}");
    }

    #[test]
    fn excerpts_are_short_and_readable() {
        for long in ["x".repeat(1000), "x ".repeat(1000), "é".repeat(1000)] {
            let cut = excerpt(long.as_bytes());
            assert!(cut.chars().count() <= EXCERPT_CHARS + 1, "{cut}");
            assert!(cut.chars().count() >= EXCERPT_CHARS - 1, "{cut}");
            assert!(cut.ends_with('…'));
        }
        let exact = "y".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(exact.as_bytes()), exact);
        assert_eq!(excerpt(b"  a \n\t b  "), "a b");
        assert_eq!(excerpt(b"<p>a</p><p>b</p>"), "a b");
        assert_eq!(excerpt(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
        assert_eq!(excerpt(b""), "");
    }

    #[test]
    fn a_failing_status_is_an_error_whatever_the_body() {
        let success = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}"#;
        let ignored = |status: u16| {
            Err(QueryError::Http {
                status,
                content_type: JSON.map(str::to_owned),
                excerpt: SUCCESS_BODY_IGNORED.into(),
            })
        };
        for status in [0, 100, 199, 300, 304, 404, 500, 502, 503, 504, 599] {
            check(status, JSON, success, &ignored(status));
            // Cut off, as the client reads only the start of a failing answer.
            check(status, JSON, &success[..40], &ignored(status));
            check(
                status,
                JSON,
                "\n { \"status\" : \"success\" ,",
                &ignored(status),
            );
        }
        for status in [200, 299] {
            assert!(decode_response(status, JSON, success.as_bytes()).is_ok());
        }
        // Prometheus's own error envelope still reads as one.
        check(
            503,
            JSON,
            r#"{"status":"error","errorType":"unavailable","error":"not ready","data":{"resultType":"vector","result":[]}}"#,
            &Err(QueryError::Prometheus {
                kind: PromErrorKind::Unavailable,
                message: "not ready".into(),
                status: 503,
            }),
        );
    }

    #[test]
    fn html_pages_are_reduced_to_their_title() {
        let html = Some("text/html; charset=utf-8");
        let table: &[(&str, &str)] = &[
            (
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n",
                "502 Bad Gateway",
            ),
            (
                "<!DOCTYPE html><HTML><HEAD><TITLE lang=en>\n  503 Service\n Temporarily Unavailable </TITLE></HEAD></HTML>",
                "503 Service Temporarily Unavailable",
            ),
            // No title: the first heading, not the <h10> or <header>.
            (
                "<html><body><header>menu</header><h1 class=x>Proxy <b>Error</b></h1><p>details</p></body></html>",
                "Proxy Error",
            ),
            // Neither: the text, without scripts and styles.
            (
                "<html><head><style>p { color: red }</style><script>var a = '<b>';</script></head><body><p>Upstream &amp; cache &lt;down&gt;</p><SCRIPT>x()</SCRIPT></body></html>",
                "Upstream & cache <down>",
            ),
            (
                "<title>A &#38; B &#x26; C &bogus; &#0; &</title>",
                "A & B & C &bogus; &#0; &",
            ),
            ("<title></title><h1>Gateway Timeout</h1>", "Gateway Timeout"),
            ("<title>unclosed", "unclosed"),
            ("<html>", ""),
        ];
        for (page, expect) in table {
            check(
                502,
                html,
                page,
                &Err(QueryError::Http {
                    status: 502,
                    content_type: html.map(str::to_owned),
                    excerpt: (*expect).into(),
                }),
            );
        }
        // Recognised by its first byte when the header is missing.
        assert_eq!(
            decode_response(502, None, b"  <html><title>Bad Gateway</title></html>"),
            Err(QueryError::Http {
                status: 502,
                content_type: None,
                excerpt: "Bad Gateway".into(),
            })
        );
        let long_title = format!("<title>{}</title>", "word ".repeat(500));
        assert!(page_excerpt(long_title.as_bytes()).chars().count() <= EXCERPT_CHARS + 1);
        // A title beyond the scanned head is not looked for.
        let late = format!("<p>{}</p><title>late</title>", "x".repeat(HTML_SCAN_BYTES));
        assert!(!page_excerpt(late.as_bytes()).contains("late"));
    }

    #[test]
    fn limits_refuse_big_successes_only() {
        let limits = AnswerLimits {
            max_bytes: 200,
            max_series: 2,
        };
        let within =
            |status, body: &str| decode_response_within(&limits, status, JSON, body.as_bytes());
        let series = |n: usize| {
            let one = r#"{"metric":{},"value":[1,"1"]}"#;
            format!(
                r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#,
                vec![one; n].join(",")
            )
        };
        assert_eq!(within(200, &series(2)).map(|r| r.data.kind()), Ok("vector"));
        assert_eq!(
            within(200, &series(3)),
            Err(QueryError::TooManySeries {
                series: 3,
                limit: 2
            })
        );
        let big = format!(
            r#"{{"status":"success","data":null,"pad":"{}"}}"#,
            "x".repeat(200)
        );
        assert_eq!(
            within(200, &big),
            Err(QueryError::TooLarge {
                bytes: Some(u64::try_from(big.len()).unwrap()),
                limit: 200
            })
        );
        // A failing answer is reported as such, not as too large.
        let error = format!(
            r#"{{"status":"error","errorType":"internal","error":"{}"}}"#,
            "x".repeat(300)
        );
        assert!(within(500, &error).is_err_and(|e| e.is_prometheus()));
        assert!(within(503, &series(3)).is_err_and(|e| e.is_http()));
        // Unbounded decoding keeps every series.
        assert_eq!(
            decode_response(200, JSON, series(3).as_bytes())
                .map(|r| r.into_vector().map(|v| v.len())),
            Ok(Ok(3))
        );
    }
}
