//! Property: corrupting the data never turns green what was not green.
//!
//! For random checks (every rule kind, both aggregations, N = 1..5) and
//! random values, the engine judges the full data; then one corruption is
//! applied — a NaN or ±Inf value, an exact duplicate series, the same series
//! from a second job, a stripped instance label, a label-less copy, or every
//! series of one instance dropped — and judged again, by a fresh engine and
//! by one that saw the full data a refresh earlier. Neither may call a
//! service or the cluster healthy that was not healthy with the full data.

mod common;

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, QueryError, QueryResult};
use panopticon_engine::{Config, Engine, Snapshot};
use proptest::prelude::*;

use common::{instance_series, statuses, vector};

const T0: f64 = 1_700_000_000.0;
const STATES: [&str; 3] = ["established", "connecting", "failed"];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Above,
    Below,
    Equals,
    Quorum,
    Peers,
    Ratio,
    LabelState,
}

const KINDS: [Kind; 7] = [
    Kind::Above,
    Kind::Below,
    Kind::Equals,
    Kind::Quorum,
    Kind::Peers,
    Kind::Ratio,
    Kind::LabelState,
];

fn rule(kind: Kind) -> &'static str {
    match kind {
        Kind::Above => "{ kind: threshold, direction: above, warning: 1, critical: 2 }",
        Kind::Below => "{ kind: threshold, direction: below, warning: 2, critical: 1 }",
        Kind::Equals => "{ kind: equals, expected: 1, otherwise: critical }",
        Kind::Quorum => "{ kind: quorum }",
        Kind::Peers => "{ kind: peers }",
        Kind::Ratio => "{ kind: ratio, denominator: d, direction: above, warning: 1, critical: 2 }",
        Kind::LabelState => {
            "{ kind: label_state, label: state, states: { established: healthy, connecting: warning, failed: critical }, expect: { state: established, count: peers, shortfall: critical } }"
        }
    }
}

fn config(kind: Kind, n: u32, quorum: bool) -> Config {
    let aggregate = if quorum { "quorum" } else { "worst" };
    let yaml = format!(
        "
instances: {n}
services:
  - id: svc
    checks:
      - id: v
        query: v
        aggregate: {aggregate}
        rule: {}
  - id: app
    depends_on: [{{ service: svc, strength: hard }}]
",
        rule(kind)
    );
    Config::from_yaml("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

#[derive(Debug, Clone, Copy)]
enum Corruption {
    Value(f64),
    Duplicate,
    SecondJob,
    StripInstance,
    LabelLessCopy,
    DropInstance,
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        Just(Corruption::Value(f64::NAN)),
        Just(Corruption::Value(f64::INFINITY)),
        Just(Corruption::Value(f64::NEG_INFINITY)),
        Just(Corruption::Duplicate),
        Just(Corruption::SecondJob),
        Just(Corruption::StripInstance),
        Just(Corruption::LabelLessCopy),
        Just(Corruption::DropInstance),
    ]
}

/// The full answers: the check's query `v` and, for ratios, `d`.
fn full_data(
    kind: Kind,
    values: &[Vec<f64>],
    at: f64,
) -> HashMap<&'static str, Vec<InstantSeries>> {
    let mut v = Vec::new();
    let mut d = Vec::new();
    for (i, vals) in values.iter().enumerate() {
        match kind {
            Kind::LabelState => v.extend(instance_series(i, Some(&STATES), vals, at)),
            Kind::Ratio => {
                v.extend(instance_series(i, None, &vals[..1], at));
                d.extend(instance_series(i, None, &vals[1..], at));
            }
            _ => v.extend(instance_series(i, None, vals, at)),
        }
    }
    HashMap::from([("v", v), ("d", d)])
}

fn corrupt(
    data: &mut HashMap<&'static str, Vec<InstantSeries>>,
    c: Corruption,
    pick: usize,
    in_divisor: bool,
) {
    let query = if in_divisor && !data["d"].is_empty() {
        "d"
    } else {
        "v"
    };
    let list = data.get_mut(query).unwrap_or_else(|| unreachable!());
    if list.is_empty() {
        return;
    }
    let i = pick % list.len();
    match c {
        Corruption::Value(x) => {
            if let Some(s) = &mut list[i].sample {
                s.value = x;
            }
        }
        Corruption::Duplicate => list.push(list[i].clone()),
        Corruption::SecondJob => {
            let mut copy = list[i].clone();
            copy.labels.insert("job".to_owned(), "j2".to_owned());
            list.push(copy);
        }
        Corruption::StripInstance => {
            list[i].labels.remove("instance");
        }
        Corruption::LabelLessCopy => {
            let mut copy = list[i].clone();
            copy.labels.remove("instance");
            list.push(copy);
        }
        Corruption::DropInstance => {
            let instance = list[i].labels.get("instance").cloned();
            for q in ["v", "d"] {
                if let Some(l) = data.get_mut(q) {
                    l.retain(|s| s.labels.get("instance") != instance.as_ref());
                }
            }
        }
    }
}

fn judge(e: &mut Engine, data: &HashMap<&'static str, Vec<InstantSeries>>, at: f64) -> Snapshot {
    let results: HashMap<String, Result<QueryResult, QueryError>> = data
        .iter()
        .map(|(q, s)| ((*q).to_owned(), Ok(vector(s.clone()))))
        .collect();
    e.evaluate(at, &results)
}

/// Values per instance: a small set around the levels, so every status occurs.
fn values(kind: Kind, n: u32) -> BoxedStrategy<Vec<Vec<f64>>> {
    let n = n as usize;
    let one = |set: Vec<f64>| proptest::sample::select(set);
    let nf = f64::from(u32::try_from(n).unwrap_or(1));
    match kind {
        Kind::Above | Kind::Below => prop::collection::vec(
            prop::collection::vec(one(vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]), 1),
            n,
        )
        .boxed(),
        Kind::Equals => {
            prop::collection::vec(prop::collection::vec(one(vec![0.0, 1.0, 2.0]), 1), n).boxed()
        }
        Kind::Quorum | Kind::Peers => prop::collection::vec(
            prop::collection::vec(one(vec![0.0, 1.0, nf - 2.0, nf - 1.0, nf, nf + 1.0]), 1),
            n,
        )
        .boxed(),
        Kind::Ratio => prop::collection::vec(
            (one(vec![0.0, 1.0, 2.0, 3.0, 5.0]), one(vec![1.0, 2.0, 4.0]))
                .prop_map(|(a, b)| vec![a, b]),
            n,
        )
        .boxed(),
        Kind::LabelState => prop::collection::vec(
            (
                one(vec![nf - 2.0, nf - 1.0, nf]),
                one(vec![0.0, 1.0]),
                one(vec![0.0, 1.0]),
            )
                .prop_map(|(a, b, c)| vec![a.max(0.0), b, c]),
            n,
        )
        .boxed(),
    }
}

fn case() -> impl Strategy<Value = (Kind, u32, bool, Vec<Vec<f64>>, Corruption, usize, bool)> {
    (
        proptest::sample::select(KINDS.to_vec()),
        1..=5u32,
        any::<bool>(),
    )
        .prop_flat_map(|(kind, n, quorum)| {
            (
                Just(kind),
                Just(n),
                Just(quorum),
                values(kind, n),
                corruption(),
                0..64usize,
                any::<bool>(),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn corruption_never_turns_anything_green(
        (kind, n, quorum, vals, c, pick, in_divisor) in case()
    ) {
        let config = config(kind, n, quorum);
        let full = full_data(kind, &vals, T0);
        let whole = statuses(&judge(&mut Engine::new(config.clone()), &full, T0));

        let later = T0 + 15.0;
        let mut bad = full_data(kind, &vals, later);
        corrupt(&mut bad, c, pick, in_divisor);
        let fresh = statuses(&judge(&mut Engine::new(config.clone()), &bad, later));
        let mut seasoned = Engine::new(config);
        judge(&mut seasoned, &full, T0);
        let seasoned = statuses(&judge(&mut seasoned, &bad, later));

        for (i, w) in whole.iter().enumerate() {
            if *w != Status::Healthy {
                prop_assert_ne!(fresh[i], Status::Healthy, "fresh engine, status {} of {:?}: {:?} → {:?}", i, c, whole, fresh);
                prop_assert_ne!(seasoned[i], Status::Healthy, "engine with memory, status {} of {:?}: {:?} → {:?}", i, c, whole, seasoned);
            }
        }
    }
}
