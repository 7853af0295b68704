//! `for:` holds, transitions and bounded history.

// Tables of tuples are the point of these tests; times are exact by construction.
#![allow(clippy::type_complexity, clippy::float_cmp)]

use std::collections::HashMap;

use panopticon_core::Status;
use panopticon_core::prom::{InstantSeries, Labels, QueryData, QueryError, QueryResult, Sample};

use super::Engine;
use crate::config::Config;

const YAML: &str = "
history: 3
services:
  - id: db
    name: DB
    checks:
      - id: up
        query: db_up
        rule: { kind: equals, expected: 1 }
        for: 3
  - id: web
    name: Web
    depends_on: [{ service: db, strength: hard }]
";

fn engine() -> Engine {
    Engine::new(Config::from_yaml("t.yaml", YAML).unwrap_or_else(|e| panic!("{e}")))
}

fn results(value: f64, now: f64) -> HashMap<String, Result<QueryResult, QueryError>> {
    let labels: Labels = [("instance".to_owned(), "db-1".to_owned())]
        .into_iter()
        .collect();
    let data = QueryData::Vector(vec![InstantSeries {
        labels,
        sample: Some(Sample {
            timestamp: now,
            value,
        }),
        histogram: None,
    }]);
    HashMap::from([(
        "db_up".to_owned(),
        Ok(QueryResult {
            data,
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }),
    )])
}

#[test]
fn queries_are_distinct_and_stable() {
    assert_eq!(engine().queries(), vec!["db_up".to_owned()]);
}

#[test]
fn unknown_is_never_held() {
    use Status::{Critical as C, Healthy as H, Unknown as U};
    let mut e = engine();
    let nan = |now| results(f64::NAN, now);
    // (results, shown db status)
    let steps: Vec<(HashMap<String, Result<QueryResult, QueryError>>, Status)> = vec![
        (nan(100.0), U),          // NaN: unknown at once (first evaluation)
        (results(1.0, 110.0), H), // real data: healthy at once, no hold
        (nan(120.0), U),          // missing data is never held
        (results(1.0, 130.0), H),
        (nan(140.0), U),
        (results(0.0, 150.0), C), // and leaving unknown is immediate again
    ];
    for (i, (r, shown)) in steps.iter().enumerate() {
        let now = 100.0 + 10.0 * i as f64;
        let s = e.evaluate(now, r);
        assert_eq!(s.services[0].own, *shown, "step {i}");
    }
}

#[test]
fn hold_needs_consecutive_evaluations() {
    use Status::{Critical as C, Healthy as H};
    // (db_up value, shown db status, pending (to, seen))
    let table: &[(f64, Status, Option<(Status, u32)>)] = &[
        (1.0, H, None), // the first evaluation shows at once
        (0.0, H, Some((C, 1))),
        (0.0, H, Some((C, 2))),
        (1.0, H, None), // the blip is over: nothing happened
        (0.0, H, Some((C, 1))),
        (0.0, H, Some((C, 2))),
        (0.0, C, None),         // held for 3: now critical
        (1.0, C, Some((H, 1))), // recovery is held too
        (1.0, C, Some((H, 2))),
        (1.0, H, None),
    ];
    let mut e = engine();
    for (i, &(value, shown, pending)) in table.iter().enumerate() {
        let now = 100.0 + 10.0 * i as f64;
        let s = e.evaluate(now, &results(value, now));
        let db = &s.services[0];
        assert_eq!(db.own, shown, "step {i}");
        assert_eq!(s.services[1].effective, shown, "step {i}: web follows db");
        let check = &db.checks[0];
        assert_eq!(check.pending.map(|p| (p.to, p.seen)), pending, "step {i}");
        if let Some(p) = check.pending {
            assert_eq!(p.needed, 3);
            let note = format!("{} pending {}/3 (showing {shown})", p.to, p.seen);
            assert!(
                check.outcome.reason.ends_with(&note),
                "{}",
                check.outcome.reason
            );
            assert!(
                db.reasons.iter().any(|r| r.ends_with(&note)),
                "a held change is read where the status is: {:?}",
                db.reasons
            );
        }
    }
    let db = e.evaluate(300.0, &results(1.0, 300.0));
    let t: Vec<(f64, Status, Status)> = db.services[0]
        .transitions
        .iter()
        .map(|t| (t.at, t.from, t.to))
        .collect();
    assert_eq!(t, vec![(160.0, H, C), (190.0, C, H)]);
    assert_eq!(
        db.services[0].transitions[0].cause,
        "DB: up — db-1: up is 0, expected 1"
    );
    assert_eq!(
        db.services[1].transitions[0].cause,
        "Web: critical — impacted by DB"
    );
    assert_eq!(
        db.services[0].transitions[1].cause,
        "DB: all checks and dependencies healthy"
    );
    assert_eq!(db.recent.len(), 4);
    assert_eq!(db.recent[0].transition.at, 190.0);
}

#[test]
fn history_is_bounded() {
    let mut e = Engine::new(
        Config::from_yaml("t.yaml", &YAML.replace("for: 3", "for: 1"))
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mut last = None;
    for i in 0..10 {
        let now = f64::from(i);
        let value = f64::from(i % 2);
        last = Some(e.evaluate(now, &results(value, now)));
    }
    let s = last.unwrap_or_else(|| unreachable!());
    let at: Vec<f64> = s.services[0].transitions.iter().map(|t| t.at).collect();
    assert_eq!(at, vec![7.0, 8.0, 9.0]);
}

#[test]
fn silent_instance_is_named_after_it_was_seen() {
    let mut e = engine();
    e.evaluate(1.0, &results(1.0, 1.0));
    let empty = HashMap::from([(
        "db_up".to_owned(),
        Ok(QueryResult {
            data: QueryData::Vector(vec![]),
            warnings: vec![],
            infos: vec![],
            is_partial: false,
        }),
    )]);
    let s = e.evaluate(2.0, &empty);
    let v = &s.services[0].checks[0].outcome.instances;
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].instance.as_str(), v[0].status, v[0].reason.as_str()),
        (
            "db-1",
            Status::Unknown,
            "no data (reported before, now silent)"
        )
    );
}

mod memory {
    use proptest::prelude::*;

    use super::super::CheckState;

    /// The memory as first written (a map, then one sort): slow at 1,000
    /// nodes, plainly right. The fast update must agree with it exactly.
    fn reference(old: &[(String, f64)], seen: &[&str], now: f64, n: u32) -> Vec<(String, f64)> {
        let mut last: std::collections::HashMap<String, f64> = old.iter().cloned().collect();
        for name in seen {
            last.insert((*name).to_owned(), now);
        }
        let mut out: Vec<(String, f64)> = last.into_iter().collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.truncate(2 * n as usize + 2);
        out
    }

    fn state(s: &CheckState) -> Vec<(String, f64)> {
        s.seen
            .iter()
            .cloned()
            .zip(s.seen_at.iter().copied())
            .collect()
    }

    proptest! {
        /// Rounds of (which of ten instances report, or the same as last
        /// time (the usual case); how the clock moves: on, not at all, or back).
        #[test]
        fn remember_agrees_with_the_plain_version(
            rounds in prop::collection::vec(
                (prop::option::weighted(0.6, prop::collection::btree_set(0..10_u8, 0..10)), -1..3_i8),
                1..12,
            ),
            n in 1..6_u32,
        ) {
            let mut s = CheckState::default();
            let mut now = 100.0;
            let mut seen = std::collections::BTreeSet::new();
            for (fresh, step) in rounds {
                seen = fresh.unwrap_or(seen);
                now += f64::from(step);
                let names: Vec<String> = seen.iter().map(|k| format!("node-{k}")).collect();
                let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                let want = reference(&state(&s), &sorted, now, n);
                s.remember(&sorted, now, n);
                prop_assert_eq!(state(&s), want);
            }
        }
    }
}
