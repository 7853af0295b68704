//! A second source's clock, and the texts that name a source.
//!
//! The evaluation time is the default source's (its `Date` header corrects
//! the browser's clock); a second source dates its answers by its own clock.
//! One that runs ahead (answers dated in the future) or behind (answers
//! older than its `stale_after_secs`) must make its checks `unknown`, saying
//! which source, while the default source's checks stay as they are. Each
//! test below is an attempt to make such a check show green anyway: a `for:`
//! hold, a partial answer then a skewed one, a quorum with one skewed
//! member, a browser clock that is off too.

// Times are exact by construction.
#![allow(clippy::float_cmp)]

use common::vector;
use panopticon_core::Status::{self, Healthy as H, Unknown as U};
use panopticon_core::clock::ClockReading;
use panopticon_core::prom::{InstantSeries, QueryError};
use panopticon_engine::monitor::Outcomes;
use panopticon_engine::{Config, Freshness, Monitor, OnScreen};

mod common;

const T0: f64 = 1_700_000_000.0;

/// `db` asks the default source `main`; `cache` (held for three refreshes)
/// and `quorum` (three members) ask `eu`, a Thanos.
const TWO_SOURCES: &str = "
datasources:
  - name: main
    refresh_secs: 10
    stale_after_secs: 60
  - name: eu
    kind: thanos
    base_url: /sources/eu
    stale_after_secs: 120
services:
  - id: db
    checks:
      - id: up
        query: db_up
        for: 3
        rule: { kind: equals, expected: 1, otherwise: critical }
  - id: cache
    source: eu
    checks:
      - id: load
        query: cache_load
        for: 3
        rule: { kind: threshold, direction: above, warning: 1, critical: 2 }
  - id: quorum
    source: eu
    checks:
      - id: members
        query: members_up
        instances: 3
        rule: { kind: quorum }
";

fn monitor(yaml: &str) -> Monitor {
    Monitor::new(Config::from_yaml("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}")))
}

/// An answer's series for `instance`.
fn series(instance: &str, value: f64, at: f64) -> InstantSeries {
    common::series(&[("instance", instance)], value, at)
}

/// `main`'s answers, all healthy, dated `at`.
fn main_answers(at: f64) -> Outcomes {
    Outcomes::from([("db_up".to_owned(), Ok(vector(vec![series("n1", 1.0, at)])))])
}

/// `eu`'s answers, all healthy; the quorum's members dated `members[i]`.
fn eu_answers(cache_at: f64, members: [f64; 3]) -> Outcomes {
    Outcomes::from([
        (
            "cache_load".to_owned(),
            Ok(vector(vec![series("n1", 0.5, cache_at)])),
        ),
        (
            "members_up".to_owned(),
            Ok(vector(
                members
                    .iter()
                    .enumerate()
                    .map(|(i, &at)| series(&format!("m{}", i + 1), 3.0, at))
                    .collect(),
            )),
        ),
    ])
}

/// `eu`'s answers all dated `at`.
fn eu_at(at: f64) -> Outcomes {
    eu_answers(at, [at; 3])
}

/// One refresh asked at browser time `now`, answered by both sources.
fn round(m: &mut Monitor, now: f64, main: &Outcomes, eu: &Outcomes) {
    let asked = m.source_queries();
    m.begin_sources(now, asked.clone());
    for (source, (queries, answers)) in asked.iter().zip([main, eu]).enumerate() {
        for q in queries {
            m.answer_from(now, source, q, answers[q].clone());
        }
    }
    assert!(!m.is_running(), "both sources answered");
}

fn effective(screen: &OnScreen, id: &str) -> Status {
    let s = screen.snapshot.as_ref().expect("a snapshot");
    s.service(id).expect("service").effective
}

fn reasons<'a>(screen: &'a OnScreen, id: &str) -> &'a [String] {
    let s = screen.snapshot.as_ref().expect("a snapshot");
    &s.service(id).expect("service").reasons
}

/// The default source's side is untouched by whatever `eu` says.
fn default_side_fine(screen: &OnScreen) {
    assert_eq!(effective(screen, "db"), H, "{:?}", reasons(screen, "db"));
    assert_eq!(screen.source_alert, None);
    assert_eq!(screen.freshness, Freshness::Fresh);
}

/// Three healthy refreshes, so every `for: 3` hold is satisfied.
fn settled() -> (Monitor, f64) {
    let mut m = monitor(TWO_SOURCES);
    let mut now = T0;
    for _ in 0..3 {
        round(&mut m, now, &main_answers(now), &eu_at(now));
        now += 10.0;
    }
    let screen = m.on_screen(now - 9.0);
    for id in ["db", "cache", "quorum"] {
        assert_eq!(
            effective(&screen, id),
            H,
            "{id}: {:?}",
            reasons(&screen, id)
        );
    }
    (m, now)
}

#[test]
fn a_second_source_ahead_is_unknown_naming_it_and_no_hold_keeps_it_green() {
    let (mut m, now) = settled();
    round(&mut m, now, &main_answers(now), &eu_at(now + 600.0));
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    for id in ["cache", "quorum"] {
        assert_eq!(effective(&screen, id), U, "{id}: held green?");
        let why = reasons(&screen, id).join(" | ");
        assert!(
            why.contains("sample from eu dated 600 s in the future (clock skew?)"),
            "{id}: {why}"
        );
    }
}

#[test]
fn a_second_source_behind_is_stale_naming_it_and_no_hold_keeps_it_green() {
    let (mut m, now) = settled();
    round(&mut m, now, &main_answers(now), &eu_at(now - 600.0));
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), U, "held green?");
    let why = reasons(&screen, "cache").join(" | ");
    assert!(
        why.contains("stale: last sample from eu 600 s old (limit 120 s)"),
        "{why}"
    );
    // Behind by less than its own limit is current data, dated by a slow
    // clock: judged as it says.
    round(
        &mut m,
        now + 10.0,
        &main_answers(now + 10.0),
        &eu_at(now - 100.0),
    );
    let screen = m.on_screen(now + 11.0);
    default_side_fine(&screen);
}

/// A partial answer, then a skewed one, then a good one: unknown, unknown,
/// and only then green again.
#[test]
fn a_partial_answer_then_a_skewed_one_is_never_green() {
    let (mut m, mut now) = settled();
    let mut partial = eu_at(now);
    for r in partial.values_mut().flatten() {
        r.warnings = vec!["No StoreAPIs matched for this query".to_owned()];
    }
    round(&mut m, now, &main_answers(now), &partial);
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), U);
    assert!(
        reasons(&screen, "cache")
            .join(" | ")
            .contains("partial answer from eu: No StoreAPIs matched for this query"),
        "{:?}",
        reasons(&screen, "cache")
    );
    // The check's notes call the warning Thanos's, not Prometheus's.
    let cache = screen.snapshot.as_ref().and_then(|s| s.service("cache"));
    assert_eq!(
        cache.map(|c| c.checks[0].outcome.notes.clone()),
        Some(vec![
            "Thanos warning: No StoreAPIs matched for this query".to_owned()
        ])
    );
    now += 10.0;
    round(&mut m, now, &main_answers(now), &eu_at(now + 120.0));
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), U);
    assert_eq!(effective(&screen, "quorum"), U);
    // Both at once: still unknown, and the partial answer is said.
    now += 10.0;
    let mut both = eu_at(now + 120.0);
    for r in both.values_mut().flatten() {
        r.is_partial = true;
    }
    round(&mut m, now, &main_answers(now), &both);
    let screen = m.on_screen(now + 1.0);
    assert_eq!(effective(&screen, "cache"), U);
    assert!(
        reasons(&screen, "cache")
            .join(" | ")
            .contains("partial answer from eu"),
        "{:?}",
        reasons(&screen, "cache")
    );
    // Complete and current again: green (the hold counts recoveries too,
    // so it may take its three refreshes), never anything else on the way.
    for _ in 0..3 {
        now += 10.0;
        round(&mut m, now, &main_answers(now), &eu_at(now));
        let screen = m.on_screen(now + 1.0);
        default_side_fine(&screen);
        assert!(matches!(effective(&screen, "cache"), H | U));
    }
    let screen = m.on_screen(now + 1.0);
    assert_eq!(
        effective(&screen, "cache"),
        H,
        "{:?}",
        reasons(&screen, "cache")
    );
}

/// One quorum member's answer from the future: that member is not known,
/// so the quorum cannot be called healthy.
#[test]
fn one_skewed_member_keeps_a_quorum_from_green() {
    let (mut m, now) = settled();
    round(
        &mut m,
        now,
        &main_answers(now),
        &eu_answers(now, [now, now, now + 300.0]),
    );
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), H);
    assert_eq!(effective(&screen, "quorum"), U);
    let why = reasons(&screen, "quorum").join(" | ");
    assert!(why.contains("from eu"), "{why}");
}

/// The browser's clock is off too: answers are judged at the default
/// source's time, so a second source that agrees with it is fine and one
/// that agrees with the browser instead is not.
#[test]
fn the_default_sources_clock_is_the_judge() {
    let mut m = monitor(TWO_SOURCES);
    let skew = 600.0;
    let mut now = T0;
    for _ in 0..3 {
        m.observe_clock(ClockReading {
            server: now + skew,
            browser: now,
        });
        round(&mut m, now, &main_answers(now + skew), &eu_at(now + skew));
        now += 10.0;
    }
    let screen = m.on_screen(now - 9.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), H);
    assert!(screen.clock_skew.is_some(), "the browser's clock is said");
    // `eu` dates its answers by the browser's (wrong) time: about 600 s
    // old (a `Date` header has whole seconds, so the skew is known to one).
    round(&mut m, now, &main_answers(now + skew), &eu_at(now));
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    assert_eq!(effective(&screen, "cache"), U);
    let why = reasons(&screen, "cache").join(" | ");
    assert!(
        why.contains("stale: last sample from eu 60") && why.contains("s old (limit 120 s)"),
        "{why}"
    );
}

fn bad_gateway() -> QueryError {
    QueryError::Http {
        status: 502,
        content_type: Some("text/html".into()),
        excerpt: "502 Bad Gateway".into(),
    }
}

fn unreachable() -> QueryError {
    QueryError::Unreachable {
        reason: "Failed to fetch".into(),
    }
}

fn failed(queries: &[&str], error: &QueryError) -> Outcomes {
    queries
        .iter()
        .map(|q| ((*q).to_owned(), Err(error.clone())))
        .collect()
}

/// A second source failing is named with its kind; the default source's
/// alert names it too when there are several.
#[test]
fn failures_name_the_source_and_its_kind() {
    let (mut m, now) = settled();
    round(
        &mut m,
        now,
        &main_answers(now),
        &failed(&["cache_load", "members_up"], &bad_gateway()),
    );
    let screen = m.on_screen(now + 1.0);
    default_side_fine(&screen);
    let why = reasons(&screen, "cache").join(" | ");
    assert!(
        why.contains(
            "query to eu failed: Thanos answered HTTP 502 Bad Gateway \
             (the proxy could not reach Thanos)"
        ),
        "{why}"
    );
    assert!(!why.contains("Prometheus"), "{why}");
    let eu = &screen.sources[1];
    assert_eq!(
        eu.error.as_deref(),
        Some("Thanos answered HTTP 502 Bad Gateway (the proxy could not reach Thanos)")
    );
    // The default source down: its alert says which one, and what it is.
    round(
        &mut m,
        now + 10.0,
        &failed(&["db_up"], &unreachable()),
        &eu_at(now + 10.0),
    );
    let screen = m.on_screen(now + 11.0);
    let alert = screen.source_alert.expect("the default source is down");
    assert_eq!(
        alert.message,
        "main (Prometheus) unreachable: Failed to fetch"
    );
}

/// With one source, its kind names it; one Prometheus reads as it always did.
#[test]
fn one_source_is_named_by_its_kind_and_prometheus_as_before() {
    let one = |kind: &str| {
        format!(
            "
datasource:
  kind: {kind}
  refresh_secs: 10
  stale_after_secs: 60
services:
  - id: db
    checks:
      - id: up
        query: db_up
        rule: {{ kind: equals, expected: 1, otherwise: critical }}
"
        )
    };
    for (kind, said) in [("prometheus", "Prometheus"), ("thanos", "Thanos")] {
        let mut m = monitor(&one(kind));
        let screen = m.on_screen(T0);
        assert_eq!(
            screen.summary.reasons[0].text,
            format!("waiting for the first data from {said}")
        );
        let mut slow = monitor(&one(kind));
        slow.begin(T0, slow.queries());
        assert_eq!(
            slow.on_screen(T0 + 20.0).slow.as_deref(),
            Some(
                format!(
                    "{said} is slow: this refresh has taken 20 s so far, 0 of 1 queries \
                     answered (refresh every 10 s)"
                )
                .as_str()
            )
        );
        m.begin(T0, m.queries());
        m.ingest(T0, failed(&["db_up"], &unreachable()));
        let screen = m.on_screen(T0 + 1.0);
        let alert = screen.source_alert.clone().expect("down");
        assert_eq!(
            alert.message,
            format!("{said} unreachable: Failed to fetch")
        );
        assert_eq!(
            alert.consequence,
            format!("Statuses are unknown until {said} answers again.")
        );
        let why = reasons(&screen, "db").join(" | ");
        assert!(
            why.contains(&format!(
                "query failed: {said} unreachable: Failed to fetch"
            )),
            "{why}"
        );
    }
}

/// With several sources each warning says whose it is (the panel lists
/// them under "The data sources say").
#[test]
fn with_several_sources_each_warning_names_its_source() {
    let (mut m, now) = settled();
    let mut main = main_answers(now);
    for r in main.values_mut().flatten() {
        r.infos = vec!["PromQL info: metric might not be a counter".to_owned()];
    }
    let mut eu = eu_at(now);
    for r in eu.values_mut().flatten() {
        r.warnings = vec!["No StoreAPIs matched for this query".to_owned()];
    }
    round(&mut m, now, &main, &eu);
    let screen = m.on_screen(now + 1.0);
    assert_eq!(
        screen.warnings,
        [
            "eu: No StoreAPIs matched for this query",
            "main: PromQL info: metric might not be a counter"
        ]
    );
}
