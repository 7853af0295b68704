//! The alert decoders turn any bytes into an answer or a typed error, never
//! a panic: the recorded answers of Prometheus and Alertmanager, every
//! truncation of them, random mutations and random bytes, through each kind
//! of request and a spread of HTTP statuses.

use std::path::Path;
use std::sync::LazyLock;

use panopticon_core::alerts::{
    AlertAnswer, AlertLimits, AlertRequest, MAX_ANNOTATION_CHARS, decode_alert_answer,
};
use proptest::prelude::*;

static BODIES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/alerts");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "body"))
        .collect();
    paths.sort();
    let bodies: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).expect("body"))
        .collect();
    assert!(bodies.len() >= 10, "fixtures missing: {}", bodies.len());
    bodies
});

const REQUESTS: [AlertRequest; 4] = [
    AlertRequest::PrometheusRules,
    AlertRequest::AmAlerts,
    AlertRequest::AmSilences,
    AlertRequest::AmStatus,
];
const STATUSES: [u16; 6] = [200, 400, 404, 500, 502, 0];

/// Decodes `body` every way; whatever comes back is bounded.
fn every_way(body: &[u8]) {
    for request in REQUESTS {
        for status in STATUSES {
            for content_type in [Some("application/json"), Some("text/html"), None] {
                let limits = AlertLimits::new(1 << 20);
                match decode_alert_answer(request, &limits, status, content_type, body) {
                    Ok(AlertAnswer::Alerts(a)) => {
                        for alert in &a.alerts {
                            let ann = &alert.annotations;
                            for text in [&ann.summary, &ann.description].into_iter().flatten() {
                                assert!(text.chars().count() <= MAX_ANNOTATION_CHARS + 1);
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(e) => assert!(!e.to_string().is_empty()),
                }
            }
        }
    }
}

#[test]
fn recorded_answers_and_every_truncation() {
    for body in BODIES.iter() {
        every_way(body);
        // A cut-off answer arrives with a success status.
        for end in 0..body.len() {
            for request in REQUESTS {
                let limits = AlertLimits::new(1 << 20);
                let answer = decode_alert_answer(request, &limits, 200, None, &body[..end]);
                if let Err(e) = answer {
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_answers(pick in any::<prop::sample::Index>(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut body = pick.get(&BODIES).clone();
        for (at, byte) in edits {
            if !body.is_empty() {
                let i = at.index(body.len());
                body[i] = byte;
            }
        }
        every_way(&body);
    }

    #[test]
    fn random_bytes(body in prop::collection::vec(any::<u8>(), 0..300)) {
        every_way(&body);
    }
}
