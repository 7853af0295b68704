//! Why a YAML text could not become the requested type.

use std::fmt;

use super::spanned::Location;

/// One message and, when known, where it applies. The first error stops
/// reading: after a syntax or shape error nothing later can be trusted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What is wrong, in serde-saphyr's words (the tests and operators know them).
    pub message: String,
    /// Where; `None` only until the innermost node that saw the error claims it.
    pub location: Option<Location>,
}

impl YamlError {
    pub(super) fn at(loc: Location, message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            location: Some(loc),
        }
    }

    /// Gives a position to an error that has none yet: the innermost node
    /// wins, because it is the one the operator has to change.
    pub(super) fn or_at(mut self, loc: Location) -> Self {
        self.location.get_or_insert(loc);
        self
    }
}

/// `a, b, c`: serde-saphyr lists expected names without serde's backticks.
fn names(expected: &[&str]) -> String {
    expected.join(", ")
}

impl serde::de::Error for YamlError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        YamlError {
            message: msg.to_string(),
            location: None,
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown variant `{variant}`, expected one of {}",
            names(expected)
        ))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!(
            "unknown field `{field}`, expected one of {}",
            names(expected)
        ))
    }
}
