//! What the screen shows now: the last evaluation, judged against the time
//! and the state of the data source.
//!
//! The [`Engine`] judges one refresh's answers. Whether that judgement may
//! still be shown a minute later, what replaces it while Prometheus is down,
//! which sentence the banner says and what the source alert says are
//! decisions too, and a wrong one is a false green on a wall screen (issue 11:
//! a stopped Prometheus left the banner green for `stale_after_secs`). So they
//! live here, as functions of (state, time) with native tests, and the app's
//! components only render a [`OnScreen`].
//!
//! The rules (docs/semantics.md, "Current data"):
//! - From the first refresh whose every query failed to reach Prometheus
//!   ([`freshness::source_failure`]), and whenever the last success is older
//!   than two refresh intervals, a last-known healthy service is shown
//!   `unknown` ("no current data; last known healthy 20 s ago"); a last-known
//!   warning or critical stays, marked stale. The cluster is the worst of
//!   what is shown, so a last-known green cluster turns unknown at once.
//! - After `stale_after_secs` without a success everything is `unknown`;
//!   the one-second clock asks again, so this needs no evaluation.
//! - Some queries failing while others answer is not an outage: the engine
//!   judges those checks `unknown` with the error, the rest is current.
//! - The next successful refresh shows its own evaluation.

use std::collections::HashMap;
use std::sync::Arc;

use panopticon_core::Status;
use panopticon_core::clock::ClockReading;
use panopticon_core::prom::{QueryError, QueryResult, SourceKind, Teller};
use panopticon_core::sorting;

use panopticon_core::alerts::{AlertAnswer, AlertRequest, AlertSource, AlertSourceError};

use crate::alerts::{AlertAnswers, AlertSourceProblem};
use crate::config::{Config, DataSource};
use crate::evaluation::Engine;
use crate::freshness::{self, Freshness, format_age};
use crate::snapshot::{Reason, Snapshot, Summary, impacted_names, root_reasons};

/// One refresh's instant answers, keyed by the expression as the checks
/// write it ([`Monitor::queries`]).
pub type Outcomes = HashMap<String, Result<QueryResult, QueryError>>;

/// The engine plus what the screen needs besides its verdicts: when data last
/// arrived, whether the data source is down, and Prometheus's warnings.
#[derive(Debug, Clone)]
pub struct Monitor {
    engine: Engine,
    /// The latest evaluation.
    last: Option<Arc<Snapshot>>,
    /// When the last refresh that reached Prometheus was asked (Unix seconds).
    last_success: Option<f64>,
    /// Why the latest refresh could not reach Prometheus, while it cannot.
    source_error: Option<QueryError>,
    /// Prometheus `warnings` and `infos` of the latest refresh, sorted, once each.
    warnings: Vec<String>,
    /// The refresh whose answers are still coming in.
    round: Option<Round>,
    /// How long the last refresh took, when that was longer than the interval.
    slow: Option<f64>,
    /// Server minus browser clock, in seconds, from the latest `Date` header.
    skew: Option<f64>,
    /// The alert sources that cannot be read, as of the latest answers.
    alert_errors: Vec<(AlertSource, AlertSourceError)>,
    /// Per data source (indexed like `Config::datasources`), what its
    /// latest answers said.
    sources: Vec<SourceTrack>,
}

/// What one data source's latest answers said.
#[derive(Debug, Clone, Default)]
struct SourceTrack {
    /// When its last refresh that reached it was asked (Unix seconds).
    last_answer: Option<f64>,
    /// Why its latest refresh could not reach it, while it cannot.
    error: Option<QueryError>,
    /// Why its latest answers may lack series (a partial answer).
    partial: Option<String>,
    /// Its version as it reports itself, once read.
    version: Option<String>,
}

/// How one data source is doing, for the screen (`data-source-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceHealth {
    /// Not answered yet.
    Waiting,
    /// Its latest answers were complete.
    Ok,
    /// Its latest answers may lack series: its checks are at best unknown.
    Partial,
    /// Its latest refresh could not reach it: its checks are unknown.
    Down,
    /// The running refresh outlasts the interval and it has not answered all.
    Slow,
}

impl SourceHealth {
    /// The word for `data-source-state`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SourceHealth::Waiting => "waiting",
            SourceHealth::Ok => "ok",
            SourceHealth::Partial => "partial",
            SourceHealth::Down => "down",
            SourceHealth::Slow => "slow",
        }
    }
}

/// One data source as the screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceState {
    /// Its name in the configuration.
    pub name: String,
    /// The engine behind it.
    pub kind: SourceKind,
    /// How it is doing.
    pub health: SourceHealth,
    /// When its data on screen was asked for (Unix seconds).
    pub last_answer: Option<f64>,
    /// Why it cannot be reached, while it cannot.
    pub error: Option<String>,
    /// Why its latest answers may lack series.
    pub partial: Option<String>,
    /// Its version, when it said one.
    pub version: Option<String>,
}

/// One refresh in progress: a new one does not start while it runs (like a
/// Prometheus scrape that is still going), so a slow but working source is
/// never cut off by its own refresh interval.
#[derive(Debug, Clone)]
struct Round {
    /// When it was asked (Unix seconds): the instant its answers describe.
    started: f64,
    /// Per source, the distinct expressions asked, as sent (trimmed).
    asked: Vec<Vec<String>>,
    /// Per source, how many of them have answered.
    answered: Vec<usize>,
    /// Per source, the answers so far, keyed by the checks' own spelling.
    answers: Vec<Outcomes>,
    /// The alert sources' requests asked with the checks' queries.
    alerts_asked: Vec<AlertRequest>,
    /// How many of them have answered.
    alerts_answered: usize,
    /// Their answers so far.
    alert_answers: AlertAnswers,
}

impl Round {
    /// Every query and every alert request has answered.
    fn complete(&self) -> bool {
        self.asked
            .iter()
            .zip(&self.answered)
            .all(|(asked, answered)| *answered >= asked.len())
            && self.alerts_answered >= self.alerts_asked.len()
    }

    /// Queries answered, of all sources.
    fn answered_total(&self) -> usize {
        self.answered.iter().sum()
    }

    /// Queries asked, of all sources.
    fn asked_total(&self) -> usize {
        self.asked.iter().map(Vec::len).sum()
    }
}

/// What the refresh cycle does when its interval comes round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Nothing is running: ask everything again.
    Start,
    /// The previous refresh is still being answered: let it finish; what
    /// arrived so far has been judged.
    Wait,
}

/// Everything the dashboard shows at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct OnScreen {
    /// The statuses to draw; `None` until the first evaluation.
    pub snapshot: Option<Arc<Snapshot>>,
    /// How old the data is (`data-freshness`).
    pub freshness: Freshness,
    /// Some statuses drawn are last-known warnings or criticals, not current
    /// ones: mark them stale.
    pub stale: bool,
    /// The banner's explanation.
    pub summary: Summary,
    /// Set while Prometheus cannot be reached.
    pub source_alert: Option<SourceAlert>,
    /// Prometheus's own warnings and infos.
    pub warnings: Vec<String>,
    /// When the data on screen was asked for (Unix seconds), for "updated 12 s ago".
    pub last_success: Option<f64>,
    /// Set while refreshes take longer than their interval: the source
    /// answers, but slowly ("Prometheus is slow: the last refresh took 8.1 s").
    pub slow: Option<String>,
    /// Set when this browser's clock is far off the server's: "This browser's
    /// clock is 10 min behind the server's; statuses are judged by the server's time".
    pub clock_skew: Option<String>,
    /// The alert sources that cannot be read now, each with what that means
    /// (`data-testid="alert-source-error"`); never about Prometheus's queries.
    pub alert_source_errors: Vec<AlertSourceProblem>,
    /// How many services shown are in maintenance ("1 in maintenance").
    pub maintenance: usize,
    /// Each data source's state, the default first (`data-testid="source-state"`).
    pub sources: Vec<SourceState>,
}

/// The data source failed: why, and what that means for the statuses shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceAlert {
    /// The failure, worded for operators ("Prometheus unreachable: …").
    pub message: String,
    /// What the screen does about it, in one sentence.
    pub consequence: String,
}

impl Monitor {
    /// A monitor for `config`, with nothing seen yet.
    pub fn new(config: Config) -> Monitor {
        let sources = vec![SourceTrack::default(); config.datasources.len()];
        Monitor {
            sources,
            engine: Engine::new(config),
            last: None,
            last_success: None,
            source_error: None,
            warnings: Vec::new(),
            round: None,
            slow: None,
            skew: None,
            alert_errors: Vec::new(),
        }
    }

    /// Starts a refresh at `now` asking `asked` of the default source (the
    /// distinct instant expressions as sent, see [`Monitor::queries`]). A
    /// refresh still running is given up (its client requests are cancelled
    /// by the caller).
    pub fn begin(&mut self, now: f64, asked: Vec<String>) {
        self.begin_sources(now, vec![asked]);
    }

    /// Starts a refresh at `now` asking `asked[i]` of source `i` (see
    /// [`Monitor::source_queries`]); a source left out is asked nothing.
    pub fn begin_sources(&mut self, now: f64, mut asked: Vec<Vec<String>>) {
        asked.resize(self.sources.len().max(1), Vec::new());
        let alerts_asked = self.alert_requests();
        let alert_answers = if alerts_asked.is_empty() {
            AlertAnswers::default()
        } else {
            AlertAnswers::asked()
        };
        self.round = Some(Round {
            started: now,
            answered: vec![0; asked.len()],
            answers: vec![Outcomes::new(); asked.len()],
            asked,
            alerts_asked,
            alerts_answered: 0,
            alert_answers,
        });
    }

    /// The alert sources' requests every refresh asks, with the checks'
    /// queries (none without `alerts:` or `alertmanager:`).
    pub fn alert_requests(&self) -> Vec<AlertRequest> {
        let config = self.config();
        AlertRequest::each_refresh(config.alerts.prometheus, config.alertmanager.is_some())
    }

    /// One alert source's answer of the running refresh arrived at `now`.
    /// Returns whether that completed the refresh (which is then judged).
    /// A failure is said at once, as the source's own.
    pub fn alert_answer(
        &mut self,
        now: f64,
        request: AlertRequest,
        outcome: Result<AlertAnswer, AlertSourceError>,
    ) -> bool {
        let Some(round) = &mut self.round else {
            return false;
        };
        if !round.alerts_asked.contains(&request) {
            return false;
        }
        round.alerts_answered += 1;
        if let Err(e) = &outcome
            && !e.is_canceled()
        {
            let source = request.source();
            self.alert_errors.retain(|(s, _)| *s != source);
            self.alert_errors.push((source, e.clone()));
            sorting::sort_by_key(&mut self.alert_errors, |(s, _)| *s);
        }
        round.alert_answers.take(request, outcome);
        self.finish_if_complete(now)
    }

    /// Judges the running refresh once everything asked has answered.
    fn finish_if_complete(&mut self, now: f64) -> bool {
        if !self.round.as_ref().is_some_and(Round::complete) {
            return false;
        }
        let Some(done) = self.round.take() else {
            return false;
        };
        let took = (now - done.started).max(0.0);
        let interval = self.config().datasource.refresh_secs;
        self.slow = (took > interval).then_some(took);
        self.ingest_sources(done.started, done.answers, &done.alert_answers);
        true
    }

    /// What to do when the refresh interval comes round at `now`. A refresh
    /// still running is waited for — its queries each have their own
    /// timeout, so it ends — and, once the data on screen would be stale,
    /// judged with what has arrived so far; only one running longer than
    /// `stale_after_secs` (which no timeout allows) is given up.
    pub fn next(&mut self, now: f64) -> Next {
        let Some(round) = &self.round else {
            return Next::Start;
        };
        let running = (now - round.started).max(0.0);
        if running > self.config().datasource.stale_after_secs {
            return Next::Start;
        }
        // The data on screen is still current by the slow source's own
        // pace: wait. Once it would be stale, judge what arrived (the rest
        // is "no result yet", unknown) rather than show nothing current.
        if self.freshness(now) != Freshness::Fresh && round.answered_total() > 0 {
            let partial = round.answers.clone();
            let alerts = round.alert_answers.clone();
            let started = round.started;
            self.ingest_sources(started, partial, &alerts);
        }
        Next::Wait
    }

    /// One instant answer of the running refresh arrived at `now`, for the
    /// expression `asked` as sent. Returns whether that completed the refresh
    /// (which is then judged). The data source is said to be down as soon as
    /// the answers so far show it, not after the last of them.
    pub fn answer(
        &mut self,
        now: f64,
        asked: &str,
        outcome: Result<QueryResult, QueryError>,
    ) -> bool {
        self.answer_from(now, 0, asked, outcome)
    }

    /// One instant answer of the running refresh from source `source` (see
    /// [`Monitor::answer`]). A source other than the default that is found
    /// down is said so at once, as its own state; only the default one
    /// makes the whole screen's source alert.
    pub fn answer_from(
        &mut self,
        now: f64,
        source: usize,
        asked: &str,
        outcome: Result<QueryResult, QueryError>,
    ) -> bool {
        let Some(round) = &mut self.round else {
            return false; // a refresh given up: its late answers say nothing
        };
        let Some(expected) = round.asked.get(source) else {
            return false;
        };
        if !expected.iter().any(|a| a == asked) {
            return false;
        }
        round.answered[source] += 1;
        for expr in self
            .engine
            .queries_of(source)
            .into_iter()
            .filter(|e| e.trim() == asked)
        {
            round.answers[source].insert(expr, outcome.clone());
        }
        if round.answered[source] < round.asked[source].len() {
            if let Some(error) = freshness::source_failure(round.answers[source].values()) {
                if source == 0 {
                    self.source_error = Some(error.clone());
                }
                if let Some(track) = self.sources.get_mut(source) {
                    track.error = Some(error.clone());
                }
            }
            return false;
        }
        self.finish_if_complete(now)
    }

    /// A graph's range answer from `source`, asked at `asked_at`: it says how
    /// a source that no check asks is doing (one whose checks answer is
    /// judged by them alone).
    pub fn range_answer(
        &mut self,
        asked_at: f64,
        source: usize,
        outcome: &Result<QueryResult, QueryError>,
    ) {
        if !self.engine.queries_of(source).is_empty() {
            return;
        }
        let Some(track) = self.sources.get_mut(source) else {
            return;
        };
        match outcome {
            Ok(_) => {
                track.error = None;
                track.last_answer = Some(asked_at);
            }
            Err(e) if freshness::source_failure(std::iter::once(outcome)).is_some() => {
                track.error = Some(e.clone());
            }
            Err(_) => {}
        }
    }

    /// A look at the server's clock (an answer's `Date` header): from now on
    /// answers are judged at the server's time.
    pub fn observe_clock(&mut self, reading: ClockReading) {
        self.skew = Some(reading.skew());
    }

    /// The server's time at the browser's `now`, as far as it is known (the
    /// graphs ask for their window in it).
    pub fn server_now(&self, now: f64) -> f64 {
        now + self.skew.unwrap_or(0.0)
    }

    /// Whether a refresh is still being answered.
    pub fn is_running(&self) -> bool {
        self.round.is_some()
    }

    /// The configuration judged by.
    pub fn config(&self) -> &Config {
        self.engine.config()
    }

    /// How texts about source `source` (an index into the configuration's
    /// sources) call it: by name and kind when there are several.
    pub fn teller(&self, source: usize) -> Teller<'_> {
        let config = self.config();
        config
            .datasources
            .get(source)
            .map_or_else(Teller::default, |s| teller(config, s))
    }

    /// Takes back transitions kept from an earlier page load (see
    /// [`Engine::restore_history`]): shown as history, never as a status.
    pub fn restore_history(&mut self, history: &crate::history::History) {
        self.engine.restore_history(history);
    }

    /// The distinct instant expressions to ask the default source each
    /// refresh (see [`Engine::queries`]).
    pub fn queries(&self) -> Vec<String> {
        self.engine.queries()
    }

    /// The distinct instant expressions to ask each source (see
    /// [`Engine::source_queries`]).
    pub fn source_queries(&self) -> Vec<Vec<String>> {
        self.engine.source_queries()
    }

    /// A source's version as it reports itself (read once by the app).
    pub fn set_version(&mut self, source: usize, version: Option<String>) {
        if let Some(track) = self.sources.get_mut(source) {
            track.version = version;
        }
    }

    /// Takes one refresh's answers, asked at `now` (Unix seconds).
    ///
    /// When the data source is down the engine is not asked: its verdict
    /// would be "unknown" everywhere and replace the last known warnings and
    /// criticals that must stay on screen. Only before anything is known, or
    /// once the known state has expired, is it asked with the failures, so
    /// the statuses and the history say unknown with the error.
    pub fn ingest(&mut self, now: f64, outcomes: Outcomes) {
        self.ingest_with_alerts(now, outcomes, &AlertAnswers::default());
    }

    /// Takes one refresh's answers, the alert sources' included (see
    /// [`Monitor::ingest`]); each alert source's failure is kept as its own.
    pub fn ingest_with_alerts(&mut self, now: f64, outcomes: Outcomes, alerts: &AlertAnswers) {
        self.ingest_sources(now, vec![outcomes], alerts);
    }

    /// Takes one refresh's answers per source (`outcomes[i]` from source
    /// `i`), the alert sources' included. The default source alone decides
    /// an outage (docs/semantics.md, "Data sources"): another source that
    /// is down fails its own checks, which the engine judges unknown naming
    /// it, and is said to be down in its state.
    pub fn ingest_sources(&mut self, now: f64, outcomes: Vec<Outcomes>, alerts: &AlertAnswers) {
        self.track_sources(now, &outcomes);
        if alerts.asked {
            let config = self.engine.config();
            self.alert_errors = [AlertSource::PrometheusRules, AlertSource::Alertmanager]
                .into_iter()
                .filter_map(|s| alerts.failure(config, s).map(|e| (s, e)))
                .collect();
        }
        // With several sources each warning says whose it is.
        let several = self.config().has_several_sources();
        let mut warnings: Vec<String> = outcomes
            .iter()
            .zip(&self.config().datasources)
            .flat_map(|(o, source)| o.values().map(move |r| (r, source)))
            .filter_map(|(r, source)| r.as_ref().ok().map(|r| (r, source)))
            .flat_map(|(r, source)| {
                r.warnings.iter().chain(&r.infos).map(move |w| {
                    if several {
                        format!("{}: {w}", source.name)
                    } else {
                        w.clone()
                    }
                })
            })
            .collect();
        sorting::sort(&mut warnings);
        warnings.dedup();
        self.warnings = warnings;
        let default = outcomes.first();
        if let Some(error) = default.and_then(|o| freshness::source_failure(o.values())) {
            self.source_error = Some(error.clone());
            if !matches!(self.freshness(now), Freshness::Waiting | Freshness::Expired) {
                return;
            }
        } else {
            self.source_error = None;
            self.last_success = Some(now);
        }
        // Judged at the server's time: Prometheus answered for its own now,
        // and a skewed browser clock must not make that look stale or future.
        let server_now = self.server_now(now);
        self.last = Some(Arc::new(
            self.engine.evaluate_sources(server_now, &outcomes, alerts),
        ));
    }

    /// Each source's state from its answers of one refresh: a source asked
    /// nothing keeps what it had.
    fn track_sources(&mut self, now: f64, outcomes: &[Outcomes]) {
        let config = self.engine.config();
        for ((track, answers), source) in self
            .sources
            .iter_mut()
            .zip(outcomes)
            .zip(&config.datasources)
        {
            if answers.is_empty() {
                continue;
            }
            if let Some(error) = freshness::source_failure(answers.values()) {
                track.error = Some(error.clone());
                continue;
            }
            track.error = None;
            track.last_answer = Some(now);
            track.partial = answers
                .values()
                .filter_map(|r| r.as_ref().ok())
                .find_map(|r| source.kind.partial(r));
        }
    }

    /// Each source's state at `now`.
    fn source_states(&self, now: f64) -> Vec<SourceState> {
        let config = self.config();
        let running_long = self
            .round
            .as_ref()
            .filter(|r| now - r.started > config.datasource.refresh_secs);
        config
            .datasources
            .iter()
            .zip(&self.sources)
            .enumerate()
            .map(|(i, (source, track))| {
                let slow = running_long
                    .is_some_and(|r| r.answered.get(i) < r.asked.get(i).map(Vec::len).as_ref());
                let health = if track.error.is_some() {
                    SourceHealth::Down
                } else if slow {
                    SourceHealth::Slow
                } else if track.partial.is_some() {
                    SourceHealth::Partial
                } else if track.last_answer.is_some() {
                    SourceHealth::Ok
                } else {
                    SourceHealth::Waiting
                };
                SourceState {
                    name: source.name.clone(),
                    kind: source.kind,
                    health,
                    last_answer: track.last_answer,
                    // Said beside its name: the engine by its kind suffices.
                    error: track
                        .error
                        .as_ref()
                        .map(|e| e.told_by(Teller::kind(source.kind)).to_string()),
                    partial: track.partial.clone(),
                    version: track.version.clone(),
                }
            })
            .collect()
    }

    /// The latest evaluation as the engine made it (for tests and tools;
    /// the screen shows [`Monitor::on_screen`]).
    pub fn last_evaluation(&self) -> Option<&Arc<Snapshot>> {
        self.last.as_ref()
    }

    /// What the screen shows at `now` (Unix seconds). A clock that went
    /// back is read as "no time passed": ages are never negative, and an
    /// outage stays an outage.
    pub fn on_screen(&self, now: f64) -> OnScreen {
        let freshness = self.freshness(now);
        let age = self.last_success.map_or(0.0, |at| (now - at).max(0.0));
        let who = teller(self.config(), &self.config().datasource);
        let why = self.source_error.as_ref().map_or_else(
            || format!("no answer from {}", who.subject()),
            |e| e.told_by(who).to_string(),
        );
        let no_current_data =
            || Summary::single(Status::Unknown, format!("no current data — {why}"));
        let outage = self.source_error.is_some() || freshness == Freshness::Stale;
        let mut stale = false;
        let mut problems_kept = false;
        let (snapshot, summary) = match (&self.last, freshness) {
            (None, _) if self.source_error.is_none() => (
                None,
                Summary::single(
                    Status::Unknown,
                    format!("waiting for the first data from {}", who.subject()),
                ),
            ),
            (None, _) => (None, no_current_data()),
            (Some(last), Freshness::Waiting) => (Some(Arc::clone(last)), no_current_data()),
            (Some(last), Freshness::Expired) => {
                let summary = no_current_data();
                let expired = last.expired(&summary.reasons[0].text);
                (Some(Arc::new(expired)), summary)
            }
            (Some(last), Freshness::Fresh | Freshness::Stale) if outage => {
                let ago = format_age(age);
                let no_data = format!("no current data; last known healthy {ago}");
                let (mut shown, any_healthy) =
                    last.last_known(&no_data, &format!("last known {ago}; no current data"));
                // The banner leads with "no current data" whenever something
                // is shown unknown, then the problems that stay. A last-known
                // *unknown* (a refresh that half failed as the source went
                // down) is no news of its own: its old "query failed" reasons
                // are not repeated as if current.
                let mut reasons = Vec::new();
                let any_unknown = last.services.iter().any(|s| s.effective == Status::Unknown);
                if any_healthy {
                    // Its age changes every second; it is still the same news.
                    reasons.push(Reason::new(Status::Unknown, no_data).about("source"));
                } else if any_unknown {
                    reasons.push(
                        Reason::new(Status::Unknown, format!("no current data — {why}"))
                            .about("source"),
                    );
                }
                reasons.extend(
                    root_reasons(&last.services)
                        .into_iter()
                        .filter(|r| r.status > Status::Unknown),
                );
                problems_kept = shown.cluster > Status::Unknown;
                let summary = Summary::new(shown.cluster, reasons, impacted_names(&last.services));
                shown.summary = summary.to_string();
                // Marked stale only where a last-known verdict is still drawn:
                // a screen of unknowns shows nothing old.
                stale = problems_kept;
                (Some(Arc::new(shown)), summary)
            }
            (Some(last), _) => (
                Some(Arc::clone(last)),
                Summary::of(last.cluster, &last.services),
            ),
        };
        let source_alert = self.source_error.as_ref().map(|e| SourceAlert {
            message: e.told_by(who).to_string(),
            consequence: if problems_kept {
                format!(
                    "Last known warnings and criticals stay on screen, marked stale; \
                     every status turns unknown after {:.0} s without data.",
                    self.config().datasource.stale_after_secs
                )
            } else {
                format!(
                    "Statuses are unknown until {} answers again.",
                    who.subject()
                )
            },
        });
        OnScreen {
            freshness,
            stale,
            summary,
            source_alert,
            warnings: self.warnings.clone(),
            last_success: self.last_success,
            slow: self.slow_notice(now),
            clock_skew: self.skew_notice(),
            alert_source_errors: self.alert_problems(),
            maintenance: snapshot.as_ref().map_or(0, |s| s.maintenance),
            sources: self.source_states(now),
            snapshot,
        }
    }

    /// Each alert source that cannot be read, with what that means for
    /// the statuses (worded by which other source still counts).
    fn alert_problems(&self) -> Vec<AlertSourceProblem> {
        let config = self.config();
        let failing = |s: AlertSource| self.alert_errors.iter().any(|(f, _)| *f == s);
        let rules_count = config.alerts.prometheus && !failing(AlertSource::PrometheusRules);
        let am_counts = config.alertmanager.is_some() && !failing(AlertSource::Alertmanager);
        self.alert_errors
            .iter()
            // With Prometheus itself unreachable its rules are too: the
            // source alert says so once.
            .filter(|(source, _)| {
                *source != AlertSource::PrometheusRules || self.source_error.is_none()
            })
            .map(|(source, error)| {
                let consequence = match source {
                    AlertSource::Alertmanager
                        if rules_count && self.engine.remembers_silences() =>
                    {
                        "Firing alerts from Prometheus still count; silences last read stay \
                         applied until they end. Check-based statuses are unaffected."
                    }
                    // Never promise muting that cannot happen: no silence was read.
                    AlertSource::Alertmanager if rules_count => {
                        "Firing alerts from Prometheus still count, none of them muted: no \
                         silence has been read. Check-based statuses are unaffected."
                    }
                    AlertSource::PrometheusRules if am_counts => {
                        "Alertmanager's firing alerts still count; services that declare \
                         alerts are at least unknown while their rules' health is not known. \
                         Check-based statuses are unaffected."
                    }
                    _ => {
                        "Services that declare alerts show them as unknown. Check-based \
                         statuses are unaffected."
                    }
                };
                AlertSourceProblem {
                    source: *source,
                    message: error.describe(*source),
                    consequence: consequence.to_owned(),
                }
            })
            .collect()
    }

    /// Said when the browser's clock is off by more than [`SKEW_NOTICE_SECS`].
    fn skew_notice(&self) -> Option<String> {
        let skew = self.skew?;
        if skew.abs() <= SKEW_NOTICE_SECS {
            return None;
        }
        let way = if skew > 0.0 { "behind" } else { "ahead of" };
        Some(format!(
            "This browser's clock is {} {way} the server's; statuses are judged by the server's time.",
            format_duration(skew.abs())
        ))
    }

    /// "Prometheus is slow: …" while a refresh outlasts its interval, or the
    /// last one did.
    /// With several sources, those still answering are named ("vm is
    /// slow", "second, vm are slow"); after the fact which one held the
    /// refresh up is not known.
    fn slow_notice(&self, now: f64) -> Option<String> {
        let config = self.config();
        let interval = config.datasource.refresh_secs;
        let every = fmt_secs(interval);
        let several = config.has_several_sources();
        let one = Teller::kind(config.datasource.kind).subject();
        if let Some(round) = &self.round {
            let running = (now - round.started).max(0.0);
            if running > interval {
                let waiting: Vec<&str> = config
                    .datasources
                    .iter()
                    .zip(round.asked.iter().zip(&round.answered))
                    .filter(|(_, (asked, answered))| **answered < asked.len())
                    .map(|(source, _)| source.name.as_str())
                    .collect();
                let who = match waiting.as_slice() {
                    _ if !several => format!("{one} is"),
                    [] => "The alert sources are".to_owned(),
                    [one] => format!("{one} is"),
                    many => format!("{} are", many.join(", ")),
                };
                return Some(format!(
                    "{who} slow: this refresh has taken {} so far, {} of {} queries answered (refresh every {every})",
                    fmt_secs(running),
                    round.answered_total(),
                    round.asked_total()
                ));
            }
        }
        let who = if several {
            "A data source is".to_owned()
        } else {
            format!("{one} is")
        };
        self.slow.map(|took| {
            format!(
                "{who} slow: the last refresh took {} (refresh every {every})",
                fmt_secs(took)
            )
        })
    }

    /// How current the data is, by the pace refreshes really keep: a
    /// refresh that takes longer than the interval is waited for, and the
    /// next starts at the next interval after it, so data is "stale" only
    /// past two of those cycles (else a slow but working source would flap
    /// between current and stale).
    fn freshness(&self, now: f64) -> Freshness {
        let ds = &self.config().datasource;
        let cycle = match self.slow {
            Some(took) => ds.refresh_secs * (took / ds.refresh_secs).ceil().max(1.0),
            None => ds.refresh_secs,
        };
        Freshness::of(now, self.last_success, cycle, ds.stale_after_secs)
    }
}

/// How the monitor's sentences call `source`: by its name and kind when
/// there are several (which one failed is the news), else by its kind
/// ("Prometheus", as one Prometheus always was).
fn teller<'c>(config: &Config, source: &'c DataSource) -> Teller<'c> {
    if config.has_several_sources() {
        Teller::named(&source.name, source.kind)
    } else {
        Teller::kind(source.kind)
    }
}

/// A clock skew worth saying: more than this many seconds, in either direction.
pub const SKEW_NOTICE_SECS: f64 = 30.0;

/// A duration for a sentence: "45 s", "10 min", "3 h".
fn format_duration(secs: f64) -> String {
    if secs < 90.0 {
        format!("{secs:.0} s")
    } else if secs < 90.0 * 60.0 {
        format!("{:.0} min", secs / 60.0)
    } else if secs < 48.0 * 3600.0 {
        format!("{:.0} h", secs / 3600.0)
    } else {
        format!("{:.0} days", secs / 86_400.0)
    }
}

/// Seconds for a sentence: "8.1 s", "12 s".
fn fmt_secs(secs: f64) -> String {
    if secs < 10.0 {
        format!("{secs:.1} s")
    } else {
        format!("{secs:.0} s")
    }
}

#[cfg(test)]
mod tests;
