//! The alert sources' JSON exactly as sent, kept apart from the domain
//! types ([`super::model`]).
//!
//! Every list of alerts or silences is a [`Bounded`]: once [`MAX_ALERTS`]
//! elements of one answer are built, the rest are skipped without
//! allocating and only counted. The budget is per answer, across all of
//! Prometheus's rules, so it lives in a thread-local set around one
//! decode ([`with_budget`]): serde's derive cannot hand state down to a
//! nested field, and a hand-written visitor for every level of the rules
//! answer would be most of this file.
//!
//! [`MAX_ALERTS`]: super::model::MAX_ALERTS

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};

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

/// A JSON array of which at most the decode's budget of elements is built.
#[derive(Debug)]
pub(crate) struct Bounded<T>(pub Vec<T>);

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Bounded(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Bounded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Elements<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Elements<T> {
            type Value = Bounded<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                loop {
                    let (left, skipped) = BUDGET.with(Cell::get);
                    if left == 0 {
                        if seq.next_element::<IgnoredAny>()?.is_none() {
                            break;
                        }
                        BUDGET.with(|b| b.set((0, skipped.saturating_add(1))));
                    } else {
                        let Some(element) = seq.next_element::<T>()? else {
                            break;
                        };
                        out.push(element);
                        BUDGET.with(|b| b.set((left - 1, skipped)));
                    }
                }
                Ok(Bounded(out))
            }
        }
        deserializer.deserialize_seq(Elements(PhantomData))
    }
}

/// A map or `null` (Go encodes an empty map as either).
pub(crate) type Strings = Option<BTreeMap<String, String>>;

/// Prometheus's envelope around `/api/v1/rules`.
#[derive(Debug, Deserialize)]
pub(crate) struct RulesEnvelope {
    pub status: String,
    pub data: Option<RulesData>,
    #[serde(rename = "errorType")]
    pub error_type: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RulesData {
    pub groups: Option<Vec<RuleGroup>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleGroup {
    #[serde(default)]
    pub name: String,
    pub rules: Option<Vec<Rule>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Rule {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub labels: Strings,
    #[serde(default)]
    pub health: String,
    #[serde(rename = "lastError", default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub alerts: Option<Bounded<RuleAlert>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleAlert {
    #[serde(default)]
    pub labels: Strings,
    #[serde(default)]
    pub annotations: Strings,
    #[serde(default)]
    pub state: String,
    #[serde(rename = "activeAt", default)]
    pub active_at: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// One element of Alertmanager's `/api/v2/alerts`.
#[derive(Debug, Deserialize)]
pub(crate) struct AmAlert {
    #[serde(default)]
    pub labels: Strings,
    #[serde(default)]
    pub annotations: Strings,
    #[serde(default)]
    pub fingerprint: String,
    #[serde(rename = "startsAt", default)]
    pub starts_at: Option<String>,
    pub status: AmAlertStatus,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AmAlertStatus {
    #[serde(default)]
    pub state: String,
    #[serde(rename = "silencedBy", default)]
    pub silenced_by: Option<Vec<String>>,
    #[serde(rename = "inhibitedBy", default)]
    pub inhibited_by: Option<Vec<String>>,
}

/// One element of Alertmanager's `/api/v2/silences`.
#[derive(Debug, Deserialize)]
pub(crate) struct Silence {
    pub id: String,
    pub status: SilenceStatus,
    #[serde(default)]
    pub matchers: Option<Vec<Matcher>>,
    #[serde(rename = "createdBy", default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
    #[serde(rename = "startsAt", default)]
    pub starts_at: Option<String>,
    #[serde(rename = "endsAt", default)]
    pub ends_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SilenceStatus {
    #[serde(default)]
    pub state: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Matcher {
    pub name: String,
    pub value: String,
    #[serde(rename = "isRegex", default)]
    pub is_regex: bool,
    #[serde(rename = "isEqual")]
    pub is_equal: Option<bool>,
}

/// Alertmanager's `/api/v2/status`, only what is shown.
#[derive(Debug, Deserialize)]
pub(crate) struct AmStatus {
    #[serde(rename = "versionInfo")]
    pub version_info: Option<VersionInfo>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct VersionInfo {
    pub version: Option<String>,
}

/// Prometheus's error envelope, read from a failing answer.
#[derive(Debug, Deserialize)]
pub(crate) struct PromError {
    pub status: String,
    #[serde(rename = "errorType")]
    pub error_type: Option<String>,
    pub error: Option<String>,
}

/// Alertmanager's error object (`{"code":404,"message":"…"}`).
#[derive(Debug, Deserialize)]
pub(crate) struct AmError {
    pub message: String,
}

/// A label map as sent, `null` being no labels.
pub(crate) fn labels(map: Strings) -> Labels {
    map.unwrap_or_default()
}
