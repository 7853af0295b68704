//! `clusters:`: the fleet a configuration watches, one cluster per entry
//! (its own default source and/or variables bound to values) or one per
//! value of a variable.
//!
//! Every cluster is the same configuration seen through another source or
//! another binding, so a mistake here (a source or variable that does not
//! exist, a value a fixed list does not offer) is refused at load, with its
//! line and column, rather than shown as a tile that can never be green.

use std::collections::{BTreeMap, HashMap};

use super::DataSource;
use super::error::Problem;
use super::validate::{Issues, closest};
use super::wire::WireConfig;
use super::yaml::Spanned;
use crate::variables::{MAX_SELECTED, MAX_VALUE_CHARS, Options, Variable};

/// Most clusters on one fleet page: a listed fleet longer than this is
/// refused, a variable's values beyond it are left out (and said so).
pub const MAX_CLUSTERS: usize = 100;
/// The longest cluster name.
const MAX_NAME_CHARS: usize = 64;

/// What `clusters:` declares.
#[derive(Debug, Clone, PartialEq)]
pub enum Clusters {
    /// A list of named clusters.
    Listed(Vec<Cluster>),
    /// One cluster per value of this variable (its fixed list, or its
    /// label-values answer), named after the value.
    ByVariable(String),
}

/// One cluster of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Cluster {
    /// Shown on its tile and used in `?cluster=`.
    pub name: String,
    /// Its default source: an index into [`super::Config::datasources`];
    /// `None`: the configuration's own default.
    pub source: Option<usize>,
    /// Variables bound to these values for this cluster.
    pub vars: BTreeMap<String, Vec<String>>,
}

impl Cluster {
    /// A cluster named after a value of `variable`, bound to it.
    pub(crate) fn of_value(variable: &str, value: &str) -> Cluster {
        Cluster {
            name: value.to_owned(),
            source: None,
            vars: BTreeMap::from([(variable.to_owned(), vec![value.to_owned()])]),
        }
    }
}

/// What is wrong with `clusters:`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterProblem {
    /// `clusters: []`.
    #[error("`clusters:` needs at least one cluster")]
    Empty,
    /// More than [`MAX_CLUSTERS`].
    #[error("{0} clusters; at most {MAX_CLUSTERS} fit one fleet page")]
    TooMany(usize),
    /// A name outside `[a-zA-Z0-9_.-]{1,64}`.
    #[error("cluster name {0:?} must use only letters, digits, '_', '.' and '-' (1 to 64)")]
    BadName(String),
    /// Two clusters with one name.
    #[error("duplicate cluster {name:?} (first defined on line {first_line})")]
    Duplicate {
        /// The name.
        name: String,
        /// Where it was first used.
        first_line: u64,
    },
    /// Neither `source:` nor `vars:`: it would be the default cluster again.
    #[error(
        "cluster {0:?} needs `source:` or `vars:` (or both): otherwise it is the configuration itself"
    )]
    Nothing(String),
    /// `source:` names no data source.
    #[error("cluster source {name:?}: no such source{}", did_you_mean(suggestion.as_deref()))]
    UnknownSource {
        /// The name as written.
        name: String,
        /// The closest source name.
        suggestion: Option<String>,
    },
    /// `vars:` or `variable:` names no declared variable.
    #[error("no variable {name:?} is declared{}", did_you_mean(suggestion.as_deref()))]
    UnknownVariable {
        /// The name as written.
        name: String,
        /// The closest declared name.
        suggestion: Option<String>,
    },
    /// A value the variable's fixed list does not offer.
    #[error("variable {variable:?}: {value:?} is not one of its values{}", did_you_mean(suggestion.as_deref()))]
    NotOffered {
        /// The variable.
        variable: String,
        /// The value as written.
        value: String,
        /// The closest listed value.
        suggestion: Option<String>,
    },
    /// Several values for a one-value variable, too many, or too long.
    #[error(
        "variable {0:?}: one value (several only for `multi: true`, at most 100, each at most 256 characters)"
    )]
    BadValues(String),
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean {s:?}?)"))
}

/// `clusters:` as written: a list, or `{variable: name}`.
#[derive(Debug)]
pub(super) enum WireClusters {
    Listed(Vec<Spanned<WireCluster>>),
    ByVariable(WireByVariable),
}

#[derive(Debug, Default)]
pub(super) struct WireCluster {
    pub name: Spanned<String>,
    pub source: Option<Spanned<String>>,
    pub vars: Option<BTreeMap<String, Spanned<WireValues>>>,
}

#[derive(Debug, Default)]
pub(super) struct WireByVariable {
    pub variable: Spanned<String>,
}

/// One value or a list (for a multi-value variable).
#[derive(Debug, Default)]
pub(super) struct WireValues(pub Vec<String>);

/// The clusters declared, checked against the sources and variables.
pub(super) fn validate(
    issues: &mut Issues,
    wire: &WireConfig,
    sources: &[DataSource],
    variables: &[Variable],
) -> Option<Clusters> {
    let declared = wire.clusters.as_ref()?;
    let push = |issues: &mut Issues, at, problem| issues.push(at, Problem::Cluster(problem));
    match &declared.value {
        WireClusters::ByVariable(by) => {
            let name = &by.variable.value;
            if !variables.iter().any(|v| &v.name == name) {
                push(
                    issues,
                    &by.variable.referenced,
                    ClusterProblem::UnknownVariable {
                        name: name.clone(),
                        suggestion: closest(name, variables.iter().map(|v| v.name.as_str())),
                    },
                );
            }
            Some(Clusters::ByVariable(name.clone()))
        }
        WireClusters::Listed(list) => {
            if list.is_empty() {
                push(issues, &declared.referenced, ClusterProblem::Empty);
            }
            if list.len() > MAX_CLUSTERS {
                push(
                    issues,
                    &declared.referenced,
                    ClusterProblem::TooMany(list.len()),
                );
            }
            let mut seen: HashMap<&str, u64> = HashMap::new();
            let mut out = Vec::with_capacity(list.len());
            for c in list {
                let name = &c.value.name;
                if !valid_name(&name.value) {
                    push(
                        issues,
                        &name.referenced,
                        ClusterProblem::BadName(name.value.chars().take(MAX_NAME_CHARS).collect()),
                    );
                }
                if let Some(&first_line) = seen.get(name.value.as_str()) {
                    push(
                        issues,
                        &name.referenced,
                        ClusterProblem::Duplicate {
                            name: name.value.clone(),
                            first_line,
                        },
                    );
                } else {
                    seen.insert(&name.value, name.referenced.line());
                }
                out.push(cluster(issues, &c.value, sources, variables));
            }
            Some(Clusters::Listed(out))
        }
    }
}

fn cluster(
    issues: &mut Issues,
    w: &WireCluster,
    sources: &[DataSource],
    variables: &[Variable],
) -> Cluster {
    let name = w.name.value.clone();
    if w.source.is_none() && w.vars.as_ref().is_none_or(BTreeMap::is_empty) {
        issues.push(
            &w.name.referenced,
            Problem::Cluster(ClusterProblem::Nothing(name.clone())),
        );
    }
    let source = w.source.as_ref().and_then(|s| {
        let found = sources.iter().position(|d| d.name == s.value);
        if found.is_none() {
            issues.push(
                &s.referenced,
                Problem::Cluster(ClusterProblem::UnknownSource {
                    name: s.value.clone(),
                    suggestion: closest(&s.value, sources.iter().map(|d| d.name.as_str())),
                }),
            );
        }
        found
    });
    let mut vars = BTreeMap::new();
    for (var, values) in w.vars.iter().flatten() {
        let Some(v) = variables.iter().find(|v| &v.name == var) else {
            issues.push(
                &values.referenced,
                Problem::Cluster(ClusterProblem::UnknownVariable {
                    name: var.clone(),
                    suggestion: closest(var, variables.iter().map(|v| v.name.as_str())),
                }),
            );
            continue;
        };
        let list = &values.value.0;
        let bounded = !list.is_empty()
            && list.len() <= MAX_SELECTED
            && (v.multi || list.len() == 1)
            && list.iter().all(|x| x.chars().count() <= MAX_VALUE_CHARS);
        if !bounded {
            issues.push(
                &values.referenced,
                Problem::Cluster(ClusterProblem::BadValues(var.clone())),
            );
        }
        if let Options::Fixed(offered) = &v.options {
            for value in list.iter().filter(|x| !offered.contains(x)) {
                issues.push(
                    &values.referenced,
                    Problem::Cluster(ClusterProblem::NotOffered {
                        variable: var.clone(),
                        value: value.clone(),
                        suggestion: closest(value, offered.iter().map(String::as_str)),
                    }),
                );
            }
        }
        vars.insert(var.clone(), list.clone());
    }
    Cluster { name, source, vars }
}

/// `[a-zA-Z0-9_.-]{1,64}`: safe in a URL and short enough for a tile.
fn valid_name(name: &str) -> bool {
    (1..=MAX_NAME_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}
