//! The alert sources' JSON exactly as sent, kept apart from the domain
//! types ([`super::model`]).
//!
//! Decoding is driven by one serde visitor over [`Slot`] trait objects
//! instead of `#[derive(Deserialize)]`: the derive compiled a visitor, a
//! field-name visitor and an `Option<…>` wrapper per struct, each a copy of
//! `serde_json`'s parsing loop in the browser bundle; here each type only
//! names its fields and the parsing loop exists once (20 KB less wasm for
//! these thirteen types). Errors keep `serde_json`'s form ("invalid type:
//! integer `1`, expected a string at line 1 column 20") and line; a wrong
//! value is reported at the end of its first token rather than its start
//! (`wire/tests.rs` compares both decoders on random answers).
//!
//! Every list of alerts or silences is a [`Bounded`]: once [`MAX_ALERTS`]
//! elements of one answer are built, the rest are skipped without
//! allocating and only counted. The budget is per answer, across all of
//! Prometheus's rules, so it lives in a thread-local set around one
//! decode ([`with_budget`]) rather than in every level of the rules answer.
//!
//! [`MAX_ALERTS`]: super::model::MAX_ALERTS

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::prom::Labels;

thread_local! {
    /// Elements still to build in the answer being decoded, and elements skipped.
    static BUDGET: Cell<(usize, usize)> = const { Cell::new((usize::MAX, 0)) };
}

/// Runs one decode with at most `max` [`Bounded`] elements built; returns
/// its result and how many elements were skipped.
pub(crate) fn with_budget<R>(max: usize, decode: impl FnOnce() -> R) -> (R, usize) {
    let before = BUDGET.with(|b| b.replace((max, 0)));
    let result = decode();
    let (_, skipped) = BUDGET.with(|b| b.replace(before));
    (result, skipped)
}

/// Fills `slot` from the whole of `body` (trailing bytes other than
/// whitespace are an error, as with `serde_json::from_slice`).
pub(crate) fn parse_into(body: &[u8], slot: &mut dyn Slot) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    Fill(slot).deserialize(&mut deserializer)?;
    deserializer.end()
}

/// Where one JSON value goes. Each method is one kind of JSON value; the
/// defaults refuse it, so a slot accepts only the kinds it overrides.
pub(crate) trait Slot {
    /// What the value must be, for the error message ("a string").
    fn expecting(&self) -> &'static str;
    /// `null`; whether it is accepted.
    fn null(&mut self) -> bool {
        false
    }
    /// A string; whether it is accepted.
    fn string(&mut self, _text: &str) -> bool {
        false
    }
    /// `true` or `false`; whether it is accepted.
    fn boolean(&mut self, _value: bool) -> bool {
        false
    }
    /// An object: where its fields go, if objects are accepted.
    fn object(&mut self) -> Option<&mut dyn Fields> {
        None
    }
    /// An array: where its elements go, if arrays are accepted.
    fn array(&mut self) -> Option<&mut dyn Elements> {
        None
    }
}

/// Where one field's value goes, with the field's number (below 32) and
/// name when it is a struct's (so a repeated one is an error, as serde's
/// derive made it) or `None` for a map's key.
pub(crate) type Field<'a> = (Option<(u32, &'static str)>, &'a mut dyn Slot);

/// The fields of an object being filled.
pub(crate) trait Fields {
    /// Where the value of `key` goes; `None` skips it (unknown fields are
    /// ignored).
    fn field(&mut self, key: &str) -> Option<Field<'_>>;
    /// A required field the object did not have.
    fn missing(&self) -> Option<&'static str> {
        None
    }
}

/// The elements of an array being filled.
pub(crate) trait Elements {
    /// Where the next element goes (begun, to be [`Elements::cancel`]led if
    /// the array has ended); `None` skips it.
    fn next(&mut self) -> Option<&mut dyn Slot>;
    /// The array ended where [`Elements::next`] began an element.
    fn cancel(&mut self);
    /// An element was skipped.
    fn skipped(&mut self) {}
}

/// The one serde seed and visitor: every value of an answer goes through it.
struct Fill<'s>(&'s mut dyn Slot);

impl<'de> DeserializeSeed<'de> for Fill<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fill<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.0.string(v) {
            Ok(())
        } else {
            Err(E::invalid_type(de::Unexpected::Str(v), &self))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if self.0.boolean(v) {
            Ok(())
        } else {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.0.null() {
            Ok(())
        } else {
            Err(E::invalid_type(de::Unexpected::Unit, &self))
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(fields) = self.0.object() else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        };
        let mut seen = 0_u32;
        while let Some(key) = map.next_key::<String>()? {
            match fields.field(&key) {
                Some((once, slot)) => {
                    if let Some((bit, name)) = once {
                        if seen & (1 << bit) != 0 {
                            return Err(de::Error::duplicate_field(name));
                        }
                        seen |= 1 << bit;
                    }
                    map.next_value_seed(Fill(slot))?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match fields.missing() {
            Some(name) => Err(de::Error::missing_field(name)),
            None => Ok(()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(elements) = self.0.array() else {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        };
        loop {
            if let Some(slot) = elements.next() {
                if seq.next_element_seed(Fill(slot))?.is_none() {
                    elements.cancel();
                    return Ok(());
                }
            } else {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
                elements.skipped();
            }
        }
    }
}

impl Slot for String {
    fn expecting(&self) -> &'static str {
        "a string"
    }
    fn string(&mut self, text: &str) -> bool {
        text.clone_into(self);
        true
    }
}

impl Slot for bool {
    fn expecting(&self) -> &'static str {
        "a boolean"
    }
    fn boolean(&mut self, value: bool) -> bool {
        *self = value;
        true
    }
}

/// `null` or the value: every optional field of the answers.
impl<T: Slot + Default> Slot for Option<T> {
    fn expecting(&self) -> &'static str {
        self.as_ref()
            .map_or_else(|| T::default().expecting(), Slot::expecting)
    }
    fn null(&mut self) -> bool {
        *self = None;
        true
    }
    fn string(&mut self, text: &str) -> bool {
        self.get_or_insert_default().string(text)
    }
    fn boolean(&mut self, value: bool) -> bool {
        self.get_or_insert_default().boolean(value)
    }
    fn object(&mut self) -> Option<&mut dyn Fields> {
        self.get_or_insert_default().object()
    }
    fn array(&mut self) -> Option<&mut dyn Elements> {
        self.get_or_insert_default().array()
    }
}

/// A label or annotation map: string values only.
impl Slot for BTreeMap<String, String> {
    fn expecting(&self) -> &'static str {
        "a map of strings"
    }
    fn object(&mut self) -> Option<&mut dyn Fields> {
        Some(self)
    }
}

impl Fields for BTreeMap<String, String> {
    fn field(&mut self, key: &str) -> Option<Field<'_>> {
        // A repeated key keeps its last value, as serde's map did.
        Some((None, self.entry(key.to_owned()).or_default()))
    }
}

impl<T: Slot + Default> Slot for Vec<T> {
    fn expecting(&self) -> &'static str {
        "a sequence"
    }
    fn array(&mut self) -> Option<&mut dyn Elements> {
        Some(self)
    }
}

impl<T: Slot + Default> Elements for Vec<T> {
    fn next(&mut self) -> Option<&mut dyn Slot> {
        self.push(T::default());
        self.last_mut().map(|t| t as &mut dyn Slot)
    }
    fn cancel(&mut self) {
        self.pop();
    }
}

/// A field the object must have, and not as `null`.
#[derive(Debug, Default)]
pub(crate) struct Required<T>(pub Option<T>);

impl<T: Slot + Default> Slot for Required<T> {
    fn expecting(&self) -> &'static str {
        self.0.expecting()
    }
    fn string(&mut self, text: &str) -> bool {
        self.0.string(text)
    }
    fn boolean(&mut self, value: bool) -> bool {
        self.0.boolean(value)
    }
    fn object(&mut self) -> Option<&mut dyn Fields> {
        self.0.object()
    }
    fn array(&mut self) -> Option<&mut dyn Elements> {
        self.0.array()
    }
}

/// A JSON array of which at most the decode's budget of elements is built.
#[derive(Debug)]
pub(crate) struct Bounded<T>(pub Vec<T>);

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Bounded(Vec::new())
    }
}

impl<T: Slot + Default> Slot for Bounded<T> {
    fn expecting(&self) -> &'static str {
        "an array"
    }
    fn array(&mut self) -> Option<&mut dyn Elements> {
        Some(self)
    }
}

impl<T: Slot + Default> Elements for Bounded<T> {
    fn next(&mut self) -> Option<&mut dyn Slot> {
        let (left, skipped) = BUDGET.with(Cell::get);
        if left == 0 {
            return None;
        }
        BUDGET.with(|b| b.set((left - 1, skipped)));
        self.0.next()
    }
    fn cancel(&mut self) {
        BUDGET.with(|b| {
            let (left, skipped) = b.get();
            b.set((left.saturating_add(1), skipped));
        });
        self.0.pop();
    }
    fn skipped(&mut self) {
        BUDGET.with(|b| {
            let (left, skipped) = b.get();
            b.set((left, skipped.saturating_add(1)));
        });
    }
}

/// An object with named fields: `object!(Type, "what", required…; "json" => field, …)`
/// implements [`Slot`] and [`Fields`] for it.
macro_rules! object {
    ($ty:ty, $what:literal, [$($required:ident),*], { $($key:literal => $field:ident),* $(,)? }) => {
        impl Slot for $ty {
            fn expecting(&self) -> &'static str {
                $what
            }
            fn object(&mut self) -> Option<&mut dyn Fields> {
                Some(self)
            }
        }
        impl Fields for $ty {
            fn field(&mut self, key: &str) -> Option<Field<'_>> {
                let mut bit = 0_u32;
                $(
                    if key == $key {
                        return Some((Some((bit, $key)), &mut self.$field));
                    }
                    bit += 1;
                )*
                let _ = bit;
                None
            }
            fn missing(&self) -> Option<&'static str> {
                $(if self.$required.0.is_none() {
                    return Some(stringify!($required));
                })*
                None
            }
        }
    };
}

/// A map or `null` (Go encodes an empty map as either).
pub(crate) type Strings = Option<BTreeMap<String, String>>;

/// Prometheus's envelope around `/api/v1/rules`.
#[derive(Debug, Default)]
pub(crate) struct RulesEnvelope {
    pub status: Required<String>,
    pub data: Option<RulesData>,
    pub error_type: Option<String>,
    pub error: Option<String>,
}
object!(RulesEnvelope, "a Prometheus API response object", [status], {
    "status" => status, "data" => data, "errorType" => error_type, "error" => error,
});

#[derive(Debug, Default)]
pub(crate) struct RulesData {
    pub groups: Option<Vec<RuleGroup>>,
}
object!(RulesData, "an object with groups", [], { "groups" => groups });

#[derive(Debug, Default)]
pub(crate) struct RuleGroup {
    pub name: String,
    pub rules: Option<Vec<Rule>>,
}
object!(RuleGroup, "a rule group object", [], { "name" => name, "rules" => rules });

#[derive(Debug, Default)]
pub(crate) struct Rule {
    pub kind: String,
    pub name: String,
    pub labels: Strings,
    pub health: String,
    pub last_error: Option<String>,
    pub alerts: Option<Bounded<RuleAlert>>,
}
object!(Rule, "a rule object", [], {
    "type" => kind, "name" => name, "labels" => labels, "health" => health,
    "lastError" => last_error, "alerts" => alerts,
});

#[derive(Debug, Default)]
pub(crate) struct RuleAlert {
    pub labels: Strings,
    pub annotations: Strings,
    pub state: String,
    pub active_at: Option<String>,
    pub value: Option<String>,
}
object!(RuleAlert, "an alert object", [], {
    "labels" => labels, "annotations" => annotations, "state" => state,
    "activeAt" => active_at, "value" => value,
});

/// One element of Alertmanager's `/api/v2/alerts`.
#[derive(Debug, Default)]
pub(crate) struct AmAlert {
    pub labels: Strings,
    pub annotations: Strings,
    pub fingerprint: String,
    pub starts_at: Option<String>,
    pub status: Required<AmAlertStatus>,
}
object!(AmAlert, "an alert object", [status], {
    "labels" => labels, "annotations" => annotations, "fingerprint" => fingerprint,
    "startsAt" => starts_at, "status" => status,
});

#[derive(Debug, Default)]
pub(crate) struct AmAlertStatus {
    pub state: String,
    pub silenced_by: Option<Vec<String>>,
    pub inhibited_by: Option<Vec<String>>,
}
object!(AmAlertStatus, "an alert status object", [], {
    "state" => state, "silencedBy" => silenced_by, "inhibitedBy" => inhibited_by,
});

/// One element of Alertmanager's `/api/v2/silences`.
#[derive(Debug, Default)]
pub(crate) struct Silence {
    pub id: Required<String>,
    pub status: Required<SilenceStatus>,
    pub matchers: Option<Vec<Matcher>>,
    pub created_by: String,
    pub comment: String,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
}
object!(Silence, "a silence object", [id, status], {
    "id" => id, "status" => status, "matchers" => matchers, "createdBy" => created_by,
    "comment" => comment, "startsAt" => starts_at, "endsAt" => ends_at,
});

#[derive(Debug, Default)]
pub(crate) struct SilenceStatus {
    pub state: String,
}
object!(SilenceStatus, "a silence status object", [], { "state" => state });

#[derive(Debug, Default)]
pub(crate) struct Matcher {
    pub name: Required<String>,
    pub value: Required<String>,
    pub is_regex: bool,
    pub is_equal: Option<bool>,
}
object!(Matcher, "a matcher object", [name, value], {
    "name" => name, "value" => value, "isRegex" => is_regex, "isEqual" => is_equal,
});

/// Alertmanager's `/api/v2/status`, only what is shown.
#[derive(Debug, Default)]
pub(crate) struct AmStatus {
    pub version_info: Option<VersionInfo>,
}
object!(AmStatus, "a status object", [], { "versionInfo" => version_info });

#[derive(Debug, Default)]
pub(crate) struct VersionInfo {
    pub version: Option<String>,
}
object!(VersionInfo, "a version object", [], { "version" => version });

/// Prometheus's error envelope, read from a failing answer.
#[derive(Debug, Default)]
pub(crate) struct PromError {
    pub status: Required<String>,
    pub error_type: Option<String>,
    pub error: Option<String>,
}
object!(PromError, "a Prometheus error object", [status], {
    "status" => status, "errorType" => error_type, "error" => error,
});

/// Alertmanager's error object (`{"code":404,"message":"…"}`).
#[derive(Debug, Default)]
pub(crate) struct AmError {
    pub message: Required<String>,
}
object!(AmError, "an error object", [message], { "message" => message });

/// A label map as sent, `null` being no labels.
pub(crate) fn labels(map: Strings) -> Labels {
    map.unwrap_or_default()
}

#[cfg(test)]
mod tests;
