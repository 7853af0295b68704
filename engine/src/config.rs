//! The validated configuration: what to query, how to judge it, what depends on what.
//!
//! Operators write YAML (see `examples/config/`); [`Config::from_yaml`] turns it
//! into these domain types or into a [`ConfigError`] that lists *every* problem
//! with its line and column. The serde types that mirror the file live apart in
//! `wire`, so the rest of the engine never sees optional fields or raw strings
//! where a validated value belongs.

mod error;
mod fleet;
mod origin;
mod promql;
mod sources;
mod validate;
mod variables;
mod wire;
mod yaml;

pub use error::{ConfigError, ConfigIssue, LinkProblem, Problem};
pub use fleet::{Cluster, ClusterProblem, Clusters, MAX_CLUSTERS};
pub use origin::{OriginProblem, parse_origin};
pub use promql::check_promql;
pub use sources::{
    DEFAULT_SOURCE_NAME, MAX_PARAM_VALUE_CHARS, MAX_PARAMS, RESERVED_PARAMS, SourceProblem,
};
pub use validate::{MAX_GRAPHS_PER_VIEW, MAX_SERIES_PER_GRAPH};
pub use variables::VariableProblem;

use panopticon_core::Status;
use panopticon_core::prom::{AnswerLimits, BaseUrl, SourceKind};

use crate::alerts::matcher::Selector;
use crate::rule::Rule;

/// A whole, valid configuration. Only [`Config::from_yaml`] builds one, so an
/// `Engine` never has to cope with dangling dependency ids or cycles: this
/// and every part of it below are `#[non_exhaustive]`, which makes building
/// one outside this crate (by a struct literal, skipping validation) a
/// compile error, while its fields stay readable everywhere.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// The name the configuration was loaded from (for messages).
    pub source_name: String,
    /// The default data source (`datasources[0]`): the one every check and
    /// graph asks unless it names another, and whose `refresh_secs` drives
    /// the screen.
    pub datasource: DataSource,
    /// Every data source, the default first (`datasource:` alone gives one);
    /// a check's or graph's `source` indexes this list.
    pub datasources: Vec<DataSource>,
    /// Expected number of instances (nodes) when a service or check does not say.
    pub instances: u32,
    /// Seconds an instance that reported before and fell silent is still
    /// named and keeps its check at least `warning` (even when another
    /// instance took its place); after that it is forgotten as removed or
    /// renamed. Default [`DEFAULT_FORGET_SILENT_AFTER_SECS`].
    pub forget_silent_after_secs: f64,
    /// Transitions kept per service; older ones are dropped so a wall screen
    /// running for weeks does not grow without bound.
    pub history_limit: usize,
    /// The services, in file order (the UI keeps this order).
    pub services: Vec<Service>,
    /// Graph views; the first is the overview.
    pub views: Vec<View>,
    /// Where Alertmanager is read, if anywhere (`alertmanager:`); `None`:
    /// no Alertmanager request at all.
    pub alertmanager: Option<Alertmanager>,
    /// How alerts are read and judged (`alerts:`).
    pub alerts: AlertSettings,
    /// Host pages allowed to steer the dashboard and read its status through
    /// `postMessage` (`embedding:`).
    pub embedding: Embedding,
    /// Template variables (`variables:`), in file order; their `$name`s in
    /// the expressions stay unbound here until [`Config::bind`].
    pub variables: Vec<crate::variables::Variable>,
    /// The fleet (`clusters:`): when declared, the landing page is the
    /// fleet overview, one tile per cluster.
    pub clusters: Option<Clusters>,
    /// The cluster this configuration was made for by
    /// [`Config::for_cluster`], or the values [`Config::bind`] wrote in
    /// (`job=node&node=a`): what is kept per screen (its transitions) is
    /// kept apart for each. `None`: the configuration as loaded.
    pub cluster: Option<String>,
}

/// What `embedding:` says. Without it the `postMessage` bridge is off: a page
/// that frames the dashboard gets no status and gives no orders.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Embedding {
    /// Exact origins (`https://grafana.example.com`) in the browser's spelling.
    pub allowed_origins: Vec<String>,
}

/// How the browser reaches Alertmanager (read-only, through the shipped
/// nginx's allow-list).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Alertmanager {
    /// Base URL of its API, `/alertmanager` by default.
    pub base_url: BaseUrl,
    /// Per-request timeout in seconds (default 5): a slow Alertmanager is
    /// its own problem and must not hold back the first status long.
    pub timeout_secs: f64,
}

/// What `alerts:` says, with its defaults.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AlertSettings {
    /// Read Prometheus's alerting rules (`GET /api/v1/rules?type=alert`).
    /// Default: whenever a service declares `alerts:`.
    pub prometheus: bool,
    /// Severity label value -> the status a firing alert raises (`None`:
    /// listed, no status). Defaults `critical`, `warning`, `info`/`none`,
    /// overridden or extended by the file.
    pub severity: Vec<(String, Option<Status>)>,
    /// For any other severity, or none.
    pub default_severity: Option<Status>,
}

impl AlertSettings {
    /// The status a firing alert of `severity` raises (`None`: none).
    pub fn status_of(&self, severity: Option<&str>) -> Option<Status> {
        severity
            .and_then(|s| self.severity.iter().find(|(k, _)| k == s))
            .map_or(self.default_severity, |(_, status)| *status)
    }
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            prometheus: false,
            severity: vec![
                ("critical".to_owned(), Some(Status::Critical)),
                ("warning".to_owned(), Some(Status::Warning)),
                ("info".to_owned(), None),
                ("none".to_owned(), None),
            ],
            default_severity: Some(Status::Warning),
        }
    }
}

impl Config {
    /// Whether any alert source is read at all.
    pub fn reads_alerts(&self) -> bool {
        self.alerts.prometheus || self.alertmanager.is_some()
    }
}

impl Config {
    /// Parses and validates a configuration.
    ///
    /// `source_name` only labels messages (e.g. `panopticon.yaml`); the caller
    /// fetched `text` itself. YAML syntax and type errors stop at the first one
    /// (the parser cannot go on); semantic errors, unknown enum words
    /// (rule kinds, strengths, statuses, …, with a did-you-mean) and refused
    /// links are all collected. A file with no document is
    /// [`ConfigError::Empty`].
    pub fn from_yaml(source_name: &str, text: &str) -> Result<Config, ConfigError> {
        let wire = wire::parse(source_name, text)?;
        validate::validate(source_name, wire)
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The source `check` asks.
    pub fn source_of(&self, check: &Check) -> &DataSource {
        self.datasources
            .get(check.source)
            .unwrap_or(&self.datasource)
    }

    /// Whether more than one source is configured (the screen then names
    /// each; with one it looks as it always did).
    pub fn has_several_sources(&self) -> bool {
        self.datasources.len() > 1
    }
}

/// Ten minutes: long enough for a NOC to notice a node that vanished
/// (several refreshes, a coffee break), short enough that a node removed on
/// purpose or renamed stops warning by itself.
pub const DEFAULT_FORGET_SILENT_AFTER_SECS: f64 = 600.0;

/// The configuration file the app loads when the URL names none: next to `index.html`.
pub const DEFAULT_CONFIG_PATH: &str = "panopticon.yaml";

/// The configuration file to load for a `?config=` URL parameter.
///
/// Only relative paths on the dashboard's own origin are accepted: a URL
/// parameter that could point the dashboard at someone else's configuration
/// (and so at someone else's idea of "healthy") would let a crafted link lie
/// on a wall screen.
pub fn config_path(param: Option<&str>) -> Result<String, ConfigPathError> {
    let Some(p) = param.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(DEFAULT_CONFIG_PATH.to_owned());
    };
    let refuse = |why: PathRefusal| ConfigPathError {
        param: p.to_owned(),
        why,
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    if p.starts_with('/') || p.contains("//") || p.contains(':') || p.contains('\\') {
        return Err(refuse(PathRefusal::NotRelative));
    }
    if p.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(refuse(PathRefusal::DotSegment));
    }
    if !p.chars().all(allowed) {
        return Err(refuse(PathRefusal::Character));
    }
    let ext = std::path::Path::new(p).extension().and_then(|e| e.to_str());
    if !matches!(ext, Some(e) if e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")) {
        return Err(refuse(PathRefusal::Extension));
    }
    Ok(p.to_owned())
}

/// A `?config=` value the dashboard refuses to load, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config {param:?}: {why}")]
pub struct ConfigPathError {
    /// The parameter as given (trimmed).
    pub param: String,
    /// Why it is refused.
    pub why: PathRefusal,
}

/// The rule a refused `?config=` value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathRefusal {
    /// Absolute, protocol-relative or with a scheme: it could leave the site.
    #[error("only relative paths on this site are allowed (e.g. \"other.yaml\")")]
    NotRelative,
    /// `.` or `..` segments: they could climb out of the site's directory.
    #[error("\".\" and \"..\" path segments are not allowed")]
    DotSegment,
    /// Anything but letters, digits, `.`, `_`, `-` and `/` (no query, no escapes).
    #[error("only letters, digits, '.', '_', '-' and '/' are allowed")]
    Character,
    /// Not a `.yaml`/`.yml` file.
    #[error("must be a .yaml or .yml file")]
    Extension,
}

/// A link from the configuration that the UI may render as `href`: http(s)
/// or relative, checked by validation (see [`LinkProblem`]). Only
/// validation builds one, so the app cannot render an unchecked link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link(String);

impl Link {
    /// Checks `text` (trimmed) and keeps it if it is http(s) or relative.
    pub fn parse(text: &str) -> Result<Link, LinkProblem> {
        let t = text.trim();
        if t.is_empty() {
            return Err(LinkProblem::Empty);
        }
        if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(LinkProblem::Unprintable);
        }
        // A scheme is whatever precedes a ':' before the first '/', '?' or '#'
        // (URL standard); without one the link is relative.
        let head = t.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((scheme, _)) = head.split_once(':') {
            if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
                return Err(LinkProblem::Scheme {
                    scheme: scheme.to_owned(),
                });
            }
            let rest = &t[scheme.len() + 1..];
            let host = rest.strip_prefix("//").unwrap_or_default();
            if host.is_empty() || host.starts_with(['/', '?', '#']) {
                return Err(LinkProblem::NoHost);
            }
        }
        Ok(Link(t.to_owned()))
    }

    /// The link, for `href`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the browser reaches one Prometheus-compatible engine. The engine
/// only carries these values; the client crate acts on them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DataSource {
    /// The name checks and graphs use in `source:`, shown in reasons and in
    /// the source's state on screen ([`DEFAULT_SOURCE_NAME`] unless named).
    pub name: String,
    /// The engine behind it: decides which answers are partial.
    pub kind: SourceKind,
    /// Extra parameters added to every query (`partial_response=false`,
    /// `dedup=true`, `nocache=1`), sorted by name; never one the client sets.
    pub params: Vec<(String, String)>,
    /// Base URL of the Prometheus-compatible API, `/prometheus` by default
    /// (same-origin reverse proxy, so no CORS is needed).
    pub base_url: BaseUrl,
    /// Per-query timeout in seconds: a slow exporter query (gluster can take
    /// 30 s) must not stall the others.
    pub timeout_secs: f64,
    /// Seconds between refreshes.
    pub refresh_secs: f64,
    /// Queries sent at once; more would overload a small Prometheus.
    pub max_in_flight: u32,
    /// A sample older than this many seconds counts as stale, i.e. `unknown`.
    pub stale_after_secs: f64,
    /// Largest answer body accepted, in bytes: a bigger one is refused with
    /// a message before it is decoded (a wall screen runs for weeks; one
    /// 30 MB answer would grow its memory for good).
    pub max_answer_bytes: u64,
    /// Most series accepted in one answer, for the same reason.
    pub max_series: u32,
}

impl Default for DataSource {
    fn default() -> Self {
        DataSource {
            name: DEFAULT_SOURCE_NAME.to_owned(),
            kind: SourceKind::default(),
            params: Vec::new(),
            base_url: BaseUrl::default(),
            timeout_secs: 10.0,
            refresh_secs: 15.0,
            max_in_flight: 6,
            stale_after_secs: 300.0,
            // One source for the defaults: the decoder's own limits.
            max_answer_bytes: AnswerLimits::default().max_bytes,
            max_series: u32::try_from(AnswerLimits::default().max_series).unwrap_or(u32::MAX),
        }
    }
}

/// One component of the cluster, judged by its checks and its dependencies.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Service {
    /// Identifier used in dependencies and URLs.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the service does, for people new to the cluster.
    pub description: Option<String>,
    /// Team or person to call.
    pub owner: Option<String>,
    /// Where the runbook lives (http(s) or relative, checked).
    pub runbook: Option<Link>,
    /// Expected instance count N for this service's checks.
    pub instances: u32,
    /// The checks; the service's own status is the worst of them.
    pub checks: Vec<Check>,
    /// Services this one needs.
    pub depends_on: Vec<Dependency>,
    /// Its alerts: those any of these selectors matches (`alerts:`).
    pub alerts: Vec<Selector>,
}

/// An edge of the dependency graph: `service` is needed by the owner.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dependency {
    /// The id of the service depended on.
    pub service: String,
    /// How much of its trouble passes on.
    pub strength: Strength,
}

/// How a dependency's status passes on to its dependant (docs/semantics.md, "Dependencies").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strength {
    /// The dependant cannot work without it: its status passes on unchanged.
    Hard,
    /// The dependant degrades but keeps working: at most `warning` passes on.
    Soft,
}

impl Strength {
    /// What a dependency with status `status` passes on through this edge.
    pub fn pass(self, status: Status) -> Status {
        match self {
            Strength::Hard => status,
            Strength::Soft => status.capped_at(Status::Warning),
        }
    }

    /// The lower-case word used in config files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Strength::Hard => "hard",
            Strength::Soft => "soft",
        }
    }
}

/// One question asked of Prometheus about a service, and how to rate the answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Check {
    /// Identifier, unique within the service.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The instant `PromQL` expression (the numerator for ratio rules).
    pub query: String,
    /// The label that names the instance a series belongs to.
    pub instance_label: String,
    /// Optional reachability expression (e.g. `up{job="consul"}`): an instance
    /// where it is 0 is `unknown` ("exporter down") instead of silently missing.
    pub up: Option<String>,
    /// Expected instance count N for this check.
    pub instances: u32,
    /// How one instance's samples are rated.
    pub rule: Rule,
    /// How the per-instance ratings combine.
    pub aggregation: Aggregation,
    /// Consecutive evaluations a changed status must hold before it shows
    /// (Prometheus's `for:`); 0 and 1 both mean "at once".
    pub hold: u32,
    /// Optional sentence template for a non-healthy instance. `{instance}`,
    /// `{value}`, `{status}` and `{<label>}` are replaced.
    pub message: Option<String>,
    /// The source it asks: an index into [`Config::datasources`] (its own
    /// `source:`, else its service's, else the default, 0).
    pub source: usize,
}

/// How per-instance ratings become one check status (docs/semantics.md, "Aggregation").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// The counter rule of docs/semantics.md with its gaps defined; see
    /// [`crate::aggregate::quorum`].
    Quorum,
    /// The worst instance decides: any critical instance makes the check critical.
    Worst,
}

/// A page of graphs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct View {
    /// Identifier (for URLs).
    pub id: String,
    /// Display name.
    pub name: String,
    /// At most [`MAX_GRAPHS_PER_VIEW`] graphs.
    pub graphs: Vec<Graph>,
}

/// One chart of a view.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Graph {
    /// Title above the chart.
    pub title: String,
    /// Range queries, each giving one or more series.
    pub queries: Vec<String>,
    /// Unit for the axis (`%`, `bytes`, `s`, …).
    pub unit: Option<String>,
    /// Horizontal lines, e.g. warning and critical levels.
    pub thresholds: Vec<GraphThreshold>,
    /// The chart shows at most this many series (≤ [`MAX_SERIES_PER_GRAPH`]);
    /// the UI drops the rest and says so.
    pub max_series: usize,
    /// How far back the chart reaches, in seconds.
    pub range_secs: f64,
    /// The source it asks: an index into [`Config::datasources`].
    pub source: usize,
}

/// A horizontal line on a graph.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct GraphThreshold {
    /// Where the line is drawn.
    pub value: f64,
    /// Its colour and label.
    pub status: Status,
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn config_path_accepts_only_same_origin_relative_yaml() {
        let check = |param: Option<&str>, expect: Result<&str, &str>| {
            let got = config_path(param);
            match expect {
                Ok(p) => assert_eq!(got.as_deref(), Ok(p), "{param:?}"),
                Err(fragment) => {
                    let e = got.expect_err(&format!("{param:?} must be refused"));
                    assert!(e.to_string().contains(fragment), "{param:?}: {e}");
                }
            }
        };
        check(None, Ok("panopticon.yaml"));
        check(Some(""), Ok("panopticon.yaml"));
        check(
            Some("examples/app-stack.yaml"),
            Ok("examples/app-stack.yaml"),
        );
        check(Some("team_a.yml"), Ok("team_a.yml"));
        check(
            Some("https://evil.example/x.yaml"),
            Err("only relative paths"),
        );
        check(Some("//evil.example/x.yaml"), Err("only relative paths"));
        check(Some("/etc/x.yaml"), Err("only relative paths"));
        check(Some("../x.yaml"), Err("path segments"));
        check(Some("a/./x.yaml"), Err("path segments"));
        check(Some("x.yaml?y=1"), Err("only letters"));
        check(Some("x.json"), Err(".yaml or .yml"));
        check(Some("javascript:alert(1)"), Err("only relative paths"));
    }
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn links_are_http_or_relative() {
        let check = |text: &str, expect: Result<&str, LinkProblem>| {
            assert_eq!(
                Link::parse(text)
                    .as_ref()
                    .map(Link::as_str)
                    .map_err(Clone::clone),
                expect,
                "{text:?}"
            );
        };
        let scheme = |s: &str| {
            Err(LinkProblem::Scheme {
                scheme: s.to_owned(),
            })
        };
        check(
            "https://runbooks.example.org/a",
            Ok("https://runbooks.example.org/a"),
        );
        check(" HTTP://host ", Ok("HTTP://host"));
        check("docs/runbook.html#consul", Ok("docs/runbook.html#consul"));
        check("/wiki/a:b", Ok("/wiki/a:b"));
        check("?q=a:b", Ok("?q=a:b"));
        check("javascript:alert(1)", scheme("javascript"));
        check("JavaScript:alert(1)", scheme("JavaScript"));
        check("data:text/html,<script>", scheme("data"));
        check("vbscript:x", scheme("vbscript"));
        check("java\tscript:alert(1)", Err(LinkProblem::Unprintable));
        check("java\u{0}script:alert(1)", Err(LinkProblem::Unprintable));
        check("https:/host", Err(LinkProblem::NoHost));
        check("https://", Err(LinkProblem::NoHost));
        check("  ", Err(LinkProblem::Empty));
    }
}
