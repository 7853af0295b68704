//! `panopticon-sim`: see `cli::USAGE`.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc;

use panopticon_sim::backfill::Backfill;
use panopticon_sim::cli::{self, BackfillArgs, Command, ServeArgs};
use panopticon_sim::client;
use panopticon_sim::server::{self, Layout, Listen};
use panopticon_sim::silence;
use panopticon_sim::simulator::Simulator;
use panopticon_sim::target::{BoundTarget, file_sd};

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let env = cli::Env {
        control: std::env::var(cli::CONTROL_ENV).ok(),
        alertmanager: std::env::var(silence::ALERTMANAGER_ENV).ok(),
        user: std::env::var("USER").ok(),
    };
    match cli::parse(args, env) {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Serve(args)) => match serve(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("panopticon-sim: {message}");
                ExitCode::FAILURE
            }
        },
        Ok(Command::Backfill(args)) => match backfill(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("panopticon-sim: {message}");
                ExitCode::FAILURE
            }
        },
        Ok(Command::Client { control, call }) => print_reply(client::send(&control, &call)),
        Ok(Command::Alertmanager { url, call }) => {
            print_reply(client::send_alertmanager(&url, &call))
        }
        Err(e) => {
            eprintln!("panopticon-sim: {e}\n\n{}", cli::USAGE);
            ExitCode::from(2)
        }
    }
}

fn print_reply(reply: Result<String, client::ClientError>) -> ExitCode {
    match reply {
        Ok(reply) => {
            let reply = reply.trim_end();
            if !reply.is_empty() {
                println!("{reply}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("panopticon-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let sim = if args.aggregate {
        Simulator::new_aggregate(args.nodes, args.seed)
    } else {
        Simulator::new(args.nodes, args.seed)
    };
    let sim = Arc::new(sim.map_err(|e| e.to_string())?);
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| format!("cannot install the signal handler: {e}"))?;

    let listen = Listen {
        ip: args.listen,
        base_port: args.base_port,
        control_port: args.control_port,
        layout: if args.aggregate {
            Layout::Aggregate
        } else {
            Layout::PerTarget
        },
    };
    let running = server::start(Arc::clone(&sim), listen).map_err(|e| e.to_string())?;
    if let Some(path) = &args.targets_file {
        write_targets(path, &running.targets)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // One machine-readable line, so harnesses that asked for port 0 learn the ports.
    let ready = serde_json::json!({
        "event": "listening",
        "control": format!("http://{}", running.control),
        "nodes": args.nodes,
        "seed": args.seed,
        "aggregate": args.aggregate,
        "targets_file": args.targets_file,
        "targets": running.targets,
    });
    println!("{ready}");
    let _ = std::io::stdout().flush();

    // Blocks until SIGINT/SIGTERM (or the handler is dropped, which cannot happen here).
    let _ = stop_rx.recv();
    running.stop();
    println!("{}", serde_json::json!({ "event": "stopped" }));
    let _ = std::io::stdout().flush();
    Ok(())
}

/// Writes the history file (see `panopticon_sim::backfill`).
fn backfill(args: &BackfillArgs) -> Result<(), String> {
    let end = match args.end {
        Some(end) => end,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| format!("the clock is before 1970: {e}"))?
            .as_secs_f64(),
    };
    let text = Backfill {
        nodes: args.nodes,
        seed: args.seed,
        seconds: args.seconds,
        step: args.step,
        end_unix: end,
    }
    .openmetrics();
    std::fs::write(&args.out, text).map_err(|e| format!("cannot write {}: {e}", args.out.display()))
}

/// Writes the file atomically: Prometheus watches `file_sd` files and would otherwise
/// read a half-written document.
fn write_targets(path: &Path, targets: &[BoundTarget]) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(&file_sd(targets)).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, json + "\n")?;
    std::fs::rename(&tmp, path)
}
