//! Turning an HTTP answer (status, content type, body bytes) into a
//! [`QueryResult`] or a [`QueryError`] an operator can read.
//!
//! The HTTP status alone decides nothing: Prometheus sends its JSON error
//! envelope with 400, 422, 503, 500 or 404, and proxies in front of it send
//! HTML or plain text with any status. So the body is looked at first, and
//! the status only picks the wording when the body is not Prometheus JSON.

use super::error::{PromErrorKind, QueryError};
use super::model::{HistogramSample, InstantSeries, QueryData, QueryResult, RangeSeries, Sample};
use super::wire;

/// How many characters of a non-JSON body end up in an error message: enough
/// to recognise an nginx page or Prometheus's "Service Unavailable", short
/// enough for a tooltip on a wall screen.
pub const EXCERPT_CHARS: usize = 200;

/// Decodes one response of `/api/v1/query` or `/api/v1/query_range`.
///
/// Never panics, whatever the bytes.
pub fn decode_response(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<QueryResult, QueryError> {
    if !looks_like_json(content_type, body) {
        return Err(not_json(http_status, content_type, body));
    }
    match serde_json::from_slice::<wire::Envelope>(body) {
        Ok(envelope) => from_envelope(envelope, http_status),
        Err(err) => {
            if let Ok(wire::ErrorOnly {
                status: wire::Status::Error,
                error_type,
                error,
            }) = serde_json::from_slice::<wire::ErrorOnly>(body)
            {
                return Err(prometheus_error(error_type, error, http_status));
            }
            if is_success(http_status) {
                Err(QueryError::Decode {
                    line: err.line(),
                    column: err.column(),
                    message: err.to_string(),
                })
            } else {
                // A failing status with broken JSON is most likely a proxy's
                // page: the status is the more useful half of the story.
                Err(not_json(http_status, content_type, body))
            }
        }
    }
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
    let by_body = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    by_header || by_body
}

fn not_json(status: u16, content_type: Option<&str>, body: &[u8]) -> QueryError {
    QueryError::Http {
        status,
        content_type: content_type.map(str::to_owned),
        excerpt: excerpt(body),
    }
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
                excerpt: "502 Bad Gateway 502 Bad Gateway nginx/1.22.1".into(),
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
}
