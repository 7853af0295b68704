//! Domain types for Prometheus query results, free of wire-format concerns.
//!
//! The decoder (`prom::decode`) turns the HTTP API's JSON into these; the
//! health engine and the charts only ever see these.

use std::collections::BTreeMap;

use super::error::QueryError;

/// A series' label set. Ordered, so that display and tests are deterministic.
pub type Labels = BTreeMap<String, String>;

/// One point in time with its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Unix time in seconds (Prometheus sends fractional seconds).
    pub timestamp: f64,
    /// The float value. `NaN`, `+Inf` and `-Inf` are legal values.
    pub value: f64,
}

/// A native histogram sample, kept only in summary: Panopticon rates floats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramSample {
    /// Unix time in seconds.
    pub timestamp: f64,
    /// Total observation count.
    pub count: f64,
    /// Sum of observations.
    pub sum: f64,
}

/// One element of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct InstantSeries {
    /// The series' labels (including `__name__` when Prometheus keeps it).
    pub labels: Labels,
    /// The float sample; `None` when the series carries a native histogram instead.
    pub sample: Option<Sample>,
    /// The histogram sample, when the series is a native histogram.
    pub histogram: Option<HistogramSample>,
}

/// One element of a range matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    /// The series' labels.
    pub labels: Labels,
    /// Float samples, oldest first.
    pub samples: Vec<Sample>,
    /// Native histogram samples, oldest first (usually empty).
    pub histograms: Vec<HistogramSample>,
}

/// The `data` of a successful query, by result type.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryData {
    /// `resultType: vector`.
    Vector(Vec<InstantSeries>),
    /// `resultType: matrix`.
    Matrix(Vec<RangeSeries>),
    /// `resultType: scalar`.
    Scalar(Sample),
    /// `resultType: string`.
    String {
        /// Unix time in seconds.
        timestamp: f64,
        /// The string value.
        value: String,
    },
}

impl QueryData {
    /// The result type's name as Prometheus spells it, for error messages.
    pub const fn kind(&self) -> &'static str {
        match self {
            QueryData::Vector(_) => "vector",
            QueryData::Matrix(_) => "matrix",
            QueryData::Scalar(_) => "scalar",
            QueryData::String { .. } => "string",
        }
    }
}

/// A successful query: its data plus what Prometheus wants the user to know.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// The result.
    pub data: QueryData,
    /// `warnings` from the response: shown to the user, never dropped.
    pub warnings: Vec<String>,
    /// `infos` from the response (Prometheus ≥ 2.45 / 3.x).
    pub infos: Vec<String>,
    /// `VictoriaMetrics`'s top-level `isPartial: true`: some storage nodes did
    /// not answer, so series may be missing. Whether an answer is partial is
    /// decided per engine by [`super::SourceKind::partial`].
    pub is_partial: bool,
}

impl QueryResult {
    /// The instant vector, or an error naming the type that came instead:
    /// rules judge instant vectors, and a check accidentally written as a
    /// range selector must say so rather than judge nothing.
    pub fn into_vector(self) -> Result<Vec<InstantSeries>, QueryError> {
        match self.data {
            QueryData::Vector(v) => Ok(v),
            other => Err(unexpected("vector", &other)),
        }
    }

    /// The range matrix (what graphs draw), or an error naming the actual type.
    pub fn into_matrix(self) -> Result<Vec<RangeSeries>, QueryError> {
        match self.data {
            QueryData::Matrix(m) => Ok(m),
            other => Err(unexpected("matrix", &other)),
        }
    }

    /// The scalar, or an error naming the actual type.
    pub fn into_scalar(self) -> Result<Sample, QueryError> {
        match self.data {
            QueryData::Scalar(s) => Ok(s),
            other => Err(unexpected("scalar", &other)),
        }
    }
}

fn unexpected(expected: &'static str, got: &QueryData) -> QueryError {
    QueryError::UnexpectedResultType {
        expected,
        got: got.kind(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(data: QueryData) -> QueryResult {
        QueryResult {
            data,
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }
    }

    #[test]
    fn accessors_name_the_type_that_came_instead() {
        let scalar = QueryData::Scalar(Sample {
            timestamp: 1.0,
            value: 2.0,
        });
        let string = QueryData::String {
            timestamp: 1.0,
            value: "x".into(),
        };
        let table = [
            (QueryData::Vector(vec![]), "vector"),
            (QueryData::Matrix(vec![]), "matrix"),
            (scalar, "scalar"),
            (string, "string"),
        ];
        for (data, kind) in table {
            let r = result(data);
            let got = [
                ("vector", r.clone().into_vector().err()),
                ("matrix", r.clone().into_matrix().err()),
                ("scalar", r.clone().into_scalar().err()),
            ];
            for (wanted, err) in got {
                let expect = (wanted != kind).then_some(QueryError::UnexpectedResultType {
                    expected: wanted,
                    got: kind,
                });
                assert_eq!(err, expect, "{wanted} from {kind}");
            }
        }
    }
}
