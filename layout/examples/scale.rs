//! Times one layout of a generated stack (the benchmark's diagram shape: services
//! in layers, dependencies mostly to the layer below, sometimes further down) and
//! reports its crossings.
//!
//! `cargo run --release -p panopticon-layout --example scale -- [SERVICES] [EDGES] [RUNS]`
//!
//! With `GRAPH=FILE` it lays out that graph instead: lines `node ID NAME_LENGTH` and
//! `edge FROM TO` (e.g. the benchmark's diagram configuration, converted). `LAYERS=6`
//! changes the generated stack's layers (default 8); `ASPECT=2.6` lays it out for a box of
//! that width ÷ height (long layers wrapped into rows) and reports the scale at which
//! the drawing fits a box of that shape 1,000 units high.

// A benchmark's arithmetic on small counts: the casts cannot lose anything that matters.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::time::Instant;

use panopticon_layout::{Edge, Node, Options, layout};

/// A small deterministic generator (xorshift), so every run lays out the same graph.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let services = args.next().flatten().unwrap_or(200);
    let edge_count = args.next().flatten().unwrap_or(400);
    let runs = args.next().flatten().unwrap_or(20);
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
    let layers = env("LAYERS").map_or(8, |l| l as usize);
    let aspect = env("ASPECT");
    let per_layer = services.div_ceil(layers);
    let height = env("HEIGHT").unwrap_or(72.0);
    let nodes: Vec<Node> = (0..services)
        .map(|i| Node::new(format!("s{i}"), 160.0 + (i % 5) as f64 * 20.0, height))
        .collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    while edges.len() < edge_count {
        let from = per_layer + (rng.next() * (services - per_layer) as f64) as usize;
        let layer = from / per_layer;
        let down = 1 + (rng.next() * rng.next() * layer as f64) as usize;
        let start = layer.saturating_sub(down) * per_layer;
        let to = start + (rng.next() * per_layer.min(services - start) as f64) as usize;
        if to >= from || !seen.insert((from, to)) {
            continue;
        }
        edges.push(Edge::new(format!("s{from}"), format!("s{to}")));
    }
    let (nodes, edges) = match std::env::var("GRAPH") {
        Ok(file) => read_graph(&file),
        Err(_) => (nodes, edges),
    };
    let (services, edge_count) = (nodes.len(), edges.len());
    let options = Options {
        layer_gap: env("LAYER_GAP").unwrap_or(52.0),
        node_gap: env("NODE_GAP").unwrap_or(28.0),
        edge_gap: env("EDGE_GAP").unwrap_or(14.0),
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
    let fit = aspect.map_or(String::new(), |a| {
        let scale = (a * 1000.0 / l.width).min(1000.0 / l.height);
        format!(" (scale in a {:.0} × 1000 box: {scale:.3})", a * 1000.0)
    });
    println!(
        "{services} services, {edge_count} edges: {:.0} × {:.0} units in {} rows{fit}, {} crossings; layout min {:.2} ms, median {:.2} ms, max {:.2} ms ({runs} runs)",
        l.width,
        l.height,
        l.layers,
        l.crossings,
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

/// Nodes and edges from a `node ID NAME_LENGTH` / `edge FROM TO` file.
fn read_graph(file: &str) -> (Vec<Node>, Vec<Edge>) {
    let text = std::fs::read_to_string(file).expect("read the graph file");
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["node", id, len] => {
                let chars: f64 = len.parse().unwrap_or(10.0);
                nodes.push(Node::new(
                    *id,
                    (chars * 17.0 * 0.62 + 24.0).clamp(160.0, 340.0),
                    72.0,
                ));
            }
            ["edge", from, to] => edges.push(Edge::new(*from, *to)),
            _ => {}
        }
    }
    (nodes, edges)
}
