//! `datasource:` and `datasources:`: where the checks and graphs are asked.
//!
//! One Prometheus is the common case and its `datasource:` keeps working as
//! it always did. `datasources:` names several (one Prometheus per cluster,
//! a Thanos, a `VictoriaMetrics` beside it); a service, a check or a graph
//! says which it asks with `source:`, and everything else asks the default.
//! The default source alone sets the refresh interval: the screen refreshes
//! as one, so a second interval would have nothing to drive.

use std::collections::{BTreeMap, HashMap};

use panopticon_core::prom::{BaseUrl, SourceKind};

use super::error::Problem;
use super::validate::{Issues, closest};
use super::wire::{WireConfig, WireService, WireView};
use super::yaml::Spanned;
use super::{DataSource, Service, View};

/// At most this many extra parameters per source: a few are all any engine
/// takes (`partial_response`, `dedup`, `max_source_resolution`, `nocache`).
pub const MAX_PARAMS: usize = 16;
/// The longest parameter value accepted.
pub const MAX_PARAM_VALUE_CHARS: usize = 256;
/// The parameters the client sets itself: a source must not override what
/// the dashboard asks or how long it waits.
pub const RESERVED_PARAMS: &[&str] = &[
    "query", "time", "start", "end", "step", "timeout", "match[]",
];
/// The name of the source `datasource:` (or nothing) configures, unless it names itself.
pub const DEFAULT_SOURCE_NAME: &str = "prometheus";
/// The longest source name: it is shown on screen and in reasons.
const MAX_NAME_CHARS: usize = 32;

/// One source as written, in `datasource:` or as an entry of `datasources:`.
#[derive(Debug, Default)]
pub(super) struct WireSource {
    pub name: Option<Spanned<String>>,
    /// `prometheus`, `thanos`, `mimir` or `victoriametrics`.
    pub kind: Option<Spanned<super::yaml::Word>>,
    pub default: Option<Spanned<bool>>,
    pub params: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    pub base_url: Option<Spanned<String>>,
    pub timeout_secs: Option<Spanned<f64>>,
    pub refresh_secs: Option<Spanned<f64>>,
    pub max_in_flight: Option<Spanned<u32>>,
    pub stale_after_secs: Option<Spanned<f64>>,
    pub max_answer_bytes: Option<Spanned<u64>>,
    pub max_series: Option<Spanned<u32>>,
}

/// What is wrong with a data source or a reference to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceProblem {
    /// Both spellings at once: which one is meant cannot be guessed.
    #[error(
        "`datasource:` and `datasources:` together: use `datasources:` (a list) alone for several sources"
    )]
    BothForms,
    /// `datasources: []`.
    #[error("`datasources:` needs at least one source")]
    Empty,
    /// A name outside `[a-z][a-z0-9_-]{{0,31}}`.
    #[error(
        "source name {0:?} must start with a lower-case letter and use only a-z, 0-9, '_' and '-' (at most 32)"
    )]
    BadName(String),
    /// Two sources with one name.
    #[error("duplicate source name {name:?} (first defined on line {first_line})")]
    Duplicate {
        /// The name.
        name: String,
        /// Where it was first used.
        first_line: u64,
    },
    /// More than one source says `default: true`.
    #[error("source {name:?} is marked default, but {first:?} already is")]
    TwoDefaults {
        /// The second one.
        name: String,
        /// The first one.
        first: String,
    },
    /// `refresh_secs` on a source that is not the default.
    #[error(
        "refresh_secs on source {0:?}: only the default source sets the refresh interval (the screen refreshes as one)"
    )]
    RefreshNotOnDefault(String),
    /// `default:` in a single `datasource:`.
    #[error(
        "`default:` belongs in an entry of `datasources:`; a single `datasource:` is the default"
    )]
    DefaultInSingle,
    /// A parameter name that is not one.
    #[error("parameter name {0:?} must match [A-Za-z_][A-Za-z0-9_.]*")]
    BadParam(String),
    /// A parameter the client sets itself.
    #[error("parameter {0:?} is set by the dashboard itself and cannot be overridden")]
    ReservedParam(String),
    /// Too many parameters.
    #[error("{count} parameters; at most {MAX_PARAMS} are allowed per source")]
    TooManyParams {
        /// How many were given.
        count: usize,
    },
    /// A parameter value too long or with control characters.
    #[error(
        "parameter {0:?}: the value must be at most {MAX_PARAM_VALUE_CHARS} characters without control characters"
    )]
    BadParamValue(String),
    /// `source:` names no source.
    #[error("no source named {name:?}{}", suggestion.as_ref().map_or_else(String::new, |s| format!(" (did you mean {s:?}?)")))]
    Unknown {
        /// The name as written.
        name: String,
        /// The closest known name.
        suggestion: Option<String>,
    },
}

/// The sources in the file, the default first (the others in file order),
/// and each one's name as written, for `source:` references.
pub(super) fn datasources(issues: &mut Issues, wire: &WireConfig) -> Vec<DataSource> {
    match (&wire.datasource, &wire.datasources) {
        (Some(_), Some(list)) => {
            issues.push(&list.referenced, source_problem(SourceProblem::BothForms));
            vec![DataSource::default()]
        }
        (None, None) => vec![DataSource::default()],
        (Some(single), None) => {
            if let Some(d) = &single.value.default {
                issues.push(
                    &d.referenced,
                    source_problem(SourceProblem::DefaultInSingle),
                );
            }
            let mut names = HashMap::new();
            vec![one(issues, &single.value, true, &mut names)]
        }
        (None, Some(list)) => several(issues, list),
    }
}

fn several(issues: &mut Issues, list: &Spanned<Vec<WireSource>>) -> Vec<DataSource> {
    if list.value.is_empty() {
        issues.push(&list.referenced, source_problem(SourceProblem::Empty));
        return vec![DataSource::default()];
    }
    let mut default: Option<(usize, &str)> = None;
    for (i, w) in list.value.iter().enumerate() {
        let Some(flag) = w.default.as_ref().filter(|d| d.value) else {
            continue;
        };
        let name = w.name.as_ref().map_or("", |n| n.value.as_str());
        match default {
            Some((_, first)) => issues.push(
                &flag.referenced,
                source_problem(SourceProblem::TwoDefaults {
                    name: name.to_owned(),
                    first: first.to_owned(),
                }),
            ),
            None => default = Some((i, name)),
        }
    }
    let default = default.map_or(0, |(i, _)| i);
    let mut names = HashMap::new();
    let mut sources: Vec<DataSource> = list
        .value
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if w.name.is_none() {
                issues.push(
                    &list.referenced,
                    Problem::OutOfRange {
                        field: "datasources[].name",
                        expected: "set on every entry of `datasources:`",
                        got: "nothing".to_owned(),
                    },
                );
            }
            one(issues, w, i == default, &mut names)
        })
        .collect();
    let first = sources.remove(default);
    sources.insert(0, first);
    sources
}

fn one(
    issues: &mut Issues,
    w: &WireSource,
    is_default: bool,
    names: &mut HashMap<String, u64>,
) -> DataSource {
    let d = DataSource::default();
    let name = match &w.name {
        None => DEFAULT_SOURCE_NAME.to_owned(),
        Some(n) => {
            if !valid_name(&n.value) {
                issues.push(
                    &n.referenced,
                    source_problem(SourceProblem::BadName(n.value.clone())),
                );
            }
            if let Some(&first_line) = names.get(&n.value) {
                issues.push(
                    &n.referenced,
                    source_problem(SourceProblem::Duplicate {
                        name: n.value.clone(),
                        first_line,
                    }),
                );
            } else {
                names.insert(n.value.clone(), n.referenced.line());
            }
            n.value.clone()
        }
    };
    let kind = w
        .kind
        .as_ref()
        .and_then(|k| issues.word(k, &SourceKind::ALL))
        .unwrap_or_default();
    if !is_default && let Some(r) = &w.refresh_secs {
        issues.push(
            &r.referenced,
            source_problem(SourceProblem::RefreshNotOnDefault(name.clone())),
        );
    }
    DataSource {
        name,
        kind,
        params: params(issues, w.params.as_ref()),
        base_url: base_url(issues, w.base_url.as_ref(), d.base_url.clone()),
        timeout_secs: issues.positive("timeout_secs", w.timeout_secs.as_ref(), d.timeout_secs),
        refresh_secs: issues.positive("refresh_secs", w.refresh_secs.as_ref(), d.refresh_secs),
        max_in_flight: issues.count("max_in_flight", w.max_in_flight.as_ref(), d.max_in_flight),
        stale_after_secs: issues.positive(
            "stale_after_secs",
            w.stale_after_secs.as_ref(),
            d.stale_after_secs,
        ),
        max_answer_bytes: match &w.max_answer_bytes {
            None => d.max_answer_bytes,
            Some(v) if v.value >= 1024 => v.value,
            Some(v) => {
                issues.push(
                    &v.referenced,
                    Problem::OutOfRange {
                        field: "max_answer_bytes",
                        expected: "at least 1024",
                        got: v.value.to_string(),
                    },
                );
                d.max_answer_bytes
            }
        },
        max_series: issues.count("max_series", w.max_series.as_ref(), d.max_series),
    }
}

fn base_url(issues: &mut Issues, url: Option<&Spanned<String>>, default: BaseUrl) -> BaseUrl {
    match url {
        None => default,
        Some(u) if u.value.trim().is_empty() => {
            issues.push(
                &u.referenced,
                Problem::OutOfRange {
                    field: "base_url",
                    expected: "a URL or path",
                    got: "an empty string".to_owned(),
                },
            );
            default
        }
        // Validated into the client's own type here, once: whatever gets
        // past the configuration can be used without another check.
        Some(u) => match issues.link("base_url", u) {
            Some(link) => match BaseUrl::parse(link.as_str()) {
                Ok(base) => base,
                Err(problem) => {
                    issues.push(&u.referenced, Problem::BaseUrl { problem });
                    default
                }
            },
            None => default,
        },
    }
}

fn params(
    issues: &mut Issues,
    wire: Option<&Spanned<BTreeMap<String, Spanned<String>>>>,
) -> Vec<(String, String)> {
    let Some(map) = wire else {
        return Vec::new();
    };
    if map.value.len() > MAX_PARAMS {
        issues.push(
            &map.referenced,
            source_problem(SourceProblem::TooManyParams {
                count: map.value.len(),
            }),
        );
    }
    let mut kept = Vec::new();
    for (key, value) in &map.value {
        let problem = if RESERVED_PARAMS.contains(&key.as_str()) {
            Some(SourceProblem::ReservedParam(key.clone()))
        } else if !valid_param(key) {
            Some(SourceProblem::BadParam(key.chars().take(64).collect()))
        } else if value.value.chars().count() > MAX_PARAM_VALUE_CHARS
            || value.value.chars().any(char::is_control)
        {
            Some(SourceProblem::BadParamValue(key.clone()))
        } else {
            None
        };
        match problem {
            Some(p) => issues.push(&value.referenced, source_problem(p)),
            None => kept.push((key.clone(), value.value.clone())),
        }
    }
    kept
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.len() <= MAX_NAME_CHARS
}

fn valid_param(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn source_problem(problem: SourceProblem) -> Problem {
    Problem::Source { problem }
}

/// Sets each check's and graph's source from `source:` (a check's over its
/// service's over the default), reporting names that match no source.
pub(super) fn assign(
    issues: &mut Issues,
    sources: &[DataSource],
    wire_services: &[WireService],
    services: &mut [Service],
    wire_views: &[WireView],
    views: &mut [View],
) {
    let mut find = |name: Option<&Spanned<String>>| -> Option<usize> {
        let name = name?;
        let found = sources.iter().position(|s| s.name == name.value);
        if found.is_none() {
            let suggestion = closest(&name.value, sources.iter().map(|s| s.name.as_str()));
            issues.push(
                &name.referenced,
                source_problem(SourceProblem::Unknown {
                    name: name.value.clone(),
                    suggestion,
                }),
            );
        }
        found
    };
    for (ws, service) in wire_services.iter().zip(services.iter_mut()) {
        let own = find(ws.source.as_ref()).unwrap_or(0);
        for (wc, check) in ws.checks.iter().zip(service.checks.iter_mut()) {
            check.source = find(wc.source.as_ref()).unwrap_or(own);
        }
    }
    for (wv, view) in wire_views.iter().zip(views.iter_mut()) {
        for (wg, graph) in wv.graphs.value.iter().zip(view.graphs.iter_mut()) {
            graph.source = find(wg.source.as_ref()).unwrap_or(0);
        }
    }
}

#[cfg(test)]
mod tests;
