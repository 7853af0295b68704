//! A label's values (`GET /api/v1/label/<label>/values?match[]=…`), the
//! allowed values of a template variable declared with `label_values:`.
//!
//! The answer is bounded twice: its body by `max_bytes` as it streams in
//! (like every answer), and its list while it is decoded, so a label with a
//! million values costs neither memory nor a picker nobody can scroll.

use std::time::Duration;

use panopticon_core::prom::{self, AnswerLimits, BaseUrl, HttpRequest, Method, QueryError};
use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

use crate::fetch;

/// Most values kept from one answer (the engine's `MAX_OPTIONS`).
pub const MAX_LABEL_VALUES: usize = 10_000;
/// Longer values are dropped: none can be chosen (the engine's `MAX_VALUE_CHARS`).
pub const MAX_LABEL_VALUE_CHARS: usize = 256;

/// The values of `label` on the series `matcher` selects (all series
/// without one), at most [`MAX_LABEL_VALUES`] of at most
/// [`MAX_LABEL_VALUE_CHARS`] characters each, in the answer's order. `label`
/// is a label name the configuration checked (`[a-zA-Z_][a-zA-Z0-9_]*`).
pub async fn fetch_label_values(
    base_url: &BaseUrl,
    label: &str,
    matcher: Option<&str>,
    timeout: Duration,
    max_bytes: u64,
) -> Result<Vec<String>, QueryError> {
    let mut url = base_url.join(&format!("/api/v1/label/{label}/values"));
    if let Some(m) = matcher {
        url.push_str("?match%5B%5D=");
        url.push_str(&String::from(js_sys::encode_uri_component(m)));
    }
    let request = HttpRequest {
        method: Method::Get,
        url,
        body: None,
        content_type: None,
    };
    let limits = AnswerLimits {
        max_bytes,
        max_series: usize::MAX,
    };
    let answer = fetch::get_bounded(&request, timeout, &limits).await?;
    if !(200..300).contains(&answer.status) {
        // Prometheus's error envelope or a proxy's page, worded as for a query.
        let content_type = answer.content_type;
        return match prom::decode_response_within(
            &limits,
            answer.status,
            content_type.as_deref(),
            &answer.body,
        ) {
            Err(e) => Err(e),
            Ok(_) => Err(QueryError::Http {
                status: answer.status,
                content_type,
                excerpt: String::new(),
            }),
        };
    }
    decode(&answer.body)
}

/// `{"status":"success","data":[…]}`, bounded while read.
fn decode(body: &[u8]) -> Result<Vec<String>, QueryError> {
    #[derive(Deserialize)]
    struct Envelope {
        status: String,
        #[serde(default)]
        data: Option<Bounded>,
    }
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| QueryError::Decode {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    match (envelope.status.as_str(), envelope.data) {
        ("success", Some(Bounded(values))) => Ok(values),
        _ => Err(QueryError::Decode {
            line: 0,
            column: 0,
            message: "a label-values answer needs status \"success\" and a list in data".to_owned(),
        }),
    }
}

/// A list of strings of which only the first [`MAX_LABEL_VALUES`] short
/// enough are kept; the rest is read past without being stored.
struct Bounded(Vec<String>);

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keep;
        impl<'de> Visitor<'de> for Keep {
            type Value = Bounded;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of label values")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bounded, A::Error> {
                let mut kept = Vec::new();
                while let Some(value) = seq.next_element::<String>()? {
                    if kept.len() < MAX_LABEL_VALUES
                        && value.chars().count() <= MAX_LABEL_VALUE_CHARS
                    {
                        kept.push(value);
                    }
                }
                Ok(Bounded(kept))
            }
        }
        deserializer.deserialize_seq(Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn answers_are_bounded_while_read() {
        let many: Vec<String> = (0..12_000).map(|i| format!("\"v{i}\"")).collect();
        let body = format!(
            "{{\"status\":\"success\",\"data\":[\"{}\",{}]}}",
            "x".repeat(300),
            many.join(",")
        );
        let values = decode(body.as_bytes()).expect("decodes");
        assert_eq!(values.len(), 10_000);
        assert_eq!(values[0], "v0");
        assert!(decode(br#"{"status":"error","data":[]}"#).is_err());
        assert!(decode(br#"{"status":"success","data":[1]}"#).is_err());
        assert!(decode(b"[").is_err());
    }
}
