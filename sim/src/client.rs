//! The CLI's client of a running simulator's control API.

use std::time::Duration;

use thiserror::Error;

use crate::cli::Call;

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("cannot reach the simulator at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("the simulator refused {method} {path} (HTTP {status}): {body}")]
    Refused {
        method: &'static str,
        path: String,
        status: u16,
        body: String,
    },
}

/// Sends `call` to the control API at `control` (e.g. `http://127.0.0.1:9290`) and
/// returns the JSON reply.
pub fn send(control: &str, call: &Call) -> Result<String, ClientError> {
    let (method, path, body) = call.request();
    let url = format!("{control}{path}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let unreachable = |e: ureq::Error| ClientError::Unreachable {
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
            method,
            path,
            status,
            body: text.trim().to_owned(),
        })
    }
}
