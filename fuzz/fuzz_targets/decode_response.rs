//! Any bytes, under any status and content type, must decode to a result or
//! a readable error. The first two input bytes pick the HTTP status and the
//! content type, the rest is the body, so the fixture seeds (see `seed.sh`)
//! start from real Prometheus answers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panopticon_core::prom::{QueryError, decode_response};

const STATUSES: [u16; 8] = [200, 400, 404, 422, 500, 502, 503, 204];
const CONTENT_TYPES: [Option<&str>; 4] = [
    Some("application/json"),
    Some("text/plain; charset=utf-8"),
    Some("text/html"),
    None,
];

fuzz_target!(|data: &[u8]| {
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
                assert!(excerpt.chars().count() <= panopticon_core::prom::EXCERPT_CHARS + 1);
            }
        }
    }
});
