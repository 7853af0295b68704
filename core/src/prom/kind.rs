//! Which engine answers behind a data source, and what its answers mean.
//!
//! Thanos, Grafana Mimir and `VictoriaMetrics` speak Prometheus's HTTP API,
//! but they say "this answer is incomplete" each in their own way, and an
//! incomplete answer taken as complete is a false green: the series of a
//! failing node that sat on the store that did not answer are simply absent.

use std::fmt;

use super::result::QueryResult;

/// The engine behind a data source (`kind:` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SourceKind {
    /// Prometheus itself: `warnings` and `infos` are `PromQL` annotations
    /// about the expression, never about missing data.
    #[default]
    Prometheus,
    /// Thanos Query: a partial response (a store that did not answer) comes
    /// as 200 with `warnings`.
    Thanos,
    /// Grafana Mimir (or Cortex): like Thanos, a partial answer carries
    /// `warnings`.
    Mimir,
    /// `VictoriaMetrics`: a top-level `"isPartial": true` (a vmstorage node
    /// that did not answer) and a `stats` object.
    VictoriaMetrics,
}

impl SourceKind {
    /// Every kind with its word in configuration files, in the order
    /// messages list them.
    pub const ALL: [(&'static str, SourceKind); 4] = [
        ("prometheus", SourceKind::Prometheus),
        ("thanos", SourceKind::Thanos),
        ("mimir", SourceKind::Mimir),
        ("victoriametrics", SourceKind::VictoriaMetrics),
    ];

    /// The word used in configuration files and in `data-source-kind`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceKind::Prometheus => "prometheus",
            SourceKind::Thanos => "thanos",
            SourceKind::Mimir => "mimir",
            SourceKind::VictoriaMetrics => "victoriametrics",
        }
    }

    /// Why `result` may lack series, if it may: `None` for a complete answer.
    ///
    /// `isPartial: true` counts whatever the kind (a `VictoriaMetrics` set up
    /// as `prometheus` still says so, and saying it is never wrong);
    /// `warnings` count only from the kinds that use them for partial
    /// responses. Prometheus's own warnings are about the expression and
    /// are shown as such.
    pub fn partial(self, result: &QueryResult) -> Option<String> {
        if result.is_partial {
            return Some(match result.warnings.first() {
                Some(w) => format!("isPartial: {w}"),
                None => "isPartial: some storage nodes did not answer".to_owned(),
            });
        }
        match self {
            SourceKind::Thanos | SourceKind::Mimir if !result.warnings.is_empty() => {
                Some(result.warnings.join("; "))
            }
            _ => None,
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prom::decode_response;

    const JSON: Option<&str> = Some("application/json");

    fn decoded(body: &str) -> QueryResult {
        decode_response(200, JSON, body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
    }

    /// `VictoriaMetrics`'s cluster version (vmselect) sends `isPartial` and,
    /// from 1.87 on, `stats` with its counts as strings; the single-node
    /// 1.79 of Debian sends neither. Both shapes must decode.
    const VM_PARTIAL: &str = r#"{"status":"success","isPartial":true,"data":{"resultType":"vector","result":[{"metric":{"instance":"n1"},"value":[1795815098,"1"]}]},"stats":{"seriesFetched":"12","executionTimeMsec":3}}"#;
    const VM_COMPLETE: &str = r#"{"status":"success","isPartial":false,"data":{"resultType":"vector","result":[]},"stats":{"seriesFetched":"0","executionTimeMsec":0}}"#;
    const VM_179: &str = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
    /// Thanos Query's partial response: 200, data, and a warning per store
    /// that did not answer (`partial_response=true`).
    const THANOS_PARTIAL: &str = r#"{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["No StoreAPIs matched for this query"]}"#;
    /// Prometheus's `PromQL` annotation: about the expression, not missing data.
    const PROM_ANNOTATION: &str = r#"{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["PromQL warning: encountered a mix of histograms and floats for metric name \"x\""]}"#;

    #[test]
    fn each_kind_says_partial_its_own_way() {
        let check = |kind: SourceKind, body: &str, expect: Option<&str>| {
            assert_eq!(
                kind.partial(&decoded(body)).as_deref(),
                expect,
                "{kind} {body}"
            );
        };
        let vm = Some("isPartial: some storage nodes did not answer");
        for kind in SourceKind::ALL.map(|(_, k)| k) {
            // isPartial is never ignored, whatever the source is called.
            check(kind, VM_PARTIAL, vm);
            check(kind, VM_COMPLETE, None);
            check(kind, VM_179, None);
        }
        let thanos = Some("No StoreAPIs matched for this query");
        check(SourceKind::Thanos, THANOS_PARTIAL, thanos);
        check(SourceKind::Mimir, THANOS_PARTIAL, thanos);
        check(SourceKind::Prometheus, PROM_ANNOTATION, None);
        check(SourceKind::VictoriaMetrics, PROM_ANNOTATION, None);
        check(SourceKind::Thanos, VM_179, None);
    }

    #[test]
    fn victoriametrics_stats_decode_and_the_data_is_kept() {
        let r = decoded(VM_PARTIAL);
        assert!(r.is_partial);
        let series = r.into_vector().expect("a vector");
        assert_eq!(series.len(), 1);
        assert!(!decoded(VM_COMPLETE).is_partial);
        // Its strings-for-numbers `stats` in any shape never fail decoding.
        for stats in [r#""x""#, r#"{"a":{"b":["1"]}}"#, "null", "[1,2]"] {
            let body = format!(
                r#"{{"status":"success","stats":{stats},"data":{{"resultType":"vector","result":[]}}}}"#
            );
            assert!(!decoded(&body).is_partial, "{body}");
        }
    }

    #[test]
    fn a_mistyped_is_partial_is_an_error_never_a_complete_answer() {
        let body =
            r#"{"status":"success","isPartial":"yes","data":{"resultType":"vector","result":[]}}"#;
        assert!(decode_response(200, JSON, body.as_bytes()).is_err());
    }

    /// The recorded `VictoriaMetrics` answers with `isPartial` and `stats`
    /// (derived from real 1.79 recordings, see their README).
    #[test]
    fn victoriametrics_recordings_decode_with_their_partial_mark() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/victoriametrics/derived");
        for (name, partial) in [
            ("vector_partial", true),
            ("matrix_range_partial", true),
            ("vector_not_partial", false),
            ("vector_stats", false),
        ] {
            let body = std::fs::read(folder.join(format!("{name}.body")))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let r = decode_response(200, JSON, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
            let series = match &r.data {
                crate::prom::QueryData::Vector(v) => v.len(),
                crate::prom::QueryData::Matrix(m) => m.len(),
                other => panic!("{name}: {}", other.kind()),
            };
            assert!(series > 0, "{name}: the data is kept");
            assert_eq!(
                SourceKind::VictoriaMetrics.partial(&r).is_some(),
                partial,
                "{name}"
            );
        }
    }

    /// Thanos's and Mimir's partial answers, written after their documented
    /// format (see the fixtures' READMEs): partial for their own kind, only
    /// remarks for a Prometheus.
    #[test]
    fn thanos_and_mimir_answers_written_after_their_format() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        for (folder, name, kind, partial) in [
            ("thanos", "vector_partial", SourceKind::Thanos, true),
            ("thanos", "vector_empty_partial", SourceKind::Thanos, true),
            ("thanos", "vector_complete", SourceKind::Thanos, false),
            ("thanos", "vector_partial", SourceKind::Prometheus, false),
            ("mimir", "vector_partial", SourceKind::Mimir, true),
        ] {
            let body = std::fs::read(fixtures.join(folder).join(format!("{name}.body")))
                .unwrap_or_else(|e| panic!("{folder}/{name}: {e}"));
            let r = decode_response(200, JSON, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                kind.partial(&r).is_some(),
                partial,
                "{folder}/{name} as {kind}"
            );
        }
    }

    #[test]
    fn words_round_trip() {
        for (word, kind) in SourceKind::ALL {
            assert_eq!(kind.as_str(), word);
        }
    }
}
