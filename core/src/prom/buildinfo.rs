//! `GET /api/v1/status/buildinfo`: which version a source says it runs.
//!
//! Asked once per source for the screen's source state. Prometheus, Thanos
//! and Mimir fill `data.version`; `VictoriaMetrics` 1.79 answers `data: {}`,
//! which is "version unknown", not an error.

use super::decode::excerpt;
use super::error::QueryError;

/// The longest version string kept: it is shown on a wall screen.
pub const MAX_VERSION_CHARS: usize = 64;

/// The version in a buildinfo answer; `Ok(None)` when the source names none.
pub fn decode_buildinfo(
    http_status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Option<String>, QueryError> {
    let refused = || QueryError::Http {
        status: http_status,
        content_type: content_type.map(str::to_owned),
        excerpt: excerpt(body),
    };
    if !(200..300).contains(&http_status) {
        return Err(refused());
    }
    // Read as a `Value`, which the decoder links already: a derive of its
    // own would cost the bundle more than this answer is worth.
    let envelope: serde_json::Value = serde_json::from_slice(body).map_err(|_| refused())?;
    if envelope.get("status").and_then(serde_json::Value::as_str) != Some("success") {
        return Err(refused());
    }
    Ok(envelope
        .get("data")
        .and_then(|d| d.get("version"))
        .and_then(serde_json::Value::as_str)
        .map(|v| v.chars().take(MAX_VERSION_CHARS).collect::<String>())
        .filter(|v| !v.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_each_engine_says_them() {
        let check = |status: u16, body: &str, expect: Result<Option<&str>, ()>| {
            let got = decode_buildinfo(status, Some("application/json"), body.as_bytes());
            assert_eq!(
                got.as_ref().map(Option::as_deref).map_err(|_| ()),
                expect,
                "{body}"
            );
        };
        check(
            200,
            r#"{"status":"success","data":{"version":"2.42.0","revision":"x","goVersion":"go1.19"}}"#,
            Ok(Some("2.42.0")),
        );
        // VictoriaMetrics 1.79, recorded: no version at all.
        let vm = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/victoriametrics/buildinfo.body"
        ))
        .expect("recorded buildinfo");
        check(200, &vm, Ok(None));
        check(
            200,
            r#"{"status":"success","data":{"version":7}}"#,
            Ok(None),
        );
        check(200, r#"{"status":"error","error":"x"}"#, Err(()));
        check(404, "404 page not found", Err(()));
        check(200, "<html>", Err(()));
        let long = format!(
            r#"{{"status":"success","data":{{"version":"{}"}}}}"#,
            "9".repeat(500)
        );
        let got = decode_buildinfo(200, None, long.as_bytes()).expect("decoded");
        assert_eq!(got.map(|v| v.len()), Some(MAX_VERSION_CHARS));
    }
}
