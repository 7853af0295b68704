//! How long one `Engine::evaluate` takes for an N-node reference cluster.
//!
//! The browser benchmark (`bench/figures/scale*.mjs`) measures the same call in
//! wasm behind a real Prometheus; this measures it natively, with inputs shaped
//! like the simulator's, so a change to the engine can be judged in seconds.
//! Wall time on a shared machine is noisy: run it under callgrind for
//! repeatable instruction counts of `Engine::evaluate` alone (the total then
//! covers `runs` + 1 calls: one healthy warm-up, then the scenario).
//!
//! ```text
//! cargo run --release -p panopticon-engine --example eval_scale -- --nodes 1000 --runs 50
//! valgrind --tool=callgrind --toggle-collect='panopticon_engine::evaluation::Engine::evaluate' \
//!     target/release/examples/eval_scale --nodes 1000 --runs 5 --scenario healthy
//! callgrind_annotate callgrind.out.<pid> | grep 'PROGRAM TOTALS'
//! ```
//!
//! Like the app, one engine is evaluated again and again (holds, history and
//! the memory of instances included); the inputs are rebuilt outside the timed
//! call for every run, with the clock moved on by a refresh interval.

#[path = "eval_scale/cluster.rs"]
mod cluster;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::process::ExitCode;
use std::time::Instant;

use panopticon_engine::{Config, Engine, Snapshot};

use cluster::Faults;

const USAGE: &str = "usage: eval_scale [--nodes N] [--runs R] [--scenario healthy|faults|both]";
const START: f64 = 1_700_000_000.0;

struct Args {
    nodes: usize,
    runs: usize,
    scenarios: Vec<&'static str>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        nodes: 1000,
        runs: 50,
        scenarios: vec!["healthy", "faults"],
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--nodes" => out.nodes = value.parse().map_err(|e| format!("--nodes: {e}"))?,
            "--runs" => out.runs = value.parse().map_err(|e| format!("--runs: {e}"))?,
            "--scenario" => {
                out.scenarios = match value.as_str() {
                    "healthy" => vec!["healthy"],
                    "faults" => vec!["faults"],
                    "both" => vec!["healthy", "faults"],
                    other => return Err(format!("unknown scenario {other:?}")),
                }
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if out.nodes < 10 || out.runs == 0 {
        return Err("--nodes must be at least 10 and --runs at least 1".to_owned());
    }
    Ok(out)
}

/// Three nodes in trouble, spread over the name order: two switched off,
/// one gone from the relay.
fn faults(scenario: &str, n: usize) -> Faults {
    match scenario {
        "healthy" => Faults::default(),
        _ => Faults {
            down: vec![3, n / 2],
            vanished: vec![n],
        },
    }
}

#[allow(clippy::cast_precision_loss)]
fn run(n: usize, runs: usize, scenario: &str) -> Result<(), String> {
    let yaml = cluster::reference_config(n);
    let config = Config::from_yaml("reference-cluster.yaml", &yaml).map_err(|e| e.to_string())?;
    let mut engine = Engine::new(config);
    let queries = engine.queries();
    // The app has seen the healthy cluster before anything breaks.
    engine.evaluate(
        START,
        &cluster::results(&queries, n, &Faults::default(), START),
    );
    let faults = faults(scenario, n);
    let mut times = Vec::with_capacity(runs);
    let mut last: Option<Snapshot> = None;
    for i in 1..=runs {
        let now = START + 15.0 * i as f64;
        let results = cluster::results(&queries, n, &faults, now);
        let started = Instant::now();
        let snapshot = engine.evaluate(now, &results);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(snapshot);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let (min, max) = (times[0], times[times.len() - 1]);
    let snapshot = last.ok_or("no run")?;
    println!(
        "{scenario:>8} N={n:<5} runs={runs:<4} min {min:7.2} ms  median {median:7.2} ms  max {max:7.2} ms"
    );
    println!(
        "         cluster {}, {} — reasons {}, snapshot fingerprint {:016x}",
        snapshot.cluster,
        brief(&snapshot.summary),
        snapshot
            .services
            .iter()
            .map(|s| s.reasons.len())
            .sum::<usize>(),
        fingerprint(&snapshot)
    );
    Ok(())
}

/// The summary's start: at 1,000 nodes it names hundreds of them.
fn brief(text: &str) -> String {
    const KEEP: usize = 100;
    match text.char_indices().nth(KEEP) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A hash of everything the snapshot says, to see at a glance that a faster
/// engine still says exactly the same (`DefaultHasher::new` is deterministic).
/// Field by field, so that internal bookkeeping may change.
fn fingerprint(snapshot: &Snapshot) -> u64 {
    let mut h = DefaultHasher::new();
    format!(
        "{} {:?} {:?} {:?} {:?}",
        snapshot.at, snapshot.cluster, snapshot.counts, snapshot.summary, snapshot.recent
    )
    .hash(&mut h);
    for s in &snapshot.services {
        format!(
            "{} {} {:?} {:?} {} {:?} {:?} {:?}",
            s.id,
            s.name,
            s.own,
            s.effective,
            s.is_root_cause,
            s.impacted_by,
            s.reasons,
            s.transitions
        )
        .hash(&mut h);
        for c in &s.checks {
            let o = &c.outcome;
            format!(
                "{} {} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?}",
                c.id,
                c.name,
                c.status,
                c.pending,
                o.status,
                o.instances,
                o.unnamed_missing,
                o.tally,
                o.reason,
                o.notes
            )
            .hash(&mut h);
        }
    }
    h.finish()
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    for scenario in &args.scenarios {
        if let Err(e) = run(args.nodes, args.runs, scenario) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
