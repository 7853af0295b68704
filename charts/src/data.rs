//! What one graph received from Prometheus, in the shape the drawing needs.

use panopticon_core::prom::{Labels, QueryError, QueryResult, Sample, Teller};
use panopticon_core::sorting;

/// Everything one graph shows, filled by the app from its range queries.
///
/// Failures are kept *beside* the series instead of replacing them: one failed
/// query of three must not blank the other two, and the operator must read
/// why a line is missing rather than guess.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphData {
    /// All queries' series, in query order, then in Prometheus's order.
    pub series: Vec<GraphSeries>,
    /// Left edge of the time axis (unix seconds): the range asked for, not the
    /// first sample, so a series that starts late shows as starting late.
    pub start: f64,
    /// Right edge of the time axis (unix seconds).
    pub end: f64,
    /// One readable sentence per failed query.
    pub errors: Vec<String>,
    /// Prometheus's warnings and infos, and notes about data not drawn.
    pub warnings: Vec<String>,
}

/// One line of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphSeries {
    /// Index of the query (in `Graph::queries`) this series came from: the
    /// legend falls back to the query text when labels cannot tell series apart.
    pub query: usize,
    /// The series' labels.
    pub labels: Labels,
    /// Float samples, oldest first; NaN and ±Inf stay in and become gaps.
    pub samples: Vec<Sample>,
}

impl GraphData {
    /// Empty data for the time axis `start..end` (unix seconds); add the
    /// queries' answers with [`GraphData::add_query_result`] and failures to
    /// [`GraphData::errors`].
    pub fn new(start: f64, end: f64) -> GraphData {
        GraphData {
            start,
            end,
            ..GraphData::default()
        }
    }

    /// Builds the data of one graph from its queries' outcomes, given in the
    /// order of `Graph::queries`; failures become "query 2: …" errors (no
    /// number when the graph has one query).
    pub fn from_results<I>(start: f64, end: f64, results: I) -> GraphData
    where
        I: IntoIterator<Item = Result<QueryResult, QueryError>>,
    {
        GraphData::from_results_told(start, end, results, Teller::default())
    }

    /// [`GraphData::from_results`] with the errors naming the source that
    /// answered (`teller`), as a graph on a second source must.
    pub fn from_results_told<I>(start: f64, end: f64, results: I, teller: Teller<'_>) -> GraphData
    where
        I: IntoIterator<Item = Result<QueryResult, QueryError>>,
    {
        let results: Vec<_> = results.into_iter().collect();
        let numbered = results.len() > 1;
        let mut data = GraphData::new(start, end);
        for (query, result) in results.iter().enumerate() {
            let (notes, errors) = (data.warnings.len(), data.errors.len());
            match result {
                Ok(result) => data.add_query_result(query, result),
                Err(err) => data.errors.push(err.told_by(teller).to_string()),
            }
            if numbered {
                let prefix = format!("query {}: ", query + 1);
                let new = data.warnings[notes..]
                    .iter_mut()
                    .chain(&mut data.errors[errors..]);
                new.for_each(|text| text.insert_str(0, &prefix));
            }
        }
        data
    }

    /// Adds the answer of the graph's query number `query` (index into
    /// `Graph::queries`; the legend names series by it when labels cannot).
    ///
    /// A result that is not a matrix (e.g. an instant query by mistake)
    /// becomes an error. Samples are sorted by time and samples without a
    /// finite timestamp dropped, because hover lookup relies on the order.
    /// Prometheus's warnings and infos are kept as warnings.
    pub fn add_query_result(&mut self, query: usize, result: &QueryResult) {
        self.warnings
            .extend(result.warnings.iter().chain(&result.infos).cloned());
        let matrix = match result.clone().into_matrix() {
            Ok(matrix) => matrix,
            Err(err) => {
                self.errors.push(err.to_string());
                return;
            }
        };
        let mut histogram_only = 0_usize;
        for range in matrix {
            if range.samples.is_empty() && !range.histograms.is_empty() {
                histogram_only += 1;
                continue;
            }
            let mut samples = range.samples;
            samples.retain(|s| s.timestamp.is_finite());
            sorting::sort_by(&mut samples, |a, b| a.timestamp.total_cmp(&b.timestamp));
            self.series.push(GraphSeries {
                query,
                labels: range.labels,
                samples,
            });
        }
        if histogram_only > 0 {
            self.warnings.push(format!(
                "{histogram_only} native histogram series not drawn (graphs draw float samples)"
            ));
        }
    }

    /// Like [`GraphData::add_query_result`] without saying which query: the
    /// legend then never falls back to a query's text (it could name the
    /// wrong one) but to "series N".
    pub fn add_result(&mut self, result: &QueryResult) {
        self.add_query_result(usize::MAX, result);
    }

    /// The time axis, repaired when the caller's range is unusable (reversed,
    /// empty or not finite): then the samples' own span, so a graph is still drawn.
    pub fn time_range(&self) -> (f64, f64) {
        if self.start.is_finite() && self.end.is_finite() && self.start < self.end {
            return (self.start, self.end);
        }
        let times = self
            .series
            .iter()
            .flat_map(|s| &s.samples)
            .map(|s| s.timestamp);
        let (lo, hi) = times.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
        if lo < hi {
            (lo, hi)
        } else if lo.is_finite() {
            (lo - 1.0, lo + 1.0)
        } else {
            (0.0, 1.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use panopticon_core::prom::{HistogramSample, QueryData, RangeSeries, decode_response};

    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn matrix(series: Vec<RangeSeries>, warnings: &[&str]) -> QueryResult {
        QueryResult {
            data: QueryData::Matrix(series),
            warnings: warnings.iter().map(|w| (*w).to_owned()).collect(),
            infos: vec![],
            is_partial: false,
        }
    }

    fn range(node: &str, points: &[(f64, f64)]) -> RangeSeries {
        RangeSeries {
            labels: labels(&[("node", node)]),
            samples: points
                .iter()
                .map(|&(timestamp, value)| Sample { timestamp, value })
                .collect(),
            histograms: vec![],
        }
    }

    #[test]
    fn from_results_keeps_query_order_errors_and_warnings() {
        let timeout = QueryError::Timeout {
            after: std::time::Duration::from_secs(10),
        };
        let scalar = Ok(QueryResult {
            data: QueryData::Scalar(Sample {
                timestamp: 1.0,
                value: 1.0,
            }),
            warnings: vec![],
            infos: vec!["PromQL info: x".to_owned()],
            is_partial: false,
        });
        let data = GraphData::from_results(
            0.0,
            10.0,
            [
                Ok(matrix(
                    vec![range("b", &[(2.0, 1.0), (1.0, 0.0)])],
                    &["slow"],
                )),
                Err(timeout.clone()),
                scalar,
                Ok(matrix(
                    vec![range("c", &[(f64::NAN, 1.0), (3.0, 2.0)])],
                    &[],
                )),
            ],
        );
        let nodes: Vec<_> = data
            .series
            .iter()
            .map(|s| (s.query, s.labels["node"].as_str()))
            .collect();
        assert_eq!(nodes, [(0, "b"), (3, "c")]);
        let times: Vec<Vec<f64>> = data
            .series
            .iter()
            .map(|s| s.samples.iter().map(|p| p.timestamp).collect())
            .collect();
        assert_eq!(times, [vec![1.0, 2.0], vec![3.0]]);
        assert_eq!(data.errors.len(), 2, "{:?}", data.errors);
        assert!(data.errors[0].starts_with("query 2: "), "{:?}", data.errors);
        assert!(data.errors[0].ends_with(&timeout.to_string()));
        assert!(data.errors[1].starts_with("query 3: ") && data.errors[1].contains("scalar"));
        assert_eq!(data.warnings, ["query 1: slow", "query 3: PromQL info: x"]);
    }

    #[test]
    fn single_query_messages_have_no_number_and_histograms_are_noted() {
        let hist = RangeSeries {
            labels: labels(&[]),
            samples: vec![],
            histograms: vec![HistogramSample {
                timestamp: 1.0,
                count: 1.0,
                sum: 1.0,
            }],
        };
        let data = GraphData::from_results(0.0, 1.0, [Ok(matrix(vec![hist], &["w"]))]);
        assert!(data.series.is_empty());
        assert_eq!(data.warnings[0], "w");
        assert!(
            data.warnings[1].contains("1 native histogram"),
            "{:?}",
            data.warnings
        );
    }

    #[test]
    fn time_range_repairs_unusable_ranges() {
        let with = |start, end, times: &[f64]| GraphData {
            start,
            end,
            series: vec![GraphSeries {
                query: 0,
                labels: Labels::new(),
                samples: times
                    .iter()
                    .map(|&timestamp| Sample {
                        timestamp,
                        value: 0.0,
                    })
                    .collect(),
            }],
            ..GraphData::default()
        };
        let table = [
            (with(5.0, 9.0, &[1.0]), (5.0, 9.0)),
            (with(9.0, 5.0, &[2.0, 4.0]), (2.0, 4.0)),
            (with(f64::NAN, 5.0, &[3.0]), (2.0, 4.0)),
            (with(5.0, 5.0, &[]), (0.0, 1.0)),
        ];
        for (data, expect) in table {
            assert_eq!(data.time_range(), expect, "{data:?}");
        }
    }

    #[test]
    fn recorded_matrix_fixture_becomes_three_series() {
        let body = include_bytes!("../../tests/fixtures/prometheus/matrix_range.body");
        let result = decode_response(200, Some("application/json"), body);
        let data = GraphData::from_results(1_795_294_972.6, 1_795_294_982.6, [result]);
        assert!(data.errors.is_empty(), "{:?}", data.errors);
        assert_eq!(data.series.len(), 3);
        assert!(data.series.iter().all(|s| s.samples.len() == 6));
    }
}
