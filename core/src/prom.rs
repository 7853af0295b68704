//! The Prometheus HTTP API as data: domain types, the decoder, request
//! building and the one error type every query failure is expressed in.
//!
//! Nothing here sends a request; the browser client (`panopticon-client`)
//! sends what [`build_request`] describes and feeds the answer to
//! [`decode_response`].

pub mod buildinfo;
pub mod combine;
pub mod decode;
pub mod error;
pub mod kind;
pub mod limits;
pub mod request;
pub mod result;
mod wire;

pub use buildinfo::{MAX_VERSION_CHARS, decode_buildinfo};
pub use combine::{CLASH_LABEL, Combined, PART_LABEL, Plan, Split};
pub use decode::{
    EXCERPT_CHARS, SUCCESS_BODY_IGNORED, decode_response, decode_response_within, excerpt,
    page_excerpt,
};
pub use error::{AbortCause, PromErrorKind, QueryError, Teller, Told};
pub use kind::SourceKind;
pub use limits::{AnswerLimits, BodyBudget, ERROR_BODY_BYTES, Take};
pub use request::{
    BaseUrl, BaseUrlError, HttpRequest, Method, Query, RequestOptions, build_request, distinct,
    range_step,
};
pub use result::{
    HistogramSample, InstantSeries, Labels, QueryData, QueryResult, RangeSeries, Sample,
};
