//! What the screen shows while data is current, missing, stale or expired.

// Times are exact by construction.
#![allow(clippy::float_cmp)]

use std::time::Duration;

use panopticon_core::Status::{self, Critical as C, Healthy as H, Unknown as U, Warning as W};
use panopticon_core::prom::{
    InstantSeries, Labels, PromErrorKind, QueryData, QueryError, QueryResult, Sample,
};

use super::{Monitor, OnScreen, Outcomes};
use crate::config::Config;
use crate::freshness::Freshness;

/// `web` needs `db` (hard); `cache` stands alone. `cache` comes last so that
/// a key appended at its indentation (`    source: vm`) is its own.
const SERVICES: &str = "
services:
  - id: db
    name: DB
    checks:
      - id: up
        query: db_up
        rule: { kind: equals, expected: 1, otherwise: critical }
  - id: web
    name: Web
    depends_on: [{ service: db, strength: hard }]
    checks:
      - id: up
        query: web_up
        rule: { kind: equals, expected: 1, otherwise: critical }
  - id: cache
    name: Cache
    checks:
      - id: load
        query: cache_load
        rule: { kind: threshold, direction: above, warning: 1, critical: 2 }
";

/// Refresh every 10 s, expire after 60 s.
const DATASOURCE: &str = "
datasource:
  refresh_secs: 10
  stale_after_secs: 60
";

fn monitor_of(yaml: &str) -> Monitor {
    Monitor::new(Config::from_yaml("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}")))
}

fn monitor() -> Monitor {
    monitor_of(&[DATASOURCE, SERVICES].concat())
}

fn vector(value: f64, at: f64) -> QueryResult {
    let labels: Labels = [("instance".to_owned(), "n1".to_owned())]
        .into_iter()
        .collect();
    QueryResult {
        data: QueryData::Vector(vec![InstantSeries {
            labels,
            sample: Some(Sample {
                timestamp: at,
                value,
            }),
            histogram: None,
        }]),
        warnings: vec![],
        infos: vec![],
        is_partial: false,
    }
}

/// Every query answered: `db_up`, `web_up`, `cache_load`.
fn answers(db: f64, web: f64, cache: f64, at: f64) -> Outcomes {
    Outcomes::from([
        ("db_up".to_owned(), Ok(vector(db, at))),
        ("web_up".to_owned(), Ok(vector(web, at))),
        ("cache_load".to_owned(), Ok(vector(cache, at))),
    ])
}

fn healthy(at: f64) -> Outcomes {
    answers(1.0, 1.0, 0.5, at)
}

fn unreachable() -> QueryError {
    QueryError::Unreachable {
        reason: "Failed to fetch".into(),
    }
}

/// Prometheus down: every query failed to reach it.
fn outage() -> Outcomes {
    ["db_up", "web_up", "cache_load"]
        .into_iter()
        .map(|q| (q.to_owned(), Err(unreachable())))
        .collect()
}

/// (cluster, [db, web, cache]) effective statuses as shown.
fn statuses(screen: &OnScreen) -> (Status, Vec<Status>) {
    let s = screen.snapshot.as_ref().expect("a snapshot");
    (
        s.cluster,
        s.services.iter().map(|x| x.effective).collect::<Vec<_>>(),
    )
}

fn reasons_of<'a>(screen: &'a OnScreen, id: &str) -> &'a [String] {
    let s = screen.snapshot.as_ref().expect("a snapshot");
    &s.service(id).expect("service").reasons
}

#[test]
fn before_any_answer_it_waits_and_is_never_green() {
    let m = monitor();
    let screen = m.on_screen(100.0);
    assert_eq!(screen.snapshot, None);
    assert_eq!(screen.freshness, Freshness::Waiting);
    assert_eq!(screen.summary.status, U);
    assert_eq!(
        screen.summary.to_string(),
        "UNKNOWN: waiting for the first data from Prometheus"
    );
    assert_eq!(screen.source_alert, None);
}

#[test]
fn a_first_refresh_that_fails_is_unknown_with_the_source_error() {
    let mut m = monitor();
    m.ingest(100.0, outage());
    let screen = m.on_screen(100.0);
    assert_eq!(statuses(&screen), (U, vec![U, U, U]));
    assert_eq!(screen.freshness, Freshness::Waiting);
    assert_eq!(
        screen.summary.to_string(),
        "UNKNOWN: no current data — Prometheus unreachable: Failed to fetch"
    );
    let alert = screen.source_alert.expect("alert");
    assert_eq!(alert.message, "Prometheus unreachable: Failed to fetch");
    assert_eq!(
        alert.consequence,
        "Statuses are unknown until Prometheus answers again."
    );
}

#[test]
fn current_data_is_shown_as_evaluated() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    let screen = m.on_screen(105.0);
    assert_eq!(statuses(&screen), (H, vec![H, H, H]));
    assert_eq!(screen.freshness, Freshness::Fresh);
    assert!(!screen.stale);
    assert_eq!(screen.summary.to_string(), "All 3 services healthy");
    assert_eq!(screen.source_alert, None);
    assert_eq!(screen.last_success, Some(100.0));
    assert!(std::sync::Arc::ptr_eq(
        screen.snapshot.as_ref().expect("snapshot"),
        m.last_evaluation().expect("evaluated")
    ));
}

/// Issue 11, defect 8: the banner stayed green until `stale_after_secs`.
#[test]
fn from_the_first_failed_refresh_a_last_known_healthy_is_unknown_with_its_age() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    m.ingest(110.0, outage());
    let screen = m.on_screen(120.0);
    assert_eq!(
        statuses(&screen),
        (U, vec![U, U, U]),
        "never green without data"
    );
    assert_eq!(
        screen.freshness,
        Freshness::Fresh,
        "data-freshness keeps its meaning"
    );
    assert!(!screen.stale, "nothing last-known is drawn: all unknown");
    assert_eq!(
        reasons_of(&screen, "db"),
        ["DB: no current data; last known healthy 20 s ago"]
    );
    let db = screen
        .snapshot
        .as_ref()
        .and_then(|s| s.service("db"))
        .expect("db");
    assert_eq!(db.own, U);
    assert!(
        db.checks.iter().all(|c| c.status == U),
        "no check stays green"
    );
    assert_eq!(screen.summary.status, U);
    assert_eq!(
        screen.summary.to_string(),
        "UNKNOWN: no current data; last known healthy 20 s ago"
    );
    assert_eq!(
        screen.snapshot.as_ref().map(|s| s.summary.as_str()),
        Some("UNKNOWN: no current data; last known healthy 20 s ago")
    );
    let alert = screen.source_alert.expect("alert");
    assert_eq!(alert.message, "Prometheus unreachable: Failed to fetch");
    assert_eq!(
        alert.consequence,
        "Statuses are unknown until Prometheus answers again."
    );
    // The age keeps counting from the last success, not from the failure.
    assert_eq!(
        reasons_of(&m.on_screen(145.0), "cache"),
        ["Cache: no current data; last known healthy 45 s ago"]
    );
}

/// An outage of the data source must not hide a real problem.
#[test]
fn a_last_known_critical_stays_on_screen_marked_stale() {
    let mut m = monitor();
    m.ingest(100.0, answers(0.0, 1.0, 1.5, 100.0)); // db down, cache warning
    let before = m.on_screen(100.0);
    assert_eq!(statuses(&before), (C, vec![C, C, W]));
    m.ingest(110.0, outage());
    let screen = m.on_screen(115.0);
    assert_eq!(statuses(&screen), (C, vec![C, C, W]));
    assert!(screen.stale);
    let db = reasons_of(&screen, "db");
    assert_eq!(db.first(), reasons_of(&before, "db").first());
    assert_eq!(
        db.last().map(String::as_str),
        Some("DB: last known 15 s ago; no current data")
    );
    let web = screen
        .snapshot
        .as_ref()
        .and_then(|s| s.service("web"))
        .expect("web");
    assert_eq!(
        (web.own, web.effective),
        (U, C),
        "its own green check is unknown now"
    );
    assert_eq!(web.impacted_by, ["db"]);
    assert_eq!(screen.summary.status, C);
    assert_eq!(screen.summary.reasons[0].status, C, "the critical leads");
    assert_eq!(screen.summary.reasons[1].status, W);
    assert_eq!(screen.summary.impacts, ["Web"]);
    let alert = screen.source_alert.expect("alert");
    assert!(
        alert
            .consequence
            .starts_with("Last known warnings and criticals stay on screen"),
        "{}",
        alert.consequence
    );
}

#[test]
fn with_some_problems_and_some_greens_the_greens_turn_unknown_and_the_problem_leads() {
    let mut m = monitor();
    m.ingest(100.0, answers(1.0, 1.0, 1.5, 100.0)); // cache warning
    m.ingest(110.0, outage());
    let screen = m.on_screen(110.0);
    assert_eq!(statuses(&screen), (W, vec![U, U, W]));
    assert!(screen.stale, "the warning shown is a last-known one");
    assert_eq!(
        screen.counts_text(),
        "0 healthy, 2 unknown, 1 warning, 0 critical"
    );
    assert_eq!(
        screen
            .summary
            .reasons
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [W, U]
    );
    assert_eq!(
        screen.summary.reasons[1].text,
        "no current data; last known healthy 10 s ago"
    );
}

/// Some queries failing is not an outage: those checks are unknown, the rest current.
#[test]
fn a_partial_failure_is_judged_by_the_engine_not_an_outage() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    let mut partial = healthy(110.0);
    partial.insert(
        "cache_load".to_owned(),
        Err(QueryError::Timeout {
            after: Duration::from_secs(5),
        }),
    );
    m.ingest(110.0, partial);
    let screen = m.on_screen(110.0);
    assert_eq!(statuses(&screen), (U, vec![H, H, U]));
    assert!(!screen.stale);
    assert_eq!(screen.source_alert, None);
    assert_eq!(screen.last_success, Some(110.0));
    assert!(
        reasons_of(&screen, "cache")
            .iter()
            .any(|r| r.contains("timed out")),
        "{:?}",
        reasons_of(&screen, "cache")
    );
    // Prometheus rejecting every query is a configuration problem, not an outage.
    let rejected: Outcomes = ["db_up", "web_up", "cache_load"]
        .into_iter()
        .map(|q| {
            (
                q.to_owned(),
                Err(QueryError::Prometheus {
                    kind: PromErrorKind::BadData,
                    message: "parse error".into(),
                    status: 400,
                }),
            )
        })
        .collect();
    m.ingest(120.0, rejected);
    let screen = m.on_screen(120.0);
    assert_eq!(screen.source_alert, None);
    assert_eq!(statuses(&screen), (U, vec![U, U, U]));
}

/// The one-second clock asks again: nothing needs to be evaluated for the
/// data to expire (a hung data source, a throttled tab).
#[test]
fn data_expires_without_any_evaluation() {
    let mut m = monitor();
    m.ingest(100.0, answers(0.0, 1.0, 0.5, 100.0));
    let evaluated = m.last_evaluation().cloned();
    let screen = m.on_screen(161.0);
    assert_eq!(screen.freshness, Freshness::Expired);
    assert_eq!(statuses(&screen), (U, vec![U, U, U]));
    assert!(!screen.stale, "nothing last-known is shown any more");
    for s in &screen.snapshot.as_ref().expect("snapshot").services {
        assert_eq!(s.own, U, "{}", s.id);
        assert_eq!(s.reasons, ["no current data — no answer from Prometheus"]);
    }
    assert_eq!(
        screen.summary.to_string(),
        "UNKNOWN: no current data — no answer from Prometheus"
    );
    assert_eq!(m.last_evaluation().cloned(), evaluated, "nothing evaluated");
}

#[test]
fn without_an_error_data_older_than_two_intervals_is_no_longer_green() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    assert_eq!(statuses(&m.on_screen(120.0)), (H, vec![H, H, H]));
    let screen = m.on_screen(121.0);
    assert_eq!(screen.freshness, Freshness::Stale);
    assert_eq!(statuses(&screen), (U, vec![U, U, U]));
    assert_eq!(screen.source_alert, None);
}

#[test]
fn an_outage_past_stale_after_is_unknown_everywhere_with_the_error() {
    let mut m = monitor();
    m.ingest(100.0, answers(0.0, 1.0, 0.5, 100.0));
    for t in [110.0, 120.0, 130.0, 140.0, 150.0, 160.0, 170.0] {
        m.ingest(t, outage());
    }
    let screen = m.on_screen(170.0);
    assert_eq!(statuses(&screen), (U, vec![U, U, U]));
    assert_eq!(
        screen.summary.to_string(),
        "UNKNOWN: no current data — Prometheus unreachable: Failed to fetch"
    );
    assert_eq!(
        screen.source_alert.map(|a| a.consequence),
        Some("Statuses are unknown until Prometheus answers again.".to_owned())
    );
    // The history says the data went away.
    let recent = &m.last_evaluation().expect("evaluated").recent;
    assert!(recent.iter().any(|t| t.transition.to == U), "{recent:?}");
}

#[test]
fn the_next_successful_refresh_recovers() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    m.ingest(110.0, outage());
    assert_eq!(m.on_screen(110.0).summary.status, U);
    m.ingest(120.0, healthy(120.0));
    let screen = m.on_screen(120.0);
    assert_eq!(statuses(&screen), (H, vec![H, H, H]));
    assert!(!screen.stale);
    assert_eq!(screen.source_alert, None);
    assert_eq!(screen.summary.to_string(), "All 3 services healthy");
    // Also after expiry, when the engine had judged the failures.
    for t in [130.0, 200.0] {
        m.ingest(t, outage());
    }
    assert_eq!(m.on_screen(200.0).freshness, Freshness::Expired);
    m.ingest(210.0, healthy(210.0));
    assert_eq!(statuses(&m.on_screen(210.0)), (H, vec![H, H, H]));
}

/// A wall clock that jumps back must neither print a negative age nor make
/// an outage look current.
#[test]
fn a_clock_going_backwards_gives_no_negative_age_and_no_fresh_verdict() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    m.ingest(95.0, outage());
    for now in [90.0, 95.0, 100.0] {
        let screen = m.on_screen(now);
        assert_eq!(statuses(&screen), (U, vec![U, U, U]), "now={now}");
        assert_eq!(
            reasons_of(&screen, "db"),
            ["DB: no current data; last known healthy 0 s ago"],
            "now={now}"
        );
        assert!(screen.source_alert.is_some());
    }
}

#[test]
fn prometheus_warnings_are_shown_once_each() {
    let mut m = monitor();
    let mut outcomes = healthy(100.0);
    for (q, w) in [("db_up", "b"), ("web_up", "a"), ("cache_load", "b")] {
        if let Some(Ok(r)) = outcomes.get_mut(q) {
            r.warnings.push(w.to_owned());
        }
    }
    m.ingest(100.0, outcomes);
    assert_eq!(m.on_screen(100.0).warnings, ["a", "b"]);
    m.ingest(110.0, healthy(110.0));
    assert!(m.on_screen(110.0).warnings.is_empty());
}

/// The three queries as sent, in the order a slow Prometheus answers them.
const ASKED: [&str; 3] = ["db_up", "web_up", "cache_load"];

fn begin(m: &mut Monitor, at: f64) {
    m.begin(at, ASKED.iter().map(|&q| q.to_owned()).collect());
}

/// The source went down in the middle of a refresh: that refresh half
/// failed (judged: "query failed" unknowns), the next failed whole. The
/// banner then says there is no current data, not the stale failures.
#[test]
fn an_outage_after_a_half_failed_refresh_says_no_current_data() {
    let mut m = monitor();
    m.ingest(100.0, healthy(100.0));
    let mut half = answers(1.0, 1.0, 0.5, 110.0);
    half.insert("db_up".to_owned(), Err(unreachable()));
    half.insert("web_up".to_owned(), Err(unreachable()));
    m.ingest(110.0, half);
    m.ingest(120.0, outage());
    let screen = m.on_screen(121.0);
    let texts: Vec<&str> = screen
        .summary
        .reasons
        .iter()
        .map(|r| r.text.as_str())
        .collect();
    assert!(texts[0].starts_with("no current data"), "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.contains("query failed")),
        "old failures are not news: {texts:?}"
    );
    assert!(screen.source_alert.is_some());
    assert_ne!(statuses(&screen).0, H);
}

/// Issue 12, row 5: every query answered correctly, but a refresh takes
/// longer than the interval (3 answers, 4 s each, interval 10 s).
/// Cancelling at each interval never judged anything; now a refresh runs to
/// its end, the first one's partial answers are shown at the interval, and
/// from then on the screen stays current — no flapping to stale or unknown
/// between two slow refreshes — and says the source is slow.
#[test]
fn a_slow_but_working_source_keeps_the_screen_current() {
    use crate::monitor::Next;
    let mut m = monitor();
    let mut due: Vec<(f64, &str, f64)> = Vec::new(); // (arrives, query, asked at)
    let mut rounds = 0;
    for second in 100..=200 {
        let t = f64::from(second);
        for &(arrives, q, asked) in &due {
            if arrives == t {
                let value = if q == "cache_load" { 0.5 } else { 1.0 };
                m.answer(t, q, Ok(vector(value, asked)));
            }
        }
        if second % 10 == 0 && m.next(t) == Next::Start {
            begin(&mut m, t);
            rounds += 1;
            due = ASKED
                .iter()
                .enumerate()
                .map(|(i, &q)| (t + 4.0 * (i as f64 + 1.0), q, t))
                .collect();
        }
        let screen = m.on_screen(t);
        if second == 110 {
            // The first refresh is late: what arrived is judged, the rest unknown.
            assert_eq!(statuses(&screen).1, [H, H, U]);
            assert!(
                reasons_of(&screen, "cache")[0].contains("no result yet"),
                "{:?}",
                reasons_of(&screen, "cache")
            );
        }
        if second == 111 {
            assert_eq!(
                screen.slow.as_deref(),
                Some(
                    "Prometheus is slow: this refresh has taken 11 s so far, \
                     2 of 3 queries answered (refresh every 10 s)"
                )
            );
        }
        if second >= 112 {
            assert_eq!(statuses(&screen), (H, vec![H, H, H]), "at {second}");
            assert_eq!(screen.freshness, Freshness::Fresh, "at {second}");
            assert!(screen.slow.is_some(), "at {second}");
            assert!(screen.source_alert.is_none(), "at {second}");
        }
    }
    assert_eq!(rounds, 6, "a refresh every other interval");
    assert_eq!(
        m.on_screen(200.0).slow.as_deref(),
        Some("Prometheus is slow: the last refresh took 12 s (refresh every 10 s)")
    );
}

/// Issue 12, row 6: an upstream that accepts connections and never answers.
/// The first timeouts say so at once, not after the last queued query.
#[test]
fn a_source_that_never_answers_is_said_to_be_down_within_one_timeout() {
    let mut m = monitor();
    begin(&mut m, 100.0);
    assert!(!m.answer(100.5, "db_up", Ok(vector(1.0, 100.0))));
    assert!(!m.answer(100.6, "web_up", Ok(vector(1.0, 100.0))));
    assert!(m.answer(100.7, "cache_load", Ok(vector(0.5, 100.0))));
    assert_eq!(statuses(&m.on_screen(101.0)).0, H);
    begin(&mut m, 110.0);
    let timeout = || {
        Err(QueryError::Timeout {
            after: Duration::from_secs(5),
        })
    };
    assert!(!m.answer(115.0, "db_up", timeout()));
    let screen = m.on_screen(115.0);
    let alert = screen
        .source_alert
        .as_ref()
        .expect("said at the first timeout");
    assert!(alert.message.contains("timed out"), "{}", alert.message);
    assert_eq!(
        statuses(&screen).0,
        U,
        "a last-known green is no longer shown"
    );
}

#[test]
fn a_refresh_running_past_stale_after_is_given_up_and_late_answers_ignored() {
    use crate::monitor::Next;
    let mut m = monitor();
    begin(&mut m, 100.0);
    assert_eq!(m.next(110.0), Next::Wait);
    assert_eq!(m.next(160.0), Next::Wait);
    assert_eq!(
        m.next(161.0),
        Next::Start,
        "longer than stale_after_secs (60)"
    );
    begin(&mut m, 161.0);
    assert!(!m.answer(162.0, "not asked", Ok(vector(1.0, 161.0))));
    assert!(m.is_running());
}

/// Issue 12, rows 1 and 2: a browser clock ten minutes behind or ahead.
/// Prometheus answers at its own time (the queries carry none); the answers
/// are judged at the server's time measured from the `Date` header.
#[test]
fn a_skewed_browser_clock_is_corrected_by_the_servers_date() {
    use panopticon_core::clock::ClockReading;
    for skew in [600.0, -600.0] {
        let browser = 1_000_000.0;
        let server = browser + skew;
        // Without a reading of the server's clock the answers look future
        // (browser behind) or stale (browser ahead): unknown, never green.
        let mut blind = monitor();
        blind.ingest(browser, answers(1.0, 1.0, 0.5, server));
        let screen = blind.on_screen(browser);
        assert_eq!(
            statuses(&screen).0,
            U,
            "skew {skew}: {:?}",
            reasons_of(&screen, "db")
        );
        assert!(screen.clock_skew.is_none());

        let mut m = monitor();
        m.observe_clock(ClockReading {
            server: server.floor(),
            browser,
        });
        m.ingest(browser, answers(1.0, 1.0, 0.5, server));
        let screen = m.on_screen(browser + 1.0);
        assert_eq!(statuses(&screen), (H, vec![H, H, H]), "skew {skew}");
        assert_eq!(screen.freshness, Freshness::Fresh);
        let way = if skew > 0.0 { "behind" } else { "ahead of" };
        assert_eq!(
            screen.clock_skew.as_deref(),
            Some(
                format!(
                    "This browser's clock is 10 min {way} the server's; statuses are judged by the server's time."
                )
                .as_str()
            )
        );
        // The metric turned bad: seen at once, not ten minutes late.
        m.ingest(browser + 10.0, answers(0.0, 1.0, 0.5, server + 10.0));
        assert_eq!(statuses(&m.on_screen(browser + 11.0)).0, C, "skew {skew}");
    }
}

#[test]
fn a_small_skew_is_not_worth_a_notice() {
    use panopticon_core::clock::ClockReading;
    let mut m = monitor();
    m.observe_clock(ClockReading {
        server: 1_000_010.0,
        browser: 1_000_000.0,
    });
    assert!(m.on_screen(1_000_000.0).clock_skew.is_none());
}

impl OnScreen {
    /// The counts, in words, to compare in one line.
    fn counts_text(&self) -> String {
        let c = self.snapshot.as_ref().expect("snapshot").counts;
        format!(
            "{} healthy, {} unknown, {} warning, {} critical",
            c.healthy, c.unknown, c.warning, c.critical
        )
    }
}

/// The live region follows the monitor second by second: a status change is
/// said once, the ticking age of an outage and a changing value are not news,
/// and only the turn to critical is assertive.
#[test]
fn the_announcement_changes_only_with_the_status_or_the_leading_reason() {
    use crate::snapshot::{Announcement, Politeness};

    let mut m = monitor();
    let mut said: Vec<(Politeness, String)> = Vec::new();
    let mut last: Option<Announcement> = None;
    let mut look = |m: &Monitor, now: f64| {
        let next = Announcement::next(last.as_ref(), &m.on_screen(now).summary);
        if last.as_ref().is_none_or(|l| l.text != next.text) {
            said.push((next.politeness, next.text.clone()));
        }
        last = Some(next);
    };
    look(&m, 99.0);
    m.ingest(100.0, healthy(100.0));
    look(&m, 100.0);
    look(&m, 101.0);
    m.ingest(110.0, answers(1.0, 1.0, 1.5, 110.0));
    look(&m, 110.0);
    m.ingest(120.0, answers(1.0, 1.0, 1.7, 120.0));
    look(&m, 120.0);
    m.ingest(130.0, answers(0.0, 1.0, 1.7, 130.0));
    look(&m, 130.0);
    m.ingest(140.0, healthy(140.0));
    look(&m, 140.0);
    m.ingest(150.0, outage());
    for now in 150..=158 {
        look(&m, f64::from(now));
    }
    let said: Vec<(&str, &str)> = said.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    assert_eq!(said.len(), 6, "{said:#?}");
    assert_eq!(said[0].0, "polite");
    assert!(
        said[0].1.starts_with("Cluster unknown: waiting"),
        "{said:?}"
    );
    assert_eq!(
        said[1],
        ("polite", "Cluster healthy: All 3 services healthy")
    );
    assert_eq!(said[2].0, "polite");
    assert!(said[2].1.starts_with("Cluster warning: "), "{said:?}");
    assert_eq!(said[3].0, "assertive", "{said:?}");
    assert!(said[3].1.starts_with("Cluster critical: "), "{said:?}");
    assert_eq!(
        said[4],
        ("polite", "Cluster healthy: All 3 services healthy")
    );
    assert_eq!(
        said[5],
        (
            "polite",
            "Cluster unknown: no current data; last known healthy 10 s ago"
        )
    );
}

/// Two sources: `main` (the default, as [`DATASOURCE`]) and `vm`.
const TWO_SOURCES: &str = "
datasources:
  - name: main
    refresh_secs: 10
    stale_after_secs: 60
  - name: vm
    kind: victoriametrics
    base_url: /sources/vm
";

/// `db` and `web` ask the default (`main`), `cache` asks `vm`.
fn two_sources() -> Monitor {
    monitor_of(&[TWO_SOURCES, SERVICES, "    source: vm\n"].concat())
}

/// One refresh, answered by both sources as given, asked at `at`.
fn two_rounds(m: &mut Monitor, at: f64, main: &Outcomes, vm: &Outcomes) {
    let asked = m.source_queries();
    assert_eq!(
        asked,
        [
            vec!["db_up".to_owned(), "web_up".to_owned()],
            vec!["cache_load".to_owned()]
        ]
    );
    m.begin_sources(at, asked.clone());
    for (source, (queries, answers)) in asked.iter().zip([main, vm]).enumerate() {
        for q in queries {
            m.answer_from(at, source, q, answers[q].clone());
        }
    }
    assert!(
        !m.is_running(),
        "both sources answered: the refresh is judged"
    );
}

fn health(screen: &OnScreen) -> Vec<(&str, super::SourceHealth)> {
    screen
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.health))
        .collect()
}

#[test]
fn each_source_is_asked_its_own_queries_and_judged_from_them() {
    use super::SourceHealth::{Ok as Fine, Waiting};
    let mut m = two_sources();
    assert_eq!(
        health(&m.on_screen(99.0)),
        [("main", Waiting), ("vm", Waiting)]
    );
    two_rounds(
        &mut m,
        100.0,
        &healthy(100.0),
        &answers(1.0, 1.0, 3.0, 100.0),
    );
    let screen = m.on_screen(101.0);
    assert_eq!(statuses(&screen), (C, vec![H, H, C]));
    assert_eq!(health(&screen), [("main", Fine), ("vm", Fine)]);
    assert_eq!(screen.sources[1].last_answer, Some(100.0));
}

/// A second source down is not an outage: its checks alone are unknown,
/// naming it, and its state says down; the default source's checks stay current.
#[test]
fn a_second_source_down_fails_only_its_checks_naming_it() {
    use super::SourceHealth::{Down, Ok as Fine};
    let mut m = two_sources();
    two_rounds(&mut m, 100.0, &healthy(100.0), &healthy(100.0));
    two_rounds(&mut m, 110.0, &healthy(110.0), &outage());
    let screen = m.on_screen(111.0);
    assert_eq!(statuses(&screen), (U, vec![H, H, U]));
    assert_eq!(screen.source_alert, None);
    assert_eq!(screen.freshness, Freshness::Fresh);
    assert_eq!(health(&screen), [("main", Fine), ("vm", Down)]);
    assert!(
        screen.sources[1]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Failed to fetch")),
        "{:?}",
        screen.sources[1]
    );
    let reason = &reasons_of(&screen, "cache")[0];
    assert!(reason.contains("query to vm failed"), "{reason}");
    // Back again: current at once.
    two_rounds(&mut m, 120.0, &healthy(120.0), &healthy(120.0));
    let screen = m.on_screen(121.0);
    assert_eq!(statuses(&screen), (H, vec![H, H, H]));
    assert_eq!(health(&screen), [("main", Fine), ("vm", Fine)]);
}

/// The default source down is the outage it always was, whatever the others say.
#[test]
fn the_default_source_down_is_the_outage() {
    let mut m = two_sources();
    two_rounds(&mut m, 100.0, &healthy(100.0), &healthy(100.0));
    two_rounds(&mut m, 110.0, &outage(), &healthy(110.0));
    let screen = m.on_screen(111.0);
    assert!(screen.source_alert.is_some());
    assert_eq!(screen.summary.status, U);
    assert_ne!(statuses(&screen).0, H);
}

/// A partial answer from one source: its checks at best unknown, its
/// state `partial` with the reason; the other source's checks untouched.
#[test]
fn a_partial_answer_marks_its_source_and_its_checks() {
    use super::SourceHealth::{Ok as Fine, Partial};
    let mut m = two_sources();
    let mut vm = healthy(100.0);
    for r in vm.values_mut().flatten() {
        r.is_partial = true;
    }
    two_rounds(&mut m, 100.0, &healthy(100.0), &vm);
    let screen = m.on_screen(101.0);
    assert_eq!(statuses(&screen), (U, vec![H, H, U]));
    assert_eq!(health(&screen), [("main", Fine), ("vm", Partial)]);
    let reason = &reasons_of(&screen, "cache")[0];
    assert!(
        reason.contains("partial answer from vm: isPartial"),
        "{reason}"
    );
}

/// A source still answering past the refresh interval is slow, named.
#[test]
fn a_source_still_answering_past_the_interval_is_slow() {
    use super::SourceHealth::{Ok as Fine, Slow};
    let mut m = two_sources();
    two_rounds(&mut m, 100.0, &healthy(100.0), &healthy(100.0));
    let asked = m.source_queries();
    m.begin_sources(110.0, asked.clone());
    for q in &asked[0] {
        m.answer_from(110.5, 0, q, healthy(110.0)[q].clone());
    }
    assert!(m.is_running());
    let screen = m.on_screen(125.0);
    assert_eq!(health(&screen), [("main", Fine), ("vm", Slow)]);
    assert_eq!(
        screen.slow.as_deref(),
        Some(
            "vm is slow: this refresh has taken 15 s so far, 2 of 3 queries answered (refresh every 10 s)"
        )
    );
    m.answer_from(126.0, 1, "cache_load", healthy(110.0)["cache_load"].clone());
    assert_eq!(
        m.on_screen(127.0).slow.as_deref(),
        Some("A data source is slow: the last refresh took 16 s (refresh every 10 s)")
    );
}

/// A source no check asks is judged by its graphs' answers.
#[test]
fn a_source_only_graphs_ask_is_judged_by_their_answers() {
    use super::SourceHealth::{Down, Ok as Fine, Waiting};
    let mut m = monitor_of(&[TWO_SOURCES, SERVICES].concat());
    assert_eq!(m.source_queries()[1], Vec::<String>::new());
    assert_eq!(health(&m.on_screen(100.0))[1], ("vm", Waiting));
    m.range_answer(100.0, 1, &Ok(vector(1.0, 100.0)));
    assert_eq!(health(&m.on_screen(101.0))[1], ("vm", Fine));
    m.range_answer(110.0, 1, &Err(unreachable()));
    assert_eq!(health(&m.on_screen(111.0))[1], ("vm", Down));
    // The default source's checks judge it: a graph's failure does not.
    m.range_answer(110.0, 0, &Err(unreachable()));
    assert_eq!(health(&m.on_screen(111.0))[0].1, Waiting);
}
