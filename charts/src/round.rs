//! One refresh's range queries for the graphs on screen, and their answers
//! matched back to the graphs by query identity.
//!
//! A query is its expression *and* its range and resolution: two graphs with
//! the same expression over one hour and over six hours ask two questions and
//! must each get their own answer. (Keyed by expression text, the second
//! answer overwrote the first and both graphs drew the same line.)

use panopticon_core::prom::{Query, QueryError, QueryResult, SourceKind, Teller, distinct};

use crate::GraphData;

/// Plot width assumed until a graph has measured itself.
pub const DEFAULT_WIDTH_PX: u32 = 600;

/// What one graph asks for: its expressions, how far back, how wide it is.
#[derive(Debug, Clone, Copy)]
pub struct GraphRequest<'a> {
    /// `PromQL` expressions, one or more series each.
    pub queries: &'a [String],
    /// How far back the graph reaches, in seconds.
    pub range_secs: f64,
    /// The plot's width in CSS pixels; 0 while not yet measured.
    pub width_px: u32,
}

/// The range queries of one refresh and the answers that came back so far.
#[derive(Debug, Clone, Default)]
pub struct RangeRound {
    /// Per graph (in the order given), its queries in its own order.
    graphs: Vec<Planned>,
    /// Answers by query; linear, because a view has at most six graphs.
    answers: Vec<(Query, Result<QueryResult, QueryError>)>,
    /// The source's name as its errors say it (see [`RangeRound::told_by`]).
    name: Option<String>,
    /// The engine behind the source, as its errors call it.
    kind: SourceKind,
}

#[derive(Debug, Clone)]
struct Planned {
    queries: Vec<Query>,
    start: f64,
    end: f64,
}

impl RangeRound {
    /// The round for `graphs` ending at `now` (Unix seconds).
    pub fn new<'a>(now: f64, graphs: impl IntoIterator<Item = GraphRequest<'a>>) -> RangeRound {
        let graphs = graphs
            .into_iter()
            .map(|g| {
                let width = if g.width_px == 0 {
                    DEFAULT_WIDTH_PX
                } else {
                    g.width_px
                };
                let start = now - g.range_secs;
                Planned {
                    queries: g
                        .queries
                        .iter()
                        .map(|q| Query::range(q, start, now, width))
                        .collect(),
                    start,
                    end: now,
                }
            })
            .collect();
        RangeRound {
            graphs,
            answers: Vec::new(),
            name: None,
            kind: SourceKind::Prometheus,
        }
    }

    /// The source the graphs' errors name: a graph on a second source that
    /// fails must not say "Prometheus answered HTTP 502".
    #[must_use]
    pub fn told_by(mut self, teller: Teller<'_>) -> RangeRound {
        self.name = teller.name.map(str::to_owned);
        self.kind = teller.kind;
        self
    }

    /// Every distinct question, in graph order: ask each once.
    pub fn queries(&self) -> Vec<Query> {
        distinct(self.graphs.iter().flat_map(|g| g.queries.iter().cloned()))
    }

    /// Records the answer to `query` and returns the graphs (indices in the
    /// order given to [`RangeRound::new`]) that this answer completed: each
    /// graph is drawn once per refresh, when its last answer is in.
    pub fn answer(&mut self, query: Query, result: Result<QueryResult, QueryError>) -> Vec<usize> {
        match self.answers.iter_mut().find(|(q, _)| *q == query) {
            Some(slot) => slot.1 = result,
            None => self.answers.push((query.clone(), result)),
        }
        self.graphs
            .iter()
            .enumerate()
            .filter(|(_, g)| g.queries.contains(&query) && g.queries.iter().all(|q| self.has(q)))
            .map(|(i, _)| i)
            .collect()
    }

    /// The data of graph `index` once all its answers are in. When every one
    /// of its queries failed, the `previous` lines stay (with the errors
    /// shown) instead of blanking a graph that was fine a moment ago.
    pub fn data(&self, index: usize, previous: Option<&GraphData>) -> Option<GraphData> {
        let g = self.graphs.get(index)?;
        let results: Vec<&Result<QueryResult, QueryError>> = g
            .queries
            .iter()
            .map(|q| self.get(q))
            .collect::<Option<_>>()?;
        let all_failed = results.iter().all(|r| r.is_err());
        let teller = Teller {
            name: self.name.as_deref(),
            kind: self.kind,
        };
        let mut data =
            GraphData::from_results_told(g.start, g.end, results.into_iter().cloned(), teller);
        if all_failed && let Some(previous) = previous {
            data.series.clone_from(&previous.series);
            data.start = previous.start;
            data.end = previous.end;
        }
        Some(data)
    }

    fn get(&self, query: &Query) -> Option<&Result<QueryResult, QueryError>> {
        self.answers
            .iter()
            .find(|(q, _)| q == query)
            .map(|(_, r)| r)
    }

    fn has(&self, query: &Query) -> bool {
        self.get(query).is_some()
    }
}

#[cfg(test)]
mod tests {
    use panopticon_core::prom::{Labels, QueryData, RangeSeries, Sample};

    use super::*;

    fn matrix(value: f64) -> QueryResult {
        let labels: Labels = [("instance".to_owned(), "n1".to_owned())]
            .into_iter()
            .collect();
        QueryResult {
            data: QueryData::Matrix(vec![RangeSeries {
                labels,
                samples: vec![Sample {
                    timestamp: 1.0,
                    value,
                }],
                histograms: vec![],
            }]),
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }
    }

    fn value(data: &GraphData) -> Vec<f64> {
        data.series
            .iter()
            .flat_map(|s| s.samples.iter().map(|p| p.value))
            .collect()
    }

    /// The same expression over one hour and over six: two questions, two
    /// answers, each graph its own (keyed by expression both drew the last).
    #[test]
    fn two_graphs_with_one_expression_and_different_ranges_keep_their_own_data() {
        let load = ["node_load15".to_owned()];
        let mut round = RangeRound::new(
            10_000.0,
            [
                GraphRequest {
                    queries: &load,
                    range_secs: 3600.0,
                    width_px: 600,
                },
                GraphRequest {
                    queries: &load,
                    range_secs: 6.0 * 3600.0,
                    width_px: 600,
                },
            ],
        );
        let queries = round.queries();
        assert_eq!(queries.len(), 2, "{queries:?}");
        assert_eq!(round.answer(queries[0].clone(), Ok(matrix(1.0))), [0]);
        assert_eq!(round.answer(queries[1].clone(), Ok(matrix(6.0))), [1]);
        let hour = round.data(0, None).expect("complete");
        let six = round.data(1, None).expect("complete");
        assert_eq!(value(&hour), [1.0]);
        assert_eq!(value(&six), [6.0]);
        assert_eq!((hour.start, six.start), (6400.0, 10_000.0 - 21_600.0));
    }

    #[test]
    fn one_query_shared_by_two_equal_graphs_is_asked_once_and_completes_both() {
        let q = ["up".to_owned()];
        let g = GraphRequest {
            queries: &q,
            range_secs: 60.0,
            width_px: 0,
        };
        let mut round = RangeRound::new(100.0, [g, g]);
        let queries = round.queries();
        assert_eq!(queries, [Query::range("up", 40.0, 100.0, DEFAULT_WIDTH_PX)]);
        assert_eq!(round.answer(queries[0].clone(), Ok(matrix(1.0))), [0, 1]);
    }

    #[test]
    fn a_graph_completes_with_its_last_answer_and_keeps_old_lines_when_all_failed() {
        let qs = ["a".to_owned(), "b".to_owned()];
        let mut round = RangeRound::new(
            100.0,
            [GraphRequest {
                queries: &qs,
                range_secs: 60.0,
                width_px: 300,
            }],
        );
        let queries = round.queries();
        let failed = || Err(QueryError::Canceled);
        assert!(round.answer(queries[0].clone(), failed()).is_empty());
        assert_eq!(round.data(0, None), None, "not complete yet");
        assert_eq!(round.answer(queries[1].clone(), failed()), [0]);
        let mut previous = GraphData::new(0.0, 50.0);
        previous.series = matrix_series(3.0);
        let data = round.data(0, Some(&previous)).expect("complete");
        assert_eq!(value(&data), [3.0], "old lines stay");
        assert_eq!(data.errors.len(), 2);
        assert_eq!((data.start, data.end), (0.0, 50.0));
        // One query answering is enough to draw the new data.
        assert_eq!(round.answer(queries[1].clone(), Ok(matrix(5.0))), [0]);
        let data = round.data(0, Some(&previous)).expect("complete");
        assert_eq!(value(&data), [5.0]);
        assert!(
            round
                .answer(Query::range("other", 0.0, 1.0, 1), Ok(matrix(1.0)))
                .is_empty()
        );
    }

    /// A graph on a second source that fails names that source, not
    /// "Prometheus"; a round told nothing reads as it always did.
    #[test]
    fn a_failed_graph_names_the_source_it_asked() {
        let q = ["up".to_owned()];
        let g = GraphRequest {
            queries: &q,
            range_secs: 60.0,
            width_px: 0,
        };
        let bad_gateway = || {
            Err(QueryError::Http {
                status: 502,
                content_type: Some("text/html".into()),
                excerpt: "502 Bad Gateway".into(),
            })
        };
        let errors = |round: RangeRound| {
            let mut round = round;
            let query = round.queries()[0].clone();
            round.answer(query, bad_gateway());
            round.data(0, None).expect("complete").errors
        };
        let named =
            RangeRound::new(100.0, [g]).told_by(Teller::named("thanos-eu", SourceKind::Thanos));
        assert_eq!(
            errors(named),
            ["thanos-eu (Thanos) answered HTTP 502 Bad Gateway (the proxy could not reach it)"]
        );
        assert_eq!(
            errors(RangeRound::new(100.0, [g])),
            ["Prometheus answered HTTP 502 Bad Gateway (the proxy could not reach Prometheus)"]
        );
    }

    fn matrix_series(v: f64) -> Vec<crate::GraphSeries> {
        let mut data = GraphData::new(0.0, 1.0);
        data.add_query_result(0, &matrix(v));
        data.series
    }
}
