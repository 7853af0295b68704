//! New builds and new configurations reach a wall screen that nobody reloads.
//!
//! Every [`DEFAULT_RECHECK_SECS`] (`?recheck=30s` to change, `?recheck=off` to
//! stop) the page asks for its own `index.html` and its configuration file
//! again, conditionally (`If-None-Match` / `If-Modified-Since`, so an
//! unchanged file is a 304 without a body). The first answer for
//! `index.html`, two seconds after the start, is the page's baseline (the page
//! cannot read the text it was loaded from); the configuration's baseline is
//! the text the dashboard runs, so it is first asked again a full interval later.
//!
//! - A changed `index.html` (a new build), or a changed configuration that the
//!   engine accepts, reloads the page at a quiet moment: nobody has touched it
//!   for [`QUIET_SECS`], right after a refresh completed (or, while the data
//!   source is down and no refresh completes, on the clock). The URL keeps the
//!   view and the open service; the history is kept (`history_store.rs`).
//! - A changed configuration that the engine refuses (or that the server no
//!   longer has) never replaces the working screen: the dashboard keeps running
//!   the old one and says `new configuration rejected: <error>`
//!   (`data-testid="config-rejected"`) until the file is good again.
//! - An unreachable server changes nothing (the source alert says enough).
//!
//! No timer of its own: the dashboard's one-second clock says when a check
//! is due, the refresh count when a refresh completed.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use panopticon_client::{FileError, Revalidated, Validators, revalidate_site_file};
use panopticon_engine::Config;

use crate::kiosk::Activity;
use crate::url_state;

/// How often the page asks whether it or its configuration changed.
pub const DEFAULT_RECHECK_SECS: f64 = 120.0;

/// The shortest `?recheck=` honoured.
const MIN_RECHECK_SECS: f64 = 5.0;

/// Seconds without input before the page may reload itself.
pub const QUIET_SECS: f64 = 10.0;

/// What the watch found out so far.
#[derive(Debug, Default)]
struct Watch {
    /// `index.html` as first answered: its validators and text.
    page: Option<(Validators, String)>,
    /// The configuration's validators as last answered.
    config: Validators,
    /// A check is on its way.
    checking: bool,
    /// When the last check started (Unix seconds).
    checked_at: f64,
    /// A reload is due at the next quiet moment.
    reload: bool,
}

/// The inputs of the watch: where the files are and what runs now.
#[derive(Debug, Clone)]
pub struct Running {
    /// The configuration's path, as loaded (`panopticon.yaml`, `?config=`'s file).
    pub config_path: String,
    /// The configuration's text the dashboard runs.
    pub config_text: String,
    /// The refresh interval, for "no refresh completes" while the source is down.
    pub refresh_secs: f64,
}

/// Starts watching (unless `?recheck=off`); returns the notice to show while
/// a new configuration is refused.
pub fn start(
    running: Running,
    now: RwSignal<f64>,
    refreshes: RwSignal<u64>,
    activity: Activity,
) -> RwSignal<Option<String>> {
    let rejected = RwSignal::new(None);
    let every = match url_state::param("recheck").as_deref() {
        Some("off") => return rejected,
        Some(text) => url_state::parse_duration(text)
            .map_or(DEFAULT_RECHECK_SECS, |s| s.max(MIN_RECHECK_SECS)),
        None => DEFAULT_RECHECK_SECS,
    };
    let running = Rc::new(running);
    let watch = Rc::new(RefCell::new(Watch {
        // The first check soon after the start: a build deployed while the
        // page loaded is noticed at the second.
        checked_at: now.get_untracked() - every + 2.0,
        ..Watch::default()
    }));
    let last_refresh = Rc::new(RefCell::new(now.get_untracked()));
    {
        let watch = Rc::clone(&watch);
        let running = Rc::clone(&running);
        let last_refresh = Rc::clone(&last_refresh);
        crate::effect::effect(move || {
            let t = now.get();
            let due = {
                let w = watch.borrow();
                !w.checking && !w.reload && t - w.checked_at >= every
            };
            if due {
                {
                    let mut w = watch.borrow_mut();
                    w.checking = true;
                    w.checked_at = t;
                }
                let watch = Rc::clone(&watch);
                let running = Rc::clone(&running);
                leptos::task::spawn_local(async move {
                    check(&watch, &running, rejected).await;
                    watch.borrow_mut().checking = false;
                });
            }
            // The data source is down (no refresh completes): nothing to
            // interrupt, the clock may reload.
            let stalled = t - *last_refresh.borrow() > 3.0 * running.refresh_secs;
            if stalled {
                reload_if_due(&watch, activity, t);
            }
        });
    }
    let last = Rc::clone(&last_refresh);
    crate::effect::effect(move || {
        refreshes.track();
        let t = now.get_untracked();
        *last.borrow_mut() = t;
        reload_if_due(&watch, activity, t);
    });
    rejected
}

/// Asks for both files once and records what changed.
async fn check(watch: &RefCell<Watch>, running: &Running, rejected: RwSignal<Option<String>>) {
    let page_path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".to_owned());
    let baseline = watch.borrow().page.as_ref().map(|(v, _)| v.clone());
    let first = baseline.is_none();
    let known = baseline.unwrap_or_default();
    if let Ok(Revalidated::Current { text, validators }) =
        revalidate_site_file(&page_path, &known).await
    {
        let mut w = watch.borrow_mut();
        match &w.page {
            Some((_, first)) if *first != text => w.reload = true,
            Some(_) => {}
            None => w.page = Some((validators, text)),
        }
    }
    // The configuration's baseline is the text running: its first check waits
    // a full interval (the file was fetched a moment ago, at the load).
    if first {
        return;
    }
    let known = watch.borrow().config.clone();
    let answer = revalidate_site_file(&running.config_path, &known).await;
    let verdict = match answer {
        Ok(Revalidated::Unchanged) | Err(FileError::Unreachable { .. }) => return,
        Ok(Revalidated::Current { text, validators }) => {
            watch.borrow_mut().config = validators;
            judge(&running.config_path, &running.config_text, Ok(&text))
        }
        Err(e) => {
            // Asked unconditionally next time, so that a file put back
            // unchanged is seen as good again.
            watch.borrow_mut().config = Validators::default();
            judge(&running.config_path, &running.config_text, Err(&e))
        }
    };
    if verdict == Verdict::Reload {
        watch.borrow_mut().reload = true;
    }
    let notice = match verdict {
        Verdict::Rejected(notice) => Some(notice),
        Verdict::Same | Verdict::Reload => None,
    };
    if rejected.with_untracked(|r| *r != notice) {
        rejected.set(notice);
    }
}

/// What the configuration file as served now means for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// The text running: nothing to do (and no notice).
    Same,
    /// Another text the engine accepts: reload at a quiet moment.
    Reload,
    /// Another text the engine refuses, or no file: keep the screen, say why.
    Rejected(String),
}

/// Judges the configuration file as served (`Ok(text)`, or the server's
/// refusal) against the text running at `path`.
fn judge(path: &str, running: &str, served: Result<&str, &FileError>) -> Verdict {
    let why = match served {
        Ok(text) if text == running => return Verdict::Same,
        Ok(text) => match Config::from_yaml(path, text) {
            Ok(_) => return Verdict::Reload,
            Err(e) => e.messages().join("; "),
        },
        Err(e) => format!("{path}: {e}"),
    };
    Verdict::Rejected(format!("new configuration rejected: {why}"))
}

/// Reloads the page if a reload is due and nobody has touched it for a while.
fn reload_if_due(watch: &RefCell<Watch>, activity: Activity, now: f64) {
    if !watch.borrow().reload || activity.idle_secs(now) < QUIET_SECS {
        return;
    }
    if let Some(window) = web_sys::window() {
        watch.borrow_mut().reload = false;
        let _ = window.location().reload();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "services:\n  - id: db\n    name: DB\n    checks:\n      - id: up\n        query: up\n        rule: { kind: equals, expected: 1 }\n";

    #[test]
    fn a_served_configuration_is_kept_reloaded_or_refused() {
        let path = "panopticon.yaml";
        let edited = format!("# edited\n{GOOD}");
        let cases: [(Result<&str, &FileError>, Verdict); 5] = [
            (Ok(GOOD), Verdict::Same),
            (Ok(&edited), Verdict::Reload),
            (
                Ok("services: [\n"),
                Verdict::Rejected(
                    "new configuration rejected: panopticon.yaml:1:11: unclosed bracket '['"
                        .to_owned(),
                ),
            ),
            (
                Err(&FileError::NotFound),
                Verdict::Rejected(
                    "new configuration rejected: panopticon.yaml: HTTP 404".to_owned(),
                ),
            ),
            (
                Err(&FileError::Http { status: 500 }),
                Verdict::Rejected(
                    "new configuration rejected: panopticon.yaml: HTTP 500".to_owned(),
                ),
            ),
        ];
        for (served, want) in cases {
            assert_eq!(judge(path, GOOD, served), want);
        }
        // An empty file is a configuration error too, never a blank screen.
        assert!(matches!(judge(path, GOOD, Ok("")), Verdict::Rejected(_)));
    }
}
