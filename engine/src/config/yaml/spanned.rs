//! Values that remember where in the file they were written.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Visitor};

/// A 1-based line and column; semantic errors point here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Location {
    line: u64,
    column: u64,
}

impl Location {
    pub(crate) const fn new(line: u64, column: u64) -> Self {
        Location { line, column }
    }

    /// 1-based line.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// 1-based column.
    pub fn column(&self) -> u64 {
        self.column
    }
}

/// A value with the position of the YAML node it came from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written (for an alias: where the alias was used).
    pub referenced: Location,
}

/// The newtype name that tells the tree deserializer a [`Spanned`] is asked for.
pub(super) const SPANNED: &str = "__panopticon_spanned";

thread_local! {
    /// serde's data model has no slot for a position, so the deserializer
    /// leaves the node's position here right before it hands the node to
    /// [`Spanned`]'s visitor, which takes it before reading the value.
    static NEXT_LOCATION: Cell<Location> = const { Cell::new(Location::new(0, 0)) };
}

pub(super) fn set_next_location(loc: Location) {
    NEXT_LOCATION.with(|c| c.set(loc));
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value with its position")
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                let referenced = NEXT_LOCATION.with(Cell::get);
                let value = T::deserialize(deserializer)?;
                Ok(Spanned { value, referenced })
            }
        }

        deserializer.deserialize_newtype_struct(SPANNED, SpannedVisitor(PhantomData))
    }
}
