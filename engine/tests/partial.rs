//! Property: a partial answer never makes anything greener than the full data.
//!
//! Thanos and Mimir answer a query some of whose stores did not answer with
//! 200 and `warnings`; `VictoriaMetrics` with `isPartial: true`. Either way the
//! series of the missing stores are simply absent, and a failing node's
//! series among them would vanish from a check. For random checks (several
//! rule kinds, N = 1..5, `for:` 0..2) on a second source of a random kind,
//! the engine judges the full data; then the answers are marked partial the
//! way that kind says it, a random subset of their series dropped, and judged
//! again, by a fresh engine and by one that saw the full data a refresh
//! earlier. Nothing may be healthy that was not with the full data, and
//! nothing rated from the partial answer may be healthy at all (the checks
//! on it, their service, its hard dependant, the cluster).

mod common;

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, QueryError, QueryResult};
use panopticon_engine::alerts::AlertAnswers;
use panopticon_engine::{Config, Engine, Snapshot};
use proptest::prelude::*;

use common::{instance_series, statuses, vector};

const T0: f64 = 1_700_000_000.0;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Above,
    Equals,
    Quorum,
    LabelState,
}

const KINDS: [Kind; 4] = [Kind::Above, Kind::Equals, Kind::Quorum, Kind::LabelState];
const ENGINES: [&str; 3] = ["thanos", "mimir", "victoriametrics"];
const STATES: [&str; 2] = ["established", "failed"];

fn rule(kind: Kind) -> &'static str {
    match kind {
        Kind::Above => "{ kind: threshold, direction: above, warning: 1, critical: 2 }",
        Kind::Equals => "{ kind: equals, expected: 1, otherwise: critical }",
        Kind::Quorum => "{ kind: quorum }",
        Kind::LabelState => {
            "{ kind: label_state, label: state, states: { established: healthy, failed: critical }, expect: { state: established, count: all, shortfall: critical } }"
        }
    }
}

fn config(kind: Kind, engine: &str, n: u32, hold: u32, up: bool) -> Config {
    let up = if up { "    up: up\n" } else { "" };
    let yaml = format!(
        "
instances: {n}
datasources:
  - name: main
  - name: eu
    kind: {engine}
    base_url: /sources/eu
services:
  - id: svc
    source: eu
{up}    checks:
      - id: v
        query: v
        for: {hold}
        rule: {}
  - id: app
    depends_on: [{{ service: svc, strength: hard }}]
  - id: local
    checks:
      - id: l
        query: v
        rule: {}
",
        rule(kind),
        rule(kind)
    );
    Config::from_yaml("t.yaml", &yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// The full answers of `v` and `up`.
fn full_data(
    kind: Kind,
    values: &[Vec<f64>],
    at: f64,
) -> HashMap<&'static str, Vec<InstantSeries>> {
    let mut v = Vec::new();
    let mut up = Vec::new();
    for (i, vals) in values.iter().enumerate() {
        let states = matches!(kind, Kind::LabelState).then_some(&STATES[..]);
        v.extend(instance_series(i, states, vals, at));
        let alive = *vals.last().unwrap_or(&1.0);
        up.extend(instance_series(i, None, &[alive], at));
    }
    HashMap::from([("v", v), ("up", up)])
}

/// How the partial answer is said.
#[derive(Debug, Clone, Copy)]
struct Partial {
    /// Which of `v`, `up` (bits 0, 1) is partial; at least one.
    which: u8,
    /// Which series are dropped (bit i: the i-th, of each partial answer).
    dropped: u64,
}

fn answers(
    data: &HashMap<&'static str, Vec<InstantSeries>>,
    engine: &str,
    partial: Option<Partial>,
) -> HashMap<String, Result<QueryResult, QueryError>> {
    data.iter()
        .map(|(q, all)| {
            let bit = u8::from(*q == "up");
            let marked = partial.filter(|p| p.which & (1 << bit) != 0);
            let kept: Vec<InstantSeries> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| marked.is_none_or(|p| p.dropped & (1 << (i % 64)) == 0))
                .map(|(_, s)| s.clone())
                .collect();
            let vm = engine == "victoriametrics";
            let r = QueryResult {
                warnings: if marked.is_some() && !vm {
                    vec!["No StoreAPIs matched for this query".to_owned()]
                } else {
                    vec![]
                },
                is_partial: marked.is_some() && vm,
                ..vector(kept)
            };
            ((*q).to_owned(), Ok(r))
        })
        .collect()
}

/// The default source always answers in full; `eu` as given.
fn judge(
    e: &mut Engine,
    data: &HashMap<&'static str, Vec<InstantSeries>>,
    engine: &str,
    partial: Option<Partial>,
    at: f64,
) -> Snapshot {
    let main = answers(data, engine, None);
    let eu = answers(data, engine, partial);
    e.evaluate_sources(at, &[main, eu], &AlertAnswers::default())
}

fn values(kind: Kind, n: u32) -> BoxedStrategy<Vec<Vec<f64>>> {
    let n = n as usize;
    let one = |set: Vec<f64>| proptest::sample::select(set);
    let nf = f64::from(u32::try_from(n).unwrap_or(1));
    // The last value of each instance is its `up`.
    match kind {
        Kind::Above => prop::collection::vec(
            (one(vec![0.0, 1.0, 1.5, 2.0, 3.0]), one(vec![0.0, 1.0, 1.0]))
                .prop_map(|(a, u)| vec![a, u]),
            n,
        )
        .boxed(),
        Kind::Equals => prop::collection::vec(
            (one(vec![0.0, 1.0, 1.0, 2.0]), one(vec![0.0, 1.0, 1.0])).prop_map(|(a, u)| vec![a, u]),
            n,
        )
        .boxed(),
        Kind::Quorum => prop::collection::vec(
            (one(vec![0.0, nf - 1.0, nf, nf]), one(vec![0.0, 1.0, 1.0]))
                .prop_map(|(a, u)| vec![a.max(0.0), u]),
            n,
        )
        .boxed(),
        Kind::LabelState => prop::collection::vec(
            (
                one(vec![0.0, 1.0, 1.0]),
                one(vec![0.0, 0.0, 1.0]),
                one(vec![0.0, 1.0, 1.0]),
            )
                .prop_map(|(a, b, u)| vec![a, b, u]),
            n,
        )
        .boxed(),
    }
}

type Case = (Kind, &'static str, u32, u32, bool, Vec<Vec<f64>>, Partial);

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::sample::select(KINDS.to_vec()),
        proptest::sample::select(ENGINES.to_vec()),
        1..=5u32,
        0..=2u32,
        any::<bool>(),
    )
        .prop_flat_map(|(kind, engine, n, hold, up)| {
            (
                Just(kind),
                Just(engine),
                Just(n),
                Just(hold),
                Just(up),
                values(kind, n),
                (1..=3u8, any::<u64>()).prop_map(|(which, dropped)| Partial { which, dropped }),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn a_partial_answer_never_turns_anything_green(
        (kind, engine, n, hold, up, vals, partial) in case()
    ) {
        let config = config(kind, engine, n, hold, up);
        let full = full_data(kind, &vals, T0);
        // Statuses: [svc, app, local, cluster].
        let whole = statuses(&judge(&mut Engine::new(config.clone()), &full, engine, None, T0));

        let later = T0 + 15.0;
        let data = full_data(kind, &vals, later);
        // `up` is partial only where the check reads it.
        let partial = Partial { which: if up { partial.which } else { 1 }, ..partial };
        let fresh = statuses(&judge(&mut Engine::new(config.clone()), &data, engine, Some(partial), later));
        let mut seasoned = Engine::new(config);
        judge(&mut seasoned, &full, engine, None, T0);
        let seasoned = statuses(&judge(&mut seasoned, &data, engine, Some(partial), later));

        for (i, w) in whole.iter().enumerate() {
            if *w != Status::Healthy {
                prop_assert_ne!(fresh[i], Status::Healthy, "fresh engine, status {}: {:?} → {:?}", i, whole, fresh);
                prop_assert_ne!(seasoned[i], Status::Healthy, "engine with memory, status {}: {:?} → {:?}", i, whole, seasoned);
            }
        }
        // svc, app (hard dependant) and the cluster were rated from the partial answer.
        for i in [0, 1, 3] {
            prop_assert_ne!(fresh[i], Status::Healthy, "fresh engine, status {}: {:?}", i, fresh);
            prop_assert_ne!(seasoned[i], Status::Healthy, "engine with memory, status {}: {:?}", i, seasoned);
        }
        // The default source's own service is judged from its full answer.
        prop_assert_eq!(fresh[2], whole[2]);
    }
}
