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
//!
//! The same visitors bound the number of series: `result` is read element by
//! element, and once `max_series` of them are built the rest are only
//! counted (skipped without allocating), so an answer with 100,000 series
//! never holds more than `max_series` of them in memory.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The top-level object. A flat struct (not a tagged enum) for the same
/// reason as `data`: errors keep their position.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub status: Status,
    pub data: Option<Data>,
    pub error_type: Option<String>,
    pub error: Option<String>,
    pub warnings: Option<Vec<String>>,
    pub infos: Option<Vec<String>>,
    /// `VictoriaMetrics`'s top-level `isPartial`.
    pub is_partial: Option<bool>,
}

/// Why an envelope was not decoded.
#[derive(Debug)]
pub(crate) enum EnvelopeError {
    /// `result` had this many series, more than allowed.
    TooManySeries(usize),
    /// Not JSON, or not the Prometheus API's JSON.
    Json(serde_json::Error),
}

/// Decodes a whole body, building at most `max_series` series.
///
/// A body big enough to hold more series is first read without building
/// anything, only counting the elements of `result`, so an answer over the
/// bound is refused before a single series exists in memory (a skipping
/// pass costs about a seventh of a full decode). Smaller bodies go straight
/// to the decode, which still stops at the bound.
pub(crate) fn decode_envelope(body: &[u8], max_series: usize) -> Result<Envelope, EnvelopeError> {
    // n series take at least 3n - 1 bytes (`{},` each).
    let could_exceed = body.len().saturating_add(1) / 3 > max_series;
    // Any other failure of the counting pass is reported, with its
    // position, by the decode.
    if could_exceed
        && let Err(EnvelopeError::TooManySeries(series)) = decode_with(body, max_series, false)
    {
        return Err(EnvelopeError::TooManySeries(series));
    }
    decode_with(body, max_series, true)
}

/// One pass over `body`; `build: false` only counts the series.
fn decode_with(body: &[u8], max_series: usize, build: bool) -> Result<Envelope, EnvelopeError> {
    let overflow = Cell::new(None);
    let cap = SeriesCap {
        max: max_series,
        build,
        overflow: &overflow,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let decoded = EnvelopeSeed(cap)
        .deserialize(&mut deserializer)
        .and_then(|envelope| deserializer.end().map(|()| envelope));
    match (decoded, overflow.get()) {
        (_, Some(series)) => Err(EnvelopeError::TooManySeries(series)),
        (Ok(envelope), None) => Ok(envelope),
        (Err(err), None) => Err(EnvelopeError::Json(err)),
    }
}

/// The series bound, and where the visitor that hits it leaves the count:
/// serde's errors are strings, the count must come out typed.
#[derive(Clone, Copy)]
struct SeriesCap<'a> {
    max: usize,
    /// `false`: count the series, build none (every result comes out empty).
    build: bool,
    overflow: &'a Cell<Option<usize>>,
}

struct EnvelopeSeed<'a>(SeriesCap<'a>);

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = Envelope;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Envelope, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = Envelope;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Prometheus API response object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope, A::Error> {
        fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
            map: &mut A,
            slot: &mut Option<T>,
            name: &'static str,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(de::Error::duplicate_field(name));
            }
            *slot = Some(map.next_value()?);
            Ok(())
        }
        let mut status: Option<Status> = None;
        // Outer `Option`: seen; inner: `null` is allowed as for any optional field.
        let mut data: Option<Option<Data>> = None;
        let mut error_type: Option<Option<String>> = None;
        let mut error: Option<Option<String>> = None;
        let mut warnings: Option<Option<Vec<String>>> = None;
        let mut infos: Option<Option<Vec<String>>> = None;
        let mut is_partial: Option<Option<bool>> = None;
        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Status => once(&mut map, &mut status, "status")?,
                EnvelopeKey::Data => {
                    if data.is_some() {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    data = Some(map.next_value_seed(OptionalData(self.0))?);
                }
                EnvelopeKey::ErrorType => once(&mut map, &mut error_type, "errorType")?,
                EnvelopeKey::Error => once(&mut map, &mut error, "error")?,
                EnvelopeKey::Warnings => once(&mut map, &mut warnings, "warnings")?,
                EnvelopeKey::Infos => once(&mut map, &mut infos, "infos")?,
                EnvelopeKey::IsPartial => once(&mut map, &mut is_partial, "isPartial")?,
                EnvelopeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Envelope {
            status: status.ok_or_else(|| de::Error::missing_field("status"))?,
            data: data.flatten(),
            error_type: error_type.flatten(),
            error: error.flatten(),
            warnings: warnings.flatten(),
            infos: infos.flatten(),
            is_partial: is_partial.flatten(),
        })
    }
}

enum EnvelopeKey {
    Status,
    Data,
    ErrorType,
    Error,
    Warnings,
    Infos,
    IsPartial,
    Other,
}

impl<'de> Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvelopeKey, E> {
                Ok(match v {
                    "status" => EnvelopeKey::Status,
                    "data" => EnvelopeKey::Data,
                    "errorType" => EnvelopeKey::ErrorType,
                    "error" => EnvelopeKey::Error,
                    "warnings" => EnvelopeKey::Warnings,
                    "infos" => EnvelopeKey::Infos,
                    "isPartial" => EnvelopeKey::IsPartial,
                    _ => EnvelopeKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// `data`, which may be `null`.
struct OptionalData<'a>(SeriesCap<'a>);

impl<'de> DeserializeSeed<'de> for OptionalData<'_> {
    type Value = Option<Data>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalData<'_> {
    type Value = Option<Data>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with resultType and result, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(DataVisitor(self.0)).map(Some)
    }
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

/// Reads `data` (`resultType` and `result`) within the series bound.
struct DataVisitor<'a>(SeriesCap<'a>);

impl<'de> Visitor<'de> for DataVisitor<'_> {
    type Value = Data;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with resultType and result")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
        let cap = self.0;
        let mut result_type: Option<ResultType> = None;
        let mut data: Option<Data> = None;
        let mut buffered: Option<Vec<serde_json::Value>> = None;
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
                    if let Some(kind) = result_type {
                        data = Some(map.next_value_seed(ResultSeed(kind, cap))?);
                    } else {
                        // Every result is an array: buffer its elements,
                        // still within the bound (a scalar or string
                        // result is an array of two). Counting needs them
                        // too: the type that says what to count comes later.
                        let two = SeriesCap {
                            max: cap.max.max(2),
                            build: true,
                            ..cap
                        };
                        buffered = Some(map.next_value_seed(Capped::new(two))?);
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
            (None, Some(elements)) => ResultSeed(kind, cap)
                .deserialize(serde_json::Value::Array(elements))
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
struct ResultSeed<'a>(ResultType, SeriesCap<'a>);

impl<'de> DeserializeSeed<'de> for ResultSeed<'_> {
    type Value = Data;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Data, D::Error> {
        let cap = self.1;
        Ok(match self.0 {
            ResultType::Vector => Data::Vector(Capped::new(cap).deserialize(deserializer)?),
            ResultType::Matrix => Data::Matrix(Capped::new(cap).deserialize(deserializer)?),
            ResultType::Scalar => Data::Scalar(Deserialize::deserialize(deserializer)?),
            ResultType::String => Data::String(Deserialize::deserialize(deserializer)?),
        })
    }
}

/// An array of at most `cap.max` elements. Past that, the rest is only
/// counted, what was built is dropped at once, and the count is left in
/// `cap.overflow` for the decoder to report.
struct Capped<'a, T> {
    cap: SeriesCap<'a>,
    element: PhantomData<T>,
}

impl<'a, T> Capped<'a, T> {
    fn new(cap: SeriesCap<'a>) -> Self {
        Capped {
            cap,
            element: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Capped<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Capped<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let keep = if self.cap.build { self.cap.max } else { 0 };
        let mut kept = Vec::new();
        while kept.len() < keep {
            match seq.next_element()? {
                Some(element) => kept.push(element),
                None => return Ok(kept),
            }
        }
        let mut series = kept.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            series = series.saturating_add(1);
            if series > self.cap.max && !kept.is_empty() {
                kept = Vec::new(); // refused: free what was built at once
            }
        }
        if series <= self.cap.max {
            return Ok(kept);
        }
        self.cap.overflow.set(Some(series));
        Err(de::Error::custom(format_args!(
            "{series} series, more than {}",
            self.cap.max
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `data` alone, without the series bound.
    fn data(text: &str) -> Result<Data, serde_json::Error> {
        let overflow = Cell::new(None);
        let cap = SeriesCap {
            max: usize::MAX,
            build: true,
            overflow: &overflow,
        };
        serde_json::Deserializer::from_str(text).deserialize_map(DataVisitor(cap))
    }

    fn series_of(data: &Data) -> usize {
        match data {
            Data::Vector(v) => v.len(),
            Data::Matrix(m) => m.len(),
            Data::Scalar(_) | Data::String(_) => 1,
        }
    }

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
        let data = data(r#"{"result":[1.5,"2"],"resultType":"scalar"}"#).unwrap();
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
        let err = data(text).unwrap_err();
        assert_eq!(err.line(), 2);
        assert!(err.column() > 0, "{err}");
        assert!(err.to_string().contains("\"x\" is not a number"), "{err}");
    }

    /// A `result` of `n` series, in either key order.
    fn body(kind: &str, n: usize, result_first: bool) -> String {
        let one = match kind {
            "vector" => r#"{"metric":{"i":"x"},"value":[1,"1"]}"#,
            _ => r#"{"metric":{"i":"x"},"values":[[1,"1"],[2,"2"]]}"#,
        };
        let result = format!("[{}]", vec![one; n].join(","));
        let data = if result_first {
            format!(r#"{{"result":{result},"resultType":"{kind}"}}"#)
        } else {
            format!(r#"{{"resultType":"{kind}","result":{result}}}"#)
        };
        format!(r#"{{"status":"success","data":{data}}}"#)
    }

    #[test]
    fn series_beyond_the_bound_are_counted_not_kept() {
        // (series in the answer, bound, expected: Ok(series kept) or Err(series counted))
        let table: &[(usize, usize, Result<usize, usize>)] = &[
            (0, 0, Ok(0)),
            (3, 3, Ok(3)),
            (4, 3, Err(4)),
            (1_000, 10, Err(1_000)),
            (1, 0, Err(1)),
        ];
        for kind in ["vector", "matrix"] {
            for result_first in [false, true] {
                for &(n, max, expect) in table {
                    let text = body(kind, n, result_first);
                    let got = match decode_envelope(text.as_bytes(), max) {
                        Ok(envelope) => Ok(series_of(&envelope.data.expect("data"))),
                        Err(EnvelopeError::TooManySeries(series)) => Err(series),
                        Err(EnvelopeError::Json(e)) => panic!("{kind} {n}/{max}: {e}"),
                    };
                    let case =
                        format!("{kind} {n} series, bound {max}, result first: {result_first}");
                    assert_eq!(got, expect, "{case}");
                    // Each pass alone comes to the same verdict: the
                    // counting pass refuses what the building pass would.
                    for build in [false, true] {
                        let verdict = match decode_with(text.as_bytes(), max, build) {
                            Err(EnvelopeError::TooManySeries(series)) => Err(series),
                            _ => Ok(()),
                        };
                        assert_eq!(verdict, expect.map(|_| ()), "{case}, build: {build}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_bound_leaves_scalars_and_strings_alone() {
        for text in [
            r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#,
            r#"{"status":"success","data":{"result":[1,"2"],"resultType":"scalar"}}"#,
            r#"{"status":"success","data":{"result":[1,"s"],"resultType":"string"}}"#,
        ] {
            assert!(decode_envelope(text.as_bytes(), 1).is_ok(), "{text}");
        }
    }

    #[test]
    fn the_envelope_reads_like_its_serde_derive_did() {
        let ok =
            |text: &str| decode_envelope(text.as_bytes(), usize::MAX).map_err(|e| format!("{e:?}"));
        let envelope = ok(r#"{"status":"error","data":null,"errorType":"x","error":null,"extra":[1,{}],"warnings":["w"]}"#).unwrap();
        assert_eq!(envelope.status, Status::Error);
        assert!(envelope.data.is_none() && envelope.error.is_none());
        assert_eq!(envelope.error_type.as_deref(), Some("x"));
        assert_eq!(envelope.warnings, Some(vec!["w".to_owned()]));
        for (bad, says) in [
            (r#"{"data":null}"#, "missing field `status`"),
            (
                r#"{"status":"success","status":"error"}"#,
                "duplicate field `status`",
            ),
            (
                r#"{"status":"success","data":null,"data":null}"#,
                "duplicate field `data`",
            ),
            (r#"{"status":"success"} x"#, "trailing characters"),
            (r#"{"status":"maybe"}"#, "unknown variant"),
            ("[]", "invalid type"),
        ] {
            let err = ok(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
