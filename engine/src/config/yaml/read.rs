//! The wire types read straight from the [`Node`] tree.
//!
//! serde's derive gave every wire struct a visitor, a field-name visitor and
//! a copy of `next_value_seed` and `Option::deserialize` per field type: the
//! configuration reader was the largest part of the bundle the project
//! controls. Here one non-generic walker ([`fields`]) matches a struct's
//! keys, and each field type reads itself ([`Read`]). Messages and positions
//! are serde's, through the same helpers; the serde reader is kept in the
//! tests (`equivalence`), which hold both to identical results.

use std::collections::BTreeMap;

use serde::de::{Error as _, Unexpected};

use super::de::{Any, De, float};
use super::error::YamlError;
use super::spanned::{Location, Spanned};
use super::tree::{self, Kind, Node, ScalarTag};
use super::word::Word;
use crate::config::fleet::{WireByVariable, WireCluster, WireClusters, WireValues};
use crate::config::sources::WireSource;
use crate::config::variables::{WireDefault, WireLabelValues, WireVariable};
use crate::config::wire::{
    WireAlertmanager, WireAlerts, WireCheck, WireConfig, WireCount, WireDependency, WireEmbedding,
    WireExpect, WireGraph, WireGraphThreshold, WireRule, WireService, WireView,
};

/// A type read from one node into a value of it (its default until then):
/// writing in place keeps each field's code to a call, where returning
/// the value moved every field type's `Result` through its struct's code.
/// An error without a position yet is claimed by the caller ([`seed`]),
/// as serde's seeds did.
pub(super) trait Read: Default {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError>;
}

/// Reads `node` into `out`; an error nothing inside claimed points at it.
fn seed_into<T: Read>(node: &Node, out: &mut T) -> Result<(), YamlError> {
    T::read_into(node, out).map_err(|e| e.or_at(node.loc))
}

fn seed<T: Read>(node: &Node) -> Result<T, YamlError> {
    let mut out = T::default();
    seed_into(node, &mut out)?;
    Ok(out)
}

/// Parses `text` as one YAML document and reads it as a `T`; `None` when
/// the text holds no document (see [`tree::load`]).
pub(in crate::config) fn from_str(text: &str) -> Result<Option<WireConfig>, YamlError> {
    let Some(root) = tree::load(text)? else {
        return Ok(None);
    };
    seed(&root).map(Some)
}

impl Read for String {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        De(node).text()?.clone_into(out);
        Ok(())
    }
}

/// A number that fits the type serde's visitor would have asked for.
fn narrow<T: TryFrom<u64>>(v: u64, ty: &str) -> Result<T, YamlError> {
    T::try_from(v).map_err(|_| YamlError::invalid_value(Unexpected::Unsigned(v), &ty))
}

impl Read for u32 {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        *out = narrow(De(node).unsigned("u32", u32::MAX.into())?, "u32")?;
        Ok(())
    }
}

impl Read for u64 {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        *out = De(node).unsigned("u64", u64::MAX)?;
        Ok(())
    }
}

impl Read for usize {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        *out = narrow(De(node).unsigned("u64", u64::MAX)?, "usize")?;
        Ok(())
    }
}

impl Read for f64 {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        let s = De(node).scalar("string scalar")?;
        *out = matches!(
            s.tag,
            ScalarTag::None | ScalarTag::Float | ScalarTag::NonSpecific | ScalarTag::Other
        )
        .then(|| float(&s.text))
        .flatten()
        .ok_or_else(|| YamlError::at(node.loc, "invalid floating point"))?;
        Ok(())
    }
}

/// A node read without a type asked for, as serde's `deserialize_any` saw it.
enum Untyped<'a> {
    Seq(&'a [Node]),
    /// The entries and where errors about the whole mapping point.
    Map(&'a [(Node, Node)], Location),
    /// A scalar with an application tag, which reads as an empty mapping.
    Tagged,
    Scalar(Any<'a>),
}

fn untyped(node: &Node) -> Result<Untyped<'_>, YamlError> {
    Ok(match &node.kind {
        Kind::Seq(items) => Untyped::Seq(items),
        Kind::Map(entries) => Untyped::Map(entries, De(node).map_loc(entries)),
        Kind::Scalar(s) if s.tag == ScalarTag::Other => Untyped::Tagged,
        Kind::Scalar(_) => Untyped::Scalar(De(node).any()?),
    })
}

impl Untyped<'_> {
    /// serde's "invalid type" for a visitor expecting `exp`.
    fn invalid(&self, exp: &str) -> YamlError {
        let unexp = match self {
            Untyped::Seq(_) => Unexpected::Seq,
            Untyped::Map(..) | Untyped::Tagged => Unexpected::Map,
            Untyped::Scalar(Any::Unit) => Unexpected::Unit,
            Untyped::Scalar(Any::Bool(b)) => Unexpected::Bool(*b),
            Untyped::Scalar(Any::U64(v)) => Unexpected::Unsigned(*v),
            Untyped::Scalar(Any::I64(v)) => Unexpected::Signed(*v),
            Untyped::Scalar(Any::F64(v)) => Unexpected::Float(*v),
            Untyped::Scalar(Any::Str(s)) => Unexpected::Str(s),
        };
        let e = YamlError::invalid_type(unexp, &exp);
        match self {
            Untyped::Map(_, loc) => e.or_at(*loc),
            _ => e,
        }
    }
}

impl Read for bool {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        match untyped(node)? {
            Untyped::Scalar(Any::Bool(b)) => {
                *out = b;
                Ok(())
            }
            other => Err(other.invalid("a boolean")),
        }
    }
}

impl Read for Word {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        let (name, _, value) = De(node).variant()?;
        match value {
            Some(Node {
                kind: Kind::Scalar(s),
                ..
            }) if s.is_null() => {}
            Some(n) => {
                return Err(YamlError::at(
                    n.loc,
                    "unexpected value for unit enum variant",
                ));
            }
            None => {}
        }
        name.clone_into(&mut out.0);
        Ok(())
    }
}

impl<T: Read> Read for Spanned<T> {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        out.referenced = node.loc;
        T::read_into(node, &mut out.value)
    }
}

impl<T: Read> Read for Option<T> {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        match &node.kind {
            Kind::Scalar(s) if s.is_null() => {
                *out = None;
                Ok(())
            }
            _ => T::read_into(node, out.insert(T::default())),
        }
    }
}

impl<T: Read> Read for Vec<T> {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        *out = De(node).seq()?.iter().map(seed).collect::<Result<_, _>>()?;
        Ok(())
    }
}

impl<T: Read> Read for BTreeMap<String, T> {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        out.clear();
        for (k, v) in De(node).map()? {
            let key = seed(k)?;
            out.insert(key, seed(v)?);
        }
        Ok(())
    }
}

/// Matches a mapping's keys against a struct's field `names` (each at most
/// once, no others) and hands each value to `read` with its field's index,
/// in file order, as serde's derived visitor did; then refuses the first
/// field of `required` (a bit per index) that was not there.
fn fields(
    node: &Node,
    names: &'static [&'static str],
    required: u64,
    read: &mut dyn FnMut(usize, &Node) -> Result<(), YamlError>,
) -> Result<(), YamlError> {
    let entries = De(node).map()?;
    walk(entries, De(node).map_loc(entries), names, required, read)
}

fn walk(
    entries: &[(Node, Node)],
    at: Location,
    names: &'static [&'static str],
    required: u64,
    read: &mut dyn FnMut(usize, &Node) -> Result<(), YamlError>,
) -> Result<(), YamlError> {
    let mut seen = 0u64;
    for (k, v) in entries {
        let key = De(k).text().map_err(|e| e.or_at(k.loc))?;
        let Some(i) = names.iter().position(|n| *n == key) else {
            return Err(YamlError::unknown_field(key, names).or_at(k.loc));
        };
        if seen & (1 << i) != 0 {
            return Err(YamlError::duplicate_field(names[i]).or_at(at));
        }
        seen |= 1 << i;
        read(i, v).map_err(|e| e.or_at(v.loc))?;
    }
    let absent = required & !seen;
    if absent != 0 {
        let first = absent.trailing_zeros() as usize;
        return Err(YamlError::missing_field(names[first]).or_at(at));
    }
    Ok(())
}

/// `Read` for a wire struct: its fields in declaration order, each with its
/// key and `required` when it has no default.
macro_rules! wire_struct {
    ($ty:ident { $($field:ident: $key:literal $($req:ident)?),* $(,)? }) => {
        impl Read for $ty {
            fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
                out.read_fields(|names, required, read| fields(node, names, required, read))
            }
        }

        impl $ty {
            fn read_fields(
                &mut self,
                walker: impl FnOnce(
                    &'static [&'static str],
                    u64,
                    &mut dyn FnMut(usize, &Node) -> Result<(), YamlError>,
                ) -> Result<(), YamlError>,
            ) -> Result<(), YamlError> {
                const NAMES: &[&str] = &[$($key),*];
                let mut required = 0u64;
                let mut bit = 1u64;
                $(
                    if wire_struct!(@required $($req)?) {
                        required |= bit;
                    }
                    bit <<= 1;
                )*
                let _ = bit;
                walker(NAMES, required, &mut |i, v| {
                    let mut n = 0;
                    $(
                        if i == n {
                            return Read::read_into(v, &mut self.$field);
                        }
                        n += 1;
                    )*
                    let _ = n;
                    Ok(())
                })
            }
        }
    };
    (@required) => { false };
    (@required required) => { true };
}

wire_struct!(WireConfig {
    datasource: "datasource",
    datasources: "datasources",
    instances: "instances",
    history: "history",
    forget_silent_after_secs: "forget_silent_after_secs",
    services: "services" required,
    views: "views",
    alertmanager: "alertmanager",
    alerts: "alerts",
    embedding: "embedding",
    variables: "variables",
    clusters: "clusters",
});

wire_struct!(WireEmbedding {
    allowed_origins: "allowed_origins",
});

wire_struct!(WireAlertmanager {
    base_url: "base_url",
    timeout_secs: "timeout_secs",
});

wire_struct!(WireAlerts {
    prometheus: "prometheus",
    severity: "severity",
    default_severity: "default_severity",
});

wire_struct!(WireService {
    id: "id" required,
    name: "name",
    description: "description",
    owner: "owner",
    runbook: "runbook",
    instances: "instances",
    up: "up",
    checks: "checks",
    depends_on: "depends_on",
    alerts: "alerts",
    source: "source",
});

wire_struct!(WireDependency {
    service: "service" required,
    strength: "strength" required,
});

wire_struct!(WireCheck {
    id: "id" required,
    name: "name",
    query: "query" required,
    instance_label: "instance_label",
    up: "up",
    instances: "instances",
    rule: "rule" required,
    aggregate: "aggregate",
    hold: "for",
    message: "message",
    source: "source",
});

wire_struct!(WireRule {
    kind: "kind" required,
    direction: "direction",
    warning: "warning",
    critical: "critical",
    expected: "expected",
    otherwise: "otherwise",
    denominator: "denominator",
    label: "label",
    states: "states",
    unlisted: "unlisted",
    expect: "expect",
});

wire_struct!(WireExpect {
    state: "state" required,
    count: "count" required,
    shortfall: "shortfall",
});

wire_struct!(WireView {
    id: "id" required,
    name: "name",
    graphs: "graphs" required,
});

wire_struct!(WireGraph {
    title: "title" required,
    query: "query",
    queries: "queries",
    unit: "unit",
    thresholds: "thresholds",
    max_series: "max_series",
    range_secs: "range_secs",
    source: "source",
});

wire_struct!(WireGraphThreshold {
    value: "value" required,
    status: "status" required,
});

wire_struct!(WireSource {
    name: "name",
    kind: "kind",
    default: "default",
    params: "params",
    base_url: "base_url",
    timeout_secs: "timeout_secs",
    refresh_secs: "refresh_secs",
    max_in_flight: "max_in_flight",
    stale_after_secs: "stale_after_secs",
    max_answer_bytes: "max_answer_bytes",
    max_series: "max_series",
});

wire_struct!(WireVariable {
    name: "name" required,
    values: "values",
    label_values: "label_values",
    default: "default",
    multi: "multi",
});

wire_struct!(WireLabelValues {
    label: "label" required,
    matcher: "match",
    source: "source",
});

wire_struct!(WireCluster {
    name: "name" required,
    source: "source",
    vars: "vars",
});

wire_struct!(WireByVariable {
    variable: "variable" required,
});

/// serde's untagged enums first read the whole node without a type, which
/// refuses a non-finite number anywhere in it (keys before values).
fn finite(node: &Node) -> Result<(), YamlError> {
    match &node.kind {
        Kind::Scalar(s) if s.tag == ScalarTag::Other => Ok(()),
        Kind::Scalar(_) => De(node).any().map(drop),
        Kind::Seq(items) => items.iter().try_for_each(finite),
        Kind::Map(entries) => entries
            .iter()
            .try_for_each(|(k, v)| finite(k).and_then(|()| finite(v))),
    }
}

/// A scalar read without a type, unless it is tagged or not a scalar.
fn plain_any(node: &Node) -> Option<Any<'_>> {
    match &node.kind {
        Kind::Scalar(s) if s.tag != ScalarTag::Other => De(node).any().ok(),
        _ => None,
    }
}

fn no_variant(name: &str) -> YamlError {
    YamlError::custom(format_args!(
        "data did not match any variant of untagged enum {name}"
    ))
}

impl Default for WireCount {
    fn default() -> Self {
        WireCount::Number(0.0)
    }
}

impl Read for WireCount {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        finite(node)?;
        // Integers become f64 with `as`, as serde's f64 visitor does.
        *out = match plain_any(node) {
            Some(Any::U64(v)) => WireCount::Number(v as f64),
            Some(Any::I64(v)) => WireCount::Number(v as f64),
            Some(Any::F64(v)) => WireCount::Number(v),
            Some(Any::Str(s)) => WireCount::Word(s.to_owned()),
            _ => return Err(no_variant("WireCount")),
        };
        Ok(())
    }
}

impl Default for WireDefault {
    fn default() -> Self {
        WireDefault::Many(Vec::new())
    }
}

impl Read for WireDefault {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        finite(node)?;
        let word = |n: &Node| match plain_any(n) {
            Some(Any::Str(s)) => Some(s.to_owned()),
            _ => None,
        };
        if let Some(s) = word(node) {
            *out = WireDefault::One(s);
            return Ok(());
        }
        if let Kind::Seq(items) = &node.kind
            && let Some(all) = items.iter().map(word).collect::<Option<Vec<_>>>()
        {
            *out = WireDefault::Many(all);
            return Ok(());
        }
        Err(no_variant("WireDefault"))
    }
}

impl Default for WireClusters {
    fn default() -> Self {
        WireClusters::Listed(Vec::new())
    }
}

impl Read for WireClusters {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        let by_variable = |entries: &[(Node, Node)], at| {
            let mut by = WireByVariable::default();
            by.read_fields(|names, required, read| walk(entries, at, names, required, read))
                .map(|()| WireClusters::ByVariable(by))
        };
        *out = match untyped(node)? {
            Untyped::Seq(items) => {
                WireClusters::Listed(items.iter().map(seed).collect::<Result<_, _>>()?)
            }
            Untyped::Map(entries, at) => by_variable(entries, at).map_err(|e| e.or_at(at))?,
            Untyped::Tagged => by_variable(&[], node.loc)?,
            other @ Untyped::Scalar(_) => {
                return Err(other.invalid("a list of clusters or {variable: <name>}"));
            }
        };
        Ok(())
    }
}

impl Read for WireValues {
    fn read_into(node: &Node, out: &mut Self) -> Result<(), YamlError> {
        *out = match untyped(node)? {
            Untyped::Scalar(Any::Str(s)) => WireValues(vec![s.to_owned()]),
            Untyped::Scalar(Any::I64(v)) => WireValues(vec![v.to_string()]),
            Untyped::Scalar(Any::U64(v)) => WireValues(vec![v.to_string()]),
            Untyped::Seq(items) => WireValues(items.iter().map(seed).collect::<Result<_, _>>()?),
            other => return Err(other.invalid("a value or a list of values")),
        };
        Ok(())
    }
}
