//! The YAML reader for configuration files.
//!
//! serde-saphyr, which this replaces, instantiated its streaming deserializer
//! for every wire type and field and so cost about a third of the browser
//! bundle for one small file. Here the parser's events become one plain tree
//! ([`tree::Node`]), built once by non-generic code, and a deserializer over
//! that tree stays small enough that its per-type copies do not matter.
//! The wire types are read from the tree by [`read`] without serde's derive,
//! whose per-struct visitors had become the reader's largest part; the serde
//! deserializer ([`de`]) stays as the helpers both share and, in the tests,
//! as the reference the new reader is held to.
//! Behaviour (what is accepted, messages and positions) follows serde-saphyr's
//! defaults, which the configuration tests pin down.

mod de;
mod error;
mod read;
mod spanned;
mod tree;
mod word;

pub(super) use read::from_str;
pub(super) use spanned::{Location, Spanned};
pub(super) use word::Word;

#[cfg(test)]
mod equivalence;
#[cfg(test)]
mod tests;
