//! The configuration file as written: optional fields, raw strings,
//! positions (read by `yaml::read`). [`super::validate`] turns this into the domain types.

//!
//! Enum values (rule kinds, strengths, statuses, …) are read as [`Word`]s and
//! only turned into their enums in validation, so a misspelt one is reported
//! together with every other mistake instead of ending the parse.

use std::collections::BTreeMap;

use super::error::ConfigError;
use super::sources::WireSource;
use super::yaml::{self, Spanned, Word};

/// Parses the YAML text; syntax, type and unknown-field errors stop here.
pub(super) fn parse(source_name: &str, text: &str) -> Result<WireConfig, ConfigError> {
    match yaml::from_str(text) {
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

#[derive(Debug, Default)]
pub(super) struct WireConfig {
    pub datasource: Option<Spanned<WireSource>>,
    pub datasources: Option<Spanned<Vec<WireSource>>>,
    pub instances: Option<Spanned<u32>>,
    pub history: Option<Spanned<usize>>,
    pub forget_silent_after_secs: Option<Spanned<f64>>,
    pub services: Spanned<Vec<WireService>>,
    pub views: Vec<WireView>,
    pub alertmanager: Option<Spanned<WireAlertmanager>>,
    pub alerts: Option<WireAlerts>,
    pub embedding: Option<WireEmbedding>,
    pub variables: Vec<super::variables::WireVariable>,
    pub clusters: Option<Spanned<super::fleet::WireClusters>>,
}

#[derive(Debug, Default)]
pub(super) struct WireEmbedding {
    pub allowed_origins: Vec<Spanned<String>>,
}

#[derive(Debug, Default)]
pub(super) struct WireAlertmanager {
    pub base_url: Option<Spanned<String>>,
    pub timeout_secs: Option<Spanned<f64>>,
}

#[derive(Debug, Default)]
pub(super) struct WireAlerts {
    pub prometheus: Option<Spanned<bool>>,
    /// Severity label value -> `critical`, `warning` or `none`.
    pub severity: Option<BTreeMap<String, Spanned<Word>>>,
    pub default_severity: Option<Spanned<Word>>,
}

#[derive(Debug, Default)]
pub(super) struct WireService {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub runbook: Option<Spanned<String>>,
    pub instances: Option<Spanned<u32>>,
    pub up: Option<Spanned<String>>,
    pub checks: Vec<WireCheck>,
    pub depends_on: Vec<WireDependency>,
    /// Prometheus label matchers selecting the service's alerts (a list = OR).
    pub alerts: Option<Vec<Spanned<String>>>,
    /// The data source its checks ask, unless a check names its own.
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Default)]
pub(super) struct WireDependency {
    pub service: Spanned<String>,
    /// `hard` or `soft`.
    pub strength: Spanned<Word>,
}

#[derive(Debug, Default)]
pub(super) struct WireCheck {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub query: Spanned<String>,
    pub instance_label: Option<String>,
    pub up: Option<Spanned<String>>,
    pub instances: Option<Spanned<u32>>,
    pub rule: Spanned<WireRule>,
    /// `quorum` or `worst`.
    pub aggregate: Option<Spanned<Word>>,
    /// Written `for:`.
    pub hold: Option<u32>,
    pub message: Option<String>,
    pub source: Option<Spanned<String>>,
}

/// All rule parameters in one flat mapping: which ones a kind needs is
/// checked in validation, where a missing or stray field gets a clear
/// sentence instead of serde's "data did not match any variant".
#[derive(Debug, Default)]
pub(super) struct WireRule {
    /// `threshold`, `equals`, `quorum`, `peers`, `ratio` or `label_state`.
    pub kind: Spanned<Word>,
    /// `above` or `below`.
    pub direction: Option<Spanned<Word>>,
    pub warning: Option<f64>,
    pub critical: Option<f64>,
    pub expected: Option<f64>,
    pub otherwise: Option<Spanned<Word>>,
    pub denominator: Option<Spanned<String>>,
    pub label: Option<String>,
    pub states: Option<BTreeMap<String, Spanned<Word>>>,
    pub unlisted: Option<Spanned<Word>>,
    pub expect: Option<WireExpect>,
}

#[derive(Debug, Default)]
pub(super) struct WireExpect {
    pub state: String,
    pub count: WireCount,
    pub shortfall: Option<Spanned<Word>>,
}

#[derive(Debug, Clone)]
pub(super) enum WireCount {
    Number(f64),
    Word(String),
}

#[derive(Debug, Default)]
pub(super) struct WireView {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub graphs: Spanned<Vec<WireGraph>>,
}

#[derive(Debug, Default)]
pub(super) struct WireGraph {
    pub title: Spanned<String>,
    pub query: Option<Spanned<String>>,
    pub queries: Vec<Spanned<String>>,
    pub unit: Option<String>,
    pub thresholds: Vec<WireGraphThreshold>,
    pub max_series: Option<Spanned<usize>>,
    pub range_secs: Option<Spanned<f64>>,
    pub source: Option<Spanned<String>>,
}

#[derive(Debug, Default)]
pub(super) struct WireGraphThreshold {
    pub value: f64,
    pub status: Spanned<Word>,
}
