//! The configuration file as serde sees it: optional fields, raw strings,
//! positions. [`super::validate`] turns this into the domain types.

//!
//! Enum values (rule kinds, strengths, statuses, …) are read as [`Word`]s and
//! only turned into their enums in validation, so a misspelt one is reported
//! together with every other mistake instead of ending the parse.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::ConfigError;
use super::sources::WireSource;
use super::yaml::{self, Spanned, Word};

/// Parses the YAML text; syntax, type and unknown-field errors stop here.
pub(super) fn parse(source_name: &str, text: &str) -> Result<WireConfig, ConfigError> {
    match yaml::from_str::<WireConfig>(text) {
        Ok(Some(wire)) => Ok(wire),
        Ok(None) => Err(ConfigError::Empty {
            source_name: source_name.to_owned(),
        }),
        Err(e) => {
            let (line, column) = e.location.map_or((0, 0), |l| (l.line(), l.column()));
            Err(ConfigError::Syntax {
                source_name: source_name.to_owned(),
                line,
                column,
                message: e.message,
            })
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireConfig {
    #[serde(default)]
    pub datasource: Option<Spanned<WireSource>>,
    #[serde(default)]
    pub datasources: Option<Spanned<Vec<WireSource>>>,
    #[serde(default)]
    pub instances: Option<Spanned<u32>>,
    #[serde(default)]
    pub history: Option<Spanned<usize>>,
    #[serde(default)]
    pub forget_silent_after_secs: Option<Spanned<f64>>,
    pub services: Spanned<Vec<WireService>>,
    #[serde(default)]
    pub views: Vec<WireView>,
    #[serde(default)]
    pub alertmanager: Option<Spanned<WireAlertmanager>>,
    #[serde(default)]
    pub alerts: Option<WireAlerts>,
    #[serde(default)]
    pub embedding: Option<WireEmbedding>,
    #[serde(default)]
    pub variables: Vec<super::variables::WireVariable>,
    #[serde(default)]
    pub clusters: Option<Spanned<super::fleet::WireClusters>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireEmbedding {
    #[serde(default)]
    pub allowed_origins: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireAlertmanager {
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    #[serde(default)]
    pub timeout_secs: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireAlerts {
    #[serde(default)]
    pub prometheus: Option<Spanned<bool>>,
    /// Severity label value -> `critical`, `warning` or `none`.
    #[serde(default)]
    pub severity: Option<BTreeMap<String, Spanned<Word>>>,
    #[serde(default)]
    pub default_severity: Option<Spanned<Word>>,
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
    pub runbook: Option<Spanned<String>>,
    #[serde(default)]
    pub instances: Option<Spanned<u32>>,
    #[serde(default)]
    pub up: Option<Spanned<String>>,
    #[serde(default)]
    pub checks: Vec<WireCheck>,
    #[serde(default)]
    pub depends_on: Vec<WireDependency>,
    /// Prometheus label matchers selecting the service's alerts (a list = OR).
    #[serde(default)]
    pub alerts: Option<Vec<Spanned<String>>>,
    /// The data source its checks ask, unless a check names its own.
    #[serde(default)]
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireDependency {
    pub service: Spanned<String>,
    /// `hard` or `soft`.
    pub strength: Spanned<Word>,
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
    /// `quorum` or `worst`.
    #[serde(default)]
    pub aggregate: Option<Spanned<Word>>,
    #[serde(default, rename = "for")]
    pub hold: Option<u32>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub source: Option<Spanned<String>>,
}

/// All rule parameters in one flat mapping: which ones a kind needs is
/// checked in validation, where a missing or stray field gets a clear
/// sentence instead of serde's "data did not match any variant".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireRule {
    /// `threshold`, `equals`, `quorum`, `peers`, `ratio` or `label_state`.
    pub kind: Spanned<Word>,
    /// `above` or `below`.
    #[serde(default)]
    pub direction: Option<Spanned<Word>>,
    #[serde(default)]
    pub warning: Option<f64>,
    #[serde(default)]
    pub critical: Option<f64>,
    #[serde(default)]
    pub expected: Option<f64>,
    #[serde(default)]
    pub otherwise: Option<Spanned<Word>>,
    #[serde(default)]
    pub denominator: Option<Spanned<String>>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub states: Option<BTreeMap<String, Spanned<Word>>>,
    #[serde(default)]
    pub unlisted: Option<Spanned<Word>>,
    #[serde(default)]
    pub expect: Option<WireExpect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireExpect {
    pub state: String,
    pub count: WireCount,
    #[serde(default)]
    pub shortfall: Option<Spanned<Word>>,
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
    #[serde(default)]
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WireGraphThreshold {
    pub value: f64,
    pub status: Spanned<Word>,
}
