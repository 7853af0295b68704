//! The Prometheus HTTP API's JSON exactly as it is sent (`/api/v1/query`,
//! `/api/v1/query_range`), kept apart from the domain types so that a quirk
//! of the wire format never leaks into the engine.
//!
//! `data` is read with a hand-written visitor instead of serde's internally
//! tagged enums: those buffer the whole result before looking at
//! `resultType`, which costs memory on large matrices and throws away the
//! line/column of any error inside it. Prometheus writes `resultType` before
//! `result`, so the visitor can stream `result` straight into the right type;
//! only the reverse order falls back to buffering.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// The top-level object. A flat struct (not a tagged enum) for the same
/// reason as `data`: errors keep their position.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope {
    pub status: Status,
    #[serde(default)]
    pub data: Option<Data>,
    #[serde(default, rename = "errorType")]
    pub error_type: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub warnings: Option<Vec<String>>,
    #[serde(default)]
    pub infos: Option<Vec<String>>,
}

/// Just enough of an error envelope to report it when the full envelope does
/// not decode (some servers put odd `data` next to an error).
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorOnly {
    pub status: Status,
    #[serde(default, rename = "errorType")]
    pub error_type: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Success,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ResultType {
    Vector,
    Matrix,
    Scalar,
    String,
}

/// `data` of a successful response.
#[derive(Debug)]
pub(crate) enum Data {
    Vector(Vec<InstantSeries>),
    Matrix(Vec<RangeSeries>),
    Scalar(Sample),
    String(StringSample),
}

/// `[ <unix time>, "<value>" ]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "(f64, String)")]
pub(crate) struct Sample {
    pub timestamp: f64,
    pub value: f64,
}

/// `[ <unix time>, "<string>" ]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct StringSample(pub f64, pub String);

/// `[ <unix time>, { "count": "…", "sum": "…", "buckets": […] } ]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "(f64, Histogram)")]
pub(crate) struct HistogramSample {
    pub timestamp: f64,
    pub count: f64,
    pub sum: f64,
}

/// A native histogram; buckets are skipped, Panopticon only rates floats.
#[derive(Debug, Deserialize)]
pub(crate) struct Histogram {
    count: String,
    sum: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InstantSeries {
    #[serde(default)]
    pub metric: BTreeMap<String, String>,
    #[serde(default)]
    pub value: Option<Sample>,
    #[serde(default)]
    pub histogram: Option<HistogramSample>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RangeSeries {
    #[serde(default)]
    pub metric: BTreeMap<String, String>,
    #[serde(default)]
    pub values: Vec<Sample>,
    #[serde(default)]
    pub histograms: Vec<HistogramSample>,
}

/// Parses a sample value as Prometheus formats it (Go's `strconv.FormatFloat`
/// plus `NaN`, `+Inf`, `-Inf`).
pub(crate) fn parse_value(text: &str) -> Result<f64, String> {
    // Rust's float parser accepts "NaN", "inf", "+Inf", "-Inf" and "infinity"
    // in any case, which covers everything Go prints.
    text.parse::<f64>()
        .map_err(|_| format!("sample value {text:?} is not a number"))
}

impl TryFrom<(f64, String)> for Sample {
    type Error = String;

    fn try_from((timestamp, value): (f64, String)) -> Result<Self, Self::Error> {
        Ok(Sample {
            timestamp,
            value: parse_value(&value)?,
        })
    }
}

impl TryFrom<(f64, Histogram)> for HistogramSample {
    type Error = String;

    fn try_from((timestamp, h): (f64, Histogram)) -> Result<Self, Self::Error> {
        Ok(HistogramSample {
            timestamp,
            count: parse_value(&h.count)?,
            sum: parse_value(&h.sum)?,
        })
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Data;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with resultType and result")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
        let mut result_type: Option<ResultType> = None;
        let mut data: Option<Data> = None;
        let mut buffered: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::ResultType => {
                    if result_type.is_some() {
                        return Err(de::Error::duplicate_field("resultType"));
                    }
                    result_type = Some(map.next_value()?);
                }
                Key::Result => {
                    if data.is_some() || buffered.is_some() {
                        return Err(de::Error::duplicate_field("result"));
                    }
                    match result_type {
                        Some(kind) => data = Some(map.next_value_seed(ResultSeed(kind))?),
                        None => buffered = Some(map.next_value()?),
                    }
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = result_type.ok_or_else(|| de::Error::missing_field("resultType"))?;
        match (data, buffered) {
            (Some(data), _) => Ok(data),
            (None, Some(value)) => ResultSeed(kind)
                .deserialize(value)
                .map_err(de::Error::custom),
            (None, None) => Err(de::Error::missing_field("result")),
        }
    }
}

enum Key {
    ResultType,
    Result,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "resultType" => Key::ResultType,
                    "result" => Key::Result,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads `result` once its type is known.
struct ResultSeed(ResultType);

impl<'de> DeserializeSeed<'de> for ResultSeed {
    type Value = Data;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Data, D::Error> {
        Ok(match self.0 {
            ResultType::Vector => Data::Vector(Deserialize::deserialize(deserializer)?),
            ResultType::Matrix => Data::Matrix(Deserialize::deserialize(deserializer)?),
            ResultType::Scalar => Data::Scalar(Deserialize::deserialize(deserializer)?),
            ResultType::String => Data::String(Deserialize::deserialize(deserializer)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_like_go_prints_them() {
        let table: &[(&str, Option<f64>)] = &[
            ("1", Some(1.0)),
            ("-0.5", Some(-0.5)),
            ("1e+06", Some(1e6)),
            ("6.02e-23", Some(6.02e-23)),
            ("+Inf", Some(f64::INFINITY)),
            ("-Inf", Some(f64::NEG_INFINITY)),
            ("", None),
            ("one", None),
            ("1,5", None),
        ];
        for &(text, expect) in table {
            assert_eq!(parse_value(text).ok(), expect, "{text:?}");
        }
        assert!(parse_value("NaN").is_ok_and(f64::is_nan));
    }

    #[test]
    fn result_before_result_type_still_decodes() {
        let data: Data =
            serde_json::from_str(r#"{"result":[1.5,"2"],"resultType":"scalar"}"#).unwrap();
        assert!(matches!(
            data,
            Data::Scalar(Sample {
                timestamp: 1.5,
                value: 2.0
            })
        ));
    }

    #[test]
    fn errors_inside_result_keep_their_position() {
        let text = "{\"resultType\":\"vector\",\n\"result\":[{\"metric\":{},\"value\":[1,\"x\"]}]}";
        let err = serde_json::from_str::<Data>(text).unwrap_err();
        assert_eq!(err.line(), 2);
        assert!(err.column() > 0, "{err}");
        assert!(err.to_string().contains("\"x\" is not a number"), "{err}");
    }
}
