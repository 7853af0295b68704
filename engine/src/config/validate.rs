//! From the file's shape to a configuration that makes sense.
//!
//! Every check runs and every problem is collected, so an operator fixes a
//! config in one round instead of one error per reload.

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::BaseUrl;
use panopticon_core::sorting;

use super::error::{ConfigError, ConfigIssue, Problem};
use super::promql::check_promql;
use super::wire::{WireAlerts, WireConfig, WireCount, WireGraph, WireRule, WireService, WireView};
use super::yaml::{Location, Spanned, Word};
use super::{
    Aggregation, AlertSettings, Alertmanager, Check, Config, DEFAULT_FORGET_SILENT_AFTER_SECS,
    Dependency, Embedding, Graph, GraphThreshold, Link, Service, Strength, View, parse_origin,
};
use crate::alerts::matcher::Selector;
use crate::rule::{Direction, ExpectCount, Expectation, LabelState, Rule, Threshold};

/// More graphs than this do not fit one readable screen (docs/semantics.md, "The screen").
pub const MAX_GRAPHS_PER_VIEW: usize = 6;
/// More series than this make a graph unreadable (docs/semantics.md, "The screen").
pub const MAX_SERIES_PER_GRAPH: usize = 6;
/// Transitions kept per service unless the config says otherwise.
const DEFAULT_HISTORY: usize = 100;
/// Default graph range: one hour.
const DEFAULT_RANGE_SECS: f64 = 3600.0;

/// The rule kinds, as written in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleKind {
    Threshold,
    Equals,
    Quorum,
    Peers,
    Ratio,
    LabelState,
}

/// The words each enum field takes, in the order messages list them.
const RULE_KINDS: &[(&str, RuleKind)] = &[
    ("threshold", RuleKind::Threshold),
    ("equals", RuleKind::Equals),
    ("quorum", RuleKind::Quorum),
    ("peers", RuleKind::Peers),
    ("ratio", RuleKind::Ratio),
    ("label_state", RuleKind::LabelState),
];
const STRENGTHS: &[(&str, Strength)] = &[("hard", Strength::Hard), ("soft", Strength::Soft)];
const AGGREGATIONS: &[(&str, Aggregation)] = &[
    ("quorum", Aggregation::Quorum),
    ("worst", Aggregation::Worst),
];
const DIRECTIONS: &[(&str, Direction)] =
    &[("above", Direction::Above), ("below", Direction::Below)];
/// What an alert's severity can raise: a status, or none (listed only).
const SEVERITY_TARGETS: &[(&str, Option<Status>)] = &[
    ("critical", Some(Status::Critical)),
    ("warning", Some(Status::Warning)),
    ("none", None),
];
/// Alertmanager's API behind the shipped nginx.
const DEFAULT_ALERTMANAGER_URL: &str = "/alertmanager";
/// Seconds an Alertmanager request may take.
const DEFAULT_ALERTMANAGER_TIMEOUT_SECS: f64 = 5.0;
const STATUSES: &[(&str, Status)] = &[
    ("healthy", Status::Healthy),
    ("unknown", Status::Unknown),
    ("warning", Status::Warning),
    ("critical", Status::Critical),
];

const fn kind_name(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Threshold => "threshold",
        RuleKind::Equals => "equals",
        RuleKind::Quorum => "quorum",
        RuleKind::Peers => "peers",
        RuleKind::Ratio => "ratio",
        RuleKind::LabelState => "label_state",
    }
}

/// Collected problems, with positions.
#[derive(Default)]
pub(super) struct Issues(Vec<ConfigIssue>);

impl Issues {
    pub(super) fn push(&mut self, loc: &Location, problem: Problem) {
        self.0.push(ConfigIssue {
            line: loc.line(),
            column: loc.column(),
            problem,
        });
    }

    fn promql(&mut self, expr: &Spanned<String>) {
        if let Err(problem) = check_promql(&expr.value) {
            self.push(
                &expr.referenced,
                Problem::Promql {
                    expr: expr.value.clone(),
                    problem,
                },
            );
        }
    }

    pub(super) fn positive(
        &mut self,
        field: &'static str,
        value: Option<&Spanned<f64>>,
        default: f64,
    ) -> f64 {
        match value {
            None => default,
            Some(v) if v.value.is_finite() && v.value > 0.0 => v.value,
            Some(v) => {
                self.push(
                    &v.referenced,
                    Problem::OutOfRange {
                        field,
                        expected: "a positive number",
                        got: v.value.to_string(),
                    },
                );
                default
            }
        }
    }

    pub(super) fn count(
        &mut self,
        field: &'static str,
        value: Option<&Spanned<u32>>,
        default: u32,
    ) -> u32 {
        match value {
            None => default,
            Some(v) if v.value >= 1 => v.value,
            Some(v) => {
                self.push(
                    &v.referenced,
                    Problem::OutOfRange {
                        field,
                        expected: "at least 1",
                        got: v.value.to_string(),
                    },
                );
                default
            }
        }
    }

    /// The value `word` names in `table`, or a problem with the closest
    /// word when it names none.
    pub(super) fn word<T: Copy>(
        &mut self,
        word: &Spanned<Word>,
        table: &[(&'static str, T)],
    ) -> Option<T> {
        let got = word.value.0.as_str();
        if let Some(&(_, value)) = table.iter().find(|(w, _)| *w == got) {
            return Some(value);
        }
        let expected: Vec<&'static str> = table.iter().map(|&(w, _)| w).collect();
        let suggestion = closest(got, expected.iter().copied())
            .and_then(|s| expected.iter().copied().find(|w| *w == s));
        self.push(
            &word.referenced,
            Problem::UnknownWord {
                got: got.to_owned(),
                expected,
                suggestion,
            },
        );
        None
    }

    /// An optional status word; `default` when absent or unknown.
    fn status(&mut self, word: Option<&Spanned<Word>>, default: Status) -> Status {
        word.and_then(|w| self.word(w, STATUSES)).unwrap_or(default)
    }

    /// A link the UI renders; `None` (and a problem) unless http(s) or relative.
    pub(super) fn link(&mut self, field: &'static str, link: &Spanned<String>) -> Option<Link> {
        Link::parse(&link.value)
            .map_err(|problem| {
                self.push(
                    &link.referenced,
                    Problem::Link {
                        field,
                        link: link.value.clone(),
                        problem,
                    },
                );
            })
            .ok()
    }

    fn id(&mut self, what: &'static str, id: &Spanned<String>, seen: &mut HashMap<String, u64>) {
        let ok = !id.value.is_empty()
            && id
                .value
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !ok {
            self.push(
                &id.referenced,
                Problem::BadId {
                    what,
                    id: id.value.clone(),
                },
            );
        }
        if let Some(&first_line) = seen.get(&id.value) {
            self.push(
                &id.referenced,
                Problem::Duplicate {
                    what,
                    id: id.value.clone(),
                    first_line,
                },
            );
        } else {
            seen.insert(id.value.clone(), id.referenced.line());
        }
    }
}

pub(super) fn validate(source_name: &str, wire: WireConfig) -> Result<Config, ConfigError> {
    let mut issues = Issues::default();
    let datasources = super::sources::datasources(&mut issues, &wire);
    let instances = issues.count("instances", wire.instances.as_ref(), 1);
    let history_limit = match &wire.history {
        None => DEFAULT_HISTORY,
        Some(h) if h.value >= 1 => h.value,
        Some(h) => {
            issues.push(
                &h.referenced,
                Problem::OutOfRange {
                    field: "history",
                    expected: "at least 1",
                    got: h.value.to_string(),
                },
            );
            DEFAULT_HISTORY
        }
    };
    let forget_silent_after_secs = issues.positive(
        "forget_silent_after_secs",
        wire.forget_silent_after_secs.as_ref(),
        DEFAULT_FORGET_SILENT_AFTER_SECS,
    );
    if wire.services.value.is_empty() {
        issues.push(
            &wire.services.referenced,
            Problem::OutOfRange {
                field: "services",
                expected: "a list of at least one service",
                got: "an empty list".to_owned(),
            },
        );
    }
    let mut seen = HashMap::new();
    for s in &wire.services.value {
        issues.id("service", &s.id, &mut seen);
    }
    let mut services: Vec<Service> = wire
        .services
        .value
        .iter()
        .map(|s| service(&mut issues, s, instances))
        .collect();
    dependencies(&mut issues, &wire.services.value);
    let mut seen = HashMap::new();
    let mut views: Vec<View> = wire
        .views
        .iter()
        .map(|v| {
            issues.id("view", &v.id, &mut seen);
            view(&mut issues, v)
        })
        .collect();
    let alertmanager = alertmanager(&mut issues, &wire);
    let declares_alerts = services.iter().any(|s| !s.alerts.is_empty());
    let alerts = alert_settings(&mut issues, wire.alerts.as_ref(), declares_alerts);
    if declares_alerts && !alerts.prometheus && alertmanager.is_none() {
        let at = wire
            .alerts
            .as_ref()
            .and_then(|a| a.prometheus.as_ref())
            .map_or(wire.services.referenced, |p| p.referenced);
        issues.push(&at, Problem::NoAlertSource);
    }
    let embedding = embedding(&mut issues, &wire);
    let (variables, found) = super::variables::validate(&wire);
    issues.0.extend(found);
    let clusters = super::fleet::validate(&mut issues, &wire, &datasources, &variables);
    super::sources::assign(
        &mut issues,
        &datasources,
        &wire.services.value,
        &mut services,
        &wire.views,
        &mut views,
    );
    if issues.0.is_empty() {
        Ok(Config {
            embedding,
            variables,
            clusters,
            cluster: None,
            alertmanager,
            alerts,
            source_name: source_name.to_owned(),
            datasource: datasources[0].clone(),
            datasources,
            instances,
            forget_silent_after_secs,
            history_limit,
            services,
            views,
        })
    } else {
        sorting::sort_by_key(&mut issues.0, |i| (i.line, i.column));
        Err(ConfigError::Invalid {
            source_name: source_name.to_owned(),
            issues: issues.0,
        })
    }
}

fn embedding(issues: &mut Issues, wire: &WireConfig) -> Embedding {
    let Some(w) = &wire.embedding else {
        return Embedding::default();
    };
    let mut allowed_origins = Vec::new();
    for entry in &w.allowed_origins {
        match parse_origin(&entry.value) {
            Ok(origin) if !allowed_origins.contains(&origin) => allowed_origins.push(origin),
            Ok(_) => {}
            Err(problem) => issues.push(
                &entry.referenced,
                Problem::Origin {
                    origin: entry.value.chars().take(200).collect(),
                    problem,
                },
            ),
        }
    }
    Embedding { allowed_origins }
}

fn alertmanager(issues: &mut Issues, wire: &WireConfig) -> Option<Alertmanager> {
    let w = &wire.alertmanager.as_ref()?.value;
    let default_url = || BaseUrl::parse(DEFAULT_ALERTMANAGER_URL).unwrap_or_default();
    let base_url = match &w.base_url {
        None => default_url(),
        Some(u) => match issues.link("alertmanager.base_url", u) {
            Some(link) if !link.as_str().is_empty() => match BaseUrl::parse(link.as_str()) {
                Ok(base) => base,
                Err(problem) => {
                    issues.push(&u.referenced, Problem::BaseUrl { problem });
                    default_url()
                }
            },
            _ => default_url(),
        },
    };
    Some(Alertmanager {
        base_url,
        timeout_secs: issues.positive(
            "alertmanager.timeout_secs",
            w.timeout_secs.as_ref(),
            DEFAULT_ALERTMANAGER_TIMEOUT_SECS,
        ),
    })
}

fn alert_settings(
    issues: &mut Issues,
    wire: Option<&WireAlerts>,
    declares_alerts: bool,
) -> AlertSettings {
    let mut settings = AlertSettings {
        prometheus: declares_alerts,
        ..AlertSettings::default()
    };
    let Some(w) = wire else {
        return settings;
    };
    if let Some(p) = &w.prometheus {
        settings.prometheus = p.value;
    }
    for (value, target) in w.severity.iter().flatten() {
        if let Some(status) = issues.word(target, SEVERITY_TARGETS) {
            match settings.severity.iter_mut().find(|(k, _)| k == value) {
                Some(entry) => entry.1 = status,
                None => settings.severity.push((value.clone(), status)),
            }
        }
    }
    if let Some(d) = &w.default_severity
        && let Some(status) = issues.word(d, SEVERITY_TARGETS)
    {
        settings.default_severity = status;
    }
    settings
}

fn service(issues: &mut Issues, s: &WireService, global_n: u32) -> Service {
    let n = issues.count("instances", s.instances.as_ref(), global_n);
    if let Some(up) = &s.up {
        issues.promql(up);
    }
    let alerts: Vec<Selector> = s
        .alerts
        .iter()
        .flatten()
        .filter_map(|m| {
            Selector::parse(&m.value)
                .map_err(|problem| {
                    issues.push(
                        &m.referenced,
                        Problem::Matcher {
                            matcher: m.value.clone(),
                            problem,
                        },
                    );
                })
                .ok()
        })
        .collect();
    let declares_alerts = s.alerts.as_ref().is_some_and(|a| !a.is_empty());
    if s.checks.is_empty() && s.depends_on.is_empty() && !declares_alerts {
        issues.push(
            &s.id.referenced,
            Problem::Unjudged {
                id: s.id.value.clone(),
            },
        );
    }
    let mut seen = HashMap::new();
    let checks = s
        .checks
        .iter()
        .map(|c| {
            issues.id("check", &c.id, &mut seen);
            issues.promql(&c.query);
            // `up: none` switches the service's reachability query off for one
            // check (e.g. a check that rates `up` itself).
            let up = match &c.up {
                Some(u) if u.value.trim() == "none" => None,
                Some(u) => {
                    issues.promql(u);
                    Some(u)
                }
                None => s.up.as_ref(),
            };
            Check {
                id: c.id.value.clone(),
                name: c.name.clone().unwrap_or_else(|| c.id.value.clone()),
                query: c.query.value.trim().to_owned(),
                instance_label: c
                    .instance_label
                    .clone()
                    .unwrap_or_else(|| "instance".to_owned()),
                up: up.map(|u| u.value.trim().to_owned()),
                instances: issues.count("instances", c.instances.as_ref(), n),
                rule: rule(issues, &c.rule),
                aggregation: c
                    .aggregate
                    .as_ref()
                    .and_then(|a| issues.word(a, AGGREGATIONS))
                    .unwrap_or(Aggregation::Worst),
                hold: c.hold.unwrap_or(0),
                message: c.message.clone(),
                source: 0,
            }
        })
        .collect();
    Service {
        id: s.id.value.clone(),
        name: s.name.clone().unwrap_or_else(|| s.id.value.clone()),
        description: s.description.clone(),
        owner: s.owner.clone(),
        runbook: s.runbook.as_ref().and_then(|r| issues.link("runbook", r)),
        instances: n,
        checks,
        depends_on: s
            .depends_on
            .iter()
            .map(|d| Dependency {
                service: d.service.value.clone(),
                strength: issues
                    .word(&d.strength, STRENGTHS)
                    .unwrap_or(Strength::Hard),
            })
            .collect(),
        alerts,
    }
}

fn rule(issues: &mut Issues, spanned: &Spanned<WireRule>) -> Rule {
    let r = &spanned.value;
    let loc = &spanned.referenced;
    // An unknown kind is reported once; which fields it would take is unknowable.
    let Some(rule_kind) = issues.word(&r.kind, RULE_KINDS) else {
        return Rule::Quorum;
    };
    let direction = r
        .direction
        .as_ref()
        .and_then(|d| issues.word(d, DIRECTIONS));
    let otherwise = issues.status(r.otherwise.as_ref(), Status::Critical);
    let unlisted = issues.status(r.unlisted.as_ref(), Status::Warning);
    let states: Vec<(String, Status)> = r
        .states
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), issues.status(Some(v), Status::Unknown)))
        .collect();
    let shortfall = r
        .expect
        .as_ref()
        .map(|e| issues.status(e.shortfall.as_ref(), Status::Critical));
    let kind = kind_name(rule_kind);
    let mut complain = |message: String| issues.push(loc, Problem::Rule { kind, message });
    // Which parameters each kind takes; anything else set is a mistake.
    let set: [(&str, bool); 10] = [
        ("direction", r.direction.is_some()),
        ("warning", r.warning.is_some()),
        ("critical", r.critical.is_some()),
        ("expected", r.expected.is_some()),
        ("otherwise", r.otherwise.is_some()),
        ("denominator", r.denominator.is_some()),
        ("label", r.label.is_some()),
        ("states", r.states.is_some()),
        ("unlisted", r.unlisted.is_some()),
        ("expect", r.expect.is_some()),
    ];
    let allowed: &[&str] = match rule_kind {
        RuleKind::Threshold => &["direction", "warning", "critical"],
        RuleKind::Ratio => &["direction", "warning", "critical", "denominator"],
        RuleKind::Equals => &["expected", "otherwise"],
        RuleKind::Quorum | RuleKind::Peers => &[],
        RuleKind::LabelState => &["label", "states", "unlisted", "expect"],
    };
    for (field, present) in set {
        if present && !allowed.contains(&field) {
            complain(format!("field `{field}` does not apply to this rule"));
        }
    }
    match rule_kind {
        RuleKind::Threshold => Rule::Threshold(threshold(r, direction, &mut complain)),
        RuleKind::Ratio => {
            let t = threshold(r, direction, &mut complain);
            let denominator = if let Some(d) = &r.denominator {
                issues.promql(d);
                d.value.trim().to_owned()
            } else {
                issues.push(
                    loc,
                    Problem::Rule {
                        kind,
                        message: "needs `denominator`, the expression to divide by".to_owned(),
                    },
                );
                String::new()
            };
            Rule::Ratio {
                denominator,
                threshold: t,
            }
        }
        RuleKind::Equals => {
            let expected = r.expected.unwrap_or_else(|| {
                complain("needs `expected`, the good value (e.g. 1)".to_owned());
                1.0
            });
            if expected.is_nan() {
                complain("`expected` cannot be NaN".to_owned());
            }
            Rule::Equals {
                expected,
                otherwise,
            }
        }
        RuleKind::Quorum => Rule::Quorum,
        RuleKind::Peers => Rule::Peers,
        RuleKind::LabelState => Rule::LabelState(label_state(
            r,
            LabelStatuses {
                states,
                unlisted,
                shortfall,
            },
            &mut complain,
        )),
    }
}

/// The statuses of a `label_state` rule, read (and checked) before the rule.
struct LabelStatuses {
    states: Vec<(String, Status)>,
    unlisted: Status,
    shortfall: Option<Status>,
}

/// `direction` is the word read from `r`, `None` when absent or unknown
/// (an unknown word is already reported).
fn threshold(
    r: &WireRule,
    direction: Option<Direction>,
    complain: &mut impl FnMut(String),
) -> Threshold {
    let direction = match direction {
        Some(d) => d,
        None if r.direction.is_some() => Direction::Above,
        None => {
            complain(
                "needs `direction: above` (more is worse) or `direction: below` (less is worse)"
                    .to_owned(),
            );
            Direction::Above
        }
    };
    if r.warning.is_none() && r.critical.is_none() {
        complain("needs `warning`, `critical` or both".to_owned());
    }
    for (name, level) in [("warning", r.warning), ("critical", r.critical)] {
        if level.is_some_and(f64::is_nan) {
            complain(format!("`{name}` cannot be NaN"));
        }
    }
    Threshold {
        direction,
        warning: r.warning,
        critical: r.critical,
    }
}

fn label_state(
    r: &WireRule,
    statuses: LabelStatuses,
    complain: &mut impl FnMut(String),
) -> LabelState {
    let LabelStatuses {
        states,
        unlisted,
        shortfall,
    } = statuses;
    let label = r.label.clone().unwrap_or_else(|| {
        complain("needs `label`, the label that holds the state".to_owned());
        String::new()
    });
    if states.is_empty() && r.expect.is_none() {
        complain("needs `states` (state: status) or `expect`".to_owned());
    }
    let expect = r.expect.as_ref().map(|e| Expectation {
        state: e.state.clone(),
        count: match &e.count {
            WireCount::Number(n) if n.is_finite() && *n >= 0.0 => ExpectCount::Exactly(*n),
            WireCount::Word(w) if w == "peers" => ExpectCount::Peers,
            WireCount::Word(w) if w == "all" => ExpectCount::All,
            other => {
                complain(format!(
                    "`expect.count` must be `peers` (N−1), `all` (N) or a number ≥ 0, got {other:?}"
                ));
                ExpectCount::All
            }
        },
        shortfall: shortfall.unwrap_or(Status::Critical),
    });
    LabelState {
        label,
        states,
        unlisted,
        expect,
    }
}

/// Threshold order is checked here, with the rule's position, because only
/// here both levels and the direction are known together.
fn threshold_order(issues: &mut Issues, services: &[WireService]) {
    for s in services {
        for c in &s.checks {
            let r = &c.rule.value;
            let dir = r.direction.as_ref().and_then(|d| {
                DIRECTIONS
                    .iter()
                    .find(|(w, _)| *w == d.value.0)
                    .map(|&(_, dir)| dir)
            });
            let (Some(dir), Some(warning), Some(critical)) = (dir, r.warning, r.critical) else {
                continue;
            };
            let (ok, direction, relation) = match dir {
                Direction::Above => (warning < critical, "above", "<"),
                Direction::Below => (warning > critical, "below", ">"),
            };
            if !ok && !warning.is_nan() && !critical.is_nan() {
                issues.push(
                    &c.rule.referenced,
                    Problem::ThresholdOrder {
                        direction,
                        relation,
                        warning,
                        critical,
                    },
                );
            }
        }
    }
}

fn dependencies(issues: &mut Issues, services: &[WireService]) {
    threshold_order(issues, services);
    let index: HashMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.value.as_str(), i))
        .collect();
    // Resolved edges, with the position of the dependency entry.
    let mut edges: Vec<Vec<(usize, &Location)>> = vec![Vec::new(); services.len()];
    for (i, s) in services.iter().enumerate() {
        for d in &s.depends_on {
            let to = d.service.value.as_str();
            match index.get(to) {
                Some(&j) => edges[i].push((j, &d.service.referenced)),
                None => issues.push(
                    &d.service.referenced,
                    Problem::UnknownService {
                        from: s.id.value.clone(),
                        to: to.to_owned(),
                        suggestion: closest(to, services.iter().map(|s| s.id.value.as_str())),
                    },
                ),
            }
        }
    }
    // Depth-first search; an edge to a service still on the path closes a cycle.
    let mut marks = vec![Mark::New; services.len()];
    let mut cycles = Vec::new();
    for i in 0..services.len() {
        if marks[i] == Mark::New {
            visit(i, &edges, &mut marks, &mut Vec::new(), &mut cycles);
        }
    }
    for (cycle, loc) in cycles {
        issues.push(
            &loc,
            Problem::Cycle {
                path: cycle
                    .iter()
                    .map(|&i| services[i].id.value.clone())
                    .collect(),
            },
        );
    }
}

/// The known id closest to a misspelt one, if it is plausibly a typo.
pub(super) fn closest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    known
        .map(|k| (strsim::levenshtein(wanted, k), k))
        .filter(|&(d, k)| d <= 2 && d < wanted.len().max(k.len()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k.to_owned())
}

fn view(issues: &mut Issues, v: &WireView) -> View {
    let count = v.graphs.value.len();
    if count > MAX_GRAPHS_PER_VIEW {
        issues.push(
            &v.graphs.referenced,
            Problem::TooManyGraphs {
                view: v.id.value.clone(),
                count,
                max: MAX_GRAPHS_PER_VIEW,
            },
        );
    }
    View {
        id: v.id.value.clone(),
        name: v.name.clone().unwrap_or_else(|| v.id.value.clone()),
        graphs: v.graphs.value.iter().map(|g| graph(issues, g)).collect(),
    }
}

fn graph(issues: &mut Issues, g: &WireGraph) -> Graph {
    let exprs: Vec<&Spanned<String>> = g.query.iter().chain(g.queries.iter()).collect();
    if exprs.is_empty() {
        issues.push(
            &g.title.referenced,
            Problem::OutOfRange {
                field: "query",
                expected: "set (or `queries` with at least one expression)",
                got: "nothing".to_owned(),
            },
        );
    }
    for e in &exprs {
        issues.promql(e);
    }
    if exprs.len() > MAX_SERIES_PER_GRAPH {
        issues.push(
            &exprs[MAX_SERIES_PER_GRAPH].referenced,
            Problem::TooManySeries {
                graph: g.title.value.clone(),
                count: exprs.len(),
                max: MAX_SERIES_PER_GRAPH,
            },
        );
    }
    let max_series = match &g.max_series {
        None => MAX_SERIES_PER_GRAPH,
        Some(m) if m.value > MAX_SERIES_PER_GRAPH => {
            issues.push(
                &m.referenced,
                Problem::TooManySeries {
                    graph: g.title.value.clone(),
                    count: m.value,
                    max: MAX_SERIES_PER_GRAPH,
                },
            );
            MAX_SERIES_PER_GRAPH
        }
        Some(m) if m.value == 0 => {
            issues.push(
                &m.referenced,
                Problem::OutOfRange {
                    field: "max_series",
                    expected: "at least 1",
                    got: "0".to_owned(),
                },
            );
            MAX_SERIES_PER_GRAPH
        }
        Some(m) => m.value,
    };
    Graph {
        title: g.title.value.clone(),
        queries: exprs.iter().map(|e| e.value.trim().to_owned()).collect(),
        unit: g.unit.clone(),
        thresholds: g
            .thresholds
            .iter()
            .map(|t| GraphThreshold {
                value: t.value,
                status: issues.word(&t.status, STATUSES).unwrap_or(Status::Unknown),
            })
            .collect(),
        max_series,
        range_secs: issues.positive("range_secs", g.range_secs.as_ref(), DEFAULT_RANGE_SECS),
        source: 0,
    }
}

/// Depth-first search state of a service.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    OnPath,
    Done,
}
/// Visits `i`; an edge to a service still on the path closes a cycle.
fn visit(
    i: usize,
    edges: &[Vec<(usize, &Location)>],
    marks: &mut [Mark],
    path: &mut Vec<usize>,
    cycles: &mut Vec<(Vec<usize>, Location)>,
) {
    marks[i] = Mark::OnPath;
    path.push(i);
    for &(j, loc) in &edges[i] {
        match marks[j] {
            Mark::New => visit(j, edges, marks, path, cycles),
            Mark::OnPath => {
                let start = path.iter().position(|&p| p == j).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(j);
                cycles.push((cycle, *loc));
            }
            Mark::Done => {}
        }
    }
    path.pop();
    marks[i] = Mark::Done;
}
