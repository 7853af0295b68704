//! Errors of the simulator. Every variant carries enough to tell a person what to fix,
//! because the control API returns the message as-is to whoever scripted the call.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SimError {
    #[error("unknown scenario {0:?} (GET /scenarios lists them)")]
    UnknownScenario(String),
    #[error("unknown node {given:?}: expected node-1 … node-{nodes}")]
    UnknownNode { given: String, nodes: usize },
    #[error("unknown exporter {0:?}: expected consul, gluster, weave or node")]
    UnknownExporter(String),
    #[error("scenario {scenario} does not take parameter {param:?}")]
    ParamNotApplicable {
        scenario: &'static str,
        param: String,
    },
    #[error("bad delay {0:?}: expected whole seconds, at most 600")]
    BadDelay(String),
    #[error("{0:?} is not a valid metric name")]
    BadMetricName(String),
    #[error("{0:?} is not a valid label name")]
    BadLabelName(String),
    #[error("metric {0:?} is not served by any simulated exporter")]
    UnknownMetric(String),
    #[error("bad request body: {0}")]
    BadBody(String),
    #[error("the cluster needs between 1 and {max} nodes, got {given}")]
    BadNodeCount { given: usize, max: usize },
}
