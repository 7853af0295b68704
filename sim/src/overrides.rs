//! Free-form overrides of single series, for cases no named scenario covers (a threshold
//! edge such as load exactly 1.0 per core, a series that vanishes, …).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::exposition::{Family, Sample, is_label_name, is_metric_name};
use crate::target::{Exporter, instance, parse_node};

/// `POST /override` body. `value: null` removes the matching series, which is how a
/// test simulates a metric that is simply missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideRequest {
    pub metric: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `node-K`; all nodes when absent.
    #[serde(default)]
    pub node: Option<String>,
    /// Required even though it may be null: a forgotten value must not delete a series.
    #[serde(deserialize_with = "Option::deserialize")]
    pub value: Option<f64>,
}

/// A validated override.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    pub metric: String,
    pub exporter: Exporter,
    pub labels: BTreeMap<String, String>,
    /// `node-K`, or `None` for every node.
    pub node: Option<String>,
    #[serde(skip)]
    node_index: Option<usize>,
    pub value: Option<f64>,
}

impl Override {
    /// Checks names and the node against the cluster. `known` tells whether some
    /// exporter publishes the metric: overriding a name nobody serves is almost
    /// certainly a typo, and silently doing nothing would hide it.
    pub fn new(
        req: OverrideRequest,
        nodes: usize,
        known: impl Fn(&str) -> bool,
    ) -> Result<Self, SimError> {
        if !is_metric_name(&req.metric) {
            return Err(SimError::BadMetricName(req.metric));
        }
        let exporter = Exporter::for_metric(&req.metric)
            .filter(|_| known(&req.metric))
            .ok_or_else(|| SimError::UnknownMetric(req.metric.clone()))?;
        if let Some(bad) = req.labels.keys().find(|k| !is_label_name(k)) {
            return Err(SimError::BadLabelName(bad.clone()));
        }
        let node_index = req
            .node
            .as_deref()
            .map(|n| parse_node(n, nodes))
            .transpose()?;
        Ok(Self {
            metric: req.metric,
            exporter,
            labels: req.labels,
            node: node_index.map(instance),
            node_index,
            value: req.value,
        })
    }

    fn applies_to(&self, exporter: Exporter, node: usize) -> bool {
        self.exporter == exporter && self.node_index.is_none_or(|k| k == node)
    }

    fn matches(&self, sample: &Sample) -> bool {
        self.labels
            .iter()
            .all(|(k, v)| sample.label(k) == Some(v.as_str()))
    }

    /// Applies the override to what `exporter` of node `node` publishes. With a value,
    /// every series whose labels include the override's labels gets it; if none does,
    /// a series with exactly those labels is added (the family must be published at
    /// all: an exporter that cannot reach its component does not grow metrics). Without
    /// a value the matching series are removed.
    pub fn apply(&self, exporter: Exporter, node: usize, families: &mut [Family]) {
        if !self.applies_to(exporter, node) {
            return;
        }
        let Some(family) = families.iter_mut().find(|f| f.name == self.metric) else {
            return;
        };
        match self.value {
            None => family.samples.retain(|s| !self.matches(s)),
            Some(value) => {
                let mut hit = false;
                for sample in family.samples.iter_mut().filter(|s| self.matches(s)) {
                    sample.value = value;
                    hit = true;
                }
                if !hit {
                    family.samples.push(Sample {
                        labels: self
                            .labels
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                        value,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exposition::render;

    fn weave() -> Vec<Family> {
        vec![
            Family::gauge(
                "weave_connections",
                "h",
                vec![
                    Sample::with_labels(&[("state", "established")], 3.0),
                    Sample::with_labels(&[("state", "failed")], 0.0),
                ],
            ),
            Family::gauge("weave_ips", "h", vec![Sample::new(21.0)]),
        ]
    }

    fn req(json: &str) -> OverrideRequest {
        serde_json::from_str(json).unwrap()
    }

    fn known(metric: &str) -> bool {
        ["weave_connections", "weave_ips", "node_load15"].contains(&metric)
    }

    fn check(json: &str, node: usize, expect: &str) {
        let o = Override::new(req(json), 4, known).unwrap();
        let mut fams = weave();
        o.apply(Exporter::Weave, node, &mut fams);
        let text = render(&fams);
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(body.join("\n"), expect, "{json} on node {node}");
    }

    #[test]
    fn applies_to_matching_series() {
        let untouched = "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 0\nweave_ips 21";
        check(
            r#"{"metric":"weave_ips","value":5}"#,
            1,
            "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 0\nweave_ips 5",
        );
        check(
            r#"{"metric":"weave_connections","labels":{"state":"failed"},"value":2}"#,
            1,
            "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 2\nweave_ips 21",
        );
        check(
            r#"{"metric":"weave_connections","value":7}"#,
            1,
            "weave_connections{state=\"established\"} 7\nweave_connections{state=\"failed\"} 7\nweave_ips 21",
        );
        check(
            r#"{"metric":"weave_connections","labels":{"state":"failed"},"value":null}"#,
            1,
            "weave_connections{state=\"established\"} 3\nweave_ips 21",
        );
        check(
            r#"{"metric":"weave_ips","value":null}"#,
            1,
            "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 0",
        );
        check(
            r#"{"metric":"weave_connections","labels":{"state":"retrying"},"value":4}"#,
            2,
            "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 0\nweave_connections{state=\"retrying\"} 4\nweave_ips 21",
        );
        check(
            r#"{"metric":"weave_ips","node":"node-2","value":5}"#,
            1,
            untouched,
        );
        check(
            r#"{"metric":"weave_ips","node":"node-2","value":5}"#,
            2,
            "weave_connections{state=\"established\"} 3\nweave_connections{state=\"failed\"} 0\nweave_ips 5",
        );
        // Another exporter's metric leaves weave alone.
        check(r#"{"metric":"node_load15","value":9}"#, 1, untouched);
    }

    fn check_invalid(json: &str, expect: &str) {
        let err = serde_json::from_str::<OverrideRequest>(json)
            .map_err(|e| e.to_string())
            .and_then(|r| Override::new(r, 4, known).map_err(|e| e.to_string()))
            .unwrap_err();
        assert!(err.contains(expect), "{json}: {err:?} lacks {expect:?}");
    }

    #[test]
    fn rejects_what_would_silently_do_nothing() {
        check_invalid(
            r#"{"metric":"weave ips","value":1}"#,
            "not a valid metric name",
        );
        check_invalid(r#"{"metric":"weave_peers","value":1}"#, "not served");
        check_invalid(r#"{"metric":"up","value":1}"#, "not served");
        check_invalid(
            r#"{"metric":"weave_ips","labels":{"__name__":"x"},"value":1}"#,
            "not a valid label name",
        );
        check_invalid(
            r#"{"metric":"weave_ips","labels":{"a-b":"x"},"value":1}"#,
            "not a valid label name",
        );
        check_invalid(
            r#"{"metric":"weave_ips","node":"node-9","value":1}"#,
            "unknown node",
        );
        check_invalid(r#"{"metric":"weave_ips"}"#, "missing field `value`");
        check_invalid(r#"{"metric":"weave_ips","value":"high"}"#, "invalid type");
        check_invalid(
            r#"{"metric":"weave_ips","value":1,"instance":"node-1"}"#,
            "unknown field",
        );
    }
}
