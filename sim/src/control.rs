//! The control API, as a pure function from (method, URL, body) to a reply, so every
//! route is tested without sockets; `server` only moves bytes.

use serde::Serialize;

use crate::error::SimError;
use crate::overrides::OverrideRequest;
use crate::scenario::Params;
use crate::simulator::Simulator;
use crate::target::{BoundTarget, file_sd};

/// Routes, for `GET /` and 404 replies.
pub const ROUTES: [&str; 8] = [
    "GET /scenarios",
    "POST /scenario/<name>[?node=node-K][&exporter=JOB][&delay=SECS]",
    "GET /state",
    "POST /override {metric, labels?, node?, value}",
    "DELETE /overrides",
    "POST /reset",
    "GET /targets",
    "GET /",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// Always JSON.
    pub body: String,
}

impl Reply {
    fn ok(value: &impl Serialize) -> Self {
        Self {
            status: 200,
            body: json(value),
        }
    }

    fn error(status: u16, message: &str) -> Self {
        Self {
            status,
            body: json(&serde_json::json!({ "error": message })),
        }
    }
}

impl From<SimError> for Reply {
    fn from(e: SimError) -> Self {
        Self::error(400, &e.to_string())
    }
}

fn json(value: &impl Serialize) -> String {
    // Our types contain no maps with non-string keys, so serialising cannot fail; a
    // fallback keeps even that impossible case from panicking a request thread.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[derive(Debug)]
pub struct Control<'a> {
    pub sim: &'a Simulator,
    pub targets: &'a [BoundTarget],
}

impl Control<'_> {
    pub fn handle(&self, method: &str, url: &str, body: &str) -> Reply {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.trim_end_matches('/');
        match (method, path) {
            ("GET", "") => Reply::ok(&serde_json::json!({ "routes": ROUTES })),
            ("GET", "/scenarios") => Reply::ok(&self.sim.scenarios()),
            ("GET", "/state") => Reply::ok(&self.state()),
            ("GET", "/targets") => Reply::ok(&file_sd(self.targets)),
            ("POST", "/reset") => {
                self.sim.reset();
                Reply::ok(&self.state())
            }
            ("DELETE", "/overrides") => {
                self.sim.clear_overrides();
                Reply::ok(&self.state())
            }
            ("POST", "/override") => match serde_json::from_str::<OverrideRequest>(body) {
                Err(e) => SimError::BadBody(e.to_string()).into(),
                Ok(req) => match self.sim.add_override(req) {
                    Ok(_) => Reply::ok(&self.state()),
                    Err(e) => e.into(),
                },
            },
            ("POST", p) if p.starts_with("/scenario/") => {
                let name = &p["/scenario/".len()..];
                match parse_params(query).and_then(|params| self.sim.set_scenario(name, &params)) {
                    Ok(info) => Reply::ok(&info),
                    Err(e) => e.into(),
                }
            }
            (_, "/scenarios" | "/state" | "/targets" | "/reset" | "/overrides" | "/override") => {
                Reply::error(405, &format!("method {method} not allowed on {path}"))
            }
            _ => Reply::error(
                404,
                &format!("no route {method} {path}; routes: {}", ROUTES.join(", ")),
            ),
        }
    }

    fn state(&self) -> serde_json::Value {
        let mut state = serde_json::to_value(self.sim.state()).unwrap_or_default();
        if let Some(map) = state.as_object_mut() {
            map.insert(
                "targets".to_owned(),
                serde_json::to_value(self.targets).unwrap_or_default(),
            );
        }
        state
    }
}

/// Query parameters of `POST /scenario/<name>`. Values are plain words and numbers, so
/// no percent-decoding is needed; unknown keys are errors, not silently dropped.
fn parse_params(query: &str) -> Result<Params, SimError> {
    let mut params = Params::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key {
            "node" => &mut params.node,
            "exporter" => &mut params.exporter,
            "delay" => &mut params.delay,
            _ => {
                return Err(SimError::BadBody(format!(
                    "unknown query parameter {key:?}"
                )));
            }
        };
        *slot = Some(value.to_owned());
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::{Exporter, Target};

    fn control_check(steps: &[(&str, &str, &str, u16, &str)]) {
        let sim = Simulator::new(4, 1).unwrap();
        let targets = vec![BoundTarget::new(
            Target {
                node: 1,
                exporter: Exporter::Consul,
            },
            "127.0.0.1:9300".parse().unwrap(),
        )];
        let control = Control {
            sim: &sim,
            targets: &targets,
        };
        for (method, url, body, status, contains) in steps {
            let reply = control.handle(method, url, body);
            assert_eq!(reply.status, *status, "{method} {url}: {}", reply.body);
            assert!(
                reply.body.contains(contains),
                "{method} {url}: {} lacks {contains:?}",
                reply.body
            );
            assert!(
                serde_json::from_str::<serde_json::Value>(&reply.body).is_ok(),
                "not JSON: {}",
                reply.body
            );
        }
    }

    #[test]
    fn routes() {
        control_check(&[
            ("GET", "/", "", 200, "/scenarios"),
            ("GET", "/scenarios", "", 200, "\"gluster-not-writeable\""),
            ("GET", "/scenarios", "", 200, "\"service\": \"glusterfs\""),
            ("GET", "/state", "", 200, "\"name\": \"healthy\""),
            ("GET", "/state", "", 200, "\"address\": \"127.0.0.1:9300\""),
            ("GET", "/targets", "", 200, "\"job\": \"consul\""),
            (
                "POST",
                "/scenario/consul-node-lost?node=node-2",
                "",
                200,
                "\"node\": \"node-2\"",
            ),
            ("GET", "/state", "", 200, "\"name\": \"consul-node-lost\""),
            (
                "POST",
                "/scenario/exporter-down?exporter=weave",
                "",
                200,
                "\"exporter\": \"weave\"",
            ),
            (
                "POST",
                "/scenario/gluster-slow?delay=3",
                "",
                200,
                "\"delay_seconds\": 3",
            ),
            ("POST", "/scenario/nope", "", 400, "unknown scenario"),
            (
                "POST",
                "/scenario/healthy?node=node-1",
                "",
                400,
                "does not take parameter",
            ),
            (
                "POST",
                "/scenario/host-overloaded?nodes=node-1",
                "",
                400,
                "unknown query parameter",
            ),
            (
                "POST",
                "/scenario/host-overloaded?node=node-7",
                "",
                400,
                "unknown node",
            ),
            (
                "POST",
                "/override",
                r#"{"metric":"node_load15","node":"node-1","value":8}"#,
                200,
                "\"metric\": \"node_load15\"",
            ),
            (
                "POST",
                "/override",
                r#"{"metric":"node_load15""#,
                400,
                "bad request body",
            ),
            (
                "POST",
                "/override",
                r#"{"metric":"nope_x","value":1}"#,
                400,
                "not served",
            ),
            ("DELETE", "/overrides", "", 200, "\"overrides\": []"),
            ("POST", "/reset", "", 200, "\"name\": \"healthy\""),
            ("GET", "/reset", "", 405, "not allowed"),
            ("GET", "/metrics", "", 404, "no route"),
        ]);
    }

    #[test]
    fn scenario_switch_reaches_the_served_text() {
        let sim = Simulator::new(4, 1).unwrap();
        let control = Control {
            sim: &sim,
            targets: &[],
        };
        let weave = Target {
            node: 3,
            exporter: Exporter::Weave,
        };
        assert!(
            sim.body(weave)
                .contains("weave_connections{state=\"connecting\"} 0")
        );
        assert_eq!(
            control
                .handle("POST", "/scenario/weave-reconnecting", "")
                .status,
            200
        );
        assert!(
            sim.body(weave)
                .contains("weave_connections{state=\"connecting\"} 1")
        );
    }
}
