//! A serde deserializer over the [`Node`] tree.
//!
//! Each method is a thin generic shell around non-generic helpers, so the
//! copies serde makes per wire type stay small.

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::error::YamlError;
use super::spanned::{SPANNED, set_next_location};
#[cfg(test)]
use super::tree;
use super::tree::{Kind, Node, Scalar, ScalarTag};

/// Parses `text` as one YAML document and reads it as a `T`; `None` when
/// the text holds no document (see [`tree::load`]). The reader before
/// [`super::read`], kept so the tests can hold the two to the same results.
#[cfg(test)]
pub(in crate::config) fn from_str<'de, T: de::Deserialize<'de>>(
    text: &str,
) -> Result<Option<T>, YamlError> {
    let Some(root) = tree::load(text)? else {
        return Ok(None);
    };
    T::deserialize(De(&root))
        .map(Some)
        .map_err(|e| e.or_at(root.loc))
}

#[derive(Clone, Copy)]
pub(super) struct De<'a>(pub(super) &'a Node);

fn seed<'de, S: DeserializeSeed<'de>>(s: S, node: &Node) -> Result<S::Value, YamlError> {
    s.deserialize(De(node)).map_err(|e| e.or_at(node.loc))
}

/// What a plain, untagged-or-typed scalar means when no type is asked for.
pub(super) enum Any<'a> {
    Unit,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
}

fn yaml_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

fn yaml11_bool(t: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["true", "yes", "y", "on"]) {
        Some(true)
    } else if is(&["false", "no", "n", "off"]) {
        Some(false)
    } else {
        None
    }
}

/// Digits with single underscores between them, in `radix`.
fn digits(s: &str, radix: u32) -> Option<u128> {
    let bytes = s.as_bytes();
    let mut val: u128 = 0;
    let mut saw = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            if i == 0 || i + 1 == bytes.len() || bytes[i - 1] == b'_' || bytes[i + 1] == b'_' {
                return None;
            }
            continue;
        }
        let d = char::from(b).to_digit(radix)?;
        val = val
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        saw = true;
    }
    saw.then_some(val)
}

/// A YAML 1.2 integer (`0x`, `0o`, `0b` prefixes, `_` separators, no
/// leading zeros) as sign and magnitude.
fn int(s: &str) -> Option<(bool, u128)> {
    let t = yaml_trim(s);
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let (radix, ds) = match lower.as_deref() {
        Some("0x") => (16, &rest[2..]),
        Some("0o") => (8, &rest[2..]),
        Some("0b") => (2, &rest[2..]),
        _ if rest.starts_with('0') && rest != "0" => return None,
        _ => (10, rest),
    };
    digits(ds, radix).map(|m| (neg, m))
}

fn uint(s: &str, max: u64) -> Option<u64> {
    if yaml_trim(s).starts_with('-') {
        return None;
    }
    int(s)
        .and_then(|(_, m)| u64::try_from(m).ok())
        .filter(|&v| v <= max)
}

fn non_finite(t: &str) -> Option<f64> {
    let (neg, u) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match u {
        ".nan" | ".NaN" | ".NAN" => Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" => Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        _ => None,
    }
}

/// A float as a typed field reads it: finite, or one of YAML's `.inf`/`.nan`.
pub(super) fn float(s: &str) -> Option<f64> {
    let t = yaml_trim(s);
    non_finite(t).or_else(|| t.parse::<f64>().ok().filter(|v| v.is_finite()))
}

fn resolve(s: &Scalar) -> Any<'_> {
    if s.is_null() {
        return Any::Unit;
    }
    let t = yaml_trim(&s.text);
    if !s.plain || matches!(s.tag, ScalarTag::Str | ScalarTag::NonSpecific) {
        return Any::Str(&s.text);
    }
    if let Some(b) = yaml11_bool(t) {
        return Any::Bool(b);
    }
    if t.starts_with('-') {
        if let Some((_, m)) = int(t)
            && let Ok(v) = i64::try_from(m)
        {
            return Any::I64(-v);
        }
    } else if let Some(v) = uint(t, u64::MAX) {
        return Any::U64(v);
    }
    if let Some(v) = float(t) {
        return Any::F64(v);
    }
    // Numerals too large for f64 are numbers that overflowed, not words.
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit) && t.parse::<f64>().is_ok() {
        return Any::F64(f64::INFINITY);
    }
    Any::Str(&s.text)
}

impl<'a> De<'a> {
    pub(super) fn scalar(self, what: &str) -> Result<&'a Scalar, YamlError> {
        match &self.0.kind {
            Kind::Scalar(s) => Ok(s),
            _ => Err(YamlError::at(self.0.loc, format!("expected {what}"))),
        }
    }

    pub(super) fn text(self) -> Result<&'a str, YamlError> {
        let s = self.scalar("string scalar")?;
        if s.is_null() {
            return Err(YamlError::at(
                self.0.loc,
                "cannot deserialize null into string; use Option<String>",
            ));
        }
        if matches!(s.tag, ScalarTag::Int | ScalarTag::Float | ScalarTag::Bool) {
            return Err(YamlError::at(
                self.0.loc,
                "cannot deserialize tagged scalar into string",
            ));
        }
        Ok(&s.text)
    }

    pub(super) fn unsigned(self, ty: &str, max: u64) -> Result<u64, YamlError> {
        let s = self.scalar("string scalar")?;
        let ok_tag = matches!(
            s.tag,
            ScalarTag::None | ScalarTag::Int | ScalarTag::NonSpecific | ScalarTag::Other
        );
        ok_tag
            .then(|| uint(&s.text, max))
            .flatten()
            .ok_or_else(|| YamlError::at(self.0.loc, format!("invalid {ty}")))
    }

    pub(super) fn any(self) -> Result<Any<'a>, YamlError> {
        let s = self.scalar("scalar")?;
        let v = resolve(s);
        if let Any::F64(f) = v
            && !f.is_finite()
        {
            return Err(YamlError::at(
                self.0.loc,
                format!(
                    "non-finite float `{}` rejected by the configured policy",
                    yaml_trim(&s.text)
                ),
            ));
        }
        Ok(v)
    }

    pub(super) fn seq(self) -> Result<&'a [Node], YamlError> {
        match &self.0.kind {
            Kind::Seq(items) => Ok(items),
            _ => Err(YamlError::at(self.0.loc, "expected sequence start")),
        }
    }

    pub(super) fn map(self) -> Result<&'a [(Node, Node)], YamlError> {
        match &self.0.kind {
            Kind::Map(entries) => Ok(entries),
            _ => Err(YamlError::at(self.0.loc, "expected mapping start")),
        }
    }

    /// Where errors about a whole mapping (a missing field) point: its last
    /// key, as serde-saphyr does.
    pub(super) fn map_loc(self, entries: &[(Node, Node)]) -> super::Location {
        entries.last().map_or(self.0.loc, |(k, _)| k.loc)
    }

    /// A unit variant's name and where it is written: a scalar, or the key of
    /// a mapping whose value is null (`{hard: ~}`), with the value that must
    /// be null.
    pub(super) fn variant(self) -> Result<(&'a str, super::Location, Option<&'a Node>), YamlError> {
        match &self.0.kind {
            Kind::Scalar(Scalar {
                tag_name: Some(name),
                text,
                plain,
                ..
            }) => {
                // `!equals` names the variant; what follows it must be empty.
                if *plain && matches!(&**text, "" | "~" | "null" | "Null" | "NULL") {
                    Ok((name, self.0.loc, None))
                } else {
                    Err(YamlError::at(
                        self.0.loc,
                        "unexpected value for unit enum variant",
                    ))
                }
            }
            Kind::Scalar(s) => Ok((&s.text, self.0.loc, None)),
            Kind::Map(entries) => match entries.first() {
                Some((
                    Node {
                        kind: Kind::Scalar(k),
                        loc,
                    },
                    v,
                )) => Ok((&k.text, *loc, Some(v))),
                first => Err(YamlError::at(
                    first.map_or(self.0.loc, |(k, _)| k.loc),
                    "expected string key for externally tagged enum",
                )),
            },
            Kind::Seq(_) => Err(YamlError::at(
                self.0.loc,
                "externally tagged enum expected scalar or mapping",
            )),
        }
    }
}

struct Seq<'a>(std::slice::Iter<'a, Node>);

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = YamlError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        s: T,
    ) -> Result<Option<T::Value>, YamlError> {
        self.0.next().map(|n| seed(s, n)).transpose()
    }
}

struct Map<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = YamlError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        s: K,
    ) -> Result<Option<K::Value>, YamlError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed(s, k).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, s: V) -> Result<V::Value, YamlError> {
        match self.value.take() {
            Some(v) => seed(s, v),
            None => Err(de::Error::custom("value without a key")),
        }
    }
}

impl<'de> Deserializer<'de> for De<'_> {
    type Error = YamlError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        match &self.0.kind {
            Kind::Seq(_) => self.deserialize_seq(visitor),
            Kind::Map(_) => self.deserialize_map(visitor),
            Kind::Scalar(s) if s.tag == ScalarTag::Other => visitor.visit_map(Map {
                entries: [].iter(),
                value: None,
            }),
            Kind::Scalar(_) => match self.any()? {
                Any::Unit => visitor.visit_unit(),
                Any::Bool(b) => visitor.visit_bool(b),
                Any::U64(v) => visitor.visit_u64(v),
                Any::I64(v) => visitor.visit_i64(v),
                Any::F64(v) => visitor.visit_f64(v),
                Any::Str(s) => visitor.visit_str(s),
            },
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_u64(self.unsigned("u32", u32::MAX.into())?)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_u64(self.unsigned("u64", u64::MAX)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        let s = self.scalar("string scalar")?;
        let v = matches!(
            s.tag,
            ScalarTag::None | ScalarTag::Float | ScalarTag::NonSpecific | ScalarTag::Other
        )
        .then(|| float(&s.text))
        .flatten()
        .ok_or_else(|| YamlError::at(self.0.loc, "invalid floating point"))?;
        visitor.visit_f64(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_str(self.text()?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        match &self.0.kind {
            Kind::Scalar(s) if s.is_null() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        if name == SPANNED {
            set_next_location(self.0.loc);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_seq(Seq(self.seq()?.iter()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        let entries = self.map()?;
        visitor
            .visit_map(Map {
                entries: entries.iter(),
                value: None,
            })
            .map_err(|e| e.or_at(self.map_loc(entries)))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, YamlError> {
        let (name, loc, value) = self.variant()?;
        let name: StrDeserializer<'_, YamlError> = name.into_deserializer();
        let v = visitor.visit_enum(name).map_err(|e| e.or_at(loc))?;
        match value {
            Some(Node {
                kind: Kind::Scalar(s),
                ..
            }) if s.is_null() => Ok(v),
            Some(n) => Err(YamlError::at(
                n.loc,
                "unexpected value for unit enum variant",
            )),
            None => Ok(v),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, YamlError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u128 f32 char bytes byte_buf unit unit_struct
        tuple tuple_struct
    }
}
