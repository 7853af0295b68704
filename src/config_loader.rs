//! Fetches the configuration file named by the URL (through the client, the
//! one crate that does I/O) and hands it to the engine.

use panopticon_client::{FileError, fetch_site_file};
use panopticon_engine::config::{self, ConfigPathError, DEFAULT_CONFIG_PATH};
use panopticon_engine::{Config, ConfigError};

/// Why there is no configuration to show a dashboard for. Every variant reads
/// as a sentence on the config error page.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// `?config=` named something the dashboard refuses to load.
    #[error("{0}")]
    BadPath(ConfigPathError),
    /// The file could not be fetched at all.
    #[error("could not load {path}: {reason}")]
    Unreachable {
        /// The path asked for.
        path: String,
        /// What the browser said.
        reason: String,
    },
    /// The server has no such file.
    #[error("{path}: there is no such file on this site (HTTP 404)")]
    NotFound {
        /// The path asked for.
        path: String,
    },
    /// The server answered with another error status.
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

/// What the config error page says about a [`LoadError`]: the wording fits
/// the case, because "fix the file" means nothing when a link named a file
/// that will never be loaded, or when there is no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The sentence under the title.
    pub lead: String,
    /// One line per problem, each pointing at `file:line:col` where known.
    pub messages: Vec<String>,
    /// What to do about it.
    pub hint: &'static str,
}

impl LoadError {
    /// The page's words for this error.
    pub fn explain(&self) -> Explanation {
        let one = |lead: &str, hint| Explanation {
            lead: lead.to_owned(),
            messages: vec![self.to_string()],
            hint,
        };
        match self {
            LoadError::BadPath(_) => one(
                "This link names a configuration the dashboard will not load; only relative .yaml paths on this site are loaded.",
                "Open the dashboard without ?config= for its default configuration, or name a file next to index.html (e.g. ?config=other.yaml).",
            ),
            LoadError::NotFound { path } if path == DEFAULT_CONFIG_PATH => one(
                "The dashboard has no configuration: panopticon.yaml is not on this site.",
                "Install a configuration as panopticon.yaml next to index.html and reload this page. The examples in examples/config/ are valid starting points.",
            ),
            LoadError::NotFound { .. } => one(
                "The configuration this link names is not on this site.",
                "Check the name after ?config= (names are case-sensitive), or install the file next to index.html.",
            ),
            LoadError::Http { .. } => one(
                "The web server would not hand out the configuration.",
                "Check the web server's error log, then reload this page.",
            ),
            LoadError::Unreachable { .. } => one(
                "The configuration could not be fetched.",
                "Check that this site is reachable, then reload this page.",
            ),
            LoadError::Invalid(e @ ConfigError::Empty { .. }) => Explanation {
                lead: "The configuration file is empty.".to_owned(),
                messages: e.messages(),
                hint: "Describe at least one service in the file and reload this page. The examples in examples/config/ are valid starting points.",
            },
            LoadError::Invalid(e) => {
                let messages = e.messages();
                let lead = if messages.len() == 1 {
                    "The dashboard cannot start: its configuration has a problem.".to_owned()
                } else {
                    format!(
                        "The dashboard cannot start: its configuration has {} problems.",
                        messages.len()
                    )
                };
                Explanation {
                    lead,
                    messages,
                    hint: "Fix the file and reload this page. The examples in examples/config/ are valid starting points.",
                }
            }
        }
    }
}

/// A configuration and the text it was read from (the page compares it with
/// the file as served later, `reload_watch.rs`).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The validated configuration.
    pub config: Config,
    /// The file's text.
    pub text: String,
}

/// Loads and validates the configuration for the `?config=` parameter.
pub async fn load(param: Option<String>) -> Result<Loaded, LoadError> {
    let path = config::config_path(param.as_deref()).map_err(LoadError::BadPath)?;
    let text = fetch_site_file(&path).await.map_err(|e| match e {
        FileError::NotFound => LoadError::NotFound { path: path.clone() },
        FileError::Http { status } => LoadError::Http {
            path: path.clone(),
            status,
        },
        FileError::Unreachable { reason } => LoadError::Unreachable {
            path: path.clone(),
            reason,
        },
    })?;
    let config = Config::from_yaml(&path, &text).map_err(LoadError::Invalid)?;
    Ok(Loaded { config, text })
}

#[cfg(test)]
mod tests {
    use panopticon_engine::config::config_path;

    use super::*;

    #[test]
    fn each_case_has_its_own_words() {
        let refused = LoadError::BadPath(
            config_path(Some("https://evil.example/x.yaml")).expect_err("refused"),
        );
        let e = refused.explain();
        assert!(e.lead.contains("will not load"), "{e:?}");
        assert!(
            e.lead.contains("only relative .yaml paths on this site"),
            "{e:?}"
        );
        assert_eq!(
            e.messages,
            [
                r#"config "https://evil.example/x.yaml": only relative paths on this site are allowed (e.g. "other.yaml")"#
            ]
        );
        assert!(!e.hint.contains("Fix the file"), "there is no file: {e:?}");

        let missing = LoadError::NotFound {
            path: "other.yaml".to_owned(),
        }
        .explain();
        assert_eq!(
            missing.messages,
            ["other.yaml: there is no such file on this site (HTTP 404)"]
        );
        assert!(!missing.hint.contains("Fix the file"), "{missing:?}");
        let default = LoadError::NotFound {
            path: DEFAULT_CONFIG_PATH.to_owned(),
        }
        .explain();
        assert!(
            default
                .hint
                .contains("Install a configuration as panopticon.yaml")
        );

        let empty =
            LoadError::Invalid(Config::from_yaml("panopticon.yaml", "").expect_err("empty"))
                .explain();
        assert_eq!(empty.lead, "The configuration file is empty.");
        assert!(
            empty.messages[0].contains("it needs at least `services:` with one service"),
            "{empty:?}"
        );

        let syntax = LoadError::Invalid(
            Config::from_yaml("panopticon.yaml", "services: [\n").expect_err("syntax"),
        )
        .explain();
        assert_eq!(
            syntax.messages,
            ["panopticon.yaml:1:11: unclosed bracket '['"]
        );
        assert!(syntax.hint.starts_with("Fix the file"), "{syntax:?}");
    }
}
