//! The running simulator's state: the active scenario and overrides, shared between the
//! scrape targets and the control API, and the one place that turns them into text.

use std::collections::BTreeSet;
use std::sync::{PoisonError, RwLock};
use std::time::Instant;

use serde::Serialize;

use crate::aggregate;
use crate::cluster::families::families;
use crate::cluster::{Behaviour, ClusterView};
use crate::error::SimError;
use crate::exposition::render;
use crate::overrides::{Override, OverrideRequest};
use crate::scenario::{Kind, Params, Scenario, ScenarioInfo};
use crate::target::{Exporter, Target};

/// Enough for any demo; a bound keeps a typo from allocating thousands of listeners.
pub const MAX_NODES: usize = 64;

#[derive(Debug)]
pub struct Simulator {
    nodes: usize,
    seed: u64,
    started: Instant,
    /// Names every exporter publishes in the healthy cluster, to reject overrides of
    /// metrics nobody serves.
    known_metrics: BTreeSet<String>,
    state: RwLock<Faults>,
}

#[derive(Debug, Clone)]
struct Faults {
    scenario: Scenario,
    overrides: Vec<Override>,
}

/// `GET /state`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateInfo {
    pub nodes: usize,
    pub seed: u64,
    pub uptime_seconds: f64,
    pub scenario: ScenarioInfo,
    pub overrides: Vec<Override>,
}

impl Simulator {
    /// A cluster served as one target per exporter and node.
    pub fn new(nodes: usize, seed: u64) -> Result<Self, SimError> {
        Self::with_limit(nodes, seed, MAX_NODES)
    }

    /// A cluster served as one aggregated target ([`aggregate`]): one listener however
    /// many nodes, so the bound is far higher.
    pub fn new_aggregate(nodes: usize, seed: u64) -> Result<Self, SimError> {
        Self::with_limit(nodes, seed, aggregate::MAX_NODES)
    }

    fn with_limit(nodes: usize, seed: u64, max: usize) -> Result<Self, SimError> {
        if !(1..=max).contains(&nodes) {
            return Err(SimError::BadNodeCount { given: nodes, max });
        }
        let healthy = ClusterView::healthy(nodes, seed, 0.0);
        let known_metrics = Exporter::ALL
            .into_iter()
            .flat_map(|e| families(e, &healthy.nodes[0]))
            .map(|f| f.name)
            .collect();
        Ok(Self {
            nodes,
            seed,
            started: Instant::now(),
            known_metrics,
            state: RwLock::new(Faults {
                scenario: Scenario::HEALTHY,
                overrides: Vec::new(),
            }),
        })
    }

    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Seconds since start: the `t` every value is a function of.
    pub fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn faults(&self) -> Faults {
        // A panic elsewhere while holding the lock leaves valid data behind (every
        // write replaces whole values), so a poisoned lock is still usable.
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut Faults)) {
        f(&mut self.state.write().unwrap_or_else(PoisonError::into_inner));
    }

    /// The cluster at time `t` under the active scenario (overrides not applied).
    pub fn view_at(&self, t: f64) -> ClusterView {
        let mut view = ClusterView::healthy(self.nodes, self.seed, t);
        self.faults().scenario.apply(&mut view, self.seed, t);
        view
    }

    /// How `target` answers right now.
    pub fn behaviour(&self, target: Target) -> Behaviour {
        self.view_at(self.elapsed())
            .nodes
            .get(target.node - 1)
            .map_or(Behaviour::Fail, |n| n.behaviour(target.exporter))
    }

    /// The exposition text `target` serves at time `t`, with overrides applied.
    pub fn body_at(&self, target: Target, t: f64) -> String {
        let faults = self.faults();
        let mut view = ClusterView::healthy(self.nodes, self.seed, t);
        faults.scenario.apply(&mut view, self.seed, t);
        let Some(node) = view.nodes.get(target.node - 1) else {
            return String::new();
        };
        let mut fams = families(target.exporter, node);
        for o in &faults.overrides {
            o.apply(target.exporter, target.node, &mut fams);
        }
        render(&fams)
    }

    pub fn body(&self, target: Target) -> String {
        self.body_at(target, self.elapsed())
    }

    /// The exposition text of the aggregated target (every node, every exporter) at
    /// time `t`, with overrides applied.
    pub fn aggregate_body_at(&self, t: f64) -> String {
        let faults = self.faults();
        let mut view = ClusterView::healthy(self.nodes, self.seed, t);
        faults.scenario.apply(&mut view, self.seed, t);
        render(&aggregate::cluster_families(view, &faults.overrides))
    }

    pub fn aggregate_body(&self) -> String {
        self.aggregate_body_at(self.elapsed())
    }

    /// Every scenario with its default parameters.
    pub fn scenarios(&self) -> Vec<ScenarioInfo> {
        Kind::ALL
            .into_iter()
            .filter_map(|k| Scenario::new(k, &Params::default(), self.nodes).ok())
            .map(|s| s.describe(self.nodes))
            .collect()
    }

    /// Switches to scenario `name`, replacing the previous one (overrides stay).
    pub fn set_scenario(&self, name: &str, params: &Params) -> Result<ScenarioInfo, SimError> {
        let scenario = Scenario::new(Kind::parse(name)?, params, self.nodes)?;
        self.update(|f| f.scenario = scenario);
        Ok(scenario.describe(self.nodes))
    }

    /// Adds an override; later overrides win over earlier ones on the same series.
    pub fn add_override(&self, req: OverrideRequest) -> Result<Override, SimError> {
        let o = Override::new(req, self.nodes, |m| self.known_metrics.contains(m))?;
        self.update(|f| f.overrides.push(o.clone()));
        Ok(o)
    }

    pub fn clear_overrides(&self) {
        self.update(|f| f.overrides.clear());
    }

    /// Back to the healthy cluster without overrides.
    pub fn reset(&self) {
        self.update(|f| {
            f.scenario = Scenario::HEALTHY;
            f.overrides.clear();
        });
    }

    pub fn state(&self) -> StateInfo {
        let faults = self.faults();
        StateInfo {
            nodes: self.nodes,
            seed: self.seed,
            uptime_seconds: self.elapsed(),
            scenario: faults.scenario.describe(self.nodes),
            overrides: faults.overrides,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(node: usize, exporter: Exporter) -> Target {
        Target { node, exporter }
    }

    fn line<'a>(body: &'a str, series: &str) -> Option<&'a str> {
        body.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
    }

    #[test]
    fn node_count_is_bounded() {
        assert!(Simulator::new(0, 1).is_err());
        assert!(Simulator::new(65, 1).is_err());
        assert!(Simulator::new(1, 1).is_ok());
        assert!(Simulator::new_aggregate(1_000, 1).is_ok());
        assert!(Simulator::new_aggregate(0, 1).is_err());
        assert!(Simulator::new_aggregate(aggregate::MAX_NODES + 1, 1).is_err());
    }

    #[test]
    fn aggregate_body_follows_scenario_and_overrides() {
        let sim = Simulator::new_aggregate(100, 1).unwrap();
        let writeable = |node: usize| {
            format!(
                "gluster_volume_writeable{{instance=\"node-{node}\",job=\"gluster\",mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"}}"
            )
        };
        let body = sim.aggregate_body_at(5.0);
        assert_eq!(
            line(&body, &writeable(3)),
            Some(&*format!("{} 1", writeable(3)))
        );
        assert_eq!(
            line(
                &body,
                "consul_raft_peers{instance=\"node-100\",job=\"consul\"}"
            ),
            Some("consul_raft_peers{instance=\"node-100\",job=\"consul\"} 100")
        );
        sim.set_scenario("gluster-not-writeable", &Params::default())
            .unwrap();
        let req: OverrideRequest =
            serde_json::from_str(r#"{"metric":"gluster_up","node":"node-77","value":0}"#).unwrap();
        sim.add_override(req).unwrap();
        let body = sim.aggregate_body_at(5.0);
        assert_eq!(
            line(&body, &writeable(3)),
            Some(&*format!("{} 0", writeable(3)))
        );
        assert_eq!(
            line(&body, &writeable(4)),
            Some(&*format!("{} 1", writeable(4)))
        );
        assert_eq!(
            line(&body, "gluster_up{instance=\"node-77\",job=\"gluster\"}"),
            Some("gluster_up{instance=\"node-77\",job=\"gluster\"} 0")
        );
    }

    #[test]
    fn scenario_then_override_then_reset() {
        let sim = Simulator::new(4, 1).unwrap();
        let gluster3 = target(3, Exporter::Gluster);
        let writeable = "gluster_volume_writeable{mountpoint=\"/mnt/gv_data\",volume=\"gv_data\"}";
        assert_eq!(
            line(&sim.body_at(gluster3, 5.0), writeable),
            Some(&*format!("{writeable} 1"))
        );

        let info = sim
            .set_scenario("gluster-not-writeable", &Params::default())
            .unwrap();
        assert_eq!(info.node.as_deref(), Some("node-3"));
        assert_eq!(
            line(&sim.body_at(gluster3, 5.0), writeable),
            Some(&*format!("{writeable} 0"))
        );
        assert_eq!(
            line(&sim.body_at(target(2, Exporter::Gluster), 5.0), writeable),
            Some(&*format!("{writeable} 1"))
        );

        let req: OverrideRequest =
            serde_json::from_str(r#"{"metric":"gluster_up","node":"node-1","value":0}"#).unwrap();
        sim.add_override(req).unwrap();
        assert_eq!(
            line(
                &sim.body_at(target(1, Exporter::Gluster), 5.0),
                "gluster_up"
            ),
            Some("gluster_up 0")
        );
        assert_eq!(
            line(
                &sim.body_at(target(2, Exporter::Gluster), 5.0),
                "gluster_up"
            ),
            Some("gluster_up 1")
        );
        assert_eq!(sim.state().overrides.len(), 1);
        assert_eq!(sim.state().scenario.name, "gluster-not-writeable");

        sim.reset();
        assert_eq!(
            line(&sim.body_at(gluster3, 5.0), writeable),
            Some(&*format!("{writeable} 1"))
        );
        assert_eq!(
            line(
                &sim.body_at(target(1, Exporter::Gluster), 5.0),
                "gluster_up"
            ),
            Some("gluster_up 1")
        );
        assert_eq!(sim.state().scenario.name, "healthy");
        assert!(sim.state().overrides.is_empty());
    }

    #[test]
    fn behaviour_follows_scenario() {
        let sim = Simulator::new(4, 1).unwrap();
        assert_eq!(sim.behaviour(target(3, Exporter::Node)), Behaviour::Serve);
        sim.set_scenario("exporter-down", &Params::default())
            .unwrap();
        assert_eq!(sim.behaviour(target(3, Exporter::Node)), Behaviour::Fail);
        assert_eq!(sim.behaviour(target(3, Exporter::Consul)), Behaviour::Serve);
        assert_eq!(sim.behaviour(target(2, Exporter::Node)), Behaviour::Serve);
    }

    #[test]
    fn rejects_overrides_of_unserved_metrics() {
        let sim = Simulator::new(4, 1).unwrap();
        let req: OverrideRequest =
            serde_json::from_str(r#"{"metric":"node_load99","value":1}"#).unwrap();
        assert_eq!(
            sim.add_override(req),
            Err(SimError::UnknownMetric("node_load99".into()))
        );
        let req: OverrideRequest =
            serde_json::from_str(r#"{"metric":"node_load15","value":4}"#).unwrap();
        assert!(sim.add_override(req).is_ok());
    }

    #[test]
    fn lists_every_scenario() {
        let sim = Simulator::new(4, 1).unwrap();
        let names: Vec<&str> = sim.scenarios().iter().map(|s| s.name).collect();
        assert_eq!(names.len(), Kind::ALL.len());
        assert_eq!(names[0], "healthy");
    }
}
