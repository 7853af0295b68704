//! What a configuration asks Prometheus, as JSON: the distinct instant
//! expressions of its checks ([`Engine::queries`]), how a refresh asks them
//! (the app's [`combine::plan`]: one combined query and the ones kept alone),
//! the alert sources' requests each refresh sends (GET URLs) and, per view,
//! the range expressions of its graphs.
//!
//! The benchmark harness (`bench/lib/configs.mjs`) needs this list to check
//! that a refresh asks every expression exactly once. It asks this binary
//! rather than reading the YAML itself, so the list is the engine's: a
//! second reader in JavaScript would drift from the real parser (defaults,
//! inheritance of `up`, `up: none`, trimming, flow-style YAML).
//!
//! ```text
//! cargo run -q -p panopticon-engine --example queries -- examples/config/reference-cluster.yaml
//! cargo run -q -p panopticon-engine --example queries -- - < panopticon.yaml
//! ```
//!
//! Prints one JSON object on stdout:
//! `{"services":[ids…],"instant":[expr…],"combined":{"expr":…,"parts":[expr…]}|null,"alone":[expr…],`
//! `"alerts":[url…],"views":[{"id":…,"graphs":[{"title":…,"queries":[expr…]}]}]}`.
//! A configuration the app would refuse prints the app's messages on stderr
//! and exits with status 1; a usage or read error exits with status 2.

use std::fmt::Write as _;
use std::io::Read as _;
use std::process::ExitCode;

use panopticon_core::alerts::{AlertRequest, AlertSource};
use panopticon_core::prom::combine;
use panopticon_engine::{Config, ConfigError, Engine};

const USAGE: &str = "usage: queries <config.yaml | ->";

/// Why no list was printed.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{USAGE}")]
    Usage,
    #[error("cannot read {name}: {source}")]
    Read {
        name: String,
        source: std::io::Error,
    },
    #[error("{}", .0.messages().join("\n"))]
    Config(ConfigError),
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(match e {
                Failure::Config(_) => 1,
                Failure::Usage | Failure::Read { .. } => 2,
            })
        }
    }
}

fn run(mut args: impl Iterator<Item = String>) -> Result<String, Failure> {
    let (Some(path), None) = (args.next(), args.next()) else {
        return Err(Failure::Usage);
    };
    let (name, text) = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| Failure::Read {
                name: "stdin".to_owned(),
                source,
            })?;
        ("stdin".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(&path).map_err(|source| Failure::Read {
            name: path.clone(),
            source,
        })?;
        (path, text)
    };
    let config = Config::from_yaml(&name, &text).map_err(Failure::Config)?;
    Ok(to_json(&Engine::new(config)))
}

fn to_json(engine: &Engine) -> String {
    let config = engine.config();
    let services = strings(config.services.iter().map(|s| s.id.as_str()));
    let queries = engine.queries();
    let instant = strings(queries.iter().map(String::as_str));
    let plan = combine::plan(&queries);
    let combined = plan.combined.map_or_else(
        || "null".to_owned(),
        |c| {
            format!(
                r#"{{"expr":{},"parts":{}}}"#,
                string(c.query().expr()),
                strings(c.parts().iter().map(String::as_str))
            )
        },
    );
    let alone = strings(plan.alone.iter().map(String::as_str));
    let alert_urls: Vec<String> =
        AlertRequest::each_refresh(config.alerts.prometheus, config.alertmanager.is_some())
            .into_iter()
            .filter_map(|r| {
                let base = match r.source() {
                    AlertSource::PrometheusRules => &config.datasource.base_url,
                    AlertSource::Alertmanager => &config.alertmanager.as_ref()?.base_url,
                };
                Some(r.http(base).url)
            })
            .collect();
    let alerts = strings(alert_urls.iter().map(String::as_str));
    let views: Vec<String> = config
        .views
        .iter()
        .map(|v| {
            let graphs: Vec<String> = v
                .graphs
                .iter()
                .map(|g| {
                    format!(
                        r#"{{"title":{},"queries":{}}}"#,
                        string(&g.title),
                        strings(g.queries.iter().map(String::as_str))
                    )
                })
                .collect();
            format!(
                r#"{{"id":{},"graphs":[{}]}}"#,
                string(&v.id),
                graphs.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"services":{services},"instant":{instant},"combined":{combined},"alone":{alone},"alerts":{alerts},"views":[{}]}}"#,
        views.join(",")
    )
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(string).collect();
    format!("[{}]", items.join(","))
}

/// A JSON string literal. The engine has no JSON writer (the browser bundle
/// does not need one), and expressions need only these escapes.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
