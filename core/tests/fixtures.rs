//! Decodes every response recorded from a real Prometheus 2.42 (and the
//! derived shapes it cannot produce) and checks what came out.
//!
//! The fixtures live in `tests/fixtures/prometheus/` at the workspace root and
//! are re-recorded with `scripts/record-fixtures.py`. Every fixture on disk
//! must have an expectation here, so a new recording cannot go unchecked.
#![allow(
    clippy::float_cmp,
    reason = "values are parsed from exact decimal strings; exact equality is the point"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use panopticon_core::prom::{
    PromErrorKind, QueryData, QueryError, QueryResult, SUCCESS_BODY_IGNORED, Sample,
    decode_response,
};

/// One fixture: status, content type and body as Prometheus sent them.
struct Fixture {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/prometheus")
}

/// All fixture names, `derived/` ones prefixed with it.
fn fixture_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (dir, prefix) in [
        (fixture_root(), ""),
        (fixture_root().join("derived"), "derived/"),
    ] {
        for entry in std::fs::read_dir(&dir).expect("fixture folder exists") {
            let name = entry.expect("readable entry").file_name();
            if let Some(stem) = name.to_string_lossy().strip_suffix(".meta.json") {
                names.insert(format!("{prefix}{stem}"));
            }
        }
    }
    names
}

fn load(name: &str) -> Fixture {
    let root = fixture_root();
    let meta_text = std::fs::read_to_string(root.join(format!("{name}.meta.json")))
        .unwrap_or_else(|e| panic!("{name}.meta.json: {e}"));
    let meta: serde_json::Value = serde_json::from_str(&meta_text).expect("meta is JSON");
    Fixture {
        status: meta["http_status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .expect("http_status"),
        content_type: meta["content_type"].as_str().map(str::to_owned),
        body: std::fs::read(root.join(format!("{name}.body"))).expect("body file"),
    }
}

fn decode(name: &str) -> Result<QueryResult, QueryError> {
    let f = load(name);
    decode_response(f.status, f.content_type.as_deref(), &f.body)
}

type Check = fn(Result<QueryResult, QueryError>);

/// Expectations, one per fixture.
const CHECKS: &[(&str, Check)] = &[
    ("vector", fixture_vector),
    ("vector_post", fixture_vector),
    ("vector_special_values", |r| {
        let by_kind: Vec<(String, f64)> = ok(r)
            .into_vector()
            .expect("vector")
            .into_iter()
            .map(|s| (s.labels["kind"].clone(), s.sample.expect("float").value))
            .collect();
        assert_eq!(by_kind.len(), 3);
        for (kind, value) in by_kind {
            match kind.as_str() {
                "nan" => assert!(value.is_nan()),
                "pinf" => assert_eq!(value, f64::INFINITY),
                "ninf" => assert_eq!(value, f64::NEG_INFINITY),
                other => panic!("unexpected kind {other}"),
            }
        }
    }),
    ("vector_nan", |r| {
        let v = ok(r).into_vector().expect("vector");
        assert_eq!(v.len(), 1);
        assert!(v[0].labels.is_empty());
        assert!(v[0].sample.expect("float").value.is_nan());
    }),
    ("vector_empty", |r| {
        assert_eq!(ok(r).into_vector(), Ok(vec![]));
    }),
    ("matrix_range", |r| {
        let m = ok(r).into_matrix().expect("matrix");
        let nodes: Vec<&str> = m.iter().map(|s| s.labels["node"].as_str()).collect();
        assert_eq!(nodes, ["node1", "node2", "node3"]);
        for (series, expect) in m.iter().zip([1.0, 0.25, -3e-5]) {
            assert_eq!(series.samples.len(), 6, "10 s at a 2 s step");
            assert!(series.samples.iter().all(|s| s.value == expect));
            assert!(series.histograms.is_empty());
            let steps: Vec<f64> = series
                .samples
                .windows(2)
                .map(|w| w[1].timestamp - w[0].timestamp)
                .collect();
            assert!(steps.iter().all(|d| (d - 2.0).abs() < 1e-6), "{steps:?}");
        }
    }),
    ("matrix_instant", |r| {
        let result = ok(r);
        assert_eq!(
            result.clone().into_vector(),
            Err(QueryError::UnexpectedResultType {
                expected: "vector",
                got: "matrix"
            })
        );
        let m = result.into_matrix().expect("matrix");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].labels["node"], "node2");
        assert!(!m[0].samples.is_empty());
        assert!(m[0].samples.iter().all(|s| s.value == 0.25));
    }),
    ("scalar", |r| assert_eq!(scalar(r), 2.0)),
    ("scalar_pos_inf", |r| assert_eq!(scalar(r), f64::INFINITY)),
    ("scalar_neg_inf", |r| {
        assert_eq!(scalar(r), f64::NEG_INFINITY);
    }),
    ("scalar_nan", |r| assert!(scalar(r).is_nan())),
    ("string", |r| {
        let QueryData::String { timestamp, value } = ok(r).data else {
            panic!("expected a string result");
        };
        assert_eq!(value, "panopticon");
        assert!(timestamp > 1.6e9);
    }),
    ("error_bad_data_syntax", |r| {
        let message = prom_error(r, &PromErrorKind::BadData, 400);
        assert!(message.contains("unclosed left parenthesis"), "{message}");
    }),
    ("error_bad_data_too_many_points", |r| {
        let message = prom_error(r, &PromErrorKind::BadData, 400);
        assert!(message.contains("11,000 points"), "{message}");
    }),
    ("error_execution_too_many_samples", |r| {
        let message = prom_error(r, &PromErrorKind::Execution, 422);
        assert!(message.contains("too many samples"), "{message}");
    }),
    ("error_timeout", |r| {
        let err = r.clone().expect_err("an error");
        assert!(err.is_timeout() && err.is_transient());
        let message = prom_error(r, &PromErrorKind::Timeout, 503);
        assert!(message.contains("timed out"), "{message}");
    }),
    ("not_found_path", |r| {
        let err = r.expect_err("an error");
        assert_eq!(
            err,
            QueryError::Http {
                status: 404,
                content_type: Some("text/plain; charset=utf-8".into()),
                excerpt: "404 page not found".into(),
            }
        );
        assert!(err.to_string().contains("base URL"), "{err}");
    }),
    ("starting_503", |r| {
        let err = r.expect_err("an error");
        assert_eq!(
            err.to_string(),
            "Prometheus answered HTTP 503 (Prometheus is starting or overloaded): Service Unavailable"
        );
    }),
    ("derived/vector_warnings_infos", |r| {
        let result = ok(r);
        assert_eq!(result.warnings.len(), 1);
        assert!(result.warnings[0].starts_with("PromQL warning"));
        assert_eq!(result.infos.len(), 1);
        assert!(result.infos[0].starts_with("PromQL info"));
        assert_eq!(result.into_vector().expect("vector").len(), 3);
    }),
    ("derived/vector_native_histogram", |r| {
        let v = ok(r).into_vector().expect("vector");
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].sample, None);
        let h = v[0].histogram.expect("histogram");
        assert_eq!((h.count, h.sum), (12.0, 3.5));
        assert!(h.timestamp > 1.6e9);
        assert_eq!(v[1].histogram, None);
        assert_eq!(v[1].sample.map(|s| s.value), Some(0.25));
    }),
    ("derived/matrix_native_histograms", |r| {
        let m = ok(r).into_matrix().expect("matrix");
        assert!(m[0].samples.is_empty());
        assert_eq!(m[0].histograms.len(), 6);
        assert!(
            m[0].histograms
                .iter()
                .all(|h| h.count == 12.0 && h.sum == 3.5)
        );
        assert_eq!(m[1].samples.len(), 6);
    }),
    ("derived/error_canceled", |r| {
        let err = r.clone().expect_err("an error");
        assert!(err.is_canceled());
        prom_error(r, &PromErrorKind::Canceled, 503);
    }),
    ("derived/nginx_502", |r| {
        // The page's title, once: not "502 Bad Gateway 502 Bad Gateway nginx".
        assert_eq!(
            r.expect_err("an error").to_string(),
            "Prometheus answered HTTP 502 Bad Gateway (the proxy could not reach Prometheus)"
        );
    }),
    ("derived/vector_503", |r| {
        // A success envelope never hides a failing status.
        assert_eq!(
            r,
            Err(QueryError::Http {
                status: 503,
                content_type: Some("application/json".into()),
                excerpt: SUCCESS_BODY_IGNORED.into(),
            })
        );
    }),
    ("derived/html_200_wrong_base_url", |r| {
        let err = r.expect_err("an HTML page is never a result");
        assert!(err.is_http());
        assert_eq!(
            err.to_string(),
            "expected JSON from Prometheus but got text/html (is the base URL right?): Panopticon"
        );
    }),
];

fn ok(r: Result<QueryResult, QueryError>) -> QueryResult {
    r.unwrap_or_else(|e| panic!("expected a result, got {e:?}"))
}

fn scalar(r: Result<QueryResult, QueryError>) -> f64 {
    let Sample { timestamp, value } = ok(r).into_scalar().expect("scalar");
    assert!(timestamp > 1.6e9);
    value
}

fn prom_error(r: Result<QueryResult, QueryError>, kind: &PromErrorKind, status: u16) -> String {
    match r {
        Err(QueryError::Prometheus {
            kind: k,
            message,
            status: s,
        }) if &k == kind && s == status => message,
        other => panic!("expected a {kind} error with HTTP {status}, got {other:?}"),
    }
}

fn fixture_vector(r: Result<QueryResult, QueryError>) {
    let result = ok(r);
    assert!(result.warnings.is_empty() && result.infos.is_empty());
    let v = result.into_vector().expect("vector");
    let got: Vec<(&str, &str, f64)> = v
        .iter()
        .map(|s| {
            (
                s.labels["__name__"].as_str(),
                s.labels["node"].as_str(),
                s.sample.expect("float sample").value,
            )
        })
        .collect();
    let name = "panopticon_fixture_value";
    assert_eq!(
        got,
        [
            (name, "node1", 1.0),
            (name, "node2", 0.25),
            (name, "node3", -3e-5)
        ]
    );
    assert!(
        v.iter()
            .all(|s| s.labels["job"] == "fixture" && s.histogram.is_none())
    );
}

#[test]
fn every_fixture_decodes_as_expected() {
    for &(name, check) in CHECKS {
        println!("fixture {name}");
        check(decode(name));
    }
}

#[test]
fn every_fixture_has_an_expectation() {
    let on_disk = fixture_names();
    let checked: BTreeSet<String> = CHECKS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(on_disk, checked);
}
