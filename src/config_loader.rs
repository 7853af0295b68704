//! Fetches the configuration file named by the URL and hands it to the engine.

use gloo_net::http::Request;
use panopticon_engine::{Config, ConfigError, config};

/// Why there is no configuration to show a dashboard for. Every variant reads
/// as a sentence on the config error page.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// `?config=` named something the dashboard refuses to load.
    #[error("{0}")]
    BadPath(String),
    /// The file could not be fetched at all.
    #[error("could not load {path}: {reason}")]
    Unreachable {
        /// The path asked for.
        path: String,
        /// What the browser said.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("could not load {path}: the server answered HTTP {status}")]
    Http {
        /// The path asked for.
        path: String,
        /// HTTP status.
        status: u16,
    },
    /// The file is not a valid configuration.
    #[error("{0}")]
    Invalid(ConfigError),
}

impl LoadError {
    /// One line per problem, each pointing at `file:line:col` where known.
    pub fn messages(&self) -> Vec<String> {
        match self {
            LoadError::Invalid(e) => e.messages(),
            other => vec![other.to_string()],
        }
    }
}

/// Loads and validates the configuration for the `?config=` parameter.
pub async fn load(param: Option<String>) -> Result<Config, LoadError> {
    let path = config::config_path(param.as_deref()).map_err(LoadError::BadPath)?;
    let response = Request::get(&path)
        .send()
        .await
        .map_err(|e| LoadError::Unreachable {
            path: path.clone(),
            reason: e.to_string(),
        })?;
    if !response.ok() {
        return Err(LoadError::Http {
            path,
            status: response.status(),
        });
    }
    let text = response.text().await.map_err(|e| LoadError::Unreachable {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    Config::from_yaml(&path, &text).map_err(LoadError::Invalid)
}
