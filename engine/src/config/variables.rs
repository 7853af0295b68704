//! `variables:` as written, and the rules for it and for every `$name` in
//! the expressions: a declared variable, inside a quoted label-matcher value,
//! a multi-value one only where a regex takes several values.
//!
//! Binding itself is in [`crate::variables`]; what is refused here is what
//! would let a value change an expression's structure, so binding never has
//! to refuse at run time what a load could have said with a line number.

use std::collections::HashMap;

use super::check_promql;
use super::error::{ConfigIssue, Problem};
use super::wire::WireConfig;
use super::yaml::{Location, Spanned};
use crate::variables::{
    LabelValues, MAX_OPTIONS, MAX_SELECTED, MAX_VALUE_CHARS, MatchOp, Options, Place, Variable,
    references,
};

#[derive(Debug, Default)]
pub(super) struct WireVariable {
    pub name: Spanned<String>,
    pub values: Option<Spanned<Vec<Spanned<String>>>>,
    pub label_values: Option<Spanned<WireLabelValues>>,
    pub default: Option<Spanned<WireDefault>>,
    pub multi: Option<bool>,
}

#[derive(Debug, Default)]
pub(super) struct WireLabelValues {
    pub label: Spanned<String>,
    /// Written `match:`.
    pub matcher: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
}

#[derive(Debug)]
pub(super) enum WireDefault {
    One(String),
    Many(Vec<String>),
}

/// What is wrong with a variable or a reference to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariableProblem {
    /// A name that cannot follow `$`.
    #[error("variable name {0:?} must match [a-zA-Z_][a-zA-Z0-9_]{{0,31}}")]
    BadName(String),
    /// Declared twice.
    #[error("duplicate variable {name:?} (first declared on line {first_line})")]
    Duplicate {
        /// The name.
        name: String,
        /// Where it was first declared.
        first_line: u64,
    },
    /// Neither or both of `values` and `label_values`.
    #[error("variable {0:?} needs exactly one of `values` (a list) or `label_values` (a query)")]
    Source(String),
    /// An empty `values:` list.
    #[error("variable {0:?}: `values` is empty")]
    NoValues(String),
    /// Too many values in the list.
    #[error("variable {name:?} lists {count} values; at most 10000 are allowed")]
    TooManyValues {
        /// The variable.
        name: String,
        /// How many.
        count: usize,
    },
    /// A value over the length bound.
    #[error("variable {0:?}: a value is longer than 256 characters")]
    LongValue(String),
    /// A value listed twice.
    #[error("variable {name:?}: value {value:?} is listed twice")]
    DuplicateValue {
        /// The variable.
        name: String,
        /// The value.
        value: String,
    },
    /// A label name Prometheus would refuse.
    #[error("label_values.label {0:?} must match [a-zA-Z_][a-zA-Z0-9_]*")]
    BadLabel(String),
    /// A source name that cannot be one.
    #[error("label_values.source {0:?} must match [a-z][a-z0-9_-]{{0,31}}")]
    BadSource(String),
    /// `label_values.source` names no data source.
    #[error("label_values.source {name:?}: no data source has that name{}", did_you_mean(suggestion.as_deref()))]
    UnknownSource {
        /// The name as written.
        name: String,
        /// The closest source name, if close.
        suggestion: Option<String>,
    },
    /// A default the list does not offer.
    #[error("variable {name:?}: default {value:?} is not one of its values{}", did_you_mean(suggestion.as_deref()))]
    DefaultNotListed {
        /// The variable.
        name: String,
        /// The default as written.
        value: String,
        /// The closest listed value, if close.
        suggestion: Option<String>,
    },
    /// Several defaults for a one-value variable, or more than allowed.
    #[error(
        "variable {0:?}: a list of defaults needs `multi: true` (and at most 100 values, each at most 256 characters)"
    )]
    BadDefault(String),
    /// `$name` names no declared variable.
    #[error("${name} at character {at}: no variable {name:?} is declared{}", did_you_mean(suggestion.as_deref()))]
    Undeclared {
        /// The name used.
        name: String,
        /// 1-based character position in the expression.
        at: usize,
        /// The closest declared name, if close.
        suggestion: Option<String>,
    },
    /// `$name` where a value could change the expression.
    #[error(
        "${name} at character {at} is {place}: a variable may only stand inside a quoted label-matcher value, e.g. {{cluster=\"$cluster\"}} or {{cluster=~\"$cluster\"}}"
    )]
    Misplaced {
        /// The name used.
        name: String,
        /// 1-based character position in the expression.
        at: usize,
        /// Where it stands, in words.
        place: String,
    },
    /// `$name` in a service's `alerts:` matcher: alerts are matched in the
    /// browser, not asked of Prometheus, and are not bound; a matcher that
    /// kept `$name` would silently match no alert (less red than the truth).
    #[error(
        "${name} in an alerts: matcher: variables are not bound in alert matchers (it would match no alert); match on a label without it"
    )]
    InAlertMatcher {
        /// The name used.
        name: String,
    },
    /// `$name` in a `label_values.match`: one variable's values are not
    /// narrowed by another's (the selector is sent as written, and would
    /// select nothing).
    #[error(
        "${name} in label_values.match: a variable's values cannot depend on another variable; write the selector without it"
    )]
    Chained {
        /// The name used.
        name: String,
    },
    /// A multi-value variable in an `=`/`!=` matcher.
    #[error(
        "${name} at character {at}: variable {name:?} takes several values, so it needs a regex matcher (=~ or !~), not {op}"
    )]
    MultiInEquality {
        /// The name used.
        name: String,
        /// 1-based character position in the expression.
        at: usize,
        /// The operator written.
        op: &'static str,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean {s:?}?)"))
}

struct Found(Vec<ConfigIssue>);

impl Found {
    fn push(&mut self, at: &Location, problem: VariableProblem) {
        self.0.push(ConfigIssue {
            line: at.line(),
            column: at.column(),
            problem: Problem::Variable(problem),
        });
    }
}

/// The declared variables and every problem with them or with a reference.
pub(super) fn validate(wire: &WireConfig) -> (Vec<Variable>, Vec<ConfigIssue>) {
    let mut found = Found(Vec::new());
    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut variables = Vec::new();
    for w in &wire.variables {
        let name = &w.name.value;
        if !is_name(name, 32) {
            found.push(&w.name.referenced, VariableProblem::BadName(name.clone()));
        }
        if let Some(&first_line) = seen.get(name.as_str()) {
            found.push(
                &w.name.referenced,
                VariableProblem::Duplicate {
                    name: name.clone(),
                    first_line,
                },
            );
        } else {
            seen.insert(name, w.name.referenced.line());
        }
        if let Some(v) = variable(&mut found, w, &source_names(wire)) {
            variables.push(v);
        }
    }
    for_each_expression(wire, |expr| references_in(&mut found, expr, &variables));
    let label_matches = wire
        .variables
        .iter()
        .filter_map(|w| w.label_values.as_ref()?.value.matcher.as_ref());
    for matcher in label_matches {
        if let Some(name) = declared_reference(&matcher.value, &variables) {
            found.push(&matcher.referenced, VariableProblem::Chained { name });
        }
    }
    let alert_matchers = wire
        .services
        .value
        .iter()
        .flat_map(|s| s.alerts.iter().flatten());
    for matcher in alert_matchers {
        if let Some(name) = declared_reference(&matcher.value, &variables) {
            found.push(
                &matcher.referenced,
                VariableProblem::InAlertMatcher { name },
            );
        }
    }
    (variables, found.0)
}

/// The data sources' names as written (`datasource:` alone is the default name).
fn source_names(wire: &WireConfig) -> Vec<String> {
    let named = |s: &super::sources::WireSource| {
        s.name.as_ref().map_or_else(
            || super::DEFAULT_SOURCE_NAME.to_owned(),
            |n| n.value.clone(),
        )
    };
    match (&wire.datasources, &wire.datasource) {
        (Some(list), _) => list.value.iter().map(named).collect(),
        (None, Some(one)) => vec![named(&one.value)],
        (None, None) => vec![super::DEFAULT_SOURCE_NAME.to_owned()],
    }
}

fn variable(found: &mut Found, w: &WireVariable, sources: &[String]) -> Option<Variable> {
    let name = w.name.value.clone();
    let multi = w.multi.unwrap_or(false);
    let options = match (&w.values, &w.label_values) {
        (Some(values), None) => Options::Fixed(fixed(found, &name, values)),
        (None, Some(lv)) => Options::LabelValues(label_values(found, lv, sources)?),
        _ => {
            found.push(&w.name.referenced, VariableProblem::Source(name));
            return None;
        }
    };
    let default = match &w.default {
        None => match &options {
            Options::Fixed(values) => values.first().cloned().into_iter().collect(),
            Options::LabelValues(_) => Vec::new(),
        },
        Some(d) => {
            let list = match &d.value {
                WireDefault::One(one) => vec![one.clone()],
                WireDefault::Many(many) => many.clone(),
            };
            let bounded = list.len() <= MAX_SELECTED
                && list.iter().all(|v| v.chars().count() <= MAX_VALUE_CHARS);
            if (list.len() > 1 && !multi) || !bounded {
                found.push(&d.referenced, VariableProblem::BadDefault(name.clone()));
            }
            if let Options::Fixed(values) = &options {
                for value in list.iter().filter(|v| !values.contains(v)) {
                    found.push(
                        &d.referenced,
                        VariableProblem::DefaultNotListed {
                            name: name.clone(),
                            value: value.clone(),
                            suggestion: closest(value, values.iter().map(String::as_str)),
                        },
                    );
                }
            }
            list
        }
    };
    Some(Variable {
        name,
        options,
        default,
        multi,
    })
}

fn fixed(found: &mut Found, name: &str, values: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
    if values.value.is_empty() {
        found.push(
            &values.referenced,
            VariableProblem::NoValues(name.to_owned()),
        );
    }
    if values.value.len() > MAX_OPTIONS {
        found.push(
            &values.referenced,
            VariableProblem::TooManyValues {
                name: name.to_owned(),
                count: values.value.len(),
            },
        );
    }
    let mut kept: Vec<String> = Vec::new();
    for v in &values.value {
        if v.value.chars().count() > MAX_VALUE_CHARS {
            found.push(&v.referenced, VariableProblem::LongValue(name.to_owned()));
        } else if kept.contains(&v.value) {
            found.push(
                &v.referenced,
                VariableProblem::DuplicateValue {
                    name: name.to_owned(),
                    value: v.value.clone(),
                },
            );
        } else {
            kept.push(v.value.clone());
        }
    }
    kept
}

fn label_values(
    found: &mut Found,
    lv: &Spanned<WireLabelValues>,
    sources: &[String],
) -> Option<LabelValues> {
    let w = &lv.value;
    let mut ok = true;
    if !is_name(&w.label.value, usize::MAX) {
        found.push(
            &w.label.referenced,
            VariableProblem::BadLabel(w.label.value.clone()),
        );
        ok = false;
    }
    if let Some(m) = &w.matcher
        && let Err(problem) = check_promql(&m.value)
    {
        found.0.push(ConfigIssue {
            line: m.referenced.line(),
            column: m.referenced.column(),
            problem: Problem::Promql {
                expr: m.value.clone(),
                problem,
            },
        });
        ok = false;
    }
    if let Some(s) = &w.source {
        let name = &s.value;
        let good = (1..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !good {
            found.push(&s.referenced, VariableProblem::BadSource(name.clone()));
            ok = false;
        } else if !sources.contains(name) {
            found.push(
                &s.referenced,
                VariableProblem::UnknownSource {
                    name: name.clone(),
                    suggestion: closest(name, sources.iter().map(String::as_str)),
                },
            );
            ok = false;
        }
    }
    ok.then(|| LabelValues {
        label: w.label.value.clone(),
        matcher: w.matcher.as_ref().map(|m| m.value.trim().to_owned()),
        source: w.source.as_ref().map(|s| s.value.clone()),
    })
}

/// Every expression a value could be bound into: checks' queries, `up`
/// (service and check), ratio denominators, graphs' queries.
fn for_each_expression(wire: &WireConfig, mut each: impl FnMut(&Spanned<String>)) {
    for s in &wire.services.value {
        s.up.iter().for_each(&mut each);
        for c in &s.checks {
            each(&c.query);
            c.up.iter().for_each(&mut each);
            c.rule.value.denominator.iter().for_each(&mut each);
        }
    }
    for v in &wire.views {
        for g in &v.graphs.value {
            g.query.iter().chain(&g.queries).for_each(&mut each);
        }
    }
}

fn references_in(found: &mut Found, expr: &Spanned<String>, variables: &[Variable]) {
    // An unterminated string is the PromQL check's to report.
    let Ok(refs) = references(&expr.value) else {
        return;
    };
    for r in refs {
        let Some(v) = variables.iter().find(|v| v.name == r.name) else {
            found.push(
                &expr.referenced,
                VariableProblem::Undeclared {
                    name: r.name.to_owned(),
                    at: r.at,
                    suggestion: closest(r.name, variables.iter().map(|v| v.name.as_str())),
                },
            );
            continue;
        };
        match r.place {
            Place::Matcher {
                op: op @ (MatchOp::Equal | MatchOp::NotEqual),
                ..
            } if v.multi => found.push(
                &expr.referenced,
                VariableProblem::MultiInEquality {
                    name: r.name.to_owned(),
                    at: r.at,
                    op: op.as_str(),
                },
            ),
            Place::Matcher { .. } => {}
            place => found.push(
                &expr.referenced,
                VariableProblem::Misplaced {
                    name: r.name.to_owned(),
                    at: r.at,
                    place: place.to_string(),
                },
            ),
        }
    }
}

/// The first reference in `text` to a declared variable (only those could
/// be meant as one: `$` is an ordinary character elsewhere).
fn declared_reference(text: &str, variables: &[Variable]) -> Option<String> {
    references(text)
        .ok()?
        .into_iter()
        .find(|r| variables.iter().any(|v| v.name == r.name))
        .map(|r| r.name.to_owned())
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`, at most `max` characters.
fn is_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
        && s.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

fn closest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    known
        .map(|k| (strsim::levenshtein(wanted, k), k))
        .filter(|&(d, k)| d <= 2 && d < wanted.len().max(k.len()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k.to_owned())
}
