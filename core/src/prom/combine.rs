//! The instant queries of one refresh asked as one expression, and its
//! answer split back per query.
//!
//! Over HTTP/1.1 a browser opens about six connections per host, so twenty
//! checks leave in four waves, each a round trip through the proxy to
//! Prometheus; asked as one expression they cost one. Each part is tagged
//! with [`PART_LABEL`] (its index) and the parts are joined with `or`: the
//! tags differ between parts, so `or` keeps every series of every part.
//!
//! Correctness comes first, the saving second. Whatever makes Prometheus's
//! combined answer unusable as a whole (one part that does not parse, a
//! part that is not an instant vector, Prometheus's own timeout, an answer
//! over the size limits) makes [`Combined::split`] say [`Split::Fallback`],
//! and the parts are then asked one by one as before, so that a failing
//! part fails only itself. When no answer came from Prometheus at all (no
//! connection, no word before the deadline, a proxy's error page) each
//! part gets that error, as it would alone. Parts
//! that may well be scalars are never combined ([`plan`]). The combined
//! answer is held to the limits of one answer, so no part of it can be
//! larger than it would be alone. A series that already carries the tag
//! label is an error for its part: relabelling it would lose the label.

use super::error::QueryError;
use super::request::Query;
use super::{InstantSeries, QueryData, QueryResult};

/// The label that tells which part of a combined query a series answers.
pub const PART_LABEL: &str = "__panopticon_part";

/// The label set on a series that carried [`PART_LABEL`] already, before
/// the tag overwrote it: such a series is an error for its part.
pub const CLASH_LABEL: &str = "__panopticon_clash";

/// The instant expressions asked together, and the one query that asks them.
#[derive(Debug, Clone, PartialEq)]
pub struct Combined {
    parts: Vec<String>,
    query: Query,
}

/// How the instant expressions of a refresh are asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The expressions asked together, if at least two can be.
    pub combined: Option<Combined>,
    /// The expressions asked one by one (trimmed).
    pub alone: Vec<String>,
}

/// Decides which of `exprs` (instant expressions at the server's time) go
/// into one combined query: all but those that may be scalars or strings,
/// and only when that leaves two or more (one alone is the same request
/// without the tags). Expressions are trimmed and asked once each.
pub fn plan<S: AsRef<str>>(exprs: impl IntoIterator<Item = S>) -> Plan {
    let exprs = super::distinct(exprs.into_iter().map(|e| e.as_ref().trim().to_owned()));
    let (together, mut alone): (Vec<String>, Vec<String>) = exprs
        .into_iter()
        .filter(|e| !e.is_empty())
        .partition(|e| !may_be_scalar(e));
    if together.len() < 2 {
        alone.extend(together);
        return Plan {
            combined: None,
            alone,
        };
    }
    Plan {
        combined: Some(Combined::new(together)),
        alone,
    }
}

/// A conservative look at an expression's start: number and string
/// literals and the functions that return scalars (`scalar`, `time`, `pi`)
/// cannot be tagged, and Prometheus would refuse the whole combined query
/// (which then falls back at the cost of a round trip). An expression such
/// as `2 * up` is a vector but is kept alone too: guessing wrong here costs
/// only the saving, never correctness.
fn may_be_scalar(expr: &str) -> bool {
    let start =
        expr.trim_start_matches(|c: char| c == '(' || c == '+' || c == '-' || c.is_whitespace());
    let Some(first) = start.chars().next() else {
        return true;
    };
    if first.is_ascii_digit() || matches!(first, '.' | '"' | '\'' | '`') {
        return true;
    }
    let word: String = start
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let word = word.to_ascii_lowercase();
    if matches!(word.as_str(), "inf" | "nan") {
        return true;
    }
    let called = start[word.len()..].trim_start().starts_with('(');
    called && matches!(word.as_str(), "scalar" | "time" | "pi")
}

impl Combined {
    fn new(parts: Vec<String>) -> Combined {
        let expr = parts
            .iter()
            .enumerate()
            .map(|(i, part)| tagged(i, part))
            .collect::<Vec<_>>()
            .join(" or ");
        Combined {
            parts,
            query: Query::instant_now(&expr),
        }
    }

    /// The expressions asked, in tag order.
    pub fn parts(&self) -> &[String] {
        &self.parts
    }

    /// The one query that asks them all (at the server's time).
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Each part's own answer from the combined one, or why the parts must
    /// be asked one by one.
    ///
    /// `warnings` and `infos` cannot be told apart per part: each part gets
    /// all of them. A part with no series gets an empty vector, as it would
    /// alone; a part with a series that already had [`PART_LABEL`] gets
    /// [`QueryError::ReservedLabel`].
    pub fn split(&self, answer: Result<QueryResult, QueryError>) -> Split {
        let result = match answer {
            Ok(result) => result,
            Err(error) if says_nothing_of_the_parts(&error) => {
                let parts = self
                    .parts
                    .iter()
                    .map(|expr| (expr.clone(), Err(error.clone())))
                    .collect();
                return Split::Parts(parts);
            }
            Err(error) => {
                // A proxy that refused the request itself will refuse it again.
                let refused = matches!(error, QueryError::Http { .. });
                return Split::Fallback {
                    combine_again: error.is_transient() && !refused,
                };
            }
        };
        let QueryData::Vector(series) = result.data else {
            // `or` only ever yields a vector: this is not the answer asked for.
            return Split::Fallback {
                combine_again: false,
            };
        };
        let mut per_part: Vec<Vec<InstantSeries>> = vec![Vec::new(); self.parts.len()];
        let mut clashed = vec![false; self.parts.len()];
        for mut one in series {
            let index = one
                .labels
                .remove(PART_LABEL)
                .and_then(|tag| tag.parse::<usize>().ok())
                .filter(|&i| i < self.parts.len());
            let Some(index) = index else {
                // Every series is tagged by construction; one that is not
                // cannot be placed, so no part can be trusted.
                return Split::Fallback {
                    combine_again: false,
                };
            };
            // VictoriaMetrics keeps the label `label_replace` set to ""
            // where nothing clashed (Prometheus drops empty labels): only a
            // value says a tag was overwritten.
            if one
                .labels
                .remove(CLASH_LABEL)
                .is_some_and(|v| !v.is_empty())
            {
                clashed[index] = true;
            }
            per_part[index].push(one);
        }
        let parts = self
            .parts
            .iter()
            .zip(per_part)
            .zip(clashed)
            .map(|((expr, series), clashed)| {
                let answer = if clashed {
                    Err(QueryError::ReservedLabel {
                        label: PART_LABEL.to_owned(),
                    })
                } else {
                    Ok(QueryResult {
                        data: QueryData::Vector(series),
                        warnings: result.warnings.clone(),
                        infos: result.infos.clone(),
                        is_partial: result.is_partial,
                    })
                };
                (expr.clone(), answer)
            })
            .collect();
        Split::Parts(parts)
    }
}

/// No answer from Prometheus at all: the source or the proxy failed (no
/// connection, our deadline passed with no word, a proxy's error page).
/// Each part alone would meet the same, and asking them one by one would
/// only say so a whole timeout later (a hung source must be called down at
/// its first timeout), so every part gets this error. Prometheus's own
/// `timeout` error is an answer: one slow part may cause it, so the parts
/// are asked alone. So is a proxy refusing the request itself (a 4xx page
/// such as 413, the body too large for it), except for its rate limit
/// (429), which each part alone would meet as well.
fn says_nothing_of_the_parts(error: &QueryError) -> bool {
    match error {
        QueryError::Unreachable { .. } | QueryError::Timeout { .. } | QueryError::Canceled => true,
        QueryError::Http { status, .. } => *status == 429 || !(400..500).contains(status),
        _ => false,
    }
}

/// Part `index` tagged: the inner `label_replace` marks a series that
/// already has the tag label (its value would be lost), the outer one sets
/// the tag unconditionally, so every series is placed by its own part. The
/// newline before the closing parenthesis ends a `#` comment in `expr`.
fn tagged(index: usize, expr: &str) -> String {
    format!(
        "label_replace(label_replace((\n{expr}\n),\"{CLASH_LABEL}\",\"1\",\"{PART_LABEL}\",\".+\"),\"{PART_LABEL}\",\"{index}\",\"\",\"\")"
    )
}

/// What a combined answer means for its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// Each part's own answer, in part order, by expression.
    Parts(Vec<(String, Result<QueryResult, QueryError>)>),
    /// The combined answer cannot stand for its parts: ask them one by one.
    Fallback {
        /// Whether the next refresh may try combining again: yes after a
        /// failure that may pass (timeout, unreachable), no when the same
        /// expressions would fail the same way (a part that does not parse
        /// or is not a vector, an answer over the limits).
        combine_again: bool,
    },
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use super::*;
    use crate::prom::{PromErrorKind, decode_response};

    fn folder() -> PathBuf {
        engine_folder("prometheus")
    }

    /// The combined recordings of one engine (`prometheus`, `victoriametrics`).
    fn engine_folder(engine: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/{engine}/combined"))
    }

    /// A recording of `scripts/record-combined-fixtures.py`: the expression
    /// asked and the decoded answer.
    fn recorded(name: &str) -> (String, Result<QueryResult, QueryError>) {
        recorded_in(&folder(), name)
    }

    fn recorded_in(folder: &Path, name: &str) -> (String, Result<QueryResult, QueryError>) {
        let meta = std::fs::read_to_string(folder.join(format!("{name}.meta.json")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let meta: serde_json::Value = serde_json::from_str(&meta).expect("meta is JSON");
        let body = std::fs::read(folder.join(format!("{name}.body"))).expect("body");
        let status = u16::try_from(meta["http_status"].as_u64().expect("status")).expect("u16");
        let expr = meta["request"]["params"]["query"]
            .as_str()
            .expect("query")
            .to_owned();
        let answer = decode_response(status, meta["content_type"].as_str(), &body);
        (expr, answer)
    }

    /// The parts of a recorded case, as asked alone.
    fn parts(case: &str) -> Vec<String> {
        (0..)
            .map_while(|i| {
                folder()
                    .join(format!("{case}.part{i}.meta.json"))
                    .exists()
                    .then(|| recorded(&format!("{case}.part{i}")).0)
            })
            .collect()
    }

    /// The combined query of a case, built here and checked against what the
    /// recording script asked (the two must build it alike).
    fn combined(case: &str) -> (Combined, Result<QueryResult, QueryError>) {
        let combined = Combined::new(parts(case));
        let (asked, answer) = recorded(&format!("{case}.combined"));
        assert_eq!(combined.query(), &Query::instant_now(&asked), "{case}");
        (combined, answer)
    }

    /// Series order within a part is not part of the API's promise.
    fn sorted(result: Result<QueryResult, QueryError>) -> Result<QueryResult, QueryError> {
        result.map(|mut r| {
            if let QueryData::Vector(v) = &mut r.data {
                v.sort_by(|a, b| a.labels.cmp(&b.labels));
            }
            r
        })
    }

    fn split_parts(split: Split) -> Vec<(String, Result<QueryResult, QueryError>)> {
        match split {
            Split::Parts(parts) => parts,
            Split::Fallback { .. } => panic!("expected parts, got {split:?}"),
        }
    }

    #[test]
    fn split_answers_equal_the_parts_asked_alone() {
        let (combined, answer) = combined("vectors");
        let parts = split_parts(combined.split(answer));
        assert_eq!(parts.len(), 6);
        for (i, (expr, got)) in parts.into_iter().enumerate() {
            let (alone_expr, alone) = recorded(&format!("vectors.part{i}"));
            assert_eq!(expr, alone_expr);
            // Compared as text: NaN, which two parts carry, is not equal to itself.
            assert_eq!(
                format!("{:?}", sorted(got)),
                format!("{:?}", sorted(alone)),
                "part {i}: {expr}"
            );
        }
    }

    /// `VictoriaMetrics` 1.79 keeps the empty clash label on every series of
    /// the combined answer: no part may fail for it, and each part's series
    /// are those it answers alone.
    #[test]
    fn victoriametrics_split_answers_equal_the_parts_asked_alone() {
        let folder = engine_folder("victoriametrics");
        let parts: Vec<String> = (0..6)
            .map(|i| recorded_in(&folder, &format!("vectors.part{i}")).0)
            .collect();
        let combined = Combined::new(parts);
        let (asked, answer) = recorded_in(&folder, "vectors.combined");
        assert_eq!(combined.query(), &Query::instant_now(&asked));
        let split = split_parts(combined.split(answer));
        assert_eq!(split.len(), 6);
        for (i, (expr, got)) in split.into_iter().enumerate() {
            let (_, alone) = recorded_in(&folder, &format!("vectors.part{i}"));
            assert_eq!(
                format!("{:?}", sorted(got)),
                format!("{:?}", sorted(alone)),
                "part {i}: {expr}"
            );
        }
        // A real clash still fails its part there too.
        let parts: Vec<String> = (0..2)
            .map(|i| recorded_in(&folder, &format!("clash.part{i}")).0)
            .collect();
        let combined = Combined::new(parts);
        let (_, answer) = recorded_in(&folder, "clash.combined");
        let split = split_parts(combined.split(answer));
        assert!(
            split
                .iter()
                .any(|(_, r)| matches!(r, Err(QueryError::ReservedLabel { .. }))),
            "{split:?}"
        );
    }

    #[test]
    fn a_part_without_series_is_an_empty_vector() {
        let (combined, answer) = combined("vectors");
        let (expr, empty) = &split_parts(combined.split(answer))[2];
        assert!(expr.contains("nope"), "{expr}");
        assert_eq!(
            empty.as_ref().map(|r| r.data.clone()),
            Ok(QueryData::Vector(vec![]))
        );
    }

    #[test]
    fn a_series_that_had_the_tag_label_fails_its_part_only() {
        let (combined, answer) = combined("clash");
        let parts = split_parts(combined.split(answer));
        assert_eq!(
            parts[0].1,
            Err(QueryError::ReservedLabel {
                label: PART_LABEL.to_owned()
            })
        );
        assert_eq!(
            sorted(parts[1].1.clone()),
            sorted(recorded("clash.part1").1)
        );
        // Alone the same query answers: it is the combining that cannot place it.
        assert!(recorded("clash.part0").1.is_ok());
    }

    #[test]
    fn a_part_prometheus_refuses_makes_the_parts_go_alone() {
        // One part that does not parse, one scalar, one range vector: each
        // fails the whole combined query, while its neighbour alone answers.
        for case in ["bad_part", "scalar_part", "matrix_part"] {
            let (combined, answer) = combined(case);
            assert!(
                answer.as_ref().is_err_and(QueryError::is_bad_data),
                "{case}: {answer:?}"
            );
            assert_eq!(
                combined.split(answer),
                Split::Fallback {
                    combine_again: false
                },
                "{case}"
            );
            assert!(recorded(&format!("{case}.part1")).1.is_ok(), "{case}");
        }
    }

    #[test]
    fn no_answer_from_prometheus_is_every_parts_error() {
        let combined = Combined::new(vec!["up".into(), "down".into()]);
        for error in [
            QueryError::Timeout {
                after: Duration::from_secs(9),
            },
            QueryError::Unreachable {
                reason: "Failed to fetch".into(),
            },
            QueryError::Http {
                status: 502,
                content_type: Some("text/html".into()),
                excerpt: "502 Bad Gateway".into(),
            },
            QueryError::Http {
                status: 429,
                content_type: Some("text/html".into()),
                excerpt: "429 Too Many Requests".into(),
            },
        ] {
            assert_eq!(
                combined.split(Err(error.clone())),
                Split::Parts(vec![
                    ("up".into(), Err(error.clone())),
                    ("down".into(), Err(error.clone())),
                ]),
                "{error}"
            );
        }
    }

    #[test]
    fn failures_that_may_pass_try_combining_again() {
        let combined = Combined::new(vec!["up".into(), "down".into()]);
        let table = [
            (
                QueryError::Prometheus {
                    kind: PromErrorKind::Timeout,
                    message: "query timed out".into(),
                    status: 503,
                },
                true,
            ),
            (
                QueryError::TooLarge {
                    bytes: Some(9_000_000),
                    limit: 8_388_608,
                },
                false,
            ),
            (
                QueryError::Http {
                    status: 413,
                    content_type: Some("text/html".into()),
                    excerpt: "413 Request Entity Too Large".into(),
                },
                false,
            ),
            (
                QueryError::TooManySeries {
                    series: 20_001,
                    limit: 20_000,
                },
                false,
            ),
        ];
        for (error, again) in table {
            assert_eq!(
                combined.split(Err(error.clone())),
                Split::Fallback {
                    combine_again: again
                },
                "{error}"
            );
        }
    }

    #[test]
    fn warnings_and_infos_apply_to_every_part() {
        let (combined, answer) = combined("vectors");
        let mut answer = answer.expect("recorded success");
        answer.warnings = vec!["PromQL warning: a mix of histograms and floats".into()];
        answer.infos = vec!["PromQL info: metric might not be a counter".into()];
        for (expr, part) in split_parts(combined.split(Ok(answer.clone()))) {
            let part = part.expect("vector part");
            assert_eq!(part.warnings, answer.warnings, "{expr}");
            assert_eq!(part.infos, answer.infos, "{expr}");
        }
    }

    /// Which part lacks series cannot be told: a partial combined answer
    /// makes every part partial, with or without series of its own.
    #[test]
    fn a_partial_answer_marks_every_part() {
        let (combined, answer) = combined("vectors");
        let mut answer = answer.expect("recorded success");
        answer.is_partial = true;
        let parts = split_parts(combined.split(Ok(answer)));
        assert!(parts.len() >= 2);
        for (expr, part) in parts {
            assert!(part.expect("vector part").is_partial, "{expr}");
        }
    }

    #[test]
    fn an_answer_not_made_by_the_tags_is_not_split() {
        let (combined, answer) = combined("vectors");
        let answer = answer.expect("recorded success");
        let QueryData::Vector(series) = &answer.data else {
            panic!("vector");
        };
        for tag in [None, Some("6"), Some("x"), Some("-1")] {
            let mut bad = answer.clone();
            let mut series = series.clone();
            match tag {
                None => series[0].labels.remove(PART_LABEL),
                Some(tag) => series[0].labels.insert(PART_LABEL.into(), tag.into()),
            };
            bad.data = QueryData::Vector(series);
            assert_eq!(
                combined.split(Ok(bad)),
                Split::Fallback {
                    combine_again: false
                },
                "{tag:?}"
            );
        }
        let mut scalar = answer;
        scalar.data = QueryData::Scalar(crate::prom::Sample {
            timestamp: 1.0,
            value: 1.0,
        });
        assert!(matches!(combined.split(Ok(scalar)), Split::Fallback { .. }));
    }

    #[test]
    fn plan_keeps_possible_scalars_alone_and_combines_two_or_more() {
        let alone_always = [
            "1",
            "1 + 1",
            "-1",
            "(2) * up",
            ".5",
            "\"text\"",
            "scalar(sum(up))",
            "time() - 5",
            "pi ()",
            "Inf",
            "NaN",
        ];
        for expr in alone_always {
            let plan = plan([expr, "up", "sum(up)"]);
            assert_eq!(plan.alone, [expr.trim()], "{expr}");
            assert_eq!(
                plan.combined.as_ref().map(Combined::parts),
                Some(&["up".to_owned(), "sum(up)".to_owned()][..]),
                "{expr}"
            );
        }
        // Words that only start like a scalar function are vectors.
        let vectors = [
            "time_seconds",
            "pipeline_up",
            "scalars_total",
            "nan_count",
            "infra_up",
        ];
        let plan = plan(vectors);
        assert!(plan.alone.is_empty(), "{plan:?}");
        // One expression (after trimming and de-duplicating) is asked as itself.
        let plan = super::plan([" up ", "up", ""]);
        assert_eq!(
            plan,
            Plan {
                combined: None,
                alone: vec!["up".into()]
            }
        );
    }

    #[test]
    fn parts_are_tagged_in_order_and_comments_end_inside_their_part() {
        let combined = Combined::new(vec!["up # the comment".into(), "down".into()]);
        let expr = combined.query().expr();
        assert_eq!(
            expr,
            "label_replace(label_replace((\nup # the comment\n),\"__panopticon_clash\",\"1\",\"__panopticon_part\",\".+\"),\"__panopticon_part\",\"0\",\"\",\"\") or label_replace(label_replace((\ndown\n),\"__panopticon_clash\",\"1\",\"__panopticon_part\",\".+\"),\"__panopticon_part\",\"1\",\"\",\"\")"
        );
        assert_eq!(
            combined.query(),
            &Query::Instant {
                expr: expr.to_owned(),
                time: None
            },
            "at the server's time, like every check"
        );
    }
}
