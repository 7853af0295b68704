//! What the fuzz targets check, as plain functions: the libFuzzer targets in
//! `fuzz_targets/` call them with generated inputs, and `tests/replay.rs` runs
//! every corpus file through them once as an ordinary test (CI does that, without
//! libFuzzer). Each function panics when an invariant breaks.

use panopticon_core::prom::{EXCERPT_CHARS, QueryError, decode_response};
use panopticon_engine::Config;
use panopticon_engine::config::MAX_GRAPHS_PER_VIEW;

const STATUSES: [u16; 8] = [200, 400, 404, 422, 500, 502, 503, 204];
const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/json"),
    Some("text/plain; charset=utf-8"),
    Some("text/html"),
    None,
];

/// Any bytes, under any status and content type, must decode to a result or a
/// readable error. The first two input bytes pick the HTTP status and the
/// content type, the rest is the body, so the fixture seeds (see `seed.sh`)
/// start from real Prometheus answers.
pub fn check_decode_response(data: &[u8]) {
    let (status, content_type, body) = match data {
        [s, c, body @ ..] => (
            STATUSES[usize::from(*s) % STATUSES.len()],
            CONTENT_TYPES[usize::from(*c) % CONTENT_TYPES.len()],
            body,
        ),
        _ => (200, None, data),
    };
    match decode_response(status, content_type, body) {
        Ok(result) => {
            // A result only ever comes from a JSON object, never from a
            // proxy's page or plain text.
            let first = body.iter().find(|b| !b.is_ascii_whitespace());
            assert_eq!(first, Some(&b'{'), "result {result:?} from a non-object");
        }
        Err(err) => {
            assert!(!err.to_string().is_empty());
            if let QueryError::Http { excerpt, .. } = err {
                assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1);
            }
        }
    }
}

/// The name every fuzzed configuration is parsed under.
pub const CONFIG_NAME: &str = "fuzz.yaml";

/// Any text must parse to a valid configuration or to errors that each name the
/// file and, where they point somewhere, a line inside the text and a column, with
/// something to say; a valid
/// configuration keeps the promises the rest of the app relies on. Bytes that are
/// not UTF-8 are read lossily (the browser decodes a fetched file the same way).
pub fn check_config_from_yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let lines = yaml_lines(&text);
    match Config::from_yaml(CONFIG_NAME, &text) {
        Ok(config) => {
            assert_eq!(config.source_name, CONFIG_NAME);
            let mut ids: Vec<&str> = config.services.iter().map(|s| s.id.as_str()).collect();
            ids.sort_unstable();
            let count = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), count, "duplicate service ids accepted");
            for view in &config.views {
                assert!(
                    view.graphs.len() <= MAX_GRAPHS_PER_VIEW,
                    "view {:?} has too many graphs",
                    view.id
                );
            }
            assert!(
                config.datasource.refresh_secs > 0.0 && config.datasource.refresh_secs.is_finite()
            );
            // Parsing is a function of the text.
            assert_eq!(Config::from_yaml(CONFIG_NAME, &text).as_ref(), Ok(&config));
        }
        Err(err) => {
            let messages = err.messages();
            assert!(!messages.is_empty(), "an error without a message: {err:?}");
            for message in &messages {
                let rest = message
                    .strip_prefix(CONFIG_NAME)
                    .and_then(|r| r.strip_prefix(':'))
                    .unwrap_or_else(|| panic!("the file is not named: {message:?}"));
                // `file:line:column: what`, or `file: what` for a problem of the
                // whole file (an empty one has no position to point at).
                let what = match position(rest) {
                    Some((line, column, what)) => {
                        assert!(
                            line <= lines,
                            "line {line} beyond the text's {lines} lines: {message:?}"
                        );
                        assert!(
                            line == 0 || column >= 1,
                            "column 0 with a line: {message:?}"
                        );
                        what
                    }
                    None => rest,
                };
                assert!(!what.trim().is_empty(), "nothing said: {message:?}");
            }
        }
    }
}

/// Lines as YAML counts them: `\r\n`, `\r` and `\n` each end one (`str::lines`
/// knows no lone `\r`, which old Mac files and the fuzzer use).
fn yaml_lines(text: &str) -> u64 {
    let breaks = text.replace("\r\n", "\n").matches(['\r', '\n']).count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

/// `LINE:COLUMN: what` → (line, column, what).
fn position(rest: &str) -> Option<(u64, u64, &str)> {
    let (line, rest) = rest.split_once(':')?;
    let (column, what) = rest.split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?, what))
}
