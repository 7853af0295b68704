//! Times one layout of the benchmark's diagram (`diagramConfig` in
//! `bench/lib/configs.mjs`, mirrored here: the same generator, seed, ids and edge
//! order, so `1000 2000` is the very graph the page benchmark loads) and reports its
//! crossings.
//!
//! `cargo run --release -p panopticon-layout --example scale -- [SERVICES] [EDGES] [RUNS]`
//!
//! With `GRAPH=FILE` it lays out that graph instead: lines `node ID NAME_LENGTH` and
//! `edge FROM TO`. `LAYERS=6` changes the generated stack's layers (default 8).
//! `DENSITY=compact` or `DENSITY=tiles` sizes boxes and gaps as the app does for that
//! density (default `full`); `ASPECT=2.6` lays it out for a box of that width ÷ height
//! (long layers wrapped into rows, as the app does for its panel) and reports the scale
//! at which the drawing fits a box of that shape 1,000 units high. `STEPS=1` also
//! times one run as a `LayoutJob`, slice by slice.

// A benchmark's arithmetic on small counts: the casts cannot lose anything that matters.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::time::Instant;

use panopticon_layout::{Edge, LayoutJob, Node, Options, layout};

/// mulberry32, as `rng` in `bench/lib/configs.mjs`.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 0x3d));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

const WORDS: [&str; 20] = [
    "api", "auth", "billing", "cart", "catalog", "search", "mail", "queue", "cache", "db",
    "ledger", "media", "report", "export", "import", "audit", "session", "pricing", "stock",
    "ship",
];
const KINDS: [&str; 10] = [
    "gateway",
    "worker",
    "store",
    "service",
    "index",
    "proxy",
    "sync",
    "scheduler",
    "feed",
    "bridge",
];

/// A graph to lay out: ids with the length of the name the app sizes each box by,
/// and edges as indices into them.
type Graph = (Vec<(String, usize)>, Vec<(usize, usize)>);

/// The benchmark's stack, edges in configuration order (per service, its
/// dependencies in turn). A name is as long as its id there.
fn stack(services: usize, edge_count: usize, layers: usize) -> Graph {
    let mut rand = Rng(7);
    let per_layer = services.div_ceil(layers);
    let ids: Vec<(String, usize)> = (0..services)
        .map(|i| {
            let word = WORDS[i % WORDS.len()];
            let kind = KINDS[(i / WORDS.len()) % KINDS.len()];
            let id = format!("{word}-{kind}-{i}");
            let chars = id.chars().count();
            (id, chars)
        })
        .collect();
    let mut depends_on: Vec<Vec<usize>> = vec![Vec::new(); services];
    let mut seen = std::collections::HashSet::new();
    while seen.len() < edge_count.min(services * services / 2) {
        let from = per_layer + (rand.next() * (services - per_layer) as f64) as usize;
        let layer = from / per_layer;
        let down = 1 + (rand.next() * rand.next() * layer as f64) as usize;
        let start = layer.saturating_sub(down) * per_layer;
        let to = start + (rand.next() * per_layer.min(services - start) as f64) as usize;
        if to >= from || !seen.insert((from, to)) {
            continue;
        }
        depends_on[from].push(to);
        // The configuration draws each edge's strength; keep the sequence in step.
        rand.next();
    }
    let edges = depends_on
        .iter()
        .enumerate()
        .flat_map(|(from, list)| list.iter().map(move |&to| (from, to)))
        .collect();
    (ids, edges)
}

/// Box size for a name of `chars` characters and gaps (layer, node, edge), as
/// the app's densities use them.
fn density(chars: usize, kind: &str) -> ((f64, f64), (f64, f64, f64)) {
    let chars = chars as f64;
    match kind {
        "tiles" => ((40.0, 40.0), (30.0, 12.0, 7.0)),
        "compact" => (
            ((chars * 18.0 * 0.66 + 48.0).clamp(120.0, 340.0), 40.0),
            (36.0, 20.0, 10.0),
        ),
        _ => (
            ((chars * 17.0 * 0.62 + 24.0).clamp(160.0, 340.0), 72.0),
            (52.0, 28.0, 14.0),
        ),
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let services = args.next().flatten().unwrap_or(200).max(2);
    let edge_count = args.next().flatten().unwrap_or(400);
    let runs = args.next().flatten().unwrap_or(20).max(1);
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
    let layers = env("LAYERS").map_or(8, |l| l as usize).max(2);
    let kind = std::env::var("DENSITY").unwrap_or_default();
    let aspect = env("ASPECT");
    let (named, pairs) = match std::env::var("GRAPH") {
        Ok(file) => read_graph(&file),
        Err(_) => stack(services, edge_count, layers),
    };
    let nodes: Vec<Node> = named
        .iter()
        .map(|(id, chars)| {
            let ((w, h), _) = density(*chars, &kind);
            Node::new(id.clone(), w, h)
        })
        .collect();
    let edges: Vec<Edge> = pairs
        .iter()
        .map(|&(a, b)| Edge::new(named[a].0.clone(), named[b].0.clone()))
        .collect();
    let (services, edge_count) = (nodes.len(), edges.len());
    let (_, (layer_gap, node_gap, edge_gap)) = density(0, &kind);
    let options = Options {
        layer_gap: env("LAYER_GAP").unwrap_or(layer_gap),
        node_gap: env("NODE_GAP").unwrap_or(node_gap),
        edge_gap: env("EDGE_GAP").unwrap_or(edge_gap),
        margin: 12.0,
        aspect,
    };
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..runs {
        let t = Instant::now();
        result = Some(layout(&nodes, &edges, &options).expect("a DAG lays out"));
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let l = result.expect("at least one run");
    if std::env::var_os("STEPS").is_some() {
        println!("{}", slices(&nodes, &edges, &options));
    }
    let fit = aspect.map_or(String::new(), |a| {
        let scale = (a * 1000.0 / l.width).min(1000.0 / l.height);
        format!(" (scale in a {:.0} × 1000 box: {scale:.3})", a * 1000.0)
    });
    println!(
        "{services} services, {edge_count} edges: {:.0} × {:.0} units in {} rows{fit}, {} crossings; layout min {:.2} ms, median {:.2} ms, max {:.2} ms ({runs} runs); digest {:016x}",
        l.width,
        l.height,
        l.layers,
        l.crossings,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        digest(&format!("{l:?}"))
    );
}

/// One layout as a [`LayoutJob`], each slice timed: what a page that yields
/// between steps would hold its thread for at most.
fn slices(nodes: &[Node], edges: &[Edge], options: &Options) -> String {
    let mut times = Vec::new();
    let t = Instant::now();
    let mut job = LayoutJob::new(nodes, edges, options).expect("a DAG lays out");
    times.push(t.elapsed().as_secs_f64() * 1000.0);
    loop {
        let t = Instant::now();
        let done = job.step();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if done {
            break;
        }
    }
    let t = Instant::now();
    let l = job.finish();
    times.push(t.elapsed().as_secs_f64() * 1000.0);
    let longest = times.iter().copied().fold(0.0, f64::max);
    let list: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
    format!(
        "in slices (new, {} steps, finish): longest {longest:.2} ms, in all {:.2} ms, {} crossings: {}",
        times.len() - 2,
        times.iter().sum::<f64>(),
        l.crossings,
        list.join(" ")
    )
}

/// FNV-1a of the whole layout's debug text: two builds that print the same digest
/// drew the same picture, to the last bit of every coordinate.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Nodes and edges from a `node ID NAME_LENGTH` / `edge FROM TO` file.
fn read_graph(file: &str) -> Graph {
    let text = std::fs::read_to_string(file).expect("read the graph file");
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    let mut index = std::collections::HashMap::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["node", id, len] => {
                index.insert((*id).to_owned(), nodes.len());
                nodes.push(((*id).to_owned(), len.parse().unwrap_or(10)));
            }
            ["edge", from, to] => {
                let find = |id: &str| *index.get(id).expect("edges name listed nodes");
                edges.push((find(from), find(to)));
            }
            _ => {}
        }
    }
    (nodes, edges)
}
