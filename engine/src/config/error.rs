//! Everything that can be wrong with a configuration, each pointing at a line.

use std::fmt;

use panopticon_core::prom::BaseUrlError;

use super::origin::OriginProblem;
use crate::alerts::matcher::MatcherProblem;

/// Why a configuration was rejected. `Display` gives one line per problem,
/// each `file:line:column: what is wrong`, ready to show to the operator.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The text is not YAML of the expected shape (syntax error, wrong type,
    /// unknown or missing field). The parser cannot continue past it.
    #[error("{source_name}:{line}:{column}: {message}")]
    Syntax {
        /// The configuration's name.
        source_name: String,
        /// 1-based line (0 when the parser did not say).
        line: u64,
        /// 1-based column.
        column: u64,
        /// What the parser expected.
        message: String,
    },
    /// The file holds no configuration at all (empty, only comments, or a
    /// bare `---`): the operator needs to hear what one must contain, not
    /// the parser's "unexpected end of input".
    #[error(
        "{source_name}: the configuration is empty: it needs at least `services:` with one service (an `id` and a check with `id`, `query` and `rule`); examples/config/ has complete examples"
    )]
    Empty {
        /// The configuration's name.
        source_name: String,
    },
    /// Well-formed YAML that does not make sense; all problems found at once.
    #[error("{}", Listing { source_name, issues })]
    Invalid {
        /// The configuration's name.
        source_name: String,
        /// The problems, in file order.
        issues: Vec<ConfigIssue>,
    },
}

impl ConfigError {
    /// One message per problem, each with file, line and column.
    pub fn messages(&self) -> Vec<String> {
        match self {
            ConfigError::Syntax { .. } | ConfigError::Empty { .. } => vec![self.to_string()],
            ConfigError::Invalid {
                source_name,
                issues,
            } => issues
                .iter()
                .map(|i| format!("{source_name}:{i}"))
                .collect(),
        }
    }
}

struct Listing<'a> {
    source_name: &'a str,
    issues: &'a [ConfigIssue],
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}:{issue}", self.source_name)?;
        }
        Ok(())
    }
}

/// One semantic problem and where it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{line}:{column}: {problem}")]
pub struct ConfigIssue {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong, in words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// A dependency names a service that does not exist.
    #[error("dependency {from:?} -> {to:?}: no service with id {to:?}{}", did_you_mean(suggestion.as_deref()))]
    UnknownService {
        /// The dependant.
        from: String,
        /// The missing id.
        to: String,
        /// The closest existing id, if one is close.
        suggestion: Option<String>,
    },
    /// Services depend on each other in a circle.
    #[error("dependency cycle: {}", path.join(" -> "))]
    Cycle {
        /// The ids along the cycle, first repeated at the end.
        path: Vec<String>,
    },
    /// Two things of one kind share an id.
    #[error("duplicate {what} id {id:?} (first defined on line {first_line})")]
    Duplicate {
        /// `service`, `check` or `view`.
        what: &'static str,
        /// The repeated id.
        id: String,
        /// Where it was first used.
        first_line: u64,
    },
    /// A view with more graphs than fit on a screen.
    #[error("view {view:?} has {count} graphs; at most {max} are allowed per view")]
    TooManyGraphs {
        /// The view's id.
        view: String,
        /// How many it has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A graph with more series than anyone can read.
    #[error("graph {graph:?} asks for {count} series; at most {max} are allowed per graph")]
    TooManySeries {
        /// The graph's title.
        graph: String,
        /// How many it asks for.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Warning and critical levels that contradict their direction.
    #[error(
        "thresholds in the wrong order: direction {direction} needs warning {relation} critical, got warning {warning} and critical {critical}"
    )]
    ThresholdOrder {
        /// `above` or `below`.
        direction: &'static str,
        /// `<` or `>`.
        relation: &'static str,
        /// The warning level.
        warning: f64,
        /// The critical level.
        critical: f64,
    },
    /// An expression that cannot be `PromQL`.
    #[error("malformed PromQL {expr:?}: {problem}")]
    Promql {
        /// The expression.
        expr: String,
        /// What is wrong with it.
        problem: PromqlProblem,
    },
    /// A rule missing a parameter or carrying one that does not apply.
    #[error("rule {kind}: {message}")]
    Rule {
        /// The rule kind.
        kind: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A service that nothing can judge.
    #[error("service {id:?} has no checks and no dependencies, so nothing can judge it")]
    Unjudged {
        /// The service's id.
        id: String,
    },
    /// A number out of its sensible range.
    #[error("{field} must be {expected}, got {got}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The allowed range, in words.
        expected: &'static str,
        /// The value given.
        got: String,
    },
    /// A word that names none of a field's values (a rule kind, a strength,
    /// a status, …). The words are serde's, which operators already know.
    #[error(
        "unknown variant `{got}`, expected one of {}{}",
        expected.join(", "),
        suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
    )]
    UnknownWord {
        /// What was written.
        got: String,
        /// Every word the field takes.
        expected: Vec<&'static str>,
        /// The closest of them, if it is plausibly a typo.
        suggestion: Option<&'static str>,
    },
    /// A link the dashboard would render that is neither http(s) nor
    /// relative (`javascript:`, `data:`, …): the CSP is the last line of
    /// defence, not the only one.
    #[error("{field} {link:?} is not a link the dashboard will show: {problem}")]
    Link {
        /// `runbook`, `base_url`.
        field: &'static str,
        /// The link as written.
        link: String,
        /// Why it is refused.
        problem: LinkProblem,
    },
    /// A base URL the client cannot use (a query string, a fragment, no host).
    #[error("base_url: {problem}")]
    BaseUrl {
        /// Why.
        problem: BaseUrlError,
    },
    /// An alert matcher that is not Prometheus's selector syntax.
    #[error("alert matcher {matcher:?}: {problem}")]
    Matcher {
        /// The selector as written.
        matcher: String,
        /// What is wrong with it.
        problem: MatcherProblem,
    },
    /// Services declare `alerts:` but no source of alerts is read.
    #[error(
        "services declare alerts: but no alert source is read (alerts.prometheus is false and there is no alertmanager:)"
    )]
    NoAlertSource,
    /// An `embedding.allowed_origins` entry that is no exact origin.
    #[error("embedding.allowed_origins {origin:?}: {problem}")]
    Origin {
        /// The entry as written.
        origin: String,
        /// Why it is refused.
        problem: OriginProblem,
    },
    /// A data source, its parameters, or a `source:` naming none.
    #[error("{problem}")]
    Source {
        /// What is wrong.
        problem: super::SourceProblem,
    },
    /// A template variable, or a `$name` in an expression, that cannot work.
    #[error("{0}")]
    Variable(super::variables::VariableProblem),
    /// `clusters:` names what does not exist, or a cluster that cannot be.
    #[error("{0}")]
    Cluster(super::ClusterProblem),
    /// An empty or otherwise unusable id.
    #[error("{what} id {id:?} must be non-empty and use only letters, digits, '-' and '_'")]
    BadId {
        /// `service`, `check` or `view`.
        what: &'static str,
        /// The id.
        id: String,
    },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean {s:?}?)"))
}

/// Why a string is not `PromQL`, found without a full parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromqlProblem {
    /// Nothing but whitespace.
    #[error("empty expression")]
    Empty,
    /// An opening bracket never closed.
    #[error("unclosed {open:?} at character {at}")]
    Unclosed {
        /// The bracket.
        open: char,
        /// 1-based character position.
        at: usize,
    },
    /// A closing bracket without its opening one.
    #[error("unexpected {close:?} at character {at}")]
    Unexpected {
        /// The bracket.
        close: char,
        /// 1-based character position.
        at: usize,
    },
    /// A closing bracket of the wrong kind.
    #[error("{close:?} at character {at} does not match {open:?} at character {opened_at}")]
    Mismatched {
        /// The open bracket.
        open: char,
        /// Where it was opened.
        opened_at: usize,
        /// The wrong closing bracket.
        close: char,
        /// Where.
        at: usize,
    },
    /// A string literal never closed.
    #[error("unterminated string starting with {quote:?} at character {at}")]
    UnterminatedString {
        /// The quote character.
        quote: char,
        /// 1-based character position.
        at: usize,
    },
}

/// Why a link from the configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkProblem {
    /// Nothing but whitespace.
    #[error("it is empty")]
    Empty,
    /// Whitespace or control characters inside (browsers drop tabs and line
    /// breaks from URLs, so `java\tscript:` would become `javascript:`).
    #[error("it contains whitespace or control characters (write them %-encoded)")]
    Unprintable,
    /// A scheme other than http or https.
    #[error("only http(s) and relative links are allowed, not `{scheme}:`")]
    Scheme {
        /// The scheme as written.
        scheme: String,
    },
    /// `http:` or `https:` without `//host`.
    #[error("an http(s) link needs a host (`https://host/path`)")]
    NoHost,
}
