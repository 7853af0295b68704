//! The Prometheus HTTP API as data: domain types and (later) their decoding.

pub mod model;

pub use model::{HistogramSample, InstantSeries, Labels, QueryData, QueryResult, RangeSeries, Sample};
