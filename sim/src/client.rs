//! The CLI's client of a running simulator's control API, and of Alertmanager's silences.

use std::time::Duration;

use thiserror::Error;

use crate::cli::Call;
use crate::silence::{AlertmanagerCall, SilenceError, now_unix};

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("cannot reach {who} at {url}: {message}")]
    Unreachable {
        who: &'static str,
        url: String,
        message: String,
    },
    #[error("{who} refused {method} {path} (HTTP {status}): {body}")]
    Refused {
        who: &'static str,
        method: &'static str,
        path: String,
        status: u16,
        body: String,
    },
    #[error(transparent)]
    Clock(#[from] SilenceError),
}

/// Sends `call` to the control API at `control` (e.g. `http://127.0.0.1:9290`) and
/// returns the JSON reply.
pub fn send(control: &str, call: &Call) -> Result<String, ClientError> {
    let (method, path, body) = call.request();
    exchange("the simulator", control, method, path, body)
}

/// Sends `call` to the Alertmanager at `base` (e.g. `http://127.0.0.1:9093`) and returns
/// its JSON reply (`{"silenceID": …}` for a new silence, nothing for an expired one).
pub fn send_alertmanager(base: &str, call: &AlertmanagerCall) -> Result<String, ClientError> {
    let (method, path, body) = call.request(now_unix()?);
    exchange("Alertmanager", base, method, path, body)
}

fn exchange(
    who: &'static str,
    base: &str,
    method: &'static str,
    path: String,
    body: Option<String>,
) -> Result<String, ClientError> {
    let url = format!("{base}{path}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let unreachable = |e: ureq::Error| ClientError::Unreachable {
        who,
        url: url.clone(),
        message: e.to_string(),
    };
    let response = match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        ("DELETE", _) => agent.delete(&url).call(),
        (_, Some(body)) => agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body),
        (_, None) => agent.post(&url).send_empty(),
    };
    let mut response = response.map_err(unreachable)?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().map_err(unreachable)?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ClientError::Refused {
            who,
            method,
            path,
            status,
            body: text.trim().to_owned(),
        })
    }
}
