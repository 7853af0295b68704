//! The YAML reader for configuration files.
//!
//! serde-saphyr, which this replaces, instantiated its streaming deserializer
//! for every wire type and field and so cost about a third of the browser
//! bundle for one small file. Here the parser's events become one plain tree
//! ([`tree::Node`]), built once by non-generic code, and a deserializer over
//! that tree stays small enough that its per-type copies do not matter.
//! Behaviour (what is accepted, messages and positions) follows serde-saphyr's
//! defaults, which the configuration tests pin down.

mod de;
mod error;
mod spanned;
mod tree;
mod word;

pub(super) use de::from_str;
pub(super) use spanned::{Location, Spanned};
pub(super) use word::Word;

#[cfg(test)]
mod tests;
