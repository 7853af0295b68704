//! The configuration file as serde sees it: optional fields, raw strings,
//! positions. [`super::validate`] turns this into the domain types.

use std::collections::BTreeMap;

use panopticon_core::Status;
use serde::Deserialize;

use super::error::ConfigError;
use super::yaml::{self, Spanned};

/// Parses the YAML text; syntax, type and unknown-field errors stop here.
pub(super) fn parse(source_name: &str, text: &str) -> Result<WireConfig, ConfigError> {
    yaml::from_str::<WireConfig>(text).map_err(|e| {
        let (line, column) = e.location.map_or((0, 0), |l| (l.line(), l.column()));
        ConfigError::Syntax {
            source_name: source_name.to_owned(),
            line,
            column,
            message: e.message,
        }
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireConfig {
    #[serde(default)]
    pub datasource: Option<WireDataSource>,
    #[serde(default)]
    pub instances: Option<Spanned<u32>>,
    #[serde(default)]
    pub history: Option<Spanned<usize>>,
    #[serde(default)]
    pub forget_silent_after_secs: Option<Spanned<f64>>,
    pub services: Spanned<Vec<WireService>>,
    #[serde(default)]
    pub views: Vec<WireView>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDataSource {
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    #[serde(default)]
    pub timeout_secs: Option<Spanned<f64>>,
    #[serde(default)]
    pub refresh_secs: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_in_flight: Option<Spanned<u32>>,
    #[serde(default)]
    pub stale_after_secs: Option<Spanned<f64>>,
    #[serde(default)]
    pub max_answer_bytes: Option<Spanned<u64>>,
    #[serde(default)]
    pub max_series: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireService {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub runbook: Option<String>,
    #[serde(default)]
    pub instances: Option<Spanned<u32>>,
    #[serde(default)]
    pub up: Option<Spanned<String>>,
    #[serde(default)]
    pub checks: Vec<WireCheck>,
    #[serde(default)]
    pub depends_on: Vec<WireDependency>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDependency {
    pub service: Spanned<String>,
    pub strength: WireStrength,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum WireStrength {
    Hard,
    Soft,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum WireAggregation {
    Quorum,
    Worst,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireCheck {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub query: Spanned<String>,
    #[serde(default)]
    pub instance_label: Option<String>,
    #[serde(default)]
    pub up: Option<Spanned<String>>,
    #[serde(default)]
    pub instances: Option<Spanned<u32>>,
    pub rule: Spanned<WireRule>,
    #[serde(default)]
    pub aggregate: Option<WireAggregation>,
    #[serde(default, rename = "for")]
    pub hold: Option<u32>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum WireRuleKind {
    Threshold,
    Equals,
    Quorum,
    Peers,
    Ratio,
    LabelState,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum WireDirection {
    Above,
    Below,
}

/// All rule parameters in one flat mapping: which ones a kind needs is
/// checked in validation, where a missing or stray field gets a clear
/// sentence instead of serde's "data did not match any variant".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireRule {
    pub kind: WireRuleKind,
    #[serde(default)]
    pub direction: Option<WireDirection>,
    #[serde(default)]
    pub warning: Option<f64>,
    #[serde(default)]
    pub critical: Option<f64>,
    #[serde(default)]
    pub expected: Option<f64>,
    #[serde(default)]
    pub otherwise: Option<Status>,
    #[serde(default)]
    pub denominator: Option<Spanned<String>>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub states: Option<BTreeMap<String, Status>>,
    #[serde(default)]
    pub unlisted: Option<Status>,
    #[serde(default)]
    pub expect: Option<WireExpect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireExpect {
    pub state: String,
    pub count: WireCount,
    #[serde(default)]
    pub shortfall: Option<Status>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum WireCount {
    Number(f64),
    Word(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireView {
    pub id: Spanned<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub graphs: Spanned<Vec<WireGraph>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireGraph {
    pub title: Spanned<String>,
    #[serde(default)]
    pub query: Option<Spanned<String>>,
    #[serde(default)]
    pub queries: Vec<Spanned<String>>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub thresholds: Vec<WireGraphThreshold>,
    #[serde(default)]
    pub max_series: Option<Spanned<usize>>,
    #[serde(default)]
    pub range_secs: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireGraphThreshold {
    pub value: f64,
    pub status: Status,
}
