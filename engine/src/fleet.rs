//! The fleet overview: many clusters watched by one configuration
//! (`clusters:`), each the same configuration seen through its own default
//! source and/or its own variable values ([`Config::for_cluster`]), each
//! judged by its own [`crate::Monitor`], and the page's one tile per
//! cluster ([`summarize`]).
//!
//! A tile is never greener than its cluster's screen: it takes the status
//! the cluster's banner shows and raises it to at least `unknown` while a
//! source of the cluster cannot be reached, answers partially or has not
//! answered yet, saying why.

use std::collections::BTreeMap;

use panopticon_core::Status;
use panopticon_core::sorting;

use crate::config::{Cluster, Clusters, Config, MAX_CLUSTERS};
use crate::monitor::{SourceHealth, SourceState};
use crate::snapshot::{Reason, StatusCounts, Summary};
use crate::variables::{BindError, Bindings, Refusal};
use crate::{OnScreen, SourceAlert};

/// At most this many reasons on a tile (the rest counted): a tile is a
/// glance, the cluster's own dashboard has them all.
pub const TILE_REASONS: usize = 2;

/// Why a cluster's configuration cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// One of the cluster's values is not (or not yet) offered.
    #[error("{0}")]
    Refused(Refusal),
    /// A variable has no value at all (a label-values answer is missing).
    #[error("variable {0:?} has no value")]
    Unbound(String),
    /// The values could not be written into the expressions.
    #[error("{0}")]
    Bind(BindError),
}

impl Config {
    /// The clusters of the fleet, in the file's order (or the variable's
    /// values' order), at most [`MAX_CLUSTERS`]; empty without `clusters:`.
    /// `answers` holds the label-values answers by variable (a fleet by a
    /// label-values variable has no cluster until it is answered).
    pub fn cluster_list(&self, answers: &BTreeMap<String, Vec<String>>) -> Vec<Cluster> {
        match &self.clusters {
            None => Vec::new(),
            Some(Clusters::Listed(list)) => list.iter().take(MAX_CLUSTERS).cloned().collect(),
            Some(Clusters::ByVariable(name)) => self
                .variables
                .iter()
                .find(|v| &v.name == name)
                .and_then(|v| v.offered(answers.get(name).map(Vec::as_slice)))
                .unwrap_or_default()
                .iter()
                .take(MAX_CLUSTERS)
                .map(|value| Cluster::of_value(name, value))
                .collect(),
        }
    }

    /// This configuration as `cluster` sees it: every variable bound (the
    /// cluster's values, the others their defaults) and, when the cluster
    /// names a source, that source as the default, so every check and
    /// graph that asked the default asks it (its answers decide an outage,
    /// its alerting rules are read). A check that named the default source
    /// explicitly follows too: after validation its index says only "the
    /// default". The refresh interval stays the configuration's. The result
    /// has no variables and no clusters left: it is one cluster's screen.
    pub fn for_cluster(
        &self,
        cluster: &Cluster,
        answers: &BTreeMap<String, Vec<String>>,
    ) -> Result<Config, ClusterError> {
        let choice = Bindings::choose(&self.variables, &cluster.vars, answers);
        if let Some(refusal) = choice.refused.into_iter().next() {
            return Err(ClusterError::Refused(refusal));
        }
        if let Some(name) = choice.unbound.into_iter().next() {
            return Err(ClusterError::Unbound(name));
        }
        let mut out = self.bind(&choice.bindings).map_err(ClusterError::Bind)?;
        out.variables.clear();
        out.clusters = None;
        out.cluster = Some(cluster.name.clone());
        if let Some(source) = cluster
            .source
            .filter(|&s| s != 0 && s < out.datasources.len())
        {
            with_default_source(&mut out, source);
        }
        Ok(out)
    }
}

/// Makes `source` the default: what asked the old default asks it, so the
/// old default is dropped, as is any source nothing asks any more; indices
/// are renumbered.
fn with_default_source(config: &mut Config, source: usize) {
    let refresh_secs = config.datasource.refresh_secs;
    // Old index -> the index it had before the old default is dropped.
    let moved = |i: usize| if i == 0 { source } else { i };
    let mut used = vec![false; config.datasources.len()];
    let asked = config
        .services
        .iter()
        .flat_map(|s| s.checks.iter().map(|c| c.source))
        .chain(
            config
                .views
                .iter()
                .flat_map(|v| v.graphs.iter().map(|g| g.source)),
        );
    for i in std::iter::once(source).chain(asked.map(moved)) {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    // The new order: the cluster's source first, then the others in file order.
    let order: Vec<usize> = std::iter::once(source)
        .chain((0..config.datasources.len()).filter(|&i| i != source && used[i]))
        .collect();
    let new_index = |old: usize| {
        let m = moved(old);
        order.iter().position(|&i| i == m).unwrap_or(0)
    };
    for s in &mut config.services {
        for c in &mut s.checks {
            c.source = new_index(c.source);
        }
    }
    for v in &mut config.views {
        for g in &mut v.graphs {
            g.source = new_index(g.source);
        }
    }
    config.datasources = order
        .iter()
        .map(|&i| config.datasources[i].clone())
        .collect();
    config.datasources[0].refresh_secs = refresh_secs;
    config.datasource = config.datasources[0].clone();
}

/// What the fleet page needs of one cluster's screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterState {
    /// The cluster's name.
    pub name: String,
    /// Its banner's explanation.
    pub summary: Summary,
    /// Its services per status; `None` until its first evaluation.
    pub services: Option<StatusCounts>,
    /// Set while its default source cannot be reached.
    pub source_alert: Option<SourceAlert>,
    /// Each of its sources' state.
    pub sources: Vec<SourceState>,
}

impl ClusterState {
    /// A cluster whose screen cannot be made (a value no longer offered, a
    /// variable without a value): unknown, saying why.
    pub fn failed(name: &str, why: &ClusterError) -> ClusterState {
        ClusterState {
            name: name.to_owned(),
            summary: Summary::single(Status::Unknown, format!("cannot be shown: {why}")),
            services: None,
            source_alert: None,
            sources: Vec::new(),
        }
    }

    /// The state of cluster `name` from what its monitor says is on screen.
    pub fn from_screen(name: &str, screen: &OnScreen) -> ClusterState {
        ClusterState {
            name: name.to_owned(),
            summary: screen.summary.clone(),
            services: screen.snapshot.as_ref().map(|s| s.counts),
            source_alert: screen.source_alert.clone(),
            sources: screen.sources.clone(),
        }
    }
}

/// One tile of the fleet page.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// The cluster's name.
    pub name: String,
    /// Its status: its banner's, at least `unknown` while its data is not
    /// whole (a source down, partial or not answered yet).
    pub status: Status,
    /// Its services per status; `None` until its first evaluation.
    pub services: Option<StatusCounts>,
    /// Why, worst first: the root causes its banner names (at most
    /// [`TILE_REASONS`]).
    pub reasons: Vec<Reason>,
    /// How many further reasons were left out.
    pub more: usize,
}

/// The fleet page: tiles worst first (then by name), and clusters per status.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FleetSummary {
    /// One per cluster.
    pub tiles: Vec<Tile>,
    /// Clusters per status.
    pub clusters: StatusCounts,
}

/// The fleet page for these clusters' states.
pub fn summarize(states: &[ClusterState]) -> FleetSummary {
    let mut tiles: Vec<Tile> = states.iter().map(tile).collect();
    sorting::sort_by(&mut tiles, |a, b| {
        b.status.cmp(&a.status).then_with(|| a.name.cmp(&b.name))
    });
    let mut clusters = StatusCounts::default();
    for t in &tiles {
        match t.status {
            Status::Healthy => clusters.healthy += 1,
            Status::Unknown => clusters.unknown += 1,
            Status::Warning => clusters.warning += 1,
            Status::Critical => clusters.critical += 1,
        }
    }
    FleetSummary { tiles, clusters }
}

fn tile(state: &ClusterState) -> Tile {
    // Whatever keeps the data from being whole, as reasons of their own
    // (the banner may say it too: then it is not repeated).
    // Each guard: the reason to show, and the words that tell whether the
    // banner's reasons already say it.
    let mut guards: Vec<(Reason, String)> = Vec::new();
    if let Some(alert) = &state.source_alert {
        let text = alert.message.clone();
        guards.push((Reason::new(Status::Unknown, text.clone()), text));
    }
    for s in &state.sources {
        let (text, core) = match (s.health, &s.error, &s.partial) {
            (SourceHealth::Down, Some(e), _) => (format!("{}: {e}", s.name), e.clone()),
            (SourceHealth::Down, None, _) => {
                let t = format!("{} cannot be reached", s.name);
                (t.clone(), t)
            }
            (SourceHealth::Partial, _, Some(p)) => {
                (format!("partial answer from {}: {p}", s.name), p.clone())
            }
            (SourceHealth::Partial, _, None) => {
                let t = format!("partial answer from {}", s.name);
                (t.clone(), t)
            }
            _ => continue,
        };
        guards.push((Reason::new(Status::Unknown, text), core));
    }
    if state.services.is_none() && guards.is_empty() {
        let t = "no data yet".to_owned();
        guards.push((Reason::new(Status::Unknown, t.clone()), t));
    }
    let floor = if guards.is_empty() {
        Status::Healthy
    } else {
        Status::Unknown
    };
    let status = state.summary.status.max(floor);
    let mut reasons: Vec<Reason> = state
        .summary
        .reasons
        .iter()
        // A healthy line ("All 6 services healthy") is no reason for a
        // tile that is not healthy.
        .filter(|r| status == Status::Healthy || r.status > Status::Healthy)
        .cloned()
        .collect();
    for (guard, core) in guards {
        if !reasons.iter().any(|r| r.text.contains(&core)) {
            reasons.push(guard);
        }
    }
    sorting::sort_by(&mut reasons, |a, b| b.status.cmp(&a.status));
    let more = reasons.len().saturating_sub(TILE_REASONS) + state.summary.more;
    reasons.truncate(TILE_REASONS);
    Tile {
        name: state.name.clone(),
        status,
        services: state.services,
        reasons,
        more,
    }
}
