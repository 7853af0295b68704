//! The decoder must turn any bytes into a result or a readable error, never a
//! panic: a wall screen runs for weeks against whatever a proxy sends.
//!
//! This is the CI-side stand-in for the cargo-fuzz target in `fuzz/`: it
//! replays the recorded fixtures, every truncation of them, random mutations
//! of them, random bytes and random JSON-ish token soups, a bounded number of
//! cases each, so it runs in seconds.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use panopticon_core::prom::{
    AnswerLimits, EXCERPT_CHARS, QueryData, QueryError, decode_response, decode_response_within,
};
use proptest::prelude::*;

/// Read once: the mutation test asks for them in every case.
static BODIES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(read_fixture_bodies);

fn fixture_bodies() -> &'static [Vec<u8>] {
    &BODIES
}

fn read_fixture_bodies() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/prometheus");
    let mut bodies = Vec::new();
    for dir in [root.clone(), root.join("derived")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "body"))
            .collect();
        paths.sort();
        bodies.extend(paths.iter().map(|p| std::fs::read(p).expect("body")));
    }
    assert!(bodies.len() >= 20, "fixtures missing: {}", bodies.len());
    bodies
}

const STATUSES: [u16; 9] = [200, 204, 400, 404, 422, 500, 502, 503, 0];
const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/json"),
    Some("text/plain; charset=utf-8"),
    Some("text/html"),
    None,
];

/// Tight enough that the fixtures and the generated bodies cross them.
const TIGHT: AnswerLimits = AnswerLimits {
    max_bytes: 300,
    max_series: 2,
};

/// Decodes under every status/content-type pair, unbounded and within
/// [`TIGHT`] limits, and checks what can be checked without knowing the
/// input: errors have a readable text, excerpts stay short, only a 2xx
/// answer is ever a result, and a result stays within the limits it was
/// decoded under.
fn decode_everywhere(body: &[u8]) {
    for status in STATUSES {
        for ct in CONTENT_TYPES {
            for limits in [AnswerLimits::UNLIMITED, TIGHT] {
                match decode_response_within(&limits, status, ct, body) {
                    Ok(result) => {
                        assert!((200..300).contains(&status), "a result from HTTP {status}");
                        assert!(body.len() as u64 <= limits.max_bytes);
                        let series = match &result.data {
                            QueryData::Vector(v) => v.len(),
                            QueryData::Matrix(m) => m.len(),
                            _ => 1,
                        };
                        assert!(series <= limits.max_series.max(1), "{series} series");
                    }
                    Err(err) => {
                        assert!(!err.to_string().is_empty());
                        if let QueryError::Http { excerpt, .. } = &err {
                            assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_truncation_of_every_fixture() {
    for body in fixture_bodies() {
        for end in 0..=body.len() {
            decode_everywhere(&body[..end]);
        }
    }
}

#[test]
fn truncated_success_bodies_are_errors_not_results() {
    // Guards against a false green from a cut-off answer.
    for body in fixture_bodies() {
        if body.starts_with(b"{\"status\":\"success\"") {
            for end in 0..body.len() {
                let got = decode_response(200, Some("application/json"), &body[..end]);
                assert!(got.is_err(), "prefix of {end} bytes decoded to {got:?}");
            }
        }
    }
}

/// Pieces of the Prometheus API's vocabulary, so that random sequences get
/// past the first byte and exercise the deeper paths of the decoder.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"status\"",
    "\"success\"",
    "\"error\"",
    "\"data\"",
    "\"resultType\"",
    "\"result\"",
    "\"vector\"",
    "\"matrix\"",
    "\"scalar\"",
    "\"string\"",
    "\"metric\"",
    "\"value\"",
    "\"values\"",
    "\"histogram\"",
    "\"histograms\"",
    "\"count\"",
    "\"sum\"",
    "\"buckets\"",
    "\"warnings\"",
    "\"infos\"",
    "\"errorType\"",
    "\"bad_data\"",
    "\"NaN\"",
    "\"+Inf\"",
    "\"-Inf\"",
    "\"1e308\"",
    "\"x\"",
    "1",
    "-1",
    "1.5e9",
    "1e999",
    "null",
    "true",
    "\"\\u0000\"",
    "\"\\ud800\"",
    " ",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_everywhere(&body);
    }

    #[test]
    fn json_token_soup(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..60)) {
        decode_everywhere(tokens.concat().as_bytes());
    }

    #[test]
    fn mutated_fixtures(
        pick in any::<proptest::sample::Index>(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let bodies = fixture_bodies();
        let mut body = bodies[pick.index(bodies.len())].clone();
        for (at, byte, op) in edits {
            let i = at.index(body.len() + 1);
            match op {
                0 if i < body.len() => body[i] = byte,
                1 => body.insert(i, byte),
                _ if i < body.len() => { body.remove(i); }
                _ => body.push(byte),
            }
        }
        decode_everywhere(&body);
    }
}
