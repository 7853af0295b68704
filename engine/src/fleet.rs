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

/// The width a tile would like per unit of height: two status lines, a
/// name and a reason or two read best in a landscape box.
pub const TILE_ASPECT: f64 = 2.0;

/// Columns and rows for `tiles` tiles in a `width` × `height` area (CSS px)
/// with `gap` between them: the shape whose tiles hold the largest
/// [`TILE_ASPECT`] box, so the grid fills the screen (a wall of 3 shows them
/// large, 24 at 1920×1080 still fill it) and never needs more rows than fit.
/// The fewest columns win a tie (the rows stay wide enough for the name).
pub fn grid_shape(tiles: usize, width: f64, height: f64, gap: f64) -> (usize, usize) {
    if tiles == 0 || !(width > 0.0 && height > 0.0) {
        return (1, tiles.max(1));
    }
    let mut best = (1, tiles);
    let mut best_side = f64::NEG_INFINITY;
    for cols in 1..=tiles {
        let rows = tiles.div_ceil(cols);
        // Counts far below 2^52: exact as floats.
        #[allow(clippy::cast_precision_loss)]
        let (c, r) = (cols as f64, rows as f64);
        let w = (width - (c - 1.0) * gap) / c;
        let h = (height - (r - 1.0) * gap) / r;
        let side = (w / TILE_ASPECT).min(h);
        if side > best_side + 1e-9 {
            best = (cols, rows);
            best_side = side;
        }
    }
    best
}

/// The fleet's rotation (`?rotate=30s` on a fleet, like a Grafana
/// playlist): the overview, then each cluster's dashboard in the tiles'
/// order (worst first, then by name, as the overview shows them, taken when
/// the cycle leaves the overview so a cluster changing status mid-cycle is
/// neither shown twice nor skipped), then the overview again.
///
/// A cluster turning critical (from healthy or warning: not what a load or
/// the end of an outage finds) brings the overview back at once, its tile
/// flashing once, and the cycle starts over from there, so that cluster's
/// dashboard comes next (it is first, worst first). The overview rather
/// than the cluster: it shows every cluster, so two turning critical at once
/// are both seen, and each tile already names its root causes. No hold on
/// it: a fleet of twenty always has a critical cluster somewhere, and a
/// wall stuck on the overview would show no dashboard at all.
///
/// Someone using the screen pauses it (the page says when); a cluster
/// turning critical meanwhile is shown once the pause ends.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRotation {
    /// Seconds per view.
    every: f64,
    /// When the view last changed (or the screen was last used).
    since: f64,
    /// This cycle's clusters, in order.
    cycle: Vec<String>,
    /// Each cluster's status at the last step.
    seen: BTreeMap<String, Status>,
    /// A cluster turned critical while the screen was in use.
    pending: bool,
}

/// What one step of the fleet's rotation decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FleetStep {
    /// Show this now: `Some(None)` the overview, `Some(Some(name))` that
    /// cluster's dashboard; `None` keeps what is on screen.
    pub show: Option<Option<String>>,
    /// The clusters that just turned critical: their tiles flash once.
    pub flash: Vec<String>,
    /// Someone is using the screen: the rotation waits.
    pub paused: bool,
}

impl FleetRotation {
    /// A rotation of `every` seconds per view, starting at `now`.
    pub fn new(every: f64, now: f64) -> FleetRotation {
        FleetRotation {
            every,
            since: now,
            cycle: Vec::new(),
            seen: BTreeMap::new(),
            pending: false,
        }
    }

    /// One step at `now`: `shown` is the cluster on screen (`None`: the
    /// overview), `paused` whether someone is using the screen, `tiles` the
    /// overview's tiles (worst first).
    pub fn step(
        &mut self,
        now: f64,
        shown: Option<&str>,
        paused: bool,
        tiles: &[Tile],
    ) -> FleetStep {
        let mut flash = Vec::new();
        for t in tiles {
            let before = self.seen.insert(t.name.clone(), t.status);
            if t.status == Status::Critical
                && matches!(before, Some(Status::Healthy | Status::Warning))
            {
                flash.push(t.name.clone());
            }
        }
        self.pending |= !flash.is_empty();
        if paused {
            // A full interval after the pause ends.
            self.since = now;
            return FleetStep {
                show: None,
                flash,
                paused,
            };
        }
        if std::mem::take(&mut self.pending) {
            self.since = now;
            self.cycle.clear();
            return FleetStep {
                show: shown.is_some().then_some(None),
                flash,
                paused,
            };
        }
        if now - self.since < self.every {
            return FleetStep {
                show: None,
                flash,
                paused,
            };
        }
        let next = match shown {
            None => {
                self.cycle = tiles.iter().map(|t| t.name.clone()).collect();
                // No cluster at all: the overview stays.
                self.cycle.first().map(|first| Some(first.clone()))
            }
            Some(name) => {
                // The next of this cycle still in the fleet; after the last
                // (or from a cluster opened by hand, not in it): the overview.
                let after = self
                    .cycle
                    .iter()
                    .position(|c| c == name)
                    .map_or(0, |i| i + 1);
                let next = self.cycle[after.min(self.cycle.len())..]
                    .iter()
                    .find(|c| tiles.iter().any(|t| &t.name == *c))
                    .filter(|_| self.cycle.iter().any(|c| c == name))
                    .cloned();
                Some(next)
            }
        };
        self.since = now;
        FleetStep {
            show: next,
            flash,
            paused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_fills_the_screen_at_wall_and_embed_sizes() {
        // 24 clusters on a 1920×1080 wall: 5 × 5, every row used (the grid's
        // area is the screen less the top bar).
        assert_eq!(grid_shape(24, 1890.0, 1020.0, 10.0), (5, 5));
        assert_eq!(grid_shape(24, 3800.0, 2080.0, 10.0), (5, 5));
        // A 400×300 embed: 4 × 6, tiles about 95 × 40 px (status word and name).
        assert_eq!(grid_shape(24, 394.0, 270.0, 4.0), (4, 6));
        // Three clusters: large tiles, not a strip along the top.
        assert_eq!(grid_shape(3, 1890.0, 1020.0, 10.0), (2, 2));
        assert_eq!(grid_shape(20, 1890.0, 1020.0, 10.0), (4, 5));
        // Whatever the count, never more cells than needed by more than a row.
        for n in 1..=100 {
            for (w, h) in [(1890.0, 1020.0), (394.0, 270.0), (390.0, 800.0)] {
                let (c, r) = grid_shape(n, w, h, 6.0);
                assert!(c * r >= n && c * (r - 1) < n, "{n} in {w}x{h}: {c}x{r}");
            }
        }
        assert_eq!(grid_shape(0, 100.0, 100.0, 4.0), (1, 1));
        assert_eq!(grid_shape(5, 0.0, f64::NAN, 4.0), (1, 5));
    }

    fn tiles(list: &[(&str, Status)]) -> Vec<Tile> {
        list.iter()
            .map(|&(name, status)| Tile {
                name: name.to_owned(),
                status,
                services: None,
                reasons: Vec::new(),
                more: 0,
            })
            .collect()
    }

    #[test]
    fn the_fleet_rotates_worst_first_pauses_and_jumps_to_the_overview() {
        use Status::{Critical, Healthy, Warning};
        let mut r = FleetRotation::new(10.0, 0.0);
        let mut fleet = tiles(&[("b", Warning), ("a", Healthy), ("c", Healthy)]);
        let show = |name: &str| Some(Some(name.to_owned()));
        let step = |r: &mut FleetRotation, now, shown: Option<&str>, paused, fleet: &[Tile]| {
            r.step(now, shown, paused, fleet)
        };
        assert_eq!(step(&mut r, 5.0, None, false, &fleet).show, None);
        // The overview, then each cluster in the tiles' order, then the overview.
        assert_eq!(step(&mut r, 10.0, None, false, &fleet).show, show("b"));
        // Reordered mid-cycle: the cycle taken at its start goes on.
        fleet.swap(1, 2);
        assert_eq!(step(&mut r, 20.0, Some("b"), false, &fleet).show, show("a"));
        assert_eq!(step(&mut r, 30.0, Some("a"), false, &fleet).show, show("c"));
        assert_eq!(
            step(&mut r, 40.0, Some("c"), false, &fleet).show,
            Some(None)
        );
        // Someone uses the screen: nothing moves until a full interval after.
        assert!(step(&mut r, 55.0, None, true, &fleet).paused);
        assert_eq!(step(&mut r, 60.0, None, false, &fleet).show, None);
        assert_eq!(step(&mut r, 65.0, None, false, &fleet).show, show("b"));
        // A cluster turning critical: the overview at once, its tile flashes,
        // and the new cycle starts with it (worst first).
        let mut worse = tiles(&[("c", Critical), ("b", Warning), ("a", Healthy)]);
        let jump = step(&mut r, 66.0, Some("b"), false, &worse);
        assert_eq!(
            jump,
            FleetStep {
                show: Some(None),
                flash: vec!["c".to_owned()],
                paused: false
            }
        );
        assert_eq!(step(&mut r, 70.0, None, false, &worse).show, None);
        assert_eq!(step(&mut r, 76.0, None, false, &worse).show, show("c"));
        // No hold: still critical, the cycle goes on.
        let next = step(&mut r, 86.0, Some("c"), false, &worse);
        assert_eq!((next.show, next.flash), (show("b"), vec![]));
        // Turning critical while paused: flashed at once, shown when the pause ends.
        worse[1].status = Critical;
        let paused = step(&mut r, 87.0, Some("b"), true, &worse);
        assert_eq!(
            (paused.show, paused.flash, paused.paused),
            (None, vec!["b".to_owned()], true)
        );
        assert_eq!(
            step(&mut r, 120.0, Some("b"), false, &worse).show,
            Some(None)
        );
        // A cluster opened by hand is left for the overview after an interval.
        assert_eq!(step(&mut r, 125.0, Some("a"), false, &worse).show, None);
        assert_eq!(
            step(&mut r, 130.0, Some("a"), false, &worse).show,
            Some(None)
        );
    }

    #[test]
    fn the_first_status_is_not_a_change_to_critical() {
        let mut r = FleetRotation::new(10.0, 0.0);
        let unknown = tiles(&[("a", Status::Unknown)]);
        let critical = tiles(&[("a", Status::Critical)]);
        assert!(r.step(1.0, None, false, &unknown).flash.is_empty());
        // Unknown (no data yet, or an outage) to critical: what a load finds.
        assert!(r.step(2.0, None, false, &critical).flash.is_empty());
        let mut r = FleetRotation::new(10.0, 0.0);
        assert!(r.step(1.0, Some("a"), false, &critical).flash.is_empty());
        // An empty fleet stays on the overview.
        assert_eq!(
            FleetRotation::new(1.0, 0.0)
                .step(5.0, None, false, &[])
                .show,
            None
        );
    }
}
