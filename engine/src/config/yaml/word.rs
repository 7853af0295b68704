//! An enum value read as the word that names it.

use std::fmt;

use serde::de::{Deserialize, Deserializer, EnumAccess, VariantAccess, Visitor};

/// The name of a unit variant as written (`hard`, `!equals`, `{quorum: ~}`),
/// whatever it is. Reading enum values as words moves "unknown variant"
/// from the parser, which stops at the first one and hides every later
/// mistake, into validation, which collects them all and suggests the
/// closest known word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word(pub String);

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WordVisitor;

        impl<'de> Visitor<'de> for WordVisitor {
            type Value = Word;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a word")
            }

            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Word, A::Error> {
                let (name, variant): (String, _) = data.variant()?;
                variant.unit_variant()?;
                Ok(Word(name))
            }
        }

        deserializer.deserialize_enum("Word", &[], WordVisitor)
    }
}
