//! Command line: `serve` runs the simulator; the other commands are a thin client of a
//! running simulator's control API, so scripts can use either.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use lexopt::prelude::*;
use thiserror::Error;

use crate::scenario::Params;
use crate::silence::{AlertmanagerCall, DEFAULT_ALERTMANAGER, DEFAULT_MINUTES, MAX_MINUTES};

pub const DEFAULT_NODES: usize = 4;
pub const DEFAULT_BASE_PORT: u16 = 9300;
pub const DEFAULT_CONTROL_PORT: u16 = 9290;
pub const DEFAULT_SEED: u64 = 1;
/// Read by the client commands when `--control` is not given.
pub const CONTROL_ENV: &str = "PANOPTICON_SIM_CONTROL";

pub const USAGE: &str = "\
panopticon-sim: a simulated reference cluster (consul, gluster, weave, node exporters on N nodes)

USAGE:
  panopticon-sim serve [--nodes N] [--listen IP] [--base-port P] [--control-port C]
                       [--targets-file FILE] [--seed S] [--aggregate]
      Serves node-K's exporter E on port P + 4*(K-1) + E (E: consul 0, gluster 1, weave 2,
      node 3) and the control API on C. Port 0 picks free ports. Prints one JSON line
      {\"event\":\"listening\",...} with all addresses on stdout, and writes a Prometheus
      file_sd_configs document to FILE. Defaults: 4 nodes, 127.0.0.1, P 9300, C 9290, seed 1.
      --aggregate: one target on P serves every node's series, each labelled with its own
      job and instance (scrape it with honor_labels: true); up to 5000 nodes.

  panopticon-sim backfill --out FILE [--hours H] [--step SECS] [--end UNIX] [--nodes N] [--seed S]
      Writes the healthy cluster's last H hours (default 1) before UNIX (default now), one
      sample every SECS (default 15), as OpenMetrics for
      `promtool tsdb create-blocks-from openmetrics FILE DATA_DIR`: start Prometheus on
      DATA_DIR and `serve` (same --nodes and --seed) right after, and every graph has the
      history at once; the live values go on from it.

  panopticon-sim scenarios                      list scenarios and their expected verdicts
  panopticon-sim scenario NAME [--node node-K] [--exporter JOB] [--delay SECS]
  panopticon-sim set METRIC VALUE|absent [--node node-K] [--label NAME=VALUE]...
  panopticon-sim clear-overrides                drop all overrides, keep the scenario
  panopticon-sim reset                          healthy scenario, no overrides
  panopticon-sim state                          active scenario, overrides, targets
      Client commands take [--control URL] (default $PANOPTICON_SIM_CONTROL or
      http://127.0.0.1:9290).

  panopticon-sim silence SERVICE [--minutes N] [--comment TEXT] [--created-by NAME]
      Silences every alert labelled service=\"SERVICE\" in Alertmanager for N minutes
      (default 60): the dashboard shows that service in maintenance. Prints the silence id.
  panopticon-sim silences                       Alertmanager's silences (JSON)
  panopticon-sim unsilence SILENCE_ID           expire a silence now
      Silence commands take [--alertmanager URL] (default $PANOPTICON_SIM_ALERTMANAGER or
      http://127.0.0.1:9093) and talk to Alertmanager directly.
";

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Serve(ServeArgs),
    Backfill(BackfillArgs),
    Client {
        control: String,
        call: Call,
    },
    /// A silence command, sent to the Alertmanager at `url`.
    Alertmanager {
        url: String,
        call: AlertmanagerCall,
    },
    Help,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeArgs {
    pub nodes: usize,
    pub listen: IpAddr,
    pub base_port: u16,
    pub control_port: u16,
    pub targets_file: Option<PathBuf>,
    pub seed: u64,
    /// Serve every node from one target (`crate::aggregate`).
    pub aggregate: bool,
}

/// `backfill`: see [`crate::backfill`].
#[derive(Debug, Clone, PartialEq)]
pub struct BackfillArgs {
    pub nodes: usize,
    pub seed: u64,
    /// How far back, in seconds.
    pub seconds: f64,
    pub step: f64,
    /// Unix seconds of the start; `None`: now.
    pub end: Option<f64>,
    pub out: PathBuf,
}

/// One control API call.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Scenarios,
    Scenario {
        name: String,
        params: Params,
    },
    Set {
        metric: String,
        value: Option<f64>,
        node: Option<String>,
        labels: Vec<(String, String)>,
    },
    ClearOverrides,
    Reset,
    State,
}

impl Call {
    /// HTTP method, path and JSON body of the call.
    pub fn request(&self) -> (&'static str, String, Option<String>) {
        match self {
            Self::Scenarios => ("GET", "/scenarios".to_owned(), None),
            Self::State => ("GET", "/state".to_owned(), None),
            Self::Reset => ("POST", "/reset".to_owned(), None),
            Self::ClearOverrides => ("DELETE", "/overrides".to_owned(), None),
            Self::Scenario { name, params } => {
                let query: Vec<String> = [
                    ("node", &params.node),
                    ("exporter", &params.exporter),
                    ("delay", &params.delay),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
                .collect();
                let path = if query.is_empty() {
                    format!("/scenario/{name}")
                } else {
                    format!("/scenario/{name}?{}", query.join("&"))
                };
                ("POST", path, None)
            }
            Self::Set {
                metric,
                value,
                node,
                labels,
            } => {
                let labels: serde_json::Map<String, serde_json::Value> = labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect();
                let body = serde_json::json!({ "metric": metric, "labels": labels, "node": node, "value": value });
                ("POST", "/override".to_owned(), Some(body.to_string()))
            }
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CliError {
    #[error("{0}")]
    Args(String),
    #[error("missing command")]
    NoCommand,
    #[error("{what} {given:?} is not valid: {why}")]
    BadValue {
        what: &'static str,
        given: String,
        why: String,
    },
}

impl From<lexopt::Error> for CliError {
    fn from(e: lexopt::Error) -> Self {
        Self::Args(e.to_string())
    }
}

fn number<T: std::str::FromStr>(what: &'static str, text: OsString) -> Result<T, CliError>
where
    T::Err: std::fmt::Display,
{
    let text = text.string()?;
    text.parse().map_err(|e: T::Err| CliError::BadValue {
        what,
        given: text.clone(),
        why: e.to_string(),
    })
}

/// What the environment supplies to the client commands, passed in so tests do not
/// depend on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `PANOPTICON_SIM_CONTROL`.
    pub control: Option<String>,
    /// `PANOPTICON_SIM_ALERTMANAGER`.
    pub alertmanager: Option<String>,
    /// `USER`: who made a silence, unless `--created-by` says.
    pub user: Option<String>,
}

/// Parses arguments (without the program name).
pub fn parse(args: Vec<OsString>, env: Env) -> Result<Command, CliError> {
    let mut parser = lexopt::Parser::from_args(args);
    let command = match parser.next()? {
        Some(Value(cmd)) => cmd.string()?,
        Some(Long("help") | Short('h')) => return Ok(Command::Help),
        Some(other) => return Err(other.unexpected().into()),
        None => return Err(CliError::NoCommand),
    };
    match command.as_str() {
        "serve" => parse_serve(&mut parser).map(Command::Serve),
        "backfill" => parse_backfill(&mut parser).map(Command::Backfill),
        "help" => Ok(Command::Help),
        "silence" | "silences" | "unsilence" => parse_alertmanager(&command, &mut parser, env),
        _ => parse_client(&command, &mut parser, env.control),
    }
}

/// `silence`, `silences`, `unsilence`.
fn parse_alertmanager(
    command: &str,
    parser: &mut lexopt::Parser,
    env: Env,
) -> Result<Command, CliError> {
    let mut url = env
        .alertmanager
        .unwrap_or_else(|| DEFAULT_ALERTMANAGER.to_owned());
    let mut minutes = DEFAULT_MINUTES;
    let mut comment: Option<String> = None;
    let mut created_by = env
        .user
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "panopticon-sim".to_owned());
    let mut positional: Vec<String> = Vec::new();
    let takes = |opt: &str| -> Result<(), CliError> {
        if command == "silence" {
            Ok(())
        } else {
            Err(CliError::Args(format!("{command} does not take --{opt}")))
        }
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("alertmanager") => url = parser.value()?.string()?,
            Long("minutes") => {
                takes("minutes")?;
                minutes = number("--minutes", parser.value()?)?;
                if !(1..=MAX_MINUTES).contains(&minutes) {
                    return Err(CliError::BadValue {
                        what: "--minutes",
                        given: minutes.to_string(),
                        why: format!("expected 1 to {MAX_MINUTES}"),
                    });
                }
            }
            Long("comment") => {
                takes("comment")?;
                comment = Some(parser.value()?.string()?);
            }
            Long("created-by") => {
                takes("created-by")?;
                created_by = parser.value()?.string()?;
            }
            Value(v) => positional.push(v.string()?),
            other => return Err(other.unexpected().into()),
        }
    }
    let usage = |u: &str| CliError::Args(format!("usage: panopticon-sim {u}"));
    let call = match (command, positional.as_slice()) {
        ("silences", []) => AlertmanagerCall::Silences,
        ("silences", _) => return Err(usage("silences [--alertmanager URL]")),
        ("unsilence", [id]) if !id.is_empty() => AlertmanagerCall::Unsilence { id: id.clone() },
        ("unsilence", _) => return Err(usage("unsilence SILENCE_ID [--alertmanager URL]")),
        (_, [service]) if !service.is_empty() => AlertmanagerCall::Silence {
            service: service.clone(),
            minutes,
            comment: comment
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| format!("{service} in maintenance (panopticon-sim)")),
            created_by,
        },
        _ => {
            return Err(usage(
                "silence SERVICE [--minutes N] [--comment TEXT] [--created-by NAME] [--alertmanager URL]",
            ));
        }
    };
    Ok(Command::Alertmanager {
        url: url.trim_end_matches('/').to_owned(),
        call,
    })
}

fn parse_serve(parser: &mut lexopt::Parser) -> Result<ServeArgs, CliError> {
    let mut args = ServeArgs {
        nodes: DEFAULT_NODES,
        listen: IpAddr::from([127, 0, 0, 1]),
        base_port: DEFAULT_BASE_PORT,
        control_port: DEFAULT_CONTROL_PORT,
        targets_file: None,
        seed: DEFAULT_SEED,
        aggregate: false,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("nodes") => args.nodes = number("--nodes", parser.value()?)?,
            Long("listen") => args.listen = number("--listen", parser.value()?)?,
            Long("base-port") => args.base_port = number("--base-port", parser.value()?)?,
            Long("control-port") => args.control_port = number("--control-port", parser.value()?)?,
            Long("targets-file") => args.targets_file = Some(parser.value()?.into()),
            Long("seed") => args.seed = number("--seed", parser.value()?)?,
            Long("aggregate") => args.aggregate = true,
            other => return Err(other.unexpected().into()),
        }
    }
    Ok(args)
}

fn parse_backfill(parser: &mut lexopt::Parser) -> Result<BackfillArgs, CliError> {
    let mut nodes = DEFAULT_NODES;
    let mut seed = DEFAULT_SEED;
    let mut hours = 1.0_f64;
    let mut step = 15.0_f64;
    let mut end: Option<f64> = None;
    let mut out: Option<PathBuf> = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("nodes") => nodes = number("--nodes", parser.value()?)?,
            Long("seed") => seed = number("--seed", parser.value()?)?,
            Long("hours") => hours = number("--hours", parser.value()?)?,
            Long("step") => step = number("--step", parser.value()?)?,
            Long("end") => end = Some(number("--end", parser.value()?)?),
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            other => return Err(other.unexpected().into()),
        }
    }
    let bad = |what: &'static str, given: f64, why: &str| CliError::BadValue {
        what,
        given: given.to_string(),
        why: why.to_owned(),
    };
    let seconds = hours * 3600.0;
    if !(seconds > 0.0 && seconds <= crate::backfill::MAX_SECONDS) {
        return Err(bad("--hours", hours, "expected more than 0, at most 24"));
    }
    if !(step >= 1.0 && step <= seconds) {
        return Err(bad("--step", step, "expected 1 s up to the whole range"));
    }
    if !(1..=crate::simulator::MAX_NODES).contains(&nodes) {
        return Err(CliError::BadValue {
            what: "--nodes",
            given: nodes.to_string(),
            why: format!("expected 1 to {}", crate::simulator::MAX_NODES),
        });
    }
    if let Some(e) = end
        && !(e.is_finite() && e > seconds)
    {
        return Err(bad("--end", e, "expected Unix seconds"));
    }
    let out = out.ok_or_else(|| {
        CliError::Args("usage: panopticon-sim backfill --out FILE [--hours H] ...".to_owned())
    })?;
    Ok(BackfillArgs {
        nodes,
        seed,
        seconds,
        step,
        end,
        out,
    })
}

/// `--label NAME=VALUE`.
fn label_pair(pair: String) -> Result<(String, String), CliError> {
    match pair.split_once('=') {
        Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
        None => Err(CliError::BadValue {
            what: "--label",
            given: pair,
            why: "expected NAME=VALUE".to_owned(),
        }),
    }
}

/// `set`'s VALUE: a finite number, or `absent` (`null`) to remove the series.
fn set_value(text: &str) -> Result<Option<f64>, CliError> {
    match text {
        "absent" | "null" => Ok(None),
        // JSON cannot carry NaN or infinities: refuse rather than send null,
        // which would delete the series.
        _ => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(CliError::BadValue {
                what: "VALUE",
                given: text.to_owned(),
                why: "expected a finite number or `absent`".to_owned(),
            }),
        },
    }
}

fn parse_client(
    command: &str,
    parser: &mut lexopt::Parser,
    env_control: Option<String>,
) -> Result<Command, CliError> {
    let mut control =
        env_control.unwrap_or_else(|| format!("http://127.0.0.1:{DEFAULT_CONTROL_PORT}"));
    let mut positional: Vec<String> = Vec::new();
    let mut params = Params::default();
    let mut labels = Vec::new();
    let takes = |opt: &str| -> Result<(), CliError> {
        let allowed: &[&str] = match command {
            "scenario" => &["node", "exporter", "delay"],
            "set" => &["node", "label"],
            _ => &[],
        };
        if allowed.contains(&opt) {
            Ok(())
        } else {
            Err(CliError::Args(format!("{command} does not take --{opt}")))
        }
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("control") => control = parser.value()?.string()?,
            Long("node") => {
                takes("node")?;
                params.node = Some(parser.value()?.string()?);
            }
            Long("exporter") => {
                takes("exporter")?;
                params.exporter = Some(parser.value()?.string()?);
            }
            Long("delay") => {
                takes("delay")?;
                params.delay = Some(parser.value()?.string()?);
            }
            Long("label") => {
                takes("label")?;
                labels.push(label_pair(parser.value()?.string()?)?);
            }
            Value(v) => positional.push(v.string()?),
            other => return Err(other.unexpected().into()),
        }
    }
    let arity = |n: usize, usage: &str| -> Result<(), CliError> {
        if positional.len() == n {
            Ok(())
        } else {
            Err(CliError::Args(format!("usage: panopticon-sim {usage}")))
        }
    };
    let call = match command {
        "scenarios" => arity(0, "scenarios").map(|()| Call::Scenarios)?,
        "state" => arity(0, "state").map(|()| Call::State)?,
        "reset" => arity(0, "reset").map(|()| Call::Reset)?,
        "clear-overrides" => arity(0, "clear-overrides").map(|()| Call::ClearOverrides)?,
        "scenario" => {
            arity(
                1,
                "scenario NAME [--node node-K] [--exporter JOB] [--delay SECS]",
            )?;
            Call::Scenario {
                name: positional.remove(0),
                params,
            }
        }
        "set" => {
            arity(
                2,
                "set METRIC VALUE|absent [--node node-K] [--label NAME=VALUE]...",
            )?;
            let value = set_value(&positional[1])?;
            Call::Set {
                metric: positional.remove(0),
                value,
                node: params.node,
                labels,
            }
        }
        other => {
            return Err(CliError::Args(format!(
                "unknown command {other:?}; see panopticon-sim --help"
            )));
        }
    };
    Ok(Command::Client {
        control: control.trim_end_matches('/').to_owned(),
        call,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &str, expect: Result<Command, &str>) {
        let argv: Vec<OsString> = args.split_whitespace().map(OsString::from).collect();
        let got = parse(argv, Env::default());
        match (&got, &expect) {
            (Ok(g), Ok(e)) => assert_eq!(g, e, "{args}"),
            (Err(g), Err(e)) => assert!(g.to_string().contains(e), "{args}: {g} lacks {e:?}"),
            _ => panic!("{args}: got {got:?}, want {expect:?}"),
        }
    }

    #[expect(
        clippy::unnecessary_wraps,
        reason = "rows of the table are expected results"
    )]
    fn client(call: Call) -> Result<Command, &'static str> {
        Ok(Command::Client {
            control: "http://127.0.0.1:9290".to_owned(),
            call,
        })
    }

    #[test]
    fn serve_args() {
        check(
            "serve",
            Ok(Command::Serve(ServeArgs {
                nodes: 4,
                listen: IpAddr::from([127, 0, 0, 1]),
                base_port: 9300,
                control_port: 9290,
                targets_file: None,
                seed: 1,
                aggregate: false,
            })),
        );
        check(
            "serve --nodes 5 --listen 127.0.0.2 --base-port 0 --control-port 0 --targets-file /tmp/t.json --seed 9",
            Ok(Command::Serve(ServeArgs {
                nodes: 5,
                listen: IpAddr::from([127, 0, 0, 2]),
                base_port: 0,
                control_port: 0,
                targets_file: Some(PathBuf::from("/tmp/t.json")),
                seed: 9,
                aggregate: false,
            })),
        );
        check(
            "serve --aggregate --nodes 1000",
            Ok(Command::Serve(ServeArgs {
                nodes: 1000,
                listen: IpAddr::from([127, 0, 0, 1]),
                base_port: 9300,
                control_port: 9290,
                targets_file: None,
                seed: 1,
                aggregate: true,
            })),
        );
        check("serve --nodes four", Err("--nodes \"four\" is not valid"));
        check(
            "serve --base-port 70000",
            Err("--base-port \"70000\" is not valid"),
        );
        check(
            "serve --listen localhost",
            Err("--listen \"localhost\" is not valid"),
        );
        check("serve --verbose", Err("invalid option '--verbose'"));
        check("", Err("missing command"));
        check("--help", Ok(Command::Help));
        check("help", Ok(Command::Help));
    }

    #[test]
    fn backfill_args() {
        check(
            "backfill --out /tmp/h.om",
            Ok(Command::Backfill(BackfillArgs {
                nodes: 4,
                seed: 1,
                seconds: 3600.0,
                step: 15.0,
                end: None,
                out: PathBuf::from("/tmp/h.om"),
            })),
        );
        check(
            "backfill --hours 0.5 --step 5 --end 1800000000 --nodes 3 --seed 7 --out h",
            Ok(Command::Backfill(BackfillArgs {
                nodes: 3,
                seed: 7,
                seconds: 1800.0,
                step: 5.0,
                end: Some(1_800_000_000.0),
                out: PathBuf::from("h"),
            })),
        );
        check("backfill", Err("backfill --out FILE"));
        check(
            "backfill --out h --hours 0",
            Err("--hours \"0\" is not valid"),
        );
        check("backfill --out h --hours 25", Err("at most 24"));
        check("backfill --out h --step 0.5", Err("--step"));
        check("backfill --out h --nodes 65", Err("--nodes"));
        check("backfill --out h --end -5", Err("--end"));
    }

    #[test]
    fn client_args() {
        check("scenarios", client(Call::Scenarios));
        check(
            "state --control http://127.0.0.1:1234/",
            Ok(Command::Client {
                control: "http://127.0.0.1:1234".to_owned(),
                call: Call::State,
            }),
        );
        check("reset", client(Call::Reset));
        check("clear-overrides", client(Call::ClearOverrides));
        check(
            "scenario exporter-down --node node-2 --exporter consul",
            client(Call::Scenario {
                name: "exporter-down".to_owned(),
                params: Params {
                    node: Some("node-2".to_owned()),
                    exporter: Some("consul".to_owned()),
                    delay: None,
                },
            }),
        );
        check(
            "set weave_connections 2 --node node-1 --label state=failed",
            client(Call::Set {
                metric: "weave_connections".to_owned(),
                value: Some(2.0),
                node: Some("node-1".to_owned()),
                labels: vec![("state".to_owned(), "failed".to_owned())],
            }),
        );
        check(
            "set node_load15 absent",
            client(Call::Set {
                metric: "node_load15".to_owned(),
                value: None,
                node: None,
                labels: vec![],
            }),
        );
        check("set node_load15 NaN", Err("expected a finite number"));
        check("set node_load15", Err("usage: panopticon-sim set"));
        check(
            "set node_load15 1 --label state",
            Err("expected NAME=VALUE"),
        );
        check("scenario", Err("usage: panopticon-sim scenario"));
        check("reset --node node-1", Err("reset does not take --node"));
        check(
            "scenario healthy --label a=b",
            Err("scenario does not take --label"),
        );
        check("explode", Err("unknown command \"explode\""));
    }

    #[test]
    fn env_sets_default_control() {
        let got = parse(
            vec!["state".into()],
            Env {
                control: Some("http://127.0.0.1:5555".to_owned()),
                ..Env::default()
            },
        )
        .unwrap();
        assert_eq!(
            got,
            Command::Client {
                control: "http://127.0.0.1:5555".to_owned(),
                call: Call::State
            }
        );
    }

    #[test]
    fn silence_args() {
        let am = |call| {
            Ok(Command::Alertmanager {
                url: DEFAULT_ALERTMANAGER.to_owned(),
                call,
            })
        };
        check(
            "silence weave",
            am(AlertmanagerCall::Silence {
                service: "weave".to_owned(),
                minutes: 60,
                comment: "weave in maintenance (panopticon-sim)".to_owned(),
                created_by: "panopticon-sim".to_owned(),
            }),
        );
        check(
            "silence consul --minutes 5 --comment upgrade --created-by bob --alertmanager http://127.0.0.1:9393/",
            Ok(Command::Alertmanager {
                url: "http://127.0.0.1:9393".to_owned(),
                call: AlertmanagerCall::Silence {
                    service: "consul".to_owned(),
                    minutes: 5,
                    comment: "upgrade".to_owned(),
                    created_by: "bob".to_owned(),
                },
            }),
        );
        check("silences", am(AlertmanagerCall::Silences));
        check(
            "unsilence 5df73ea5",
            am(AlertmanagerCall::Unsilence {
                id: "5df73ea5".to_owned(),
            }),
        );
        check("silence", Err("usage: panopticon-sim silence SERVICE"));
        check("silence a b", Err("usage: panopticon-sim silence SERVICE"));
        check(
            "silence weave --minutes 0",
            Err("--minutes \"0\" is not valid"),
        );
        check(
            "silence weave --minutes 600000",
            Err("expected 1 to 525600"),
        );
        check("silence weave --minutes soon", Err("--minutes \"soon\""));
        check(
            "silences --minutes 5",
            Err("silences does not take --minutes"),
        );
        check("unsilence", Err("usage: panopticon-sim unsilence"));
        check(
            "silence weave --node node-1",
            Err("invalid option '--node'"),
        );
        let from_env = parse(
            vec!["silence".into(), "host".into()],
            Env {
                alertmanager: Some("http://am:9093".to_owned()),
                user: Some("carol".to_owned()),
                ..Env::default()
            },
        )
        .unwrap();
        assert_eq!(
            from_env,
            Command::Alertmanager {
                url: "http://am:9093".to_owned(),
                call: AlertmanagerCall::Silence {
                    service: "host".to_owned(),
                    minutes: 60,
                    comment: "host in maintenance (panopticon-sim)".to_owned(),
                    created_by: "carol".to_owned(),
                },
            }
        );
    }

    fn check_request(call: Call, expect: (&str, &str, Option<&str>)) {
        let (method, path, body) = call.request();
        let json =
            |b: Option<&str>| b.map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap());
        assert_eq!(
            (method, path.as_str(), json(body.as_deref())),
            (expect.0, expect.1, json(expect.2))
        );
    }

    #[test]
    fn requests() {
        check_request(Call::Scenarios, ("GET", "/scenarios", None));
        check_request(Call::ClearOverrides, ("DELETE", "/overrides", None));
        check_request(
            Call::Scenario {
                name: "gluster-slow".to_owned(),
                params: Params {
                    node: Some("node-1".to_owned()),
                    exporter: None,
                    delay: Some("5".to_owned()),
                },
            },
            ("POST", "/scenario/gluster-slow?node=node-1&delay=5", None),
        );
        check_request(
            Call::Set {
                metric: "node_load15".to_owned(),
                value: Some(8.0),
                node: None,
                labels: vec![],
            },
            (
                "POST",
                "/override",
                Some(r#"{"labels":{},"metric":"node_load15","node":null,"value":8.0}"#),
            ),
        );
    }
}
